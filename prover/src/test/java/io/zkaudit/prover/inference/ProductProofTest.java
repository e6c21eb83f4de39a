package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.layers.Product;
import io.zkaudit.layers.TensorLayout;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.model.ElementType;
import io.zkaudit.model.FixedPoint;
import io.zkaudit.model.MaxPool;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.Mul;
import io.zkaudit.model.Padding;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.model.Window;
import io.zkaudit.onnx.OnnxImporter;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.lookup.LookupWitness;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.quant.MonotoneStep;
import io.zkaudit.quant.StepTable;
import io.zkaudit.testutil.SqueezeExciteOnnx;
import io.zkaudit.testutil.TinyModels;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cheating provers against a product of two activations (the squeeze-and-excitation block of {@link
 * SqueezeExciteOnnx}, whose last layer multiplies the conv's map by its per-channel gate). Each
 * rewrites the product's witness consistently: accumulators, their rounding (so the stated output
 * follows), range witnesses, lookup tuples and multiplicities, so that every lookup holds and only
 * the product's sumcheck can catch it; the verifier must reject, naming the product.
 */
class ProductProofTest {
  private static QuantizedModel model;
  private static CommittedModel cm;
  private static ModelVerifier verifier;
  private static int[] input;

  @BeforeAll
  static void commit() throws Exception {
    model =
        OnnxImporter.lowerQuantized(
            OnnxImporter.parse(new SqueezeExciteOnnx(5, false).model()), "se");
    cm = ModelProver.commit(model);
    verifier = new ModelVerifier(cm.vk());
    input = new int[model.input().size()];
    Random r = new Random(23);
    for (int i = 0; i < input.length; i++) input[i] = r.nextInt(256);
  }

  /** The honest proofs verify: the cheats below fail for their cheating only. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void anHonestProofVerifies(boolean zk) throws Exception {
    ModelProof proof = CheatingProver.alteringRun(cm, input, zk, run -> {});
    assertArrayEquals(new IntegerEngine(model).infer(input), verifier.verify(proof, input));
  }

  /**
   * In a zero-knowledge proof every claim the reduction leaves on the gate's and the map's columns
   * gives their uniform padding a nonzero weight (1 − box~ at its point), so no opening reveals a
   * functional of real entries alone. The control: the gate read at its channel coordinates with t
   * = 0, as a broadcast that ignores the zero-knowledge height bit would, has weight zero there.
   */
  @org.junit.jupiter.api.Test
  void everyFactorClaimOfAZeroKnowledgeProofIsMaskedByPadding() throws Exception {
    ModelProof proof = ModelProver.prove(cm, input, ProgressListener.NONE, true);
    ModelCircuit zk = cm.circuit(true);
    ModelCircuit.ProductLayer p = (ModelCircuit.ProductLayer) zk.layers().get(productIndex(zk));
    ModelVerifier.Reduction reduction = verifier.reduce(proof, input);
    int checked = 0;
    for (Product.Factor f : List.of(p.product().a(), p.product().b())) {
      int column = zk.outColumn(f.tensor());
      for (io.zkaudit.pcs.ColumnClaim c : reduction.witnessClaims()) {
        if (c.column() != column) continue;
        for (io.zkaudit.pcs.EvalClaim.Term t : c.terms()) {
          Ext2 paddingWeight =
              Ext2.ONE.sub(io.zkaudit.layers.VirtualPadding.box(f.layout(), t.point()));
          assertFalse(paddingWeight.isZero(), f + " read where its padding weighs nothing");
          checked++;
          if (f.perChannel()) {
            Ext2[] unmasked = t.point();
            for (int j = f.layout().cBits(); j < unmasked.length; j++) unmasked[j] = Ext2.ZERO;
            assertTrue(
                Ext2.ONE.sub(io.zkaudit.layers.VirtualPadding.box(f.layout(), unmasked)).isZero());
          }
        }
      }
    }
    assertTrue(checked >= 4, "claims on the factors: " + checked);
  }

