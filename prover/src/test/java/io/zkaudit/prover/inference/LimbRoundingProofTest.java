package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.layers.TensorLayout;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.model.Conv2D;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.model.Padding;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.lookup.LookupWitness;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.quant.StepTable;
import io.zkaudit.testutil.TinyModels;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Limb roundings (issue 18): layers whose accumulators leave the window of 16-bit remainders, or
 * whose 16-bit rows would make the rounding table exceed 2^22 rows, are proven with 32-bit
 * remainders in two 16-bit limbs each (docs/model-proofs.md, "Limb roundings"). Models that were
 * refused are provable and prove, plain and zero-knowledge, with the integer engine's output;
 * cheating provers that keep every field relation but need a remainder outside [0, 2^32) are
 * rejected by the range lookup.
 */
class LimbRoundingProofTest {

  /**
   * A ResNet-like stem: a 3×3 convolution whose biases (±5,000,000, 2^30, 0) put its accumulators
   * millions past the outermost thresholds (today's window is 2^22 beyond them), with saturating
   * channels at both ends, then an ordinary convolution that stays narrow.
   */
  static QuantizedModel wideStem() {
    QuantizedModel m =
        new TinyModels.Chain("tiny-wide-stem", List.of(1, 6, 6, 3))
            .conv("stem", 3, 1, new Padding(1, 1, 1, 1), 4, 3, 11)
            .conv("next", 3, 1, new Padding(1, 1, 1, 1), 3, 4, 12)
            .build();
    Conv2D stem = (Conv2D) m.description().layers().getFirst();
    Map<Integer, int[]> constants = new HashMap<>(m.constants());
    constants.put(stem.bias(), new int[] {5_000_000, -5_000_000, 1 << 30, 17});
    return new QuantizedModel(m.description(), constants);
  }

  private static int[] randomInput(int n, long seed) {
    Random r = new Random(seed);
    int[] x = new int[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextInt(256) - 128;
    }
    return x;
  }

  private static int[] filled(int n, int v) {
    int[] x = new int[n];
    Arrays.fill(x, v);
    return x;
  }

  /** Proves and verifies, plain and zero-knowledge, each input; the output is the engine's. */
  private static void provesWithTheEnginesOutput(QuantizedModel m, List<int[]> inputs) {
    CommittedModel cm = ModelProver.commit(m);
    ModelVerifier verifier = assertDoesNotThrowVerifier(cm);
    IntegerEngine engine = new IntegerEngine(cm.model());
    for (int[] x : inputs) {
      for (boolean zk : new boolean[] {false, true}) {
        ModelProof proof = ModelProver.prove(cm, x, ProgressListener.NONE, zk);
        int[] expected = engine.infer(x);
        assertArrayEquals(expected, proof.output());
        try {
          assertArrayEquals(expected, verifier.verify(proof, x));
        } catch (InvalidProofException e) {
          throw new AssertionError("zk " + zk + ": " + e.getMessage(), e);
        }
      }
    }
  }

