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

  /** An 8-bit type, whose every value a table or a loop can enumerate (256 of them). */
  public boolean isByte() {
    return this != INT32;
  }
}
