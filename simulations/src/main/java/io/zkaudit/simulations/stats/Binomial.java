package io.zkaudit.simulations.stats;

/**
 * Exact binomial probabilities. Each term is computed in log space (ln C(n, k) from log-factorials)
 * so that n in the tens of thousands neither overflows nor underflows; tails are plain sums of
 * those terms, accurate to about 1e-12 for the sizes the scenarios use.
 */
public final class Binomial {
  private Binomial() {}

  /** ln(n!) exactly summed below 1024 (cached), by Stirling's series above (error below 1e-15). */
  public static double logFactorial(long n) {
    if (n < 0) throw new IllegalArgumentException("n must be >= 0: " + n);
    if (n < SMALL.length) return SMALL[(int) n];
    double x = n + 1.0;
    // ln Γ(x) = (x − ½) ln x − x + ½ ln 2π + 1/(12x) − 1/(360x³) + 1/(1260x⁵)
    return (x - 0.5) * Math.log(x)
        - x
        + 0.5 * Math.log(2 * Math.PI)
        + 1 / (12 * x)
        - 1 / (360 * x * x * x)
        + 1 / (1260 * Math.pow(x, 5));
  }

  private static final double[] SMALL = new double[1024];

  static {
    for (int i = 1; i < SMALL.length; i++) SMALL[i] = SMALL[i - 1] + Math.log(i);
  }

  public static double logChoose(long n, long k) {
    if (k < 0 || k > n) return Double.NEGATIVE_INFINITY;
    return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
  }

  /** P(X = k) for X ~ Bin(n, p). */
  public static double pmf(int n, double p, int k) {
    if (k < 0 || k > n) return 0;
    if (p == 0) return k == 0 ? 1 : 0;
    if (p == 1) return k == n ? 1 : 0;
    return Math.exp(logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p));
  }

  /** P(X ≤ k). */
  public static double cdf(int n, double p, int k) {
    if (k < 0) return 0;
    if (k >= n) return 1;
    double s = 0;
    for (int i = 0; i <= k; i++) s += pmf(n, p, i);
    return Math.min(1, s);
  }

  /** P(X ≥ k). Summed directly (not 1 − cdf) so that small upper tails keep their precision. */
  public static double upperTail(int n, double p, int k) {
    if (k <= 0) return 1;
    if (k > n) return 0;
    double s = 0;
    for (int i = k; i <= n; i++) s += pmf(n, p, i);
    return Math.min(1, s);
  }
}
