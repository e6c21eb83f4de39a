package io.zkaudit.prover.pcs;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.parallel.Parallel;
import io.zkaudit.prover.field.FastField;

/**
 * The sumcheck inside Basefold: sum_x f(x) g(x) for a base-field (first round) or extension f and
 * an extension g, binding variable 0 first. Round messages are h(0), h(1), h(2). Tables are
 * interleaved Ext2 long[] (see io.zkaudit.field.ExtVector).
 */
final class SumcheckFG {
  private SumcheckFG() {}

  private static final int MIN_CHUNK = 1 << 13;

  /** h(0), h(1), h(2) for base f. */
  static Ext2[] roundBase(long[] f, long[] g) {
    int half = f.length >>> 1;
    long[] acc = new long[6];
    Parallel.forRange(
        half,
        MIN_CHUNK,
        (from, to) -> {
          long s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0;
          for (int k = from; k < to; k++) {
            long f0 = f[2 * k];
            long f1 = f[2 * k + 1];
            long g00 = g[4 * k];
            long g01 = g[4 * k + 1];
            long g10 = g[4 * k + 2];
            long g11 = g[4 * k + 3];
            s00 = Goldilocks.add(s00, Goldilocks.mul(f0, g00));
            s01 = Goldilocks.add(s01, Goldilocks.mul(f0, g01));
            s10 = Goldilocks.add(s10, Goldilocks.mul(f1, g10));
            s11 = Goldilocks.add(s11, Goldilocks.mul(f1, g11));
            long f2 = Goldilocks.sub(Goldilocks.add(f1, f1), f0);
            long g20 = Goldilocks.sub(Goldilocks.add(g10, g10), g00);
            long g21 = Goldilocks.sub(Goldilocks.add(g11, g11), g01);
            s20 = Goldilocks.add(s20, Goldilocks.mul(f2, g20));
            s21 = Goldilocks.add(s21, Goldilocks.mul(f2, g21));
          }
          merge(acc, s00, s01, s10, s11, s20, s21);
        });
    return result(acc);
  }

  /** h(0), h(1), h(2) for extension f. */
  static Ext2[] roundExt(long[] f, long[] g) {
    int half = f.length >>> 2;
    long[] acc = new long[6];
    Parallel.forRange(
        half,
        MIN_CHUNK,
        (from, to) -> {
          long s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0;
          for (int k = from; k < to; k++) {
            long a0 = f[4 * k], a1 = f[4 * k + 1], b0 = f[4 * k + 2], b1 = f[4 * k + 3];
            long c0 = g[4 * k], c1 = g[4 * k + 1], d0 = g[4 * k + 2], d1 = g[4 * k + 3];
            s00 = Goldilocks.add(s00, mul0(a0, a1, c0, c1));
            s01 = Goldilocks.add(s01, mul1(a0, a1, c0, c1));
            s10 = Goldilocks.add(s10, mul0(b0, b1, d0, d1));
            s11 = Goldilocks.add(s11, mul1(b0, b1, d0, d1));
            long e0 = Goldilocks.sub(Goldilocks.add(b0, b0), a0);
            long e1 = Goldilocks.sub(Goldilocks.add(b1, b1), a1);
            long h0 = Goldilocks.sub(Goldilocks.add(d0, d0), c0);
            long h1 = Goldilocks.sub(Goldilocks.add(d1, d1), c1);
            s20 = Goldilocks.add(s20, mul0(e0, e1, h0, h1));
            s21 = Goldilocks.add(s21, mul1(e0, e1, h0, h1));
          }
          merge(acc, s00, s01, s10, s11, s20, s21);
        });
    return result(acc);
  }

  private static void merge(long[] acc, long... s) {
    synchronized (acc) {
      for (int i = 0; i < 6; i++) {
        acc[i] = Goldilocks.add(acc[i], s[i]);
      }
    }
  }

  private static Ext2[] result(long[] acc) {
    return new Ext2[] {
      new Ext2(acc[0], acc[1]), new Ext2(acc[2], acc[3]), new Ext2(acc[4], acc[5])
    };
  }

  /**
   * Real part of (a0 + a1 u)(b0 + b1 u), u^2 = W: a0 b0 + a1 (W b1), one reduction (W b1 by a
   * shift, {@link FastField#mulW}).
   */
  static long mul0(long a0, long a1, long b0, long b1) {
    return FastField.dot2(a0, b0, a1, FastField.mulW(b1), 0);
  }

  /** u-part of (a0 + a1 u)(b0 + b1 u), one reduction. */
  static long mul1(long a0, long a1, long b0, long b1) {
    return FastField.dot2(a0, b1, a1, b0, 0);
  }

  /** Binds variable 0 of a base table to r. */
  static long[] foldBase(long[] f, Ext2 r) {
    int half = f.length >>> 1;
    long[] out = new long[2 * half];
    long r0 = r.c0();
    long r1 = r.c1();
    Parallel.forRange(
        half,
        MIN_CHUNK,
        (from, to) -> {
          for (int k = from; k < to; k++) {
            long lo = f[2 * k];
            long d = Goldilocks.sub(f[2 * k + 1], lo);
            out[2 * k] = Goldilocks.add(lo, Goldilocks.mul(r0, d));
            out[2 * k + 1] = Goldilocks.mul(r1, d);
          }
        });
    return out;
  }

