package io.zkaudit.field;

/**
 * The Goldilocks prime field, p = 2^64 - 2^32 + 1, on Java {@code long}s.
 *
 * <p>Elements are always kept canonical: an unsigned value in [0, p). Every method takes and
 * returns canonical values, so equality is {@code ==} and the encoding is unique. Reduction uses
 * 2^64 = 2^32 - 1 and 2^96 = -1 (mod p), which makes a 128-bit product reducible with one
 * multiplication and a few adds (the trick of Plonky2's Goldilocks, restated from the arithmetic).
 */
public final class Goldilocks {
  private Goldilocks() {}

  /** The modulus, as an unsigned long. */
  public static final long P = 0xFFFF_FFFF_0000_0001L;

  /** 2^64 mod p = 2^32 - 1. */
  static final long EPSILON = 0xFFFF_FFFFL;

  public static final long ZERO = 0;
  public static final long ONE = 1;

  /** A generator of the multiplicative group (order p - 1 = 2^32 * 3 * 5 * 17 * 257 * 65537). */
  public static final long GENERATOR = 7;

  /** The 2-adicity of p - 1. */
  public static final int TWO_ADICITY = 32;

  public static boolean isCanonical(long a) {
    return Long.compareUnsigned(a, P) < 0;
  }

  /** Reduces any 64-bit unsigned value to canonical form. */
  public static long reduce64(long a) {
    return Long.compareUnsigned(a, P) >= 0 ? a - P : a;
  }

  /** Embeds a signed integer (e.g. an int8 weight or an int32 accumulator): -x maps to p - x. */
  public static long fromSigned(long x) {
    return x >= 0 ? reduce64(x) : neg(reduce64(-x));
  }

  /** The inverse of {@link #fromSigned} for values within (-p/2, p/2). */
  public static long toSigned(long a) {
    return Long.compareUnsigned(a, P >>> 1) > 0 ? -neg(a) : a;
  }

  // The carries and borrows below that occur for about half of all random inputs are computed
  // without branches (a mispredicted branch costs more than the whole multiplication); the rare
  // ones (probability ~2^-32) stay branches, which predict perfectly.

  public static long add(long a, long b) {
    long s = a + b;
    long carry = ((a & b) | ((a | b) & ~s)) >>> 63;
    s += (-carry) & EPSILON; // on overflow: a + b - 2^64 + (2^64 mod p); cannot overflow again
    return Long.compareUnsigned(s, P) >= 0 ? s - P : s;
  }

  public static long sub(long a, long b) {
    long d = a - b;
    long borrow = ((~a & b) | (~(a ^ b) & d)) >>> 63;
    return d - ((-borrow) & EPSILON); // on borrow: a - b + 2^64 - (2^64 mod p) = a - b + p
  }

  public static long neg(long a) {
    return a == 0 ? 0 : P - a;
  }

  public static long mul(long a, long b) {
    return reduce128(Math.unsignedMultiplyHigh(a, b), a * b);
  }

  public static long square(long a) {
    return mul(a, a);
  }

  /** Reduces hi * 2^64 + lo modulo p. */
  public static long reduce128(long hi, long lo) {
    long hiHi = hi >>> 32;
    long hiLo = hi & EPSILON;
    long t0 = lo - hiHi; // lo - hi_hi * 2^96 = lo - hi_hi (mod p)
    if (Long.compareUnsigned(lo, hiHi) < 0) {
      t0 -= EPSILON;
    }
    long t1 = hiLo * EPSILON; // hi_lo * 2^64 = hi_lo * (2^32 - 1); fits in 64 bits
    long s = t0 + t1;
    long carry = ((t0 & t1) | ((t0 | t1) & ~s)) >>> 63;
    s += (-carry) & EPSILON;
    return Long.compareUnsigned(s, P) >= 0 ? s - P : s;
  }

  public static long pow(long base, long exponent) {
    long result = 1;
    long b = base;
    long e = exponent;
    while (e != 0) {
      if ((e & 1) != 0) {
        result = mul(result, b);
      }
      b = mul(b, b);
      e >>>= 1;
    }
    return result;
  }

  /** The multiplicative inverse; throws on zero, which has none. */
  public static long inv(long a) {
    if (a == 0) {
      throw new ArithmeticException("zero has no inverse in the Goldilocks field");
    }
    return pow(a, P - 2);
  }

  /** A primitive 2^logN-th root of unity. */
  public static long rootOfUnity(int logN) {
    if (logN < 0 || logN > TWO_ADICITY) {
      throw new IllegalArgumentException("no 2^" + logN + "-th root of unity in Goldilocks");
    }
    // g^((p-1)/2^32) has order exactly 2^32 since g generates the whole group.
    long w = pow(GENERATOR, (P - 1) >>> TWO_ADICITY);
    for (int i = logN; i < TWO_ADICITY; i++) {
      w = mul(w, w);
    }
    return w;
  }

  /** Inverts every element in place with one inversion (Montgomery's trick); zeros are rejected. */
  public static void batchInvert(long[] values) {
    int n = values.length;
    if (n == 0) {
      return;
    }
    long[] prefix = new long[n];
    long acc = 1;
    for (int i = 0; i < n; i++) {
      if (values[i] == 0) {
        throw new ArithmeticException("zero has no inverse (batch index " + i + ")");
      }
      prefix[i] = acc;
      acc = mul(acc, values[i]);
    }
    long inv = inv(acc);
    for (int i = n - 1; i >= 0; i--) {
      long v = values[i];
      values[i] = mul(inv, prefix[i]);
      inv = mul(inv, v);
    }
  }

  /** Random canonical element from a uniform 64-bit source (rejection sampling, no bias). */
  public static long random(java.util.random.RandomGenerator rng) {
    while (true) {
      long v = rng.nextLong();
      if (isCanonical(v)) {
        return v;
      }
    }
  }

  public static String toString(long a) {
    return Long.toUnsignedString(a);
  }
}