  /** One product entry one rounding step off, everything else consistent with it. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aWrongProductEntryIsRejectedByTheProductSumcheck(boolean zk) {
    ModelProof proof =
        CheatingProver.alteringRun(
            cm,
            input,
            zk,
            run -> {
              int k = productIndex(run.circuit);
              ModelCircuit.ProductLayer p = (ModelCircuit.ProductLayer) run.circuit.layers().get(k);
              long[] acc = run.witness.accumulators[k];
              MonotoneStep step = p.rounding().step(0);
              // The first real entry whose output has a step above it within the table.
              int target = -1;
              long forged = 0;
              for (int i = 0; i < acc.length && target < 0; i++) {
                if (!p.outLayout().isReal(i)) continue;
                int out = step.apply(Goldilocks.toSigned(acc[i]));
                if (out < step.hi() && out > step.lo()) {
                  target = i;
                  forged = step.threshold(out + 1);
                }
              }
              int at = target;
              long value = forged;
              rewrite(run, k, (i, honest) -> i == at ? value : honest);
            });
    rejectedByTheProduct(proof);
  }

  /**
   * The gate broadcast otherwise than per channel: reversed across the channels, or along the rows
   * (the gate of channel y applied to row y), every accumulator and output computed that way.
   */
  @ParameterizedTest
  @CsvSource({"false,reversed", "true,reversed", "false,rows", "true,rows"})
  void aProductOfAnotherBroadcastIsRejected(boolean zk, String broadcast) {
    ModelProof proof =
        CheatingProver.alteringRun(
            cm,
            input,
            zk,
            run -> {
              int k = productIndex(run.circuit);
              ModelCircuit.ProductLayer p = (ModelCircuit.ProductLayer) run.circuit.layers().get(k);
              Product prod = p.product();
              Product.Factor map = prod.a().perChannel() ? prod.b() : prod.a();
              Product.Factor gate = prod.a().perChannel() ? prod.a() : prod.b();
              int[] x = run.trace.tensor(map.tensor());
              int[] g = run.trace.tensor(gate.tensor());
              TensorLayout out = p.outLayout();
              int channels = out.channels();
              boolean[] changed = {false};
              rewrite(
                  run,
                  k,
                  (i, honest) -> {
                    int c = i & ((1 << out.cBits()) - 1);
                    int col = (i >>> out.cBits()) & ((1 << out.wBits()) - 1);
                    int row = i >>> (out.cBits() + out.wBits());
                    int gc = broadcast.equals("rows") ? row % channels : channels - 1 - c;
                    long v =
                        (long) (x[(row * out.width() + col) * channels + c] - map.zeroPoint())
                            * (g[gc] - gate.zeroPoint());
                    changed[0] |= v != honest;
                    return v;
                  });
              assertTrue(changed[0], "the other broadcast changes nothing on this input");
            });
    rejectedByTheProduct(proof);
  }

  /**
   * A product whose per-channel-looking operand is broadcast over rows ([1, 4, 4, 2] × [1, 1, 4,
   * 2], a column max pool of the input): the engine runs it, and {@code zkaudit commit}'s
   * provability check refuses it in one line naming the layer and the two shapes.
   */
  @org.junit.jupiter.api.Test
  void anotherBroadcastRunsButIsRefusedAtCommit() {
    TensorSpec x = TensorSpec.of("x", List.of(1, 4, 4, 2), ElementType.UINT8, 0.02f, 128, false);
    TensorSpec pooled =
        TensorSpec.of("pooled", List.of(1, 1, 4, 2), ElementType.UINT8, 0.02f, 128, false);
    TensorSpec y = TensorSpec.of("y", List.of(1, 4, 4, 2), ElementType.UINT8, 0.05f, 3, false);
    FixedPoint.QuantizedMultiplier m = FixedPoint.quantizeMultiplier(0.02 * 0.02 / 0.05);
    ModelDescription d =
        new ModelDescription(
            "row-gate",
            List.of(x, pooled, y),
            List.of(
                new MaxPool("rows", 0, 1, new Window(4, 1, 1, 1, 1, 1, Padding.NONE), 0, 255),
                new Mul("gate", 0, 1, 2, 128, 128, m.multiplier(), m.shift(), 3, 0, 255)),
            List.of(0),
            List.of(2));
    QuantizedModel q = new QuantizedModel(d, java.util.Map.of());
    assertEquals(32, new IntegerEngine(q).infer(new int[32]).length);
    Provability p = Provability.of(q);
    assertFalse(p.provable());
    assertEquals(1, p.messages().size(), p.messages().toString());
    assertTrue(
        p.messages()
            .getFirst()
            .contains(
                "layer gate: the proof does not support a product of activations of shapes"
                    + " [1, 4, 4, 2] and [1, 1, 4, 2]"),
        p.messages().toString());
  }

