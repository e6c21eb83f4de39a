package io.zkaudit.simulations.stats;

/**
 * The probability that a buyer who contests k of a seller's signed answers finds a tampered one.
 * The seller loses as soon as one contested answer cannot be proven, so detection is "at least one
 * tampered answer among the k contested".
 */
public final class SpotCheck {
  private SpotCheck() {}

  /** Answers drawn with replacement (or from an unbounded set): 1 − (1 − f)^k. */
  public static double detection(double tamperFraction, int contested) {
    return -Math.expm1(contested * Math.log1p(-tamperFraction));
  }

  /**
   * k answers drawn without replacement from N, of which m are tampered: 1 − C(N − m, k) / C(N, k),
   * computed as the product of (N − m − i) / (N − i) over i &lt; k.
   */
  public static double detection(long answers, long tampered, int contested) {
    if (contested > answers)
      throw new IllegalArgumentException(
          "cannot contest " + contested + " of " + answers + " answers");
    double miss = 1;
    for (int i = 0; i < contested && miss > 0; i++)
      miss *= Math.max(0, (double) (answers - tampered - i)) / (answers - i);
    return 1 - miss;
  }

  /** The smallest k with (1 − f)^k ≤ 1 − confidence. */
  public static int samplesFor(double tamperFraction, double confidence) {
    double k = Math.log1p(-confidence) / Math.log1p(-tamperFraction);
    int c = (int) Math.ceil(k - 1e-12);
    // Guard against the last ulp of the logarithms: step to the exact smallest k.
    while (c > 1 && detection(tamperFraction, c - 1) >= confidence) c--;
    while (detection(tamperFraction, c) < confidence) c++;
    return c;
  }

  /**
   * The smallest k with hypergeometric detection ≥ confidence, for m = round(f·N) tampered of N.
   */
  public static int samplesFor(long answers, double tamperFraction, double confidence) {
    long tampered = Math.round(tamperFraction * answers);
    if (tampered == 0)
      throw new IllegalArgumentException(
          "no tampered answer among " + answers + " at f = " + tamperFraction);
    double miss = 1;
    for (int k = 1; k <= answers; k++) {
      miss *= (double) (answers - tampered - (k - 1)) / (answers - (k - 1));
      if (1 - miss >= confidence) return k;
    }
    return (int) answers;
  }
}
