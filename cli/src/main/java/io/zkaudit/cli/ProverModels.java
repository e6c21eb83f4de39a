package io.zkaudit.cli;

import io.zkaudit.model.ModelFormatException;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.inference.ProverException;
import io.zkaudit.quantizer.CalibrationData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads a model file for proving and commits to its weights, mapping every failure to a usage
 * error. A float model is quantized first, calibrated on the images its input shape names
 * ({@link CalibrationData}), so the same file always gives the same quantized model, as 'zkaudit
 * eval' does; with the user's hiding key ({@link HidingKeys})
 * it also gives the same commitment.
 */
final class ProverModels {
  private ProverModels() {}

  static io.zkaudit.prover.model.QuantizedModel quantized(Path file) throws IOException {
    LoadedModel probe = LoadedModel.open(file, null, io.zkaudit.data.PixelRange.UNIT, ProofInputs.CROP);
    if (probe.quantized != null) {
      return probe.quantized;
    }
    int[] shape = probe.inputShape();
    CalibrationData cal;
    try {
      cal = CalibrationData.forInputShape(shape).orElseThrow(() -> CliException.usage(file + " is a float model with input "
          + java.util.Arrays.toString(shape) + ": quantize it first (calibration data is known for MNIST and CIFAR-10 shapes)"));
    } catch (IllegalArgumentException e) {
      throw CliException.usage(e.getMessage());
    }
    LoadedModel m = LoadedModel.open(file, cal.range(), cal.range(), 1.0);
    m.quantize(cal.images());
    return m.quantized;
  }

  static CommittedModel commit(Path file) {
    if (!Files.isReadable(file)) {
      throw CliException.usage("cannot read model " + file);
    }
    try {
      return ModelProver.commit(quantized(file), HidingKeys.loadOrCreate());
    } catch (ModelFormatException | ProverException e) {
      throw CliException.usage(file + ": " + e.getMessage());
    } catch (IOException e) {
      throw CliException.usage("cannot read model " + file + ": " + e.getMessage());
    }
  }
}
