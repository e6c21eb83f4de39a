package io.zkaudit.cli;

import static io.zkaudit.cli.CliRuns.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.cli.CliRuns.Run;
import io.zkaudit.data.SharedData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * zkaudit demo as a user runs it, on ResNet-8 (seconds per proof) with the smallest audit and item
 * set: every step's success line, the audit's verified accuracy, a complete retrieval.
 */
class DemoCommandTest {
  @TempDir Path tmp;

  @Test
  void theDemoRunsEveryProtocolStepOnResNet8() {
    Assumptions.assumeTrue(
        SharedData.resolve("models/resnet8_cifar10_int8.tflite").isPresent()
            && SharedData.resolve("data/cifar10/test_batch.bin").isPresent(),
        "skipped: ../shared is not present (it is in CI)");
    Run r =
        run(
            "demo",
            "--model",
            "resnet8",
            "--audit-samples",
            "2",
            "--retrieval-items",
            "2",
            "--one-proof-samples",
            "3");
    String o = r.out();
    assertEquals(0, r.code(), o + r.err());
    for (String line :
        List.of(
            "ok: seller serving resnet8_cifar10_int8.tflite and 2 committed items on port ",
            "ok: 1 model listed, its verifying key and the seller's signature checked",
            "ok: proof verified: cat.bmp is \"cat\"",
            "ok: tampered proof rejected",
            "ok: contest: 1 of 1 signed answers proven and verified",
            "claimed accuracy    76.40%",
            "proofs verified    2 of 2",
            "result             signed by the buyer and countersigned by the seller",
            "complete: 2 of 2 items proven",
            "ok: retrieval complete: 2 of 2 items proven, ",
            "[8/8] seller: one zero-knowledge proof of ResNet-8's accuracy on 3 CIFAR-10 test"
                + " images",
            "zkaudit eval --model resnet8 --dataset cifar10 --limit 3 scores the same ones",
            "== summary ==")) {
      assertTrue(o.contains(line), "missing \"" + line + "\" in:\n" + o);
    }
    assertTrue(
        o.matches(
            "(?s).*verified accuracy  +\\d+\\.\\d\\d%  \\(\\d of 2 correct, from verified outputs"
                + " only\\).*"),
        o);
    assertTrue(o.matches("(?s).*ok: audit (passed|below claim): verified accuracy .*"), o);
    // The class looked for is the first item's, so the retrieval finds at least that one.
    assertFalse(o.contains("retrieval complete: 2 of 2 items proven, 0 match"), o);
    // The one proof's count is the verifier's and equals the evaluation's (the step checks it).
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "buyer: verified in [0-9.]+ ms \\(decode included, median of 3\\): (\\d)/3 correct")
            .matcher(o);
    assertTrue(m.find(), o);
    assertTrue(
        o.contains("zkaudit eval on the same images (integer engine, top-1): " + m.group(1) + "/3"),
        o);
    assertTrue(o.contains("ok: one proof: " + m.group(1) + "/3 correct, "), o);
    assertEquals(8, o.lines().filter(l -> l.startsWith("  ok: ")).count(), o);
    assertTrue(
        o.strip().lines().reduce((a, b) -> b).orElseThrow().matches("  total +\\d+\\.\\d s"), o);
  }

  @Test
  void missingSharedDataIsOneLineAndExit2() {
    Run r = run("demo", "--shared", tmp.resolve("no-such-dir").toString());
    assertEquals(2, r.code(), r.out() + r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(
        r.err().startsWith("zkaudit: the demo needs the project's shared models and data"),
        r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void anIncompleteSharedDirectoryNamesTheMissingFile() {
    Run r = run("demo", "--model", "resnet8", "--shared", tmp.toString());
    assertEquals(2, r.code(), r.out() + r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("resnet8_cifar10_int8.tflite"), r.err());
  }

  @Test
  void aOneProofAuditLargerThanTheHeapIsRefusedBeforeTheDemoStarts() {
    Assumptions.assumeTrue(
        SharedData.resolve("models/resnet8_cifar10_int8.tflite").isPresent()
            && SharedData.resolve("data/cifar10/test_batch.bin").isPresent(),
        "skipped: ../shared is not present (it is in CI)");
    // 1024 samples need ~80 GB of heap: more than any test JVM here has.
    Run r = run("demo", "--model", "resnet8", "--one-proof-samples", "1024");
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("--one-proof-samples 1024 needs about "), r.err());
    assertTrue(r.err().contains("ZKAUDIT_HEAP="), r.err());
    assertFalse(r.out().contains("[1/8]"), r.out());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void theOneProofAuditsDefaultIsWhatTheHeapHolds() {
    Assumptions.assumeTrue(
        SharedData.resolve("models/resnet8_cifar10_int8.tflite").isPresent()
            && SharedData.resolve("data/cifar10/test_batch.bin").isPresent(),
        "skipped: ../shared is not present (it is in CI)");
    DemoOneProofAudit audit = DemoOneProofAudit.of(SharedData.root().orElseThrow());
    // ProofMemory's estimate, from the measured peaks (docs/benchmarks.md, "Batch proof memory"):
    // the default, at least the 100 samples issue 16 asks for, fits the launcher's 12 GB; 100 pad
    // to 128; 32 fit 4 GB.
    long launcher = 12L * 1024;
    assertTrue(DemoOneProofAudit.DEFAULT_SAMPLES >= 100);
    assertTrue(audit.heapMiBFor(DemoOneProofAudit.DEFAULT_SAMPLES) <= launcher);
    assertTrue(audit.heapMiBFor(256) > launcher);
    assertEquals(audit.heapMiBFor(128), audit.heapMiBFor(100));
    assertTrue(audit.heapMiBFor(32) <= 4L * 1024);
    // Without --one-proof-samples, this JVM's heap decides: the largest power of two that fits.
    long have = Runtime.getRuntime().maxMemory() >> 20;
    int n = audit.fitting(DemoOneProofAudit.DEFAULT_SAMPLES);
    assertTrue(n == 0 || audit.heapMiBFor(n) <= have, "n = " + n);
    assertTrue(
        n == DemoOneProofAudit.DEFAULT_SAMPLES || audit.heapMiBFor(2 * n) > have, "n = " + n);
  }

  @Test
  void anUnknownModelIsAUsageError() {
    Run r = run("demo", "--model", "vgg", "--shared", tmp.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--model is mobilenet or resnet8"), r.err());
  }
}
