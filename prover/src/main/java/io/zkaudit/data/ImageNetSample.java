package io.zkaudit.data;

import io.zkaudit.model.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The ImageNet sample directory: synsets_index.tsv lists (index 0..999, synset, name, file). The
 * 1001-class TFLite models put background at 0, so their label is index + 1.
 */
public final class ImageNetSample {
  public record Entry(int index, String synset, String name, Path file) {}

  private ImageNetSample() {}

  public static List<Entry> entries(Path dir) throws IOException {
    Path index = dir.resolve("synsets_index.tsv");
    if (!Files.isRegularFile(index))
      throw new ModelFormatException("no synsets_index.tsv in " + dir);
    List<Entry> out = new ArrayList<>();
    for (String line : Files.readAllLines(index)) {
      if (line.isBlank()) continue;
      String[] f = line.split("\t");
      if (f.length < 4) throw new ModelFormatException("bad line in " + index + ": " + line);
      out.add(new Entry(Integer.parseInt(f[0].trim()), f[1], f[2], dir.resolve(f[3])));
    }
    return out;
  }

  public static List<String> labels1001(Path dir) throws IOException {
    return Files.readAllLines(dir.resolve("imagenet_labels_1001.txt"));
  }
}
