package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.inference.InferenceStatement;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.layers.TensorLayout;
import io.zkaudit.layers.UnaryTableLayer;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.lookup.LookupTable;
import io.zkaudit.model.ElementType;
import io.zkaudit.model.Layer;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.Padding;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.model.Unary;
import io.zkaudit.model.UnaryFunction;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.lookup.LookupWitness;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.TinyModels;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Elementwise 8-bit functions proven by one lookup into a table the verifier derives from the key
 * ({@link UnaryTableLayer}): a gate block conv → hard swish → conv → sigmoid → map · gate proves
 * plain and zero-knowledge with the engine's output; the tables equal an independent float
 * reference; a wrong output entry, and a table that is not the key's, are rejected.
 */
class UnaryTableProofTest {
  private static QuantizedModel gated;
  private static CommittedModel gatedCm;
  private static QuantizedModel atOutput;
  private static CommittedModel atOutputCm;

  /** conv 3×3 → hard swish → conv 1×1 → sigmoid (scale 1/256, zero point −128) → map · gate. */
  static QuantizedModel gated() {
    TinyModels.Chain c = new TinyModels.Chain("unary-gate", List.of(1, 4, 4, 3), -3);
    c.conv("conv", 3, 1, new Padding(1, 1, 1, 1), 4, 6, 5);
    c.unary("hswish", UnaryFunction.HARD_SWISH, 0.05f, -3);
    int map = c.mark();
    c.conv("conv2", 1, 1, Padding.NONE, 4, 4, 7);
    c.unary("gate", UnaryFunction.SIGMOID, 1f / 256, -128);
    return c.multiply("mul", map).build();
  }

  /** conv 3×3 → tanh → sigmoid, whose output is the model's (public) output. */
  static QuantizedModel unariesAtOutput() {
    TinyModels.Chain c = new TinyModels.Chain("unary-out", List.of(1, 4, 4, 3), 0);
    c.conv("conv", 3, 1, new Padding(1, 1, 1, 1), 3, 6, 11);
    c.unary("tanh", UnaryFunction.TANH, 1f / 64, 0);
    return c.unary("sigmoid", UnaryFunction.SIGMOID, 1f / 256, -128).build();
  }

  @BeforeAll
  static void commit() {
    gated = gated();
    gatedCm = ModelProver.commit(gated);
    atOutput = unariesAtOutput();
    atOutputCm = ModelProver.commit(atOutput);
  }

  private static int[] input(QuantizedModel q, long seed) {
    int[] x = new int[q.input().size()];
    Random r = new Random(seed);
    for (int i = 0; i < x.length; i++) x[i] = r.nextInt(256) - 128;
    return x;
  }

  // ------------------------------------------------------------------ the tables

  /**
   * The function by other formulas than the model's (sigmoid through tanh, tanh through exp, hard
   * swish piecewise), rounded half to even in decimal.
   */
  private static double reference(UnaryFunction f, double x, double alpha, double beta) {
    return switch (f) {
      case SIGMOID -> 0.5 * (1 + Math.tanh(x / 2));
      case TANH -> {
        double e = Math.exp(2 * x);
        yield (e - 1) / (e + 1);
      }
      case HARD_SWISH -> x <= -3 ? 0 : x >= 3 ? x : x * (x + 3) / 6;
      case HARD_SIGMOID -> Math.clamp(alpha * x + beta, 0.0, 1.0);
      default -> throw new IllegalArgumentException("not an ONNX rule: " + f);
    };
  }

