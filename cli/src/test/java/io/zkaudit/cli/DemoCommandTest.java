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
    Run r = run("demo", "--model", "resnet8", "--audit-samples", "2", "--retrieval-items", "2");
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
    assertEquals(7, o.lines().filter(l -> l.startsWith("  ok: ")).count(), o);
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
  void anUnknownModelIsAUsageError() {
    Run r = run("demo", "--model", "vgg", "--shared", tmp.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--model is mobilenet or resnet8"), r.err());
  }
}
