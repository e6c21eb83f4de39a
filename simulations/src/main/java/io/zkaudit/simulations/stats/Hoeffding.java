package io.zkaudit.simulations.stats;

/**
 * Hoeffding's inequality for the mean of N independent [0, 1] samples: P(p̂ − p ≥ ε) ≤ exp(−2Nε²)
 * on each side. It holds for every p, which is why it is the seed paper's choice for accuracy
 * audits; it is conservative next to the exact binomial (see the accuracy-audit scenario).
 */
public final class Hoeffding {
  private Hoeffding() {}

  /** One side: exp(−2Nε²). */
  public static double oneSided(int samples, double epsilon) {
    return Math.exp(-2.0 * samples * epsilon * epsilon);
  }

  /** Both sides: min(1, 2·exp(−2Nε²)). */
  public static double twoSided(int samples, double epsilon) {
    return Math.min(1, 2 * oneSided(samples, epsilon));
  }

  /**
   * ln(2/α) / (2ε²), before rounding: the samples that bound the error to ±ε with confidence 1 − α.
   */
  public static double samplesExact(double epsilon, double alpha) {
    return Math.log(2 / alpha) / (2 * epsilon * epsilon);
  }

  /** The smallest integer N with 2·exp(−2Nε²) ≤ α. */
  public static int samplesFor(double epsilon, double alpha) {
    return (int) Math.ceil(samplesExact(epsilon, alpha) - 1e-9);
  }
}
