package io.zkaudit.model;

/**
 * Explicit zero-point padding around the spatial dimensions (TFLite's SAME is resolved at import).
 */
public record Padding(int top, int left, int bottom, int right) {
  public static final Padding NONE = new Padding(0, 0, 0, 0);

  public Padding {
    if (top < 0 || left < 0 || bottom < 0 || right < 0)
      throw new ModelFormatException("negative padding");
  }

  /**
   * TFLite's SAME padding: the total is what makes out = ceil(in / stride); the smaller half goes
   * before (top/left).
   */
  public static int samePaddingTotal(int in, int kernel, int stride, int dilation) {
    int out = (in + stride - 1) / stride;
    int effective = (kernel - 1) * dilation + 1;
    return Math.max((out - 1) * stride + effective - in, 0);
  }
}
