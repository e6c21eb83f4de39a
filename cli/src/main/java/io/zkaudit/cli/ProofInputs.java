package io.zkaudit.cli;

import io.zkaudit.data.ImageFiles;
import io.zkaudit.data.InputEncoder;
import io.zkaudit.data.PixelRange;
import io.zkaudit.data.TensorFiles;
import io.zkaudit.engine.Predictions;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.model.TensorSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a model input for proving and verifying: an image (with the model's preprocessing, derived
 * from the public input quantization so that prover and verifier get the same integers) or a tensor
 * file. Prints verified outputs.
 */
final class ProofInputs {
  private ProofInputs() {}

  static final double CROP = InputEncoder.IMAGENET_CROP;

  static int[] read(Path file, TensorSpec spec) {
    return read(file, spec, Optional.empty());
  }

  /**
   * As {@link #read(Path, TensorSpec)}, an image encoded with {@code normalization} (the options'
   * or the model's metadata's) instead of the input quantization's representable range.
   */
  static int[] read(
      Path file, TensorSpec spec, Optional<InputNormalizationOption.Chosen> normalization) {
    if (!Files.isReadable(file)) {
      throw CliException.usage("cannot read input " + file);
    }
    String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
    try {
      if (n.endsWith(".npy") || n.endsWith(".json")) {
        return InferCommand.quantizedTensor(TensorFiles.read(file), spec);
      }
      int[] shape = spec.shapeArray();
      if (shape.length != 4) {
        throw CliException.usage(
            "the model takes a tensor of shape "
                + spec.shape()
                + ", not an image: pass a .npy or .json file");
      }
      InputEncoder enc =
          new InputEncoder(
              shape,
              CROP,
              normalization
                  .<io.zkaudit.data.InputNormalization>map(InputNormalizationOption.Chosen::value)
                  .orElse(PixelRange.of(spec)));
      return enc.quantized(ImageFiles.read(file, shape[3]), spec);
    } catch (ModelFormatException e) {
      throw CliException.usage(file + ": " + e.getMessage());
    }
  }

  /**
   * The files of a batch, in order: each argument a file, or a directory whose regular files are
   * taken in name order (hidden files skipped).
   */
  static List<Path> batchFiles(List<Path> arguments) {
    List<Path> files = new java.util.ArrayList<>();
    for (Path a : arguments) {
      if (Files.isDirectory(a)) {
        try (java.util.stream.Stream<Path> s = Files.list(a)) {
          s.filter(Files::isRegularFile)
              .filter(f -> !f.getFileName().toString().startsWith("."))
              .sorted()
              .forEach(files::add);
        } catch (java.io.IOException e) {
          throw CliException.usage("cannot list batch directory " + a);
        }
      } else {
        files.add(a);
      }
    }
    if (files.isEmpty()) {
      throw CliException.usage("the batch has no input files");
    }
    if (files.size() > io.zkaudit.inference.Batch.MAX_SAMPLES) {
      throw CliException.usage(
          "a batch proof states at most " + io.zkaudit.inference.Batch.MAX_SAMPLES + " samples");
    }
    return files;
  }

  static void printTopK(int[] logits, TensorSpec spec, List<String> names, int k) {
    java.io.PrintWriter out = new java.io.PrintWriter(System.out, true);
    printTopK(out, logits, spec, names, k);
  }

  static void printTopK(
      java.io.PrintWriter out, int[] logits, TensorSpec spec, List<String> names, int k) {
    for (int c : Predictions.topK(logits, Math.min(k, logits.length))) {
      out.printf(
          Locale.ROOT,
          "  %5d  %-32s  logit %4d  (%.4f)%n",
          c,
          Labels.name(names, c),
          logits[c],
          spec.scale() * (logits[c] - spec.zeroPoint()));
    }
    out.flush();
  }
}
