package io.zkaudit.cli;

import static io.zkaudit.cli.CliRuns.shared;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.cli.ProofCommandsTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chained proofs as a user runs them (ResNet-8 split before layer 8, after its second residual
 * block): commit --chain-at, prove --chain-at, verify --chain; exit codes 0/1/2, one-line errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChainCommandsTest {
  @TempDir static Path tmp;
  Path model;
  Path cat;

  @BeforeAll
  void commitAndProve() {
    model = shared("models/resnet8_cifar10_int8.tflite");
    cat = shared("data/images/cat.bmp");
    Run c =
        ProofCommandsTest.run(
            "commit",
            "--model",
            model.toString(),
            "--chain-at",
            "8",
            "--out",
            tmp.resolve("r8.vk").toString());
    assertEquals(0, c.code(), c.err());
    assertTrue(Files.exists(tmp.resolve("r8.body.vk")) && Files.exists(tmp.resolve("r8.head.vk")));
    Run p =
        ProofCommandsTest.run(
            "prove",
            "--model",
            model.toString(),
            "--chain-at",
            "8",
            "--input",
            cat.toString(),
            "--out",
            tmp.resolve("cat.proof").toString());
    assertEquals(0, p.code(), p.err());
    assertTrue(p.out().contains("cat"), p.out());
  }

  private Run verify(String commitment, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "verify",
                "--chain",
                "--vk",
                tmp.resolve("r8.body.vk").toString(),
                "--head-vk",
                tmp.resolve("r8.head.vk").toString(),
                "--proof",
                tmp.resolve("cat.body.proof").toString(),
                "--head-proof",
                tmp.resolve("cat.head.proof").toString(),
                "--output-commitment",
                commitment,
                "--input",
                cat.toString()));
    args.addAll(List.of(extra));
    return ProofCommandsTest.run(args.toArray(String[]::new));
  }

  @Test
  void theChainVerifiesWithTheWholeModelsPrediction() throws Exception {
    Run v = verify(tmp.resolve("cat.link.cin").toString());
    assertEquals(0, v.code(), v.out() + v.err());
    assertTrue(v.out().startsWith("valid chained proof"), v.out());
    assertTrue(v.out().contains("cat"), v.out());
  }

  @Test
  void aTamperedCommitmentIsAClearError() throws Exception {
    byte[] c = Files.readAllBytes(tmp.resolve("cat.link.cin"));
    byte[] magic = c.clone();
    magic[0] ^= 1;
    Path bad = tmp.resolve("bad.cin");
    Files.write(bad, magic);
    Run v = verify(bad.toString());
    assertEquals(2, v.code(), v.out() + v.err());
    assertTrue(v.err().contains("is not a valid output commitment"), v.err());
    assertFalse(v.err().contains("Exception"), v.err());
    byte[] flipped = c.clone();
    flipped[c.length / 2] ^= 4;
    Path other = tmp.resolve("other.cin");
    Files.write(other, flipped);
    v = verify(other.toString());
    assertEquals(1, v.code(), v.out() + v.err());
    assertTrue(v.out().startsWith("invalid chain: "), v.out());
  }

  @Test
  void aBodyProofIsNotAnOrdinaryProofAndAChainNeedsItsParts() {
    Run v =
        ProofCommandsTest.run(
            "verify",
            "--vk",
            tmp.resolve("r8.body.vk").toString(),
            "--proof",
            tmp.resolve("cat.body.proof").toString(),
            "--input",
            cat.toString());
    assertEquals(1, v.code(), v.out() + v.err());
    assertTrue(v.out().contains("output is committed"), v.out());
    Run missing =
        ProofCommandsTest.run(
            "verify",
            "--chain",
            "--vk",
            tmp.resolve("r8.body.vk").toString(),
            "--proof",
            tmp.resolve("cat.body.proof").toString(),
            "--input",
            cat.toString());
    assertEquals(2, missing.code(), missing.out() + missing.err());
    Run notAChain =
        ProofCommandsTest.run(
            "commit",
            "--model",
            model.toString(),
            "--chain-at",
            "7",
            "--out",
            tmp.resolve("x.vk").toString());
    assertEquals(2, notAChain.code(), notAChain.out() + notAChain.err());
    assertTrue(notAChain.err().contains("is not a chain"), notAChain.err());
  }
}
