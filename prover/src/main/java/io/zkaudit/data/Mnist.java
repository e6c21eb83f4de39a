package io.zkaudit.data;

import io.zkaudit.model.ModelFormatException;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * MNIST in the idx format (gzip-compressed): t10k-images-idx3-ubyte.gz and
 * t10k-labels-idx1-ubyte.gz.
 */
public final class Mnist {
  private Mnist() {}

  public static List<Sample> testSet(Path dir, int limit) throws IOException {
    try (DataInputStream images = open(dir.resolve("t10k-images-idx3-ubyte.gz"));
        DataInputStream labels = open(dir.resolve("t10k-labels-idx1-ubyte.gz"))) {
      if (images.readInt() != 0x803 || labels.readInt() != 0x801)
        throw new ModelFormatException("MNIST files have bad magic numbers");
      int n = images.readInt(), rows = images.readInt(), cols = images.readInt();
      if (labels.readInt() != n || rows != 28 || cols != 28)
        throw new ModelFormatException("MNIST files disagree on their size");
      int count = limit > 0 ? Math.min(limit, n) : n;
      List<Sample> out = new ArrayList<>(count);
      byte[] buf = new byte[rows * cols];
      for (int i = 0; i < count; i++) {
        images.readFully(buf);
        int[] px = new int[buf.length];
        for (int k = 0; k < buf.length; k++) px[k] = buf[k] & 0xFF;
        out.add(new Sample("mnist-" + i, new Image(rows, cols, 1, px), labels.readUnsignedByte()));
      }
      return out;
    }
  }

  private static DataInputStream open(Path p) throws IOException {
    InputStream in = Files.newInputStream(p);
    return new DataInputStream(new java.io.BufferedInputStream(new GZIPInputStream(in)));
  }
}
