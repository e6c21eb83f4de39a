package io.zkaudit.model;

/**
 * TFLite's (gemmlowp's) fixed-point arithmetic, the integer semantics every quantized layer uses.
 * Each method states its definition in integers so that the proof can reproduce it exactly.
 */
public final class FixedPoint {
  private FixedPoint() {}

  /**
   * Round(a·b / 2^31) with ties away from zero, saturating the single overflow case a = b = −2^31.
   * Rounding: add 2^30 (or 1 − 2^30 for negative products), then divide by 2^31 truncating toward
   * zero.
   */
  public static int saturatingRoundingDoublingHighMul(int a, int b) {
    if (a == Integer.MIN_VALUE && b == Integer.MIN_VALUE) return Integer.MAX_VALUE;
    long ab = (long) a * (long) b;
    long nudge = ab >= 0 ? (1L << 30) : (1L - (1L << 30));
    return (int) ((ab + nudge) / (1L << 31)); // Java's / truncates toward zero, like C++.
  }

  /** x / 2^exponent rounded to nearest, ties away from zero; 0 ≤ exponent ≤ 31. */
  public static int roundingDivideByPot(int x, int exponent) {
    if (exponent < 0 || exponent > 31) throw new IllegalArgumentException("exponent " + exponent);
    int mask = (int) ((1L << exponent) - 1);
    int remainder = x & mask;
    int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
  }

  /**
   * TFLite's MultiplyByQuantizedMultiplier: x·multiplier·2^shift / 2^31 with TFLite's two
   * roundings. A positive shift multiplies x by 2^shift first (in 32-bit, wrapping like the C++); a
   * negative shift is a rounding division after the high multiply.
   */
  public static int multiplyByQuantizedMultiplier(int x, int multiplier, int shift) {
    int leftShift = shift > 0 ? shift : 0;
    int rightShift = shift > 0 ? 0 : -shift;
    return roundingDivideByPot(
        saturatingRoundingDoublingHighMul(x * (1 << leftShift), multiplier), rightShift);
  }

  /**
   * TFLite's single-rounding MultiplyByQuantizedMultiplier (TFLITE_SINGLE_ROUNDING): one rounding,
   * half up, of x·multiplier / 2^(31 - shift). TFLite 2.21's reference kernel for int8
   * FULLY_CONNECTED rounds this way (measured: 10,000 of 10,000 ResNet-8 outputs), its convolutions
   * the two-step gemmlowp way.
   */
  public static int multiplyByQuantizedMultiplierSingleRounding(int x, int multiplier, int shift) {
    long totalShift = 31 - shift;
    long result = ((long) x * multiplier + (1L << (totalShift - 1))) >> totalShift;
    return (int) Math.clamp(result, Integer.MIN_VALUE, Integer.MAX_VALUE);
  }

  /** A multiplier and its shift: real value ≈ multiplier / 2^31 · 2^shift. */
  public record QuantizedMultiplier(int multiplier, int shift) {
    public double value() {
      return multiplier / (double) (1L << 31) * Math.pow(2, shift);
    }
  }

  /**
   * TFLite's QuantizeMultiplier: writes a positive real as q·2^shift with q in [0.5, 1), rounds
   * q·2^31 half away from zero, renormalises when that rounds up to 2^31, flushes shifts below −31
   * to zero and caps shifts above 30 (as TFLite does).
   */
  public static QuantizedMultiplier quantizeMultiplier(double real) {
    if (real == 0.0) return new QuantizedMultiplier(0, 0);
    if (!(real > 0) || Double.isInfinite(real))
      throw new ModelFormatException("cannot quantize multiplier " + real);
    int exponent = frexpExponent(real);
    double fraction = Math.scalb(real, -exponent); // in [0.5, 1)
    long fixed =
        Math.round(fraction * (1L << 31)); // positive, so round-half-up = half away from zero
    if (fixed == (1L << 31)) {
      fixed /= 2;
      exponent++;
    }
    if (exponent < -31) return new QuantizedMultiplier(0, 0);
    if (exponent > 30) return new QuantizedMultiplier(Integer.MAX_VALUE, 30);
    return new QuantizedMultiplier((int) fixed, exponent);
  }

  /** The exponent e of C's frexp: real = f·2^e with f in [0.5, 1). */
  static int frexpExponent(double real) {
    int e = Math.getExponent(real);
    if (e == Double.MIN_EXPONENT - 1) { // subnormal: scale into the normal range first
      return Math.getExponent(real * 0x1p64) + 1 - 64;
    }
    return e + 1;
  }

  /** Validates a multiplier/shift pair as produced by {@link #quantizeMultiplier}. */
  static void checkMultiplier(int multiplier, int shift) {
    if (multiplier < 0 || shift < -31 || shift > 30) {
      throw new ModelFormatException(
          "invalid fixed-point multiplier " + multiplier + " with shift " + shift);
    }
  }
}
