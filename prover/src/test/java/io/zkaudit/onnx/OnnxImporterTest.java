package io.zkaudit.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.data.PixelRange;
import io.zkaudit.data.TensorFiles;
import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.engine.Predictions;
import io.zkaudit.floatmodel.FloatEngine;
import io.zkaudit.floatmodel.FloatModel;
import io.zkaudit.floatmodel.FloatOp;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.quantizer.Quantizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ONNX import against PyTorch: the fixtures (made by src/test/fixtures/make_onnx_fixtures.py) hold
 * 16 inputs per model and PyTorch's float outputs for them.
 */
class OnnxImporterTest {
  private static final Path DIR = Path.of("src/test/resources/onnx");

  /** Fixture inputs are standard normal: ±4 covers them. */
  static final PixelRange INPUT_RANGE = new PixelRange(-4, 4);

  record Fixture(FloatModel model, List<float[]> inputs, float[][] expected) {}

  static Fixture fixture(String name) throws Exception {
    FloatModel m = OnnxImporter.loadFloat(DIR.resolve(name + ".onnx"));
    TensorFiles.Tensor in = TensorFiles.read(DIR.resolve(name + "_inputs.npy"));
    TensorFiles.Tensor out = TensorFiles.read(DIR.resolve(name + "_outputs.npy"));
    int n = in.shape()[0], per = in.real().length / n, classes = out.real().length / n;
    int[] s = in.shape(); // [n, C, H, W] (PyTorch's layout)
    List<float[]> inputs = new ArrayList<>();
    float[][] expected = new float[n][];
    for (int i = 0; i < n; i++) {
      float[] nchw = Arrays.copyOfRange(in.real(), i * per, (i + 1) * per);
      inputs.add(s.length == 4 ? toNhwc(nchw, s[1], s[2], s[3]) : nchw);
      expected[i] = Arrays.copyOfRange(out.real(), i * classes, (i + 1) * classes);
    }
    return new Fixture(m, inputs, expected);
  }

