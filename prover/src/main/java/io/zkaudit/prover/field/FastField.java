package io.zkaudit.prover.field;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;

/**
 * Goldilocks kernels with delayed reduction, for the provers' hot loops: a sum of two products plus
 * an addend is reduced once instead of three times. Results are canonical and equal to {@link
 * Goldilocks}'s.
 */
public final class FastField {
  private FastField() {}

  /**
   * W = 2^W_SHIFT - 1 for the extension's non-residue W ({@link Ext2#W}), so W x = (x << W_SHIFT) -
   * x.
   */
  private static final int W_SHIFT = Long.numberOfTrailingZeros(Ext2.W + 1);

  static {
    if (Ext2.W + 1 != 1L << W_SHIFT) {
      throw new ExceptionInInitializerError(
          "FastField.mulW needs the non-residue Ext2.W = 2^k - 1, not " + Ext2.W);
    }
  }

  /** a*b + c*d + e mod p, with one reduction (inputs canonical). */
  public static long dot2(long a, long b, long c, long d, long e) {
    long l1 = a * b;
    long h1 = Math.unsignedMultiplyHigh(a, b);
    long l2 = c * d;
    long h2 = Math.unsignedMultiplyHigh(c, d);
    long lo = l1 + l2;
    long c1 = carry(l1, l2, lo);
    long lo2 = lo + e;
    long c2 = carry(lo, e, lo2);
    long hi = h1 + h2;
    long c3 = carry(h1, h2, hi);
    long k = c1 + c2;
    long hi2 = hi + k;
    long c4 = carry(hi, k, hi2);
    // value = (c3 + c4) 2^128 + hi2 2^64 + lo2, and 2^128 = -2^32 (mod p); c3 + c4 <= 1 because
    // each high word is at most 2^64 - 2^33.
    return Goldilocks.sub(Goldilocks.reduce128(hi2, lo2), (c3 + c4) << 32);
  }

  /** W x mod p ({@link Ext2#W}, the extension's non-residue) by a shift and a subtraction. */
  public static long mulW(long x) {
    return Goldilocks.sub(Goldilocks.reduce128(x >>> (64 - W_SHIFT), x << W_SHIFT), x);
  }

  /** Coordinate 0 of (a0 + a1 u)(b0 + b1 u) with u^2 = W, given b1w = W b1 ({@link #mulW}). */
  public static long extMulC0(long a0, long a1, long b0, long b1w) {
    return dot2(a0, b0, a1, b1w, 0);
  }

  /** Coordinate 1 of (a0 + a1 u)(b0 + b1 u). */
  public static long extMulC1(long a0, long a1, long b0, long b1) {
    return dot2(a0, b1, a1, b0, 0);
  }

  private static long carry(long a, long b, long s) {
    return ((a & b) | ((a | b) & ~s)) >>> 63;
  }
}
