package io.zkaudit.prover.model;

import io.zkaudit.model.Layer;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.model.TensorSpec;
import java.util.List;

/**
 * A model split in two at a layer boundary, for chained proofs (docs/model-proofs.md, "Chained
 * proofs"): the body is layers [0, k) with the model's input and, as its output, the tensor layer k
 * − 1 writes; the head is layers [k, n) with that tensor as its input and the model's output. The
 * boundary tensor keeps its spec, so both sides agree on its 8-bit type, scale and zero point by
 * construction.
 *
 * <p>Both parts keep the model's whole tensor list and every constant's values (ids stay those of
 * the model; a part's circuit commits only the constants its own layers read). So a part's
 * description still names the other part's tensors, which are public shapes anyway.
 */
public record ModelSplit(QuantizedModel body, QuantizedModel head, int boundary) {

  /**
   * Splits before layer {@code at} (1 ≤ at < layer count).
   *
   * @throws ModelFormatException when the split is not a chain: the boundary is not an 8-bit
   *     activation, or a later layer reads a tensor the body computes other than the boundary (a
   *     skip connection across the cut)
   */
  public static ModelSplit at(QuantizedModel model, int at) {
    ModelDescription d = model.description();
    List<Layer> layers = d.layers();
    if (at < 1 || at >= layers.size()) {
      throw new ModelFormatException(
          "a split point is a layer index in 1.." + (layers.size() - 1) + ", not " + at);
    }
    int boundary = layers.get(at - 1).output();
    TensorSpec spec = d.tensor(boundary);
    if (!spec.type().isByte()) {
      throw new ModelFormatException(
          "the split at layer "
              + at
              + " passes "
              + spec.name()
              + " of type "
              + spec.type()
              + ": a chain's boundary tensor is 8-bit");
    }
    ModelDescription body =
        new ModelDescription(
            d.name() + "/body", d.tensors(), layers.subList(0, at), d.inputs(), List.of(boundary));
    ModelDescription head;
    try {
      head =
          new ModelDescription(
              d.name() + "/head",
              d.tensors(),
              layers.subList(at, layers.size()),
              List.of(boundary),
              d.outputs());
    } catch (ModelFormatException e) {
      throw new ModelFormatException(
          "the split at layer "
              + at
              + " ("
              + layers.get(at).name()
              + ") is not a chain: only "
              + spec.name()
              + " may cross it ("
              + e.getMessage()
              + ")");
    }
    return new ModelSplit(
        new QuantizedModel(body, model.constants()),
        new QuantizedModel(head, model.constants()),
        boundary);
  }

  /** Splits after the layer named {@code name} (the body ends with it). */
  public static ModelSplit after(QuantizedModel model, String name) {
    List<Layer> layers = model.description().layers();
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i).name().equals(name)) {
        return at(model, i + 1);
      }
    }
    throw new ModelFormatException("the model has no layer named " + name);
  }
}
