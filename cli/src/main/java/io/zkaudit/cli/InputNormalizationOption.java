package io.zkaudit.cli;

import io.zkaudit.data.InputNormalization;
import io.zkaudit.data.PixelRange;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.onnx.InputMetadata;
import io.zkaudit.onnx.OnnxImporter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --input-range lo,hi} or {@code --input-mean a,b,c --input-std a,b,c}: how image pixels
 * become the model's input ({@link InputNormalization}). Without either, an ONNX model's metadata
 * ({@link InputMetadata}) names it; without that, a quantized model takes its input's representable
 * range and a float model a default that the command prints as assumed. Every command that turns
 * images into a proven input takes the same mixin, so that prover and verifier encode a picture to
 * the same integers.
 */
final class InputNormalizationOption {
  @Option(
      names = "--input-range",
      paramLabel = "<lo,hi>",
      description =
          "real interval lo,hi that pixels 0..255 map to in every channel (default: the model's"
              + " metadata, else the quantized input's range, else a float model's dataset"
              + " convention, printed as assumed)")
  String range;

  @Option(
      names = "--input-mean",
      paramLabel = "<m1,m2,...>",
      description =
          "per-channel mean of (pixel/255 - mean)/std, one per channel (with --input-std; e.g."
              + " ImageNet 0.485,0.456,0.406)")
  String mean;

  @Option(
      names = "--input-std",
      paramLabel = "<s1,s2,...>",
      description =
          "per-channel std (> 0) of (pixel/255 - mean)/std (with --input-mean; e.g. ImageNet"
              + " 0.229,0.224,0.225)")
  String std;

  /** A normalization and where it came from, as the commands print it. */
  record Chosen(InputNormalization value, String source) {
    String line() {
      return "input normalization: " + value.describe() + " (" + source + ")";
    }
  }

  /** The normalization the options give, validated; empty when none is given. */
  Optional<Chosen> given() {
    if (range != null && (mean != null || std != null)) {
      throw CliException.usage("give --input-range or --input-mean/--input-std, not both");
    }
    if (range != null) {
      try {
        return Optional.of(new Chosen(PixelRange.parse(range), "from --input-range"));
      } catch (IllegalArgumentException e) {
        throw CliException.usage(
            "--input-range must be lo,hi with lo < hi (e.g. 0,1), got " + range);
      }
    }
    if (mean == null && std == null) {
      return Optional.empty();
    }
    if (mean == null || std == null) {
      throw CliException.usage("--input-mean and --input-std go together: give both");
    }
    double[] m = numbers("--input-mean", mean), s = numbers("--input-std", std);
    try {
      return Optional.of(
          new Chosen(new InputNormalization.MeanStd(m, s), "from --input-mean/--input-std"));
    } catch (IllegalArgumentException e) {
      throw CliException.usage(e.getMessage());
    }
  }

  /**
   * The options' normalization, else the one the model file's metadata names (ONNX only); empty
   * when neither names one.
   */
  Optional<Chosen> forModel(Path modelFile) {
    Optional<Chosen> g = given();
    return g.isPresent() ? g : fromMetadata(modelFile);
  }

  /** The normalization an ONNX model file's metadata names; empty for other files or none. */
  static Optional<Chosen> fromMetadata(Path modelFile) {
    if (!modelFile.toString().toLowerCase(Locale.ROOT).endsWith(".onnx")
        || !java.nio.file.Files.isRegularFile(modelFile)) {
      return Optional.empty();
    }
    try {
      return InputMetadata.normalization(OnnxImporter.read(modelFile).metadata())
          .map(n -> new Chosen(n, "from the model's metadata"));
    } catch (ModelFormatException e) {
      throw CliException.usage(modelFile + ": " + e.getMessage());
    } catch (IOException e) {
      throw CliException.usage("cannot read model " + modelFile + ": " + e.getMessage());
    }
  }

  /** The line a command prints for a float model's default. */
  static Chosen assumed(InputNormalization n) {
    return new Chosen(
        n, "assumed: no --input-range/--input-mean in the options or the model's metadata");
  }

  private static double[] numbers(String option, String text) {
    try {
      return InputNormalization.parseList(text);
    } catch (IllegalArgumentException e) {
      throw CliException.usage(option + " must be numbers separated by commas, got " + text);
    }
  }
}
