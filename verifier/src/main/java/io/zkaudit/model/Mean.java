package io.zkaudit.model;

import java.util.List;

/**
 * Mean over the spatial axes (H, W) of an NHWC tensor, as TFLite's quantized MEAN:
 *
 * <pre>
 * acc = Σ_{y,x} (x − inputZeroPoint);  n = H·W
 * t = MBQM(acc, multiplier, shift)      (multiplier ≈ inputScale / outputScale)
 * out = clamp(roundedDivide(t, n) + outputZeroPoint, clampMin, clampMax)
 * </pre>
 */
public record Mean(
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
  public Mean {
    FixedPoint.checkMultiplier(multiplier, shift);
  }

  @Override
  public List<Integer> inputs() {
    return List.of(input);
  }
}
