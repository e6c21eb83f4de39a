package io.zkaudit.cli;

import static io.zkaudit.cli.CliRuns.run;
import static io.zkaudit.cli.CliRuns.shared;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** zkaudit bench serve loads a real seller and reports what it measured. */
class BenchServeCommandTest {
  @Test
  void aShortLoadReportsSignedAnswersPerSecondAndLatencyPercentiles() {
    Path model = shared("models/resnet8_cifar10_int8.tflite");
    Path image = shared("data/images/cat.bmp");
    CliRuns.Run r =
        run(
            "bench",
            "serve",
            "--model",
            model.toString(),
            "--input",
            image.toString(),
            "--clients",
            "2",
            "--seconds",
            "2",
            "--warmup-seconds",
            "1");
    assertEquals(0, r.code(), r.out() + r.err());
    Matcher m =
        Pattern.compile(
                "signed answers: (\\d+) in 2 s = (\\d+) requests/s, p50 ([0-9.]+) ms, p99 ([0-9.]+)"
                    + " ms, max ([0-9.]+) ms; failed: none")
            .matcher(r.out());
    assertTrue(m.find(), r.out());
    assertTrue(Integer.parseInt(m.group(1)) >= 4, r.out());
    double p50 = Double.parseDouble(m.group(3));
    double p99 = Double.parseDouble(m.group(4));
    assertTrue(p50 > 0 && p50 <= p99 && p99 <= Double.parseDouble(m.group(5)), r.out());
  }
}
