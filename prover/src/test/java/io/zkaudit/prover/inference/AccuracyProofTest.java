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
}
