package io.zkaudit.poly;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;

/**
 * Multilinear polynomials in evaluation form over the Boolean hypercube {0,1}^n.
 *
 * <p><b>Convention (used everywhere in zkaudit):</b> a table of 2^n values holds f(x) at index i =
 * sum_j x_j 2^j, so variable j is bit j of the index, and a point r = (r_0, ..., r_{n-1}) assigns
 * r_j to bit j. Sumchecks bind variable 0 (the lowest bit) first, which pairs adjacent entries (2k,
 * 2k+1): a sequential, cache-friendly pass.
 *
 * <p>Base-field tables are {@code long[]}; extension tables are interleaved {@code long[]} (see
 * {@link io.zkaudit.field.ExtVector}).
 */
public final class Mle {
  private Mle() {}

  /** Base tables of at least 2^SPLIT_EQ_VARS entries are evaluated through split eq tables. */
  static final int SPLIT_EQ_VARS = 8;

  public static int numVars(int tableLength) {
    if (tableLength <= 0 || Integer.bitCount(tableLength) != 1) {
      throw new IllegalArgumentException("table length must be a power of two: " + tableLength);
    }
    return Integer.numberOfTrailingZeros(tableLength);
  }

  /** eq(r, x) for every x in {0,1}^n, as an interleaved extension table. */
  public static long[] eqTable(Ext2[] r) {
    long[] t = new long[2 << r.length];
    t[0] = 1;
    int size = 1;
    for (Ext2 rk : r) {
      // Bit k is the new high bit: entries without it get (1 - r_k), entries with it get r_k.
      // The extension product (a0 + a1 u)(c0 + c1 u), u^2 = 7, is inlined: no allocation.
      long c0 = rk.c0();
      long c1 = rk.c1();
      long c1w = Goldilocks.mul(c1, Ext2.W);
      for (int i = 0; i < size; i++) {
        long a0 = t[2 * i];
        long a1 = t[2 * i + 1];
        long h0 = Goldilocks.add(Goldilocks.mul(a0, c0), Goldilocks.mul(a1, c1w));
        long h1 = Goldilocks.add(Goldilocks.mul(a0, c1), Goldilocks.mul(a1, c0));
        t[2 * (i + size)] = h0;
        t[2 * (i + size) + 1] = h1;
        t[2 * i] = Goldilocks.sub(a0, h0);
        t[2 * i + 1] = Goldilocks.sub(a1, h1);
      }
      size <<= 1;
    }
    return t;
  }

  /** eq(a, b) = prod_j (a_j b_j + (1 - a_j)(1 - b_j)), in O(n). */
  public static Ext2 eq(Ext2[] a, Ext2[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("eq of points of different dimension");
    }
    Ext2 acc = Ext2.ONE;
    for (int j = 0; j < a.length; j++) {
      Ext2 term;
      // Boolean coordinates (a packed layout's column offset, a mask block's index) are common in
      // opening claims: eq is then b or 1 - b, with no product.
      if (a[j].equals(Ext2.ONE)) {
        term = b[j];
      } else if (a[j].isZero()) {
        term = Ext2.ONE.sub(b[j]);
      } else {
        Ext2 ab = a[j].mul(b[j]);
        // 1 - a - b + 2ab
        term = Ext2.ONE.sub(a[j]).sub(b[j]).add(ab).add(ab);
      }
      acc = acc.mul(term);
    }
    return acc;
  }

  /** Binds variable 0 of a base table to r: out[k] = t[2k] + r (t[2k+1] - t[2k]). */
  public static long[] fixFirstVariable(long[] base, Ext2 r) {
    int half = base.length >>> 1;
    long[] out = new long[2 * half];
    for (int k = 0; k < half; k++) {
      long lo = base[2 * k];
      long diff = Goldilocks.sub(base[2 * k + 1], lo);
      out[2 * k] = Goldilocks.add(lo, Goldilocks.mul(r.c0(), diff));
      out[2 * k + 1] = Goldilocks.mul(r.c1(), diff);
    }
    return out;
  }

