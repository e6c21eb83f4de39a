package io.zkaudit.cli;

import static io.zkaudit.cli.CliRuns.run;
import static io.zkaudit.cli.CliRuns.shared;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code zkaudit chain verify} as a user runs it on the MNIST CNN (an Anvil node started on
 * loopback for each run): a plain proof is valid on chain (exit 0, its transactions and gas); the
 * same proof with a byte of its lookup section flipped is invalid (exit 1); a zero-knowledge proof
 * is refused before any transaction with the typed reason (exit 2).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChainVerifyCommandTest {
  @TempDir static Path tmp;
  String model;
  String input;
  Path vk;
  Path plain;

  @BeforeAll
  void commitAndProve() {
    model = shared("models/mnist_cnn_float.tflite").toString();
    input =
        Path.of(System.getProperty("zkaudit.docs", "../docs"), "examples/mnist-test-0.json")
            .toString();
    vk = tmp.resolve("mnist.vk");
    CliRuns.Run c = run("commit", "--model", model, "--out", vk.toString());
    assertEquals(0, c.code(), c.out() + c.err());
    plain = tmp.resolve("plain.proof");
    CliRuns.Run p =
        run("prove", "--model", model, "--input", input, "--no-zk", "--out", plain.toString());
    assertEquals(0, p.code(), p.out() + p.err());
  }

  private CliRuns.Run chainVerify(Path proof) {
    return run(
        "chain", "verify", "--vk", vk.toString(), "--proof", proof.toString(), "--input", input);
  }

  @Test
  void aPlainProofIsValidOnChainAndAFlippedByteInvalid() throws Exception {
    CliRuns.Run v = chainVerify(plain);
    assertEquals(0, v.code(), v.out() + v.err());
    assertTrue(v.out().startsWith("valid proof (on chain)"), v.out());
    Matcher m = Pattern.compile("([0-9]+) transactions, ([0-9,]+) gas").matcher(v.out());
    assertTrue(m.find(), v.out());
    assertTrue(Integer.parseInt(m.group(1)) > 40, v.out());
    assertTrue(Long.parseLong(m.group(2).replace(",", "")) > 10_000_000L, v.out());
    assertTrue(v.out().matches("(?s).*\\n  fact [0-9a-f]{64} .*"), v.out());
    // The tables are checked on chain: nothing is left to this client.
    assertTrue(v.out().contains("rounding-table values included (RoundingTables"), v.out());
    assertFalse(v.out().contains("by this client"), v.out());

    // A byte of the batched opening's last query paths (the proof's tail): the proof still
    // decodes, every step before the opening passes, and the staged opening refuses it on chain.
    byte[] bytes = Files.readAllBytes(plain);
    int at = bytes.length - 200;
    bytes[at] ^= 0x10;
    Path flipped = Files.write(tmp.resolve("flipped.proof"), bytes);
    CliRuns.Run bad = chainVerify(flipped);
    assertEquals(1, bad.code(), bad.out() + bad.err());
    assertTrue(bad.out().startsWith("invalid proof (on chain): opening:"), bad.out());
    m = Pattern.compile("([0-9]+) transactions").matcher(bad.out());
    assertTrue(
        m.find() && Integer.parseInt(m.group(1)) >= 35, "the layers' steps passed: " + bad.out());
    // Java's verifier agrees.
    CliRuns.Run java =
        run("verify", "--vk", vk.toString(), "--proof", flipped.toString(), "--input", input);
    assertEquals(1, java.code(), java.out() + java.err());
  }

  @Test
  void anHonestProofPresentedForAnotherInputIsInvalidAtTheStatementByName() throws Exception {
    // One pixel of the proven image changed: the proof is honest, about another input. The
    // statement step computes the input's hash and its multilinear extension on chain and refuses
    // it before any later step, naming the contract's reason.
    String image = Files.readString(Path.of(input));
    java.util.regex.Matcher zero = Pattern.compile("\\[0\\.0\\]").matcher(image);
    assertTrue(zero.find(), "a zero pixel to change");
    Path other =
        Files.writeString(
            tmp.resolve("other.json"),
            image.substring(0, zero.start()) + "[0.5]" + image.substring(zero.end()));
    CliRuns.Run v =
        run(
            "chain",
            "verify",
            "--vk",
            vk.toString(),
            "--proof",
            plain.toString(),
            "--input",
            other.toString());
    assertEquals(1, v.code(), v.out() + v.err());
    assertTrue(
        v.out()
            .startsWith("invalid proof (on chain): statement: step 1 refused it (INPUT_EVALUATION"),
        v.out());
    CliRuns.Run java =
        run(
            "verify",
            "--vk",
            vk.toString(),
            "--proof",
            plain.toString(),
            "--input",
            other.toString());
    assertEquals(1, java.code(), "Java's verifier agrees: " + java.out() + java.err());
  }

  @Test
  void aZeroKnowledgeProofIsRefusedWithItsReason() {
    Path zk = tmp.resolve("zk.proof");
    CliRuns.Run p = run("prove", "--model", model, "--input", input, "--out", zk.toString());
    assertEquals(0, p.code(), p.out() + p.err());
    CliRuns.Run v = chainVerify(zk);
    assertEquals(2, v.code(), v.out() + v.err());
    assertTrue(v.err().contains("not verifiable on chain yet (ZK_FINISH)"), v.err());
    assertTrue(v.err().lines().count() <= 2, "one clear line, no stack trace: " + v.err());
  }

  /**
   * A plain ResNet-8 proof (cat.bmp, zero knowledge off) verified entirely on chain: its layers
   * (ADDs of two activations, the mean, the dense layer) and its finish in parts ({@code
   * finishSteps}), the staged opening: valid, with its transactions and gas.
   */
  @Test
  void aPlainResNet8ProofIsValidOnChain() {
    String r8 = shared("models/resnet8_cifar10_int8.tflite").toString();
    String cat = shared("data/images/cat.bmp").toString();
    Path r8vk = tmp.resolve("r8.vk");
    CliRuns.Run c = run("commit", "--model", r8, "--out", r8vk.toString());
    assertEquals(0, c.code(), c.out() + c.err());
    Path r8proof = tmp.resolve("r8-plain.proof");
    CliRuns.Run p =
        run("prove", "--model", r8, "--input", cat, "--no-zk", "--out", r8proof.toString());
    assertEquals(0, p.code(), p.out() + p.err());
    CliRuns.Run v =
        run(
            "chain",
            "verify",
            "--vk",
            r8vk.toString(),
            "--proof",
            r8proof.toString(),
            "--input",
            cat);
    assertEquals(0, v.code(), v.out() + v.err());
    assertTrue(v.out().startsWith("valid proof (on chain)"), v.out());
    Matcher m = Pattern.compile("([0-9]+) transactions, ([0-9,]+) gas").matcher(v.out());
    assertTrue(m.find(), v.out());
    assertTrue(Integer.parseInt(m.group(1)) > 40, v.out());
    assertTrue(Long.parseLong(m.group(2).replace(",", "")) > 10_000_000L, v.out());
    System.out.println("resnet8 chain verify: " + v.out());
  }
}
