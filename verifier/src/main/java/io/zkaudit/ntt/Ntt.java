package io.zkaudit.ntt;

import io.zkaudit.field.Goldilocks;
import io.zkaudit.parallel.Parallel;

/**
 * Number-theoretic transforms over Goldilocks: a cache-blocked radix-4/radix-2 decimation-in-
 * frequency NTT that takes coefficients in natural order and leaves evaluations in bit-reversed
 * order, in place, without a permutation pass.
 *
 * <p>{@code forward(a, off, logN)} turns a[off..off+N) = (c_0..c_{N-1}) into a[off+i] = sum_k c_k
 * w^(k * bitrev(i)), w the primitive N-th root of unity {@link Goldilocks#rootOfUnity}(logN).
 * Bit-reversed order puts the points x and -x next to each other, and every coset of the 2^a-th
 * roots of unity in a contiguous block of 2^a entries: exactly what FRI/Basefold folding and
 * row-wise Merkle leaves need.
 *
 * <p>Twiddles: one table T with T[h + t] = w_{2h}^t (t < h, h a power of two), shared by every size
 * up to the largest requested (a prefix of the table serves every smaller size).
 */
public final class Ntt {
  private Ntt() {}

  /** Blocks of up to 2^12 longs (32 KB) are transformed entirely in L1/L2 cache. */
  private static final int SMALL_LOG = 12;

  /** The largest table built so far; soft, so that 128 MB at 2^24 can go under memory pressure. */
  private static volatile java.lang.ref.SoftReference<long[]> twiddles =
      new java.lang.ref.SoftReference<>(new long[] {0, 1});

  /** The twiddle table for sizes up to 2^logN (length >= 2^logN). */
  static long[] twiddles(int logN) {
    long[] t = twiddles.get();
    if (t != null && t.length >= (1L << logN)) {
      return t;
    }
    synchronized (Ntt.class) {
      t = twiddles.get();
      if (t != null && t.length >= (1L << logN)) {
        return t;
      }
      int n = 1 << logN;
      long[] table = new long[Math.max(2, n)];
      if (logN >= 1) {
        int h = n >>> 1; // top level: T[h + t] = w_n^t
        long w = Goldilocks.rootOfUnity(logN);
        Parallel.forRange(
            h,
            1 << 14,
            (from, to) -> {
              long x = Goldilocks.pow(w, from);
              for (int i = from; i < to; i++) {
                table[h + i] = x;
                x = Goldilocks.mul(x, w);
              }
            });
        for (int hh = h >>> 1; hh >= 1; hh >>>= 1) { // w_{2hh}^t = w_{4hh}^{2t}
          for (int i = 0; i < hh; i++) {
            table[hh + i] = table[2 * hh + 2 * i];
          }
        }
      }
      twiddles = new java.lang.ref.SoftReference<>(table);
      return table;
    }
  }

  /**
   * In-place forward NTT of a[off..off+2^logN), natural order in, bit-reversed order out (one
   * thread).
   */
  public static void forward(long[] a, int off, int logN) {
    if (logN == 0) {
      return;
    }
    long[] t = twiddles(logN);
    dif(a, off, 1 << logN, t);
  }

  /** As {@link #forward}, using the prover's worker threads for large sizes. */
  public static void forwardParallel(long[] a, int off, int logN) {
    if (logN <= SMALL_LOG + 2 || Parallel.threads() == 1) {
      forward(a, off, logN);
      return;
    }
    long[] t = twiddles(logN);
    difParallel(a, off, 1 << logN, t);
  }

  private static void difParallel(long[] a, int off, int n, long[] t) {
    if (n <= (1 << (SMALL_LOG + 2))) {
      dif(a, off, n, t);
      return;
    }
    int q = n >>> 2;
    Parallel.forRange(q, 1 << 12, (from, to) -> radix4Pass(a, off, q, t, from, to));
    Parallel.all(
        () -> dif(a, off, q, t),
        () -> dif(a, off + q, q, t),
        () -> dif(a, off + 2 * q, q, t),
        () -> dif(a, off + 3 * q, q, t));
  }

