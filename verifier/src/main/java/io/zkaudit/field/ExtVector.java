package io.zkaudit.field;

/**
 * Vectors of extension elements stored interleaved in one {@code long[]}: element i is (a[2i],
 * a[2i+1]). Keeps 2^23-element tables in one flat array instead of 2^23 objects.
 */
public final class ExtVector {
  private ExtVector() {}

  public static long[] allocate(int length) {
    return new long[Math.multiplyExact(length, 2)];
  }

  public static int length(long[] v) {
    return v.length >>> 1;
  }

  public static Ext2 get(long[] v, int i) {
    return new Ext2(v[2 * i], v[2 * i + 1]);
  }

  public static void set(long[] v, int i, Ext2 e) {
    v[2 * i] = e.c0();
    v[2 * i + 1] = e.c1();
  }

  public static long[] fromBase(long[] base) {
    long[] v = allocate(base.length);
    for (int i = 0; i < base.length; i++) {
      v[2 * i] = base[i];
    }
    return v;
  }

  public static long[] of(Ext2... elements) {
    long[] v = allocate(elements.length);
    for (int i = 0; i < elements.length; i++) {
      set(v, i, elements[i]);
    }
    return v;
  }

  public static Ext2[] toArray(long[] v) {
    Ext2[] out = new Ext2[length(v)];
    for (int i = 0; i < out.length; i++) {
      out[i] = get(v, i);
    }
    return out;
  }

  /**
   * Σ_l ext[l]·base[offset + l] over l < n (ext interleaved, base canonical), reduced once: each
   * product is accumulated unreduced in a 192-bit sum per coordinate (two multiplications and a few
   * additions per term instead of two full modular multiplications and additions), so the
   * verifier's evaluation of a public table, its largest cost, runs at memory speed. n may be any
   * int: the top word counts at most one carry per term.
   */
  public static Ext2 dotBase(long[] ext, long[] base, int offset, int n) {
    long a0 = 0;
    long a1 = 0;
    long a2 = 0;
    long b0 = 0;
    long b1 = 0;
    long b2 = 0;
    for (int l = 0; l < n; l++) {
      long v = base[offset + l];
      long e = ext[2 * l];
      long lo = e * v;
      // hi <= (p - 1)^2 / 2^64 < 2^64 - 2^33: adding the low word's carry cannot wrap it
      long hi = Math.unsignedMultiplyHigh(e, v) + (Long.compareUnsigned(a0 + lo, a0) < 0 ? 1 : 0);
      a0 += lo;
      long t = a1 + hi;
      a2 += Long.compareUnsigned(t, a1) < 0 ? 1 : 0;
      a1 = t;
      e = ext[2 * l + 1];
      lo = e * v;
      hi = Math.unsignedMultiplyHigh(e, v) + (Long.compareUnsigned(b0 + lo, b0) < 0 ? 1 : 0);
      b0 += lo;
      t = b1 + hi;
      b2 += Long.compareUnsigned(t, b1) < 0 ? 1 : 0;
      b1 = t;
    }
    return new Ext2(reduce192(a2, a1, a0), reduce192(b2, b1, b0));
  }

  /** w2·2^128 + w1·2^64 + w0 mod p, with 2^128 = -2^32 (mod p). */
  private static long reduce192(long w2, long w1, long w0) {
    long low = Goldilocks.reduce128(w1, w0);
    return w2 == 0 ? low : Goldilocks.sub(low, Goldilocks.mul(Goldilocks.reduce64(w2), 1L << 32));
  }
}
