package io.zkaudit.model;

import java.util.List;

/**
 * The step from an int32 accumulator to a quantized output, exactly as TFLite does it: {@code out =
 * clamp(MultiplyByQuantizedMultiplier(acc, multiplier[c], shift[c]) + outputZeroPoint, clampMin,
 * clampMax)}. One multiplier/shift pair per output channel, or a single pair for the whole tensor.
 * The multipliers are Q31 fixed point in [2^30, 2^31) (or 0); shift &gt; 0 is a left shift. See
 * {@link FixedPoint}. {@code singleRounding} selects TFLite's single-rounding variant (int8
 * FULLY_CONNECTED) instead of gemmlowp's two roundings.
 */
public record Requantization(
    List<Integer> multipliers,
    List<Integer> shifts,
    int outputZeroPoint,
    int clampMin,
    int clampMax,
    boolean singleRounding) {

  /** The usual two-step (gemmlowp) rounding. */
  public Requantization(
      List<Integer> multipliers,
      List<Integer> shifts,
      int outputZeroPoint,
      int clampMin,
      int clampMax) {
    this(multipliers, shifts, outputZeroPoint, clampMin, clampMax, false);
  }

  public Requantization {
    multipliers = List.copyOf(multipliers);
    shifts = List.copyOf(shifts);
    if (multipliers.isEmpty() || multipliers.size() != shifts.size()) {
      throw new ModelFormatException("requantization needs as many multipliers as shifts");
    }
    for (int i = 0; i < multipliers.size(); i++)
      FixedPoint.checkMultiplier(multipliers.get(i), shifts.get(i));
    if (clampMin > clampMax)
      throw new ModelFormatException(
          "requantization clamp [" + clampMin + ", " + clampMax + "] is empty");
  }

  public static Requantization perTensor(
      int multiplier, int shift, int outputZeroPoint, int clampMin, int clampMax) {
    return new Requantization(
        List.of(multiplier), List.of(shift), outputZeroPoint, clampMin, clampMax);
  }

  public boolean perChannel() {
    return multipliers.size() > 1;
  }

  public int multiplier(int channel) {
    return multipliers.get(multipliers.size() == 1 ? 0 : channel);
  }

  public int shift(int channel) {
    return shifts.get(shifts.size() == 1 ? 0 : channel);
  }

  /** The same parameters with TFLite's single rounding (see {@link FixedPoint}). */
  public Requantization withSingleRounding() {
    return new Requantization(multipliers, shifts, outputZeroPoint, clampMin, clampMax, true);
  }

  /** The scaled accumulator before the zero point and the clamp. */
  public int scale(int accumulator, int channel) {
    return singleRounding
        ? FixedPoint.multiplyByQuantizedMultiplierSingleRounding(
            accumulator, multiplier(channel), shift(channel))
        : FixedPoint.multiplyByQuantizedMultiplier(
            accumulator, multiplier(channel), shift(channel));
  }

  /** The integer semantics, one value: the reference for engine and proof. */
  public int apply(long accumulator, int channel) {
    return Math.clamp(
        (long) scale((int) accumulator, channel) + outputZeroPoint, clampMin, clampMax);
  }
}
