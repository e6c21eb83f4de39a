package io.zkaudit.prover.pcs;

import io.zkaudit.field.Ext2;
import io.zkaudit.merkle.MerkleTree;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.pcs.PackedLayout;
import io.zkaudit.poly.Mle;

/**
 * The prover's side of a commitment: the polynomial's evaluations, its codeword and Merkle tree.
 * Holds large arrays (at 2^24 evaluations and rate 1/4: 128 MB + 512 MB + 128 MB); drop it after
 * the last opening.
 */
public final class Committed {
  private final Commitment commitment;
  private final PackedLayout layout;
  final long[] evals;
  final long[] codeword;
  final MerkleTree tree;

  Committed(
      Commitment commitment, PackedLayout layout, long[] evals, long[] codeword, MerkleTree tree) {
    this.commitment = commitment;
    this.layout = layout;
    this.evals = evals;
    this.codeword = codeword;
    this.tree = tree;
  }

  /** What the verifier gets: the Merkle root and the number of variables. */
  public Commitment commitment() {
    return commitment;
  }

  /** The column layout when several columns were committed together, else null. */
  public PackedLayout layout() {
    return layout;
  }

  public int numVars() {
    return commitment.numVars();
  }

  /** The committed polynomial at a point (to produce claim values). */
  public Ext2 evaluate(Ext2[] point) {
    return Mle.evaluate(evals, point);
  }

  /** A copy of column c's evaluations (a packed commitment). */
  public long[] column(int c) {
    if (layout == null) {
      throw new IllegalStateException("this commitment holds one polynomial, not columns");
    }
    int from = Math.toIntExact(layout.offset(c));
    return java.util.Arrays.copyOfRange(evals, from, from + (1 << layout.columnVars(c)));
  }

  /**
   * The mask half of column c of a shadow ({@link BasefoldProver#commitShadow}: the shadow variable
   * t is each column's lowest, t = 0 the committed column, t = 1 its mask): entries 2i + 1.
   */
  public long[] shadowMaskHalf(int c) {
    if (layout == null) {
      throw new IllegalStateException("this commitment holds one polynomial, not columns");
    }
    int from = Math.toIntExact(layout.offset(c));
    long[] m = new long[1 << (layout.columnVars(c) - 1)];
    for (int i = 0; i < m.length; i++) {
      m[i] = evals[from + 2 * i + 1];
    }
    return m;
  }

  /** Column c of a packed commitment at a point of its own dimension. */
  public Ext2 evaluateColumn(int column, Ext2[] point) {
    if (layout == null) {
      throw new IllegalStateException("this commitment holds one polynomial, not columns");
    }
    int m = layout.columnVars(column);
    if (point.length != m) {
      throw new IllegalArgumentException("column " + column + " has " + m + " variables");
    }
    long[] col =
        java.util.Arrays.copyOfRange(
            evals, layout.offset(column), layout.offset(column) + (1 << m));
    return Mle.evaluate(col, point);
  }
}
