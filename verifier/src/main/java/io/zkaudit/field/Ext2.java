package io.zkaudit.field;

import java.util.random.RandomGenerator;

/**
 * The quadratic extension F_p[u] / (u^2 - 7) of Goldilocks: c0 + c1 * u.
 *
 * <p>7 is a quadratic non-residue mod p (checked by a test via Euler's criterion), so this is a
 * field of size p^2 ~ 2^128. Verifier challenges live here so a single random check errs with
 * probability about degree / 2^128 rather than degree / 2^64.
 *
 * <p>Immutable; both coordinates are canonical Goldilocks elements. Hot loops store extension
 * vectors as interleaved {@code long[]} (see {@link ExtVector}) and use these values as
 * temporaries, which the JIT scalar-replaces.
 */
public record Ext2(long c0, long c1) {

  /** The non-residue W with u^2 = W. */
  public static final long W = 7;

  public static final Ext2 ZERO = new Ext2(0, 0);
  public static final Ext2 ONE = new Ext2(1, 0);

  public Ext2 {
    if (!Goldilocks.isCanonical(c0) || !Goldilocks.isCanonical(c1)) {
      throw new IllegalArgumentException("non-canonical extension coordinates");
    }
  }

  public static Ext2 of(long base) {
    return new Ext2(base, 0);
  }

  public static Ext2 ofSigned(long value) {
    return new Ext2(Goldilocks.fromSigned(value), 0);
  }

  public boolean isZero() {
    return c0 == 0 && c1 == 0;
  }

  public boolean isBase() {
    return c1 == 0;
  }

  public Ext2 add(Ext2 o) {
    return new Ext2(Goldilocks.add(c0, o.c0), Goldilocks.add(c1, o.c1));
  }

  public Ext2 add(long base) {
    return new Ext2(Goldilocks.add(c0, base), c1);
  }

  public Ext2 sub(Ext2 o) {
    return new Ext2(Goldilocks.sub(c0, o.c0), Goldilocks.sub(c1, o.c1));
  }

  public Ext2 neg() {
    return new Ext2(Goldilocks.neg(c0), Goldilocks.neg(c1));
  }

  public Ext2 mul(Ext2 o) {
    long a0b0 = Goldilocks.mul(c0, o.c0);
    long a1b1 = Goldilocks.mul(c1, o.c1);
    // Karatsuba: a0*b1 + a1*b0 = (a0 + a1)(b0 + b1) - a0*b0 - a1*b1
    long cross =
        Goldilocks.sub(
            Goldilocks.sub(
                Goldilocks.mul(Goldilocks.add(c0, c1), Goldilocks.add(o.c0, o.c1)), a0b0),
            a1b1);
    return new Ext2(Goldilocks.add(a0b0, Goldilocks.mul(W, a1b1)), cross);
  }

  public Ext2 mul(long base) {
    return new Ext2(Goldilocks.mul(c0, base), Goldilocks.mul(c1, base));
  }

  public Ext2 square() {
    long a0a1 = Goldilocks.mul(c0, c1);
    return new Ext2(
        Goldilocks.add(Goldilocks.mul(c0, c0), Goldilocks.mul(W, Goldilocks.mul(c1, c1))),
        Goldilocks.add(a0a1, a0a1));
  }

  /** The inverse: (c0 - c1 u) / (c0^2 - 7 c1^2). Throws on zero. */
  public Ext2 inv() {
    if (isZero()) {
      throw new ArithmeticException("zero has no inverse in the extension field");
    }
    long norm = Goldilocks.sub(Goldilocks.mul(c0, c0), Goldilocks.mul(W, Goldilocks.mul(c1, c1)));
    long normInv = Goldilocks.inv(norm);
    return new Ext2(Goldilocks.mul(c0, normInv), Goldilocks.mul(Goldilocks.neg(c1), normInv));
  }

  public Ext2 pow(long exponent) {
    Ext2 result = ONE;
    Ext2 b = this;
    long e = exponent;
    while (e != 0) {
      if ((e & 1) != 0) {
        result = result.mul(b);
      }
      b = b.square();
      e >>>= 1;
    }
    return result;
  }

  /** Inverts every element with one field inversion (Montgomery's trick); zeros are rejected. */
  public static Ext2[] batchInvert(Ext2[] values) {
    int n = values.length;
    Ext2[] out = new Ext2[n];
    if (n == 0) {
      return out;
    }
    Ext2 acc = ONE;
    for (int i = 0; i < n; i++) {
      if (values[i].isZero()) {
        throw new ArithmeticException("zero has no inverse (batch index " + i + ")");
      }
      out[i] = acc;
      acc = acc.mul(values[i]);
    }
    Ext2 inv = acc.inv();
    for (int i = n - 1; i >= 0; i--) {
      Ext2 v = values[i];
      out[i] = inv.mul(out[i]);
      inv = inv.mul(v);
    }
    return out;
  }

  public static Ext2 random(RandomGenerator rng) {
    return new Ext2(Goldilocks.random(rng), Goldilocks.random(rng));
  }

  @Override
  public String toString() {
    return c1 == 0
        ? Goldilocks.toString(c0)
        : Goldilocks.toString(c0) + " + " + Goldilocks.toString(c1) + "*u";
  }
}
