package io.zkaudit.model;

/** The integer element types of tensors in a quantized model, with their value ranges. */
public enum ElementType {
  UINT8(0, 255),
  INT8(-128, 127),
  INT32(Integer.MIN_VALUE, Integer.MAX_VALUE);

  private final int min;
  private final int max;

  ElementType(int min, int max) {
    this.min = min;
    this.max = max;
  }

  public int min() {
    return min;
  }

  public int max() {
    return max;
  }
}