  /**
   * Every function between int8 and uint8 tensors of a few quantizations: the table is the
   * reference rounded, but where the real value lies within 1e-9 of a half step (where two correct
   * float formulas may round apart; at most a handful of entries).
   */
  @Test
  void tablesEqualAnIndependentFloatReference() {
    record Case(UnaryFunction f, float alpha, float beta) {}
    List<Case> cases =
        List.of(
            new Case(UnaryFunction.SIGMOID, 0, 0),
            new Case(UnaryFunction.TANH, 0, 0),
            new Case(UnaryFunction.HARD_SWISH, 0, 0),
            new Case(UnaryFunction.HARD_SIGMOID, 0.2f, 0.5f));
    int compared = 0;
    int nearTies = 0;
    for (Case k : cases) {
      for (ElementType inType : List.of(ElementType.INT8, ElementType.UINT8)) {
        for (ElementType outType : List.of(ElementType.INT8, ElementType.UINT8)) {
          int inZp = inType == ElementType.INT8 ? -5 : 131;
          int outZp = outType == ElementType.INT8 ? -128 : 0;
          TensorSpec in = TensorSpec.of("x", List.of(1, 8), inType, 0.047f, inZp, false);
          TensorSpec out = TensorSpec.of("y", List.of(1, 8), outType, 1f / 200, outZp, false);
          int[] table = new Unary("u", 0, 1, k.f(), k.alpha(), k.beta()).table(in, out);
          assertEquals(256, table.length);
          java.util.Set<Integer> distinct = new java.util.HashSet<>();
          for (int i = 0; i < 256; i++) {
            int x = inType.min() + i;
            double real = 0.047f * (double) (x - inZp);
            double scaled = reference(k.f(), real, k.alpha(), k.beta()) / (double) out.scale();
            double frac = Math.abs(scaled - Math.floor(scaled) - 0.5);
            if (frac < 1e-9) {
              nearTies++;
              continue;
            }
            long rounded =
                new BigDecimal(scaled).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
            int expected = (int) Math.clamp(rounded + outZp, outType.min(), outType.max());
            assertEquals(expected, table[i], k + " " + inType + "→" + outType + " at x = " + x);
            distinct.add(table[i]);
            compared++;
          }
          assertTrue(distinct.size() > 20, k + ": a flat table " + distinct);
        }
      }
    }
    assertTrue(nearTies < 16 && compared > 4000, nearTies + " near ties, " + compared);
  }

  /** The engine applies each unary layer's table: its outputs are the reference of its inputs. */
  @Test
  void theEngineAppliesTheTable() {
    ModelDescription d = gated.description();
    int[][] v = new IntegerEngine(gated).values(input(gated, 3));
    int checked = 0;
    for (Layer l : d.layers()) {
      if (!(l instanceof Unary u)) continue;
      TensorSpec in = d.tensor(u.input());
      TensorSpec out = d.tensor(u.output());
      for (int i = 0; i < v[u.output()].length; i++) {
        double real = in.scale() * (double) (v[u.input()][i] - in.zeroPoint());
        double scaled = reference(u.function(), real, 0, 0) / out.scale();
        long q = Math.round(scaled); // no ties on this input (checked by the table test above)
        assertEquals(
            Math.clamp(q + out.zeroPoint(), -128, 127), v[u.output()][i], u.name() + " " + i);
        checked++;
      }
    }
    assertEquals(2 * 4 * 4 * 4, checked);
  }

  /** A description with unary layers encodes and decodes to itself (tag 14). */
  @Test
  void theDescriptionRoundTrips() {
    ModelDescription d = gated.description();
    assertEquals(d, ModelDescription.decode(d.encode()));
  }

  /**
   * What a hostile or mistaken description cannot ask for: a table over int32 values (2^32 rows), a
   * function with parameters it does not take, an unknown function ordinal; and a unary of a
   * constant, which the engine runs but the proof refuses at commit.
   */
  @Test
  void descriptionsAskingForOtherTablesAreRefused() {
    TensorSpec wide = TensorSpec.of("x", List.of(1, 4), ElementType.INT32, 0.1f, 0, false);
    TensorSpec y = TensorSpec.of("y", List.of(1, 4), ElementType.INT8, 1f / 256, -128, false);
    var e =
        assertThrows(
            io.zkaudit.model.ModelFormatException.class,
            () ->
                new ModelDescription(
                    "wide",
                    List.of(wide, y),
                    List.of(Unary.of("sig", 0, 1, UnaryFunction.SIGMOID)),
                    List.of(0),
                    List.of(1)));
    assertTrue(e.getMessage().contains("8-bit tensors only"), e.getMessage());
    assertThrows(
        io.zkaudit.model.ModelFormatException.class,
        () -> new Unary("sig", 0, 1, UnaryFunction.SIGMOID, 0.5f, 0f));
    // The function's ordinal is the last int before the two parameters: 99 is no function.
    TensorSpec x = TensorSpec.of("x", List.of(1, 4), ElementType.INT8, 0.1f, 0, false);
    byte[] bytes =
        new ModelDescription(
                "u",
                List.of(x, y),
                List.of(Unary.of("sig", 0, 1, UnaryFunction.TANH)),
                List.of(0),
                List.of(1))
            .encode();
    int at = bytes.length - 4 * 4 /* inputs, outputs */ - 3 * 4;
    assertEquals(UnaryFunction.TANH.ordinal(), java.nio.ByteBuffer.wrap(bytes, at, 4).getInt());
    java.nio.ByteBuffer.wrap(bytes).putInt(at, 99);
    var bad =
        assertThrows(
            io.zkaudit.model.ModelFormatException.class, () -> ModelDescription.decode(bytes));
    assertTrue(bad.getMessage().contains("unknown unary function 99"), bad.getMessage());
    // A unary of a constant: computed by the engine, refused at commit naming the layer.
    TensorSpec k = TensorSpec.of("k", List.of(1, 4), ElementType.INT8, 0.1f, 0, true);
    TensorSpec in = TensorSpec.of("in", List.of(1, 4), ElementType.INT8, 0.1f, 0, false);
    TensorSpec out = TensorSpec.of("out", List.of(1, 4), ElementType.INT8, 0.1f, 0, false);
    QuantizedModel q =
        new QuantizedModel(
            new ModelDescription(
                "const",
                List.of(in, k, y, out),
                List.of(Unary.of("sig", 1, 2, UnaryFunction.SIGMOID), gateMul(0, 2, 3)),
                List.of(0),
                List.of(3)),
            Map.of(1, new int[] {-3, 0, 5, 100}));
    assertEquals(4, new IntegerEngine(q).infer(new int[4]).length);
    Provability p = Provability.of(q);
    assertFalse(p.provable());
    assertTrue(
        p.messages().getFirst().contains("layer sig")
            && p.messages().getFirst().contains("a unary function of a constant"),
        p.messages().toString());
  }

