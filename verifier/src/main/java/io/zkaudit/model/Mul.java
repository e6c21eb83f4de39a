package io.zkaudit.model;

import java.util.List;

/**
 * Quantized elementwise product with broadcasting (TFLite's MUL):
 *
 * <pre>
 * acc = (a − aZeroPoint)·(b − bZeroPoint);  out = clamp(MBQM(acc, outMultiplier, outShift) + outZeroPoint, clampMin, clampMax)
 * </pre>
 */
public record Mul(
    String name,
    int a,
    int b,
    int output,
    int aZeroPoint,
    int bZeroPoint,
    int outMultiplier,
    int outShift,
    int outZeroPoint,
    int clampMin,
    int clampMax)
    implements Layer {
  public Mul {
    FixedPoint.checkMultiplier(outMultiplier, outShift);
  }

  @Override
  public List<Integer> inputs() {
    return List.of(a, b);
  }

  public int finish(int product) {
    int scaled = FixedPoint.multiplyByQuantizedMultiplier(product, outMultiplier, outShift);
    return Math.clamp((long) scaled + outZeroPoint, clampMin, clampMax);
  }
}