  /**
   * TFLite-shaped products (the importer maps MUL's operands as they are): a 4×4×3 map times the
   * [1, 3] output of a dense layer over it (a gate of TFLite's shape), and a map times another of
   * its shape; zero point −3 throughout. Each is provable, its product equals an independent
   * computation from the engine's factors (TFLite's two roundings in exact decimal arithmetic), and
   * plain and zero-knowledge proofs verify with the engine's output.
   */
  @ParameterizedTest
  @ValueSource(strings = {"gate", "square"})
  void tfliteShapedProductsProve(String form) throws Exception {
    TinyModels.Chain c = new TinyModels.Chain("tiny-" + form, List.of(1, 4, 4, 3), -3);
    c.conv1x1("conv");
    int map = c.mark();
    if (form.equals("gate")) {
      c.denseRandom("fc", 3, 2, 7);
    } else {
      c.conv1x1("conv2");
    }
    QuantizedModel q = c.multiply("mul", map).build();
    Mul mul = (Mul) q.description().layers().getLast();
    assertEquals(
        form.equals("gate") ? List.of(1, 3) : List.of(1, 4, 4, 3),
        q.description().tensor(mul.b()).shape());
    Provability p = Provability.of(q);
    assertTrue(p.provable(), p.messages().toString());
    int[] x = new int[q.input().size()];
    Random r = new Random(31);
    for (int i = 0; i < x.length; i++) x[i] = r.nextInt(256) - 128;
    int[][] v = new IntegerEngine(q).values(x);
    int[] a = v[mul.a()], b = v[mul.b()], y = v[mul.output()];
    int changed = 0;
    for (int i = 0; i < y.length; i++) {
      long product =
          (long) (a[i] - mul.aZeroPoint())
              * (b[form.equals("gate") ? i % 3 : i] - mul.bZeroPoint());
      java.math.BigDecimal scaled =
          java.math.BigDecimal.valueOf(product * mul.outMultiplier() << Math.max(mul.outShift(), 0))
              .divide(java.math.BigDecimal.valueOf(2).pow(31))
              .setScale(0, java.math.RoundingMode.HALF_UP)
              .divide(java.math.BigDecimal.valueOf(2).pow(Math.max(-mul.outShift(), 0)))
              .setScale(0, java.math.RoundingMode.HALF_UP);
      assertEquals(
          Math.clamp(scaled.longValueExact() + mul.outZeroPoint(), -128, 127), y[i], "value " + i);
      changed += y[i] != mul.outZeroPoint() ? 1 : 0;
    }
    assertTrue(changed * 2 > y.length, "the product is mostly zero: " + changed);
    CommittedModel committed = ModelProver.commit(q);
    ModelVerifier v2 = new ModelVerifier(committed.vk());
    for (boolean zk : new boolean[] {false, true}) {
      ModelProof proof = ModelProver.prove(committed, x, ProgressListener.NONE, zk);
      assertArrayEquals(
          new IntegerEngine(q).infer(x), v2.verify(ModelProof.decode(proof.encode()), x));
    }
  }

