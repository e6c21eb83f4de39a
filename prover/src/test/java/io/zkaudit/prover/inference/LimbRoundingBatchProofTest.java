package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.engine.Predictions;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.TinyModels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Limb roundings in proofs about several samples (issue 18): batch proofs, accuracy proofs about
 * public samples and accuracy proofs about a test-set commitment T, plain and zero-knowledge
 * (docs/model-proofs.md, "Limb roundings", "Batch proofs"). A batch stacks every sample's limb
 * column [low | high] in turn, so the limb variable lies between the sample's box and the batch
 * variables; the verifier's claim on a remainder at (ρ, r_b) goes to the limb column at (ρ, t*,
 * r_b). Cheaters on a sample other than the first (whose slice a wrong variable order would miss):
 * a low limb out of range with the high limb lowered so that both still recombine to the remainder
 * (rejected by the range lookup), an output off by one with its limbs recomputed in the field
 * (likewise), and in-range limbs that recombine to another accumulator than the rounding tuple's
 * (rejected at the openings).
 */
class LimbRoundingBatchProofTest {

  private static int[] filled(int n, int v) {
    int[] x = new int[n];
    Arrays.fill(x, v);
    return x;
  }

  private static int[] random(int n, long seed) {
    Random r = new Random(seed);
    int[] x = new int[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextInt(256) - 128;
    }
    return x;
  }

  /**
   * Three samples of the 1024-input dense layer (four padded: the copy of sample 0 too), saturated
   * at both ends and in between.
   */
  private static List<int[]> wideInputs() {
    return List.of(filled(1024, 127), filled(1024, -128), random(1024, 7));
  }

  private static ModelVerifier verifier(CommittedModel cm) {
    try {
      return new ModelVerifier(cm.vk());
    } catch (InvalidProofException e) {
      throw new AssertionError(e);
    }
  }

  private static void batchProvesTheEnginesOutputs(QuantizedModel m, List<int[]> inputs)
      throws InvalidProofException {
    CommittedModel cm = ModelProver.commit(m);
    assertTrue(!cm.vk().description().limbRoundings().isEmpty());
    IntegerEngine engine = new IntegerEngine(cm.model());
    for (boolean zk : new boolean[] {false, true}) {
      ModelProof proof = ModelProver.proveBatch(cm, inputs, ProgressListener.NONE, zk);
      List<int[]> outputs = verifier(cm).verifyBatch(proof, inputs);
      assertEquals(inputs.size(), outputs.size());
      for (int b = 0; b < inputs.size(); b++) {
        assertArrayEquals(engine.infer(inputs.get(b)), outputs.get(b), "zk " + zk + " sample " + b);
      }
    }
  }

  @Test
  void aBatchOfADenseLayerWithLimbsProvesTheEnginesOutputs() throws InvalidProofException {
    batchProvesTheEnginesOutputs(TinyModels.withWideAccumulators(), wideInputs());
  }

  /** The limb layer is not the output here: its output column is committed, the next is narrow. */
  @Test
  void aBatchOfTheWideStemProvesTheEnginesOutputs() throws InvalidProofException {
    QuantizedModel m = LimbRoundingProofTest.wideStem();
    batchProvesTheEnginesOutputs(
        m,
        List.of(random(108, 1), filled(108, -128), filled(108, 127), random(108, 2), new int[108]));
  }

  /** The huge per-channel table (1024 channels of 2^21-wide steps), two samples. */
  @Test
  void aBatchOfAHugeTableWithLimbsProvesTheEnginesOutputs() throws InvalidProofException {
    batchProvesTheEnginesOutputs(
        TinyModels.withHugeTable(),
        List.of(new int[] {-5, 3, 0, 9}, new int[] {127, 127, 127, 127}));
  }

