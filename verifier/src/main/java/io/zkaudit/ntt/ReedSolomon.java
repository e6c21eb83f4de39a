package io.zkaudit.ntt;

import io.zkaudit.field.Goldilocks;
import io.zkaudit.parallel.Parallel;

/**
 * Reed-Solomon encoding of multilinear polynomials for Basefold (see io.zkaudit.pcs.Basefold for
 * the codeword layout): hypercube evaluations -> coefficients (Moebius transform) -> evaluations of
 * sum_i c_i X^i on the 2^(n+R)-th roots of unity, in bit-reversed order.
 *
 * <p>In bit-reversed order the codeword splits into 2^R blocks of 2^n entries, block j being the
 * coset s_j H (H the 2^n-th roots of unity, s_j = w_{n+R}^bitrev_R(j)) in bit-reversed order. So
 * the encoder runs 2^R independent NTTs of size 2^n on (c_i s_j^i), in parallel, instead of one NTT
 * of size 2^(n+R) whose first R layers would only multiply zeros.
 */
public final class ReedSolomon {
  private ReedSolomon() {}

  private static final int BLOCK_LOG = 12;

  /** The codeword (length 2^(n+logBlowup)) of the multilinear polynomial with these evaluations. */
  public static long[] encodeEvaluations(long[] evals, int logBlowup) {
    int n = Integer.numberOfTrailingZeros(evals.length);
    if (Integer.bitCount(evals.length) != 1 || n + logBlowup > 30) {
      throw new IllegalArgumentException("need 2^n evaluations with n + logBlowup <= 30");
    }
    int size = evals.length;
    long[] cw = new long[size << logBlowup];
    System.arraycopy(evals, 0, cw, 0, size);
    evalsToCoeffs(cw, 0, n);
    int cosets = 1 << logBlowup;
    long w = Goldilocks.rootOfUnity(n + logBlowup);
    // scale block 0 into blocks 1.. (block j gets c_i s_j^i), then transform every block. The
    // powers s^i run as four interleaved chains (s^i, ..., s^(i+3), each times s^4), so that
    // consecutive multiplications do not wait for each other: one chain was latency-bound.
    Parallel.forRange(
        size,
        1 << 14,
        (from, to) -> {
          for (int j = 1; j < cosets; j++) {
            long s = Goldilocks.pow(w, Ntt.bitReverse(j, logBlowup));
            long s4 = Goldilocks.pow(s, 4);
            long x0 = Goldilocks.pow(s, from);
            long x1 = Goldilocks.mul(x0, s);
            long x2 = Goldilocks.mul(x1, s);
            long x3 = Goldilocks.mul(x2, s);
            int off = j * size;
            int i = from;
            for (; i + 3 < to; i += 4) {
              cw[off + i] = Goldilocks.mul(cw[i], x0);
              cw[off + i + 1] = Goldilocks.mul(cw[i + 1], x1);
              cw[off + i + 2] = Goldilocks.mul(cw[i + 2], x2);
              cw[off + i + 3] = Goldilocks.mul(cw[i + 3], x3);
              x0 = Goldilocks.mul(x0, s4);
              x1 = Goldilocks.mul(x1, s4);
              x2 = Goldilocks.mul(x2, s4);
              x3 = Goldilocks.mul(x3, s4);
            }
            for (; i < to; i++) { // x0 = s^i here
              cw[off + i] = Goldilocks.mul(cw[i], x0);
              x0 = Goldilocks.mul(x0, s);
            }
          }
        });
    if (cosets >= Parallel.threads() && n > 10) {
      Runnable[] tasks = new Runnable[cosets];
      for (int j = 0; j < cosets; j++) {
        int off = j * size;
        tasks[j] = () -> Ntt.forward(cw, off, n);
      }
      Ntt.twiddles(n);
      Parallel.all(tasks);
    } else {
      for (int j = 0; j < cosets; j++) {
        Ntt.forwardParallel(cw, j * size, n);
      }
    }
    return cw;
  }

  /**
   * In place on a[off..off+2^n): hypercube evaluations to multilinear coefficients, c_i = sum over
   * j subset of i of (-1)^|i-j| f_j. Cache-blocked and parallel.
   */
  public static void evalsToCoeffs(long[] a, int off, int n) {
    int size = 1 << n;
    int lowBits = Math.min(n, BLOCK_LOG);
    int block = 1 << lowBits;
    Parallel.forRange(
        size / block,
        4,
        (from, to) -> {
          for (int b = from; b < to; b++) {
            int base = off + b * block;
            for (int s = 1; s < block; s <<= 1) {
              for (int i = 0; i < block; i += 2 * s) {
                for (int k = base + i; k < base + i + s; k++) {
                  a[k + s] = Goldilocks.sub(a[k + s], a[k]);
                }
              }
            }
          }
        });
    int bit = lowBits;
    while (bit < n) {
      int s = 1 << bit;
      int bt = bit;
      if (bit + 1 < n) { // two variables per pass
        int quarter = size >>> 2;
        Parallel.forRange(
            quarter,
            1 << 14,
            (from, to) -> {
              for (int t = from; t < to; t++) {
                int i = off + ((t >>> bt) << (bt + 2)) + (t & (s - 1));
                long x0 = a[i];
                long x1 = a[i + s];
                long x2 = a[i + 2 * s];
                long x3 = a[i + 3 * s];
                a[i + s] = Goldilocks.sub(x1, x0);
                a[i + 2 * s] = Goldilocks.sub(x2, x0);
                a[i + 3 * s] = Goldilocks.add(Goldilocks.sub(Goldilocks.sub(x3, x2), x1), x0);
              }
            });
        bit += 2;
      } else {
        int halfSize = size >>> 1;
        Parallel.forRange(
            halfSize,
            1 << 14,
            (from, to) -> {
              for (int t = from; t < to; t++) {
                int i = off + ((t >>> bt) << (bt + 1)) + (t & (s - 1));
                a[i + s] = Goldilocks.sub(a[i + s], a[i]);
              }
            });
        bit += 1;
      }
    }
  }
}
