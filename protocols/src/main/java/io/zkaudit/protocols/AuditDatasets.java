package io.zkaudit.protocols;

import io.zkaudit.data.Cifar10;
import io.zkaudit.data.ImageFiles;
import io.zkaudit.data.ImageNetSample;
import io.zkaudit.data.InputEncoder;
import io.zkaudit.data.Mnist;
import io.zkaudit.data.PixelRange;
import io.zkaudit.data.Sample;
import io.zkaudit.data.SharedData;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.protocols.buyer.AuditClient.LabelledInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A buyer's labelled test set for an audit, as quantized model inputs: N samples of CIFAR-10
 * (evenly spaced, as {@code zkaudit eval --limit N} takes them: the shared file is sorted by
 * class), the first N of MNIST or the ImageNet sample from ../shared, or the first N images of a
 * directory in one folder per class index ({@code <dir>/<class>/<image>}, the ImageFolder
 * convention). Images are encoded from the model's public input quantization (as {@code zkaudit
 * verify} does), so that any buyer turns a picture into the same integers the seller proves. A test
 * set that cannot be read is an {@link IllegalArgumentException} naming what is wrong (the command
 * line's usage error).
 */
public final class AuditDatasets {
  private AuditDatasets() {}

  /**
   * The samples, and the label offset of the audit (1 for ImageNet labels on a 1001-class model).
   */
  public record TestSet(String name, List<LabelledInput> samples, int labelOffset) {}

  public static TestSet load(String dataset, int n, TensorSpec input, int classes) {
    return load(dataset, n, input, classes, PixelRange.of(input));
  }

  /**
   * The same, images encoded with {@code normalization} (a float model's: the one it was committed
   * with, {@code --input-range} / {@code --input-mean} / {@code --input-std} or its metadata)
   * instead of the input quantization's representable range.
   */
  public static TestSet load(
      String dataset,
      int n,
      TensorSpec input,
      int classes,
      io.zkaudit.data.InputNormalization normalization) {
    TestSet set = loadUpTo(dataset, n, input, classes, normalization);
    if (set.samples().size() < n) {
      // An audit of fewer samples than asked bounds the error less than the buyer paid for: say
      // so instead of auditing what happens to be there.
      throw new IllegalArgumentException(
          "the test set "
              + set.name()
              + " holds "
              + set.samples().size()
              + " samples, fewer than the "
              + n
              + " asked for (--samples)");
    }
    return set;
  }

  private static TestSet loadUpTo(
      String dataset,
      int n,
      TensorSpec input,
      int classes,
      io.zkaudit.data.InputNormalization normalization) {
    if (n < 1) {
      throw new IllegalArgumentException("--samples must be at least 1");
    }
    int[] shape = input.shapeArray();
    if (shape.length != 4) {
      throw new IllegalArgumentException(
          "the model takes a tensor of shape " + input.shape() + ", not an image");
    }
    try {
      return switch (dataset.toLowerCase(Locale.ROOT)) {
        case "cifar10" -> {
          Path f = shared("data/cifar10/test_batch.bin", "CIFAR-10");
          yield new TestSet(
              "cifar10", encode(Cifar10.testSet(f, n), shape, 1.0, input, normalization), 0);
        }
        case "mnist" -> {
          Path d = shared("data/mnist", "MNIST");
          yield new TestSet(
              "mnist", encode(Mnist.testSet(d, n), shape, 1.0, input, normalization), 0);
        }
        case "imagenet", "imagenet-sample" -> {
          Path d = shared("data/imagenet-sample", "the ImageNet sample");
          List<Sample> s = new ArrayList<>();
          for (ImageNetSample.Entry e : ImageNetSample.entries(d)) {
            if (s.size() == n) {
              break;
            }
            s.add(
                new Sample(
                    e.file().getFileName().toString(),
                    ImageFiles.read(e.file(), shape[3]),
                    e.index()));
          }
          // 1001-class models put "background" at output 0; the sample's labels are 0..999.
          yield new TestSet(
              "imagenet-sample",
              encode(s, shape, InputEncoder.IMAGENET_CROP, input, normalization),
              classes == 1001 ? 1 : 0);
        }
        default ->
            new TestSet(
                dataset,
                encode(
                    folder(Path.of(dataset), n, shape[3]),
                    shape,
                    InputEncoder.IMAGENET_CROP,
                    input,
                    normalization),
                0);
      };
    } catch (IOException | ModelFormatException e) {
      throw new IllegalArgumentException(
          "cannot read the test set " + dataset + ": " + e.getMessage());
    }
  }

  private static Path shared(String rel, String what) {
    return SharedData.resolve(rel)
        .orElseThrow(
            () -> new IllegalArgumentException("no " + what + " found under ../shared/" + rel));
  }

  private static List<Sample> folder(Path dir, int n, int channels) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          "--dataset is cifar10, imagenet, mnist or a directory; " + dir + " is none of them");
    }
    List<Sample> out = new ArrayList<>();
    List<Path> classes;
    try (Stream<Path> s = Files.list(dir)) {
      classes =
          s.filter(Files::isDirectory)
              .filter(p -> p.getFileName().toString().matches("\\d{1,5}"))
              .sorted()
              .toList();
    }
    if (classes.isEmpty()) {
      throw new IllegalArgumentException(
          dir + " holds no class folders (" + dir + "/<class index>/<image>)");
    }
    List<Path> files = new ArrayList<>();
    for (Path c : classes) {
      try (Stream<Path> s = Files.list(c)) {
        files.addAll(s.filter(Files::isRegularFile).sorted().toList());
      }
    }
    for (Path f : files.subList(0, Math.min(n, files.size()))) {
      out.add(
          new Sample(
              f.toString(),
              ImageFiles.read(f, channels),
              Integer.parseInt(f.getParent().getFileName().toString())));
    }
    return out;
  }

  private static List<LabelledInput> encode(
      List<Sample> samples,
      int[] shape,
      double crop,
      TensorSpec input,
      io.zkaudit.data.InputNormalization normalization) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("the test set is empty");
    }
    InputEncoder enc = new InputEncoder(shape, crop, normalization);
    List<LabelledInput> out = new ArrayList<>();
    for (Sample s : samples) {
      out.add(new LabelledInput(enc.quantized(s.image(), input), s.label()));
    }
    return out;
  }
}