  /** a · b as a MUL of two activations (b at zero point −128), rescaled by 2^-7. */
  private static io.zkaudit.model.Mul gateMul(int a, int b, int out) {
    var m = io.zkaudit.model.FixedPoint.quantizeMultiplier(1.0 / 128);
    return new io.zkaudit.model.Mul(
        "mul", a, b, out, 0, -128, m.multiplier(), m.shift(), 0, -128, 127);
  }

  // ------------------------------------------------------------------ proofs

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void theGateBlockProvesAndVerifies(boolean zk) throws Exception {
    Provability p = Provability.of(gated);
    assertTrue(p.provable(), p.messages().toString());
    ModelCircuit circuit = gatedCm.circuit(zk);
    assertEquals(2, circuit.unaries().size());
    int[] x = input(gated, 17);
    ModelVerifier verifier = new ModelVerifier(gatedCm.vk());
    ModelProof proof = ModelProver.prove(gatedCm, x, ProgressListener.NONE, zk);
    int[] expected = new IntegerEngine(gated).infer(x);
    assertArrayEquals(expected, verifier.verify(ModelProof.decode(proof.encode()), x));
    int[] other = input(gated, 18);
    assertFalse(java.util.Arrays.equals(expected, new IntegerEngine(gated).infer(other)));
    assertThrows(InvalidProofException.class, () -> verifier.verify(proof, other));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aUnaryAtTheOutputProves(boolean zk) throws Exception {
    int[] x = input(atOutput, 5);
    ModelProof proof = ModelProver.prove(atOutputCm, x, ProgressListener.NONE, zk);
    assertArrayEquals(
        new IntegerEngine(atOutput).infer(x), new ModelVerifier(atOutputCm.vk()).verify(proof, x));
  }

  /**
   * In a zero-knowledge proof every claim the reduction leaves on a unary layer's committed input
   * and output columns gives their uniform padding a nonzero weight (1 − box~ at its point): the
   * lookup's reads of x and y are masked like any opened activation. Both unaries of the gate block
   * are read at their lookup points and by the layers after them.
   */
  @Test
  void everyClaimOnAUnarysColumnsIsMaskedByPadding() throws Exception {
    int[] x = input(gated, 21);
    ModelProof proof = ModelProver.prove(gatedCm, x, ProgressListener.NONE, true);
    ModelCircuit zk = gatedCm.circuit(true);
    ModelVerifier.Reduction reduction = new ModelVerifier(gatedCm.vk()).reduce(proof, x);
    int checked = 0;
    for (UnaryTableLayer u : zk.unaries()) {
      for (int tensor : List.of(u.input(), u.layer().output())) {
        int column = zk.outColumn(tensor);
        assertTrue(column >= 0, u.layer().name() + ": tensor " + tensor + " is not committed");
        for (io.zkaudit.pcs.ColumnClaim c : reduction.witnessClaims()) {
          if (c.column() != column) continue;
          for (io.zkaudit.pcs.EvalClaim.Term t : c.terms()) {
            assertFalse(
                io.zkaudit.field.Ext2.ONE
                    .sub(io.zkaudit.layers.VirtualPadding.box(u.out(), t.point()))
                    .isZero(),
                u.layer().name() + " read where its padding weighs nothing");
            checked++;
          }
        }
      }
    }
    assertTrue(checked >= 6, "claims on the unaries' columns: " + checked);
  }

  // ------------------------------------------------------------------ cheating provers

  /**
   * One output entry of the sigmoid set to another value of its type, the stated output and the
   * lookup's y column with it; the multiplicities count the rows that are in the table, so that
   * only the lookup's sum can catch it.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aWrongOutputEntryIsRejected(boolean zk) {
    int[] x = input(atOutput, 9);
    ModelProof proof =
        CheatingProver.alteringRun(
            atOutputCm,
            x,
            zk,
            run -> {
              UnaryTableLayer u = run.circuit.unaries().getLast();
              long[][] group = group(run, u);
              int i = firstReal(u.out());
              int honest = (int) Goldilocks.toSigned(group[2][i]);
              int forged = honest == 127 ? honest - 1 : honest + 1;
              setOutput(run, u, i, forged);
              run.witness.lookups =
                  List.of(
                      inTableOnly(run.statement.lookups().get(0), run.witness.lookups.get(0)),
                      run.witness.lookups.get(1));
            });
    assertRejected(proof, x);
  }

  /**
   * The prover's own table: the row of one input value v that the map reads maps to another output,
   * every entry with input v follows it, and the proof is made against that table (its
   * multiplicities and sums consistent). The verifier's table is the key's.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aTableNotFromTheKeyIsRejected(boolean zk) {
    int[] x = input(atOutput, 13);
    ModelProof proof =
        CheatingProver.alteringRun(
            atOutputCm,
            x,
            zk,
            run -> {
              UnaryTableLayer u = run.circuit.unaries().getLast();
              long[][] group = group(run, u);
              int first = firstReal(u.out());
              long v = group[1][first];
              int honest = (int) Goldilocks.toSigned(group[2][first]);
              int forged = honest == 127 ? honest - 1 : honest + 1;
              LookupTable table = run.statement.lookups().get(0).table();
              long[][] cols = new long[table.width()][table.size()];
              for (int c = 0; c < cols.length; c++) {
                for (int r = 0; r < table.size(); r++) cols[c][r] = table.valueAt(c, r);
              }
              int changed = 0;
              for (int r = 0; r < table.size(); r++) {
                if (cols[0][r] == u.tag() && cols[1][r] == v) {
                  cols[2][r] = Goldilocks.fromSigned(forged);
                  changed++;
                }
              }
              assertTrue(changed >= 1);
              for (int i = 0; i < group[1].length; i++) {
                if (u.out().isReal(i) && group[1][i] == v) setOutput(run, u, i, forged);
              }
              LookupStatement st = run.statement;
              List<LookupStatement.Lookup> lookups = new ArrayList<>(st.lookups());
              lookups.set(
                  0,
                  new LookupStatement.Lookup(
                      LookupTable.ofColumns(cols), st.lookups().get(0).groups()));
              run.statement = new LookupStatement(lookups, st.blinded(), st.witnessTrees());
              run.witness.lookups =
                  List.of(
                      LookupWitness.compute(
                          run.statement.lookups().get(0), run.witness.lookups.get(0).groups()),
                      run.witness.lookups.get(1));
            });
    assertRejected(proof, x);
  }

  /**
   * The sigmoid's lookup tuples under the tanh's tag: every output entry the tanh table's value of
   * its input (the stated output with it), the tag column the tanh's tag; every tuple is a row of
   * the table, so only the verifier's check of the tag can catch it.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void anotherLayersTableIsRejectedByTheTag(boolean zk) {
    int[] x = input(atOutput, 15);
    int[] tanh = ((Unary) atOutput.description().layers().get(1)).table(atOutput.description());
    InvalidProofException e =
        rejection(
            CheatingProver.alteringRun(
                atOutputCm,
                x,
                zk,
                run -> {
                  UnaryTableLayer sigmoid = run.circuit.unaries().getLast();
                  UnaryTableLayer first = run.circuit.unaries().getFirst();
                  assertTrue(first.tag() != sigmoid.tag());
                  long[][] group = group(run, sigmoid);
                  java.util.Arrays.fill(group[0], first.tag());
                  for (int i = 0; i < group[1].length; i++) {
                    if (sigmoid.out().isReal(i)) {
                      setOutput(
                          run, sigmoid, i, tanh[(int) Goldilocks.toSigned(group[1][i]) + 128]);
                    }
                  }
                  recount(run);
                }),
            x);
    assertTrue(e.getMessage().contains("sigmoid (unary): wrong table tag"), e.getMessage());
  }

  /**
   * The sigmoid's lookup reads another input than the committed one: one entry of its x column (a
   * copy, the tanh's committed output untouched) set to the value whose table row gives a forged
   * output, which the stated output follows. The lookup holds; the claim on x at the lookup's point
   * is opened on the tanh's column and fails.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aLookupOfAnotherInputIsRejectedAtTheOpening(boolean zk) {
    int[] x = input(atOutput, 19);
    int[] sigmoidTable =
        ((Unary) atOutput.description().layers().getLast()).table(atOutput.description());
    rejection(
        CheatingProver.alteringRun(
            atOutputCm,
            x,
            zk,
            run -> {
              UnaryTableLayer u = run.circuit.unaries().getLast();
              long[][] group = group(run, u);
              group[1] = group[1].clone();
              int i = firstReal(u.out());
              int v = (int) Goldilocks.toSigned(group[1][i]);
              int other = v == 127 ? 0 : 127;
              assertTrue(sigmoidTable[other + 128] != sigmoidTable[v + 128]);
              group[1][i] = Goldilocks.fromSigned(other);
              setOutput(run, u, i, sigmoidTable[other + 128]);
              recount(run);
            }),
        x);
  }

  /** Lookup 0's multiplicities recounted from its (altered) groups: every tuple is in the table. */
  private static void recount(ProofRun run) {
    run.witness.lookups =
        List.of(
            LookupWitness.compute(
                run.statement.lookups().get(0), run.witness.lookups.get(0).groups()),
            run.witness.lookups.get(1));
  }

  private static InvalidProofException rejection(ModelProof proof, int[] x) {
    assertFalse(
        java.util.Arrays.equals(proof.output(), new IntegerEngine(atOutput).infer(x)),
        "the cheat states the honest output");
    return assertThrows(
        InvalidProofException.class, () -> new ModelVerifier(atOutputCm.vk()).verify(proof, x));
  }

  private static void assertRejected(ModelProof proof, int[] x) {
    assertFalse(
        java.util.Arrays.equals(proof.output(), new IntegerEngine(atOutput).infer(x)),
        "the cheat states the honest output");
    InvalidProofException e =
        assertThrows(
            InvalidProofException.class, () -> new ModelVerifier(atOutputCm.vk()).verify(proof, x));
    // Every other relation holds: the lookup's sums are what fails.
    assertTrue(e.getMessage().startsWith("logup"), e.getMessage());
  }

  private static long[][] group(ProofRun run, UnaryTableLayer u) {
    int g = InferenceStatement.firstUnaryGroup(run.circuit) + run.circuit.unaries().indexOf(u);
    return run.witness.lookups.get(0).groups().get(g);
  }

  private static int firstReal(TensorLayout out) {
    for (int i = 0; ; i++) if (out.isReal(i)) return i;
  }

  /** Output entry i (padded index) of a unary at the model's output: its column and the stated. */
  private static void setOutput(ProofRun run, UnaryTableLayer u, int i, int value) {
    long[][] group = group(run, u);
    group[2][i] = Goldilocks.fromSigned(value);
    TensorLayout out = u.out();
    int c = i & ((1 << out.cBits()) - 1);
    int col = (i >>> out.cBits()) & ((1 << out.wBits()) - 1);
    int row = i >>> (out.cBits() + out.wBits());
    run.witness.output[(row * out.width() + col) * out.channels() + c] = value;
  }

  /** Multiplicities of the rows that are in the table; a tuple that is not is left uncounted. */
  private static LookupWitness inTableOnly(LookupStatement.Lookup lk, LookupWitness honest) {
    LookupTable t = lk.table();
    Map<List<Long>, Integer> index = new HashMap<>();
    for (int r = t.size() - 1; r >= 0; r--) {
      List<Long> key = new ArrayList<>();
      for (int c = 0; c < t.width(); c++) key.add(t.valueAt(c, r));
      index.put(key, r);
    }
    long[] m = new long[t.size()];
    for (int g = 0; g < honest.groups().size(); g++) {
      long[][] cols = honest.groups().get(g);
      LookupStatement.Group shape = lk.groups().get(g);
      for (int x = 0; x < cols[0].length; x++) {
        if (!shape.isActive(x)) continue;
        List<Long> key = new ArrayList<>();
        for (long[] col : cols) key.add(col[x]);
        Integer r = index.get(key);
        if (r != null) m[r]++;
      }
    }
    return new LookupWitness(honest.groups(), m);
  }
}
