package io.zkaudit.accuracy;

import io.zkaudit.field.Ext2;
import java.util.Arrays;

/**
 * An evaluation claim the gadget leaves: {@code column}'s MLE at {@code point} is {@code value}.
 * The logits' claim is discharged by the inference proof (the last layer's output); the other three
 * columns are committed by the prover and opened by the proof's batched opening.
 */
public record ColumnEvaluation(Column column, Ext2[] point, Ext2 value) {
  /** The gadget's columns. */
  public enum Column {
    /** ℓ(b, j): the logits, (class, sample) layout; private, committed by the inference proof. */
    LOGITS,
    /** s(b, j): the one-hot prediction selector. */
    SELECTOR,
    /** m(b): the maximum logit of each sample, over the sample variables only. */
    MAX,
    /** d(b, j) = m(b) − ℓ(b, j) − [j &lt; p_b] on the box: in the 16-bit range table. */
    GAP,
    /**
     * L(b, j) = [b &lt; N][j = y_b]: the label table, when the statement's labels are committed (in
     * the test-set commitment); zero on its padding.
     */
    LABELS;

    /** The column's number of variables in a layout. */
    public int numVars(ArgmaxLayout layout) {
      return this == MAX ? layout.sampleBits() : layout.numVars();
    }
  }

  public ColumnEvaluation {
    point = point.clone();
  }

  @Override
  public Ext2[] point() {
    return point.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ColumnEvaluation c
        && c.column == column
        && Arrays.equals(c.point, point)
        && c.value.equals(value);
  }

  @Override
  public int hashCode() {
    return (column.hashCode() * 31 + Arrays.hashCode(point)) * 31 + value.hashCode();
  }
}
