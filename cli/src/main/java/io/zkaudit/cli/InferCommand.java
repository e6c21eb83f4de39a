package io.zkaudit.cli;

import io.zkaudit.data.ImageFiles;
import io.zkaudit.data.TensorFiles;
import io.zkaudit.engine.Predictions;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.model.TensorSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * zkaudit infer: one prediction with the exact integer engine (and the float model where there is
 * one).
 */
@Command(
    name = "infer",
    mixinStandardHelpOptions = true,
    description =
        "Classify one input (JPEG/PNG/BMP image, .npy or .json tensor) with a model's exact integer"
            + " inference.")
final class InferCommand implements Callable<Integer> {
  @Mixin ModelFileOption.AnyFormat model;

  @Option(
      names = "--input",
      description =
          "image (.jpg/.jpeg/.png/.bmp) or tensor (.npy, .json); optional with --check-provable")
  Path input;

  @Option(
      names = "--check-provable",
      description =
          "first check that every input of the model can be proven, as 'zkaudit commit' does (the"
              + " model as committed: a float model is quantized as for commit); exit 2 with one"
              + " line per problem if not")
  boolean checkProvable;

  @Option(
      names = "--top",
      defaultValue = "5",
      description = "how many classes to print (default ${DEFAULT-VALUE})")
  int top;

  @Mixin LabelsOption labels;

  @Mixin InputNormalizationOption normalization;

  @Option(
      names = "--crop",
      defaultValue = "0.875",
      description =
          "central crop before resizing images that do not fit (default ${DEFAULT-VALUE})")
  double crop;

  @Override
  public Integer call() throws Exception {
    try {
      return run();
    } catch (ModelFormatException e) {
      throw CliException.usage(e.getMessage());
    }
  }

  private int run() throws Exception {
    if (checkProvable) {
      io.zkaudit.prover.model.QuantizedModel q =
          ProverModels.quantized(model.file(), normalization.forModel(model.file()));
      ProverModels.requireProvable(model.file(), q, true);
      System.out.printf(
          "%s: provable: every input can be proven (%d layers, zero knowledge included)%n",
          model.fileName(), q.description().layers().size());
      if (input == null) {
        return Main.EXIT_OK;
      }
    } else if (input == null) {
      throw CliException.usage("infer needs --input (or --check-provable alone)");
    }
    LoadedModel m =
        LoadedModel.open(model.file(), normalization.forModel(model.file()), null, crop);
    List<String> names = labels.forOutput(m.outputSize(), m.name);
    String n = input.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean tensor = n.endsWith(".npy") || n.endsWith(".json");
    if (!tensor) {
      m.reportNormalization(); // a tensor file is the model's input as is
    }
    long t0 = System.nanoTime();
    if (m.quantized != null) {
      int[] x =
          tensor
              ? quantizedTensor(TensorFiles.read(input), m.quantized.input())
              : m.encoder()
                  .quantized(ImageFiles.read(input, m.inputShape()[3]), m.quantized.input());
      int[] logits = m.integerLogits(x);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      TensorSpec spec = m.quantized.description().tensor(m.quantized.logitsTensor());
      System.out.printf(
          "%s on %s (exact integer inference, %d ms)%n", m.name, input.getFileName(), ms);
      for (int c : Predictions.topK(logits, Math.min(top, logits.length))) {
        System.out.printf(
            "  %5d  %-32s  logit %4d  (%.4f)%n",
            c, Labels.name(names, c), logits[c], spec.scale() * (logits[c] - spec.zeroPoint()));
      }
    } else {
      float[] x =
          tensor
              ? realTensor(TensorFiles.read(input), m.floatModel.input().shape())
              : m.encoder().real(ImageFiles.read(input, m.inputShape()[3]));
      float[] logits = m.floatLogits(x);
      System.out.printf(
          "%s on %s (float model; quantize it with 'zkaudit eval' to get the integer form)%n",
          m.name, input.getFileName());
      for (int c : Predictions.topK(logits, Math.min(top, logits.length))) {
        System.out.printf("  %5d  %-32s  %.4f%n", c, Labels.name(names, c), logits[c]);
      }
    }
    return Main.EXIT_OK;
  }

  static int[] quantizedTensor(TensorFiles.Tensor file, TensorSpec spec) {
    TensorFiles.Tensor t = TensorFiles.toNhwc(file, spec.shapeArray());
    if (t.size() != spec.size()) {
      throw CliException.usage(
          "wrong input shape: the model takes "
              + spec.shape()
              + " ("
              + spec.size()
              + " values), the file has "
              + java.util.Arrays.toString(t.shape())
              + " ("
              + t.size()
              + " values)");
    }
    if (t.quantized() != null) return t.quantized();
    int[] q = new int[t.size()];
    for (int i = 0; i < q.length; i++) {
      q[i] =
          (int)
              Math.clamp(
                  Math.round(t.real()[i] / spec.scale()) + spec.zeroPoint(),
                  spec.type().min(),
                  spec.type().max());
    }
    return q;
  }

  private static float[] realTensor(TensorFiles.Tensor file, int[] shape) {
    TensorFiles.Tensor t = TensorFiles.toNhwc(file, shape);
    int size = 1;
    for (int d : shape) size *= d;
    if (t.size() != size) {
      throw CliException.usage(
          "wrong input shape: the model takes "
              + size
              + " values, the file has "
              + java.util.Arrays.toString(t.shape()));
    }
    if (t.real() != null) return t.real();
    float[] f = new float[size];
    for (int i = 0; i < size; i++) f[i] = t.quantized()[i];
    return f;
  }
}
