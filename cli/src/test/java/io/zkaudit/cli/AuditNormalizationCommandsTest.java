package io.zkaudit.cli;

import static io.zkaudit.cli.CliRuns.shared;
import static io.zkaudit.cli.InputNormalizationCommandsTest.IMAGENET;
import static io.zkaudit.cli.InputNormalizationCommandsTest.concat;
import static io.zkaudit.cli.InputNormalizationCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.cli.InputNormalizationCommandsTest.Run;
import io.zkaudit.inference.TestSetReveal;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.model.TensorSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --input-range / --input-mean / --input-std on the accuracy-audit commands ({@code audit
 * commit-test-set / prove / verify}) and on chained proofs ({@code commit/prove --chain-at}, {@code
 * verify --chain}), on InputNormalizationCommandsTest's small float CIFAR-shaped ONNX model: with
 * the ImageNet mean/std the audit proves the count of {@code infer}'s own predictions, the same
 * model commitment as {@code commit}, T's inputs are {@code prove}'s encoding, and a chain proves
 * {@code infer}'s class; another normalization gives another commitment or encoding, and a verifier
 * given another one rejects.
 */
class AuditNormalizationCommandsTest {
  @TempDir Path tmp;

  private static final String[] UNIT = {"--input-range", "0,1"};

  private static String line(Run r, String prefix) {
    return r.out()
        .lines()
        .filter(l -> l.startsWith(prefix))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line " + prefix + " in " + r.out()));
  }

  /** infer's top class (its first logit line) for an image under the given options. */
  private static int inferTop(Path model, String image, String... options) {
    Run r =
        run(concat(new String[] {"infer", "--model", model.toString(), "--input", image}, options));
    assertEquals(0, r.code(), r.err());
    String first = r.out().lines().filter(l -> l.startsWith("  ")).findFirst().orElseThrow();
    return Integer.parseInt(first.trim().split("\\s+")[0]);
  }

  private record Fixture(Path model, Path vk, List<String> images, Path labels, Run commit) {}

  /** The model committed with the ImageNet mean/std, two images labelled with infer's classes. */
  private Fixture fixture() throws Exception {
    Path m = InputNormalizationCommandsTest.model(tmp, "plain.onnx");
    List<String> images =
        List.of(
            shared("data/images/cat.bmp").toString(),
            shared("data/images/grace_hopper.bmp").toString());
    Path labels = tmp.resolve("labels.txt");
    Files.writeString(
        labels, inferTop(m, images.get(0), IMAGENET) + " " + inferTop(m, images.get(1), IMAGENET));
    Path vk = tmp.resolve("m.vk");
    Run c =
        run(
            concat(
                new String[] {"commit", "--model", m.toString(), "--out", vk.toString()},
                IMAGENET));
    assertEquals(0, c.code(), c.err());
    return new Fixture(m, vk, images, labels, c);
  }

  private static String[] samples(Fixture f) {
    return new String[] {
      "--inputs", f.images().get(0), f.images().get(1), "--sample-labels", f.labels().toString()
    };
  }

  @Test
  void auditProveAndVerifyEncodeAsInferAndCommit() throws Exception {
    Fixture f = fixture();
    Run commit = f.commit();
    Path proof = tmp.resolve("a.proof");
    String[] prove =
        concat(
            new String[] {
              "audit", "prove", "--model", f.model().toString(), "--out", proof.toString()
            },
            samples(f));
    Run p = run(concat(prove, IMAGENET));
    assertEquals(0, p.code(), p.err());
    assertTrue(p.out().contains("(from --input-mean/--input-std)"), p.out());
    // infer's classes are the labels: with the same normalization every sample is right.
    assertTrue(p.out().contains(": 2/2 correct"), p.out());
    assertEquals(line(commit, "model commitment "), line(p, "model commitment "));

    String[] verify =
        concat(
            new String[] {
              "audit", "verify", "--vk", f.vk().toString(), "--proof", proof.toString()
            },
            samples(f));
    Run ok = run(concat(verify, IMAGENET));
    assertEquals(0, ok.code(), ok.out() + ok.err());
    assertTrue(ok.out().startsWith("input normalization: mean 0.485"), ok.out());
    assertTrue(ok.out().contains("2/2"), ok.out());
    // Another encoding of the same images: other inputs, so the proof is not about them.
    for (String[] wrong : new String[][] {UNIT, {}}) {
      Run bad = run(concat(verify, wrong));
      assertEquals(
          Main.EXIT_INVALID, bad.code(), String.join(" ", wrong) + ": " + bad.out() + bad.err());
      assertTrue(bad.out().contains("invalid proof: "), bad.out());
    }
    // A wrong range quantizes the float model over another interval: another committed model.
    Run unit = run(concat(prove, UNIT));
    assertEquals(0, unit.code(), unit.err());
    assertTrue(unit.out().contains("input normalization: [0, 1] (from --input-range)"), unit.out());
    assertNotEquals(line(commit, "model commitment "), line(unit, "model commitment "));
    // Bad options are one-line usage errors before any file is read.
    Run badRange = run(concat(verify, "--input-range", "1,0"));
    assertEquals(2, badRange.code(), badRange.err());
    assertTrue(badRange.err().contains("--input-range must be lo,hi"), badRange.err());
  }

