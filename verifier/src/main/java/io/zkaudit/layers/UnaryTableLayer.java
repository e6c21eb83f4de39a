package io.zkaudit.layers;

import io.zkaudit.field.Goldilocks;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.model.Unary;
import java.util.ArrayList;
import java.util.List;

/**
 * An elementwise 8-bit function in the circuit (docs/model-proofs.md, "Unary functions"): one group
 * of the rounding lookup, (tag, x, y, 0) on the output's real positions, against the 256 rows (tag,
 * v, T[v], 0) of the layer's table T ({@link Unary#table}). The table rows come from the model
 * description, which the verifying key binds; the proof holds none of them. x is read as a claim on
 * the input activation at the lookup's point, y is the committed output (or the public output).
 * Nothing is virtual: both columns are committed with uniform padding in a zero-knowledge proof, so
 * their values at the lookup's point are masked like any other opened activation, and the group's
 * box keeps the padding out of the lookup.
 *
 * @param input the input tensor, resolved through layout-keeping reshapes
 * @param outColumn the output's committed column, -1 when it is the public output
 * @param tag the table's tag
 */
public record UnaryTableLayer(
    int layerIndex, Unary layer, int input, TensorLayout out, int outColumn, int tag) {

  /**
   * The circuit's form of a unary layer, or an error naming what the proof does not support: a
   * constant input, or an input whose layout differs from the output's.
   */
  public static UnaryTableLayer of(
      ModelDescription model,
      int index,
      Unary u,
      int input,
      boolean zeroKnowledge,
      int outColumn,
      int tag) {
    check(model, u, zeroKnowledge);
    return new UnaryTableLayer(
        index, u, input, TensorLayout.of(model.tensor(u.output()), zeroKnowledge), outColumn, tag);
  }

  /** The refusals of {@link #of}, for a provability check. */
  public static void check(ModelDescription model, Unary u, boolean zeroKnowledge) {
    TensorSpec in = model.tensor(u.input());
    if (in.constant()) {
      throw WindowedLinear.unsupported(u.name(), "a unary function of a constant");
    }
    if (!TensorLayout.of(in, zeroKnowledge)
        .equals(TensorLayout.of(model.tensor(u.output()), zeroKnowledge))) {
      throw WindowedLinear.unsupported(
          u.name(),
          "a unary function whose input "
              + in.shape()
              + " is laid out unlike its output "
              + model.tensor(u.output()).shape());
    }
  }

  /** The table rows (tag, v, T[v], 0) for every value v of the input's type. */
  public static List<long[]> rows(int tag, ModelDescription model, Unary u) {
    int[] table = u.table(model);
    int min = model.tensor(u.input()).type().min();
    List<long[]> rows = new ArrayList<>(table.length);
    for (int i = 0; i < table.length; i++) {
      rows.add(
          new long[] {tag, Goldilocks.fromSigned(min + i), Goldilocks.fromSigned(table[i]), 0});
    }
    return rows;
  }

  public UnaryTableLayer withTag(int newTag) {
    return new UnaryTableLayer(layerIndex, layer, input, out, outColumn, newTag);
  }
}
