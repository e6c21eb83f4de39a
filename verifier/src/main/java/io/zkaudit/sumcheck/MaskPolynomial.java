package io.zkaudit.sumcheck;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;

/**
 * A Libra masking polynomial g(x) = sum_i g_i(x_i), each g_i a univariate of the sumcheck's round
 * degree D with extension coefficients (Xie et al., "Libra", CRYPTO 2019, eprint 2019/317, §4.1).
 * Running the sumcheck on f + rho g instead of f makes every round polynomial uniformly random
 * subject to the sumcheck's own consistency checks; the verifier learns, besides the claim, only
 * f(r) and g(r). One polynomial costs n (D + 1) coefficients, against 2^n for a full mask.
 *
 * <p>The shared arithmetic lives here so that prover and verifier compute the sum, the round
 * contributions and the final value with one definition.
 */
public final class MaskPolynomial {
  private final Ext2[][] coeffs;

  /** suffix[i] = sum_(j >= i) (g_j(0) + g_j(1)). */
  private final Ext2[] suffix;

  public MaskPolynomial(Ext2[][] coeffs) {
    Ext2[][] c = new Ext2[coeffs.length][];
    for (int i = 0; i < coeffs.length; i++) {
      c[i] = coeffs[i].clone();
      if (c[i].length != coeffs[0].length) {
        throw new IllegalArgumentException("every g_i needs the same degree");
      }
    }
    this.coeffs = c;
    this.suffix = new Ext2[c.length + 1];
    suffix[c.length] = Ext2.ZERO;
    for (int j = c.length - 1; j >= 0; j--) {
      suffix[j] = suffix[j + 1].add(pairSum(j));
    }
  }

  /** coeffs()[i][k] is the coefficient of x_i^k in g_i (a copy). */
  public Ext2[][] coeffs() {
    Ext2[][] c = new Ext2[coeffs.length][];
    for (int i = 0; i < coeffs.length; i++) {
      c[i] = coeffs[i].clone();
    }
    return c;
  }

  public int numVars() {
    return coeffs.length;
  }

  public int degree() {
    return coeffs.length == 0 ? 0 : coeffs[0].length - 1;
  }

  /** g_i(x). */
  public Ext2 univariate(int i, Ext2 x) {
    Ext2 acc = Ext2.ZERO;
    for (int k = coeffs[i].length - 1; k >= 0; k--) {
      acc = acc.mul(x).add(coeffs[i][k]);
    }
    return acc;
  }

  /** g_i(0) + g_i(1). */
  private Ext2 pairSum(int i) {
    Ext2 s = coeffs[i][0];
    for (Ext2 c : coeffs[i]) {
      s = s.add(c);
    }
    return s;
  }

  /** sum over the hypercube of g: 2^(n-1) sum_i (g_i(0) + g_i(1)). */
  public Ext2 sum() {
    int n = numVars();
    if (n == 0) {
      return Ext2.ZERO;
    }
    return suffix[0].mul(Goldilocks.pow(2, n - 1));
  }

  /** g(r). */
  public Ext2 evaluate(Ext2[] r) {
    Ext2 s = Ext2.ZERO;
    for (int i = 0; i < numVars(); i++) {
      s = s.add(univariate(i, r[i]));
    }
    return s;
  }

  /**
   * Round i's part of the sum at X: sum over x_(i+1..n-1) of g(r_0..r_(i-1), X, x) = 2^(n-i-1)
   * (bound + g_i(X)) + 2^(n-i-2) sum_(j>i) (g_j(0) + g_j(1)), where bound = sum_(j<i) g_j(r_j).
   */
  public Ext2 roundValue(int i, Ext2 bound, Ext2 x) {
    int n = numVars();
    Ext2 v = bound.add(univariate(i, x)).mul(Goldilocks.pow(2, n - i - 1));
    if (n - i - 1 >= 1) {
      v = v.add(suffix[i + 1].mul(Goldilocks.pow(2, n - i - 2)));
    }
    return v;
  }
}
