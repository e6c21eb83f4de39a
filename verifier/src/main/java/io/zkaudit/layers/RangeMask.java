package io.zkaudit.layers;

import io.zkaudit.field.Ext2;

/**
 * The MLE of [x < n] over x in {0,1}^bits: marks the real entries of a dimension padded to a power
 * of two. Evaluated in O(bits) by walking n's bits from the top: x < n exactly when, at the first
 * bit where they differ, x has 0 and n has 1.
 */
public final class RangeMask {
  private RangeMask() {}

  public static Ext2 evaluate(int n, Ext2[] point) {
    int bits = point.length;
    if (n < 0 || (bits < 31 && n > (1 << bits))) {
      throw new IllegalArgumentException(n + " does not fit " + bits + " bits");
    }
    if (bits < 31 && n == (1 << bits)) {
      return Ext2.ONE;
    }
    Ext2 less = Ext2.ZERO; // mass of x < n decided at a higher bit
    Ext2 equalSoFar = Ext2.ONE; // mass of x equal to n on all higher bits
    for (int j = bits - 1; j >= 0; j--) {
      Ext2 xj = point[j];
      if (((n >>> j) & 1) == 1) {
        less = less.add(equalSoFar.mul(Ext2.ONE.sub(xj)));
        equalSoFar = equalSoFar.mul(xj);
      } else {
        equalSoFar = equalSoFar.mul(Ext2.ONE.sub(xj));
      }
    }
    return less;
  }
}
