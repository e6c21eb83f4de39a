package io.zkaudit.tflite;

import io.zkaudit.model.ElementType;

/** TFLite's float-side helpers used when deriving integer parameters. */
public final class QuantMath {
  private QuantMath() {}

  /** std::round on a float: half away from zero. */
  public static int roundHalfAway(float f) {
    return (int) (f >= 0 ? Math.floor(f + 0.5) : -Math.floor(-f + 0.5));
  }

  /** std::round on a double: half away from zero. */
  public static long roundHalfAway(double d) {
    return (long) (d >= 0 ? Math.floor(d + 0.5) : -Math.floor(-d + 0.5));
  }

  /**
   * TFLite's CalculateActivationRangeQuantized: the clamp of a fused activation in the output's
   * quantized domain; f/scale is computed in float as in the C++.
   */
  public static int[] activationRange(
      float lo, float hi, float scale, int zeroPoint, ElementType type) {
    int qmin = type.min(), qmax = type.max();
    int min = Float.isInfinite(lo) ? qmin : Math.max(qmin, zeroPoint + roundHalfAway(lo / scale));
    int max = Float.isInfinite(hi) ? qmax : Math.min(qmax, zeroPoint + roundHalfAway(hi / scale));
    return new int[] {min, max};
  }

  /** The real interval of a fused activation code (ActivationFunctionType). */
  public static float[] activationInterval(int code, String node) {
    return switch (code) {
      case TfliteOps.ACT_NONE -> new float[] {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
      case TfliteOps.ACT_RELU -> new float[] {0f, Float.POSITIVE_INFINITY};
      case TfliteOps.ACT_RELU_N1_TO_1 -> new float[] {-1f, 1f};
      case TfliteOps.ACT_RELU6 -> new float[] {0f, 6f};
      default ->
          throw new io.zkaudit.model.ModelFormatException(
              "unsupported fused activation " + code + " at node " + node);
    };
  }
}
