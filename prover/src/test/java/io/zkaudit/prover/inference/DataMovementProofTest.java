package io.zkaudit.prover.inference;

import static io.zkaudit.prover.inference.ModelProofTest.assertInvalid;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.data.PixelRange;
import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.engine.Predictions;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.floatmodel.FloatEngine;
import io.zkaudit.floatmodel.FloatModel;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.inference.WeightLayout;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.layers.WindowedLinear;
import io.zkaudit.model.FullyConnected;
import io.zkaudit.model.Padding;
import io.zkaudit.onnx.OnnxImporter;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.quantizer.Quantizer;
import io.zkaudit.testutil.OnnxWriter;
import io.zkaudit.testutil.TinyModels.Chain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Data movement folded into the layer that reads it (io.zkaudit.layers.FoldedInput): a flatten of a
 * spatial map read by a dense layer (PyTorch's flatten then Linear), a dense layer over a map read
 * directly (TFLite's FULLY_CONNECTED on [1, H, W, C]), and explicit pads in front of convolutions
 * (TF2's PAD before a stride-2 convolution), on odd sizes so that every tensor is padded to powers
 * of two. Proofs verify and state the integer engine's output; a prover that departs from the
 * committed model is rejected.
 */
class DataMovementProofTest {
  private static final Padding SAME_3X3 = new Padding(1, 1, 1, 1);

  /** conv 3x3 → [1, 5, 5, 4] → flatten [1, 100] → dense 6; activation zero point -3. */
  static QuantizedModel convFlattenDense() {
    return new Chain("conv-flatten-dense", List.of(1, 5, 5, 3), -3)
        .conv("conv", 3, 1, SAME_3X3, 4, 6, 11)
        .flatten("flatten")
        .denseRandom("fc", 6, 5, 21)
        .build();
  }

  /**
   * The same layers with the dense layer reading the [1, 5, 5, 4] map itself (no reshape layer).
   */
  static QuantizedModel convDense() {
    return new Chain("conv-dense", List.of(1, 5, 5, 3), -3)
        .conv("conv", 3, 1, SAME_3X3, 4, 6, 11)
        .denseRandom("fc", 6, 5, 21)
        .build();
  }

  /**
   * The dense layer reads the map reshaped to [1, 4, 5, 5] (a rank-4 reshape that moves data, as an
   * NCHW-minded export might leave): row-major order is kept, so it is still the flatten of the [1,
   * 5, 5, 4] map, and the dense layer reads that map.
   */
  static QuantizedModel convReshapeDense() {
    return new Chain("conv-reshape-dense", List.of(1, 5, 5, 3), -3)
        .conv("conv", 3, 1, SAME_3X3, 4, 6, 11)
        .reshape("reshape", List.of(1, 4, 5, 5))
        .denseRandom("fc", 6, 5, 21)
        .build();
  }

  /**
   * An asymmetric pad then a stride-2 VALID convolution, a pad folded into a VALID depthwise
   * convolution, a pad added to a convolution's own SAME padding, then a flatten and a dense layer;
   * zero point 5, which every pad uses.
   */
  static QuantizedModel padsBeforeConvolutions() {
    return new Chain("pads-before-convolutions", List.of(1, 5, 5, 3), 5)
        .pad("pad1", 1, 2, 2, 1, 5)
        .conv("conv1", 3, 2, Padding.NONE, 4, 6, 31) // [1, 8, 8, 3] → [1, 3, 3, 4]
        .pad("pad2", 1, 1, 1, 1, 5)
        .depthwise("dw", 3, 1, Padding.NONE, 3, 41) // [1, 5, 5, 4] → [1, 3, 3, 4]
        .pad("pad3", 1, 0, 0, 1, 5)
        .conv("conv2", 3, 1, SAME_3X3, 3, 6, 51) // [1, 4, 4, 4] → [1, 4, 4, 3]
        .flatten("flatten")
        .denseRandom("fc", 5, 5, 61)
        .build();
  }

  /**
   * A pad of value 7 (not the zero point: an average pool counts padded entries in its divisor, so
   * any value is exact) folded into a 3x3 VALID average pool of stride 2, then a flatten and a
   * dense layer.
   */
  static QuantizedModel padBeforeAveragePool() {
    return new Chain("pad-before-average-pool", List.of(1, 5, 5, 3), -2)
        .conv("conv", 1, 1, Padding.NONE, 3, 3, 71)
        .pad("pad", 1, 2, 2, 1, 7)
        .averagePool("pool", 3, 2, Padding.NONE) // [1, 8, 8, 3] → [1, 3, 3, 3]
        .flatten("flatten")
        .denseRandom("fc", 4, 4, 81)
        .build();
  }

  private static List<int[]> inputs(QuantizedModel m, int count, long seed) {
    return MaxPoolProofTest.inputs(m, count, seed);
  }

  @Test
  void modelsWithFoldedMovementAreProvableAndTheirProofsStateTheEnginesOutput() throws Exception {
    for (QuantizedModel m :
        List.of(
            convFlattenDense(),
            convDense(),
            convReshapeDense(),
            padsBeforeConvolutions(),
            padBeforeAveragePool())) {
      Provability p = Provability.of(m);
      assertTrue(p.provable(), m.description().name() + ": " + p.messages());
      CommittedModel cm = ModelProver.commit(m);
      ModelVerifier verifier = new ModelVerifier(cm.vk());
      List<int[]> xs = inputs(m, 3, m.description().name().length());
      java.util.Set<String> outputs = new java.util.HashSet<>();
      for (int k = 0; k < xs.size(); k++) {
        int[] x = xs.get(k);
        // Zero knowledge (the default) for all but one: both circuits fold the same way.
        ModelProof proof = ModelProver.prove(cm, x, ProgressListener.NONE, k != 1);
        int[] proven = verifier.verify(ModelProof.decode(proof.encode()), x);
        int[] engine = new IntegerEngine(m).trace(x).tensor(verifier.circuit().outputTensor());
        assertArrayEquals(engine, proven, m.description().name() + " input " + k);
        outputs.add(java.util.Arrays.toString(proven));
      }
      // The inputs lead to different outputs: the models do not saturate into one constant answer.
      assertEquals(xs.size(), outputs.size(), m.description().name() + ": " + outputs);
    }
  }

  /**
   * Nothing is committed for the movement: the pads and the flatten have no column, and no layer of
   * their own.
   */
  @Test
  void theMovementItselfIsNeitherCommittedNorProven() {
    QuantizedModel m = padsBeforeConvolutions();
    for (boolean zk : new boolean[] {false, true}) {
      ModelCircuit c = ModelCircuit.of(m.description(), zk);
      assertEquals(
          List.of("conv1", "dw", "conv2", "fc"),
          c.layers().stream().map(l -> l.layer().name()).toList());
      assertTrue(
          c.columns().stream()
              .noneMatch(col -> col.name().startsWith("pad") || col.name().startsWith("flatten")));
      // Each convolution reads the pad's input through a window whose padding is grown by the
      // pad's.
      WindowedLinear conv1 = ((ModelCircuit.LinearLayer) c.layers().getFirst()).linear();
      assertEquals(0, conv1.input());
      assertEquals(1, conv1.rows().pad());
      assertEquals(2, conv1.cols().pad());
      WindowedLinear conv2 = ((ModelCircuit.LinearLayer) c.layers().get(2)).linear();
      assertEquals(2, conv2.rows().pad());
      assertEquals(1, conv2.cols().pad());
      WindowedLinear fc = ((ModelCircuit.LinearLayer) c.layers().getLast()).linear();
      assertEquals(c.layers().get(2).layer().output(), fc.input());
      assertEquals(4, fc.rows().kernel());
      assertEquals(4, fc.cols().kernel());
    }
    // The pool sums x - 7 over the pad's input; its rounding adds the 9 window entries' 7s back.
    ModelCircuit pooled = ModelCircuit.of(padBeforeAveragePool().description(), true);
    ModelCircuit.LinearLayer pool = (ModelCircuit.LinearLayer) pooled.layers().get(1);
    assertEquals(pooled.layers().getFirst().layer().output(), pool.linear().input());
    assertEquals(7, pool.linear().inputZeroPoint());
    assertEquals(List.of(1, 2), List.of(pool.linear().rows().pad(), pool.linear().cols().pad()));
    // Entries all 7 (real or pad) sum to 0 in the proof and average to 7; all -128, to -128.
    assertEquals(7, pool.rounding().step(0).apply(0));
    assertEquals(-128, pool.rounding().step(0).apply(9 * (-128 - 7)));
  }

  /**
   * The fold is the rewrite the docs state: the dense layer over the flattened [1, 5, 5, 4] map is
   * the 5x5 VALID convolution with the same weight array, then a layout-keeping reshape. Same
   * integer outputs, the same committed weight tables; but another description, so a proof of one
   * is not a proof of the other.
   */
  @Test
  void theFlattenThenDenseIsTheWholeMapConvolutionButNotItsProof() throws Exception {
    QuantizedModel flattened = convFlattenDense();
    QuantizedModel rewritten =
        new Chain("conv-flatten-dense", List.of(1, 5, 5, 3), -3)
            .conv("conv", 3, 1, SAME_3X3, 4, 6, 11)
            .conv("fc", 5, 1, Padding.NONE, 6, 5, 21)
            .flatten("flatten")
            .build();
    for (int[] x : inputs(flattened, 4, 7)) {
      assertArrayEquals(
          new IntegerEngine(flattened).infer(x), new IntegerEngine(rewritten).infer(x));
    }
    CommittedModel a = ModelProver.commit(flattened);
    CommittedModel b = ModelProver.commit(rewritten);
    // Weights and biases: the same kinds, sizes and values (the HIDING column is random).
    assertEquals(
        a.layout().entries().stream().map(e -> e.kind() + "/" + e.numVars()).toList(),
        b.layout().entries().stream().map(e -> e.kind() + "/" + e.numVars()).toList());
    List<WeightLayout.Entry> entries = a.layout().entries();
    assertEquals(4, entries.stream().filter(e -> e.kind() != WeightLayout.Kind.HIDING).count());
    for (int t = 0; t < entries.size(); t++) {
      if (entries.get(t).kind() == WeightLayout.Kind.HIDING) {
        continue;
      }
      assertArrayEquals(a.weightTables().get(t), b.weightTables().get(t), "weight table " + t);
    }
    int[] x = inputs(flattened, 1, 8).getFirst();
    ModelProof ofRewritten = ModelProver.prove(b, x, ProgressListener.NONE);
    assertArrayEquals(
        new IntegerEngine(rewritten).infer(x), new ModelVerifier(b.vk()).verify(ofRewritten, x));
    assertInvalid(
        () -> new ModelVerifier(a.vk()).verify(ofRewritten, x),
        "a proof of the rewritten description");
  }

  /**
   * A cheating prover: an output it did not compute, dense weights in the other flatten order
   * (NCHW, what an importer that forgot to permute would commit), or a wrong value in the map the
   * flatten reads (only read through the fold) are all rejected.
   */
  @Test
  void aProofOfTheFlattenCannotClaimAnotherOutput() throws Exception {
    QuantizedModel m = convFlattenDense();
    CommittedModel cm = ModelProver.commit(m);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    int[] x = inputs(m, 1, 9).getFirst();
    ModelProof honest = ModelProver.prove(cm, x, ProgressListener.NONE);
    assertArrayEquals(new IntegerEngine(m).infer(x), verifier.verify(honest, x));

    int[] out = honest.output();
    out[2] = out[2] == 127 ? 126 : out[2] + 1;
    ModelProof altered = honest.edit().output(out).build();
    assertInvalid(() -> verifier.verify(altered, x), "an altered output");

    QuantizedModel nchw = withDenseWeightsInChannelMajorOrder(m);
    assertFalse(
        java.util.Arrays.equals(new IntegerEngine(m).infer(x), new IntegerEngine(nchw).infer(x)),
        "the permutation must change the output for the test to mean anything");
    CommittedModel other = ModelProver.commit(nchw);
    // The other weights' own commitment under the honest key's description: not the committed
    // weights.
    CommittedModel cheat =
        new CommittedModel(
            nchw, other.circuit(), other.layout(), other.weightTables(), other.weights(), cm.vk());
    ModelProof cheating = ModelProver.prove(cheat, x, ProgressListener.NONE);
    assertInvalid(() -> verifier.verify(cheating, x), "permuted weights behind another commitment");
    // The honest commitment, the permuted weights in the layer proofs.
    CommittedModel mixed =
        new CommittedModel(
            nchw, other.circuit(), other.layout(), other.weightTables(), cm.weights(), cm.vk());
    ModelProof mixedProof = ModelProver.prove(mixed, x, ProgressListener.NONE);
    assertInvalid(() -> verifier.verify(mixedProof, x), "permuted weights in the layer proofs");

    int conv = 0; // the convolution whose output only the folded dense layer reads
    int fc = 1;
    List<java.util.function.Consumer<InferenceWitness>> cheats =
        List.of(
            w -> bump(w.columns[cm.circuit(true).layers().get(conv).columns().out()], 5),
            w -> bump(w.c1[fc], 0),
            w -> bump(w.lookups.get(0).groups().get(fc)[2], 1));
    int made = 0;
    for (var c : cheats) {
      ModelProof p;
      try {
        p = CheatingProver.alteringWitness(cm, x, c);
      } catch (RuntimeException refused) {
        continue;
      }
      made++;
      assertInvalid(() -> verifier.verify(p, x), "a witness changed in one value");
    }
    assertTrue(made >= 2, "the cheating prover made " + made + " proofs");
  }

  /**
   * A PyTorch-style ONNX export through the real importer and quantizer: an NCHW input [1, 3, 11,
   * 11], a bottom/right zero Pad (TF's padding before a stride-2 convolution), Conv 3x3 stride 2,
   * Relu, Flatten of the [1, 4, 5, 5] map, Gemm to 5. The importer makes a PAD, a RESHAPE that
   * moves data and a dense layer with its weight columns permuted to NHWC; the proof states the
   * integer engine's output, whose top-1 is the float model's.
   */
  @Test
  void anOnnxExportWithPadAndFlattenProves() throws Exception {
    float[] w1 = new float[4 * 3 * 3 * 3];
    for (int i = 0; i < w1.length; i++) w1[i] = ((i * 37) % 17 - 8) / 16f;
    float[] w2 = new float[5 * 100];
    for (int i = 0; i < w2.length; i++) w2[i] = ((i * 29) % 13 - 6) / 24f;
    var g =
        new OnnxWriter.Graph(
                OnnxWriter.valueInfo("input", 1, 3, 11, 11), OnnxWriter.valueInfo("logits", 1, 5))
            .initializer(OnnxWriter.floats("w1", new int[] {4, 3, 3, 3}, w1))
            .initializer(OnnxWriter.floats("b1", new int[] {4}, 0.1f, -0.2f, 0.05f, 0f))
            .initializer(OnnxWriter.floats("w2", new int[] {5, 100}, w2))
            .initializer(OnnxWriter.floats("b2", new int[] {5}, new float[5]))
            .node(
                OnnxWriter.node(
                    "Pad",
                    "pad",
                    List.of("input"),
                    List.of("p"),
                    OnnxWriter.attrInts("pads", 0, 0, 0, 0, 0, 0, 1, 1)))
            .node(
                OnnxWriter.node(
                    "Conv",
                    "conv",
                    List.of("p", "w1", "b1"),
                    List.of("c"),
                    OnnxWriter.attrInts("kernel_shape", 3, 3),
                    OnnxWriter.attrInts("strides", 2, 2)))
            .node(OnnxWriter.node("Relu", "relu", List.of("c"), List.of("r")))
            .node(
                OnnxWriter.node(
                    "Flatten",
                    "flatten",
                    List.of("r"),
                    List.of("f"),
                    OnnxWriter.attrInt("axis", 1)))
            .node(
                OnnxWriter.node(
                    "Gemm",
                    "fc",
                    List.of("f", "w2", "b2"),
                    List.of("logits"),
                    OnnxWriter.attrInt("transB", 1)));
    assertOnnxExportProves(
        OnnxImporter.lower(OnnxImporter.parse(g.model(10)), "onnx-pad-flatten"),
        11,
        3,
        List.of("Pad", "Conv2D", "Reshape", "FullyConnected"));
  }

  /**
   * PyTorch's AvgPool2d(padding=1) exports count_include_pad = 1 (the padding counts as zeros in
   * every window's mean): the importer lowers it to a zero Pad and a VALID pool, and the proof
   * folds the pad into the pool. ONNX's own conformance cases check the lowering's values
   * (OnnxConformanceTest: averagepool_2d_pads_count_include_pad and its precomputed twin).
   */
  @Test
  void anOnnxAveragePoolCountingItsPaddingProves() throws Exception {
    float[] w1 = new float[4 * 3 * 3 * 3];
    for (int i = 0; i < w1.length; i++) w1[i] = ((i * 41) % 19 - 9) / 16f;
    float[] w2 = new float[5 * 100];
    for (int i = 0; i < w2.length; i++) w2[i] = ((i * 23) % 11 - 5) / 20f;
    var g =
        new OnnxWriter.Graph(
                OnnxWriter.valueInfo("input", 1, 3, 9, 9), OnnxWriter.valueInfo("logits", 1, 5))
            .initializer(OnnxWriter.floats("w1", new int[] {4, 3, 3, 3}, w1))
            .initializer(OnnxWriter.floats("b1", new int[] {4}, 0.1f, -0.2f, 0.05f, 0f))
            .initializer(OnnxWriter.floats("w2", new int[] {5, 100}, w2))
            .initializer(OnnxWriter.floats("b2", new int[] {5}, new float[5]))
            .node(
                OnnxWriter.node(
                    "Conv",
                    "conv",
                    List.of("input", "w1", "b1"),
                    List.of("c"),
                    OnnxWriter.attrInts("kernel_shape", 3, 3),
                    OnnxWriter.attrInts("pads", 1, 1, 1, 1)))
            .node(OnnxWriter.node("Relu", "relu", List.of("c"), List.of("r")))
            .node(
                OnnxWriter.node(
                    "AveragePool",
                    "pool",
                    List.of("r"),
                    List.of("a"),
                    OnnxWriter.attrInts("kernel_shape", 3, 3),
                    OnnxWriter.attrInts("strides", 2, 2),
                    OnnxWriter.attrInts("pads", 1, 1, 1, 1),
                    OnnxWriter.attrInt("count_include_pad", 1)))
            .node(
                OnnxWriter.node(
                    "Flatten",
                    "flatten",
                    List.of("a"),
                    List.of("f"),
                    OnnxWriter.attrInt("axis", 1)))
            .node(
                OnnxWriter.node(
                    "Gemm",
                    "fc",
                    List.of("f", "w2", "b2"),
                    List.of("logits"),
                    OnnxWriter.attrInt("transB", 1)));
    assertOnnxExportProves(
        OnnxImporter.lower(OnnxImporter.parse(g.model(10)), "onnx-avgpool-count-include-pad"),
        9,
        4,
        List.of("Conv2D", "Pad", "AveragePool", "Reshape", "FullyConnected"));
  }

  /**
   * Quantizes a float model of [1, side, side, 3] inputs on 8 random inputs, checks its layers,
   * proves each input (with and without zero knowledge, alternately) and checks every proven output
   * against the integer engine, and the proven top-1 against the float model's.
   */
  private static void assertOnnxExportProves(FloatModel f, int side, long seed, List<String> layers)
      throws Exception {
    Random r = new Random(seed);
    List<float[]> xs = new ArrayList<>();
    for (int k = 0; k < 8; k++) {
      float[] x = new float[side * side * 3];
      for (int i = 0; i < x.length; i++) x[i] = r.nextFloat() * 2 - 1;
      xs.add(x);
    }
    QuantizedModel q = Quantizer.quantize(f, xs, PixelRange.SIGNED_UNIT);
    assertEquals(
        layers, q.description().layers().stream().map(l -> l.getClass().getSimpleName()).toList());
    assertTrue(Provability.of(q).provable(), Provability.of(q).messages().toString());
    CommittedModel cm = ModelProver.commit(q);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    FloatEngine fe = new FloatEngine(f);
    int agree = 0;
    for (int k = 0; k < xs.size(); k++) {
      int[] x = quantized(xs.get(k), q.input());
      int[] proven =
          verifier.verify(ModelProver.prove(cm, x, ProgressListener.NONE, k % 2 == 0), x);
      assertArrayEquals(new IntegerEngine(q).infer(x), proven);
      int floatTop = Predictions.topK(fe.values(xs.get(k))[f.logitsTensor()], 1)[0];
      agree += Predictions.topK(proven, 1)[0] == floatTop ? 1 : 0;
    }
    assertTrue(
        agree >= xs.size() - 1,
        "proven top-1 agrees with the float model on " + agree + " of " + xs.size());
  }

  private static int[] quantized(float[] x, io.zkaudit.model.TensorSpec spec) {
    int[] q = new int[x.length];
    for (int i = 0; i < x.length; i++)
      q[i] = Math.clamp(Math.round(x[i] / spec.scale()) + spec.zeroPoint(), -128, 127);
    return q;
  }

  /**
   * The dense weights [O, H·W·C] reordered as if the map had been flattened channel-major (c, h,
   * w).
   */
  private static QuantizedModel withDenseWeightsInChannelMajorOrder(QuantizedModel m) {
    FullyConnected fc = (FullyConnected) m.description().layers().getLast();
    int[] w = m.constant(fc.weights());
    int o = m.description().tensor(fc.weights()).dim(0);
    int k = w.length / o;
    int h = 5;
    int wd = 5;
    int c = k / (h * wd);
    int[] permuted = new int[w.length];
    for (int out = 0; out < o; out++) {
      for (int y = 0; y < h; y++) {
        for (int xx = 0; xx < wd; xx++) {
          for (int ch = 0; ch < c; ch++) {
            permuted[out * k + (y * wd + xx) * c + ch] = w[out * k + (ch * h + y) * wd + xx];
          }
        }
      }
    }
    Map<Integer, int[]> constants = new HashMap<>(m.constants());
    constants.put(fc.weights(), permuted);
    return new QuantizedModel(m.description(), constants);
  }

  private static void bump(long[] column, int index) {
    column[index] = Goldilocks.add(column[index], 1);
  }
}
