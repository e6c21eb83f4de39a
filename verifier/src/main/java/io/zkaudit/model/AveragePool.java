package io.zkaudit.model;

import java.util.List;

/**
 * Average pooling as TFLite's integer kernel: input and output share scale and zero point.
 *
 * <pre>
 * acc = Σ_{window ∩ input} x;  n = |window ∩ input|
 * out = clamp(acc ≥ 0 ? (acc + n/2) / n : (acc − n/2) / n, clampMin, clampMax)   (/ truncates toward zero)
 * </pre>
 */
public record AveragePool(
    String name, int input, int output, Window window, int clampMin, int clampMax)
    implements Layer {
  @Override
  public List<Integer> inputs() {
    return List.of(input);
  }

  /** Division rounded half away from zero, as TFLite's quantized average pool and mean. */
  public static int roundedDivide(long acc, int n) {
    return (int) (acc >= 0 ? (acc + n / 2) / n : (acc - n / 2) / n);
  }
}
