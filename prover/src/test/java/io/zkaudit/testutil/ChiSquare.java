package io.zkaudit.testutil;

/** Pearson's chi-square statistic, for the zero-knowledge tests' uniformity checks. */
public final class ChiSquare {
  private ChiSquare() {}

  /** The 0.001 critical value for 15 degrees of freedom: 16 buckets, as the tests use. */
  public static final double CRITICAL_15_DF = 37.7;

  /** The statistic of these bucket counts (summing to total) against the uniform distribution. */
  public static double uniform(int[] counts, int total) {
    double expected = (double) total / counts.length;
    double chi = 0;
    for (int c : counts) {
      chi += (c - expected) * (c - expected) / expected;
    }
    return chi;
  }
}
