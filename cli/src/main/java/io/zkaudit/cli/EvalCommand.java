package io.zkaudit.cli;

import io.zkaudit.data.Cifar10;
import io.zkaudit.data.Image;
import io.zkaudit.data.ImageFiles;
import io.zkaudit.data.ImageNetSample;
import io.zkaudit.data.InputEncoder;
import io.zkaudit.data.Mnist;
import io.zkaudit.data.PixelRange;
import io.zkaudit.data.Sample;
import io.zkaudit.data.SharedData;
import io.zkaudit.engine.Predictions;
import io.zkaudit.model.ModelFormatException;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * zkaudit eval: accuracy of the exact integer inference (and the float model) on a labelled
 * dataset.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description =
        "Top-1/top-5 accuracy on a labelled dataset: integer engine, float model where there is"
            + " one, and their agreement.")
final class EvalCommand implements Callable<Integer> {
  enum Dataset {
    IMAGENET_SAMPLE,
    MNIST,
    CIFAR10
  }

  @Mixin ModelFileOption.AnyFormat model;

  @Option(
      names = "--dataset",
      required = true,
      converter = DatasetConverter.class,
      description = "imagenet-sample, mnist or cifar10")
  Dataset dataset;

  @Option(names = "--data", description = "dataset location (default: ../shared/data/...)")
  Path data;

  @Option(
      names = "--limit",
      defaultValue = "0",
      description = "evaluate this many samples (evenly spaced; 0 = all)")
  int limit;

  @Option(
      names = "--first",
      description =
          "with --limit: take the first N samples instead of evenly spaced ones "
              + "(to line up with a reference file made from a prefix)")
  boolean first;

  @Option(
      names = "--float-model",
      description = "a float version of a quantized model, evaluated alongside")
  Path floatModel;

  @Option(
      names = "--calibration",
      defaultValue = "200",
      description =
          "samples used to calibrate a float model's quantization (default ${DEFAULT-VALUE})")
  int calibration;

  @Mixin InputNormalizationOption normalization;

  @Option(
      names = "--dump-inputs",
      description = "write the integer model inputs, one byte per value, for other runtimes")
  Path dumpInputs;

  @Option(
      names = "--label-offset",
      description =
          "predicted class = argmax - offset (default: 1 for ImageNet on a"
              + " 1001-class model, else 0)")
  Integer labelOffset;

  @Option(
      names = "--reference",
      description =
          "gzip file of another runtime's raw 8-bit outputs (one row per sample) to compare with")
  Path reference;

  static final class DatasetConverter implements picocli.CommandLine.ITypeConverter<Dataset> {
    public Dataset convert(String v) {
      return switch (v) {
        case "imagenet-sample" -> Dataset.IMAGENET_SAMPLE;
        case "mnist" -> Dataset.MNIST;
        case "cifar10" -> Dataset.CIFAR10;
        default ->
            throw new picocli.CommandLine.TypeConversionException(
                "unknown dataset " + v + " (imagenet-sample, mnist, cifar10)");
      };
    }
  }

  @Override
  public Integer call() throws Exception {
    try {
      return run();
    } catch (ModelFormatException e) {
      throw CliException.usage(e.getMessage());
    }
  }

