package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.inference.WeightLayout;
import io.zkaudit.inference.WeightRanges;
import io.zkaudit.model.Padding;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.TinyModels;
import io.zkaudit.testutil.TinyModels.Chain;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A model that commits no constant (issue 18: only pools, requantizations and reshapes, as a chain
 * part without weights can be) is provable: its weight commitment holds hiding randomness only, so
 * there is no weight range to prove, and its key carries no range proof. Before, {@code zkaudit
 * commit} of such a model crashed ("the model commits no constant to range-check", exit 3).
 */
class WeightlessModelProofTest {

  /**
   * A padded 3x3 max pool, a 2x2/2 average pool, a requantization, a spatial mean and a flatten:
   * every layer a proof covers without a weight.
   */
  static QuantizedModel poolsOnly() {
    return new Chain("weightless-pools", List.of(1, 8, 8, 2))
        .maxPool("max", 3, 1, new Padding(1, 1, 1, 1), -128, 127)
        .averagePool("avg", 2, 2, Padding.NONE)
        .requantize("q")
        .mean("mean")
        .flatten("flatten")
        .build();
  }

  @Test
  void aModelWithoutWeightsCommitsAndItsKeyNeedsNoRangeProof() throws Exception {
    QuantizedModel m = poolsOnly();
    assertTrue(m.constants().isEmpty(), "the test model has no constant");
    Provability p = Provability.of(m);
    assertTrue(p.provable(), p.messages().toString());
    CommittedModel cm = ModelProver.commit(m);
    assertTrue(
        cm.layout().entries().stream().allMatch(e -> e.kind() == WeightLayout.Kind.HIDING),
        "the weight commitment holds hiding randomness only: " + cm.layout());
    VerifyingKey vk = WeightRangeProver.certify(cm);
    assertNull(vk.rangeProof(), "nothing to range-check, so no range proof");
    VerifyingKey decoded = VerifyingKey.decode(vk.encode());
    assertEquals(cm.vk().digest(), decoded.digest());
    WeightRanges st = WeightRanges.of(decoded);
    assertTrue(st.empty());
    st.verify(decoded, decoded.rangeProof());
    WeightRanges.check(decoded);
    assertTrue(WeightRanges.verified(decoded.digest()));
    // The range prover refuses to prove an empty statement rather than make a proof of nothing.
    assertThrows(IllegalStateException.class, () -> WeightRangeProver.prove(cm));
  }

  @Test
  void aModelWithoutWeightsProvesAndVerifiesWithTheEnginesOutputs() throws Exception {
    QuantizedModel m = poolsOnly();
    CommittedModel cm = ModelProver.commit(m);
    // Zero knowledge and plain, three inputs with three different outputs (MaxPoolProofTest's
    // check): each proof verifies to the integer engine's output.
    MaxPoolProofTest.provesTheEnginesOutputs(m, cm);
    // A proof is about its own input: verifying it for another input fails.
    List<int[]> xs = MaxPoolProofTest.inputs(m, 2, 99);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    for (boolean zk : new boolean[] {true, false}) {
      ModelProof proof = ModelProver.prove(cm, xs.get(0), ProgressListener.NONE, zk);
      verifier.verify(proof, xs.get(0));
      assertThrows(
          InvalidProofException.class,
          () -> verifier.verify(proof, xs.get(1)),
          zk ? "zero-knowledge" : "plain");
    }
  }

  /**
   * Accuracy proofs of a weightless model (what a buyer's audit asks by default): over public
   * samples and about a test-set commitment T, each counts the engine's predictions; the proof
   * about T does not verify against another T (one label changed).
   */
  @Test
  void aWeightlessModelsAccuracyProofsCountTheEnginesPredictions() throws Exception {
    QuantizedModel m = poolsOnly();
    CommittedModel cm = ModelProver.commit(m);
    List<int[]> xs = MaxPoolProofTest.inputs(m, 4, 11);
    io.zkaudit.engine.IntegerEngine engine = new io.zkaudit.engine.IntegerEngine(m);
    int[] labels = new int[xs.size()];
    int correct = 0;
    for (int b = 0; b < labels.length; b++) {
      int predicted = io.zkaudit.engine.Predictions.topK(engine.infer(xs.get(b)), 1)[0];
      labels[b] = b % 2 == 0 ? predicted : 1 - predicted; // two outputs: the other class
      correct += labels[b] == predicted ? 1 : 0;
    }
    assertEquals(2, correct);
    ModelVerifier v = new ModelVerifier(cm.vk());
    assertEquals(
        correct,
        v.verifyAccuracy(
                ModelProver.proveAccuracy(cm, xs, labels, ProgressListener.NONE, true), xs, labels)
            .correct());
    CommittedTestSet t = TestSets.commit(cm.vk(), xs, labels);
    ModelVerifier.VerifiedAccuracy onT =
        v.verifyAccuracy(ModelProver.proveAccuracy(cm, t, ProgressListener.NONE), t.commitment());
    assertEquals(correct, onT.correct());
    assertEquals(xs.size(), onT.samples());
    // The same proof about another test set (one label changed) does not verify.
    int[] changed = labels.clone();
    changed[1] = 1 - changed[1];
    CommittedTestSet other = TestSets.commit(cm.vk(), xs, changed);
    ModelProof aboutT = ModelProver.proveAccuracy(cm, t, ProgressListener.NONE);
    assertThrows(InvalidProofException.class, () -> v.verifyAccuracy(aboutT, other.commitment()));
  }

