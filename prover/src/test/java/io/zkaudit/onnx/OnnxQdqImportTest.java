package io.zkaudit.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.model.Add;
import io.zkaudit.model.Conv2D;
import io.zkaudit.model.ElementType;
import io.zkaudit.model.FullyConnected;
import io.zkaudit.model.MaxPool;
import io.zkaudit.model.Mean;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.onnx.QuantizedOnnxModels.Ref;
import io.zkaudit.prover.model.QuantizedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quantized ONNX graphs import straight into the integer model, with the file's scales and zero
 * points, and the integer engine computes what the ONNX operator specs say: every quantized tensor
 * of a QDQ CNN (Conv+Relu, a residual Add+Relu, MaxPool, Flatten, Gemm) and of a QOperator CNN
 * (QLinearConv, MaxPool, QLinearAdd, QLinearGlobalAveragePool, Reshape, QLinearMatMul) equals an
 * independent NCHW reference ({@link QuantizedOnnxModels}) on 20 random inputs. Exactly, except
 * that a value may differ by one where the reference's exact quotient is a tie (or within the
 * engine's fixed-point error of one, stated per tensor in the reference): the specs round half to
 * even, the engine's TFLite arithmetic rounds ties up and approximates the multipliers in Q31.
 */
class OnnxQdqImportTest {

  @Test
  void aQdqCnnComputesTheSpecsIntegers(@TempDir Path dir) throws Exception {
    var fixture = new QuantizedOnnxModels.Qdq(7);
    Path file = Files.write(dir.resolve("qdq_cnn.onnx"), fixture.model());
    var imported = OnnxImporter.load(file);
    assertTrue(
        imported instanceof OnnxImporter.QuantizedGraph, "a QDQ graph imports as an integer model");
    QuantizedModel q = ((OnnxImporter.QuantizedGraph) imported).model();
    ModelDescription d = q.description();
    assertEquals("qdq_cnn", d.name());
    assertEquals(
        List.of("Conv2D", "Conv2D", "Add", "MaxPool", "Reshape", "FullyConnected"), kinds(d));
    TensorSpec in = q.input();
    assertEquals(List.of(1, 6, 6, 2), in.shape()); // NCHW [1,2,6,6] stored NHWC
    assertEquals(ElementType.UINT8, in.type());
    assertEquals(0.02f, in.scale());
    assertEquals(128, in.zeroPoint());
    // the Relu after conv1 is its clamp: real 0 is the output zero point 3
    assertEquals(3, ((Conv2D) d.layers().getFirst()).requantization().clampMin());
    assertEquals(
        4,
        ((Conv2D) d.layers().getFirst())
            .requantization()
            .multipliers()
            .size()); // per-channel weights
    assertEquals(10, ((Add) d.layers().get(2)).clampMin());
    assertTrue(((FullyConnected) d.layers().get(5)).requantization().singleRounding());
    TensorSpec out = q.output();
    assertEquals(List.of(1, 5), out.shape());
    assertEquals(0.1f, out.scale());
    int ties = compareOnRandomInputs(q, fixture::reference, new int[] {1, 2, 6, 6}, 0, 255);
    System.out.printf("QDQ CNN: %d values off by one at a tie%n", ties);
    assertTrue(ties <= 3, ties + " ties");
  }

  @Test
  void aQOperatorCnnComputesTheSpecsIntegers(@TempDir Path dir) throws Exception {
    var fixture = new QuantizedOnnxModels.QOperator(11);
    Path file = Files.write(dir.resolve("qoperator_cnn.onnx"), fixture.model());
    QuantizedModel q = OnnxImporter.loadQuantized(file);
    ModelDescription d = q.description();
    assertEquals(
        List.of("Conv2D", "MaxPool", "Conv2D", "Add", "Mean", "Reshape", "FullyConnected"),
        kinds(d));
    assertEquals(ElementType.INT8, q.input().type());
    assertEquals(-3, q.input().zeroPoint());
    Conv2D conv1 = (Conv2D) d.layers().getFirst();
    assertEquals(List.of(0, 1, -2, 0), conv1.weightZeroPoints());
    assertTrue(conv1.hasBias());
    assertEquals(ElementType.INT8, d.tensor(((FullyConnected) d.layers().get(6)).weights()).type());
    assertEquals(List.of(5), ((FullyConnected) d.layers().get(6)).weightZeroPoints());
    assertEquals(-18, ((Mean) d.layers().get(4)).outputZeroPoint());
    assertEquals(List.of(1, 3, 3, 4), d.tensor(((MaxPool) d.layers().get(1)).output()).shape());
    int ties = compareOnRandomInputs(q, fixture::reference, new int[] {1, 3, 5, 5}, -128, 127);
    System.out.printf("QOperator CNN: %d values off by one at a tie%n", ties);
    assertTrue(ties <= 3, ties + " ties");
  }

  @Test
  void qdqDepthwiseConcatPoolsAndMatMulComputeTheSpecsIntegers() {
    var fixture = new QuantizedOnnxModels.QdqBranches(3);
    QuantizedModel q = OnnxImporter.lowerQuantized(OnnxImporter.parse(fixture.model()), "branches");
    ModelDescription d = q.description();
    // the Concat's inputs are both at other scales than its output: a requantization each
    assertEquals(
        List.of(
            "DepthwiseConv2D",
            "Requantize",
            "Requantize",
            "Requantize",
            "Concat",
            "Pad",
            "AveragePool",
            "Mean",
            "Reshape",
            "FullyConnected",
            "Softmax"),
        kinds(d));
    io.zkaudit.model.Requantize clip = (io.zkaudit.model.Requantize) d.layers().get(1);
    assertEquals(
        List.of(-50, -50 + 29),
        List.of(
            clip.clampMin(),
            clip.clampMax())); // Clip(0, 1) at scale 0.035: [z, z + round(1/0.035)]
    assertEquals(
        4,
        ((FullyConnected) d.layers().get(9))
            .requantization()
            .multipliers()
            .size()); // per column of the MatMul
    int ties = compareOnRandomInputs(q, fixture::reference, new int[] {1, 3, 6, 6}, -128, 127);
    System.out.printf("QDQ branches: %d values off by one at a tie%n", ties);
    assertTrue(ties <= 3, ties + " ties");
  }

