package io.zkaudit.cli;

import static io.zkaudit.cli.CliRuns.run;
import static io.zkaudit.cli.CliRuns.shared;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.cli.CliRuns.Run;
import io.zkaudit.data.InputNormalization;
import io.zkaudit.data.PixelRange;
import io.zkaudit.proto.v1.RevealedSample;
import io.zkaudit.protocols.AuditDatasets;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.ServedNormalization;
import io.zkaudit.protocols.buyer.BuyerClient;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: {@code buyer audit} encodes its images as the seller's model reads them. A seller
 * serving a float ONNX model whose metadata names the ImageNet mean/std registers that
 * normalization with the model (signed); the buyer audits with it without an option (its revealed
 * inputs are the mean/std encoding, not the input range's), with the same option, and refuses an
 * option that would encode the images to other integers before committing anything.
 */
class BuyerAuditNormalizationTest {
  @TempDir Path tmp;

  private static final String MEAN = "0.485,0.456,0.406";
  private static final String STD = "0.229,0.224,0.225";

  private String[] audit(int port, String... options) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "buyer",
                "audit",
                "--port",
                String.valueOf(port),
                "--dataset",
                tmp.resolve("set").toString(),
                "--samples",
                "2",
                "--key",
                tmp.resolve("buyer.key").toString(),
                "--state",
                tmp.resolve("audits").toString()));
    a.addAll(List.of(options));
    return a.toArray(String[]::new);
  }

  private List<Path> stateFiles(String suffix) throws Exception {
    Path dir = tmp.resolve("audits");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(suffix)).toList();
    }
  }

  @Test
  void theBuyerEncodesWithTheServedNormalizationAndRefusesAnotherBeforeCommitting()
      throws Exception {
    Path model =
        InputNormalizationCommandsTest.model(
            tmp, "served.onnx", "zkaudit.input_mean", MEAN, "zkaudit.input_std", STD);
    Files.createDirectories(tmp.resolve("set/0"));
    Files.createDirectories(tmp.resolve("set/1"));
    Files.copy(shared("data/images/cat.bmp"), tmp.resolve("set/0/cat.bmp"));
    Files.copy(shared("data/images/grace_hopper.bmp"), tmp.resolve("set/1/hopper.bmp"));
    shared("data/cifar10/test_batch.bin"); // the float model's calibration set

    try (ServedSeller seller =
        ServedSeller.start(tmp, model, "--accuracy", "0", "--dataset", "two-images")) {
      int port = seller.port;
      InputNormalization meanStd = new InputNormalization.MeanStd(parse(MEAN), parse(STD));
      io.zkaudit.model.TensorSpec in;
      try (BuyerClient probe = new BuyerClient("localhost", port, PartyKey.generate(), 10)) {
        var m = probe.models().get(0);
        in = m.vk().description().tensor(m.verifier().circuit().inputTensor());
        // The registration carries the normalization, checked by the buyer with its signature.
        assertEquals(meanStd, ServedNormalization.of(m.entry(), 3).orElseThrow());
      }
      List<int[]> expected = new ArrayList<>();
      for (var s : AuditDatasets.load(tmp.resolve("set").toString(), 2, in, 4, meanStd).samples()) {
        expected.add(s.input());
      }
      // The test needs the two encodings to differ: else a buyer ignoring the served one passes.
      int[] byRange =
          AuditDatasets.load(tmp.resolve("set").toString(), 2, in, 4, PixelRange.of(in))
              .samples()
              .get(0)
              .input();
      assertFalse(java.util.Arrays.equals(expected.get(0), byRange));

      // Another normalization: refused in one line, exit 2, before the set is committed.
      Run wrong = run(audit(port, "--input-range", "0,1"));
      assertEquals(2, wrong.code(), wrong.out() + wrong.err());
      assertEquals(1, wrong.err().strip().lines().count(), wrong.err());
      assertTrue(
          wrong.err().contains("encodes sample 0 to other integers than the seller's model reads"),
          wrong.err());
      assertTrue(wrong.err().contains("mean " + MEAN), wrong.err());
      assertEquals(List.of(), stateFiles(".audit"), "nothing committed");

      // No option: the served normalization; the revealed inputs are its encoding.
      Run served = run(audit(port));
      assertEquals(0, served.code(), served.out() + served.err());
      assertTrue(
          served
              .out()
              .startsWith(
                  "input normalization: mean "
                      + MEAN
                      + " std "
                      + STD
                      + " (registered by the seller with the model)"),
          served.out());
      assertTrue(
          served.out().contains("proofs verified    2 of 2 samples (one accuracy proof)"),
          served.out());
      List<Path> samples = stateFiles(".samples");
      assertEquals(1, samples.size());
      List<int[]> revealed = new ArrayList<>();
      try (InputStream s = Files.newInputStream(samples.get(0))) {
        for (RevealedSample r; (r = RevealedSample.parseDelimitedFrom(s)) != null; ) {
          revealed.add(r.getInputList().stream().mapToInt(Integer::intValue).toArray());
        }
      }
      assertEquals(2, revealed.size());
      for (int i = 0; i < 2; i++) {
        assertArrayEquals(expected.get(i), revealed.get(i), "sample " + i);
      }

      // The same normalization given as options: accepted.
      Run same = run(audit(port, "--input-mean", MEAN, "--input-std", STD));
      assertEquals(0, same.code(), same.out() + same.err());
      assertTrue(same.out().contains("proofs verified    2 of 2 samples"), same.out());
    }
  }

  private static double[] parse(String list) {
    String[] p = list.split(",");
    double[] v = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      v[i] = Double.parseDouble(p[i]);
    }
    return v;
  }
}
