package io.zkaudit.cli;

import static io.zkaudit.cli.CliRuns.freePort;
import static io.zkaudit.cli.CliRuns.run;
import static io.zkaudit.cli.CliRuns.shared;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.cli.CliRuns.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** zkaudit seller serve and zkaudit buyer predict, as a user runs them. */
class ProtocolCommandsTest {
  @TempDir Path tmp;

  @Test
  void aBuyerGetsAVerifiedPredictionFromAServingSeller() throws Exception {
    Path model = shared("models/resnet8_cifar10_int8.tflite");
    Path image = shared("data/images/cat.bmp");
    try (ServedSeller seller = ServedSeller.start(tmp, model)) {
      int port = seller.port;
      Run r =
          run(
              "buyer",
              "predict",
              "--port",
              String.valueOf(port),
              "--input",
              image.toString(),
              "--key",
              tmp.resolve("buyer.key").toString(),
              "--top",
              "3");
      assertEquals(0, r.code(), r.out() + r.err());
      assertTrue(r.out().startsWith("verified answer "), r.out());
      assertEquals(3 + 2, r.out().strip().lines().count(), r.out());
      assertTrue(Files.readString(tmp.resolve("buyer.key")).strip().matches("[0-9a-f]{64}"));

      // Two signed answers kept, one contested at random: proven and verified.
      String answers = tmp.resolve("answers.pb").toString();
      for (int i = 0; i < 2; i++) {
        Run signed =
            run(
                "buyer",
                "predict",
                "--signed",
                "--answers",
                answers,
                "--port",
                String.valueOf(port),
                "--input",
                image.toString(),
                "--key",
                tmp.resolve("buyer.key").toString());
        assertEquals(0, signed.code(), signed.out() + signed.err());
        assertTrue(signed.out().startsWith("signed answer "), signed.out());
      }
      Run contest =
          run(
              "buyer",
              "contest",
              "--answers",
              answers,
              "--sample",
              "1",
              "--port",
              String.valueOf(port),
              "--key",
              tmp.resolve("buyer.key").toString());
      assertEquals(0, contest.code(), contest.out() + contest.err());
      assertTrue(
          contest.out().startsWith("contest: 1 of 2 answers proven in time and verified"),
          contest.out());
    }
    assertTrue(Files.exists(tmp.resolve("db/seller.mv.db")));
  }

  @Test
  void aBuyerWithNoSellerGetsOneLineAndExit2() throws Exception {
    Path image = shared("data/images/cat.bmp");
    Run r =
        run(
            "buyer",
            "predict",
            "--port",
            String.valueOf(freePort()),
            "--input",
            image.toString(),
            "--key",
            tmp.resolve("buyer.key").toString(),
            "--timeout",
            "10");
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  /** Waits until the seller has committed to its model and answers the registry. */
}