  /** Labels: the engine's prediction for samples 0 and 2, another class for sample 1. */
  private static int[] labels(CommittedModel cm, List<int[]> inputs) {
    IntegerEngine engine = new IntegerEngine(cm.model());
    int[] labels = new int[inputs.size()];
    for (int b = 0; b < labels.length; b++) {
      int predicted = Predictions.topK(engine.infer(inputs.get(b)), 1)[0];
      labels[b] = b == 1 ? (predicted + 1) % 4 : predicted;
    }
    return labels;
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void anAccuracyProofOfALimbModelCountsTheEnginesPredictions(boolean zk)
      throws InvalidProofException {
    CommittedModel cm = ModelProver.commit(TinyModels.withWideAccumulators());
    List<int[]> inputs = wideInputs();
    int[] labels = labels(cm, inputs);
    ModelProof proof = ModelProver.proveAccuracy(cm, inputs, labels, ProgressListener.NONE, zk);
    ModelVerifier.VerifiedAccuracy v = verifier(cm).verifyAccuracy(proof, inputs, labels);
    assertEquals(2, v.correct());
    assertEquals(3, v.samples());
  }

  @Test
  void anAccuracyProofAboutATestSetOfALimbModelCountsTheEnginesPredictions()
      throws InvalidProofException {
    CommittedModel cm = ModelProver.commit(TinyModels.withWideAccumulators());
    List<int[]> inputs = wideInputs();
    CommittedTestSet t = TestSets.commit(cm.vk(), inputs, labels(cm, inputs));
    ModelProof proof = ModelProver.proveAccuracy(cm, t, ProgressListener.NONE);
    ModelVerifier.VerifiedAccuracy v = verifier(cm).verifyAccuracy(proof, t.commitment());
    assertEquals(2, v.correct());
    assertEquals(3, v.samples());
  }

  // ---- cheaters ----

  /** Which of a limb layer's entries a cheater changes: layer k, sample b, entry i of the box. */
  private record Entry(int layer, int sample, int index) {}

  /**
   * Low limb + 2^16, high limb − 1 at one entry of c1's limb column (the remainder they recombine
   * to is unchanged, so the rounding tuple and every other relation hold): the low limb is outside
   * the 16-bit range table. The range lookup's multiplicities count only in-table values.
   */
  private static Consumer<ProofRun> limbOutOfRange(Entry e) {
    return run -> {
      long[] col = limbColumn(run, e);
      int n = run.circuit.layers().get(e.layer()).outLayout().paddedSize();
      int low = e.sample() * 2 * n + e.index();
      assertTrue(col[low + n] >= 1, "the entry's high limb is 0: pick one with a wide remainder");
      col[low] += 1L << 16;
      col[low + n] -= 1;
      repairRangeLookup(run, e.layer());
    };
  }

  /**
   * The high limb of c1 raised by one at one entry (in range), the range lookup recounted: the
   * limbs recombine to a remainder 2^16 larger than the one the rounding tuple uses.
   */
  private static Consumer<ProofRun> limbsOfAnotherAccumulator(Entry e) {
    return run -> {
      long[] col = limbColumn(run, e);
      int n = run.circuit.layers().get(e.layer()).outLayout().paddedSize();
      int high = e.sample() * 2 * n + n + e.index();
      assertTrue(col[high] < (1 << 16) - 1);
      col[high]++;
      repairRangeLookup(run, e.layer());
    };
  }

  private static long[] limbColumn(ProofRun run, Entry e) {
    ModelCircuit.ProvenLayer p = run.circuit.layers().get(e.layer());
    assertTrue(p.rounding().limbs());
    long[] col = run.witness.columns[p.columns().c1()];
    // Batched: N' samples of [low | high], each twice the padded box.
    assertEquals(0, col.length % (2 * p.outLayout().paddedSize()));
    return col;
  }

  /** Layer k's range pair [c1 | c2] rebuilt from the altered columns; multiplicities recounted. */
  private static void repairRangeLookup(ProofRun run, int k) {
    InferenceWitness w = run.witness;
    ModelCircuit.ProvenLayer p = run.circuit.layers().get(k);
    long[] col1 = w.columns[p.columns().c1()];
    long[] col2 = w.columns[p.columns().c2()];
    long[] pair = w.lookups.get(1).groups().get(k)[0];
    assertEquals(pair.length, col1.length + col2.length);
    System.arraycopy(col1, 0, pair, 0, col1.length);
    System.arraycopy(col2, 0, pair, col1.length, col2.length);
    List<long[][]> ranges = w.lookups.get(1).groups();
    w.lookups =
        List.of(
            w.lookups.get(0),
            WeightRangeProver.inTableOnly(
                new LookupStatement.Lookup(
                    run.statement.lookups().get(1).table(),
                    run.statement.lookups().get(1).groups().subList(0, ranges.size())),
                ranges));
  }

  /** A proof of any kind whose run {@code alter} changes after the witness, before blinding. */
  private static ModelProof cheat(
      CommittedModel cm, ProofRun.ProverInput input, boolean zk, Consumer<ProofRun> alter) {
    ProofRun run = new ProofRun(cm, input, zk, ProgressListener.NONE);
    run.infer().witness();
    alter.accept(run);
    return CheatingProver.finish(run.bindPrivateInput().commitOutput().blind());
  }

  private static void rejected(ThrowingCheck check, String reason) {
    InvalidProofException e = assertThrows(InvalidProofException.class, check::run);
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  private interface ThrowingCheck {
    void run() throws InvalidProofException;
  }

  private static final String RANGE = "lookup 1: the witness fractions do not sum";
  private static final String OPENING = "reduction round 0";

  /** The entry of sample 1 (all −128) whose remainder c1 is widest: its high limb is nonzero. */
  private static Entry wideEntry(CommittedModel cm, ProofRun.ProverInput input, int sample) {
    ProofRun run = new ProofRun(cm, input, false, ProgressListener.NONE);
    run.infer().witness();
    ModelCircuit.ProvenLayer p = run.circuit.layers().getFirst();
    int n = p.outLayout().paddedSize();
    long[] col = run.witness.columns[p.columns().c1()];
    int best = 0;
    for (int i = 0; i < p.outLayout().realSize(); i++) {
      if (col[sample * 2 * n + n + i] > col[sample * 2 * n + n + best]) {
        best = i;
      }
    }
    return new Entry(0, sample, best);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void batchCheatersOnALaterSampleAreRejected(boolean zk) {
    CommittedModel cm = ModelProver.commit(TinyModels.withWideAccumulators());
    List<int[]> inputs = wideInputs();
    ProofRun.ProverInput in = new ProofRun.ProverInput.Batch(inputs);
    Entry e = wideEntry(cm, in, 1);
    ModelVerifier v = verifier(cm);
    List<int[]> honest = new ArrayList<>();
    for (int[] x : inputs) {
      honest.add(new IntegerEngine(cm.model()).infer(x));
    }
    ModelProof outOfRange = cheat(cm, in, zk, limbOutOfRange(e));
    rejected(() -> v.verifyBatch(outOfRange, inputs), RANGE);
    ModelProof another = cheat(cm, in, zk, limbsOfAnotherAccumulator(e));
    rejected(() -> v.verifyBatch(another, inputs), OPENING);
    // Sample 2's output 0 (saturated or not) claimed one step lower, its limbs recomputed in the
    // field: a remainder outside [0, 2^32) whose limbs sum to it only modulo p.
    int out = honest.get(2)[0] - 1;
    ModelProof forged =
        cheat(
            cm,
            in,
            zk,
            run ->
                LimbRoundingProofTest.forge(
                    run, 0, 2, 0, out, LimbRoundingProofTest.LimbForgery.RECOMPUTED));
    rejected(() -> v.verifyBatch(forged, inputs), RANGE);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void accuracyCheatersOnALaterSampleAreRejected(boolean zk) {
    CommittedModel cm = ModelProver.commit(TinyModels.withWideAccumulators());
    List<int[]> inputs = wideInputs();
    int[] labels = labels(cm, inputs);
    ProofRun.ProverInput in = new ProofRun.ProverInput.Accuracy(inputs, labels);
    Entry e = wideEntry(cm, in, 1);
    ModelVerifier v = verifier(cm);
    ModelProof outOfRange = cheat(cm, in, zk, limbOutOfRange(e));
    rejected(() -> v.verifyAccuracy(outOfRange, inputs, labels), RANGE);
    ModelProof another = cheat(cm, in, zk, limbsOfAnotherAccumulator(e));
    rejected(() -> v.verifyAccuracy(another, inputs, labels), OPENING);
  }

  @Test
  void testSetCheatersAreRejected() {
    CommittedModel cm = ModelProver.commit(TinyModels.withWideAccumulators());
    List<int[]> inputs = wideInputs();
    CommittedTestSet t = TestSets.commit(cm.vk(), inputs, labels(cm, inputs));
    ProofRun.ProverInput in = new ProofRun.ProverInput.TestSet(t);
    Entry e = wideEntry(cm, new ProofRun.ProverInput.Batch(inputs), 1);
    ModelVerifier v = verifier(cm);
    ModelProof outOfRange = cheat(cm, in, true, limbOutOfRange(e));
    rejected(() -> v.verifyAccuracy(outOfRange, t.commitment()), RANGE);
    ModelProof another = cheat(cm, in, true, limbsOfAnotherAccumulator(e));
    rejected(() -> v.verifyAccuracy(another, t.commitment()), OPENING);
  }
}