  /** Binds variable 0 of an interleaved Ext2 table to r. */
  static long[] foldExt(long[] f, Ext2 r) {
    int half = f.length >>> 2;
    long[] out = new long[2 * half];
    long r0 = r.c0();
    long r1 = r.c1();
    long r1w = FastField.mulW(r1);
    Parallel.forRange(
        half,
        MIN_CHUNK,
        (from, to) -> {
          for (int k = from; k < to; k++) {
            long a0 = f[4 * k], a1 = f[4 * k + 1];
            long d0 = Goldilocks.sub(f[4 * k + 2], a0);
            long d1 = Goldilocks.sub(f[4 * k + 3], a1);
            out[2 * k] = FastField.dot2(d0, r0, d1, r1w, a0);
            out[2 * k + 1] = FastField.dot2(d0, r1, d1, r0, a1);
          }
        });
    return out;
  }

  static long[] eqTable(Ext2[] z) {
    return io.zkaudit.prover.poly.EqTables.table(z);
  }

  static void eqTableInto(long[] t, int offset, Ext2[] z, Ext2 scale) {
    io.zkaudit.prover.poly.EqTables.into(t, offset, z, scale);
  }

  /**
   * The tables after binding a variable, and the next round's h(0), h(1), h(2) (null if 1 entry is
   * left).
   */
  record Folded(long[] f, long[] g, Ext2[] next) {}

  /**
   * Binds variable 0 of f (base if {@code base}, else interleaved Ext2) and g to r and, in the same
   * pass, computes the next round's message from the bound tables.
   */
  static Folded foldAndRound(long[] f, boolean base, long[] g, Ext2 r) {
    int half = (g.length >>> 1) >>> 1; // entries after binding
    long[] nf = new long[2 * half];
    long[] ng = new long[2 * half];
    long r0 = r.c0();
    long r1 = r.c1();
    long r1w = FastField.mulW(r1);
    if (half == 1) {
      storeFolded(f, base, g, r0, r1, r1w, 0, nf, ng);
      return new Folded(nf, ng, null);
    }
    long[] acc = new long[6];
    Parallel.forRange(
        half >>> 1,
        MIN_CHUNK,
        (from, to) -> {
          long s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0;
          for (int k = from; k < to; k++) {
            storeFolded(f, base, g, r0, r1, r1w, 2 * k, nf, ng);
            storeFolded(f, base, g, r0, r1, r1w, 2 * k + 1, nf, ng);
            long a0 = nf[4 * k], a1 = nf[4 * k + 1], b0 = nf[4 * k + 2], b1 = nf[4 * k + 3];
            long c0 = ng[4 * k], c1 = ng[4 * k + 1], d0 = ng[4 * k + 2], d1 = ng[4 * k + 3];
            s00 = Goldilocks.add(s00, mul0(a0, a1, c0, c1));
            s01 = Goldilocks.add(s01, mul1(a0, a1, c0, c1));
            s10 = Goldilocks.add(s10, mul0(b0, b1, d0, d1));
            s11 = Goldilocks.add(s11, mul1(b0, b1, d0, d1));
            long e0 = Goldilocks.sub(Goldilocks.add(b0, b0), a0);
            long e1 = Goldilocks.sub(Goldilocks.add(b1, b1), a1);
            long h0 = Goldilocks.sub(Goldilocks.add(d0, d0), c0);
            long h1 = Goldilocks.sub(Goldilocks.add(d1, d1), c1);
            s20 = Goldilocks.add(s20, mul0(e0, e1, h0, h1));
            s21 = Goldilocks.add(s21, mul1(e0, e1, h0, h1));
          }
          merge(acc, s00, s01, s10, s11, s20, s21);
        });
    return new Folded(nf, ng, result(acc));
  }

  /** nf[k], ng[k] = the bound entries k of f and g (r1w = W r1). */
  private static void storeFolded(
      long[] f, boolean base, long[] g, long r0, long r1, long r1w, int k, long[] nf, long[] ng) {
    if (base) {
      long lo = f[2 * k];
      long d = Goldilocks.sub(f[2 * k + 1], lo);
      nf[2 * k] = FastField.dot2(r0, d, 0, 0, lo);
      nf[2 * k + 1] = Goldilocks.mul(r1, d);
    } else {
      long a0 = f[4 * k], a1 = f[4 * k + 1];
      long d0 = Goldilocks.sub(f[4 * k + 2], a0);
      long d1 = Goldilocks.sub(f[4 * k + 3], a1);
      nf[2 * k] = FastField.dot2(d0, r0, d1, r1w, a0);
      nf[2 * k + 1] = FastField.dot2(d0, r1, d1, r0, a1);
    }
    long a0 = g[4 * k], a1 = g[4 * k + 1];
    long d0 = Goldilocks.sub(g[4 * k + 2], a0);
    long d1 = Goldilocks.sub(g[4 * k + 3], a1);
    ng[2 * k] = FastField.dot2(d0, r0, d1, r1w, a0);
    ng[2 * k + 1] = FastField.dot2(d0, r1, d1, r0, a1);
  }
}