  private static float[] toNhwc(float[] x, int c, int h, int w) {
    float[] r = new float[x.length];
    for (int ch = 0; ch < c; ch++)
      for (int y = 0; y < h; y++)
        for (int xx = 0; xx < w; xx++) r[(y * w + xx) * c + ch] = x[(ch * h + y) * w + xx];
    return r;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "conv_bn_pool_linear",
        "depthwise_residual",
        "depth_multiplier_matmul",
        "pad_concat"
      })
  void floatOutputsMatchPyTorch(String name) throws Exception {
    Fixture f = fixture(name);
    FloatEngine engine = new FloatEngine(f.model());
    int out = f.model().outputs().getFirst();
    float maxError = 0;
    for (int i = 0; i < f.inputs().size(); i++) {
      float[] y = engine.values(f.inputs().get(i))[out];
      assertEquals(f.expected()[i].length, y.length);
      for (int k = 0; k < y.length; k++) {
        float e = f.expected()[i][k];
        maxError = Math.max(maxError, Math.abs(y[k] - e));
        assertTrue(
            Math.abs(y[k] - e) <= 1e-4f + 1e-4f * Math.abs(e),
            name + " input " + i + " output " + k + ": " + y[k] + " vs PyTorch " + e);
      }
    }
    System.out.printf(
        "ONNX %s: max |float engine - PyTorch| = %.2e over %d inputs%n",
        name, maxError, f.inputs().size());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "conv_bn_pool_linear",
        "depthwise_residual",
        "depth_multiplier_matmul",
        "pad_concat"
      })
  void quantizedModelAgreesWithFloatTop1(String name) throws Exception {
    Fixture f = fixture(name);
    QuantizedModel q = Quantizer.quantize(f.model(), f.inputs(), INPUT_RANGE);
    assertEquals(q.description(), ModelDescription.decode(q.description().encode()));
    FloatEngine fe = new FloatEngine(f.model());
    IntegerEngine ie = new IntegerEngine(q);
    int agree = 0;
    for (float[] x : f.inputs()) {
      int ft = Predictions.topK(fe.values(x)[f.model().logitsTensor()], 1)[0];
      int qt = Predictions.topK(ie.values(quantize(x, q.input()))[q.logitsTensor()], 1)[0];
      if (ft == qt) agree++;
    }
    System.out.printf(
        "ONNX %s: int8 top-1 agrees with float on %d of %d inputs%n",
        name, agree, f.inputs().size());
    assertTrue(
        agree >= f.inputs().size() - 1,
        name + ": quantized top-1 agrees with float on " + agree + " of " + f.inputs().size());
  }

  private static int[] quantize(float[] x, TensorSpec spec) {
    int[] q = new int[x.length];
    for (int i = 0; i < x.length; i++)
      q[i] = Math.clamp(Math.round(x[i] / spec.scale()) + spec.zeroPoint(), -128, 127);
    return q;
  }

  @Test
  void foldsBatchNormAndActivationsAndReordersLayouts() throws Exception {
    FloatModel m = OnnxImporter.loadFloat(DIR.resolve("conv_bn_pool_linear.onnx"));
    // Conv+BN+Relu, MaxPool, Conv+BN+Clip, AvgPool (after a zero Pad), Flatten, Gemm
    assertEquals(
        List.of("Conv", "MaxPool", "Conv", "AvgPool", "Reshape", "Dense"),
        m.ops().stream().map(op -> op.getClass().getSimpleName()).toList());
    var conv2 = (FloatOp.Conv) m.ops().get(2);
    assertEquals(0f, conv2.lo());
    assertEquals(6f, conv2.hi());
    assertTrue(conv2.bias() >= 0, "the folded batch norm gives the bias-free conv a bias");
    assertEquals(List.of(1, 16, 16, 3), Arrays.stream(m.input().shape()).boxed().toList());
    FloatModel dm = OnnxImporter.loadFloat(DIR.resolve("depth_multiplier_matmul.onnx"));
    var dw = (FloatOp.Depthwise) dm.ops().get(1);
    assertEquals(2, dw.depthMultiplier());
    assertTrue(
        ((FloatOp.Dense) dm.ops().getLast()).bias() >= 0,
        "MatMul + Add folds into one Dense with a bias");
  }

  @Test
  void concatRequantizesItsInputsToOneQuantizationAndPadUsesTheZeroPoint() throws Exception {
    Fixture f = fixture("pad_concat");
    var pad =
        (FloatOp.Pad)
            f.model().ops().stream()
                .filter(op -> op instanceof FloatOp.Pad)
                .findFirst()
                .orElseThrow();
    assertEquals(List.of(0, 0, 1, 0), pad.before()); // NHWC: top 0, left 1
    assertEquals(List.of(0, 1, 2, 0), pad.after()); // bottom 1, right 2
    QuantizedModel q = Quantizer.quantize(f.model(), f.inputs(), INPUT_RANGE);
    var layers = q.description().layers();
    var concat =
        (io.zkaudit.model.Concat)
            layers.stream()
                .filter(l -> l instanceof io.zkaudit.model.Concat)
                .findFirst()
                .orElseThrow();
    assertEquals(3, concat.axis());
    TensorSpec out = q.description().tensor(concat.output());
    for (int in : concat.inputs()) {
      assertEquals(out.scale(), q.description().tensor(in).scale());
      assertEquals(out.zeroPoint(), q.description().tensor(in).zeroPoint());
    }
    var qp =
        (io.zkaudit.model.Pad)
            layers.stream()
                .filter(l -> l instanceof io.zkaudit.model.Pad)
                .findFirst()
                .orElseThrow();
    assertEquals(q.description().tensor(qp.input()).zeroPoint(), qp.padValue());
  }

  @Test
  void unsupportedOperatorNamesTheOpAndTheNode() {
    var e =
        assertThrows(
            ModelFormatException.class,
            () -> OnnxImporter.loadFloat(DIR.resolve("unsupported_sigmoid.onnx")));
    assertTrue(
        e.getMessage().contains("Sigmoid") && e.getMessage().contains("/Sigmoid"), e.getMessage());
  }

  @Test
  void truncatedOrCorruptFilesGiveAClearError() throws Exception {
    byte[] good = Files.readAllBytes(DIR.resolve("depthwise_residual.onnx"));
    for (int cut : new int[] {0, 1, 7, good.length / 3, good.length / 2, good.length - 1}) {
      byte[] b = Arrays.copyOf(good, cut);
      var e =
          assertThrows(
              ModelFormatException.class,
              () -> OnnxImporter.lower(OnnxImporter.parse(b), "t"),
              "cut at " + cut);
      assertTrue(e.getMessage().contains("ONNX"), e.getMessage());
    }
    var random = new java.util.Random(7);
    for (int trial = 0; trial < 200; trial++) {
      byte[] b = good.clone();
      for (int k = 0; k < 4; k++) b[random.nextInt(b.length)] = (byte) random.nextInt(256);
      try {
        OnnxImporter.lower(
            OnnxImporter.parse(b), "t"); // a flipped weight byte is still a valid model
      } catch (ModelFormatException expected) {
        assertTrue(!expected.getMessage().isBlank());
      }
    }
    byte[] text = "this is not a model".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertThrows(
        ModelFormatException.class, () -> OnnxImporter.lower(OnnxImporter.parse(text), "t"));
  }
}