  /** Binds variable 0 of an interleaved extension table to r. */
  public static long[] fixFirstVariableExt(long[] ext, Ext2 r) {
    int half = ext.length >>> 2;
    long[] out = new long[2 * half];
    for (int k = 0; k < half; k++) {
      Ext2 lo = new Ext2(ext[4 * k], ext[4 * k + 1]);
      Ext2 hi = new Ext2(ext[4 * k + 2], ext[4 * k + 3]);
      Ext2 v = lo.add(hi.sub(lo).mul(r));
      out[2 * k] = v.c0();
      out[2 * k + 1] = v.c1();
    }
    return out;
  }

  /**
   * f(r) for a base table: large ones through {@link SplitEq} (no 2^(n-1)-entry intermediate
   * tables), small ones by folding variable 0 first.
   */
  public static Ext2 evaluate(long[] base, Ext2[] r) {
    checkDims(base.length, r);
    if (r.length == 0) {
      return Ext2.of(base[0]);
    }
    if (r.length >= SPLIT_EQ_VARS) {
      return SplitEq.of(r).evaluate(base);
    }
    long[] t = fixFirstVariable(base, r[0]);
    for (int j = 1; j < r.length; j++) {
      t = fixFirstVariableExt(t, r[j]);
    }
    return new Ext2(t[0], t[1]);
  }

  /**
   * A point r given as the eq tables of its low and high halves of variables, eq(r, h 2^lo + l) =
   * low[l] high[h]: about sqrt(2^n) entries each instead of one 2^n-entry table. A base table's
   * extension at r is then sum_h high[h] sum_l low[l] f[h 2^lo + l], the inner sums
   * base-by-extension dot products reduced once ({@link io.zkaudit.field.ExtVector#dotBase}).
   */
  public record SplitEq(long[] low, long[] high) {
    public static SplitEq of(Ext2[] r) {
      int lowVars = r.length / 2;
      return new SplitEq(
          eqTable(java.util.Arrays.copyOfRange(r, 0, lowVars)),
          eqTable(java.util.Arrays.copyOfRange(r, lowVars, r.length)));
    }

    /** Blocks of the high variables: the table's length over the low table's. */
    public int blocks() {
      return high.length >>> 1;
    }

    /** f(r) for a base table of blocks() x (low table) entries. */
    public Ext2 evaluate(long[] base) {
      if ((long) (low.length >>> 1) * blocks() != base.length) {
        throw new IllegalArgumentException(
            "a table of "
                + base.length
                + " entries at a point of "
                + (low.length >>> 1)
                + " x "
                + blocks());
      }
      return evaluate(base, 0, blocks());
    }

    /** The blocks [from, to) of f(r)'s sum (for a caller that spreads the blocks over workers). */
    public Ext2 evaluate(long[] base, int from, int to) {
      int size = low.length >>> 1;
      Ext2 acc = Ext2.ZERO;
      for (int h = from; h < to; h++) {
        acc =
            acc.add(
                io.zkaudit.field.ExtVector.get(high, h)
                    .mul(io.zkaudit.field.ExtVector.dotBase(low, base, h * size, size)));
      }
      return acc;
    }
  }

  /** f(r) for an interleaved extension table. */
  public static Ext2 evaluateExt(long[] ext, Ext2[] r) {
    checkDims(ext.length >>> 1, r);
    long[] t = ext;
    for (Ext2 rj : r) {
      t = fixFirstVariableExt(t, rj);
    }
    return new Ext2(t[0], t[1]);
  }

  private static void checkDims(int length, Ext2[] r) {
    if (numVars(length) != r.length) {
      throw new IllegalArgumentException(
          "point has " + r.length + " coordinates, table has " + numVars(length) + " variables");
    }
  }
}
