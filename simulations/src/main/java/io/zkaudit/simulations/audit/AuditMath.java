package io.zkaudit.simulations.audit;

import io.zkaudit.simulations.stats.Binomial;
import java.util.SplittableRandom;

/** The closed forms of an accuracy audit, and one simulated audit. */
public final class AuditMath {
  private AuditMath() {}

  /** The fewest correct answers of N that pass a claim c with tolerance τ: ⌈N(c − τ)⌉. */
  public static int passThreshold(int samples, double claimed, double tolerance) {
    return (int) Math.ceil(samples * (claimed - tolerance) - 1e-9);
  }

  /** P(pass) for a seller of true accuracy p. */
  public static double passProbability(
      int samples, double trueAccuracy, double claimed, double tolerance) {
    return Binomial.upperTail(samples, trueAccuracy, passThreshold(samples, claimed, tolerance));
  }

  /** Hoeffding's bound on the false-fail rate of an honest seller: exp(−2Nτ²). */
  public static double hoeffdingFalseFail(int samples, double tolerance) {
    return Math.exp(-2.0 * samples * tolerance * tolerance);
  }

  /** Hoeffding's bound on the false-pass rate of a seller of true accuracy p &lt; c − τ. */
  public static double hoeffdingFalsePass(
      int samples, double trueAccuracy, double claimed, double tolerance) {
    double gap = claimed - tolerance - trueAccuracy;
    return gap <= 0 ? 1 : Math.exp(-2.0 * samples * gap * gap);
  }

  /**
   * The smallest N with P(|p̂ − ½| ≥ ε) ≤ α for Bin(N, ½), the worst case of a binomial proportion:
   * what the exact binomial needs where Hoeffding asks ln(2/α)/(2ε²).
   */
  public static int exactSamplesWorstCase(double epsilon, double alpha) {
    // The normal approximation z²/(4ε²) is close; start well below it and walk up.
    double z = 1.0;
    while (2 * upperNormal(z) > alpha) z += 0.001;
    int n = Math.max(1, (int) (0.8 * z * z / (4 * epsilon * epsilon)));
    while (2 * Binomial.cdf(n, 0.5, (int) Math.floor(n * (0.5 - epsilon) + 1e-9)) > alpha) n++;
    return n;
  }

  private static double upperNormal(double z) {
    // Abramowitz–Stegun 7.1.26 through erfc: good to 1e-7, enough for a starting point.
    double t = 1 / (1 + 0.3275911 * z / Math.sqrt(2));
    double poly =
        t
            * (0.254829592
                + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
    return 0.5 * poly * Math.exp(-z * z / 2);
  }

  /** What a passed audit earns, in audit payments, for a claim {@code margin} above the truth. */
  public static double revenue(double margin, double premiumPerPoint) {
    return 1 + premiumPerPoint * margin * 100;
  }

  /**
   * The stake, in audit payments, at which claiming p + d instead of p stops paying: the smallest S
   * with P₊·R(d) − (1 − P₊)·S ≤ P₀·R(0) − (1 − P₀)·S; 0 when over-claiming does not pay even
   * without a stake, +∞ when the inflated claim passes as often as the honest one.
   */
  public static double unprofitableStake(
      int samples, double trueAccuracy, double margin, double tolerance, double premiumPerPoint) {
    double honest = passProbability(samples, trueAccuracy, trueAccuracy, tolerance);
    double inflated = passProbability(samples, trueAccuracy, trueAccuracy + margin, tolerance);
    if (honest - inflated <= 1e-15) return Double.POSITIVE_INFINITY;
    return Math.max(
        0,
        (inflated * revenue(margin, premiumPerPoint) - honest * revenue(0, premiumPerPoint))
            / (honest - inflated));
  }

  /** Correct answers in one simulated audit of N samples at accuracy p. */
  public static int simulateCorrect(SplittableRandom random, int samples, double p) {
    if (p <= 0) return 0;
    if (p >= 1) return samples;
    boolean countWrong = p > 0.5;
    double rare = countWrong ? 1 - p : p;
    double logMiss = Math.log1p(-rare);
    // Gaps between rare outcomes are geometric: skip ⌊ln U / ln(1 − q)⌋ common ones, then one rare.
    int rareCount = 0;
    long position = 0;
    while (true) {
      double u = 1 - random.nextDouble(); // (0, 1]
      position += (long) Math.floor(Math.log(u) / logMiss);
      if (position >= samples) break;
      rareCount++;
      position++;
    }
    return countWrong ? samples - rareCount : rareCount;
  }
}
