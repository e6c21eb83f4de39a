package io.zkaudit.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.data.PixelRange;
import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.floatmodel.FloatEngine;
import io.zkaudit.floatmodel.FloatModel;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.inference.ProgressListener;
import io.zkaudit.prover.inference.Provability;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.quantizer.Quantizer;
import io.zkaudit.testutil.OnnxWriter;
import io.zkaudit.testutil.OnnxWriter.Proto;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Keras models exported through tf2onnx take channels-last [N,H,W,C] images, transpose them to
 * ONNX's [N,C,H,W] for the convolutions, and transpose back before a Flatten (whose order is then
 * H, W, C) or reduce the spatial axes with ReduceMean (GlobalAveragePooling2D). Each such graph is
 * built here next to its PyTorch-shaped twin (an [N,C,H,W] input, Flatten in C, H, W order, the
 * dense weights' rows ordered to match): both must compute the same logits bit for bit on the same
 * image, and the Keras one must prove.
 */
class ChannelsLastOnnxTest {
  private static final int SIDE = 8, IN_C = 3, OUT_C = 4, POOLED = SIDE / 2, CLASSES = 5;

  private static float[] convWeights() {
    float[] w = new float[OUT_C * IN_C * 3 * 3];
    for (int i = 0; i < w.length; i++) w[i] = ((i * 37) % 17 - 8) / 16f;
    return w;
  }

  /** Dense weights as a MatMul's [K, O] matrix, K in H, W, C order (the Keras Flatten's). */
  private static float[] denseHwc() {
    int k = POOLED * POOLED * OUT_C;
    float[] w = new float[k * CLASSES];
    for (int i = 0; i < w.length; i++) w[i] = ((i * 29) % 13 - 6) / 24f;
    return w;
  }

  /** The same matrix with its rows in C, H, W order (what a PyTorch Flatten feeds). */
  private static float[] denseChw() {
    float[] hwc = denseHwc();
    float[] chw = new float[hwc.length];
    for (int y = 0; y < POOLED; y++)
      for (int x = 0; x < POOLED; x++)
        for (int c = 0; c < OUT_C; c++)
          for (int o = 0; o < CLASSES; o++)
            chw[((c * POOLED + y) * POOLED + x) * CLASSES + o] =
                hwc[((y * POOLED + x) * OUT_C + c) * CLASSES + o];
    return chw;
  }

  private static Proto conv(String in, String out) {
    return OnnxWriter.node(
        "Conv",
        "conv",
        List.of(in, "w1", "b1"),
        List.of(out),
        OnnxWriter.attrInts("kernel_shape", 3, 3),
        OnnxWriter.attrInts("pads", 1, 1, 1, 1));
  }

  private static Proto relu(String in, String out) {
    return OnnxWriter.node("Relu", "relu", List.of(in), List.of(out));
  }

  private static Proto maxPool(String in, String out) {
    return OnnxWriter.node(
        "MaxPool",
        "pool",
        List.of(in),
        List.of(out),
        OnnxWriter.attrInts("kernel_shape", 2, 2),
        OnnxWriter.attrInts("strides", 2, 2));
  }

  private static Proto transpose(String name, String in, String out, long... perm) {
    return OnnxWriter.node(
        "Transpose", name, List.of(in), List.of(out), OnnxWriter.attrInts("perm", perm));
  }

  private static Proto matMulAdd(OnnxWriter.Graph g, String in, float[] weights, int k) {
    g.initializer(OnnxWriter.floats("w2", new int[] {k, CLASSES}, weights))
        .initializer(OnnxWriter.floats("b2", new int[] {CLASSES}, 0.25f, -0.5f, 0f, 0.125f, 0f))
        .node(OnnxWriter.node("MatMul", "fc", List.of(in, "w2"), List.of("mm")));
    return OnnxWriter.node("Add", "bias", List.of("mm", "b2"), List.of("logits"));
  }

  private static OnnxWriter.Graph withConvWeights(OnnxWriter.Graph g) {
    return g.initializer(OnnxWriter.floats("w1", new int[] {OUT_C, IN_C, 3, 3}, convWeights()))
        .initializer(OnnxWriter.floats("b1", new int[] {OUT_C}, 0.1f, -0.2f, 0.05f, 0f));
  }

  /** tf2onnx's shape of a Keras Conv2D, ReLU, MaxPool2D, Flatten, Dense. */
  static byte[] kerasFlatten() {
    var g =
        withConvWeights(
            new OnnxWriter.Graph(
                OnnxWriter.valueInfo("input", "N", SIDE, SIDE, IN_C),
                OnnxWriter.valueInfo("logits", "N", CLASSES)));
    g.initializer(OnnxWriter.integers("shape", OnnxWriter.INT64, new int[] {2}, -1, 64))
        .node(transpose("to_nchw", "input", "x", 0, 3, 1, 2))
        .node(conv("x", "c"))
        .node(relu("c", "r"))
        .node(maxPool("r", "p"))
        .node(transpose("to_nhwc", "p", "p_nhwc", 0, 2, 3, 1))
        .node(OnnxWriter.node("Reshape", "flatten", List.of("p_nhwc", "shape"), List.of("f")));
    g.node(matMulAdd(g, "f", denseHwc(), 64));
    return g.model(13);
  }

  /** The same network as PyTorch exports it. */
  static byte[] torchFlatten() {
    var g =
        withConvWeights(
            new OnnxWriter.Graph(
                OnnxWriter.valueInfo("input", 1, IN_C, SIDE, SIDE),
                OnnxWriter.valueInfo("logits", 1, CLASSES)));
    g.node(conv("input", "c"))
        .node(relu("c", "r"))
        .node(maxPool("r", "p"))
        .node(
            OnnxWriter.node(
                "Flatten", "flatten", List.of("p"), List.of("f"), OnnxWriter.attrInt("axis", 1)));
    g.node(matMulAdd(g, "f", denseChw(), 64));
    return g.model(13);
  }

  /** Keras GlobalAveragePooling2D after transposing back: ReduceMean over axes 1, 2. */
  static byte[] kerasGlobalPool(boolean keepDims) {
    var g =
        withConvWeights(
            new OnnxWriter.Graph(
                OnnxWriter.valueInfo("input", 1, SIDE, SIDE, IN_C),
                OnnxWriter.valueInfo("logits", 1, CLASSES)));
    g.node(transpose("to_nchw", "input", "x", 0, 3, 1, 2))
        .node(conv("x", "c"))
        .node(relu("c", "r"))
        .node(transpose("to_nhwc", "r", "r_nhwc", 0, 2, 3, 1))
        .node(
            OnnxWriter.node(
                "ReduceMean",
                "gap",
                List.of("r_nhwc"),
                List.of(keepDims ? "m4" : "m"),
                OnnxWriter.attrInts("axes", 1, 2),
                OnnxWriter.attrInt("keepdims", keepDims ? 1 : 0)));
    if (keepDims)
      g.initializer(OnnxWriter.integers("shape", OnnxWriter.INT64, new int[] {2}, 1, OUT_C))
          .node(OnnxWriter.node("Reshape", "squeeze", List.of("m4", "shape"), List.of("m")));
    float[] w = new float[OUT_C * CLASSES];
    for (int i = 0; i < w.length; i++) w[i] = ((i * 7) % 9 - 4) / 8f;
    g.node(matMulAdd(g, "m", w, OUT_C));
    return g.model(13);
  }

  /** The PyTorch twin of {@link #kerasGlobalPool}: GlobalAveragePool then Flatten. */
  static byte[] torchGlobalPool() {
    var g =
        withConvWeights(
            new OnnxWriter.Graph(
                OnnxWriter.valueInfo("input", 1, IN_C, SIDE, SIDE),
                OnnxWriter.valueInfo("logits", 1, CLASSES)));
    g.node(conv("input", "c"))
        .node(relu("c", "r"))
        .node(OnnxWriter.node("GlobalAveragePool", "gap", List.of("r"), List.of("g")))
        .node(
            OnnxWriter.node(
                "Flatten", "flatten", List.of("g"), List.of("m"), OnnxWriter.attrInt("axis", 1)));
    float[] w = new float[OUT_C * CLASSES];
    for (int i = 0; i < w.length; i++) w[i] = ((i * 7) % 9 - 4) / 8f;
    g.node(matMulAdd(g, "m", w, OUT_C));
    return g.model(13);
  }

  private static FloatModel lower(byte[] onnx, String name) {
    return OnnxImporter.lower(OnnxImporter.parse(onnx), name);
  }

  private static List<float[]> images(int count, long seed) {
    Random r = new Random(seed);
    List<float[]> xs = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      float[] x = new float[SIDE * SIDE * IN_C];
      for (int i = 0; i < x.length; i++) x[i] = r.nextFloat() * 2 - 1;
      xs.add(x);
    }
    return xs;
  }

  private static void assertSameLogits(FloatModel keras, FloatModel torch) {
    assertArrayEquals(new int[] {1, SIDE, SIDE, IN_C}, keras.input().shape());
    assertArrayEquals(torch.input().shape(), keras.input().shape());
    for (float[] x : images(6, 11)) {
      float[] a = new FloatEngine(keras).values(x)[keras.outputs().getFirst()];
      float[] b = new FloatEngine(torch).values(x)[torch.outputs().getFirst()];
      assertEquals(CLASSES, a.length);
      assertArrayEquals(b, a, "the Keras export and its PyTorch twin disagree");
    }
  }

  @Test
  void aKerasFlattenComputesWhatItsPyTorchTwinDoes() {
    FloatModel keras = lower(kerasFlatten(), "keras-flatten");
    assertSameLogits(keras, lower(torchFlatten(), "torch-flatten"));
    // the transposes are relabellings: no layer of their own
    assertTrue(
        keras.ops().stream().noneMatch(op -> op.name().startsWith("to_")), keras.ops().toString());
  }

  @Test
  void aKerasGlobalPoolingComputesWhatItsPyTorchTwinDoes() {
    FloatModel torch = lower(torchGlobalPool(), "torch-gap");
    assertSameLogits(lower(kerasGlobalPool(false), "keras-gap"), torch);
    assertSameLogits(lower(kerasGlobalPool(true), "keras-gap-keepdims"), torch);
  }

  /**
   * The Keras export quantizes, passes the provability check and proves (plain and zero-knowledge);
   * each proof states the integer engine's output.
   */
  @Test
  void aKerasExportProves() throws Exception {
    for (byte[] onnx : List.of(kerasFlatten(), kerasGlobalPool(false))) {
      FloatModel f = lower(onnx, "keras");
      List<float[]> xs = images(8, 5);
      QuantizedModel q = Quantizer.quantize(f, xs, PixelRange.SIGNED_UNIT);
      assertTrue(Provability.of(q).provable(), Provability.of(q).messages().toString());
      CommittedModel cm = ModelProver.commit(q);
      ModelVerifier verifier = new ModelVerifier(cm.vk());
      for (int k = 0; k < 2; k++) {
        int[] x = quantized(xs.get(k), q.input());
        int[] proven = verifier.verify(ModelProver.prove(cm, x, ProgressListener.NONE, k == 1), x);
        assertArrayEquals(new IntegerEngine(q).infer(x), proven);
      }
    }
  }

  private static int[] quantized(float[] x, io.zkaudit.model.TensorSpec spec) {
    int[] q = new int[x.length];
    for (int i = 0; i < x.length; i++)
      q[i] = Math.clamp(Math.round(x[i] / spec.scale()) + spec.zeroPoint(), -128, 127);
    return q;
  }

  /**
   * The quantized (QDQ) form: the fixture CNN of {@link QuantizedOnnxModels.Qdq} written as a Keras
   * export (channels-last input, transposes around the convolutions, an H, W, C flatten) imports to
   * the same layers as the PyTorch-shaped original and computes the same integers on every input;
   * it proves with zero knowledge.
   */
  @Test
  void aQuantizedKerasExportIsTheSameIntegerModel() throws Exception {
    var fixture = new QuantizedOnnxModels.Qdq(7);
    QuantizedModel torch = OnnxImporter.lowerQuantized(OnnxImporter.parse(fixture.model()), "t");
    QuantizedModel keras =
        OnnxImporter.lowerQuantized(OnnxImporter.parse(fixture.model(true)), "k");
    assertArrayEquals(torch.input().shapeArray(), keras.input().shapeArray());
    assertEquals(
        torch.description().layers().stream().map(l -> l.getClass().getSimpleName()).toList(),
        keras.description().layers().stream().map(l -> l.getClass().getSimpleName()).toList());
    Random r = new Random(9);
    for (int k = 0; k < 6; k++) {
      int[] x = QuantizedOnnxModels.ints(r, keras.input().size(), 0, 255);
      assertArrayEquals(new IntegerEngine(torch).infer(x), new IntegerEngine(keras).infer(x));
    }
    CommittedModel cm = ModelProver.commit(keras);
    int[] x = QuantizedOnnxModels.ints(r, keras.input().size(), 0, 255);
    assertArrayEquals(
        new IntegerEngine(keras).infer(x),
        new ModelVerifier(cm.vk())
            .verify(ModelProver.prove(cm, x, ProgressListener.NONE, true), x));
  }

  @Test
  void otherTransposesAndReductionsAreRefusedNamingTheNode() {
    var swapHw =
        withConvWeights(
                new OnnxWriter.Graph(
                    OnnxWriter.valueInfo("input", 1, IN_C, SIDE, SIDE),
                    OnnxWriter.valueInfo("y", 1, OUT_C, SIDE, SIDE)))
            .node(conv("input", "c"))
            .node(transpose("swap", "c", "y", 0, 1, 3, 2));
    var e = assertThrows(ModelFormatException.class, () -> lower(swapHw.model(13), "swap"));
    assertTrue(e.getMessage().contains("Transpose with perm [0, 1, 3, 2]"), e.getMessage());
    assertTrue(e.getMessage().contains("swap"), e.getMessage());

    var channelMean =
        new OnnxWriter.Graph(
                OnnxWriter.valueInfo("input", 1, IN_C, SIDE, SIDE),
                OnnxWriter.valueInfo("y", 1, 1, SIDE, SIDE))
            .node(
                OnnxWriter.node(
                    "ReduceMean",
                    "over_c",
                    List.of("input"),
                    List.of("y"),
                    OnnxWriter.attrInts("axes", 1)));
    e = assertThrows(ModelFormatException.class, () -> lower(channelMean.model(13), "mean"));
    assertTrue(e.getMessage().contains("ReduceMean over axes [1]"), e.getMessage());

    // a channels-last rank-4 output: rank-4 outputs are reported as [N,C,H,W]
    var channelsLastOutput =
        withConvWeights(
                new OnnxWriter.Graph(
                    OnnxWriter.valueInfo("input", 1, SIDE, SIDE, IN_C),
                    OnnxWriter.valueInfo("y", 1, SIDE, SIDE, OUT_C)))
            .node(transpose("to_nchw", "input", "x", 0, 3, 1, 2))
            .node(conv("x", "c"))
            .node(transpose("to_nhwc", "c", "y", 0, 2, 3, 1));
    e = assertThrows(ModelFormatException.class, () -> lower(channelsLastOutput.model(13), "out"));
    assertTrue(e.getMessage().contains("channels-last [1, 8, 8, 4]"), e.getMessage());

    // a channels-last input read by a Conv without the Transpose: ONNX's Conv takes [N,C,H,W], so
    // this is an 8-channel image, which the 3-channel weights do not fit
    var noTranspose =
        withConvWeights(
                new OnnxWriter.Graph(
                    OnnxWriter.valueInfo("input", 1, SIDE, SIDE, IN_C),
                    OnnxWriter.valueInfo("c", 1, OUT_C, SIDE, IN_C)))
            .node(conv("input", "c"));
    assertThrows(ModelFormatException.class, () -> lower(noTranspose.model(13), "raw"));
  }

  /**
   * A Relu after a Transpose is not fused into the convolution when the convolution's output has
   * another reader: the clamp would change what that reader sees.
   */
  @Test
  void aClampIsNotFusedThroughAnotherNameOfATensorWithTwoReaders() {
    var g =
        withConvWeights(
                new OnnxWriter.Graph(
                    OnnxWriter.valueInfo("input", 1, SIDE, SIDE, IN_C),
                    OnnxWriter.valueInfo("sum", 1, OUT_C, SIDE, SIDE)))
            .node(transpose("to_nchw", "input", "x", 0, 3, 1, 2))
            .node(conv("x", "c"))
            .node(OnnxWriter.node("Identity", "same", List.of("c"), List.of("c2")))
            .node(relu("c2", "r"))
            .node(OnnxWriter.node("Add", "sum", List.of("c", "r"), List.of("sum")));
    FloatModel m = lower(g.model(13), "alias");
    float[] x = images(1, 3).getFirst();
    float[] y = new FloatEngine(m).values(x)[m.outputs().getFirst()];
    float[] c = new FloatEngine(m).values(x)[m.ops().getFirst().output()];
    boolean someNegative = false;
    for (int i = 0; i < y.length; i++) {
      float expected = c[i] + Math.max(c[i], 0f);
      assertEquals(expected, y[i], 1e-6f, "entry " + i);
      someNegative |= c[i] < 0;
    }
    assertTrue(someNegative, "the check needs a negative convolution output");
  }
}
