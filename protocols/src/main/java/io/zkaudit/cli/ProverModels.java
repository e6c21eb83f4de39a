package io.zkaudit.cli;

import io.zkaudit.model.ModelFormatException;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.inference.ProverException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads a model file for proving and commits to its weights, mapping every failure to a usage error. */
final class ProverModels {
  private ProverModels() {}

  static CommittedModel commit(Path file) {
    if (!Files.isReadable(file)) {
      throw CliException.usage("cannot read model " + file);
    }
    try {
      LoadedModel m = LoadedModel.open(file, null, io.zkaudit.data.PixelRange.UNIT, ProofInputs.CROP);
      if (m.quantized == null) {
        throw CliException.usage(file + " is a float model: proofs cover quantized models (see 'zkaudit eval' to quantize)");
      }
      return ModelProver.commit(m.quantized);
    } catch (ModelFormatException | ProverException e) {
      throw CliException.usage(file + ": " + e.getMessage());
    } catch (IOException e) {
      throw CliException.usage("cannot read model " + file + ": " + e.getMessage());
    }
  }
}
