package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.engine.Predictions;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.MnistCnn;
import io.zkaudit.testutil.ResNet8;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Accuracy proofs (docs/accuracy-proof.md, "The accuracy proof as built"): one proof that the
 * committed model predicts the label of exactly {@code correct} of N labelled samples, the logits
 * committed and ranked by the argmax-and-count gadget. Honest proofs on MNIST and CIFAR-10 agree
 * with the integer engine and {@link Predictions}; {@link AccuracyCheatersTest} has the cheaters.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccuracyProofTest {
  QuantizedModel mnist;
  CommittedModel mnistKey;
  List<int[]> mnistInputs;
  int[] mnistLabels;

  @BeforeAll
  void commit() throws Exception {
    mnist = MnistCnn.model();
    mnistKey = ModelProver.commit(mnist);
    mnistInputs = MnistCnn.inputs(mnist, 4);
    mnistLabels = MnistCnn.labels(4);
  }

  @Test
  void mnistAccuracyProofsOfOneThreeAndFourSamplesStateTheEnginesCount() throws Exception {
    checkCounts(mnist, mnistKey, mnistInputs, mnistLabels);
  }

  @Test
  void resnet8AccuracyProofsOfOneThreeAndFourSamplesStateTheEnginesCount() throws Exception {
    QuantizedModel model = ResNet8.model();
    checkCounts(model, ModelProver.commit(model), ResNet8.inputs(model, 4), ResNet8.labels(4));
  }

  /**
   * For N = 1, 3, 4, plain and zero-knowledge, the honest proof verifies (through its encoding)
   * with the count of samples whose first maximal logit is the label; and the count holds whatever
   * the labels, so a second label set that the model gets otherwise right proves its own count.
   */
  private static void checkCounts(
      QuantizedModel model, CommittedModel cm, List<int[]> inputs, int[] labels) throws Exception {
    ModelVerifier verifier = new ModelVerifier(VerifyingKey.decode(cm.vk().encode()));
    IntegerEngine engine = new IntegerEngine(model);
    int[] predicted =
        inputs.stream()
            .mapToInt(
                x ->
                    Predictions.topK(engine.trace(x).tensor(verifier.circuit().outputTensor()), 1)[
                        0])
            .toArray();
    // A label set with every other sample's label set to its prediction: a count between 0 and N
    // that differs from the real labels' whenever the model is wrong somewhere.
    int[] mixed = labels.clone();
    for (int b = 0; b < mixed.length; b += 2) {
      mixed[b] = predicted[b];
    }
    for (boolean zk : new boolean[] {false, true}) {
      for (int n : new int[] {1, 3, 4}) {
        for (int[] y : new int[][] {labels, mixed}) {
          List<int[]> batch = inputs.subList(0, n);
          int[] ys = java.util.Arrays.copyOf(y, n);
          int expected = 0;
          for (int b = 0; b < n; b++) {
            expected += predicted[b] == ys[b] ? 1 : 0;
          }
          ModelProof proof = ModelProver.proveAccuracy(cm, batch, ys, ProgressListener.NONE, zk);
          assertTrue(proof.isAccuracy());
          assertEquals(0, proof.output().length, "an accuracy proof states no logits");
          assertEquals(zk, proof.zeroKnowledge());
          ModelVerifier.VerifiedAccuracy result =
              verifier.verifyAccuracy(ModelProof.decode(proof.encode()), batch, ys);
          assertEquals(
              new ModelVerifier.VerifiedAccuracy(expected, n),
              result,
              "N = " + n + (zk ? ", zero knowledge" : ", plain"));
        }
      }
    }
  }

  /**
   * In a zero-knowledge accuracy proof every claim the reduction leaves on the four accuracy
   * columns gives a padding entry a nonzero weight, so their uniform padding masks it: the logits'
   * (a padding class of some sample: the gadget's claim reads width = height = 0, where the channel
   * padding is), the selector's and gap's (outside the box), the maximum's (a padding sample). Only
   * the count and the labels are public.
   */
  @Test
  void everyClaimOnTheAccuracyColumnsWeighsPadding() throws Exception {
    List<int[]> batch = mnistInputs.subList(0, 3);
    int[] ys = java.util.Arrays.copyOf(mnistLabels, 3);
    ModelVerifier verifier = new ModelVerifier(mnistKey.vk());
    ModelProof proof = ModelProver.proveAccuracy(mnistKey, batch, ys, ProgressListener.NONE, true);
    io.zkaudit.layers.ModelCircuit c = verifier.circuit(true);
    io.zkaudit.inference.Batch b = new io.zkaudit.inference.Batch(3);
    io.zkaudit.inference.AccuracyLayout a = io.zkaudit.inference.AccuracyLayout.of(c, b);
    io.zkaudit.lookup.LookupStatement st =
        io.zkaudit.inference.InferenceStatement.lookups(c, false, b, a).withBlinding();
    io.zkaudit.accuracy.ArgmaxLayout g = a.argmax();
    java.util.Map<Integer, java.util.function.IntPredicate> padding = new java.util.HashMap<>();
    io.zkaudit.layers.TensorLayout logits = a.logits();
    padding.put(
        io.zkaudit.inference.InferenceStatement.accuracyColumn(
            c, st, io.zkaudit.accuracy.ColumnEvaluation.Column.LOGITS),
        i -> !logits.isReal(i & (logits.paddedSize() - 1)));
    for (var col :
        List.of(
            io.zkaudit.accuracy.ColumnEvaluation.Column.SELECTOR,
            io.zkaudit.accuracy.ColumnEvaluation.Column.GAP)) {
      padding.put(
          io.zkaudit.inference.InferenceStatement.accuracyColumn(c, st, col), i -> !g.isReal(i));
    }
    padding.put(
        io.zkaudit.inference.InferenceStatement.accuracyColumn(
            c, st, io.zkaudit.accuracy.ColumnEvaluation.Column.MAX),
        sample -> !g.isRealSample(sample));
    int checked = 0;
    for (io.zkaudit.pcs.ColumnClaim claim :
        verifier.reduceAccuracy(proof, batch, ys).witnessClaims()) {
      java.util.function.IntPredicate pad = padding.get(claim.column());
      if (pad == null) {
        continue;
      }
      checked++;
      long[] eq = io.zkaudit.poly.Mle.eqTable(claim.point());
      boolean weighs = false;
      for (int i = 0; i < eq.length / 2 && !weighs; i++) {
        weighs = pad.test(i) && (eq[2 * i] != 0 || eq[2 * i + 1] != 0);
      }
      assertTrue(weighs, "a claim on accuracy column " + claim.column() + " weighs no padding");
    }
    // logits: the last layer's rounding row and the gadget; selector, maximum; gap: the gadget's
    // and the range lookup's.
    assertEquals(6, checked, "claims on the accuracy columns");
  }

  /**
   * The soundness report of an accuracy proof has the batch's lookups and bins and the gadget's
   * rounds, and its weakest round is still at least 100 provable bits.
   */
  @Test
  void theAccuracyProofsSoundnessReportHasTheGadgetsRounds() throws Exception {
    ModelVerifier verifier = new ModelVerifier(mnistKey.vk());
    for (boolean zk : new boolean[] {false, true}) {
      io.zkaudit.soundness.SoundnessReport s = verifier.accuracySoundness(zk, 4);
      assertTrue(s.bits() >= 100, s.table());
      assertTrue(s.table().contains("argmax/count"), s.table());
      assertTrue(s.table().contains("each sumcheck round"), s.table());
    }
  }

  /**
   * Logits that are not a rounding layer's output: a model ending in a unary table (dense → tanh)
   * and one ending in a max pool ([1, 2, 2, 10] → [1, 1, 1, 10]). The committed output's padding
   * comes from the unary's and the pool's own output placement; plain and zero knowledge, N = 3,
   * the count is the engine's.
   */
  @Test
  void logitsFromAUnaryTableOrAMaxPoolProveTheirCount() throws Exception {
    QuantizedModel unary =
        new io.zkaudit.testutil.TinyModels.Chain("acc-unary", List.of(1, 4, 4, 3), 0)
            .denseRandom("fc", 10, 5, 21)
            .unary("tanh", io.zkaudit.model.UnaryFunction.TANH, 1f / 64, 0)
            .build();
    QuantizedModel pool =
        new io.zkaudit.testutil.TinyModels.Chain("acc-pool", List.of(1, 2, 2, 10), 0)
            .maxPool("pool")
            .build();
    for (QuantizedModel m : List.of(unary, pool)) {
      CommittedModel cm = ModelProver.commit(m);
      java.util.Random r = new java.util.Random(7);
      List<int[]> inputs = new java.util.ArrayList<>();
      for (int b = 0; b < 3; b++) {
        int[] x = new int[m.input().size()];
        for (int i = 0; i < x.length; i++) {
          x[i] = r.nextInt(256) - 128;
        }
        inputs.add(x);
      }
      int[] labels = {r.nextInt(10), r.nextInt(10), r.nextInt(10)};
      ModelVerifier verifier = new ModelVerifier(cm.vk());
      IntegerEngine engine = new IntegerEngine(m);
      int expected = 0;
      for (int b = 0; b < 3; b++) {
        int[] logits = engine.trace(inputs.get(b)).tensor(verifier.circuit().outputTensor());
        int p = Predictions.topK(logits, 1)[0];
        labels[b] = b == 0 ? p : labels[b]; // at least one right
        expected += p == labels[b] ? 1 : 0;
      }
      for (boolean zk : new boolean[] {false, true}) {
        ModelProof proof = ModelProver.proveAccuracy(cm, inputs, labels, ProgressListener.NONE, zk);
        assertEquals(
            expected,
            verifier.verifyAccuracy(proof, inputs, labels).correct(),
            m.description().name() + (zk ? ", zero knowledge" : ", plain"));
      }
    }
  }

  /**
   * A model whose output is a map ([1, 2, 2, 10] here) has no one argmax per sample: the prover and
   * the verifier refuse it by that reason, before reading a label, even a label below H·W·K that a
   * check against the tensor's size would let through.
   */
  @Test
  void aSpatialOutputIsRefusedByItsShapeNotByALabel() throws Exception {
    QuantizedModel map =
        new io.zkaudit.testutil.TinyModels.Chain("acc-map", List.of(1, 2, 2, 10), 0)
            .unary("tanh", io.zkaudit.model.UnaryFunction.TANH, 1f / 64, 0)
            .build();
    CommittedModel cm = ModelProver.commit(map);
    List<int[]> inputs = List.of(new int[map.input().size()]);
    int[] labels = {25}; // < 2 x 2 x 10, not a class
    IllegalArgumentException verify =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () ->
                new ModelVerifier(cm.vk())
                    .verifyAccuracy(
                        ModelProver.proveBatch(cm, inputs, ProgressListener.NONE, false),
                        inputs,
                        labels));
    assertTrue(
        verify.getMessage().contains("one vector of logits per sample"), verify.getMessage());
    ProverException prove =
        org.junit.jupiter.api.Assertions.assertThrows(
            ProverException.class,
            () ->
                ModelProver.proveAccuracy(cm, inputs, new int[] {3}, ProgressListener.NONE, false));
    assertTrue(prove.getMessage().contains("one vector of logits per sample"), prove.getMessage());
  }

  /**
   * Models of 2, 4 and 16 classes fill their channel bits: a zero-knowledge accuracy proof reads
   * the logits' padding rows as padding classes (AccuracyLayout), so they prove their count in zero
   * knowledge as in plain (they were refused), and every claim on the logits weighs padding.
   */
  @Test
  void powerOfTwoClassCountsProveInZeroKnowledge() throws Exception {
    for (int k : new int[] {2, 4, 16}) {
      QuantizedModel m =
          new io.zkaudit.testutil.TinyModels.Chain("acc-" + k, List.of(1, 3, 3, 2), 0)
              .denseRandom("fc", k, 5, 21 + k)
              .build();
      CommittedModel cm = ModelProver.commit(m);
      java.util.Random r = new java.util.Random(k);
      List<int[]> inputs = new java.util.ArrayList<>();
      int[] labels = new int[5];
      IntegerEngine engine = new IntegerEngine(m);
      ModelVerifier verifier = new ModelVerifier(cm.vk());
      int expected = 0;
      for (int b = 0; b < 5; b++) {
        int[] x = new int[m.input().size()];
        for (int i = 0; i < x.length; i++) {
          x[i] = r.nextInt(256) - 128;
        }
        inputs.add(x);
        int p = Predictions.topK(engine.trace(x).tensor(verifier.circuit().outputTensor()), 1)[0];
        labels[b] = b % 2 == 0 ? p : (p + 1) % k;
        expected += p == labels[b] ? 1 : 0;
      }
      for (boolean zk : new boolean[] {false, true}) {
        ModelProof proof = ModelProver.proveAccuracy(cm, inputs, labels, ProgressListener.NONE, zk);
        assertEquals(
            expected,
            verifier.verifyAccuracy(ModelProof.decode(proof.encode()), inputs, labels).correct(),
            k + " classes" + (zk ? ", zero knowledge" : ", plain"));
        int[] wrong = labels.clone();
        wrong[1] = (wrong[1] + 1) % k;
        org.junit.jupiter.api.Assertions.assertThrows(
            io.zkaudit.proof.InvalidProofException.class,
            () -> verifier.verifyAccuracy(proof, inputs, wrong),
            k + " classes, another label");
      }
    }
  }
}
