package io.zkaudit.layers;

import io.zkaudit.field.Goldilocks;
import io.zkaudit.model.Concat;
import io.zkaudit.model.ElementType;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.TensorSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A concatenation along the channel axis in the circuit (docs/model-proofs.md, "Concatenation").
 * The output is committed like any activation; the relation is that on every real position it
 * equals the virtual tensor
 *
 * <pre>  V(y, x, c) = sum_k [off_k <= c < off_k + C_k] In_k(y, x, c - off_k)</pre>
 *
 * (zero on padded channels), checked by one group of the rounding lookup, (tag, out, V, 0) against
 * the identity rows (tag, a, a, 0) of the output's 8-bit type. The lookup's claim on V is reduced
 * to claims on the inputs by one sumcheck ({@link ConcatVerifier}).
 *
 * @param inputs the input tensors (resolved), in order; offsets[k] is input k's first output
 *     channel
 * @param outColumn the output's committed column, -1 when it is the public output
 * @param tag the identity table's tag
 */
public record ConcatLayer(
    int layerIndex,
    Concat layer,
    List<Integer> inputs,
    List<TensorLayout> inLayouts,
    List<Integer> offsets,
    TensorLayout out,
    int outColumn,
    int tag) {

  public ConcatLayer {
    inputs = List.copyOf(inputs);
    inLayouts = List.copyOf(inLayouts);
    offsets = List.copyOf(offsets);
  }

  /** Channel bits of the sumcheck's common cube: the widest input's. */
  public int channelBits() {
    return inLayouts.stream().mapToInt(TensorLayout::cBits).max().orElseThrow();
  }

  /**
   * Variables of the sumcheck: the common channel bits, then the output's column and row bits (an
   * input with fewer row bits is zero beyond its rows, one with more is read on the output's).
   */
  public int numVars() {
    return channelBits() + out.wBits() + out.hBits();
  }

  /**
   * The circuit's form of a concatenation, or an error naming what the proof does not support: an
   * axis other than the channels, a constant input, or inputs of another type or spatial size than
   * the output.
   */
  static ConcatLayer of(
      ModelDescription model,
      int layerIndex,
      Concat c,
      List<Integer> inputs,
      boolean zeroKnowledge,
      int outColumn) {
    TensorSpec outSpec = model.tensor(c.output());
    int rank = outSpec.shape().size();
    if (c.axis() != rank - 1 && c.axis() != -1) {
      throw WindowedLinear.unsupported(
          c.name(), "a concatenation along axis " + c.axis() + " (the channel axis is)");
    }
    if (!outSpec.type().isByte()) {
      throw WindowedLinear.unsupported(
          c.name(), "a concatenation of " + outSpec.type() + " values (8-bit activations are)");
    }
    TensorLayout out = TensorLayout.of(outSpec, zeroKnowledge);
    List<TensorLayout> layouts = new ArrayList<>();
    List<Integer> offsets = new ArrayList<>();
    int offset = 0;
    for (int in : inputs) {
      TensorSpec spec = model.tensor(in);
      if (spec.constant() || spec.type() != outSpec.type()) {
        throw WindowedLinear.unsupported(
            c.name(),
            "a concatenation of "
                + (spec.constant()
                    ? "a constant"
                    : spec.type() + " and " + outSpec.type() + " values"));
      }
      TensorLayout l = TensorLayout.of(spec, zeroKnowledge);
      // Rows and columns are the output's; only the row bits may differ (a zero-knowledge layout's
      // extra height bit), which the sumcheck's cube absorbs.
      if (l.height() != out.height() || l.width() != out.width() || l.wBits() != out.wBits()) {
        throw WindowedLinear.unsupported(
            c.name(),
            "a concatenation whose input "
                + spec.name()
                + " has "
                + l.height()
                + "x"
                + l.width()
                + " positions, the output "
                + out.height()
                + "x"
                + out.width());
      }
      layouts.add(l);
      offsets.add(offset);
      offset += l.channels();
    }
    if (offset != out.channels()) {
      throw WindowedLinear.unsupported(
          c.name(), "a concatenation of " + offset + " channels into " + out.channels());
    }
    return new ConcatLayer(layerIndex, c, inputs, layouts, offsets, out, outColumn, -1);
  }

  /** Checks that the proof supports a concatenation, in both circuits, or throws the reason. */
  public static void check(ModelDescription model, Concat c) {
    of(model, -1, c, c.inputs(), false, -1);
    of(model, -1, c, c.inputs(), true, -1);
  }

  ConcatLayer withTag(int t) {
    return new ConcatLayer(layerIndex, layer, inputs, inLayouts, offsets, out, outColumn, t);
  }

  /** The identity rows (tag, a, a, 0) for every value of an 8-bit type. */
  static List<long[]> rows(int tag, ElementType type) {
    List<long[]> rows = new ArrayList<>();
    for (int a = type.min(); a <= type.max(); a++) {
      rows.add(new long[] {tag, Goldilocks.fromSigned(a), Goldilocks.fromSigned(a), 0});
    }
    return rows;
  }
}