  @Test
  void aTestSetIsEncodedAsProveEncodesAndProvesInfersCount() throws Exception {
    Fixture f = fixture();
    VerifyingKey vk = VerifyingKey.decode(Files.readAllBytes(f.vk()));
    TensorSpec spec =
        vk.description().tensor(new io.zkaudit.inference.ModelVerifier(vk).circuit().inputTensor());
    Path t = tmp.resolve("t.commit"), r = tmp.resolve("t.reveal");
    String[] commitT =
        concat(
            new String[] {
              "audit",
              "commit-test-set",
              "--vk",
              f.vk().toString(),
              "--out",
              t.toString(),
              "--reveal",
              r.toString()
            },
            samples(f));
    Run ct = run(concat(commitT, IMAGENET));
    assertEquals(0, ct.code(), ct.err());
    TestSetReveal reveal = TestSetReveal.decode(Files.readAllBytes(r));
    var imagenet = new InputNormalizationOption();
    imagenet.mean = "0.485,0.456,0.406";
    imagenet.std = "0.229,0.224,0.225";
    for (int b = 0; b < 2; b++) {
      int[] proven = ProofInputs.read(Path.of(f.images().get(b)), spec, imagenet.given());
      assertArrayEquals(proven, reveal.inputs().get(b), "sample " + b);
      assertFalse(
          java.util.Arrays.equals(
              ProofInputs.read(Path.of(f.images().get(b)), spec, Optional.empty()), proven));
    }
    Path proof = tmp.resolve("t.proof");
    Run p =
        run(
            concat(
                new String[] {
                  "audit",
                  "prove",
                  "--model",
                  f.model().toString(),
                  "--test-set",
                  t.toString(),
                  "--reveal",
                  r.toString(),
                  "--out",
                  proof.toString()
                },
                IMAGENET));
    assertEquals(0, p.code(), p.err());
    assertTrue(p.out().contains(": 2/2 correct"), p.out());
    Run v =
        run(
            "audit",
            "verify",
            "--vk",
            f.vk().toString(),
            "--proof",
            proof.toString(),
            "--test-set",
            t.toString());
    assertEquals(0, v.code(), v.out() + v.err());
    // Without the options T holds other integers (the input quantization's range).
    Path t2 = tmp.resolve("t2.commit"), r2 = tmp.resolve("t2.reveal");
    Run other =
        run(
            concat(
                new String[] {
                  "audit",
                  "commit-test-set",
                  "--vk",
                  f.vk().toString(),
                  "--out",
                  t2.toString(),
                  "--reveal",
                  r2.toString()
                },
                samples(f)));
    assertEquals(0, other.code(), other.err());
    assertNotEquals(
        java.util.Arrays.toString(reveal.inputs().get(0)),
        java.util.Arrays.toString(TestSetReveal.decode(Files.readAllBytes(r2)).inputs().get(0)));
    // The options have no meaning next to T: a usage error.
    Run mixed =
        run(
            concat(
                new String[] {
                  "audit",
                  "verify",
                  "--vk",
                  f.vk().toString(),
                  "--proof",
                  proof.toString(),
                  "--test-set",
                  t.toString()
                },
                IMAGENET));
    assertEquals(2, mixed.code(), mixed.err());
    assertTrue(mixed.err().contains("--test-set verifies against T alone"), mixed.err());
  }

  /**
   * x [1,3,32,32] -> Conv 1x1 (3 -> 4) -> Conv 1x1 (4 -> 4) -> GlobalAveragePool -> Flatten: a
   * chain can cut between the convolutions (each part has weights), not after the second.
   */
  private Path twoConvs() throws Exception {
    var g =
        new io.zkaudit.testutil.OnnxWriter.Graph(
                io.zkaudit.testutil.OnnxWriter.valueInfo("x", 1, 3, 32, 32),
                io.zkaudit.testutil.OnnxWriter.valueInfo("y", 1, 4))
            .initializer(
                io.zkaudit.testutil.OnnxWriter.floats(
                    "w1", new int[] {4, 3, 1, 1}, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0.5f, -1, 0.5f))
            .initializer(
                io.zkaudit.testutil.OnnxWriter.floats(
                    "w2",
                    new int[] {4, 4, 1, 1},
                    1,
                    0.5f,
                    0,
                    0,
                    0,
                    1,
                    -0.5f,
                    0,
                    0,
                    0,
                    1,
                    0.25f,
                    -0.25f,
                    0,
                    0,
                    1))
            .node(conv("conv1", "x", "w1", "c1"))
            .node(conv("conv2", "c1", "w2", "c2"))
            .node(
                io.zkaudit.testutil.OnnxWriter.node(
                    "GlobalAveragePool", "gap", List.of("c2"), List.of("p")))
            .node(
                io.zkaudit.testutil.OnnxWriter.node("Flatten", "flat", List.of("p"), List.of("y")));
    return g.write(tmp.resolve("two-convs.onnx"), 13);
  }

