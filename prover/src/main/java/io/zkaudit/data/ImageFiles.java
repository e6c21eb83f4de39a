package io.zkaudit.data;

import io.zkaudit.model.ModelFormatException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Reads JPEG/PNG/BMP files (javax.imageio) into 8-bit RGB or grayscale images. */
public final class ImageFiles {
  private ImageFiles() {}

  public static Image read(Path file, int channels) {
    BufferedImage img;
    try {
      if (!Files.isRegularFile(file))
        throw new ModelFormatException("cannot read image " + file + ": no such file");
      img = ImageIO.read(file.toFile());
    } catch (IOException | RuntimeException e) {
      if (e instanceof ModelFormatException m) throw m;
      throw new ModelFormatException("cannot read image " + file + ": " + e.getMessage());
    }
    if (img == null)
      throw new ModelFormatException(
          "cannot read image " + file + ": not a JPEG, PNG or BMP image");
    return fromBuffered(img, channels);
  }

  public static Image fromBuffered(BufferedImage img, int channels) {
    int h = img.getHeight(), w = img.getWidth();
    int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
    int[] px = new int[h * w * channels];
    for (int i = 0; i < h * w; i++) {
      int r = (argb[i] >> 16) & 0xFF, g = (argb[i] >> 8) & 0xFF, b = argb[i] & 0xFF;
      if (channels == 3) {
        px[3 * i] = r;
        px[3 * i + 1] = g;
        px[3 * i + 2] = b;
      } else if (channels == 1) {
        px[i] = (int) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
      } else {
        throw new ModelFormatException("cannot turn an image into " + channels + " channels");
      }
    }
    return new Image(h, w, channels, px);
  }
}