  private int run() throws Exception {
    PixelRange floatRange =
        switch (dataset) {
          case IMAGENET_SAMPLE -> PixelRange.SIGNED_UNIT;
          case MNIST -> PixelRange.UNIT;
          case CIFAR10 -> PixelRange.BYTE;
        };
    double crop = dataset == Dataset.IMAGENET_SAMPLE ? 0.875 : 1.0;
    LoadedModel m =
        LoadedModel.open(model.file(), normalization.forModel(model.file()), floatRange, crop);
    m.reportNormalization();
    LoadedModel f =
        m.floatModel != null
            ? m
            : floatModel == null
                ? null
                : LoadedModel.open(
                    floatModel, normalization.forModel(floatModel), floatRange, crop);
    if (f != null && f != m) {
      f.reportNormalization();
    }
    if (labelOffset != null && labelOffset < 0) {
      throw CliException.usage("--label-offset must be 0 or more");
    }
    int offset =
        labelOffset != null
            ? labelOffset
            : LabelFit.defaultOffset(dataset == Dataset.IMAGENET_SAMPLE, m.outputSize());
    Source src = source(m.outputSize(), offset);
    int n = src.size();
    System.out.printf(
        "%s on %s: %d samples%n", m.name, dataset.name().toLowerCase().replace('_', '-'), n);
    // Told before scoring: a model whose outputs cannot match the labels would score quietly near
    // zero.
    for (String w : new LabelFit(m.outputSize(), classes(dataset), true, offset).warnings()) {
      System.err.println("zkaudit: warning: " + w);
    }
    if (m.quantized == null) {
      int k = Math.min(calibration, n);
      List<Image> cal = new ArrayList<>();
      for (int i = 0; i < k; i++) cal.add(src.get((int) ((long) i * n / k)).image());
      m.quantize(cal);
      System.out.printf(
          "quantized to int8 after calibrating on %d samples (min/max, per-channel weights)%n", k);
    }
    if (m.inputShape()[3] != src.channels())
      throw CliException.usage(
          "wrong input shape: the model takes "
              + m.inputShape()[3]
              + " channels, "
              + dataset
              + " has "
              + src.channels());
    InputEncoder qEnc = m.encoder();
    InputEncoder fEnc = f == null ? null : f.encoder();
    byte[][] ref = reference == null ? null : readReference(reference, n);
    int[] intTop1 = new int[1],
        intTop5 = new int[1],
        fTop1 = new int[1],
        fTop5 = new int[1],
        agree = new int[1],
        refAgree = new int[1],
        refExact = new int[1];
    List<Long> nanos = new ArrayList<>();
    try (OutputStream dump =
            dumpInputs == null
                ? OutputStream.nullOutputStream()
                : new BufferedOutputStream(Files.newOutputStream(dumpInputs));
        ProgressBar bar = new ProgressBar(System.err, "eval", n)) {
      for (int i = 0; i < n; i++) {
        Sample s = src.get(i);
        int[] x = qEnc.quantized(s.image(), m.quantized.input());
        for (int v : x) dump.write(v);
        long t0 = System.nanoTime();
        int[][] values = m.integer().values(x);
        nanos.add(System.nanoTime() - t0);
        int[] logits = values[m.quantized.logitsTensor()];
        int[] rank = Predictions.topK(logits, 5);
        if (rank[0] == s.label()) intTop1[0]++;
        if (Predictions.inTopK(rank, s.label())) intTop5[0]++;
        if (f != null) {
          int[] frank = Predictions.topK(f.floatLogits(fEnc.real(s.image())), 5);
          if (frank[0] == s.label()) fTop1[0]++;
          if (Predictions.inTopK(frank, s.label())) fTop5[0]++;
          if (frank[0] == rank[0]) agree[0]++;
        }
        if (ref != null && i < ref.length) {
          int[] out = values[m.quantized.description().outputs().getFirst()];
          int[] theirs = new int[out.length];
          boolean signed = m.quantized.output().type() == io.zkaudit.model.ElementType.INT8;
          for (int k = 0; k < out.length; k++) theirs[k] = signed ? ref[i][k] : ref[i][k] & 0xFF;
          if (Predictions.topK(theirs, 1)[0] == rank[0]) refAgree[0]++;
          if (Arrays.equals(theirs, out)) refExact[0]++;
        }
        bar.step(String.format("top-1 %.1f%%", 100.0 * intTop1[0] / (i + 1)));
      }
    }
    nanos.sort(null);
    System.out.printf(
        "integer engine  top-1 %6.2f%%  top-5 %6.2f%%  (%d/%d, %d/%d)  median %.1f ms/image%n",
        100.0 * intTop1[0] / n,
        100.0 * intTop5[0] / n,
        intTop1[0],
        n,
        intTop5[0],
        n,
        nanos.get(n / 2) / 1e6);
    if (f != null) {
      System.out.printf(
          "float model     top-1 %6.2f%%  top-5 %6.2f%%  (%d/%d, %d/%d)%n",
          100.0 * fTop1[0] / n, 100.0 * fTop5[0] / n, fTop1[0], n, fTop5[0], n);
      System.out.printf(
          "float vs integer: top-1 agreement %.2f%%, accuracy drop %.2f points%n",
          100.0 * agree[0] / n, 100.0 * (fTop1[0] - intTop1[0]) / n);
    }
    if (ref != null) {
      int r = Math.min(ref.length, n);
      System.out.printf(
          "reference runtime (%d samples): top-1 agreement %.2f%% (%d/%d), identical outputs"
              + " %d/%d%n",
          r, 100.0 * refAgree[0] / r, refAgree[0], r, refExact[0], r);
    }
    return Main.EXIT_OK;
  }

