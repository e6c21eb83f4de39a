package io.zkaudit.cli;

import static io.zkaudit.cli.CliRuns.run;
import static io.zkaudit.cli.CliRuns.shared;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** zkaudit bench prove: its table, and the sampled live heap below the pools' peak. */
class BenchProveCommandTest {
  @Test
  void oneRunPrintsTheTableAndALiveHeapBelowThePeak() {
    String model = shared("models/mnist_cnn_float.tflite").toString();
    // bench prove prints its tables on System.out, not picocli's writer.
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    java.io.PrintStream saved = System.out;
    CliRuns.Run run;
    System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      run = run("bench", "prove", "--model", model, "--runs", "1", "--live-heap");
    } finally {
      System.setOut(saved);
    }
    CliRuns.Run r =
        new CliRuns.Run(
            run.code(), printed.toString(java.nio.charset.StandardCharsets.UTF_8), run.err());
    assertEquals(0, r.code(), r.out() + r.err());
    Matcher row =
        Pattern.compile(
                "\\| mnist_cnn_float.tflite \\| zero knowledge \\| ([0-9.]+) s \\| ([0-9.]+) ms \\|"
                    + " ([0-9]+) KB \\| ([0-9]+) MiB \\|")
            .matcher(r.out());
    assertTrue(row.find(), r.out());
    assertTrue(Double.parseDouble(row.group(1)) > 0, r.out());
    assertTrue(Integer.parseInt(row.group(3)) > 10, r.out());
    long peak = Long.parseLong(row.group(4));
    Matcher live =
        Pattern.compile("live heap: at most ([0-9]+) MiB after a forced full collection")
            .matcher(r.out());
    assertTrue(live.find(), r.out());
    long liveMiB = Long.parseLong(live.group(1));
    assertTrue(liveMiB > 0 && liveMiB <= peak, "live " + liveMiB + " MiB, peak " + peak + " MiB");
  }
}
