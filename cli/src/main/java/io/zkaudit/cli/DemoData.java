package io.zkaudit.cli;

import io.zkaudit.data.Cifar10;
import io.zkaudit.data.ImageFiles;
import io.zkaudit.data.ImageNetSample;
import io.zkaudit.data.InputEncoder;
import io.zkaudit.data.PixelRange;
import io.zkaudit.data.Sample;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.protocols.buyer.AuditClient.LabelledInput;
import io.zkaudit.protocols.seller.SellerRetrieval;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the demo runs on, all from the shared directory: the model, the buyer's photos, the labelled
 * test set of the audit and the items the seller commits to for retrieval. Every file is checked up
 * front, so a missing {@code ../shared} is one line and exit 2 before any server starts.
 *
 * @param claimedAccuracy the seller's registered claim: the integer engine's measured top-1 on the
 *     shared evaluation set (docs/models.md), not recomputed here
 */
record DemoData(
    String title,
    Path model,
    Path predictImage,
    Path signedImage,
    Path labels,
    double claimedAccuracy,
    String claimedOn,
    Path dataset,
    boolean imagenet) {

  static DemoData of(String modelOption, Path shared) {
    if (shared == null || !Files.isDirectory(shared)) {
      throw CliException.usage(
          "the demo needs the project's shared models and data: no ../shared directory found"
              + (shared == null ? "" : " at " + shared)
              + " (set ZKAUDIT_SHARED or --shared)");
    }
    DemoData d =
        switch (modelOption.toLowerCase(Locale.ROOT)) {
          case "mobilenet", "mobilenet_v2" ->
              new DemoData(
                  "MobileNet v2 1.0/224 int8 (ImageNet)",
                  file(shared, "models/mobilenet_v2_1.0_224_quant.tflite"),
                  file(shared, "data/images/grace_hopper.bmp"),
                  file(shared, "data/images/cat.bmp"),
                  file(shared, "data/imagenet-sample/imagenet_labels_1001.txt"),
                  0.854,
                  "imagenet-sample (1000 images)",
                  file(shared, "data/imagenet-sample/synsets_index.tsv").getParent(),
                  true);
          case "resnet8" ->
              new DemoData(
                  "ResNet-8 int8 (CIFAR-10)",
                  file(shared, "models/resnet8_cifar10_int8.tflite"),
                  file(shared, "data/images/cat.bmp"),
                  file(shared, "data/images/cat.bmp"),
                  file(shared, "data/cifar10/batches.meta.txt"),
                  0.764,
                  "cifar10-test (1000 images)",
                  file(shared, "data/cifar10/test_batch.bin"),
                  false);
          default ->
              throw CliException.usage("--model is mobilenet or resnet8, not " + modelOption);
        };
    return d;
  }

  private static Path file(Path shared, String relative) {
    Path p = shared.resolve(relative);
    if (!Files.isRegularFile(p)) {
      throw CliException.usage(
          "the demo needs " + p + " (the project's shared models and data) and it is missing");
    }
    return p;
  }

  /** Class names by output index (ImageNet: 1001 with "background" first; CIFAR-10: 10). */
  List<String> classNames() {
    try {
      return Files.readAllLines(labels).stream().filter(s -> !s.isBlank()).toList();
    } catch (IOException e) {
      throw CliException.usage("cannot read " + labels + ": " + e.getMessage());
    }
  }

  /**
   * Output index minus this is the dataset's label (1001-class ImageNet models: output 0 is
   * background).
   */
  int labelOffset(int classes) {
    return imagenet && classes == 1001 ? 1 : 0;
  }

  /**
   * The buyer's labelled test set: the first n of the ImageNet sample, or n evenly spaced CIFAR-10
   * test images.
   */
  List<LabelledInput> auditSet(int n, TensorSpec input) {
    List<Sample> s = samples(0, n, input);
    InputEncoder enc = encoder(input);
    return s.stream()
        .map(x -> new LabelledInput(enc.quantized(x.image(), input), x.label()))
        .toList();
  }

  /**
   * The seller's items: the k images after the audit's n (ImageNet), or k evenly spaced CIFAR-10
   * test images.
   */
  List<SellerRetrieval.Item> items(int after, int k, TensorSpec input) {
    List<Sample> s = imagenet ? samples(after, k, input) : samples(0, k, input);
    InputEncoder enc = encoder(input);
    return s.stream()
        .map(x -> new SellerRetrieval.Item(x.id(), enc.quantized(x.image(), input)))
        .toList();
  }

  private InputEncoder encoder(TensorSpec input) {
    // As `zkaudit eval` and `buyer audit` feed each dataset: ImageNet centre-cropped, CIFAR-10
    // whole.
    return new InputEncoder(
        input.shapeArray(), imagenet ? ProofInputs.CROP : 1.0, PixelRange.of(input));
  }

  private List<Sample> samples(int from, int n, TensorSpec input) {
    int[] shape = input.shapeArray();
    try {
      if (!imagenet) {
        return Cifar10.testSet(dataset, n);
      }
      List<ImageNetSample.Entry> all = ImageNetSample.entries(dataset);
      if (from + n > all.size()) {
        throw CliException.usage(
            "the ImageNet sample has " + all.size() + " images; the demo asked for " + (from + n));
      }
      List<Sample> out = new ArrayList<>();
      for (ImageNetSample.Entry e : all.subList(from, from + n)) {
        out.add(
            new Sample(
                e.file().getFileName().toString(), ImageFiles.read(e.file(), shape[3]), e.index()));
      }
      return out;
    } catch (IOException | ModelFormatException e) {
      throw CliException.usage("cannot read " + dataset + ": " + e.getMessage());
    }
  }
}
