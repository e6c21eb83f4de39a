package io.zkaudit.prover.sumcheck;

import io.zkaudit.field.Ext2;
import io.zkaudit.parallel.Parallel;
import io.zkaudit.prover.field.FastField;

/**
 * Partial evaluation of base-field tables, for layer provers that sum over some variables of a
 * tensor while others are fixed by the claim: e.g. for out(i, k) = sum_j W(i, j) X(j, k) and a
 * claim on out~(z_i, z_k), the sumcheck over j runs on W~(z_i, j) = {@link #bindHigh}(W, log J,
 * z_i) and X~(j, z_k) = {@link #bindLow}(X, z_k) (row-major storage: the column index is the low
 * bits).
 *
 * <p>Results are interleaved extension tables, ready for {@link VirtualPolynomial#addExt}.
 */
public final class Tables {
  private Tables() {}

  private static final int PARALLEL_THRESHOLD = 1 << 14;

  /**
   * Fixes the low variables 0..m-1 of a base table over n variables to r (m = r.length): the result
   * over the n - m high variables is out[h] = sum_l eq(r, l) t[h 2^m + l].
   */
  public static long[] bindLow(long[] table, Ext2[] r) {
    int m = r.length;
    int n = io.zkaudit.poly.Mle.numVars(table.length);
    if (m > n) {
      throw new IllegalArgumentException("binding " + m + " of " + n + " variables");
    }
    long[] eq = RoundEngine.eqTable(r);
    int lowSize = 1 << m;
    int highSize = 1 << (n - m);
    long[] out = new long[2 * highSize];
    run(
        highSize,
        table.length,
        (h0, h1) -> {
          for (int h = h0; h < h1; h++) {
            int base = h << m;
            long s0 = 0;
            long s1 = 0;
            for (int l = 0; l < lowSize; l++) {
              long v = table[base + l];
              s0 = FastField.dot2(eq[2 * l], v, 0, 0, s0);
              s1 = FastField.dot2(eq[2 * l + 1], v, 0, 0, s1);
            }
            out[2 * h] = s0;
            out[2 * h + 1] = s1;
          }
        });
    return out;
  }

  /**
   * Fixes the high variables lowVars..n-1 of a base table to r (r.length = n - lowVars): the result
   * over the lowVars low variables is out[l] = sum_h eq(r, h) t[h 2^lowVars + l].
   */
  public static long[] bindHigh(long[] table, int lowVars, Ext2[] r) {
    int n = io.zkaudit.poly.Mle.numVars(table.length);
    if (lowVars < 0 || lowVars + r.length != n) {
      throw new IllegalArgumentException(
          "binding " + r.length + " high variables of " + n + " with " + lowVars + " low");
    }
    long[] eq = RoundEngine.eqTable(r);
    int lowSize = 1 << lowVars;
    int highSize = 1 << r.length;
    long[] out = new long[2 * lowSize];
    run(
        lowSize,
        table.length,
        (l0, l1) -> {
          for (int h = 0; h < highSize; h++) {
            long e0 = eq[2 * h];
            long e1 = eq[2 * h + 1];
            int base = h << lowVars;
            for (int l = l0; l < l1; l++) {
              long v = table[base + l];
              out[2 * l] = FastField.dot2(e0, v, 0, 0, out[2 * l]);
              out[2 * l + 1] = FastField.dot2(e1, v, 0, 0, out[2 * l + 1]);
            }
          }
        });
    return out;
  }

  interface Body {
    void run(int from, int to);
  }

  /** Splits [0, size) into chunks run in parallel when the total work is large. */
  private static void run(int size, int work, Body body) {
    if (work < PARALLEL_THRESHOLD || size < 2) {
      body.run(0, size);
      return;
    }
    int chunks = Math.min(size, 64);
    Parallel.forEach(
        chunks,
        c -> body.run((int) ((long) size * c / chunks), (int) ((long) size * (c + 1) / chunks)));
  }
}