  private byte[][] readReference(Path file, int n) throws IOException {
    int width;
    List<byte[]> rows = new ArrayList<>();
    try (DataInputStream in =
        new DataInputStream(new GZIPInputStream(Files.newInputStream(file)))) {
      byte[] all = in.readAllBytes();
      width = Math.max(1, outputWidth);
      for (int off = 0; off + width <= all.length && rows.size() < n; off += width)
        rows.add(Arrays.copyOfRange(all, off, off + width));
    }
    return rows.toArray(new byte[0][]);
  }

  private int outputWidth;

  /** Samples of the chosen dataset, read lazily (ImageNet JPEGs are decoded one at a time). */
  private record Source(int size, int channels, IntFunction<Sample> reader) {
    Sample get(int i) {
      return reader.apply(i);
    }
  }

  /**
   * The datasets' class counts: the ImageNet sample's synsets_index.tsv holds ImageNet's 1000
   * classes.
   */
  static int classes(Dataset d) {
    return d == Dataset.IMAGENET_SAMPLE ? 1000 : 10;
  }

  private Source source(int classes, int offset) throws IOException {
    outputWidth = classes;
    switch (dataset) {
      case IMAGENET_SAMPLE -> {
        Path dir =
            data != null
                ? data
                : SharedData.resolve("data/imagenet-sample")
                    .orElseThrow(
                        () -> CliException.usage("no ImageNet sample found; pass --data DIR"));
        List<ImageNetSample.Entry> all = ImageNetSample.entries(dir);
        int n = limit > 0 ? Math.min(limit, all.size()) : all.size();
        return new Source(
            n,
            3,
            i -> {
              var e = all.get(first ? i : (int) ((long) i * all.size() / n));
              return new Sample(
                  e.file().getFileName().toString(),
                  ImageFiles.read(e.file(), 3),
                  e.index() + offset);
            });
      }
      case MNIST -> {
        Path dir =
            data != null
                ? data
                : SharedData.resolve("data/mnist")
                    .orElseThrow(() -> CliException.usage("no MNIST found; pass --data DIR"));
        List<Sample> all = Mnist.testSet(dir, limit);
        return new Source(all.size(), 1, i -> shifted(all.get(i), offset));
      }
      case CIFAR10 -> {
        Path file =
            data != null
                ? data
                : SharedData.resolve("data/cifar10/test_batch.bin")
                    .orElseThrow(() -> CliException.usage("no CIFAR-10 found; pass --data FILE"));
        List<Sample> all = Cifar10.testSet(file, limit);
        return new Source(all.size(), 3, i -> shifted(all.get(i), offset));
      }
    }
    throw new IllegalStateException();
  }

  /** A sample whose label is in model output terms (label + offset). */
  private static Sample shifted(Sample s, int offset) {
    return offset == 0 ? s : new Sample(s.id(), s.image(), s.label() + offset);
  }
}
