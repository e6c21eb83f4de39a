package io.zkaudit.cli;

import io.zkaudit.data.Cifar10;
import io.zkaudit.data.InputEncoder;
import io.zkaudit.data.PixelRange;
import io.zkaudit.data.Sample;
import io.zkaudit.data.SharedData;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.protocols.seller.SellerRetrieval;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The items a seller commits to for retrieval, as the model's quantized inputs: a directory of
 * images or tensors (every .jpg/.jpeg/.png/.bmp/.npy/.json file, in name order), or {@code
 * cifar10-test:N}, an evenly spaced N-image subset of the CIFAR-10 test batch.
 */
final class ItemSources {
  private ItemSources() {}

  private static final String CIFAR = "cifar10-test:";
  private static final List<String> EXTENSIONS =
      List.of(".jpg", ".jpeg", ".png", ".bmp", ".npy", ".json");

  static List<SellerRetrieval.Item> read(String source, TensorSpec input) {
    if (source.startsWith(CIFAR)) {
      return cifar(source.substring(CIFAR.length()), input);
    }
    Path dir = Path.of(source);
    if (!Files.isDirectory(dir)) {
      throw CliException.usage(
          "--items is a directory of images or tensors, or "
              + CIFAR
              + "N; "
              + source
              + " is neither");
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files =
          s.filter(Files::isRegularFile)
              .filter(
                  f ->
                      EXTENSIONS.stream()
                          .anyMatch(
                              e -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(e)))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw CliException.usage("cannot list " + dir + ": " + e.getMessage());
    }
    if (files.isEmpty() || files.size() > SellerRetrieval.MAX_ITEMS) {
      throw CliException.usage(
          dir
              + " has "
              + files.size()
              + " images or tensors; a set has 1 to "
              + SellerRetrieval.MAX_ITEMS);
    }
    List<SellerRetrieval.Item> out = new ArrayList<>();
    for (Path f : files) {
      out.add(new SellerRetrieval.Item(f.getFileName().toString(), ProofInputs.read(f, input)));
    }
    return out;
  }

  private static List<SellerRetrieval.Item> cifar(String count, TensorSpec input) {
    int n;
    try {
      n = Integer.parseInt(count);
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 1 || n > SellerRetrieval.MAX_ITEMS) {
      throw CliException.usage(
          "--items "
              + CIFAR
              + "N takes N from 1 to "
              + SellerRetrieval.MAX_ITEMS
              + ", not "
              + count);
    }
    Path file =
        SharedData.resolve("data/cifar10/test_batch.bin")
            .orElseThrow(
                () -> CliException.usage("no CIFAR-10 test batch under ../shared/data/cifar10/"));
    int[] shape = input.shapeArray();
    if (shape.length != 4 || shape[1] != 32 || shape[2] != 32 || shape[3] != 3) {
      throw CliException.usage(
          "the model takes "
              + input.shape()
              + ", not 32x32 RGB images: CIFAR-10 items do not fit it");
    }
    List<Sample> samples;
    try {
      samples = Cifar10.testSet(file, n);
    } catch (IOException | ModelFormatException e) {
      throw CliException.usage("cannot read " + file + ": " + e.getMessage());
    }
    // As `zkaudit eval --dataset cifar10` feeds the model: the whole 32x32 image, the input's own
    // pixel range.
    InputEncoder encoder = new InputEncoder(shape, 1.0, PixelRange.of(input));
    return samples.stream()
        .map(s -> new SellerRetrieval.Item(s.id(), encoder.quantized(s.image(), input)))
        .toList();
  }
}
