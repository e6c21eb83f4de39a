package io.zkaudit.model;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The public description of a quantized model: every tensor's shape and quantization and every
 * layer's integer semantics, but no weight values. It is what a proof is about: its {@link
 * #digest()} is bound into every proof's transcript. Layers are in execution order; each reads
 * tensors that are model inputs, constants or outputs of earlier layers.
 */
public record ModelDescription(
    String name,
    List<TensorSpec> tensors,
    List<Layer> layers,
    List<Integer> inputs,
    List<Integer> outputs,
    List<String> limbRoundings) {

  /** Limits that keep decoding of hostile input bounded. */
  public static final int MAX_TENSORS = 1 << 16;

  public static final int MAX_LAYERS = 1 << 15;

  public ModelDescription {
    tensors = List.copyOf(tensors);
    layers = List.copyOf(layers);
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    limbRoundings = List.copyOf(limbRoundings);
    validate(name, tensors, layers, inputs, outputs);
    validateLimbRoundings(layers, limbRoundings);
  }

  /** A description whose every rounding is proven with 16-bit remainders (the default). */
  public ModelDescription(
      String name,
      List<TensorSpec> tensors,
      List<Layer> layers,
      List<Integer> inputs,
      List<Integer> outputs) {
    this(name, tensors, layers, inputs, outputs, List.of());
  }

  /**
   * The same model with the roundings of the named layers proven with 32-bit remainders split into
   * two 16-bit limbs ({@code io.zkaudit.layers.Rounding#limbs}): for accumulators beyond the window
   * of 16-bit remainders, or steps so wide that their 16-bit rows would not fit a table. Part of
   * the description (and so of its digest): the verifier builds the circuit from it.
   */
  public ModelDescription withLimbRoundings(List<String> layerNames) {
    Set<String> wanted = new HashSet<>(layerNames);
    List<String> ordered =
        layers.stream().map(Layer::name).filter(wanted::contains).distinct().toList();
    if (ordered.size() != wanted.size()) {
      throw new IllegalArgumentException("limb roundings name layers the model does not have");
    }
    return new ModelDescription(name, tensors, layers, inputs, outputs, ordered);
  }

  /** Whether the rounding of the named layer is proven with two 16-bit limbs per remainder. */
  public boolean limbRounding(String layerName) {
    return limbRoundings.contains(layerName);
  }

  /**
   * The layers whose accumulator a requantization, rescale or rounded division maps to the output.
   */
  private static boolean hasRounding(Layer layer) {
    return layer instanceof Conv2D
        || layer instanceof DepthwiseConv2D
        || layer instanceof FullyConnected
        || layer instanceof Add
        || layer instanceof Mul
        || layer instanceof AveragePool
        || layer instanceof Mean
        || layer instanceof Requantize;
  }

  /** Limb roundings name distinct layers, in the layers' order (one canonical encoding). */
  private static void validateLimbRoundings(List<Layer> layers, List<String> limbRoundings) {
    int next = 0;
    for (String n : limbRoundings) {
      int at = -1;
      for (int i = next; i < layers.size(); i++) {
        if (layers.get(i).name().equals(n)) {
          at = i;
          break;
        }
      }
      if (at < 0) {
        throw new ModelFormatException(
            "limb rounding " + n + " is not a layer (or not in the layers' order)");
      }
      if (!hasRounding(layers.get(at))) {
        throw new ModelFormatException(
            "limb rounding " + n + " names a layer without a rounding step");
      }
      next = at + 1;
    }
  }

  public TensorSpec tensor(int id) {
    return tensors.get(id);
  }

  /** The canonical binary encoding: equal descriptions, equal bytes. */
  public byte[] encode() {
    return DescriptionCodec.encode(this);
  }

  /** Decodes and validates; throws {@link ModelFormatException} on any malformed input. */
  public static ModelDescription decode(byte[] bytes) {
    return DescriptionCodec.decode(bytes);
  }

  /** SHA-256 of the canonical encoding. */
  public byte[] digest() {
    try {
      return MessageDigest.getInstance("SHA-256").digest(encode());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }

  public String digestHex() {
    return java.util.HexFormat.of().formatHex(digest());
  }

  private static void validate(
      String name,
      List<TensorSpec> tensors,
      List<Layer> layers,
      List<Integer> inputs,
      List<Integer> outputs) {
    if (name == null) throw new ModelFormatException("model without a name");
    if (tensors.size() > MAX_TENSORS || layers.size() > MAX_LAYERS)
      throw new ModelFormatException("model too large");
    if (inputs.isEmpty() || outputs.isEmpty())
      throw new ModelFormatException("model without inputs or outputs");
    Set<Integer> available = new HashSet<>();
    for (int i : inputs) {
      checkId(i, tensors, "model input");
      if (tensors.get(i).constant())
        throw new ModelFormatException("model input " + tensors.get(i).name() + " is a constant");
      available.add(i);
    }
    for (int t = 0; t < tensors.size(); t++) if (tensors.get(t).constant()) available.add(t);
    for (Layer layer : layers) {
      for (int i : layer.inputs()) {
        checkId(i, tensors, "layer " + layer.name());
        if (!available.contains(i)) {
          throw new ModelFormatException(
              "layer "
                  + layer.name()
                  + " reads tensor "
                  + tensors.get(i).name()
                  + " before it is computed");
        }
      }
      checkId(layer.output(), tensors, "layer " + layer.name());
      if (tensors.get(layer.output()).constant() || !available.add(layer.output())) {
        throw new ModelFormatException(
            "layer "
                + layer.name()
                + " writes tensor "
                + tensors.get(layer.output()).name()
                + " twice");
      }
      LayerShapes.check(layer, tensors);
    }
    for (int o : outputs) {
      checkId(o, tensors, "model output");
      if (!available.contains(o))
        throw new ModelFormatException(
            "model output " + tensors.get(o).name() + " is never computed");
    }
  }

  private static void checkId(int id, List<TensorSpec> tensors, String where) {
    if (id < 0 || id >= tensors.size())
      throw new ModelFormatException(where + " refers to tensor " + id + " which does not exist");
  }
}
