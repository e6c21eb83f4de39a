package io.zkaudit.sumcheck;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;

/**
 * Univariate polynomials of small degree D given by their values at the integer nodes 0, 1, ..., D
 * (Lagrange form). A sumcheck round message is such a polynomial with the value at 1 left out: it
 * is {@code [g(0), g(2), g(3), ..., g(D)]} and the verifier restores {@code g(1) = claim - g(0)}.
 */
public final class RoundPolynomial {
  private RoundPolynomial() {}

  /** The largest degree handled (4 for the composition, +1 for eq, with margin). */
  public static final int MAX_DEGREE = 8;

  /** INV_DENOM[D][i] = 1 / prod_{j != i, 0 <= j <= D} (i - j), in the base field. */
  private static final long[][] INV_DENOM = new long[MAX_DEGREE + 1][];

  static {
    for (int d = 0; d <= MAX_DEGREE; d++) {
      INV_DENOM[d] = new long[d + 1];
      for (int i = 0; i <= d; i++) {
        long den = 1;
        for (int j = 0; j <= d; j++) {
          if (j != i) {
            den = Goldilocks.mul(den, Goldilocks.fromSigned(i - j));
          }
        }
        INV_DENOM[d][i] = Goldilocks.inv(den);
      }
    }
  }

  /** The full value list [g(0), g(1), ..., g(D)] from a round message and the running claim. */
  public static Ext2[] withDerivedOne(Ext2[] message, Ext2 claim) {
    Ext2[] values = new Ext2[message.length + 1];
    values[0] = message[0];
    values[1] = claim.sub(message[0]);
    System.arraycopy(message, 1, values, 2, message.length - 1);
    return values;
  }

  /** g(r) for g given by its values at 0..D (D = values.length - 1). */
  public static Ext2 evaluate(Ext2[] values, Ext2 r) {
    int d = values.length - 1;
    if (d < 0 || d > MAX_DEGREE) {
      throw new IllegalArgumentException("round polynomial degree out of range: " + d);
    }
    // r - j for every node; if r is a node, return that value directly.
    Ext2[] diff = new Ext2[d + 1];
    for (int j = 0; j <= d; j++) {
      diff[j] = r.sub(Ext2.of(j));
      if (diff[j].isZero()) {
        return values[j];
      }
    }
    // prefix[i] = prod_{j<i} (r - j), suffix[i] = prod_{j>i} (r - j)
    Ext2[] prefix = new Ext2[d + 1];
    Ext2 acc = Ext2.ONE;
    for (int i = 0; i <= d; i++) {
      prefix[i] = acc;
      acc = acc.mul(diff[i]);
    }
    Ext2 result = Ext2.ZERO;
    Ext2 suffix = Ext2.ONE;
    for (int i = d; i >= 0; i--) {
      Ext2 basis = prefix[i].mul(suffix).mul(INV_DENOM[d][i]);
      result = result.add(basis.mul(values[i]));
      suffix = suffix.mul(diff[i]);
    }
    return result;
  }

  /** Values at 0..D+1 (extended by one node) from values at 0..D: used by the prover. */
  public static Ext2[] extendByOne(Ext2[] values) {
    Ext2[] out = new Ext2[values.length + 1];
    System.arraycopy(values, 0, out, 0, values.length);
    out[values.length] = evaluate(values, Ext2.of(values.length));
    return out;
  }
}