  private static io.zkaudit.testutil.OnnxWriter.Proto conv(
      String name, String in, String w, String out) {
    return io.zkaudit.testutil.OnnxWriter.node(
        "Conv",
        name,
        List.of(in, w),
        List.of(out),
        io.zkaudit.testutil.OnnxWriter.attrInts("kernel_shape", 1, 1));
  }

  @Test
  void aChainedProofEncodesAsInferAndCommit() throws Exception {
    Path m = twoConvs();
    // A cut after the last convolution leaves the head without weights: a clear refusal.
    Run weightless =
        run(
            concat(
                new String[] {
                  "commit",
                  "--model",
                  m.toString(),
                  "--chain-at",
                  "2",
                  "--out",
                  tmp.resolve("w.vk").toString()
                },
                IMAGENET));
    assertEquals(2, weightless.code(), weightless.out() + weightless.err());
    assertTrue(weightless.err().contains("the head has no weights"), weightless.err());
    String cat = shared("data/images/cat.bmp").toString();
    Path vk = tmp.resolve("m.vk"), proof = tmp.resolve("p.proof");
    Run c =
        run(
            concat(
                new String[] {
                  "commit", "--model", m.toString(), "--chain-at", "1", "--out", vk.toString()
                },
                IMAGENET));
    assertEquals(0, c.code(), c.out() + c.err());
    assertTrue(c.out().contains("(from --input-mean/--input-std)"), c.out());
    Run p =
        run(
            concat(
                new String[] {
                  "prove",
                  "--model",
                  m.toString(),
                  "--chain-at",
                  "1",
                  "--input",
                  cat,
                  "--out",
                  proof.toString()
                },
                IMAGENET));
    assertEquals(0, p.code(), p.out() + p.err());
    int top = inferTop(m, cat, IMAGENET);
    String proven = p.out().lines().filter(l -> l.startsWith("  ")).findFirst().orElseThrow();
    assertEquals(top, Integer.parseInt(proven.trim().split("\\s+")[0]), p.out());
    String[] verify = {
      "verify",
      "--chain",
      "--vk",
      tmp.resolve("m.body.vk").toString(),
      "--head-vk",
      tmp.resolve("m.head.vk").toString(),
      "--proof",
      tmp.resolve("p.body.proof").toString(),
      "--head-proof",
      tmp.resolve("p.head.proof").toString(),
      "--output-commitment",
      tmp.resolve("p.link.cin").toString(),
      "--input",
      cat
    };
    Run ok = run(concat(verify, IMAGENET));
    assertEquals(0, ok.code(), ok.out() + ok.err());
    assertTrue(ok.out().startsWith("valid chained proof"), ok.out());
    // Both parts' provable soundness, the body's with its output shadow's link to C.
    assertTrue(
        ok.out().contains("  body soundness, provable (no conjecture): 100.1 bits"), ok.out());
    assertTrue(
        ok.out().contains("  head soundness, provable (no conjecture): 100.1 bits"), ok.out());
    Run rounds = run(concat(concat(verify, IMAGENET), "--soundness"));
    assertEquals(0, rounds.code(), rounds.out() + rounds.err());
    assertTrue(
        rounds.out().contains("link of the output shadow to the output commitment C"),
        rounds.out());
    for (String[] wrong : new String[][] {UNIT, {}}) {
      Run bad = run(concat(verify, wrong));
      assertEquals(
          Main.EXIT_INVALID, bad.code(), String.join(" ", wrong) + ": " + bad.out() + bad.err());
      assertTrue(bad.out().startsWith("invalid chain: "), bad.out());
    }
    // A wrong range: another quantized model, so other keys.
    Run unit =
        run(
            concat(
                new String[] {
                  "commit",
                  "--model",
                  m.toString(),
                  "--chain-at",
                  "1",
                  "--out",
                  tmp.resolve("u.vk").toString()
                },
                UNIT));
    assertEquals(0, unit.code(), unit.err());
    assertNotEquals(line(c, "body: model commitment"), line(unit, "body: model commitment"));
  }

  /**
   * A plain chained proof is refused first, saying why (a proof without zk reveals the activation).
   */
  @Test
  void aPlainChainedProofIsRefusedFirstWithTheReason() {
    Run r =
        run(
            "prove",
            "--model",
            "nowhere.onnx",
            "--chain-at",
            "1",
            "--input",
            "nowhere.bmp",
            "--out",
            tmp.resolve("p.proof").toString(),
            "--no-zk");
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("a chained proof is zero-knowledge only"), r.err());
    assertTrue(r.err().contains("hide the intermediate activation"), r.err());
    assertFalse(r.err().contains("nowhere"), r.err());
  }
}