  /** The description's layer kinds in order. */
  static List<String> kinds(ModelDescription d) {
    return d.layers().stream().map(l -> l.getClass().getSimpleName()).toList();
  }

  /**
   * Runs the engine on 20 random NCHW inputs (given to it in NHWC) and compares every reference
   * tensor, each computed from the engine's values of its operator's inputs; returns how many
   * values differed by one at a tie.
   */
  static int compareOnRandomInputs(
      QuantizedModel q,
      java.util.function.Function<java.util.function.Function<String, int[]>, Map<String, Ref>>
          reference,
      int[] nchw,
      int lo,
      int hi) {
    Random r = new Random(42);
    IntegerEngine engine = new IntegerEngine(q);
    int ties = 0;
    var distinctOutputs = new TreeSet<String>();
    for (int k = 0; k < 20; k++) {
      int[] x = QuantizedOnnxModels.ints(r, nchw[0] * nchw[1] * nchw[2] * nchw[3], lo, hi);
      int[][] values = engine.values(toNhwc(x, nchw));
      Map<String, Ref> expected =
          reference.apply(
              name -> {
                int id = tensorId(q.description(), name);
                TensorSpec spec = q.description().tensor(id);
                return spec.rank() == 4 ? toNchw(values[id], nchwShape(spec)) : values[id];
              });
      for (var e : expected.entrySet()) {
        int id = tensorId(q.description(), e.getKey());
        ties += compare(e.getKey(), e.getValue(), values[id], q.description().tensor(id));
      }
      distinctOutputs.add(java.util.Arrays.toString(values[q.description().outputs().getFirst()]));
    }
    assertTrue(
        distinctOutputs.size() > 15, "the outputs hardly depend on the input: " + distinctOutputs);
    return ties;
  }

  /**
   * Asserts the engine's tensor (stored NHWC when rank 4) equals the reference; returns the number
   * of ties.
   */
  static int compare(String name, Ref ref, int[] stored, TensorSpec spec) {
    int[] actual = spec.rank() == 4 ? toNchw(stored, ref.shape()) : stored;
    assertEquals(ref.q().length, actual.length, name);
    int ties = 0;
    int unsaturated = 0;
    for (int i = 0; i < actual.length; i++) {
      if (actual[i] > spec.type().min() && actual[i] < spec.type().max()) unsaturated++;
      if (actual[i] == ref.q()[i]) continue;
      double distanceToTie = Math.abs(ref.exact()[i] - Math.floor(ref.exact()[i]) - 0.5);
      assertTrue(
          Math.abs(actual[i] - ref.q()[i]) == 1 && distanceToTie <= ref.tieBound(),
          name
              + "["
              + i
              + "]: engine "
              + actual[i]
              + ", ONNX "
              + ref.q()[i]
              + " (exact quotient "
              + ref.exact()[i]
              + ")");
      ties++;
    }
    assertTrue(
        unsaturated > 0, name + " is saturated everywhere: the comparison would show nothing");
    return ties;
  }

  static int[] nchwShape(TensorSpec nhwc) {
    return new int[] {nhwc.dim(0), nhwc.dim(3), nhwc.dim(1), nhwc.dim(2)};
  }

  static int tensorId(ModelDescription d, String name) {
    for (int t = 0; t < d.tensors().size(); t++) if (d.tensor(t).name().equals(name)) return t;
    throw new AssertionError("no tensor " + name);
  }

  static int[] toNhwc(int[] v, int[] nchw) {
    int c = nchw[1], h = nchw[2], w = nchw[3];
    int[] r = new int[v.length];
    for (int ch = 0; ch < c; ch++)
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) r[(y * w + x) * c + ch] = v[(ch * h + y) * w + x];
    return r;
  }

  static int[] toNchw(int[] v, int[] nchw) {
    int c = nchw[1], h = nchw[2], w = nchw[3];
    int[] r = new int[v.length];
    for (int ch = 0; ch < c; ch++)
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) r[(ch * h + y) * w + x] = v[(y * w + x) * c + ch];
    return r;
  }

  @Test
  void floatGraphsStayOnTheFloatPath(@TempDir Path dir) throws Exception {
    byte[] qdq = new QuantizedOnnxModels.Qdq(1).model();
    assertTrue(OnnxImporter.isQuantized(OnnxImporter.parse(qdq)));
    var e =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.zkaudit.model.ModelFormatException.class,
            () -> OnnxImporter.lower(OnnxImporter.parse(qdq), "qdq"));
    assertTrue(e.getMessage().contains("already quantized"), e.getMessage());
    assertFalse(OnnxImporter.isQuantized(OnnxImporter.parse(HandBuiltOnnxTest.gemmClipModel())));
    assertTrue(
        OnnxImporter.load(Files.write(dir.resolve("float.onnx"), HandBuiltOnnxTest.gemmClipModel()))
            instanceof OnnxImporter.FloatGraph);
  }
}
