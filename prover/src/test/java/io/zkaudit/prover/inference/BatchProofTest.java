package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.field.Ext2;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.MnistCnn;
import io.zkaudit.testutil.ResNet8;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;

/**
 * One proof for a batch of N samples (io.zkaudit.inference.Batch, docs/accuracy-proof.md step 1):
 * real MNIST and CIFAR-10 batches of N = 1..4 (3 is not a power of two: one padding sample) prove
 * and verify, plain and zero-knowledge, with every output the integer engine's; cheating provers
 * that change the instance between rounds are rejected, each for its reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchProofTest {
  QuantizedModel mnist;
  CommittedModel mnistKey;
  List<int[]> mnistInputs;

  @BeforeAll
  void commit() throws Exception {
    mnist = MnistCnn.model();
    mnistKey = ModelProver.commit(mnist);
    mnistInputs = MnistCnn.inputs(mnist, 5);
  }

  @Test
  void mnistBatchesOfOneToFourVerifyWithTheEnginesOutputs() throws Exception {
    checkBatches(mnist, mnistKey, mnistInputs);
  }

  @Test
  void resnet8BatchesOfOneToFourVerifyWithTheEnginesOutputs() throws Exception {
    QuantizedModel model = ResNet8.model();
    checkBatches(model, ModelProver.commit(model), ResNet8.inputs(model, 4));
  }

  private static void checkBatches(QuantizedModel model, CommittedModel cm, List<int[]> inputs)
      throws Exception {
    ModelVerifier verifier = new ModelVerifier(VerifyingKey.decode(cm.vk().encode()));
    IntegerEngine engine = new IntegerEngine(model);
    for (boolean zk : new boolean[] {false, true}) {
      for (int n = 1; n <= 4; n++) {
        List<int[]> batch = inputs.subList(0, n);
        ModelProof proof = ModelProver.proveBatch(cm, batch, ProgressListener.NONE, zk);
        assertEquals(n, proof.samples());
        assertEquals(zk, proof.zeroKnowledge());
        List<int[]> outputs = verifier.verifyBatch(ModelProof.decode(proof.encode()), batch);
        assertEquals(n, outputs.size());
        for (int b = 0; b < n; b++) {
          assertArrayEquals(
              engine.trace(batch.get(b)).tensor(verifier.circuit().outputTensor()),
              outputs.get(b),
              "sample " + b + " of " + n + (zk ? ", zero knowledge" : ""));
        }
      }
    }
  }

  /**
   * In a zero-knowledge batch proof every claim the reduction leaves on an activation column (each
   * holding every sample) gives some padding entry of some sample a nonzero weight, so the samples'
   * uniform padding masks it, as in a single-sample proof (ZeroKnowledgePaddingTest). The control:
   * a plain batch proof of ResNet-8 (full boxes, no padding) has unmasked claims.
   */
  @Test
  void everyActivationClaimOfAZeroKnowledgeBatchWeighsPadding() throws Exception {
    QuantizedModel m = ResNet8.model();
    CommittedModel cm = ModelProver.commit(m);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    List<int[]> batch = ResNet8.inputs(m, 3);
    ModelProof zk = ModelProver.proveBatch(cm, batch, ProgressListener.NONE, true);
    ModelProof plain = ModelProver.proveBatch(cm, batch, ProgressListener.NONE, false);
    assertEquals(List.of(), unmasked(verifier.circuit(true), verifier.reduceBatch(zk, batch), 2));
    assertTrue(
        !unmasked(verifier.circuit(false), verifier.reduceBatch(plain, batch), 2).isEmpty(),
        "a plain batch of full boxes has claims no padding masks");
  }

  private static List<String> unmasked(
      io.zkaudit.layers.ModelCircuit c, ModelVerifier.Reduction r, int batchBits) {
    var layouts = ZeroKnowledgePaddingTest.columnLayouts(c);
    List<String> out = new ArrayList<>();
    int checked = 0;
    for (io.zkaudit.pcs.ColumnClaim claim : r.witnessClaims()) {
      io.zkaudit.layers.TensorLayout l = layouts.get(claim.column());
      if (l == null) {
        continue; // multiplicities, mask and blinding columns
      }
      checked++;
      Ext2[] point = claim.point();
      assertEquals(l.numVars() + batchBits, point.length, "a claim on the batch's table");
      long[] eq = io.zkaudit.poly.Mle.eqTable(point);
      boolean weighs = false;
      for (int i = 0; i < l.paddedSize() << batchBits && !weighs; i++) {
        weighs = !l.isReal(i & (l.paddedSize() - 1)) && (eq[2 * i] != 0 || eq[2 * i + 1] != 0);
      }
      if (!weighs) {
        out.add(
            claim.column() < c.columns().size() ? c.columns().get(claim.column()).name() : "in");
      }
    }
    assertTrue(checked > 3 * c.layers().size(), "only " + checked + " activation claims");
    return out;
  }

  /** Single-bit flips over a batch proof (its header and batch size first) are all rejected. */
  @Test
  void flippingBitsOfABatchProofIsRejected() throws Exception {
    List<int[]> batch = mnistInputs.subList(0, 3);
    byte[] bytes = ModelProver.proveBatch(mnistKey, batch, ProgressListener.NONE).encode();
    ModelVerifier verifier = new ModelVerifier(mnistKey.vk());
    int stride = Math.max(1, bytes.length / 150);
    int tried = 0;
    for (int pos = 0; pos < bytes.length; pos += pos < 64 ? 1 : stride) {
      byte[] copy = bytes.clone();
      copy[pos] ^= (byte) (1 << (pos % 8));
      int at = pos;
      assertThrows(
          InvalidProofException.class,
          () -> verifier.verifyBatch(ModelProof.decode(copy), batch),
          "byte " + at + " flipped");
      tried++;
    }
    assertTrue(tried > 150, "tried " + tried);
  }

  /** Each sample's output slice of a batch's concatenated outputs. */
  private int outputSize() {
    return mnist.output().size();
  }

  @Test
  void aChangedOutputOfOneSampleIsRejected() throws Exception {
    List<int[]> batch = mnistInputs.subList(0, 3);
    for (boolean zk : new boolean[] {false, true}) {
      ModelProof cheat =
          CheatingProver.batchAlteringRun(
              mnistKey,
              batch,
              zk,
              run -> {
                int i = outputSize() + 4; // sample 1, logit 4
                run.witness.output[i] = run.witness.output[i] == 0 ? 1 : run.witness.output[i] - 1;
              });
      assertRejected(
          () -> new ModelVerifier(mnistKey.vk()).verifyBatch(cheat, batch),
          "the claimed output does not match the proof");
    }
  }

  @Test
  void twoSamplesOutputsSwappedAreRejected() throws Exception {
    List<int[]> batch = mnistInputs.subList(0, 4);
    int size = outputSize();
    ModelProof cheat =
        CheatingProver.batchAlteringRun(
            mnistKey,
            batch,
            true,
            run -> {
              int[] out = run.witness.output;
              int[] first = java.util.Arrays.copyOfRange(out, 0, size);
              System.arraycopy(out, 2 * size, out, 0, size);
              System.arraycopy(first, 0, out, 2 * size, size);
            });
    assertTrue(
        !java.util.Arrays.equals(
            java.util.Arrays.copyOfRange(cheat.output(), 0, size),
            java.util.Arrays.copyOfRange(cheat.output(), 2 * size, 3 * size)),
        "the two samples have different outputs");
    assertRejected(
        () -> new ModelVerifier(mnistKey.vk()).verifyBatch(cheat, batch),
        "the claimed output does not match the proof");
  }

  @Test
  void aSampleSwappedForAnotherAfterTheStatementIsRejected() throws Exception {
    List<int[]> proven = mnistInputs.subList(0, 3);
    List<int[]> stated = new ArrayList<>(proven);
    stated.set(1, mnistInputs.get(4));
    ModelVerifier verifier = new ModelVerifier(mnistKey.vk());
    for (boolean zk : new boolean[] {false, true}) {
      // The statement (transcript, input evaluation, the prover's own reduction) names sample 1 as
      // input 4; the witness committed is input 1's inference.
      ModelProof cheat =
          CheatingProver.batchAlteringRun(
              mnistKey, proven, zk, run -> run.statedInputs = List.copyOf(stated));
      // Every check before the openings is about the stated inputs, so the batched opening's
      // claim reduction is where the committed input column's true value shows.
      assertRejected(() -> verifier.verifyBatch(cheat, stated), "reduction round 0");
      assertThrows(InvalidProofException.class, () -> verifier.verifyBatch(cheat, proven));
      // An honest proof of the batch, verified with sample 1 swapped: its input binding fails.
      ModelProof honest = ModelProver.proveBatch(mnistKey, proven, ProgressListener.NONE, zk);
      assertRejected(() -> verifier.verifyBatch(honest, stated), "the proof is about other inputs");
      List<int[]> reordered = List.of(proven.get(1), proven.get(0), proven.get(2));
      assertRejected(
          () -> verifier.verifyBatch(honest, reordered), "the proof is about other inputs");
    }
  }

  @Test
  void aProofOfFewerSamplesIsNotAProofOfMore() throws Exception {
    ModelVerifier verifier = new ModelVerifier(mnistKey.vk());
    List<int[]> two = mnistInputs.subList(0, 2);
    List<int[]> three = mnistInputs.subList(0, 3);
    ModelProof proof = ModelProver.proveBatch(mnistKey, two, ProgressListener.NONE);
    ProverException empty =
        assertThrows(
            ProverException.class,
            () -> ModelProver.proveBatch(mnistKey, List.of(), ProgressListener.NONE));
    assertTrue(empty.getMessage().contains("not 0"), empty.getMessage());
    assertRejected(() -> verifier.verifyBatch(proof, List.of()), "2 samples, 0 inputs");
    assertRejected(
        () -> verifier.verifyBatch(proof, three), "the proof is about 2 samples, 3 inputs");
    // Relabelled as a proof of three: its two outputs are not three.
    ModelProof relabelled = withSamples(proof, 3);
    assertRejected(
        () -> verifier.verifyBatch(ModelProof.decode(relabelled.encode()), three),
        "output values, 3 samples");
    // With a third output appended (sample 0's, as the padding holds): the statement differs.
    int[] out = java.util.Arrays.copyOf(proof.output(), 3 * outputSize());
    System.arraycopy(proof.output(), 0, out, 2 * outputSize(), outputSize());
    ModelProof padded = withSamples(withOutput(proof, out), 3);
    assertThrows(InvalidProofException.class, () -> verifier.verifyBatch(padded, three));
    List<int[]> threeWithCopy = List.of(two.get(0), two.get(1), two.get(0));
    assertThrows(InvalidProofException.class, () -> verifier.verifyBatch(padded, threeWithCopy));
  }

  @Test
  void aPaddingSampleCannotCarryARealSample() throws Exception {
    // N = 3 has one padding sample (index 3): the cheater proves input 3's inference there, as if
    // it could state a fourth sample through the padding.
    List<int[]> batch = mnistInputs.subList(0, 3);
    IntegerEngine engine = new IntegerEngine(mnist);
    ModelVerifier verifier = new ModelVerifier(mnistKey.vk());
    for (boolean zk : new boolean[] {false, true}) {
      ModelProof cheat =
          CheatingProver.batchAlteringTraces(
              mnistKey, batch, zk, run -> run.traces.set(3, engine.trace(mnistInputs.get(3))));
      assertRejected(() -> verifier.verifyBatch(cheat, batch), "the proof is about other inputs");
    }
  }

  @Test
  void aBatchProofIsNotASingleSampleProofNorTheReverse() throws Exception {
    ModelVerifier verifier = new ModelVerifier(mnistKey.vk());
    int[] x = mnistInputs.getFirst();
    ModelProof batchOfOne = ModelProver.proveBatch(mnistKey, List.of(x), ProgressListener.NONE);
    ModelProof single = ModelProver.prove(mnistKey, x, ProgressListener.NONE);
    assertRejected(() -> verifier.verify(batchOfOne, x), "is a batch proof of 1 samples");
    assertRejected(
        () -> verifier.verifyBatch(single, List.of(x)), "the proof is a single-sample proof");
    // The same bytes but for the batch flag: a batch of one has the single-sample shape, but its
    // statement (the transcript's batch size) is not a single-sample proof's.
    assertThrows(InvalidProofException.class, () -> verifier.verify(withSamples(batchOfOne, 0), x));
    assertThrows(
        InvalidProofException.class,
        () -> verifier.verifyBatch(withSamples(single, 1), List.of(x)));
    // Honest proofs of both kinds verify as their kind.
    assertArrayEquals(
        verifier.verify(single, x), verifier.verifyBatch(batchOfOne, List.of(x)).get(0));
  }

  /**
   * Concatenations (of two convolutions' outputs read by a dense layer; of the model input and a
   * convolution, as the output): one sumcheck per batch on the inputs folded at the group's batch
   * coordinates.
   */
  @Test
  void concatenationBatchesVerifyWithTheEnginesOutputs() throws Exception {
    for (QuantizedModel m :
        List.of(ConcatProofTest.twoBranches(), ConcatProofTest.inputAndConv())) {
      CommittedModel cm = ModelProver.commit(m);
      ModelVerifier verifier = new ModelVerifier(cm.vk());
      List<int[]> batch = MaxPoolProofTest.inputs(m, 3, 11);
      for (boolean zk : new boolean[] {false, true}) {
        List<int[]> outputs =
            verifier.verifyBatch(
                ModelProver.proveBatch(cm, batch, ProgressListener.NONE, zk), batch);
        for (int b = 0; b < batch.size(); b++) {
          assertArrayEquals(new IntegerEngine(m).infer(batch.get(b)), outputs.get(b));
        }
      }
    }
  }

  /**
   * Max pools (2x2/2; 3x3/2 padded and clamped; a pool of the model input; a pool read by a
   * concatenation): the chain groups' points have different batch coordinates, so the selection
   * sumcheck runs over the batch variables too.
   */
  @Test
  void maxPoolBatchesVerifyWithTheEnginesOutputs() throws Exception {
    for (QuantizedModel m :
        List.of(
            MaxPoolProofTest.pool2x2(),
            MaxPoolProofTest.pool3x3PaddedClamped(),
            MaxPoolProofTest.poolOnInput(),
            ConcatProofTest.poolThenItself())) {
      CommittedModel cm = ModelProver.commit(m);
      ModelVerifier verifier = new ModelVerifier(cm.vk());
      List<int[]> batch = MaxPoolProofTest.inputs(m, 3, 13);
      for (boolean zk : new boolean[] {false, true}) {
        List<int[]> outputs =
            verifier.verifyBatch(
                ModelProver.proveBatch(cm, batch, ProgressListener.NONE, zk), batch);
        for (int b = 0; b < batch.size(); b++) {
          assertArrayEquals(
              new IntegerEngine(m).infer(batch.get(b)),
              outputs.get(b),
              m.description().name() + " sample " + b + (zk ? " zk" : ""));
        }
      }
    }
  }

  /**
   * A product of two activations (the squeeze-and-excitation block of ProductProofTest: a map times
   * its per-channel gate): linear in neither factor, so its sumcheck runs over the batch variables.
   */
  @Test
  void productBatchesVerifyWithTheEnginesOutputs() throws Exception {
    QuantizedModel product =
        io.zkaudit.onnx.OnnxImporter.lowerQuantized(
            io.zkaudit.onnx.OnnxImporter.parse(
                new io.zkaudit.testutil.SqueezeExciteOnnx(5, false).model()),
            "se");
    CommittedModel cm = ModelProver.commit(product);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    java.util.Random r = new java.util.Random(23);
    List<int[]> batch = new ArrayList<>();
    for (int b = 0; b < 3; b++) {
      batch.add(r.ints(product.input().size(), 0, 256).toArray()); // uint8 input
    }
    for (boolean zk : new boolean[] {false, true}) {
      List<int[]> outputs =
          verifier.verifyBatch(ModelProver.proveBatch(cm, batch, ProgressListener.NONE, zk), batch);
      for (int b = 0; b < batch.size(); b++) {
        assertArrayEquals(
            new IntegerEngine(product).infer(batch.get(b)),
            outputs.get(b),
            "sample " + b + (zk ? " zk" : ""));
      }
    }
  }

  private static ModelProof withSamples(ModelProof p, int samples) {
    return p.edit().samples(samples).build();
  }

  private static ModelProof withOutput(ModelProof p, int[] output) {
    return p.edit().output(output).build();
  }

  private static void assertRejected(Executable verify, String reason) {
    InvalidProofException e = assertThrows(InvalidProofException.class, verify);
    assertTrue(
        e.getMessage().contains(reason), "rejected for \"" + e.getMessage() + "\", not " + reason);
  }
}
