package io.zkaudit.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.data.PixelRange;
import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.floatmodel.FloatModel;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.inference.ProgressListener;
import io.zkaudit.prover.inference.Provability;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.quantizer.Quantizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * ONNX models with a max pool or a concatenation, proven. ONNX's own 2-d MaxPool conformance cases
 * (Debian's libonnx-testdata), quantized on their input: every case the importer accepts proves and
 * verifies (zero knowledge and plain), the proven output is the integer engine's, and dequantized
 * it is ONNX's expected output to within one quantization step (a max commutes with the monotone
 * quantization). The cases the proof refuses must be refused for a reason it names (dilation).
 */
class OnnxProofTest {
  private static final Path DATA = Path.of("/usr/share/libonnx-testdata/data");

  @Test
  void onnxMaxPoolCasesProve() throws Exception {
    Assumptions.assumeTrue(
        Files.isDirectory(DATA),
        "skipped: install Debian's libonnx-testdata for ONNX's conformance cases");
    List<Path> cases = new ArrayList<>();
    for (String suite : List.of("node", "pytorch-converted", "pytorch-operator")) {
      if (!Files.isDirectory(DATA.resolve(suite))) continue;
      try (Stream<Path> s = Files.list(DATA.resolve(suite))) {
        s.filter(
                d ->
                    d.getFileName()
                        .toString()
                        .toLowerCase()
                        .matches("test_(maxpool_2d.*|maxpool2d.*|operator_maxpool)"))
            .filter(d -> !d.getFileName().toString().contains("argmax"))
            .sorted()
            .forEach(cases::add);
      }
    }
    int proven = 0;
    var refused = new TreeMap<String, String>();
    for (Path dir : cases) {
      String name = dir.getFileName().toString();
      OnnxModel m = OnnxImporter.parse(Files.readAllBytes(dir.resolve("model.onnx")));
      Path data = dir.resolve("test_data_set_0");
      OnnxModel.Tensor input =
          OnnxModel.parseTensor(Files.readAllBytes(data.resolve("input_0.pb")));
      OnnxModel.Tensor expected =
          OnnxModel.parseTensor(Files.readAllBytes(data.resolve("output_0.pb")));
      FloatModel f;
      try {
        f = OnnxImporter.lower(m, name);
      } catch (ModelFormatException e) {
        refused.put(name, "import: " + e.getMessage());
        continue;
      }
      float[] x = nhwc(input);
      // The input's range, with 0 in it (the quantizer maps the range's low end to the lowest
      // value).
      QuantizedModel q =
          Quantizer.quantize(
              f, List.of(x), new PixelRange(Math.min(0, min(x)), Math.max(0, max(x))));
      Provability p = Provability.of(q);
      if (!p.provable()) {
        refused.put(name, String.join("; ", p.messages()));
        continue;
      }
      proveAndCompare(name, q, x, nhwc(expected), proven % 2 == 0);
      proven++;
    }
    System.out.printf(
        "ONNX MaxPool cases: %d proven, %d refused %s%n", proven, refused.size(), refused);
    refused.forEach(
        (k, v) -> assertTrue(v.startsWith("import: ") || v.contains("dilation"), k + ": " + v));
    assertTrue(proven >= 8, "only " + proven + " MaxPool cases proven");
  }

  /**
   * The PyTorch fixture with a MaxPool (Conv+BN+Relu, MaxPool 2x2, strided Conv+BN+Clip(0,6), a
   * padded AvgPool, Flatten, Gemm), quantized on its 16 inputs as the importer test does: provable,
   * and four inputs prove (zero knowledge and plain) with the engine's outputs, whose top-1 is
   * PyTorch's.
   */
  @Test
  void thePytorchFixtureWithAMaxPoolProves() throws Exception {
    assertFixtureProves("conv_bn_pool_linear", io.zkaudit.model.MaxPool.class);
  }

  /**
   * The PyTorch fixture with two branches concatenated on the channels (then an asymmetric zero
   * Pad, an unpadded Conv, GlobalAveragePool, Gemm), quantized on its 16 inputs: provable, and four
   * inputs prove with the engine's outputs, whose top-1 is PyTorch's.
   */
  @Test
  void thePytorchFixtureWithAConcatProves() throws Exception {
    assertFixtureProves("pad_concat", io.zkaudit.model.Concat.class);
  }

  private static void assertFixtureProves(String name, Class<?> layer) throws Exception {
    OnnxImporterTest.Fixture f = OnnxImporterTest.fixture(name);
    QuantizedModel q = Quantizer.quantize(f.model(), f.inputs(), OnnxImporterTest.INPUT_RANGE);
    assertTrue(q.description().layers().stream().anyMatch(layer::isInstance));
    Provability p = Provability.of(q);
    assertTrue(p.provable(), p.messages().toString());
    CommittedModel cm = ModelProver.commit(q);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    for (int k = 0; k < 4; k++) {
      int[] x = quantized(f.inputs().get(k), q.input());
      int[] out = verifier.verify(ModelProver.prove(cm, x, ProgressListener.NONE, k % 2 == 0), x);
      assertArrayEquals(new IntegerEngine(q).infer(x), out);
      assertEquals(
          io.zkaudit.engine.Predictions.topK(f.expected()[k], 1)[0],
          io.zkaudit.engine.Predictions.topK(out, 1)[0],
          name + " input " + k);
    }
  }

  private static void proveAndCompare(
      String name, QuantizedModel q, float[] x, float[] expected, boolean zk) throws Exception {
    CommittedModel cm = ModelProver.commit(q);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    int[] xq = quantized(x, q.input());
    ModelProof proof = ModelProver.prove(cm, xq, ProgressListener.NONE, zk);
    int[] out = verifier.verify(ModelProof.decode(proof.encode()), xq);
    assertArrayEquals(new IntegerEngine(q).infer(xq), out, name);
    TensorSpec spec = q.description().tensor(verifier.circuit().outputTensor());
    assertEquals(expected.length, out.length, name);
    for (int i = 0; i < out.length; i++) {
      float value = (out[i] - spec.zeroPoint()) * spec.scale();
      assertTrue(
          Math.abs(value - expected[i]) <= 1.01f * spec.scale(),
          name + " output " + i + ": " + value + " against " + expected[i]);
    }
  }

  private static int[] quantized(float[] x, TensorSpec spec) {
    int[] q = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      q[i] =
          Math.clamp(
              Math.round(x[i] / spec.scale()) + spec.zeroPoint(),
              spec.type().min(),
              spec.type().max());
    }
    return q;
  }

  private static float min(float[] v) {
    float m = Float.MAX_VALUE;
    for (float f : v) m = Math.min(m, f);
    return m;
  }

  private static float max(float[] v) {
    float m = -Float.MAX_VALUE;
    for (float f : v) m = Math.max(m, f);
    return m;
  }

  /** A rank-4 NCHW tensor in the engine's NHWC order. */
  private static float[] nhwc(OnnxModel.Tensor t) {
    float[] v = t.floats();
    int n = (int) t.dims()[0], c = (int) t.dims()[1], h = (int) t.dims()[2], w = (int) t.dims()[3];
    float[] r = new float[v.length];
    for (int b = 0; b < n; b++)
      for (int ch = 0; ch < c; ch++)
        for (int y = 0; y < h; y++)
          for (int x = 0; x < w; x++) {
            r[((b * h + y) * w + x) * c + ch] = v[((b * c + ch) * h + y) * w + x];
          }
    return r;
  }
}
