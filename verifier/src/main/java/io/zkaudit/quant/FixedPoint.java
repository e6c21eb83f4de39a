package io.zkaudit.quant;

/**
 * TFLite's integer requantization arithmetic, restated exactly (Jacob et al., arXiv 1712.05877,
 * and the TFLite reference kernels' gemmlowp helpers). The circuit proves these functions bit for
 * bit, so they live in the verifier module as the specification.
 *
 * <p>Closed forms used by the proofs (derived in docs/model-proofs.md and checked against the
 * step-by-step definitions by tests):
 * <ul>
 *   <li>{@code srdhm(a, m) = floor((a*m + 2^30) / 2^31)}: round half up, for every sign;
 *   <li>{@code roundingDivideByPot(x, e)}: round half away from zero.
 * </ul>
 * Both are monotone non-decreasing in their first argument, which is what lets a proof check a
 * requantization with two range checks against public thresholds instead of re-doing it.
 */
public final class FixedPoint {
  private FixedPoint() {}

  /**
   * gemmlowp's SaturatingRoundingDoublingHighMul on int32 values: the high 32 bits of 2*a*b,
   * rounded. Saturates only for a = b = INT_MIN.
   */
  public static int srdhm(int a, int b) {
    if (a == Integer.MIN_VALUE && b == Integer.MIN_VALUE) {
      return Integer.MAX_VALUE;
    }
    long ab = (long) a * b;
    long nudge = ab >= 0 ? (1L << 30) : (1 - (1L << 30));
    return (int) ((ab + nudge) / (1L << 31)); // Java's / truncates toward zero, as C++'s does
  }

  /** gemmlowp's RoundingDivideByPOT: x / 2^exponent rounded half away from zero. */
  public static int roundingDivideByPot(int x, int exponent) {
    if (exponent < 0 || exponent > 31) {
      throw new IllegalArgumentException("exponent out of range: " + exponent);
    }
    int mask = (int) ((1L << exponent) - 1);
    int remainder = x & mask;
    int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
  }

  /**
   * TFLite's MultiplyByQuantizedMultiplier(x, multiplier, shift): shift > 0 multiplies by 2^shift
   * first, shift < 0 divides by 2^-shift with rounding after the high multiplication.
   */
  public static int multiplyByQuantizedMultiplier(int x, int multiplier, int shift) {
    int leftShift = shift > 0 ? shift : 0;
    int rightShift = shift > 0 ? 0 : -shift;
    return roundingDivideByPot(srdhm(x * (1 << leftShift), multiplier), rightShift);
  }

  /**
   * The full requantization of an int32 accumulator to an output value: multiply by the
   * quantized multiplier, add the output zero point, clamp to [lo, hi] (which carries the fused
   * activation: ReLU and ReLU6 are clamps).
   */
  public static int requantize(int acc, int multiplier, int shift, int zeroPoint, int lo, int hi) {
    int v = multiplyByQuantizedMultiplier(acc, multiplier, shift) + zeroPoint;
    return Math.max(lo, Math.min(hi, v));
  }

  /**
   * TFLite's QuantizeMultiplier: represents a positive real multiplier as a Q31 fixed-point
   * multiplier in [2^30, 2^31) and a power-of-two shift.
   */
  public static long[] quantizeMultiplier(double realMultiplier) {
    if (realMultiplier == 0) {
      return new long[] {0, 0};
    }
    if (!(realMultiplier > 0) || Double.isInfinite(realMultiplier)) {
      throw new IllegalArgumentException("multiplier must be positive and finite: " + realMultiplier);
    }
    int exp = Math.getExponent(realMultiplier) + 1; // realMultiplier = q * 2^exp with q in [0.5, 1)
    double q = realMultiplier / Math.scalb(1.0, exp);
    long qFixed = Math.round(q * (1L << 31));
    if (qFixed == (1L << 31)) {
      qFixed /= 2;
      exp++;
    }
    if (exp < -31) {
      return new long[] {0, 0};
    }
    if (exp > 30) {
      exp = 30;
      qFixed = (1L << 31) - 1;
    }
    return new long[] {qFixed, exp};
  }
}
