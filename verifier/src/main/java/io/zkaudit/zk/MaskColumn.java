package io.zkaudit.zk;

import io.zkaudit.field.Ext2;
import io.zkaudit.pcs.Basefold;
import io.zkaudit.pcs.ColumnClaim;
import io.zkaudit.pcs.EvalClaim;
import io.zkaudit.sumcheck.MaskPolynomial;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How the Libra masks of one proof sit in one committed column, and how a mask value g(r) becomes a
 * claim on it.
 *
 * <p>Every variable i of every masked sumcheck owns a block of 8 entries: g_i(X) = A_i(X) + u
 * B_i(X) (u^2 = 7, the extension's generator) with base-field coefficient lists A_i, B_i of length
 * 4 (degree at most 3, the largest round degree of an inference proof). Entry k of the block's
 * first half is the hypercube form (sum over subsets of k's bits) of A_i's coefficients, the second
 * half of B_i's, so that the column's multilinear extension at (X, X^2, c, bits of the block) is
 * A_i(X) for c = 0 and B_i(X) for c = 1: a univariate of degree 3 is a multilinear in two variables
 * evaluated on the curve (X, X^2). The claim "g(r) = v" is then one weighted sum of 2n evaluations
 * (see {@link EvalClaim}), which opens v without opening any part of it.
 */
public final class MaskColumn {
  private MaskColumn() {}

  /** Coefficient variables (4 slots) plus one variable for the two base-field halves. */
  public static final int BLOCK_VARS = 3;

  public static final int MAX_DEGREE = 3;
  private static final int SLOTS = 1 << (BLOCK_VARS - 1);

  /** Variables of a column holding {@code blocks} blocks (at least one block, so never empty). */
  public static int numVars(int blocks) {
    int n = BLOCK_VARS;
    while ((1L << n) < (long) Math.max(1, blocks) << BLOCK_VARS) {
      n++;
    }
    return n;
  }

  /** The column of these masks, in order, one block per variable. */
  public static long[] place(List<MaskPolynomial> masks, int numVars) {
    long[] col = new long[1 << numVars];
    int block = 0;
    for (MaskPolynomial m : masks) {
      if (m.degree() > MAX_DEGREE) {
        throw new IllegalArgumentException("mask degree " + m.degree() + " exceeds " + MAX_DEGREE);
      }
      Ext2[][] all = m.coeffs();
      for (int i = 0; i < m.numVars(); i++) {
        Ext2[] coeffs = all[i];
        for (int half = 0; half < 2; half++) {
          Ext2[] part = new Ext2[SLOTS];
          Arrays.fill(part, Ext2.ZERO);
          for (int k = 0; k < coeffs.length; k++) {
            part[k] = Ext2.of(half == 0 ? coeffs[k].c0() : coeffs[k].c1());
          }
          Basefold.coeffsToEvals(part);
          int base = (block << BLOCK_VARS) + SLOTS * half;
          for (int k = 0; k < SLOTS; k++) {
            col[base + k] = part[k].c0();
          }
        }
        block++;
      }
    }
    if ((long) block << BLOCK_VARS > col.length) {
      throw new IllegalArgumentException(
          "the masks need " + block + " blocks, the column holds " + (col.length >> BLOCK_VARS));
    }
    return col;
  }

  /**
   * The claim g(point) = value on column {@code column} of {@code numVars} variables, g starting at
   * block first.
   */
  public static ColumnClaim claim(int column, int numVars, int first, Ext2[] point, Ext2 value) {
    return new ColumnClaim(column, terms(numVars, first, point, Ext2.ONE), value);
  }

  /**
   * The terms of weight * g(point), g starting at block first: 2n weighted evaluations of the
   * column, so that several masks' values can be opened as one weighted sum.
   */
  public static List<EvalClaim.Term> terms(int numVars, int first, Ext2[] point, Ext2 weight) {
    List<EvalClaim.Term> terms = new ArrayList<>(2 * point.length);
    Ext2 u = new Ext2(0, 1);
    for (int i = 0; i < point.length; i++) {
      int block = first + i;
      Ext2 x = point[i];
      for (int half = 0; half < 2; half++) {
        Ext2[] p = new Ext2[numVars];
        p[0] = x;
        p[1] = x.mul(x);
        p[2] = half == 0 ? Ext2.ZERO : Ext2.ONE;
        for (int j = BLOCK_VARS; j < numVars; j++) {
          p[j] = ((block >>> (j - BLOCK_VARS)) & 1) == 1 ? Ext2.ONE : Ext2.ZERO;
        }
        terms.add(new EvalClaim.Term(p, half == 0 ? weight : u.mul(weight)));
      }
    }
    return terms;
  }

  /**
   * The terms of w1·m1 + w2·m2 for the two base-field scalars of a padding block (the block's
   * constant polynomial m1 + u·m2, {@link io.zkaudit.inference.MaskSchedule.PaddingScalars}): its
   * first half at X = 0 is m1, its second half m2.
   */
  public static List<EvalClaim.Term> scalarTerms(int numVars, int block, Ext2 w1, Ext2 w2) {
    List<EvalClaim.Term> terms = new ArrayList<>(2);
    for (int half = 0; half < 2; half++) {
      Ext2[] p = new Ext2[numVars];
      p[0] = Ext2.ZERO;
      p[1] = Ext2.ZERO;
      p[2] = half == 0 ? Ext2.ZERO : Ext2.ONE;
      for (int j = BLOCK_VARS; j < numVars; j++) {
        p[j] = ((block >>> (j - BLOCK_VARS)) & 1) == 1 ? Ext2.ONE : Ext2.ZERO;
      }
      terms.add(new EvalClaim.Term(p, half == 0 ? w1 : w2));
    }
    return terms;
  }
}
