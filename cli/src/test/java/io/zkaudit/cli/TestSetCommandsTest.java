package io.zkaudit.cli;

import static io.zkaudit.cli.CliRuns.shared;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.engine.Predictions;
import io.zkaudit.inference.TestSetReveal;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.protocols.AuditDatasets;
import io.zkaudit.protocols.buyer.AuditClient;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.tflite.TfliteImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code zkaudit audit commit-test-set}, then {@code audit prove --test-set --reveal} and {@code
 * audit verify --test-set}, as buyer and seller run them: ResNet-8 on three CIFAR-10 test samples
 * (a zero-knowledge smoke test of the test-set proof on a real model) verifies knowing only T, with
 * the engine's count; a reveal whose label was changed after committing is refused before proving
 * (exit 2), a proof under another T or a public-input proof are invalid against T (exit 1), hostile
 * T bytes are a one-line usage error (exit 2).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestSetCommandsTest {
  @TempDir static Path tmp;
  Path model;
  Path vk;
  Path t;
  Path reveal;
  Path proof;
  int expected;

  @BeforeAll
  void commitAndProve() throws Exception {
    model = shared("models/resnet8_cifar10_int8.tflite");
    vk = tmp.resolve("r8.vk");
    t = tmp.resolve("cifar.commit");
    reveal = tmp.resolve("cifar.reveal");
    proof = tmp.resolve("testset.proof");
    ProofCommandsTest.Run c =
        ProofCommandsTest.run("commit", "--model", model.toString(), "--out", vk.toString());
    assertEquals(0, c.code(), c.err());
    QuantizedModel q = TfliteImporter.loadQuantized(model);
    ModelCircuit circuit = ModelCircuit.of(q.description(), true);
    TensorSpec in = q.description().tensor(circuit.inputTensor());
    AuditDatasets.TestSet set = AuditDatasets.load("cifar10", 3, in, 10);
    IntegerEngine engine = new IntegerEngine(q);
    for (AuditClient.LabelledInput s : set.samples()) {
      int[] logits = engine.trace(s.input()).tensor(circuit.outputTensor());
      expected += Predictions.topK(logits, 1)[0] == s.label() ? 1 : 0;
    }
    ProofCommandsTest.Run ct =
        ProofCommandsTest.run(
            "audit",
            "commit-test-set",
            "--vk",
            vk.toString(),
            "--dataset",
            "cifar10",
            "--samples",
            "3",
            "--out",
            t.toString(),
            "--reveal",
            reveal.toString());
    assertEquals(0, ct.code(), ct.out() + ct.err());
    assertTrue(ct.out().contains("test-set hash "), ct.out());
    ProofCommandsTest.Run p = prove(reveal, proof);
    assertEquals(0, p.code(), p.out() + p.err());
    assertTrue(p.out().contains(": " + expected + "/3 correct"), p.out());
  }

  @Test
  void theProofVerifiesKnowingOnlyT() {
    ProofCommandsTest.Run v = verify(proof, t);
    assertEquals(0, v.code(), v.out() + v.err());
    assertTrue(v.out().startsWith(expected + "/3\n"), v.out());
    assertTrue(v.out().contains("no sample, label, logit or prediction is revealed"), v.out());
    assertTrue(v.out().contains("test-set shadow link"), v.out());
    assertTrue(v.out().contains("soundness, provable (no conjecture): 1"), v.out());
  }

  /** The buyer changes a label in the reveal after committing: the seller refuses to prove. */
  @Test
  void aRevealWithAChangedLabelIsRefusedBeforeProving() throws Exception {
    TestSetReveal r = TestSetReveal.decode(Files.readAllBytes(reveal));
    int[] labels = r.labels();
    labels[1] = (labels[1] + 1) % 10;
    Path lying = tmp.resolve("lying.reveal");
    Files.write(lying, new TestSetReveal(r.inputs(), labels, r.seed()).encode());
    ProofCommandsTest.assertOneLine(
        prove(lying, tmp.resolve("never.proof")),
        "the reveal does not open the test-set commitment");
    assertFalse(Files.exists(tmp.resolve("never.proof")));
  }

  /** A proof about another T of the same samples, and a public-input proof, are invalid here. */
  @Test
  void otherProofsAreInvalidAgainstT() {
    Path t2 = tmp.resolve("other.commit");
    Path r2 = tmp.resolve("other.reveal");
    Path p2 = tmp.resolve("other.proof");
    ProofCommandsTest.Run ct =
        ProofCommandsTest.run(
            "audit",
            "commit-test-set",
            "--vk",
            vk.toString(),
            "--dataset",
            "cifar10",
            "--samples",
            "3",
            "--out",
            t2.toString(),
            "--reveal",
            r2.toString());
    assertEquals(0, ct.code(), ct.err());
    ProofCommandsTest.Run p = prove(t2, r2, p2);
    assertEquals(0, p.code(), p.out() + p.err());
    assertEquals(0, verify(p2, t2).code());
    ProofCommandsTest.Run wrongT = verify(p2, t);
    assertEquals(1, wrongT.code(), wrongT.out() + wrongT.err());
    assertTrue(wrongT.out().startsWith("invalid proof: "), wrongT.out());
    // The reveal of one T does not open another.
    ProofCommandsTest.assertOneLine(
        ProofCommandsTest.run(
            "audit",
            "prove",
            "--model",
            model.toString(),
            "--test-set",
            t.toString(),
            "--reveal",
            r2.toString(),
            "--out",
            tmp.resolve("x.proof").toString()),
        "does not open");

    Path publicProof = tmp.resolve("public.proof");
    ProofCommandsTest.Run pp =
        ProofCommandsTest.run(
            "audit",
            "prove",
            "--model",
            model.toString(),
            "--dataset",
            "cifar10",
            "--samples",
            "3",
            "--out",
            publicProof.toString());
    assertEquals(0, pp.code(), pp.err());
    ProofCommandsTest.Run kind = verify(publicProof, t);
    assertEquals(1, kind.code(), kind.out());
    assertTrue(kind.out().contains("not a test-set commitment"), kind.out());
    ProofCommandsTest.Run samples =
        ProofCommandsTest.run(
            "audit",
            "verify",
            "--vk",
            vk.toString(),
            "--proof",
            proof.toString(),
            "--dataset",
            "cifar10",
            "--samples",
            "3");
    assertEquals(1, samples.code(), samples.out());
    assertTrue(samples.out().contains("about a test-set commitment"), samples.out());
  }

  /** Hostile T bytes and option mistakes: one line, exit 2. */
  @Test
  void badInputIsAUsageError() throws Exception {
    byte[] good = Files.readAllBytes(t);
    Path bad = tmp.resolve("bad.commit");
    Files.write(bad, java.util.Arrays.copyOf(good, good.length - 3));
    ProofCommandsTest.assertOneLine(verify(proof, bad), "truncated");
    byte[] magic = good.clone();
    magic[0] = 'X';
    Files.write(bad, magic);
    ProofCommandsTest.assertOneLine(verify(proof, bad), "not a zkaudit test-set commitment");
    byte[] zero = good.clone();
    zero[4] = 0;
    Files.write(bad, zero);
    ProofCommandsTest.assertOneLine(verify(proof, bad), "a test-set commitment of 0 samples");
    ProofCommandsTest.assertOneLine(
        ProofCommandsTest.run(
            "audit",
            "verify",
            "--vk",
            vk.toString(),
            "--proof",
            proof.toString(),
            "--test-set",
            t.toString(),
            "--dataset",
            "cifar10"),
        "--test-set verifies against T alone");
    ProofCommandsTest.assertOneLine(
        ProofCommandsTest.run(
            "audit",
            "prove",
            "--model",
            model.toString(),
            "--test-set",
            t.toString(),
            "--out",
            tmp.resolve("y.proof").toString()),
        "go together");
    ProofCommandsTest.assertOneLine(
        ProofCommandsTest.run(
            "audit",
            "prove",
            "--model",
            model.toString(),
            "--test-set",
            t.toString(),
            "--reveal",
            t.toString(),
            "--out",
            tmp.resolve("y.proof").toString()),
        "not a zkaudit test-set reveal");
  }

  private ProofCommandsTest.Run prove(Path revealFile, Path out) {
    return prove(t, revealFile, out);
  }

  private ProofCommandsTest.Run prove(Path testSet, Path revealFile, Path out) {
    return ProofCommandsTest.run(
        "audit",
        "prove",
        "--model",
        model.toString(),
        "--test-set",
        testSet.toString(),
        "--reveal",
        revealFile.toString(),
        "--out",
        out.toString());
  }

  private ProofCommandsTest.Run verify(Path p, Path testSet) {
    return ProofCommandsTest.run(
        "audit",
        "verify",
        "--vk",
        vk.toString(),
        "--proof",
        p.toString(),
        "--test-set",
        testSet.toString());
  }
}
