package io.zkaudit.cli;

import io.zkaudit.prover.inference.CommittedModel;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --model FILE}: the model file a command reads. One mixin per kind of file the commands
 * take, so that every command taking that kind says it in the same words; the file and what is done
 * with it are common to all three.
 */
abstract sealed class ModelFileOption
    permits ModelFileOption.Committed, ModelFileOption.AnyFormat, ModelFileOption.Tflite {
  /** The file given. */
  abstract Path file();

  /** The file's name, as the commands print it. */
  String fileName() {
    return file().getFileName().toString();
  }

  /** The model quantized (if float) and committed, its verifying key included. */
  CommittedModel commit() {
    return ProverModels.commit(file());
  }

  /** As {@link #commit()}, checked for proofs with zero knowledge or ({@code zk} false) without. */
  CommittedModel commit(boolean zk) {
    return ProverModels.commit(file(), zk);
  }

  /** A model to commit to and prove: the commands that prove (commit, prove, bench prove...). */
  static final class Committed extends ModelFileOption {
    @Option(
        names = "--model",
        paramLabel = "<model>",
        required = true,
        description =
            "the model (.tflite or .onnx; a float one is quantized first, a quantized one is used"
                + " as is)")
    Path file;

    @Override
    Path file() {
      return file;
    }
  }

  /** A model to run, quantized or float: infer and eval. */
  static final class AnyFormat extends ModelFileOption {
    @Option(
        names = "--model",
        paramLabel = "<model>",
        required = true,
        description = "the model (.tflite or .onnx, quantized or float)")
    Path file;

    @Override
    Path file() {
      return file;
    }
  }

  /** A TFLite model to serve: seller serve and bench serve. */
  static final class Tflite extends ModelFileOption {
    @Option(
        names = "--model",
        paramLabel = "<model>",
        required = true,
        description = "the model (.tflite)")
    Path file;

    @Override
    Path file() {
      return file;
    }
  }
}
