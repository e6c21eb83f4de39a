package io.zkaudit.data;

import io.zkaudit.model.ModelFormatException;
import io.zkaudit.model.TensorSpec;

/**
 * Turns images into model inputs: resize/crop to the NHWC input shape, then map pixels to values.
 */
public final class InputEncoder {
  /**
   * The central crop of TF-slim's ImageNet preprocessing, which images given as proof inputs and
   * audit test sets take: prover and verifier must encode a picture to the same integers.
   */
  public static final double IMAGENET_CROP = 0.875;

  private final int height, width, channels;
  private final double cropFraction;
  private final InputNormalization range;

  /**
   * @param shape NHWC input shape (batch 1)
   * @param cropFraction central crop applied before resizing (1.0 = none; TF-slim ImageNet uses
   *     0.875)
   */
  public InputEncoder(int[] shape, double cropFraction, InputNormalization range) {
    if (shape.length != 4 || shape[0] != 1)
      throw new ModelFormatException(
          "image input must be [1, H, W, C], the model has " + java.util.Arrays.toString(shape));
    height = shape[1];
    width = shape[2];
    channels = shape[3];
    this.cropFraction = cropFraction;
    try {
      range.requireChannels(channels);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(e.getMessage());
    }
    this.range = range;
  }

  public int channels() {
    return channels;
  }

  /** The image cropped and resized to the input's height and width. */
  public Image fit(Image img) {
    if (img.channels() != channels)
      throw new ModelFormatException(
          "image has " + img.channels() + " channels, the model takes " + channels);
    if (img.height() == height && img.width() == width) return img;
    return Resize.bilinear(Resize.centralCrop(img, cropFraction), height, width);
  }

  /**
   * Quantized input: q = clamp(round(real(p, c)/scale) + zeroPoint), c the pixel's channel (pixels
   * are stored channel-last, so c = i mod C).
   */
  public int[] quantized(Image img, TensorSpec spec) {
    Image fitted = fit(img);
    int[] px = fitted.pixels();
    int[][] lut = new int[channels][256];
    for (int c = 0; c < channels; c++)
      for (int p = 0; p < 256; p++) {
        long q = Math.round(range.real(p, c) / spec.scale()) + spec.zeroPoint();
        lut[c][p] = (int) Math.clamp(q, spec.type().min(), spec.type().max());
      }
    int[] q = new int[px.length];
    for (int i = 0; i < px.length; i++) q[i] = lut[i % channels][px[i]];
    return q;
  }

  /** Float input: real(p, c). */
  public float[] real(Image img) {
    int[] px = fit(img).pixels();
    float[] x = new float[px.length];
    for (int i = 0; i < px.length; i++) x[i] = (float) range.real(px[i], i % channels);
    return x;
  }
}
