package io.zkaudit.cli;

import static io.zkaudit.cli.CliRuns.shared;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * commit, prove and verify as a user runs them: exit codes 0/1/2, one-line errors, no stack traces.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProofCommandsTest {
  @TempDir static Path tmp;
  Path model;
  Path cat;
  Path vk;
  Path proof;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    var cli = Main.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    PrintStream saved = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      int code = cli.execute(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
    } finally {
      System.setOut(saved);
    }
  }

  @BeforeAll
  void commitAndProve() {
    model = shared("models/resnet8_cifar10_int8.tflite");
    cat = shared("data/images/cat.bmp");
    vk = tmp.resolve("r8.vk");
    proof = tmp.resolve("cat.proof");
    Run c = run("commit", "--model", model.toString(), "--out", vk.toString());
    assertEquals(0, c.code(), c.err());
    assertTrue(c.out().startsWith("model commitment "), c.out());
    assertTrue(
        c.out().matches("(?s).*hides the weights for about [0-9,]+ zero-knowledge proofs.*"),
        c.out());
    Run p =
        run(
            "prove",
            "--model",
            model.toString(),
            "--input",
            cat.toString(),
            "--out",
            proof.toString());
    assertEquals(0, p.code(), p.err());
    assertTrue(p.out().contains("cat"), p.out());
  }

  @Test
  void aValidProofVerifiesAgainstItsInputAndNeverWithout() {
    Run v =
        run(
            "verify",
            "--vk",
            vk.toString(),
            "--proof",
            proof.toString(),
            "--input",
            cat.toString());
    assertEquals(0, v.code(), v.out() + v.err());
    assertTrue(v.out().startsWith("valid proof"), v.out());
    assertTrue(v.out().contains("cat"), v.out());
    // The provable figures, stated apart: no conjectured level (docs/pcs.md).
    assertTrue(
        v.out().contains("soundness, provable (no conjecture): 100.1 bits, weakest round:"),
        v.out());
    Run table =
        run(
            "verify",
            "--vk",
            vk.toString(),
            "--proof",
            proof.toString(),
            "--input",
            cat.toString(),
            "--soundness");
    assertEquals(0, table.code(), table.out() + table.err());
    assertTrue(
        table
            .out()
            .matches("(?s).*\\| batched opening of [0-9]+ polynomials \\| queries \\| 100.1 \\|.*"),
        table.out());
    assertTrue(
        table.out().contains("| link of the weight shadow to the weight commitment |"),
        table.out());
    // Issue 13: a proof verified without its input says nothing about which input it is about.
    assertOneLine(
        run("verify", "--vk", vk.toString(), "--proof", proof.toString()),
        "verified against its input");
    assertTrue(v.out().contains("zero-knowledge proof"), v.out());
  }

  /**
   * The model commitment depends on the hiding key: committing again under the same key gives the
   * same verifying key (prove and verify in separate runs work, as above), under another key
   * another commitment, against which the first key's proofs do not verify.
   */
  @Test
  void anotherHidingKeyGivesAnotherCommitment() throws Exception {
    Path otherKey = tmp.resolve("other-hiding.key");
    Path otherVk = tmp.resolve("r8-other.vk");
    String saved = System.getProperty(HidingKeys.PROPERTY);
    try {
      System.setProperty(HidingKeys.PROPERTY, otherKey.toString());
      Run c = run("commit", "--model", model.toString(), "--out", otherVk.toString());
      assertEquals(0, c.code(), c.err());
      assertTrue(java.nio.file.Files.exists(otherKey), "the key is created on first use");
    } finally {
      if (saved == null) {
        System.clearProperty(HidingKeys.PROPERTY);
      } else {
        System.setProperty(HidingKeys.PROPERTY, saved);
      }
    }
    assertFalse(
        java.util.Arrays.equals(
            java.nio.file.Files.readAllBytes(vk), java.nio.file.Files.readAllBytes(otherVk)));
    Run v =
        run(
            "verify",
            "--vk",
            otherVk.toString(),
            "--proof",
            proof.toString(),
            "--input",
            cat.toString());
    assertEquals(1, v.code(), v.out() + v.err());
    assertTrue((v.out() + v.err()).contains("another model"), v.out() + v.err());
  }

  /**
   * The key's weight range proof is checked before any proof: a key under a fresh hiding key whose
   * range section has a flipped bit, or whose range proof is dropped (a version-1 key), is refused
   * with a reason (checked before the intact key is ever verified, so no cached result hides it).
   */
  @Test
  void aKeyWithABadOrNoRangeProofIsRefused() throws Exception {
    Path thirdKey = tmp.resolve("third-hiding.key");
    Path thirdVk = tmp.resolve("r8-third.vk");
    String saved = System.getProperty(HidingKeys.PROPERTY);
    try {
      System.setProperty(HidingKeys.PROPERTY, thirdKey.toString());
      Run c = run("commit", "--model", model.toString(), "--out", thirdVk.toString());
      assertEquals(0, c.code(), c.err());
      assertTrue(c.out().contains("weight range proof"), c.out());
    } finally {
      if (saved == null) {
        System.clearProperty(HidingKeys.PROPERTY);
      } else {
        System.setProperty(HidingKeys.PROPERTY, saved);
      }
    }
    byte[] good = Files.readAllBytes(thirdVk);
    byte[] flipped = good.clone();
    flipped[flipped.length - 40] ^= 4; // inside the range proof's last section, the shadow link
    Path bad = tmp.resolve("r8-flipped.vk");
    Files.write(bad, flipped);
    Run v =
        run(
            "verify",
            "--vk",
            bad.toString(),
            "--proof",
            proof.toString(),
            "--input",
            cat.toString());
    assertEquals(1, v.code(), v.out() + v.err());
    assertTrue(
        v.out().startsWith("invalid verifying key") && v.out().contains("weight range proof"),
        v.out());
    assertFalse((v.out() + v.err()).contains("Exception"), v.out() + v.err());

    io.zkaudit.inference.VerifyingKey k = io.zkaudit.inference.VerifyingKey.decode(good);
    Path old = tmp.resolve("r8-v1.vk");
    Files.write(old, new io.zkaudit.inference.VerifyingKey(k.description(), k.weights()).encode());
    Run o =
        run(
            "verify",
            "--vk",
            old.toString(),
            "--proof",
            proof.toString(),
            "--input",
            cat.toString());
    assertEquals(1, o.code(), o.out() + o.err());
    assertTrue(o.out().contains("no weight range proof"), o.out());
  }

  /**
   * --private-input: the verifier needs the input commitment, not the input; each .cin fits its own
   * proof only.
   */
  @Test
  void aPrivateInputProofVerifiesAgainstItsInputCommitment() throws Exception {
    Path hidden = tmp.resolve("cat-private.proof");
    Run p =
        run(
            "prove",
            "--model",
            model.toString(),
            "--input",
            cat.toString(),
            "--out",
            hidden.toString(),
            "--private-input");
    assertEquals(0, p.code(), p.err());
    Path cin = tmp.resolve("cat-private.cin");
    assertTrue(java.nio.file.Files.exists(cin), p.out());
    assertTrue(p.out().contains("input commitment"), p.out());
    Run v =
        run(
            "verify",
            "--vk",
            vk.toString(),
            "--proof",
            hidden.toString(),
            "--input-commitment",
            cin.toString());
    assertEquals(0, v.code(), v.out() + v.err());
    assertTrue(v.out().contains("private input"), v.out());
    assertTrue(v.out().contains("cat"), v.out());
    // Without the commitment: a usage error that says what to pass.
    Run none =
        run(
            "verify",
            "--vk",
            vk.toString(),
            "--proof",
            hidden.toString(),
            "--input",
            cat.toString());
    assertEquals(2, none.code(), none.out() + none.err());
    assertTrue(none.err().contains("--input-commitment"), none.err());
    // Another commitment of the same input (fresh hiding randomness would differ; here another
    // input's) fails.
    Path other = tmp.resolve("other-private.proof");
    Path dog = shared("data/images/grace_hopper.bmp");
    assertEquals(
        0,
        run(
                "prove",
                "--model",
                model.toString(),
                "--input",
                dog.toString(),
                "--out",
                other.toString(),
                "--private-input")
            .code());
    Run wrong =
        run(
            "verify",
            "--vk",
            vk.toString(),
            "--proof",
            hidden.toString(),
            "--input-commitment",
            tmp.resolve("other-private.cin").toString());
    assertEquals(1, wrong.code(), wrong.out() + wrong.err());
    // The proof names no commitment of its own: the verifier's transcript holds the given one, so
    // the proof's first challenge-dependent check fails.
    assertTrue(wrong.out().startsWith("invalid proof: "), wrong.out());
    Run bad =
        run(
            "verify",
            "--vk",
            vk.toString(),
            "--proof",
            hidden.toString(),
            "--input-commitment",
            vk.toString());
    assertEquals(2, bad.code(), bad.out() + bad.err());
  }

  @Test
  void aProofWithoutZeroKnowledgeSaysSo() {
    Path plain = tmp.resolve("cat-plain.proof");
    Run p =
        run(
            "prove",
            "--model",
            model.toString(),
            "--input",
            cat.toString(),
            "--out",
            plain.toString(),
            "--no-zk");
    assertEquals(0, p.code(), p.err());
    assertTrue(p.out().contains("no zero knowledge"), p.out());
    Run v =
        run(
            "verify",
            "--vk",
            vk.toString(),
            "--proof",
            plain.toString(),
            "--input",
            cat.toString());
    assertEquals(0, v.code(), v.out() + v.err());
    assertTrue(v.out().contains("without zero knowledge"), v.out());
  }

  @Test
  void anInvalidProofExitsOneWithItsReason() throws Exception {
    byte[] bytes = Files.readAllBytes(proof);
    bytes[bytes.length / 2] ^= 4;
    Path bad = tmp.resolve("bad.proof");
    Files.write(bad, bytes);
    Run v =
        run("verify", "--vk", vk.toString(), "--proof", bad.toString(), "--input", cat.toString());
    assertEquals(1, v.code());
    assertTrue(v.out().startsWith("invalid proof: "), v.out());
    Run other =
        run(
            "verify",
            "--vk",
            vk.toString(),
            "--proof",
            proof.toString(),
            "--input",
            shared("data/images/grace_hopper.bmp").toString());
    assertEquals(1, other.code());
    assertTrue(other.out().contains("another input"), other.out());
    Files.write(bad, new byte[] {'Z', 'K', 'P', 'F', 9});
    Run junk =
        run("verify", "--vk", vk.toString(), "--proof", bad.toString(), "--input", cat.toString());
    assertEquals(1, junk.code());
    assertTrue(junk.out().startsWith("invalid proof: "), junk.out());
  }

  @Test
  void unreadableFilesAndBadUsageExitTwoWithOneLine() throws Exception {
    assertOneLine(
        run(
            "verify",
            "--vk",
            tmp.resolve("missing.vk").toString(),
            "--proof",
            proof.toString(),
            "--input",
            cat.toString()),
        "cannot read");
    Path junkVk = tmp.resolve("junk.vk");
    Files.writeString(junkVk, "not a key");
    assertOneLine(
        run(
            "verify",
            "--vk",
            junkVk.toString(),
            "--proof",
            proof.toString(),
            "--input",
            cat.toString()),
        "not a valid verifying key");
    Path notImage = tmp.resolve("x.png");
    Files.writeString(notImage, "no");
    assertOneLine(
        run(
            "prove",
            "--model",
            model.toString(),
            "--input",
            notImage.toString(),
            "--out",
            tmp.resolve("p").toString()),
        "x.png");
    assertOneLine(run("verify", "--vk", vk.toString()), "--proof");
  }

  /**
   * prove --batch / verify --batch: one proof for three inputs (a directory's two files, then one
   * again: N = 3 is not a power of two), checked against the same files in the same order; other
   * orders, a single-sample proof given as a batch and a batch proof given one input are invalid
   * (exit 1), mixing --input and --batch is a usage error (exit 2).
   */
  @Test
  void aBatchProofVerifiesAgainstItsInputsInOrder() throws Exception {
    Path images = tmp.resolve("batch-images");
    Files.createDirectories(images);
    Path hopper = shared("data/images/grace_hopper.bmp");
    Files.copy(cat, images.resolve("a-cat.bmp"));
    Files.copy(hopper, images.resolve("b-hopper.bmp"));
    Path batchProof = tmp.resolve("batch.proof");
    Run p =
        run(
            "prove",
            "--model",
            model.toString(),
            "--batch",
            images.toString(),
            cat.toString(),
            "--out",
            batchProof.toString());
    assertEquals(0, p.code(), p.out() + p.err());
    assertTrue(p.out().contains("on 3 inputs: proven outputs in one batch proof"), p.out());
    assertTrue(p.out().contains("sample 2 (cat.bmp)"), p.out());
    String vkArg = vk.toString();
    Run v =
        run(
            "verify",
            "--vk",
            vkArg,
            "--proof",
            batchProof.toString(),
            "--batch",
            images.toString(),
            cat.toString());
    assertEquals(0, v.code(), v.out() + v.err());
    assertTrue(v.out().startsWith("valid batch proof"), v.out());
    assertTrue(v.out().contains("of 3 samples"), v.out());
    // a batch proof states its own provable soundness (its input point and lookups are larger)
    assertTrue(
        v.out().contains("soundness, provable (no conjecture): 100.1 bits, weakest round:"),
        v.out());
    assertTrue(v.out().contains("sample 1 (b-hopper.bmp)"), v.out());
    Run reordered =
        run(
            "verify",
            "--vk",
            vkArg,
            "--proof",
            batchProof.toString(),
            "--batch",
            cat.toString(),
            hopper.toString(),
            hopper.toString());
    assertEquals(1, reordered.code(), reordered.out() + reordered.err());
    assertTrue(reordered.out().contains("invalid proof: the proof is about other inputs"));
    Run fewer =
        run(
            "verify",
            "--vk",
            vkArg,
            "--proof",
            batchProof.toString(),
            "--batch",
            images.toString());
    assertEquals(1, fewer.code(), fewer.out());
    assertTrue(fewer.out().contains("the proof is about 3 samples, 2 inputs"), fewer.out());
    Run asSingle =
        run("verify", "--vk", vkArg, "--proof", batchProof.toString(), "--input", cat.toString());
    assertEquals(1, asSingle.code(), asSingle.out());
    assertTrue(asSingle.out().contains("is a batch proof of 3 samples"), asSingle.out());
    Run singleAsBatch =
        run("verify", "--vk", vkArg, "--proof", proof.toString(), "--batch", cat.toString());
    assertEquals(1, singleAsBatch.code(), singleAsBatch.out());
    assertTrue(singleAsBatch.out().contains("single-sample proof"), singleAsBatch.out());
    assertOneLine(
        run(
            "prove",
            "--model",
            model.toString(),
            "--input",
            cat.toString(),
            "--batch",
            cat.toString(),
            "--out",
            tmp.resolve("x.proof").toString()),
        "not both");
  }

  static void assertOneLine(Run r, String contains) {
    assertEquals(2, r.code(), r.out() + r.err());
    String text = r.err().strip();
    assertTrue(
        text.lines().count() <= 2, text); // the message, and picocli's usage hint for option errors
    assertTrue(text.contains(contains), text);
    assertFalse(text.contains("\tat "), text);
  }
}
