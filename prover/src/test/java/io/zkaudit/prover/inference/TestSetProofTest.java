package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.accuracy.ArgmaxCountStatement;
import io.zkaudit.accuracy.Rejection;
import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.engine.Predictions;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.inference.TestSetCommitment;
import io.zkaudit.inference.TestSetOpening;
import io.zkaudit.inference.TestSetReveal;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.MnistCnn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;

/**
 * Accuracy proofs about a buyer's test-set commitment T (docs/accuracy-proof.md, "The test-set
 * commitment as built"): the honest proof states the engine's count knowing only T, and every cheat
 * (by the seller, or by a buyer who changes a label after committing) is rejected with its reason.
 * MNIST CNN, N = 4, labels with sample 0's set to a class the model does not predict, so both a
 * higher and a lower count can be claimed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestSetProofTest {
  static final int N = 4;

  QuantizedModel mnist;
  CommittedModel key;
  ModelVerifier verifier;
  List<int[]> inputs;
  int[] labels;
  int[] predicted;
  int honest;
  byte[] seed;
  CommittedTestSet testSet;
  TestSetCommitment t;
  ModelProof proof;

  @BeforeAll
  void commitAndProve() throws Exception {
    mnist = MnistCnn.model();
    key = ModelProver.commit(mnist);
    verifier = new ModelVerifier(key.vk());
    inputs = MnistCnn.inputs(mnist, N + 1).subList(0, N);
    IntegerEngine engine = new IntegerEngine(mnist);
    predicted =
        inputs.stream()
            .mapToInt(
                x -> Predictions.topK(engine.trace(x).tensor(key.circuit().outputTensor()), 1)[0])
            .toArray();
    labels = MnistCnn.labels(N);
    labels[0] = (predicted[0] + 1) % 10;
    for (int b = 0; b < N; b++) {
      honest += predicted[b] == labels[b] ? 1 : 0;
    }
    assertTrue(honest >= 1 && honest < N, "the cheats need a right and a wrong sample: " + honest);
    seed = new byte[16];
    Arrays.fill(seed, (byte) 7);
    testSet = TestSets.commit(key.vk(), new TestSetReveal(inputs, labels, seed));
    t = testSet.commitment();
    // The seller's side: T and the reveal, as the buyer hands them over.
    CommittedTestSet opened =
        TestSets.open(
            key.vk(),
            TestSetCommitment.decode(t.encode()),
            TestSetReveal.decode(testSet.reveal().encode()));
    proof = ModelProver.proveAccuracy(key, opened, ProgressListener.NONE);
  }

  @Test
  void theHonestProofStatesTheCountKnowingOnlyT() throws Exception {
    assertTrue(proof.isTestSet() && proof.zeroKnowledge());
    ModelVerifier.VerifiedAccuracy v =
        verifier.verifyAccuracy(
            ModelProof.decode(proof.encode()), TestSetCommitment.decode(t.encode()));
    assertEquals(honest, v.correct());
    assertEquals(N, v.samples());
    assertEquals(honest + "/" + N, v.toString());
    // The statement names T, not the samples: the proof bytes hold no input value, and T's
    // encoding is magic, N and the root.
    assertEquals(4 + 4 + 32 + 1, t.encode().length);
    assertEquals(32, t.digest().bytes().length);
    assertTrue(proof.sectionSizes().containsKey("test-set shadow link"));
    // The same samples give the same T with the same seed, another T with another seed.
    assertEquals(t, TestSetOpening.commitment(key.vk(), testSet.reveal()));
    assertNotEquals(t, TestSets.commit(key.vk(), inputs, labels).commitment());
    // Provable soundness: no input point, T's shadow and link.
    var report = verifier.testSetSoundness(N);
    assertTrue(report.bits() >= 100, report.toString());
    assertTrue(report.toString().contains("link of the test-set shadow"), report.toString());
  }

  /**
   * Zero knowledge: every claim the proof makes on T (the first layer's on the inputs, the gadget's
   * on the labels) is T's column at a random point, and weighs the column's uniform padding: the
   * same column with its padding zeroed has another value there. So a claim is uniform given the
   * statement (docs/zero-knowledge.md, technique 2), and reveals no input or label.
   */
  @Test
  void everyClaimOnTWeighsItsUniformPadding() throws Exception {
    io.zkaudit.layers.ModelCircuit zk = key.circuit(true);
    io.zkaudit.layers.TensorLayout in = io.zkaudit.inference.InferenceStatement.inputLayout(zk);
    io.zkaudit.accuracy.ArgmaxLayout argmax = TestSetCommitment.accuracy(zk, N).argmax();
    long[] inputsPaddingZeroed = testSet.inputColumn().clone();
    for (int i = 0; i < inputsPaddingZeroed.length; i++) {
      if (!in.isReal(i % in.paddedSize())) {
        inputsPaddingZeroed[i] = 0;
      }
    }
    long[] labelsPaddingZeroed = testSet.labelColumn().clone();
    for (int i = 0; i < labelsPaddingZeroed.length; i++) {
      if (!argmax.isReal(i)) {
        labelsPaddingZeroed[i] = 0;
      }
    }
    var claims = verifier.reduceAccuracy(proof, t).inputClaims();
    int[] perColumn = new int[2];
    for (io.zkaudit.pcs.ColumnClaim c : claims) {
      io.zkaudit.field.Ext2[] shadowPoint = c.point();
      assertTrue(shadowPoint[0].isZero(), "claims are on the shadow's t = 0 half, T itself");
      io.zkaudit.field.Ext2[] point = Arrays.copyOfRange(shadowPoint, 1, shadowPoint.length);
      boolean inputs = c.column() == TestSetCommitment.INPUT_COLUMN;
      long[] column = inputs ? testSet.inputColumn() : testSet.labelColumn();
      assertEquals(c.value(), io.zkaudit.poly.Mle.evaluate(column, point));
      assertNotEquals(
          c.value(),
          io.zkaudit.poly.Mle.evaluate(inputs ? inputsPaddingZeroed : labelsPaddingZeroed, point),
          "a claim on T's column " + c.column() + " weighs no padding");
      perColumn[c.column()]++;
    }
    assertTrue(perColumn[0] >= 1 && perColumn[1] == 1, Arrays.toString(perColumn));
  }

  /** correct ± 1 with the honest witness: the count relation (E) fails in the gadget's sumcheck. */
  @Test
  void aCountOneHigherOrLowerIsRejected() {
    for (int delta : new int[] {1, -1}) {
      ModelProof cheat =
          altered(
              run ->
                  run.argmaxStatement =
                      new ArgmaxCountStatement(
                          run.argmaxStatement.layout(),
                          new ArgmaxCountStatement.Labels.Committed(),
                          honest + delta));
      assertEquals(honest + delta, cheat.accuracy().correct());
      assertRejected(() -> verifier.verifyAccuracy(cheat, t), Rejection.RELATIONS.text());
    }
  }

  /**
   * A sample swapped: the seller proves the inference of an input that is not in T at sample 1 (its
   * own reveal, T's commitment and shadow): the input claims on T's shadow fail the opening. And an
   * honest proof about a T' holding the swapped sample is about another T.
   */
  @Test
  void aSampleSwappedForAnotherInputIsRejected() throws Exception {
    List<int[]> swapped = new ArrayList<>(inputs);
    swapped.set(1, MnistCnn.inputs(mnist, N + 1).get(N));
    assertFalse(Arrays.equals(swapped.get(1), inputs.get(1)));
    CommittedTestSet other = TestSets.commit(key.vk(), new TestSetReveal(swapped, labels, seed));
    CommittedTestSet forged =
        new CommittedTestSet(
            t, other.reveal(), other.inputColumn(), testSet.labelColumn(), testSet.committed());
    ModelProof cheat =
        CheatingProver.finish(
            new ProofRun(key, new ProofRun.ProverInput.TestSet(forged), true, ProgressListener.NONE)
                .infer()
                .witness()
                .bindPrivateInput()
                .blind());
    assertRejected(() -> verifier.verifyAccuracy(cheat, t), OPENING);
    ModelProof aboutOther = ModelProver.proveAccuracy(key, other, ProgressListener.NONE);
    verifier.verifyAccuracy(aboutOther, other.commitment());
    assertRejected(() -> verifier.verifyAccuracy(aboutOther, t), STATEMENT);
  }

  /**
   * A buyer who changes a label after committing: the reveal with the changed label does not open T
   * (the seller's check refuses it, on either side's code), and a proof made from it fails against
   * T; a seller whose gadget sums against the changed labels under T's commitment fails the opening
   * of the label claim.
   */
  @Test
  void aLabelChangedAfterCommittingIsCaught() throws Exception {
    int[] changed = labels.clone();
    int right = 0;
    while (predicted[right] != labels[right]) {
      right++;
    }
    changed[right] = (changed[right] + 1) % 10; // one right sample fewer
    TestSetReveal lying = new TestSetReveal(inputs, changed, seed);
    ProverException refused =
        assertThrows(ProverException.class, () -> TestSets.open(key.vk(), t, lying));
    assertTrue(
        refused.getMessage().contains("the reveal does not open the test-set commitment"),
        refused.getMessage());
    IllegalArgumentException refusedToo =
        assertThrows(
            IllegalArgumentException.class, () -> TestSetOpening.check(key.vk(), t, lying));
    assertTrue(refusedToo.getMessage().contains("does not open"), refusedToo.getMessage());
    TestSetOpening.check(key.vk(), t, testSet.reveal());

    CommittedTestSet afterwards = TestSets.commit(key.vk(), lying);
    ModelProof fromChanged = ModelProver.proveAccuracy(key, afterwards, ProgressListener.NONE);
    assertEquals(
        verifier.verifyAccuracy(fromChanged, afterwards.commitment()).correct(),
        fromChanged.accuracy().correct());
    assertRejected(() -> verifier.verifyAccuracy(fromChanged, t), STATEMENT);

    // The seller's gadget sums against the changed labels, stating their count, under T.
    int changedCount = 0;
    for (int b = 0; b < N; b++) {
      changedCount += predicted[b] == changed[b] ? 1 : 0;
    }
    int stated = changedCount;
    assertEquals(honest - 1, stated);
    ModelProof summedAgainstChanged =
        altered(
            run -> {
              run.labelTable = afterwards.labelColumn();
              run.argmaxStatement =
                  new ArgmaxCountStatement(
                      run.argmaxStatement.layout(),
                      new ArgmaxCountStatement.Labels.Committed(),
                      stated);
            });
    assertEquals(stated, summedAgainstChanged.accuracy().correct());
    assertRejected(() -> verifier.verifyAccuracy(summedAgainstChanged, t), OPENING);
  }

  /** A proof about another T of the same samples (another seed) does not verify under T. */
  @Test
  void aProofUnderAnotherTestSetIsRejected() throws Exception {
    CommittedTestSet another = TestSets.commit(key.vk(), inputs, labels);
    ModelProof p = ModelProver.proveAccuracy(key, another, ProgressListener.NONE);
    assertEquals(honest, verifier.verifyAccuracy(p, another.commitment()).correct());
    assertRejected(() -> verifier.verifyAccuracy(p, t), STATEMENT);
    // Its statement names its own T: restating T changes the transcript from the first challenge.
    ModelProof restated = CheatingProver.finish(statingAnotherT(another, t));
    assertRejected(() -> verifier.verifyAccuracy(restated, t), LINK);
  }

  /**
   * A subset: a proof about the first N − 1 samples (their own T) against T of N; and T of N
   * claimed as N + 1 or N − 1 samples (its root re-labelled) refuses every proof.
   */
  @Test
  void aSubsetOrAnotherSampleCountIsRejected() throws Exception {
    CommittedTestSet subset =
        TestSets.commit(
            key.vk(),
            new TestSetReveal(inputs.subList(0, N - 1), Arrays.copyOf(labels, N - 1), seed));
    ModelProof p = ModelProver.proveAccuracy(key, subset, ProgressListener.NONE);
    verifier.verifyAccuracy(p, subset.commitment());
    assertRejected(
        () -> verifier.verifyAccuracy(p, t),
        "the proof is about 3 samples, the test-set commitment holds 4");
    TestSetCommitment more = new TestSetCommitment(N + 1, t.commitment());
    TestSetCommitment fewer = new TestSetCommitment(N - 1, t.commitment());
    assertNotEquals(t.digest(), more.digest());
    assertRejected(
        () -> verifier.verifyAccuracy(proof, more),
        "the proof is about 4 samples, the test-set commitment holds 5");
    // Same size of commitment (the label table's one sample bit less does not change it): the
    // digest, and with it every challenge, differs.
    assertRejected(() -> verifier.verifyAccuracy(p, fewer), STATEMENT);
    // The proof's own sample count rewritten to N + 1 (its bytes): another shape, another
    // statement.
    byte[] bytes = proof.encode();
    int samplesAt = 4 + 4 + 1 + 32;
    assertEquals(N, bytes[samplesAt]);
    bytes[samplesAt] = N + 1;
    ModelProof claimed = ModelProof.decode(bytes);
    // T's size does not tell 4 from 5 samples here (its hiding entries dominate), but a proof of
    // 5 samples has another shape: its lookup proof is malformed for it.
    assertRejected(
        () -> verifier.verifyAccuracy(claimed, more), "logup: 34 mask values, expected 36");
  }

  /** Each kind by name: public-input accuracy proofs, batch and single-sample proofs. */
  @Test
  void otherKindsAreRefusedByName() throws Exception {
    ModelProof publicOne = ModelProver.proveAccuracy(key, inputs, labels, ProgressListener.NONE);
    assertRejected(
        () -> verifier.verifyAccuracy(publicOne, t),
        "the proof is about public inputs and labels, not a test-set commitment");
    assertRejected(
        () -> verifier.verifyAccuracy(proof, inputs, labels),
        "the proof is about a test-set commitment, not public inputs and labels");
    assertRejected(
        () -> verifier.verify(proof, inputs.getFirst()),
        "verify it against its test-set commitment");
    assertRejected(
        () ->
            verifier.verifyCommitted(
                proof, new io.zkaudit.inference.InputCommitment(t.commitment())),
        "verify it against its test-set commitment");
    ModelProof batch = ModelProver.proveBatch(key, inputs, ProgressListener.NONE);
    assertRejected(() -> verifier.verifyAccuracy(batch, t), "not an accuracy proof");
    assertThrows(
        ProverException.class,
        () ->
            new ProofRun(
                key, new ProofRun.ProverInput.TestSet(testSet), false, ProgressListener.NONE));
  }

  /**
   * Bytes flipped in the new sections (T's shadow commitment, the link to T) and the flag byte:
   * none verifies.
   */
  @Test
  void tamperedBytesInTheNewSectionsAreRejected() throws Exception {
    byte[] bytes = proof.encode();
    byte[] shadow = proof.privateInput().shadow().encode();
    byte[] link = proof.privateInput().link();
    int shadowAt = indexOf(bytes, shadow);
    int linkAt = bytes.length - link.length;
    assertTrue(shadowAt > 0, "the shadow's bytes are in the proof");
    List<Integer> positions = new ArrayList<>();
    for (int i = 0; i < shadow.length; i += 3) {
      positions.add(shadowAt + i);
    }
    for (int i = 0; i < link.length; i += Math.max(1, link.length / 24)) {
      positions.add(linkAt + i);
    }
    positions.add(4 + 4); // the flags
    positions.add(linkAt - 4); // the link's length
    for (int at : positions) {
      byte[] tampered = bytes.clone();
      tampered[at] ^= (byte) 0x5a;
      InvalidProofException e =
          assertThrows(
              InvalidProofException.class,
              () -> verifier.verifyAccuracy(ModelProof.decode(tampered), t),
              "byte " + at);
      assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
    }
    assertTrue(positions.size() >= 30, positions.size() + " flips");
  }

  // ---- helpers ----

  /**
   * The batched opening's claim reduction: a claim on T's shadow (an input or label value) that the
   * committed T does not give.
   */
  static final String OPENING = "reduction round";

  /** T's shadow is not T: the link's queried rows differ from T's. */
  static final String LINK = "shadow link";

  /**
   * A proof made under another statement (another T, hence another digest in the transcript) meets
   * other challenges from the first one on: its lookup proof, the first check that reads them,
   * fails.
   */
  static final String STATEMENT = "logup GKR";

  private ModelProof altered(Consumer<ProofRun> alter) {
    ProofRun run =
        new ProofRun(key, new ProofRun.ProverInput.TestSet(testSet), true, ProgressListener.NONE);
    run.infer().witness();
    alter.accept(run);
    run.bindPrivateInput().blind();
    return CheatingProver.finish(run);
  }

  private ProofRun statingAnotherT(CommittedTestSet provenAgainst, TestSetCommitment stated) {
    ProofRun run =
        new ProofRun(
            key, new ProofRun.ProverInput.TestSet(provenAgainst), true, ProgressListener.NONE);
    run.statedTestSet = stated;
    return run.infer().witness().bindPrivateInput().blind();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static void assertRejected(Executable verify, String reason) {
    InvalidProofException e = assertThrows(InvalidProofException.class, verify);
    System.out.println("rejected: " + e.getMessage());
    assertTrue(
        e.getMessage().contains(reason), "expected '" + reason + "', got: " + e.getMessage());
  }
}
