package io.zkaudit.simulations.stats;

/**
 * A Monte Carlo estimate of a probability: {@code hits} of {@code trials}. Its interval is Wilson's
 * score interval, which, unlike the normal one, stays inside [0, 1] and is honest near 0 and 1 —
 * where detection probabilities live.
 */
public record Proportion(long hits, long trials) {
  /**
   * z for a two-sided 99.9% interval: a test that compares many points still fails rarely by
   * chance.
   */
  public static final double Z_999 = 3.2905;

  public Proportion {
    if (trials <= 0 || hits < 0 || hits > trials)
      throw new IllegalArgumentException("bad proportion " + hits + "/" + trials);
  }

  public double mean() {
    return (double) hits / trials;
  }

  public double lower(double z) {
    return wilson(z, -1);
  }

  public double upper(double z) {
    return wilson(z, +1);
  }

  public boolean contains(double p, double z) {
    return lower(z) <= p && p <= upper(z);
  }

  private double wilson(double z, int sign) {
    double n = trials, phat = mean(), z2 = z * z;
    double centre = (phat + z2 / (2 * n)) / (1 + z2 / n);
    double half = z / (1 + z2 / n) * Math.sqrt(phat * (1 - phat) / n + z2 / (4 * n * n));
    return Math.clamp(centre + sign * half, 0.0, 1.0);
  }
}
