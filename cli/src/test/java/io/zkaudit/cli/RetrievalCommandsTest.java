package io.zkaudit.cli;

import static io.zkaudit.cli.CliRuns.freePort;
import static io.zkaudit.cli.CliRuns.run;
import static io.zkaudit.cli.CliRuns.shared;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.cli.CliRuns.Run;
import io.zkaudit.data.Cifar10;
import io.zkaudit.data.InputEncoder;
import io.zkaudit.data.PixelRange;
import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.engine.Predictions;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.tflite.TfliteImporter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** zkaudit seller serve --items and zkaudit buyer retrieve, as a user runs them. */
class RetrievalCommandsTest {
  @TempDir Path tmp;

  /**
   * The indexes of the first n stratified CIFAR-10 test images that the integer engine puts in
   * class k.
   */
  /**
   * The class the engine gives the first of n items, so that a query for it has at least one match.
   */
  private static int classOfFirstItem(Path model, int n) throws Exception {
    for (int c = 0; c < 10; c++) {
      if (engineMatches(model, n, c).contains(0)) {
        return c;
      }
    }
    throw new AssertionError("the first item has no class");
  }

  private static List<Integer> engineMatches(Path model, int n, int k) throws Exception {
    QuantizedModel q = TfliteImporter.loadQuantized(model);
    InputEncoder enc = new InputEncoder(q.input().shapeArray(), 1.0, PixelRange.of(q.input()));
    IntegerEngine engine = new IntegerEngine(q);
    List<Integer> out = new ArrayList<>();
    var samples = Cifar10.testSet(shared("data/cifar10/test_batch.bin"), n);
    for (int i = 0; i < samples.size(); i++) {
      int[][] values = engine.values(enc.quantized(samples.get(i).image(), q.input()));
      if (Predictions.topK(values[q.logitsTensor()], 1)[0] == k) out.add(i);
    }
    return out;
  }

  @Test
  void aBuyerRetrievesEveryItemOfAClassWithAProofForEachItem() throws Exception {
    Path model = shared("models/resnet8_cifar10_int8.tflite");
    try (ServedSeller seller = ServedSeller.start(tmp, model, "--items", "cifar10-test:4")) {
      seller.awaitItemSets();
      int port = seller.port;
      String key = tmp.resolve("buyer.key").toString();
      int k = classOfFirstItem(model, 4);
      Run r =
          run(
              "buyer",
              "retrieve",
              "--port",
              String.valueOf(port),
              "--class",
              String.valueOf(k),
              "--key",
              key);
      assertEquals(0, r.code(), r.out() + r.err());
      List<Integer> expected = engineMatches(model, 4, k);
      assertTrue(r.out().contains("matches: " + expected.size() + " of 4 items"), r.out());
      assertTrue(r.out().contains("complete: 4 of 4 items proven"), r.out());
      for (int i : expected) {
        assertTrue(r.out().contains("match  #" + i + " "), r.out());
      }
      assertEquals(
          expected.size(),
          r.out().lines().filter(l -> l.startsWith("  match  #")).count(),
          r.out());

      Run bad =
          run("buyer", "retrieve", "--port", String.valueOf(port), "--class", "10", "--key", key);
      assertEquals(2, bad.code(), bad.out() + bad.err());
      assertTrue(bad.err().contains("--class: predicate.argmax_is: 10 is not a class"), bad.err());
      assertFalse(bad.err().contains("\tat "), bad.err());
    }
  }

  @Test
  void withPrivateItemsOnlyTheMatchesAreRevealed() throws Exception {
    Path model = shared("models/resnet8_cifar10_int8.tflite");
    String saved = System.getProperty(HidingKeys.PROPERTY);
    System.setProperty(HidingKeys.PROPERTY, tmp.resolve("hiding.key").toString());
    Run served;
    try (ServedSeller seller =
        ServedSeller.start(tmp, model, "--items", "cifar10-test:3", "--private-items")) {
      seller.awaitItemSets();
      int port = seller.port;
      String key = tmp.resolve("buyer.key").toString();
      int k = classOfFirstItem(model, 3);
      Run r =
          run(
              "buyer",
              "retrieve",
              "--port",
              String.valueOf(port),
              "--class",
              String.valueOf(k),
              "--key",
              key);
      assertEquals(0, r.code(), r.out() + r.err());
      List<Integer> expected = engineMatches(model, 3, k);
      assertTrue(r.out().contains("3 private items"), r.out());
      assertTrue(r.out().contains("matches: " + expected.size() + " of 3 items"), r.out());
      assertTrue(r.out().contains("complete: 3 of 3 items proven"), r.out());
      assertTrue(
          r.out()
              .contains(
                  "private: the "
                      + (3 - expected.size())
                      + " other items came as input commitments"),
          r.out());
      for (int i : expected) {
        assertTrue(r.out().contains("match  #" + i + " "), r.out());
      }
      assertEquals(
          expected.size(),
          r.out().lines().filter(l -> l.startsWith("  match  #")).count(),
          r.out());
      served = seller.stop();
    } finally {
      if (saved == null) {
        System.clearProperty(HidingKeys.PROPERTY);
      } else {
        System.setProperty(HidingKeys.PROPERTY, saved);
      }
    }
    assertTrue(served.out().contains("3 private items committed"), served.out());

    Run alone =
        run(
            "seller",
            "serve",
            "--model",
            model.toString(),
            "--port",
            "0",
            "--db",
            ServedSeller.db(tmp),
            "--key",
            tmp.resolve("seller.key").toString(),
            "--private-items");
    assertEquals(2, alone.code(), alone.out() + alone.err());
    assertTrue(alone.err().contains("--private-items needs --items"), alone.err());
  }

  @Test
  void badItemsAndNoSellerAreOneLineErrorsWithExit2() throws Exception {
    Path model = shared("models/resnet8_cifar10_int8.tflite");
    Run r =
        run(
            "seller",
            "serve",
            "--model",
            model.toString(),
            "--port",
            "0",
            "--db",
            "jdbc:h2:file:" + tmp.resolve("db/seller").toAbsolutePath(),
            "--key",
            tmp.resolve("seller.key").toString(),
            "--items",
            tmp.resolve("missing").toString());
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(
        r.err().contains("--items is a directory of images or tensors, or cifar10-test:N"),
        r.err());
    Run none =
        run(
            "buyer",
            "retrieve",
            "--port",
            String.valueOf(freePort()),
            "--class",
            "1",
            "--key",
            tmp.resolve("buyer.key").toString(),
            "--timeout",
            "10");
    assertEquals(2, none.code(), none.err());
    assertEquals(1, none.err().strip().lines().count(), none.err());
  }
}
