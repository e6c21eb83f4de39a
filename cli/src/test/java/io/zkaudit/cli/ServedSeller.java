package io.zkaudit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.zkaudit.cli.CliRuns.Run;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.buyer.BuyerClient;
import io.zkaudit.protocols.buyer.BuyerException;
import io.zkaudit.protocols.buyer.RetrievalClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code zkaudit seller serve} running in this JVM as a user runs it, on a free port with its H2
 * file ({@code <dir>/db/seller}) and key ({@code <dir>/seller.key}), for the tests of the buyer's
 * commands: started, awaited until it answers the registry, and stopped as a user stops it (an
 * interrupt), which must end the command with exit 0.
 */
final class ServedSeller implements AutoCloseable {
  final int port;
  private final Thread thread;
  private final AtomicReference<Run> served = new AtomicReference<>();
  private Run stopped;

  private ServedSeller(int port, List<String> args) {
    this.port = port;
    this.thread = new Thread(() -> served.set(CliRuns.run(args.toArray(String[]::new))));
  }

  /**
   * Starts {@code seller serve --model model --port P --db ... --key ...} with {@code options}
   * after them, and waits until the seller has committed to its model and lists it.
   */
  static ServedSeller start(Path dir, Path model, String... options) throws Exception {
    int port = CliRuns.freePort();
    List<String> args =
        new ArrayList<>(
            List.of(
                "seller",
                "serve",
                "--model",
                model.toString(),
                "--port",
                String.valueOf(port),
                "--db",
                db(dir),
                "--key",
                dir.resolve("seller.key").toString()));
    args.addAll(List.of(options));
    ServedSeller s = new ServedSeller(port, args);
    s.thread.start();
    try {
      s.await(probe -> !probe.models().isEmpty(), "it lists its model");
    } catch (Exception | AssertionError e) {
      s.thread.interrupt();
      throw e;
    }
    return s;
  }

  /** The seller's H2 URL under {@code dir}, as {@code start} gives it. */
  static String db(Path dir) {
    return "jdbc:h2:file:" + dir.resolve("db/seller").toAbsolutePath();
  }

  /** Waits until the seller lists its committed item sets (it commits them after serving). */
  void awaitItemSets() throws Exception {
    await(probe -> !new RetrievalClient(probe, 5).itemSets().isEmpty(), "item sets");
  }

  private interface Ready {
    boolean test(BuyerClient probe) throws BuyerException;
  }

  /** Polls the seller with a throwaway buyer for two minutes at most. */
  private void await(Ready ready, String what) throws Exception {
    long until = System.nanoTime() + 120_000_000_000L;
    try (BuyerClient probe = new BuyerClient("localhost", port, PartyKey.generate(), 5)) {
      while (true) {
        try {
          if (ready.test(probe)) {
            return;
          }
        } catch (BuyerException notYet) {
          if (System.nanoTime() > until) {
            throw notYet;
          }
        }
        if (!thread.isAlive()) {
          Run r = served.get();
          throw new AssertionError(
              "seller serve ended before " + what + (r == null ? "" : ": " + r.out() + r.err()));
        }
        Thread.sleep(200);
      }
    }
  }

  /**
   * Stops the seller as a user does (an interrupt) and returns what the command printed; it must
   * have stopped within 30 s with exit 0.
   */
  Run stop() throws InterruptedException {
    if (stopped == null) {
      thread.interrupt();
      thread.join(30_000);
      assertFalse(thread.isAlive(), "seller serve did not stop");
      stopped = served.get();
      assertEquals(0, stopped.code(), stopped.out() + stopped.err());
    }
    return stopped;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
