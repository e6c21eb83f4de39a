package io.zkaudit.data;

/** An 8-bit image, HWC order, values 0..255. */
public record Image(int height, int width, int channels, int[] pixels) {
  public Image {
    if (pixels.length != height * width * channels)
      throw new IllegalArgumentException("pixel count does not match the shape");
  }

  public int at(int y, int x, int c) {
    return pixels[(y * width + x) * channels + c];
  }
}