  /**
   * A chain whose head commits no weight (a convolution body, then a max pool and a mean): the
   * head's key needs no range proof, and the chain verifies with the whole model's output; the head
   * proven on another input's intermediate is rejected against this body proof.
   */
  @Test
  void aChainWhoseHeadHasNoWeightsVerifies() throws Exception {
    QuantizedModel m =
        new Chain("conv-then-pools", List.of(1, 6, 6, 2))
            .conv("conv", 3, 1, new Padding(1, 1, 1, 1), 3, 4, 5)
            .maxPool("max", 2, 2, Padding.NONE, -128, 127)
            .mean("mean")
            .build();
    io.zkaudit.prover.model.ModelSplit split = io.zkaudit.prover.model.ModelSplit.at(m, 1);
    CommittedModel body = ModelProver.commit(split.body());
    CommittedModel head = ModelProver.commit(split.head());
    // A part keeps the model's constants, but its circuit commits only what its own layers read.
    assertTrue(
        head.layout().entries().stream().allMatch(e -> e.kind() == WeightLayout.Kind.HIDING),
        "the head commits no weight: " + head.layout());
    VerifyingKey headKey = VerifyingKey.decode(WeightRangeProver.certify(head).encode());
    assertNull(headKey.rangeProof());
    WeightRanges.check(headKey);
    List<int[]> xs = MaxPoolProofTest.inputs(m, 2, 7);
    ModelProver.BodyProof bx =
        ModelProver.proveCommittedOutput(body, xs.get(0), ProgressListener.NONE);
    ModelProver.BodyProof by =
        ModelProver.proveCommittedOutput(body, xs.get(1), ProgressListener.NONE);
    ModelProof hx = ModelProver.prove(head, bx.output().committed(), ProgressListener.NONE);
    ModelProof hy = ModelProver.prove(head, by.output().committed(), ProgressListener.NONE);
    ModelVerifier bv = new ModelVerifier(body.vk());
    ModelVerifier hv = new ModelVerifier(headKey);
    int[] out =
        io.zkaudit.inference.ProofChain.verify(
            bv, bx.proof(), xs.get(0), bx.output().commitment(), hv, hx);
    int[] whole =
        new io.zkaudit.engine.IntegerEngine(m)
            .trace(xs.get(0))
            .tensor(io.zkaudit.layers.ModelCircuit.of(m.description(), true).outputTensor());
    org.junit.jupiter.api.Assertions.assertArrayEquals(whole, out);
    assertThrows(
        InvalidProofException.class,
        () ->
            io.zkaudit.inference.ProofChain.verify(
                bv, bx.proof(), xs.get(0), bx.output().commitment(), hv, hy));
  }

  /**
   * No proof opens a weightless model's weight commitment, so its hiding budget is unlimited (a
   * seller never rotates it) and a rotation is refused with a reason rather than crashing on an
   * opening of nothing.
   */
  @Test
  void aWeightlessKeyNeverNeedsRotating() throws Exception {
    byte[] key =
        "a 32-byte hiding key for tests!!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    CommittedModel gen0 = ModelProver.commit(poolsOnly(), key);
    assertEquals(
        Long.MAX_VALUE,
        gen0.layout().hiddenProofs(io.zkaudit.inference.InferenceStatement.longLivedPcsParams()));
    ProverException e =
        assertThrows(ProverException.class, () -> RotationLinks.rotate(gen0, key, 1));
    assertTrue(e.getMessage().contains("nothing to rotate"), e.getMessage());
  }

  /**
   * The key's fields stay bound: a weightless key carrying a range proof (here another model's) is
   * refused, and a key of a model with weights still needs its own (a seller cannot drop it by
   * claiming to have no weights: whether a model has any is read from its description).
   */
  @Test
  void aRangeProofOnAWeightlessKeyIsRefusedAndAWeightedKeyStillNeedsOne() throws Exception {
    CommittedModel weighted = ModelProver.commit(TinyModels.withMaxPool());
    VerifyingKey weightedKey = WeightRangeProver.certify(weighted);
    assertNotNull(weightedKey.rangeProof());
    VerifyingKey forged =
        ModelProver.commit(poolsOnly()).vk().withRangeProof(weightedKey.rangeProof());
    InvalidProofException e =
        assertThrows(
            InvalidProofException.class,
            () -> WeightRanges.check(VerifyingKey.decode(forged.encode())));
    assertTrue(e.getMessage().contains("commits no constant"), e.getMessage());
    VerifyingKey bare = VerifyingKey.decode(weighted.vk().encode());
    assertNull(bare.rangeProof());
    InvalidProofException missing =
        assertThrows(InvalidProofException.class, () -> WeightRanges.check(bare));
    assertTrue(missing.getMessage().contains("no weight range proof"), missing.getMessage());
  }
}
