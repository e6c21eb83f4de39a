package io.zkaudit.cli;

import static io.zkaudit.cli.CliRuns.shared;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.engine.Predictions;
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
 * {@code zkaudit audit prove|verify} as a user runs them: an accuracy proof of ResNet-8 on three
 * CIFAR-10 test samples verifies with the count the integer engine and {@link Predictions} give
 * ("correct/N", exit 0); other labels, another kind of proof and fewer samples are invalid (exit
 * 1); bad input is a one-line usage error (exit 2).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccuracyCommandsTest {
  @TempDir static Path tmp;
  Path model;
  Path vk;
  Path proof;
  int expected;

  @BeforeAll
  void commitAndProve() throws Exception {
    model = shared("models/resnet8_cifar10_int8.tflite");
    vk = tmp.resolve("r8.vk");
    proof = tmp.resolve("audit.proof");
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
    ProofCommandsTest.Run p =
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
            proof.toString());
    assertEquals(0, p.code(), p.out() + p.err());
    assertTrue(
        p.out().contains(": " + expected + "/3 correct, proven in one accuracy proof"), p.out());
  }

  @Test
  void theProofVerifiesWithTheEnginesCount() {
    ProofCommandsTest.Run v = verify(proof, "--dataset", "cifar10", "--samples", "3");
    assertEquals(0, v.code(), v.out() + v.err());
    assertTrue(v.out().startsWith(expected + "/3\n"), v.out());
    assertTrue(v.out().contains("valid accuracy proof"), v.out());
    assertTrue(v.out().contains("argmax and count"), v.out());
    assertTrue(v.out().contains("soundness, provable (no conjecture): 1"), v.out());
  }

  /**
   * Image files with a labels file (prove and verify): the right labels verify with the engine's
   * count; a label changed, or a batch proof of the same inputs, are invalid (exit 1), as is the
   * accuracy proof given to {@code verify --batch}; a labels file of the wrong length, or both
   * sources at once, are usage errors (exit 2); fewer dataset samples than proven are invalid.
   */
  @Test
  void inputFilesWithALabelsFileAndTheRejections() throws Exception {
    QuantizedModel q = TfliteImporter.loadQuantized(model);
    ModelCircuit circuit = ModelCircuit.of(q.description(), true);
    TensorSpec in = q.description().tensor(circuit.inputTensor());
    Path dir = tmp.resolve("images");
    Files.createDirectories(dir);
    Files.copy(shared("data/images/cat.bmp"), dir.resolve("a-cat.bmp"));
    Files.copy(shared("data/images/grace_hopper.bmp"), dir.resolve("b-hopper.bmp"));
    IntegerEngine engine = new IntegerEngine(q);
    int[] predicted = new int[2];
    int b = 0;
    for (String f : new String[] {"a-cat.bmp", "b-hopper.bmp"}) {
      int[] x = ProofInputs.read(dir.resolve(f), in);
      predicted[b++] = Predictions.topK(engine.trace(x).tensor(circuit.outputTensor()), 1)[0];
    }
    // CIFAR-10 class 3 is "cat"; the second label is the model's own prediction: both counted
    // whatever the model makes of the cat.
    int[] labels = {3, predicted[1]};
    int count = (predicted[0] == 3 ? 1 : 0) + 1;
    Path labelFile = tmp.resolve("labels.txt");
    Files.writeString(labelFile, labels[0] + "\n" + labels[1] + "\n");
    Path filesProof = tmp.resolve("files.proof");
    ProofCommandsTest.Run p =
        ProofCommandsTest.run(
            "audit",
            "prove",
            "--model",
            model.toString(),
            "--inputs",
            dir.toString(),
            "--sample-labels",
            labelFile.toString(),
            "--out",
            filesProof.toString());
    assertEquals(0, p.code(), p.out() + p.err());
    ProofCommandsTest.Run ok =
        verify(filesProof, "--inputs", dir.toString(), "--sample-labels", labelFile.toString());
    assertEquals(0, ok.code(), ok.out() + ok.err());
    assertTrue(ok.out().startsWith(count + "/2\n"), ok.out());

    Path moved = tmp.resolve("moved.txt");
    Files.writeString(moved, labels[0] + " " + (labels[1] + 1) % 10);
    ProofCommandsTest.Run wrongLabel =
        verify(filesProof, "--inputs", dir.toString(), "--sample-labels", moved.toString());
    assertEquals(1, wrongLabel.code(), wrongLabel.out());
    assertTrue(wrongLabel.out().startsWith("invalid proof: "), wrongLabel.out());

    Path oneLabel = tmp.resolve("one.txt");
    Files.writeString(oneLabel, "3");
    ProofCommandsTest.assertOneLine(
        verify(filesProof, "--inputs", dir.toString(), "--sample-labels", oneLabel.toString()),
        "has 1 labels for 2 inputs");
    ProofCommandsTest.assertOneLine(
        verify(
            filesProof,
            "--inputs",
            dir.toString(),
            "--sample-labels",
            labelFile.toString(),
            "--dataset",
            "mnist"),
        "not both");

    // A class-folder dataset of two images asked for three: refused, not audited on two.
    Path folders = tmp.resolve("folders");
    Files.createDirectories(folders.resolve("3"));
    Files.copy(shared("data/images/cat.bmp"), folders.resolve("3/cat.bmp"));
    Files.copy(shared("data/images/grace_hopper.bmp"), folders.resolve("3/hopper.bmp"));
    ProofCommandsTest.assertOneLine(
        verify(proof, "--dataset", folders.toString(), "--samples", "3"),
        "holds 2 samples, fewer than the 3 asked for (--samples)");

    // More samples than this heap can prove (ProofMemory; at 5000 also more than one proof's
    // lookups hold, 2^30 rows): a usage error before any inference.
    ProofCommandsTest.assertOneLine(
        ProofCommandsTest.run(
            "audit",
            "prove",
            "--model",
            model.toString(),
            "--dataset",
            "cifar10",
            "--samples",
            "5000",
            "--out",
            tmp.resolve("huge.proof").toString()),
        "one proof of 5000 samples of this model needs about");

    ProofCommandsTest.Run fewer = verify(proof, "--dataset", "cifar10", "--samples", "2");
    assertEquals(1, fewer.code(), fewer.out());
    assertTrue(fewer.out().contains("the proof is about 3 samples, 2 inputs"), fewer.out());

    Path batchProof = tmp.resolve("batch.proof");
    ProofCommandsTest.Run bp =
        ProofCommandsTest.run(
            "prove",
            "--model",
            model.toString(),
            "--batch",
            dir.toString(),
            "--out",
            batchProof.toString());
    assertEquals(0, bp.code(), bp.out() + bp.err());
    ProofCommandsTest.Run batchAsAudit =
        verify(batchProof, "--inputs", dir.toString(), "--sample-labels", labelFile.toString());
    assertEquals(1, batchAsAudit.code(), batchAsAudit.out());
    assertTrue(batchAsAudit.out().contains("not an accuracy proof"), batchAsAudit.out());
    ProofCommandsTest.Run auditAsBatch =
        ProofCommandsTest.run(
            "verify",
            "--vk",
            vk.toString(),
            "--proof",
            filesProof.toString(),
            "--batch",
            dir.toString());
    assertEquals(1, auditAsBatch.code(), auditAsBatch.out());
    assertTrue(auditAsBatch.out().contains("is an accuracy proof"), auditAsBatch.out());
  }

  private ProofCommandsTest.Run verify(Path proofFile, String... source) {
    String[] args = new String[6 + source.length];
    String[] head = {"audit", "verify", "--vk", vk.toString(), "--proof", proofFile.toString()};
    System.arraycopy(head, 0, args, 0, 6);
    System.arraycopy(source, 0, args, 6, source.length);
    return ProofCommandsTest.run(args);
  }
}
