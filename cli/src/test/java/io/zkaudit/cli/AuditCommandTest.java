package io.zkaudit.cli;

import static io.zkaudit.cli.CliRuns.freePort;
import static io.zkaudit.cli.CliRuns.run;
import static io.zkaudit.cli.CliRuns.shared;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.cli.CliRuns.Run;
import io.zkaudit.protocols.AuditDatasets;
import io.zkaudit.protocols.PartyKey;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** zkaudit buyer audit against zkaudit seller serve, as a user runs them. */
class AuditCommandTest {
  @TempDir Path tmp;

  @Test
  void anAuditOfAServingSellerPassesOrFailsOnTheClaim() throws Exception {
    Path model = shared("models/resnet8_cifar10_int8.tflite");
    shared("data/cifar10/test_batch.bin");
    for (String claim : new String[] {"0", "1"}) {
      Path dir = tmp.resolve("claim" + claim);
      try (ServedSeller seller =
          ServedSeller.start(dir, model, "--accuracy", claim, "--dataset", "cifar10-test")) {
        int port = seller.port;
        Run r =
            run(
                "buyer",
                "audit",
                "--port",
                String.valueOf(port),
                "--dataset",
                "cifar10",
                "--samples",
                "2",
                "--key",
                dir.resolve("buyer.key").toString(),
                "--state",
                dir.resolve("audits").toString());
        // A claim of 0 always passes; a claim of 1 fails unless both images are classified
        // correctly.
        boolean allCorrect = r.out().contains("(2 of 2 correct");
        int expected = claim.equals("0") || allCorrect ? 0 : 1;
        assertEquals(expected, r.code(), r.out() + r.err());
        assertTrue(r.out().startsWith("audit "), r.out());
        // The default: one accuracy proof about both samples.
        assertTrue(r.out().contains("samples, one accuracy proof;"), r.out());
        assertTrue(
            r.out().contains("proofs verified    2 of 2 samples (one accuracy proof)"), r.out());
        assertTrue(r.out().contains("countersigned by the seller"), r.out());
        assertTrue(
            r.out()
                .contains(
                    expected == 0 ? "verdict            PASSED" : "verdict            FAILED"),
            r.out());
        Path stateFile;
        try (var files = Files.list(dir.resolve("audits"))) {
          var audits = files.filter(f -> f.toString().endsWith(".audit")).toList();
          assertEquals(1, audits.size());
          stateFile = audits.get(0);
        }
        // Issue 16: T's digest (SHA-256 of the test-set commitment's encoding, what the proof
        // states and AuditEscrow stores) and the proof kind are printed.
        var commitment =
            io.zkaudit.proto.v1.BuyerAuditState.parseFrom(Files.readAllBytes(stateFile))
                .getCommitment();
        String digest = io.zkaudit.protocols.Hex.of(commitment.getTestSetHash());
        assertEquals(
            digest,
            io.zkaudit.protocols.Hex.of(
                java.security.MessageDigest.getInstance("SHA-256")
                    .digest(commitment.getTestSetCommitment().toByteArray())));
        assertTrue(r.out().contains("  test set           T's digest " + digest + " "), r.out());
        assertTrue(
            r.out()
                .contains(
                    "  proof kind         one accuracy proof about every sample (ACCURACY_PROOF)"),
            r.out());
        if (claim.equals("0")) {
          // An audit committed (not yet sent) by the library, then carried on by the command.
          PartyKey key = PartyKey.fromHex(Files.readString(dir.resolve("buyer.key")));
          String id;
          try (var client =
              new io.zkaudit.protocols.buyer.AuditClient(
                  "localhost", port, key, 60, dir.resolve("audits"))) {
            var m = client.buyer().models().get(0);
            var in = m.vk().description().tensor(m.verifier().circuit().inputTensor());
            var set = AuditDatasets.load("cifar10", 1, in, 10);
            id = client.commit(m, set.samples(), 0).getCommitment().getAuditId();
          }
          Run resumed =
              run(
                  "buyer",
                  "audit",
                  "--port",
                  String.valueOf(port),
                  "--resume",
                  id,
                  "--key",
                  dir.resolve("buyer.key").toString(),
                  "--state",
                  dir.resolve("audits").toString());
          assertEquals(0, resumed.code(), resumed.out() + resumed.err());
          assertTrue(resumed.out().startsWith("audit " + id), resumed.out());
          assertTrue(resumed.out().contains("proofs verified    1 of 1"), resumed.out());
          // Labels shifted past the model's outputs: warned before the set is committed (no silent
          // 0 of N).
          Run shifted =
              run(
                  "buyer",
                  "audit",
                  "--port",
                  String.valueOf(port),
                  "--dataset",
                  "cifar10",
                  "--samples",
                  "1",
                  "--label-offset",
                  "1",
                  "--per-sample-proofs",
                  "--key",
                  dir.resolve("buyer.key").toString(),
                  "--state",
                  dir.resolve("audits").toString());
          assertTrue(
              shifted
                  .err()
                  .startsWith(
                      "zkaudit: warning: the model has 10 outputs but the dataset has 10 classes"
                          + " (label offset 1): samples of class 9 and above can never be predicted"
                          + " right"),
              shifted.err());
          assertTrue(shifted.out().contains("proofs verified    1 of 1"), shifted.out());
          // The fallback asked for: one proof per sample.
          assertTrue(shifted.out().contains("samples, a proof per sample;"), shifted.out());
          assertTrue(
              shifted.out().contains("  proof kind         a proof per sample (PER_SAMPLE_PROOFS)"),
              shifted.out());
          assertTrue(
              shifted.out().contains("  test set           hash ")
                  && shifted.out().contains("AuditEscrow stores "),
              shifted.out());
        }
      }
    }
  }

  @Test
  void badInputAndNoSellerGetOneLineAndExit2() throws Exception {
    Run none =
        run(
            "buyer",
            "audit",
            "--port",
            String.valueOf(freePort()),
            "--samples",
            "1",
            "--key",
            tmp.resolve("buyer.key").toString(),
            "--state",
            tmp.resolve("audits").toString(),
            "--timeout",
            "10");
    assertEquals(2, none.code(), none.err());
    assertEquals(1, none.err().strip().lines().count(), none.err());
    assertFalse(none.err().contains("\tat "), none.err());
    Run badPort = run("buyer", "audit", "--port", "0");
    assertEquals(2, badPort.code(), badPort.err());
    Run noAudit =
        run(
            "buyer",
            "audit",
            "--port",
            "7",
            "--resume",
            "nope",
            "--key",
            tmp.resolve("buyer.key").toString(),
            "--state",
            tmp.resolve("audits").toString());
    assertEquals(2, noAudit.code(), noAudit.err());
    assertTrue(noAudit.err().contains("no audit nope"), noAudit.err());
  }
}
