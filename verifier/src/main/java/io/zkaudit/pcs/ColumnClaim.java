package io.zkaudit.pcs;

import io.zkaudit.field.Ext2;
import java.util.List;

/**
 * The claim "column {@code column} of a {@link PackedLayout} takes {@code value} at {@code point}"
 * (the point has as many coordinates as the column has variables), or, with several terms, "sum_j
 * weight_j column(point_j) = value" (see {@link EvalClaim}).
 */
public record ColumnClaim(int column, List<EvalClaim.Term> terms, Ext2 value) {
  public ColumnClaim {
    terms = List.copyOf(terms);
    if (terms.isEmpty()) {
      throw new IllegalArgumentException("a claim needs at least one term");
    }
  }

  public ColumnClaim(int column, Ext2[] point, Ext2 value) {
    this(column, List.of(new EvalClaim.Term(point, Ext2.ONE)), value);
  }

  /** The point of a one-term claim of weight 1. */
  public Ext2[] point() {
    if (terms.size() != 1 || !terms.getFirst().weight().equals(Ext2.ONE)) {
      throw new IllegalStateException("a sum claim has no single point");
    }
    return terms.getFirst().point();
  }

  /** The same claim on another column number (a column's index inside its bin). */
  public ColumnClaim onColumn(int c) {
    return new ColumnClaim(c, terms, value);
  }
}
