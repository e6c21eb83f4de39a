package io.zkaudit.cli;

import io.zkaudit.data.PixelRange;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.inference.Provability;
import io.zkaudit.prover.inference.ProverException;
import io.zkaudit.quantizer.CalibrationData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Loads a model file for proving and commits to its weights, mapping every failure to a usage
 * error. A float model is quantized first, calibrated on the images its input shape names ({@link
 * CalibrationData}), so the same file always gives the same quantized model, as 'zkaudit eval'
 * does; with the user's hiding key ({@link HidingKeys}) it also gives the same commitment.
 */
final class ProverModels {
  private ProverModels() {}

  /** The model quantized with the normalization its metadata names, if any. */
  static io.zkaudit.prover.model.QuantizedModel quantized(Path file) throws IOException {
    return quantized(file, InputNormalizationOption.fromMetadata(file));
  }

  /**
   * The model, quantized if float: calibrated on the images its input shape names, encoded with
   * {@code chosen} (the options' or the metadata's normalization) or else the calibration set's
   * pixel range, which is then printed as assumed. The quantized input covers the normalization's
   * {@link io.zkaudit.data.InputNormalization#bounds() bounds}, so a different normalization gives
   * a different committed model: commit and prove must be given the same one.
   */
  static io.zkaudit.prover.model.QuantizedModel quantized(
      Path file, Optional<InputNormalizationOption.Chosen> chosen) throws IOException {
    LoadedModel probe = LoadedModel.open(file, chosen, PixelRange.UNIT, ProofInputs.CROP);
    if (probe.quantized != null) {
      // the model is used as is; the normalization is how its images are encoded
      chosen.ifPresent(c -> System.out.println(c.line()));
      return probe.quantized;
    }
    int[] shape = probe.inputShape();
    CalibrationData cal;
    try {
      cal =
          CalibrationData.forInputShape(shape)
              .orElseThrow(
                  () ->
                      CliException.usage(
                          file
                              + " is a float model with input "
                              + java.util.Arrays.toString(shape)
                              + ": quantize it first (calibration data is known for MNIST and"
                              + " CIFAR-10 shapes)"));
    } catch (IllegalArgumentException e) {
      throw CliException.usage(e.getMessage());
    }
    InputNormalizationOption.Chosen c =
        chosen.orElseGet(() -> InputNormalizationOption.assumed(cal.range()));
    System.out.println(c.line());
    LoadedModel m = LoadedModel.open(file, Optional.of(c), cal.range(), 1.0);
    m.quantize(cal.images());
    return m.quantized;
  }

  /** Commits for zero-knowledge proofs (the default); see {@link #commit(Path, boolean)}. */
  static CommittedModel commit(Path file) {
    return commit(file, true);
  }

  /**
   * Checks that every input of the model can be proven ({@link Provability}; with zero knowledge
   * unless the caller proves without it), before any commitment work, then commits.
   */
  static CommittedModel commit(Path file, boolean zeroKnowledge) {
    if (!Files.isReadable(file)) {
      throw CliException.usage("cannot read model " + file);
    }
    return commit(file, zeroKnowledge, InputNormalizationOption.fromMetadata(file));
  }

  /** As {@link #commit(Path, boolean)}, a float model quantized with this normalization. */
  static CommittedModel commit(
      Path file, boolean zeroKnowledge, Optional<InputNormalizationOption.Chosen> chosen) {
    if (!Files.isReadable(file)) {
      throw CliException.usage("cannot read model " + file);
    }
    io.zkaudit.prover.model.QuantizedModel model;
    try {
      model = quantized(file, chosen);
    } catch (ModelFormatException e) {
      throw CliException.usage(file + ": " + e.getMessage());
    } catch (IOException e) {
      throw CliException.usage("cannot read model " + file + ": " + e.getMessage());
    }
    return commit(file, model, zeroKnowledge);
  }

  /**
   * Commits a model already loaded from {@code file} (named in errors) with the user's hiding key,
   * after the same provability check.
   */
  static CommittedModel commit(
      Path file, io.zkaudit.prover.model.QuantizedModel model, boolean zeroKnowledge) {
    try {
      requireProvable(file, model, zeroKnowledge);
      return ModelProver.commit(model, HidingKeys.loadOrCreate());
    } catch (ModelFormatException | ProverException e) {
      throw CliException.usage(file + ": " + e.getMessage());
    }
  }

  /**
   * Refuses (exit 2) a model some input of which cannot be proven: one line per problem, each
   * naming the file, so that a seller learns it before committing rather than at a buyer's request.
   */
  static void requireProvable(
      Path file, io.zkaudit.prover.model.QuantizedModel model, boolean zeroKnowledge) {
    Provability p = Provability.of(model);
    if (!zeroKnowledge) {
      p = p.withoutZeroKnowledge();
    }
    if (!p.provable()) {
      throw CliException.usage(refusal(file, p));
    }
  }

  /**
   * The problems as lines "M: not provable: ...", joined so that the error handler prefixes each
   * with "zkaudit: ".
   */
  static String refusal(Path file, Provability p) {
    return String.join(
        "\nzkaudit: ",
        p.messages().stream().map(m -> file.getFileName() + ": not provable: " + m).toList());
  }
}