  private static void dif(long[] a, int off, int n, long[] t) {
    if (n <= (1 << SMALL_LOG)) {
      difSmall(a, off, n, t);
      return;
    }
    if (Integer.numberOfTrailingZeros(n) % 2 == 1 && n <= (1 << (SMALL_LOG + 1))) {
      int h = n >>> 1; // one radix-2 layer, then two in-cache halves
      for (int i = 0; i < h; i++) {
        long u = a[off + i];
        long v = a[off + i + h];
        a[off + i] = Goldilocks.add(u, v);
        a[off + i + h] = Goldilocks.mul(Goldilocks.sub(u, v), t[h + i]);
      }
      difSmall(a, off, h, t);
      difSmall(a, off + h, h, t);
      return;
    }
    int q = n >>> 2;
    radix4Pass(a, off, q, t, 0, q);
    dif(a, off, q, t);
    dif(a, off + q, q, t);
    dif(a, off + 2 * q, q, t);
    dif(a, off + 3 * q, q, t);
  }

  /** The two outer DIF layers of a block of n = 4q, for t in [from, to). */
  private static void radix4Pass(long[] a, int off, int q, long[] t, int from, int to) {
    int q2 = 2 * q;
    for (int i = from; i < to; i++) {
      int i0 = off + i;
      long x0 = a[i0];
      long x1 = a[i0 + q];
      long x2 = a[i0 + q2];
      long x3 = a[i0 + q2 + q];
      long y0 = Goldilocks.add(x0, x2);
      long y2 = Goldilocks.mul(Goldilocks.sub(x0, x2), t[q2 + i]);
      long y1 = Goldilocks.add(x1, x3);
      long y3 = Goldilocks.mul(Goldilocks.sub(x1, x3), t[q2 + q + i]);
      long w2 = t[q + i];
      a[i0] = Goldilocks.add(y0, y1);
      a[i0 + q] = Goldilocks.mul(Goldilocks.sub(y0, y1), w2);
      a[i0 + q2] = Goldilocks.add(y2, y3);
      a[i0 + q2 + q] = Goldilocks.mul(Goldilocks.sub(y2, y3), w2);
    }
  }

  private static void difSmall(long[] a, int off, int n, long[] t) {
    int h = n >>> 1;
    // radix-4 layer pairs while at least two layers remain
    while (h >= 4) {
      int q = h >>> 1;
      for (int b = off; b < off + n; b += 2 * h) {
        radix4Pass(a, b, q, t, 0, q);
      }
      h >>>= 2;
    }
    if (h == 2) { // the last two layers: twiddles 1, 1, w_4, 1, so one multiplication per 4 entries
      long w4 = t[3];
      for (int b = off; b < off + n; b += 4) {
        long x0 = a[b];
        long x1 = a[b + 1];
        long x2 = a[b + 2];
        long x3 = a[b + 3];
        long y0 = Goldilocks.add(x0, x2);
        long y2 = Goldilocks.sub(x0, x2);
        long y1 = Goldilocks.add(x1, x3);
        long y3 = Goldilocks.mul(Goldilocks.sub(x1, x3), w4);
        a[b] = Goldilocks.add(y0, y1);
        a[b + 1] = Goldilocks.sub(y0, y1);
        a[b + 2] = Goldilocks.add(y2, y3);
        a[b + 3] = Goldilocks.sub(y2, y3);
      }
      h = 0;
    }
    if (h == 1) {
      for (int b = off; b < off + n; b += 2) {
        long u = a[b];
        long v = a[b + 1];
        a[b] = Goldilocks.add(u, v);
        a[b + 1] = Goldilocks.sub(u, v);
      }
    }
  }

  /** The naive O(N^2) transform with the same output order, for tests. */
  public static long[] naive(long[] coeffs) {
    int n = coeffs.length;
    int logN = Integer.numberOfTrailingZeros(n);
    long w = Goldilocks.rootOfUnity(logN);
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      long x = Goldilocks.pow(w, bitReverse(i, logN));
      long acc = 0;
      for (int k = n - 1; k >= 0; k--) {
        acc = Goldilocks.add(Goldilocks.mul(acc, x), coeffs[k]);
      }
      out[i] = acc;
    }
    return out;
  }

  public static int bitReverse(int i, int bits) {
    return bits == 0 ? 0 : Integer.reverse(i) >>> (32 - bits);
  }
}
