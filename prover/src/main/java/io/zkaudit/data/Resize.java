package io.zkaudit.data;

/**
 * Deterministic image resizing in plain Java (so results do not depend on the JDK's imaging
 * pipeline): central crop as TF-slim's ImageNet evaluation does (a fraction of each side), then
 * bilinear interpolation with half-pixel centres, rounded to 8 bits.
 */
public final class Resize {
  private Resize() {}

  public static Image centralCrop(Image img, double fraction) {
    if (fraction >= 1.0) return img;
    int h = (int) Math.round(img.height() * fraction), w = (int) Math.round(img.width() * fraction);
    int top = (img.height() - h) / 2, left = (img.width() - w) / 2;
    int c = img.channels();
    int[] px = new int[h * w * c];
    for (int y = 0; y < h; y++)
      System.arraycopy(img.pixels(), ((top + y) * img.width() + left) * c, px, y * w * c, w * c);
    return new Image(h, w, c, px);
  }

  public static Image bilinear(Image img, int outH, int outW) {
    if (img.height() == outH && img.width() == outW) return img;
    int c = img.channels();
    int[] px = new int[outH * outW * c];
    double sy = (double) img.height() / outH, sx = (double) img.width() / outW;
    for (int y = 0; y < outH; y++) {
      double fy = Math.max(0, (y + 0.5) * sy - 0.5);
      int y0 = Math.min((int) fy, img.height() - 1), y1 = Math.min(y0 + 1, img.height() - 1);
      double wy = fy - y0;
      for (int x = 0; x < outW; x++) {
        double fx = Math.max(0, (x + 0.5) * sx - 0.5);
        int x0 = Math.min((int) fx, img.width() - 1), x1 = Math.min(x0 + 1, img.width() - 1);
        double wx = fx - x0;
        for (int ch = 0; ch < c; ch++) {
          double top = img.at(y0, x0, ch) * (1 - wx) + img.at(y0, x1, ch) * wx;
          double bottom = img.at(y1, x0, ch) * (1 - wx) + img.at(y1, x1, ch) * wx;
          px[(y * outW + x) * c + ch] =
              (int) Math.min(255, Math.round(top * (1 - wy) + bottom * wy));
        }
      }
    }
    return new Image(outH, outW, c, px);
  }
}
