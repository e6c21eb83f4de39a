package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.accuracy.ArgmaxCountStatement;
import io.zkaudit.accuracy.ArgmaxLayout;
import io.zkaudit.accuracy.Rejection;
import io.zkaudit.engine.Predictions;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.accuracy.ArgmaxColumns;
import io.zkaudit.prover.lookup.LookupWitness;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.MnistCnn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;

/**
 * Sellers that try to make an accuracy proof state a count the model does not earn. Each cheater
 * runs the honest prover's rounds and changes the instance between two of them, recomputing
 * everything it can keep consistent (the gadget's maximum and gap from its selector, the range
 * lookup's multiplicities from the gaps that are in range, the count from its own selector), so
 * that it fails only where the proof binds it. Every rejection is asserted with its reason.
 *
 * <p>The labels: MNIST's first four test labels with sample 0's replaced by a class the model does
 * not predict, so the honest count is N − 1 and both a higher and a lower count can be claimed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccuracyCheatersTest {
  static final int N = 4;

  /**
   * The first check that reads a challenge of the statement's transcript: the committed inputs at
   * the input point. A proof made under another statement (other labels or count, another key,
   * another kind) has its input evaluation at another point, so it fails here, whatever it states
   * about its inputs.
   */
  static final String STATEMENT_BINDING =
      "the proof is about other inputs, or was made for other labels, another count or another key";

  QuantizedModel mnist;
  CommittedModel key;
  ModelVerifier verifier;
  List<int[]> inputs;
  int[] labels;
  int[] predicted;
  int honest;

  @BeforeAll
  void commit() throws Exception {
    mnist = MnistCnn.model();
    key = ModelProver.commit(mnist);
    verifier = new ModelVerifier(key.vk());
    inputs = MnistCnn.inputs(mnist, N);
    io.zkaudit.engine.IntegerEngine engine = new io.zkaudit.engine.IntegerEngine(mnist);
    predicted =
        inputs.stream()
            .mapToInt(x -> Predictions.topK(engine.trace(x).tensor(outputTensor()), 1)[0])
            .toArray();
    labels = MnistCnn.labels(N);
    labels[0] = (predicted[0] + 1) % 10;
    for (int b = 0; b < N; b++) {
      honest += predicted[b] == labels[b] ? 1 : 0;
    }
    assertTrue(honest >= 1 && honest < N, "the cheats need a right and a wrong sample: " + honest);
  }

  private int outputTensor() {
    return key.circuit().outputTensor();
  }

  @Test
  void theHonestProofStatesTheCount() throws Exception {
    for (boolean zk : new boolean[] {false, true}) {
      ModelProof proof = ModelProver.proveAccuracy(key, inputs, labels, ProgressListener.NONE, zk);
      assertEquals(honest, verifier.verifyAccuracy(proof, inputs, labels).correct());
    }
  }

  /** correct ± 1 stated with the honest witness: the count relation (E) fails in the sumcheck. */
  @Test
  void aCountOneHigherOrLowerWithTheHonestWitnessIsRejected() {
    for (boolean zk : new boolean[] {false, true}) {
      for (int delta : new int[] {1, -1}) {
        ModelProof cheat =
            CheatingProver.accuracyAlteringRun(
                key,
                inputs,
                labels,
                zk,
                run ->
                    run.argmaxStatement =
                        new ArgmaxCountStatement(
                            run.argmaxStatement.layout(), labels, honest + delta));
        assertEquals(honest + delta, cheat.accuracy().correct());
        assertRejected(
            () -> verifier.verifyAccuracy(cheat, inputs, labels), Rejection.RELATIONS.text());
      }
    }
  }

  /**
   * correct + 1: a wrong sample's selector moved to its label, the maximum and gaps recomputed from
   * the relations (so the sumcheck holds) and the count with it; the label's logit is below the
   * maximum, so a gap is negative and the range lookup (whose multiplicities count only the gaps in
   * range) fails. correct − 1 likewise moves a right sample's selector to another class.
   */
  @Test
  void aSelectorMovedToOrFromTheLabelIsRejectedByTheGapsRangeCheck() {
    int wrong = 0; // labels[0] is not the prediction
    int right = firstRight();
    for (boolean zk : new boolean[] {false, true}) {
      for (int[] move :
          new int[][] {{wrong, labels[wrong]}, {right, (predicted[right] + 3) % 10}}) {
        ModelProof cheat =
            CheatingProver.accuracyAlteringRun(
                key,
                inputs,
                labels,
                zk,
                run -> {
                  int[] choice = predicted.clone();
                  choice[move[0]] = move[1];
                  select(run, logitsOf(run), choice, labels);
                });
        assertEquals(
            move[0] == wrong ? honest + 1 : honest - 1,
            cheat.accuracy().correct(),
            "the cheater's count");
        assertRejected(
            () -> verifier.verifyAccuracy(cheat, inputs, labels),
            "logup: lookup 1: the witness fractions do not sum");
      }
    }
  }

  /**
   * Labels moved: the gadget sums the count against a label table with two samples' labels swapped
   * (its count is that table's) while the statement names the buyer's labels: the verifier's own
   * label table differs. And an honest proof for the moved labels does not verify against the
   * buyer's labels.
   */
  @Test
  void aCountAgainstMovedLabelsIsRejected() throws Exception {
    int right = firstRight();
    int[] moved = labels.clone();
    moved[0] = labels[right];
    moved[right] = labels[0];
    int movedCount = 0;
    for (int b = 0; b < N; b++) {
      movedCount += predicted[b] == moved[b] ? 1 : 0;
    }
    int count = movedCount;
    for (boolean zk : new boolean[] {false, true}) {
      ModelProof cheat =
          CheatingProver.accuracyAlteringRun(
              key,
              inputs,
              labels,
              zk,
              run -> {
                ArgmaxLayout layout = run.argmaxStatement.layout();
                run.labelTable = ArgmaxCountStatement.labelTable(layout, moved);
                run.argmaxStatement = new ArgmaxCountStatement(layout, labels, count);
              });
      assertEquals(count, cheat.accuracy().correct());
      assertRejected(
          () -> verifier.verifyAccuracy(cheat, inputs, labels), Rejection.RELATIONS.text());
      ModelProof forMoved =
          ModelProver.proveAccuracy(key, inputs, moved, ProgressListener.NONE, zk);
      assertEquals(count, verifier.verifyAccuracy(forMoved, inputs, moved).correct());
      assertRejected(() -> verifier.verifyAccuracy(forMoved, inputs, labels), STATEMENT_BINDING);
    }
  }

  /**
   * Another model's outputs: a proof under another commitment of a model (another key) is refused
   * by its key digest; rewritten to name this key, everything it committed was bound to the other
   * key's transcript, so the proof fails.
   */
  @Test
  void aProofUnderAnotherKeyIsRejected() throws Exception {
    CommittedModel other = ModelProver.commit(mnist); // fresh hiding: another weight commitment
    assertNotEquals(key.vk().digest(), other.vk().digest());
    ModelProof proof = ModelProver.proveAccuracy(other, inputs, labels, ProgressListener.NONE);
    assertRejected(
        () -> verifier.verifyAccuracy(proof, inputs, labels), "the proof is for another model");
    ModelProof renamed = withModel(proof, key.vk().digest());
    assertRejected(() -> verifier.verifyAccuracy(renamed, inputs, labels), STATEMENT_BINDING);
  }

  /**
   * A subset: the seller runs N − 1 inferences and reuses sample 0's for the last sample (its
   * logits, its gadget row), stating the N inputs; the committed inputs are not the stated ones.
   * And a proof of N − 1 samples is not a proof of N.
   */
  @Test
  void aSubsetPresentedAsTheWholeSetIsRejected() throws Exception {
    for (boolean zk : new boolean[] {false, true}) {
      ProofRun run =
          new ProofRun(
              key, new ProofRun.ProverInput.Accuracy(inputs, labels), zk, ProgressListener.NONE);
      run.infer();
      run.traces.set(N - 1, run.traces.getFirst());
      run.witness().blind();
      ModelProof cheat = CheatingProver.finish(run);
      assertRejected(
          () -> verifier.verifyAccuracy(cheat, inputs, labels), "the proof is about other inputs");
      List<int[]> fewer = inputs.subList(0, N - 1);
      int[] fewerLabels = Arrays.copyOf(labels, N - 1);
      ModelProof subset =
          ModelProver.proveAccuracy(key, fewer, fewerLabels, ProgressListener.NONE, zk);
      assertRejected(
          () -> verifier.verifyAccuracy(subset, inputs, labels),
          "the proof is about " + (N - 1) + " samples, " + N + " inputs are given");
    }
  }

  /**
   * Logits changed after the last layer: the wrong sample's label logit raised above its maximum in
   * the gadget's logits table, the gadget's witness recomputed honestly from the changed logits
   * (its count one higher, every gap in range). The committed logits are the model's, so the
   * gadget's logits claim fails at the opening (the batched opening's claim reduction). Changing
   * the committed logits column too (the gadget's table read from it again) changes the table the
   * last layer's rounding lookup reads: the changed logit is not the rounding of the layer's
   * accumulator, and the rounding lookup fails.
   */
  @Test
  void logitsTheModelDidNotComputeAreRejected() {
    for (boolean zk : new boolean[] {false, true}) {
      for (boolean alsoCommitted : new boolean[] {false, true}) {
        ModelProof cheat =
            CheatingProver.accuracyAlteringRun(
                key,
                inputs,
                labels,
                zk,
                run -> {
                  long[][] logits = logitsOf(run);
                  logits[0][labels[0]] = logits[0][predicted[0]] + 1;
                  int[] choice = predicted.clone();
                  choice[0] = labels[0];
                  if (alsoCommitted) {
                    // Sample 0, class labels[0] at width = height = 0: entry labels[0].
                    run.logitsColumn[labels[0]] = Goldilocks.fromSigned(logits[0][labels[0]]);
                    ArgmaxColumns c = run.gadgetColumns;
                    run.gadgetColumns =
                        new ArgmaxColumns(
                            run.accuracy.gadgetLogits(run.logitsColumn),
                            c.selector(),
                            c.max(),
                            c.gap());
                  }
                  select(run, logits, choice, labels);
                });
        assertEquals(honest + 1, cheat.accuracy().correct());
        // The committed logits are the very table the last layer's rounding row reads: a changed
        // logit is no longer the rounding of its accumulator, a tuple outside the rounding table.
        assertRejected(
            () -> verifier.verifyAccuracy(cheat, inputs, labels),
            alsoCommitted
                ? "logup: lookup 0: the witness fractions do not sum"
                : "reduction round");
      }
    }
  }

  /**
   * A batch proof is not an accuracy proof, nor the reverse, by their kinds; a seller that strips
   * an accuracy proof's section and states the logits (which it knows) as a batch proof's outputs,
   * or grafts an accuracy section onto a batch proof, fails the transcript each was made under; the
   * kind's flag bit flipped in the bytes does not decode.
   */
  @Test
  void aBatchProofIsNotAnAccuracyProofNorTheReverse() throws Exception {
    ModelProof accuracy = ModelProver.proveAccuracy(key, inputs, labels, ProgressListener.NONE);
    ModelProof batch = ModelProver.proveBatch(key, inputs, ProgressListener.NONE);
    assertRejected(
        () -> verifier.verifyAccuracy(batch, inputs, labels),
        "the proof is a batch proof of 4 samples, not an accuracy proof");
    assertRejected(
        () -> verifier.verifyBatch(accuracy, inputs),
        "the proof is an accuracy proof of 4 labelled samples, not a batch proof");
    assertRejected(
        () -> verifier.verify(accuracy, inputs.getFirst()),
        "the proof is an accuracy proof of 4 labelled samples, not a single-sample proof");
    int[] logits = new int[0];
    for (int[] x : inputs) {
      int[] y = new io.zkaudit.engine.IntegerEngine(mnist).trace(x).tensor(outputTensor());
      int[] all = Arrays.copyOf(logits, logits.length + y.length);
      System.arraycopy(y, 0, all, logits.length, y.length);
      logits = all;
    }
    ModelProof stripped = with(accuracy, logits, null);
    assertTrue(stripped.isBatch());
    assertRejected(
        () -> verifier.verifyBatch(stripped, inputs),
        "the proof is about other inputs: its committed inputs are not the given batch");
    ModelProof grafted = with(batch, new int[0], accuracy.accuracy());
    assertTrue(grafted.isAccuracy());
    assertRejected(() -> verifier.verifyAccuracy(grafted, inputs, labels), STATEMENT_BINDING);
    byte[] bytes = accuracy.encode();
    assertEquals(13, bytes[8], "the flags byte follows the magic and the version");
    bytes[8] = 5; // zero knowledge, batch: the accuracy bit cleared
    byte[] asBatch = bytes;
    assertRejected(() -> ModelProof.decode(asBatch), "exceeds the limit");
    byte[] batchBytes = batch.encode();
    batchBytes[8] = 13;
    assertRejected(() -> ModelProof.decode(batchBytes), "correct samples out of 4");
  }

  /**
   * Tampered gadget section: one byte at a time, at positions across the gadget's encoding (round
   * values, end values, mask values), flipped in the proof's bytes: none verifies.
   */
  @Test
  void aTamperedGadgetSectionIsRejected() throws Exception {
    ModelProof proof = ModelProver.proveAccuracy(key, inputs, labels, ProgressListener.NONE);
    byte[] bytes = proof.encode();
    byte[] gadget = proof.accuracy().gadget().toBytes();
    int at = indexOf(bytes, gadget);
    assertTrue(at > 0, "the gadget's bytes are in the proof");
    int flips = 0;
    for (int i = 0; i < gadget.length; i += Math.max(1, gadget.length / 24)) {
      byte[] t = bytes.clone();
      t[at + i] ^= (byte) 0x5a;
      InvalidProofException e =
          assertThrows(
              InvalidProofException.class,
              () -> verifier.verifyAccuracy(ModelProof.decode(t), inputs, labels),
              "byte " + i + " of the gadget's " + gadget.length);
      assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
      flips++;
    }
    assertTrue(flips >= 20, flips + " flips");
  }

  // ---- helpers ----

  private int firstRight() {
    for (int b = 0; b < N; b++) {
      if (predicted[b] == labels[b]) {
        return b;
      }
    }
    throw new AssertionError("no sample is right");
  }

  /** The N samples' logits as the engine computed them (the batch's stated outputs). */
  private static long[][] logitsOf(ProofRun run) {
    int k = run.accuracy.argmax().classes();
    long[][] l = new long[N][k];
    for (int b = 0; b < N; b++) {
      for (int j = 0; j < k; j++) {
        l[b][j] = run.witness.output[b * k + j];
      }
    }
    return l;
  }

  /**
   * A cheater's gadget witness for its chosen class per sample: the selector there, the maximum the
   * chosen logit, the gaps m − ℓ − [j &lt; p] (negative where the choice is not the first maximum),
   * the gadget's logits table from {@code logits} on the real entries (padding kept), the count of
   * choices equal to the labels stated, and the range lookup's multiplicities counted over the gaps
   * in range only (the rest it cannot count).
   */
  private static void select(ProofRun run, long[][] logits, int[] choice, int[] labels) {
    ArgmaxLayout layout = run.argmaxStatement.layout();
    ArgmaxColumns honest = run.gadgetColumns;
    long[] l = honest.logits().clone();
    long[] s = honest.selector().clone();
    long[] m = honest.max().clone();
    long[] d = honest.gap().clone();
    int correct = 0;
    for (int b = 0; b < N; b++) {
      long max = logits[b][choice[b]];
      m[b] = Goldilocks.fromSigned(max);
      for (int j = 0; j < layout.classes(); j++) {
        int i = layout.index(b, j);
        l[i] = Goldilocks.fromSigned(logits[b][j]);
        s[i] = j == choice[b] ? 1 : 0;
        d[i] = Goldilocks.fromSigned(max - logits[b][j] - (j < choice[b] ? 1 : 0));
      }
      correct += choice[b] == labels[b] ? 1 : 0;
    }
    run.gadgetColumns = new ArgmaxColumns(l, s, m, d);
    run.argmaxStatement = new ArgmaxCountStatement(layout, labels, correct);
    LookupWitness range = run.witness.lookups.get(1);
    List<long[][]> groups = new ArrayList<>(range.groups());
    long[] mult = range.multiplicities().clone();
    long[] old = groups.getLast()[0];
    for (int i = 0; i < layout.size(); i++) {
      if (layout.isReal(i)) {
        mult[(int) old[i]]--;
        if (Long.compareUnsigned(d[i], 1 << 16) < 0) {
          mult[(int) d[i]]++;
        }
      }
    }
    groups.set(groups.size() - 1, new long[][] {d});
    run.witness.lookups = List.of(run.witness.lookups.get(0), new LookupWitness(groups, mult));
  }

  private static ModelProof withModel(ModelProof p, io.zkaudit.hash.Digest32 model) {
    return p.edit().model(model).build();
  }

  private static ModelProof with(ModelProof p, int[] output, ModelProof.Accuracy accuracy) {
    return p.edit().output(output).accuracy(accuracy).build();
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static void assertRejected(Executable verify, String reason) {
    InvalidProofException e = assertThrows(InvalidProofException.class, verify);
    assertTrue(
        e.getMessage().contains(reason), "expected '" + reason + "', got: " + e.getMessage());
  }
}
