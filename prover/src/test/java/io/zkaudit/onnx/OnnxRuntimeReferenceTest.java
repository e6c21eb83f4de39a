package io.zkaudit.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.zkaudit.data.TensorFiles;
import io.zkaudit.floatmodel.FloatEngine;
import io.zkaudit.floatmodel.FloatModel;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The imported float models against onnxruntime (Microsoft's runtime, its Java API from Maven
 * Central): the same ONNX file, the same NCHW inputs, outputs within float rounding.
 */
class OnnxRuntimeReferenceTest {
  private static final Path DIR = Path.of("src/test/resources/onnx");

  private static OrtEnvironment environment() {
    try {
      return OrtEnvironment.getEnvironment();
    } catch (
        Throwable e) { // UnsatisfiedLinkError on a platform without onnxruntime's native library
      Assumptions.abort("skipped: onnxruntime's native library does not load here: " + e);
      return null;
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "conv_bn_pool_linear",
        "depthwise_residual",
        "depth_multiplier_matmul",
        "pad_concat"
      })
  void floatEngineMatchesOnnxRuntime(String name) throws Exception {
    OrtEnvironment env = environment();
    FloatModel m = OnnxImporter.loadFloat(DIR.resolve(name + ".onnx"));
    FloatEngine engine = new FloatEngine(m);
    TensorFiles.Tensor in = TensorFiles.read(DIR.resolve(name + "_inputs.npy"));
    int[] s = in.shape(); // [16, C, H, W]
    int per = in.real().length / s[0];
    long[] one = {1, s[1], s[2], s[3]};
    float maxError = 0;
    try (OrtSession session =
        env.createSession(
            DIR.resolve(name + ".onnx").toString(), new OrtSession.SessionOptions())) {
      for (int i = 0; i < s[0]; i++) {
        float[] nchw = Arrays.copyOfRange(in.real(), i * per, (i + 1) * per);
        float[] reference;
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(nchw), one);
            OrtSession.Result r = session.run(Map.of("input", x))) {
          reference = ((float[][]) r.get(0).getValue())[0];
        }
        float[] ours =
            engine
                .values(
                    TensorFiles.toNhwc(
                            new TensorFiles.Tensor(new int[] {1, s[1], s[2], s[3]}, null, nchw),
                            m.input().shape())
                        .real())[m.outputs().getFirst()];
        assertEquals(reference.length, ours.length);
        for (int k = 0; k < ours.length; k++) {
          maxError = Math.max(maxError, Math.abs(ours[k] - reference[k]));
          assertTrue(
              Math.abs(ours[k] - reference[k]) <= 1e-4f + 1e-4f * Math.abs(reference[k]),
              name
                  + " input "
                  + i
                  + " output "
                  + k
                  + ": "
                  + ours[k]
                  + " vs onnxruntime "
                  + reference[k]);
        }
      }
    }
    System.out.printf(
        "ONNX %s: max |float engine - onnxruntime| = %.2e over %d inputs%n", name, maxError, s[0]);
  }
}
