package io.zkaudit.data;

import io.zkaudit.model.TensorSpec;

/**
 * The real interval that 8-bit pixels 0..255 are mapped onto for a model: pixel p means lo + p·(hi
 * − lo)/255. For a quantized input this defaults to the tensor's representable range, which makes
 * the common cases exact: MobileNet's uint8 input (scale 1/128, zero point 128) takes the raw
 * pixel, ResNet-8's int8 input (scale 1, zero point −128) takes pixel − 128.
 */
public record PixelRange(double lo, double hi) implements InputNormalization {
  public static final PixelRange UNIT = new PixelRange(0, 1);
  public static final PixelRange BYTE = new PixelRange(0, 255);
  public static final PixelRange SIGNED_UNIT = new PixelRange(-1, 1);

  public static PixelRange of(TensorSpec quantizedInput) {
    double s = quantizedInput.scale();
    int z = quantizedInput.zeroPoint();
    return new PixelRange(
        s * (quantizedInput.type().min() - z), s * (quantizedInput.type().max() - z));
  }

  public static PixelRange parse(String text) {
    String[] parts = text.split(",");
    if (parts.length != 2) throw new IllegalArgumentException("pixel range must be lo,hi: " + text);
    double[] v = InputNormalization.parseList(text);
    if (!(v[0] < v[1])) throw new IllegalArgumentException("pixel range needs lo < hi: " + text);
    return new PixelRange(v[0], v[1]);
  }

  public double real(int pixel) {
    return lo + pixel * (hi - lo) / 255.0;
  }

  /** The same interval for every channel. */
  @Override
  public double real(int pixel, int channel) {
    return real(pixel);
  }

  @Override
  public PixelRange bounds() {
    return this;
  }

  @Override
  public String describe() {
    return "[" + InputNormalization.number(lo) + ", " + InputNormalization.number(hi) + "]";
  }
}
