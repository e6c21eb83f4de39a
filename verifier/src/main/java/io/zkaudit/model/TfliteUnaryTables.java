package io.zkaudit.model;

/**
 * The 256-entry tables of TensorFlow Lite's 8-bit LOGISTIC, TANH and HARD_SWISH kernels, restated
 * from their arithmetic (TFLite 2.21: kernels/activations.cc, the lookup-table populate of
 * kernels/internal/common.h, and kernels/internal/reference/hard_swish.h; docs/models.md
 * "Elementwise functions"). The verifier builds them from the key, so every step is defined in
 * float32 or integer arithmetic that Java reproduces bit for bit.
 *
 * <ul>
 *   <li>LOGISTIC and TANH (reference and optimized kernels alike) read a table populated in
 *       float32: {@code d = inScale · (x − inZeroPoint)}, {@code t = 1 / (1 + exp(−d))} or {@code
 *       tanh(d)}, {@code y = clamp(roundHalfAwayFromZero(t · (1 / outScale)) + outZeroPoint)}.
 *       Every product, quotient and sum is a float32 operation; exp and tanh are the float32
 *       functions of the C library, here the correctly rounded float of {@link StrictMath}'s double
 *       result (the two agree but for inputs within a float's error of a rounding boundary; none
 *       occurred in the committed references).
 *   <li>HARD_SWISH (reference kernel) is a 16-bit fixed-point pipeline: the input on a "high
 *       resolution" scale inScale/128, a 16-bit multiplier to the output scale, a 16-bit "reluish"
 *       multiplier to the scale 3/32768 giving (x + 3)/6 in [0, 1) as a Q15 fraction, their
 *       truncating high product, and a rounding shift.
 * </ul>
 */
public final class TfliteUnaryTables {
  private TfliteUnaryTables() {}

  /**
   * The table of one of the {@code TFLITE_} functions: entry i is the output for inType.min + i.
   */
  static int[] table(UnaryFunction f, TensorSpec in, TensorSpec out) {
    return switch (f) {
      case TFLITE_LOGISTIC, TFLITE_TANH -> floatTable(f == UnaryFunction.TFLITE_TANH, in, out);
      case TFLITE_HARD_SWISH -> hardSwish(in, out);
      default -> throw new IllegalArgumentException(f + " is not a TFLite kernel");
    };
  }

  private static int[] floatTable(boolean tanh, TensorSpec in, TensorSpec out) {
    ElementType inType = in.type(), outType = out.type();
    float inScale = in.scale();
    float inverse = 1f / out.scale();
    int[] t = new int[inType.max() - inType.min() + 1];
    for (int i = 0; i < t.length; i++) {
      float d = inScale * (float) (inType.min() + i - in.zeroPoint());
      float y = tanh ? (float) StrictMath.tanh(d) : 1f / (1f + (float) StrictMath.exp(-(double) d));
      float rescaled = roundHalfAway(y * inverse);
      int q = (int) (rescaled + (float) out.zeroPoint());
      t[i] = Math.clamp(q, outType.min(), outType.max());
    }
    return t;
  }

  /** C's roundf: to the nearest integer, halves away from zero (exact for every float). */
  static float roundHalfAway(float v) {
    double r = Math.floor(Math.abs((double) v) + 0.5);
    return (float) Math.copySign(r, v);
  }

  private static int[] hardSwish(TensorSpec in, TensorSpec out) {
    ElementType inType = in.type(), outType = out.type();
    float hiresScale = (1f / 128f) * in.scale();
    FixedPoint.QuantizedMultiplier o =
        FixedPoint.quantizeMultiplier((double) (hiresScale / out.scale()));
    FixedPoint.QuantizedMultiplier r =
        FixedPoint.quantizeMultiplier((double) (hiresScale / (3f / 32768f)));
    if (o.shift() > 0) {
      throw new ModelFormatException(
          "HARD_SWISH needs an output multiplier below one (TFLite refuses the model)");
    }
    int outMultiplier = downscaleToInt16(o.multiplier());
    int reluishMultiplier = downscaleToInt16(r.multiplier());
    int reluishExponent = r.shift();
    int[] t = new int[inType.max() - inType.min() + 1];
    for (int i = 0; i < t.length; i++) {
      int x = (short) (inType.min() + i - in.zeroPoint());
      int hires = (short) (x * 128);
      int preshiftOut = roundingDoublingHighMul16(hires, outMultiplier);
      int reluish = hires;
      if (reluishExponent > 0) reluish = saturatingLeftShift16(reluish, reluishExponent - 1);
      reluish = roundingDoublingHighMul16(reluish, reluishMultiplier);
      if (reluishExponent > 0) reluish = saturatingLeftShift16(reluish, 1);
      if (reluishExponent < 0) reluish = FixedPoint.roundingDivideByPot(reluish, -reluishExponent);
      reluish = (short) ((reluish + (1 << 15)) >> 1); // [−1, 1) as Q15 mapped to [0, 1)
      int preshift = truncatingDoublingHighMul16(reluish, preshiftOut);
      int y = (short) (FixedPoint.roundingDivideByPot(preshift, -o.shift()) + out.zeroPoint());
      t[i] = Math.clamp(y, outType.min(), outType.max());
    }
    return t;
  }

  /** A Q31 multiplier rounded to Q15 (half up), saturating near 2^31. */
  static int downscaleToInt16(int multiplier) {
    if (multiplier >= Integer.MAX_VALUE - (1 << 15)) return Short.MAX_VALUE;
    return (multiplier + (1 << 15)) >> 16;
  }

  /** gemmlowp's 16-bit SaturatingRoundingDoublingHighMul: round(a·b / 2^15), ties away from 0. */
  static int roundingDoublingHighMul16(int a, int b) {
    if (a == Short.MIN_VALUE && b == Short.MIN_VALUE) return Short.MAX_VALUE;
    int ab = a * b;
    int nudge = ab >= 0 ? (1 << 14) : 1 - (1 << 14);
    return (short) ((ab + nudge) / (1 << 15)); // Java's / truncates toward zero, like C++
  }

  /** The same without rounding: a·b / 2^15 truncated toward zero. */
  static int truncatingDoublingHighMul16(int a, int b) {
    if (a == Short.MIN_VALUE && b == Short.MIN_VALUE) return Short.MAX_VALUE;
    return (short) ((a * b) / (1 << 15));
  }

  /** value · 2^amount clamped to int16. */
  static int saturatingLeftShift16(int value, int amount) {
    long v = (long) value << amount;
    return (int) Math.clamp(v, Short.MIN_VALUE, Short.MAX_VALUE);
  }
}