  /**
   * A product of two int32 activations (x·x of an int32 input) is refused at commit: the proof's
   * rounding table covers the products of two 8-bit types.
   */
  @org.junit.jupiter.api.Test
  void aProductOfWideActivationsIsRefusedAtCommit() {
    TensorSpec x = TensorSpec.of("x", List.of(1, 2, 2, 2), ElementType.INT32, 0.02f, 0, false);
    TensorSpec y = TensorSpec.of("y", List.of(1, 2, 2, 2), ElementType.INT8, 0.05f, 0, false);
    FixedPoint.QuantizedMultiplier m = FixedPoint.quantizeMultiplier(0.02 * 0.02 / 0.05);
    ModelDescription d =
        new ModelDescription(
            "wide",
            List.of(x, y),
            List.of(new Mul("square", 0, 0, 1, 0, 0, m.multiplier(), m.shift(), 0, -128, 127)),
            List.of(0),
            List.of(1));
    Provability p = Provability.of(new QuantizedModel(d, java.util.Map.of()));
    assertFalse(p.provable());
    assertTrue(
        p.messages().getFirst().contains("layer square")
            && p.messages().getFirst().contains("INT32 (8-bit only)"),
        p.messages().toString());
  }

  /** A new accumulator for real entry i (padded index) from its honest value. */
  @FunctionalInterface
  interface Forge {
    long accumulator(int index, long honest);
  }

  private static int productIndex(ModelCircuit circuit) {
    for (int k = 0; k < circuit.layers().size(); k++) {
      if (circuit.layers().get(k) instanceof ModelCircuit.ProductLayer) return k;
    }
    throw new AssertionError("no product layer");
  }

  /**
   * Rewrites proven layer k's real entries from forged accumulators: outputs by its rounding (the
   * stated output too, when it is the model's), range witnesses, the rounding and range lookups'
   * tuples, then both lookups' multiplicities, so that every lookup still holds.
   */
  private static void rewrite(ProofRun run, int k, Forge forge) {
    InferenceWitness w = run.witness;
    ModelCircuit.ProvenLayer p = run.circuit.layers().get(k);
    TensorLayout out = p.outLayout();
    StepTable table = p.rounding().tables().getFirst();
    long[] acc = w.accumulators[k];
    long[][] rounding = w.lookups.get(0).groups().get(k);
    long[] outTable = rounding[1];
    long[] pair = w.lookups.get(1).groups().get(k)[0];
    boolean isOutput = run.circuit.resolve(p.layer().output()) == run.circuit.outputTensor();
    for (int i = 0; i < acc.length; i++) {
      if (!out.isReal(i)) continue;
      long a = forge.accumulator(i, Goldilocks.toSigned(acc[i]));
      int r = table.rowOf(a);
      if (r < 0) throw new AssertionError("forged accumulator " + a + " is outside the table");
      StepTable.Row row = table.rows().get(r);
      acc[i] = Goldilocks.fromSigned(a);
      outTable[i] = Goldilocks.fromSigned(row.out());
      w.c1[k][i] = Goldilocks.fromSigned(a - row.low());
      w.c2[k][i] = Goldilocks.fromSigned(row.high() - 1 - a);
      rounding[2][i] = Goldilocks.sub(acc[i], w.c1[k][i]);
      rounding[3][i] = Goldilocks.add(Goldilocks.add(acc[i], w.c2[k][i]), 1);
      pair[i] = w.c1[k][i];
      pair[acc.length + i] = w.c2[k][i];
      if (isOutput) {
        int c = i & ((1 << out.cBits()) - 1);
        int col = (i >>> out.cBits()) & ((1 << out.wBits()) - 1);
        int y = i >>> (out.cBits() + out.wBits());
        w.output[(y * out.width() + col) * out.channels() + c] = row.out();
      }
    }
    LookupStatement st = run.statement;
    List<long[][]> ranges = w.lookups.get(1).groups();
    w.lookups =
        List.of(
            LookupWitness.compute(st.lookups().get(0), w.lookups.get(0).groups()),
            LookupWitness.compute(
                new LookupStatement.Lookup(
                    st.lookups().get(1).table(),
                    st.lookups().get(1).groups().subList(0, ranges.size())),
                ranges));
  }

  private static void rejectedByTheProduct(ModelProof proof) {
    assertFalse(
        Arrays.equals(proof.output(), new IntegerEngine(model).infer(input)),
        "the cheat states the honest output");
    InvalidProofException e =
        assertThrows(InvalidProofException.class, () -> verifier.verify(proof, input));
    assertTrue(e.getMessage().contains("excite (product)"), e.getMessage());
  }
}