  private static ModelVerifier assertDoesNotThrowVerifier(CommittedModel cm) {
    try {
      return new ModelVerifier(cm.vk());
    } catch (InvalidProofException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aStemBeyondTheWindowIsProvableWithLimbsAndProves() {
    QuantizedModel m = wideStem();
    Provability p = Provability.of(m);
    assertTrue(p.provable(), p.messages().toString());
    assertEquals(List.of("stem"), p.limbRoundings());
    // With 16-bit remainders only, the stem's window is 2^22 past its outermost thresholds.
    long[] narrowWindow =
        io.zkaudit.layers.Rounding.of(m.description(), m.description().layers().getFirst())
            .covered(0);
    assertTrue(narrowWindow[1] < 5_000_000, Arrays.toString(narrowWindow));
    CommittedModel cm = ModelProver.commit(m);
    assertEquals(List.of("stem"), cm.vk().description().limbRoundings());
    assertTrue(cm.circuit().layers().get(0).rounding().limbs());
    assertFalse(cm.circuit().layers().get(1).rounding().limbs());
    // One row per output value: 256, not 2^16-wide pieces.
    assertEquals(256, cm.circuit().layers().get(0).rounding().tables().getFirst().rows().size());
    int[] x = randomInput(6 * 6 * 3, 5);
    provesWithTheEnginesOutput(m, List.of(x, filled(108, -128), filled(108, 127)));
  }

  /** The first layer saturates at both ends for the extreme inputs: -128 and 127 proven. */
  @Test
  void aDenseLayerOverAMillionAccumulatorsProvesSaturatedAndUnsaturatedOutputs() {
    QuantizedModel m = TinyModels.withWideAccumulators();
    Provability p = Provability.of(m);
    assertTrue(p.provable(), p.messages().toString());
    assertEquals(List.of("fc"), p.limbRoundings());
    IntegerEngine engine = new IntegerEngine(m);
    assertArrayEquals(filled(4, -128), engine.infer(filled(1024, -128)));
    assertArrayEquals(filled(4, 127), engine.infer(filled(1024, 127)));
    provesWithTheEnginesOutput(
        m, List.of(filled(1024, -128), filled(1024, 127), new int[1024], randomInput(1024, 3)));
  }

  /** 1024 channels of 2^21-wide steps: 8.5M rows of 2^16, 262,144 rows with limbs. */
  @Test
  void aTableBeyondTwoToTheTwentyTwoIsProvableWithLimbsAndProves() {
    QuantizedModel m = TinyModels.withHugeTable();
    Provability p = Provability.of(m);
    assertTrue(p.provable(), p.messages().toString());
    assertEquals(List.of("fc"), p.limbRoundings());
    CommittedModel cm = ModelProver.commit(m);
    assertEquals(1024L * 256, cm.circuit().layers().getFirst().rounding().tableRowCount());
    provesWithTheEnginesOutput(m, List.of(new int[] {127, 127, 127, 127}, new int[] {-5, 3, 0, 9}));
  }

  /** Models that fit today are unchanged: no limbs, version-1 description bytes. */
  @Test
  void modelsThatFitKeepTheirDescription() {
    QuantizedModel m = TinyModels.smallDense();
    assertSame(m, Provability.withLimbRoundings(m));
    assertTrue(Provability.of(m).limbRoundings().isEmpty());
    byte[] bytes = m.description().encode();
    assertEquals(1, java.nio.ByteBuffer.wrap(bytes, 4, 4).getInt());
    assertEquals(m.description(), ModelDescription.decode(bytes));
  }

  @Test
  void limbRoundingsAreBoundByTheDescription() {
    ModelDescription d = TinyModels.withWideAccumulators().description();
    ModelDescription limbed = d.withLimbRoundings(List.of("fc"));
    byte[] bytes = limbed.encode();
    assertEquals(2, java.nio.ByteBuffer.wrap(bytes, 4, 4).getInt());
    assertEquals(limbed, ModelDescription.decode(bytes));
    assertNotEquals(d.digestHex(), limbed.digestHex());
    assertThrows(IllegalArgumentException.class, () -> d.withLimbRoundings(List.of("nope")));
    ModelDescription pool = TinyModels.withMaxPool().description();
    String poolLayer =
        pool.layers().stream()
            .filter(l -> l instanceof io.zkaudit.model.MaxPool)
            .findFirst()
            .orElseThrow()
            .name();
    ModelFormatException noRounding =
        assertThrows(ModelFormatException.class, () -> pool.withLimbRoundings(List.of(poolLayer)));
    assertTrue(
        noRounding.getMessage().contains("without a rounding step"), noRounding.getMessage());
    // Version 2 with no limb roundings is not canonical.
    byte[] empty = d.encode().clone();
    empty[7] = 2;
    byte[] withCount = Arrays.copyOf(empty, empty.length + 4);
    assertThrows(ModelFormatException.class, () -> ModelDescription.decode(withCount));
  }

  /** How a cheater writes a remainder c (any sign) as two limbs that sum to it in the field. */
  enum LimbForgery {
    /** The 16-bit split of c's field representative: the high limb is 2^48-ish. */
    RECOMPUTED {
      @Override
      long[] limbs(long c) {
        long v = Goldilocks.fromSigned(c);
        return new long[] {v & 0xFFFF, v >>> 16};
      }
    },
    /** An in-range low limb, the high limb (c − low)/2^16 in the field: it wraps modulo p. */
    WRAPPED {
      @Override
      long[] limbs(long c) {
        long low = c & 0xFFFF;
        long high =
            Goldilocks.mul(Goldilocks.sub(Goldilocks.fromSigned(c), low), Goldilocks.inv(1L << 16));
        return new long[] {low, high};
      }
    };

    abstract long[] limbs(long c);
  }

  /**
   * Rewrites entry {@code index} of output layer k (of sample {@code sample} in a batch: 0 for one
   * sample) to claim {@code out}: its table row, both remainders from the honest accumulator and
   * their limbs by {@code forgery} (so that the tuple, the remainders and the limbs agree in the
   * field), the stated output, and the lookups' multiplicities (the range lookup's counting only
   * values in its table). A batch's tables hold sample b's box at b·n, its limb columns sample b's
   * [low | high] at b·2n.
   */
  static void forge(ProofRun run, int k, int sample, int index, int out, LimbForgery forgery) {
    InferenceWitness w = run.witness;
    ModelCircuit.ProvenLayer p = run.circuit.layers().get(k);
    assertTrue(p.rounding().limbs());
    TensorLayout layout = p.outLayout();
    int channel = index & ((1 << layout.cBits()) - 1);
    StepTable table = p.rounding().tables().get(p.rounding().isPerChannel() ? channel : 0);
    StepTable.Row row = table.rows().stream().filter(r -> r.out() == out).findFirst().orElseThrow();
    int n = layout.paddedSize();
    int e = sample * n + index;
    int limb = sample * 2 * n + index;
    long a = Goldilocks.toSigned(w.accumulators[k][e]);
    long c1 = a - row.low();
    long c2 = row.high() - 1 - a;
    assertTrue(c1 < 0 || c2 < 0, "the forged row does not hold the accumulator");
    long[][] tuple = w.lookups.get(0).groups().get(k);
    long[] pair = w.lookups.get(1).groups().get(k)[0];
    long[] l1 = forgery.limbs(c1);
    long[] l2 = forgery.limbs(c2);
    long[] col1 = w.columns[p.columns().c1()];
    long[] col2 = w.columns[p.columns().c2()];
    col1[limb] = l1[0];
    col1[n + limb] = l1[1];
    col2[limb] = l2[0];
    col2[n + limb] = l2[1];
    System.arraycopy(col1, 0, pair, 0, col1.length);
    System.arraycopy(col2, 0, pair, col1.length, col2.length);
    w.c1[k][e] = Goldilocks.add(l1[0], Goldilocks.mul(1L << 16, l1[1]));
    w.c2[k][e] = Goldilocks.add(l2[0], Goldilocks.mul(1L << 16, l2[1]));
    assertEquals(Goldilocks.fromSigned(c1), w.c1[k][e]);
    assertEquals(Goldilocks.fromSigned(c2), w.c2[k][e]);
    tuple[1][e] = Goldilocks.fromSigned(out);
    tuple[2][e] = Goldilocks.sub(w.accumulators[k][e], w.c1[k][e]);
    tuple[3][e] = Goldilocks.add(Goldilocks.add(w.accumulators[k][e], w.c2[k][e]), 1);
    assertEquals(Goldilocks.fromSigned(row.low()), tuple[2][e]);
    assertEquals(Goldilocks.fromSigned(row.high()), tuple[3][e]);
    // Dense outputs [1, C]: entry c is output c (a batch states its samples' outputs in turn).
    w.output[sample * layout.realSize() + channel] = out;
    LookupStatement st = run.statement;
    List<long[][]> ranges = w.lookups.get(1).groups();
    w.lookups =
        List.of(
            LookupWitness.compute(st.lookups().get(0), w.lookups.get(0).groups()),
            WeightRangeProver.inTableOnly(
                new LookupStatement.Lookup(
                    st.lookups().get(1).table(),
                    st.lookups().get(1).groups().subList(0, ranges.size())),
                ranges));
  }

  private static void rejectedByTheRangeLookup(
      CommittedModel cm, int[] input, boolean zk, int index, int out, LimbForgery forgery)
      throws InvalidProofException {
    ModelProof proof =
        CheatingProver.alteringRun(cm, input, zk, run -> forge(run, 0, 0, index, out, forgery));
    int[] honest = new IntegerEngine(cm.model()).infer(input);
    assertNotEquals(honest[index], proof.output()[index]);
    assertEquals(out, proof.output()[index]);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    InvalidProofException e =
        assertThrows(InvalidProofException.class, () -> verifier.verify(proof, input));
    assertTrue(
        e.getMessage().contains("lookup 1: the witness fractions do not sum"), e.getMessage());
  }

  /** An output one above the engine's (0 → 1), its remainders' limbs recomputed. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void anOutputOffByOneWithLimbsRecomputedIsRejected(boolean zk) throws InvalidProofException {
    CommittedModel cm = ModelProver.commit(TinyModels.withWideAccumulators());
    int[] input = new int[1024];
    assertEquals(0, new IntegerEngine(cm.model()).infer(input)[2]);
    rejectedByTheRangeLookup(cm, input, zk, 2, 1, LimbForgery.RECOMPUTED);
  }

  /** A high limb that is (c − low)/2^16 in the field: in range only modulo p. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aLimbThatWrapsModuloPIsRejected(boolean zk) throws InvalidProofException {
    CommittedModel cm = ModelProver.commit(TinyModels.withHugeTable());
    int[] input = {-5, 3, 0, 9};
    int honest = new IntegerEngine(cm.model()).infer(input)[7];
    rejectedByTheRangeLookup(cm, input, zk, 7, honest - 1, LimbForgery.WRAPPED);
  }

  /**
   * An accumulator of 16.5M saturates at 127; the cheater claims 126, its last unsaturated step.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aSaturatedOutputClaimedUnsaturatedIsRejected(boolean zk) throws InvalidProofException {
    CommittedModel cm = ModelProver.commit(TinyModels.withWideAccumulators());
    int[] input = filled(1024, 127);
    assertEquals(127, new IntegerEngine(cm.model()).infer(input)[0]);
    rejectedByTheRangeLookup(cm, input, zk, 0, 126, LimbForgery.RECOMPUTED);
    rejectedByTheRangeLookup(cm, input, zk, 0, 126, LimbForgery.WRAPPED);
  }

  /**
   * In-range limbs that do not sum to the remainder the rounding tuple uses (one high limb raised
   * by one, the range lookup recounted): the claim on the limb column at (ρ, t*) is false, and the
   * openings' claim reduction (which takes every claim to one point) rejects it.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void limbsThatDoNotSumToTheRemainderAreRejected(boolean zk) {
    CommittedModel cm = ModelProver.commit(TinyModels.withWideAccumulators());
    int[] input = filled(1024, -128);
    ModelProof proof =
        CheatingProver.alteringRun(
            cm,
            input,
            zk,
            run -> {
              InferenceWitness w = run.witness;
              ModelCircuit.ProvenLayer p = run.circuit.layers().getFirst();
              int n = w.accumulators[0].length;
              long[] col1 = w.columns[p.columns().c1()];
              assertTrue(col1[n + 1] < (1 << 16) - 1);
              col1[n + 1]++;
              long[] pair = w.lookups.get(1).groups().getFirst()[0];
              pair[n + 1] = col1[n + 1];
              List<long[][]> ranges = w.lookups.get(1).groups();
              w.lookups =
                  List.of(
                      w.lookups.get(0),
                      LookupWitness.compute(
                          new LookupStatement.Lookup(
                              run.statement.lookups().get(1).table(),
                              run.statement.lookups().get(1).groups().subList(0, ranges.size())),
                          ranges));
            });
    assertArrayEquals(new IntegerEngine(cm.model()).infer(input), proof.output());
    ModelVerifier verifier = assertDoesNotThrowVerifier(cm);
    InvalidProofException e =
        assertThrows(InvalidProofException.class, () -> verifier.verify(proof, input));
    assertTrue(e.getMessage().contains("reduction round 0"), e.getMessage());
  }

  /**
   * The limb choice is bound by the model commitment: a batch proof of the same weights without
   * limbs is about another model (LimbRoundingBatchProofTest proves batches of limb models).
   */
  @Test
  void aBatchProofWithoutTheLimbsIsAboutAnotherModel() throws InvalidProofException {
    CommittedModel cm = ModelProver.commit(TinyModels.withWideAccumulators());
    List<int[]> inputs = List.of(new int[1024], filled(1024, 3));
    CommittedModel narrow = ModelProver.commit(TinyModels.smallDense());
    ModelProof other =
        ModelProver.proveBatch(
            narrow, List.of(new int[16], new int[16]), ProgressListener.NONE, false);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    InvalidProofException e =
        assertThrows(InvalidProofException.class, () -> verifier.verifyBatch(other, inputs));
    assertTrue(e.getMessage().contains("another model"), e.getMessage());
  }
}
