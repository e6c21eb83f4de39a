package io.zkaudit.model;

/**
 * The sliding window of a convolution or pooling layer. Output position (oy, ox) reads input rows
 * oy·strideH − pad.top + ky·dilationH (same for columns); positions outside the input are skipped,
 * which equals reading the input's zero point.
 */
public record Window(
    int kernelH,
    int kernelW,
    int strideH,
    int strideW,
    int dilationH,
    int dilationW,
    Padding padding) {
  public Window {
    if (kernelH <= 0
        || kernelW <= 0
        || strideH <= 0
        || strideW <= 0
        || dilationH <= 0
        || dilationW <= 0
        || padding == null) {
      throw new ModelFormatException(
          "invalid window " + kernelH + "x" + kernelW + " stride " + strideH + "x" + strideW);
    }
  }

  public int outputHeight(int inputHeight) {
    return (inputHeight + padding.top() + padding.bottom() - ((kernelH - 1) * dilationH + 1))
            / strideH
        + 1;
  }

  public int outputWidth(int inputWidth) {
    return (inputWidth + padding.left() + padding.right() - ((kernelW - 1) * dilationW + 1))
            / strideW
        + 1;
  }
}
