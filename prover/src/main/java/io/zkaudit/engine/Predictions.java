package io.zkaudit.engine;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Ranking of output scores: highest first, ties broken by the lower class index (as argmax does).
 */
public final class Predictions {
  private Predictions() {}

  public static int[] topK(int[] scores, int k) {
    return IntStream.range(0, scores.length)
        .boxed()
        .sorted(Comparator.<Integer>comparingInt(i -> -scores[i]).thenComparingInt(i -> i))
        .limit(k)
        .mapToInt(Integer::intValue)
        .toArray();
  }

  public static int[] topK(float[] scores, int k) {
    return IntStream.range(0, scores.length)
        .boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i))
        .limit(k)
        .mapToInt(Integer::intValue)
        .toArray();
  }

  public static boolean inTopK(int[] ranking, int label) {
    return Arrays.stream(ranking).anyMatch(i -> i == label);
  }
}
