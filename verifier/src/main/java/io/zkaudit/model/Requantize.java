package io.zkaudit.model;

import java.util.List;

/**
 * Changes scale/zero point/type (TFLite's QUANTIZE between integer types): {@code out =
 * clamp(MBQM(x − inputZeroPoint, multiplier, shift) + outputZeroPoint, clampMin, clampMax)}.
 */
public record Requantize(
    String name,
    int input,
    int output,
    int inputZeroPoint,
    int multiplier,
    int shift,
    int outputZeroPoint,
    int clampMin,
    int clampMax)
    implements Layer {
  public Requantize {
    FixedPoint.checkMultiplier(multiplier, shift);
  }

  @Override
  public List<Integer> inputs() {
    return List.of(input);
  }
}
