package io.zkaudit.cli;

import static io.zkaudit.cli.CliRuns.freePort;
import static io.zkaudit.cli.CliRuns.run;
import static io.zkaudit.cli.CliRuns.shared;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.cli.CliRuns.Run;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.buyer.BuyerClient;
import io.zkaudit.protocols.buyer.BuyerException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** zkaudit seller serve and zkaudit buyer predict, as a user runs them. */
class ProtocolCommandsTest {
  @TempDir Path tmp;

  @Test
  void aBuyerGetsAVerifiedPredictionFromAServingSeller() throws Exception {
    Path model = shared("models/resnet8_cifar10_int8.tflite");
    Path image = shared("data/images/cat.bmp");
    int port = freePort();
    String db = "jdbc:h2:file:" + tmp.resolve("db/seller").toAbsolutePath();
    AtomicInteger serveExit = new AtomicInteger(-1);
    Thread seller =
        new Thread(
            () ->
                serveExit.set(
                    run(
                            "seller",
                            "serve",
                            "--model",
                            model.toString(),
                            "--port",
                            String.valueOf(port),
                            "--db",
                            db,
                            "--key",
                            tmp.resolve("seller.key").toString())
                        .code()));
    seller.start();
    try {
      awaitModels(port);
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
    } finally {
      seller.interrupt();
      seller.join(30_000);
    }
    assertFalse(seller.isAlive());
    assertEquals(0, serveExit.get());
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
  private static void awaitModels(int port) throws Exception {
    long until = System.nanoTime() + 120_000_000_000L;
    try (BuyerClient probe = new BuyerClient("localhost", port, PartyKey.generate(), 5)) {
      while (true) {
        try {
          if (!probe.models().isEmpty()) {
            return;
          }
        } catch (BuyerException notYet) {
          if (System.nanoTime() > until) {
            throw notYet;
          }
        }
        Thread.sleep(200);
      }
    }
  }
}
