package io.zkaudit.cli;

import io.zkaudit.model.ModelFormatException;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.inference.ProverException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads a model file for proving and commits to its weights, mapping every failure to a usage
 * error. A float model is quantized first, calibrated on 200 evenly spaced images of the dataset
 * its input shape names (MNIST for 28x28x1, CIFAR-10 for 32x32x3), so the same file always gives
 * the same quantized model, as 'zkaudit eval' does; with the user's hiding key ({@link HidingKeys})
 * it also gives the same commitment.
 */
final class ProverModels {
  private ProverModels() {}

  static final int CALIBRATION = 200;

  static io.zkaudit.prover.model.QuantizedModel quantized(Path file) throws IOException {
    LoadedModel probe = LoadedModel.open(file, null, io.zkaudit.data.PixelRange.UNIT, ProofInputs.CROP);
    if (probe.quantized != null) {
      return probe.quantized;
    }
    int[] shape = probe.inputShape();
    java.util.List<io.zkaudit.data.Sample> data;
    io.zkaudit.data.PixelRange range;
    if (shape.length == 4 && shape[1] == 28 && shape[2] == 28 && shape[3] == 1) {
      data = io.zkaudit.data.Mnist.testSet(sharedData("data/mnist"), 10_000);
      range = io.zkaudit.data.PixelRange.UNIT;
    } else if (shape.length == 4 && shape[1] == 32 && shape[2] == 32 && shape[3] == 3) {
      data = io.zkaudit.data.Cifar10.testSet(sharedData("data/cifar10/test_batch.bin"), 10_000);
      range = io.zkaudit.data.PixelRange.BYTE;
    } else {
      throw CliException.usage(file + " is a float model with input " + java.util.Arrays.toString(shape)
          + ": quantize it first (calibration data is known for MNIST and CIFAR-10 shapes)");
    }
    LoadedModel m = LoadedModel.open(file, range, range, 1.0);
    java.util.List<io.zkaudit.data.Image> cal = new java.util.ArrayList<>();
    for (int i = 0; i < CALIBRATION; i++) {
      cal.add(data.get((int) ((long) i * data.size() / CALIBRATION)).image());
    }
    m.quantize(cal);
    return m.quantized;
  }

  private static Path sharedData(String relative) {
    return io.zkaudit.data.SharedData.resolve(relative).orElseThrow(() -> CliException.usage(
        "quantizing a float model needs calibration data ../shared/" + relative));
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
