package io.zkaudit.soundness;

/**
 * The field verifier challenges are drawn from: the quadratic extension of Goldilocks, F_p[u]/(u^2
 * − 7), p = 2^64 − 2^32 + 1, so |F| = p^2 ≈ 2^128. Every algebraic round's error is a count of
 * roots (a degree, a number of claims, a codeword length) divided by |F|.
 */
public final class ChallengeField {
  private ChallengeField() {}

  /** log2 |F| = 2 log2 p (127.99999999966). */
  public static final double BITS = 2 * Math.log(18446744069414584321.0) / Math.log(2);

  /**
   * −log2(count / |F|): the bits of a round whose bad challenges are at most {@code count} field
   * elements (the roots of a nonzero polynomial of that degree, say). Positive infinity for 0.
   */
  public static double bitsAgainst(double count) {
    if (count < 0) {
      throw new IllegalArgumentException("a count of bad challenges is not negative: " + count);
    }
    return count == 0 ? Double.POSITIVE_INFINITY : BITS - log2(count);
  }

  static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
