package io.zkaudit.cli;

import static io.zkaudit.cli.CliRuns.shared;
import static io.zkaudit.cli.InputNormalizationCommandsTest.run;
import static io.zkaudit.testutil.OnnxWriter.attrInts;
import static io.zkaudit.testutil.OnnxWriter.node;
import static io.zkaudit.testutil.OnnxWriter.valueInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.cli.InputNormalizationCommandsTest.Run;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.testutil.OnnxWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: a whole model that commits no weight (a float CIFAR-shaped ONNX model of a max pool, a
 * global average pool and a flatten) goes through {@code infer --check-provable}, {@code commit},
 * {@code prove} (zero knowledge and {@code --no-zk}) and {@code verify}; a proof is refused for
 * another image. {@code commit} used to crash on it with "the model commits no constant to
 * range-check" (exit 3).
 */
class WeightlessModelCommandsTest {
  @TempDir Path tmp;

  /** x [1,3,32,32] -> MaxPool 2x2/2 -> GlobalAveragePool -> Flatten: three outputs, no weight. */
  private Path model() throws Exception {
    return new OnnxWriter.Graph(valueInfo("x", 1, 3, 32, 32), valueInfo("y", 1, 3))
        .node(
            node(
                "MaxPool",
                "pool",
                List.of("x"),
                List.of("m"),
                attrInts("kernel_shape", 2, 2),
                attrInts("strides", 2, 2)))
        .node(node("GlobalAveragePool", "gap", List.of("m"), List.of("p")))
        .node(node("Flatten", "flat", List.of("p"), List.of("y")))
        .write(tmp.resolve("weightless.onnx"), 13);
  }

  @Test
  void aWeightlessModelCommitsProvesAndVerifies() throws Exception {
    Path m = model();
    Run check = run("infer", "--model", m.toString(), "--check-provable");
    assertEquals(0, check.code(), check.out() + check.err());
    assertTrue(check.out().contains("provable: every input can be proven"), check.out());

    Path vk = tmp.resolve("m.vk");
    Run commit = run("commit", "--model", m.toString(), "--out", vk.toString());
    assertEquals(0, commit.code(), commit.out() + commit.err());
    assertTrue(commit.out().contains("model commitment "), commit.out());
    assertTrue(commit.out().contains("0 weight tensors committed"), commit.out());
    assertTrue(commit.out().contains("weight range proof: none needed"), commit.out());
    assertNull(
        VerifyingKey.decode(Files.readAllBytes(vk)).rangeProof(),
        "no weight, so no range proof in the key");

    // No proof opens its weight commitment: commit says nothing of a hiding budget, and a rotation
    // is refused in one line (exit 2) instead of crashing.
    assertTrue(!commit.out().contains("hides the weights"), commit.out());
    Run rotate =
        run(
            "commit",
            "--model",
            m.toString(),
            "--rotate",
            vk.toString(),
            "--out",
            tmp.resolve("m2.vk").toString());
    assertEquals(2, rotate.code(), rotate.out() + rotate.err());
    assertTrue(rotate.err().contains("nothing to rotate"), rotate.err());
    assertEquals(1, rotate.err().strip().lines().count(), rotate.err());

    String cat = shared("data/images/cat.bmp").toString();
    String hopper = shared("data/images/grace_hopper.bmp").toString();
    for (boolean zk : new boolean[] {true, false}) {
      Path proof = tmp.resolve(zk ? "zk.proof" : "plain.proof");
      Run prove =
          zk
              ? run("prove", "--model", m.toString(), "--input", cat, "--out", proof.toString())
              : run(
                  "prove",
                  "--model",
                  m.toString(),
                  "--input",
                  cat,
                  "--out",
                  proof.toString(),
                  "--no-zk");
      assertEquals(0, prove.code(), prove.out() + prove.err());
      Run ok = run("verify", "--vk", vk.toString(), "--proof", proof.toString(), "--input", cat);
      assertEquals(0, ok.code(), (zk ? "zk: " : "plain: ") + ok.out() + ok.err());
      Run other =
          run("verify", "--vk", vk.toString(), "--proof", proof.toString(), "--input", hopper);
      assertEquals(Main.EXIT_INVALID, other.code(), other.out() + other.err());
    }
  }
}
