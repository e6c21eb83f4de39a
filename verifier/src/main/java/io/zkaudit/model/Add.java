package io.zkaudit.model;

import java.util.List;

/**
 * Quantized elementwise addition with broadcasting, TFLite's 8-bit pipeline (left shift 20):
 *
 * <pre>
 * a' = MBQM((a − aZeroPoint)·2^leftShift, aMultiplier, aShift)
 * b' = MBQM((b − bZeroPoint)·2^leftShift, bMultiplier, bShift)
 * acc = a' + b'
 * out = clamp(MBQM(acc, outMultiplier, outShift) + outZeroPoint, clampMin, clampMax)
 * </pre>
 *
 * where MBQM is {@link FixedPoint#multiplyByQuantizedMultiplier}. Either input may be a constant.
 */
public record Add(
    String name,
    int a,
    int b,
    int output,
    int aZeroPoint,
    int bZeroPoint,
    int leftShift,
    int aMultiplier,
    int aShift,
    int bMultiplier,
    int bShift,
    int outMultiplier,
    int outShift,
    int outZeroPoint,
    int clampMin,
    int clampMax)
    implements Layer {
  public Add {
    FixedPoint.checkMultiplier(aMultiplier, aShift);
    FixedPoint.checkMultiplier(bMultiplier, bShift);
    FixedPoint.checkMultiplier(outMultiplier, outShift);
    if (leftShift < 0 || leftShift > 24)
      throw new ModelFormatException("add " + name + ": left shift " + leftShift);
  }

  @Override
  public List<Integer> inputs() {
    return List.of(a, b);
  }

  /** The pre-output-rescale sum for one pair of quantized values (the trace's accumulator). */
  public int rawSum(int av, int bv) {
    int sa =
        FixedPoint.multiplyByQuantizedMultiplier(
            (av - aZeroPoint) * (1 << leftShift), aMultiplier, aShift);
    int sb =
        FixedPoint.multiplyByQuantizedMultiplier(
            (bv - bZeroPoint) * (1 << leftShift), bMultiplier, bShift);
    return sa + sb;
  }

  public int finish(int rawSum) {
    int scaled = FixedPoint.multiplyByQuantizedMultiplier(rawSum, outMultiplier, outShift);
    return Math.clamp((long) scaled + outZeroPoint, clampMin, clampMax);
  }
}
