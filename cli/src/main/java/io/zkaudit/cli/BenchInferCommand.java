package io.zkaudit.cli;

import io.zkaudit.data.ImageFiles;
import io.zkaudit.data.PixelRange;
import io.zkaudit.model.ModelFormatException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** zkaudit bench infer: median wall-clock time of the integer engine on one input. */
@Command(
    name = "infer",
    mixinStandardHelpOptions = true,
    description = "Time the exact integer inference (median of several runs after warm-up).")
final class BenchInferCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "a quantized .tflite model")
  Path model;

  @Option(names = "--input", required = true, description = "an image")
  Path input;

  @Option(
      names = "--runs",
      defaultValue = "30",
      description = "timed runs (default ${DEFAULT-VALUE})")
  int runs;

  @Option(
      names = "--warmup",
      defaultValue = "15",
      description = "untimed runs first (default ${DEFAULT-VALUE})")
  int warmup;

  @Override
  public Integer call() throws Exception {
    try {
      LoadedModel m = LoadedModel.open(model, java.util.Optional.empty(), PixelRange.UNIT, 0.875);
      if (m.quantized == null) throw CliException.usage("bench needs a quantized model");
      int[] x =
          m.encoder().quantized(ImageFiles.read(input, m.inputShape()[3]), m.quantized.input());
      double[] t = timesMs(m.integer(), x, warmup, runs);
      System.out.printf(
          "%s: median %.1f ms, min %.1f ms over %d runs (%d cores available)%n",
          m.name, t[t.length / 2], t[0], t.length, Runtime.getRuntime().availableProcessors());
      return Main.EXIT_OK;
    } catch (ModelFormatException e) {
      throw CliException.usage(e.getMessage());
    }
  }

  /**
   * Wall-clock times of the exact integer inference on x, in ms, sorted: {@code warmup} untimed
   * runs first (the JIT), then max(1, runs) timed ones. Also what bench prove divides by.
   */
  static double[] timesMs(io.zkaudit.engine.IntegerEngine engine, int[] x, int warmup, int runs) {
    for (int i = 0; i < warmup; i++) {
      engine.infer(x);
    }
    double[] t = new double[Math.max(1, runs)];
    for (int i = 0; i < t.length; i++) {
      long t0 = System.nanoTime();
      engine.infer(x);
      t[i] = (System.nanoTime() - t0) / 1e6;
    }
    java.util.Arrays.sort(t);
    return t;
  }
}
