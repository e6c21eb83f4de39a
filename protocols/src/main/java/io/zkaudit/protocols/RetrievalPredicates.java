package io.zkaudit.protocols;

import io.zkaudit.model.TensorSpec;
import io.zkaudit.proto.v1.Predicate;
import java.util.Optional;

/** The one definition of what a retrieval predicate means, used by seller and buyer alike. */
public final class RetrievalPredicates {
  private RetrievalPredicates() {}

  /** Why the predicate makes no sense for this output tensor, or empty if it does. */
  public static Optional<String> problem(Predicate p, TensorSpec output) {
    int classes = output.size();
    return switch (p.getKindCase()) {
      case ARGMAX_IS ->
          p.getArgmaxIs() >= 0 && p.getArgmaxIs() < classes
              ? Optional.empty()
              : Optional.of(
                  "predicate.argmax_is: "
                      + Integer.toUnsignedString(p.getArgmaxIs())
                      + " is not a class of the model (0 to "
                      + (classes - 1)
                      + ")");
      case SCORE_AT_LEAST -> {
        int c = p.getScoreAtLeast().getClassIndex();
        int t = p.getScoreAtLeast().getThreshold();
        if (c < 0 || c >= classes) {
          yield Optional.of(
              "predicate.score_at_least.class_index: "
                  + Integer.toUnsignedString(c)
                  + " is not a class of the model (0 to "
                  + (classes - 1)
                  + ")");
        }
        if (t < output.type().min() || t > output.type().max()) {
          yield Optional.of(
              "predicate.score_at_least.threshold: "
                  + t
                  + " is outside the output's range ["
                  + output.type().min()
                  + ", "
                  + output.type().max()
                  + "]");
        }
        yield Optional.empty();
      }
      case KIND_NOT_SET -> Optional.of("predicate: argmax_is or score_at_least");
    };
  }

  /** True if a (proven) output satisfies the predicate; ties in argmax go to the lowest index. */
  public static boolean matches(Predicate p, int[] output) {
    return switch (p.getKindCase()) {
      case ARGMAX_IS -> argmax(output) == p.getArgmaxIs();
      case SCORE_AT_LEAST ->
          output[p.getScoreAtLeast().getClassIndex()] >= p.getScoreAtLeast().getThreshold();
      case KIND_NOT_SET -> throw new IllegalArgumentException("no predicate");
    };
  }

  public static String describe(Predicate p) {
    return switch (p.getKindCase()) {
      case ARGMAX_IS -> "argmax == " + p.getArgmaxIs();
      case SCORE_AT_LEAST ->
          "output["
              + p.getScoreAtLeast().getClassIndex()
              + "] >= "
              + p.getScoreAtLeast().getThreshold();
      case KIND_NOT_SET -> "none";
    };
  }

  static int argmax(int[] output) {
    int best = 0;
    for (int i = 1; i < output.length; i++) {
      if (output[i] > output[best]) {
        best = i;
      }
    }
    return best;
  }
}
