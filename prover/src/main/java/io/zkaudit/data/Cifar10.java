package io.zkaudit.data;

import io.zkaudit.model.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The CIFAR-10 binary test batch: records of 1 label byte then 1024 R, 1024 G, 1024 B bytes. The
 * shared file is sorted by class, so a limited evaluation takes an evenly spaced (stratified)
 * subset rather than the first records.
 */
public final class Cifar10 {
  private static final int RECORD = 1 + 3 * 1024;

  private Cifar10() {}

  public static List<Sample> testSet(Path file, int limit) throws IOException {
    byte[] all = Files.readAllBytes(file);
    if (all.length % RECORD != 0)
      throw new ModelFormatException(file + " is not a CIFAR-10 binary batch");
    int n = all.length / RECORD;
    int count = limit > 0 ? Math.min(limit, n) : n;
    List<Sample> out = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      int r = (int) ((long) k * n / count);
      int base = r * RECORD;
      int[] px = new int[32 * 32 * 3];
      for (int p = 0; p < 1024; p++) {
        for (int c = 0; c < 3; c++) px[p * 3 + c] = all[base + 1 + c * 1024 + p] & 0xFF;
      }
      out.add(new Sample("cifar-" + r, new Image(32, 32, 3, px), all[base] & 0xFF));
    }
    return out;
  }

  public static List<String> labels(Path dir) throws IOException {
    return Files.readAllLines(dir.resolve("batches.meta.txt")).stream()
        .filter(s -> !s.isBlank())
        .toList();
  }
}
