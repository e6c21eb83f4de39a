package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.Unary;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.tflite.TfliteImporter;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * TFLite's own 8-bit LOGISTIC, TANH and HARD_SWISH, bit for bit: tiny int8 models made by the
 * TFLite converter (x[1, 256] → function → FULLY_CONNECTED(4), under
 * src/test/resources/tflite-unary, made by src/test/fixtures/tflite_unary_models.py) and the
 * outputs of TFLite 2.21's reference kernels on 16 inputs, the first holding all 256 int8 values.
 * The engine's unary table (TfliteUnaryTables, derived from the description as the verifier derives
 * it) and its model output equal TFLite's on every entry; the ONNX rule (the real function rounded
 * once) does not, on one to three of the 256 entries of each model, so these references tell the
 * two rules apart. The models prove and verify, plain and with zero knowledge.
 */
class TfliteUnaryReferenceTest {
  private static final int N = 256, OUT = 4, SAMPLES = 16, RECORD = 2 * N + OUT;

  private static QuantizedModel load(String name) throws Exception {
    Path p =
        Path.of(
            TfliteUnaryReferenceTest.class
                .getResource("/tflite-unary/" + name + ".tflite")
                .toURI());
    return TfliteImporter.loadQuantized(p);
  }

  private static byte[] reference(String name) throws Exception {
    try (InputStream in =
        TfliteUnaryReferenceTest.class.getResourceAsStream("/tflite-unary/" + name + ".ref.bin")) {
      byte[] b = in.readAllBytes();
      assertEquals(SAMPLES * RECORD, b.length, name + " reference length");
      return b;
    }
  }

  private static int[] slice(byte[] ref, int sample, int from, int length) {
    int[] v = new int[length];
    for (int i = 0; i < length; i++) v[i] = ref[sample * RECORD + from + i]; // int8, sign kept
    return v;
  }

  @ParameterizedTest
  @CsvSource({
    "logistic_int8, TFLITE_LOGISTIC, 1",
    "tanh_int8, TFLITE_TANH, 2",
    "hard_swish_int8, TFLITE_HARD_SWISH, 3",
    "hard_swish_small_int8, TFLITE_HARD_SWISH, 1"
  })
  void engineEqualsTfliteReferenceKernels(String name, String function, int onnxRuleDiffers)
      throws Exception {
    QuantizedModel m = load(name);
    ModelDescription d = m.description();
    Unary u = (Unary) d.layers().getFirst();
    assertEquals(function, u.function().name());
    assertEquals(u.input(), (int) d.inputs().getFirst(), "the unary reads the model input");
    byte[] ref = reference(name);
    IntegerEngine engine = new IntegerEngine(m);
    for (int s = 0; s < SAMPLES; s++) {
      int[] x = slice(ref, s, 0, N);
      int[][] v = engine.values(x);
      assertArrayEquals(slice(ref, s, N, N), v[u.output()], name + " unary, sample " + s);
      assertArrayEquals(slice(ref, s, 2 * N, OUT), engine.infer(x), name + " output, sample " + s);
    }
    // Sample 0 is −128..127: TFLite's whole table. The table survives the description's encoding
    // (what the verifier derives it from), and the ONNX rule differs from it.
    int[] tflite = slice(ref, 0, N, N);
    Unary decoded = (Unary) ModelDescription.decode(d.encode()).layers().getFirst();
    assertArrayEquals(tflite, decoded.table(d));
    int[] onnx = Unary.of("onnx", u.input(), u.output(), u.function().real()).table(d);
    int differ = 0;
    for (int i = 0; i < N; i++) {
      differ += onnx[i] != tflite[i] ? 1 : 0;
      assertTrue(Math.abs(onnx[i] - tflite[i]) <= 1, "at most one step apart at " + i);
    }
    assertEquals(onnxRuleDiffers, differ, "entries where the real function rounded once differs");
  }

  /**
   * uint8: each int8 model's unary alone, its tensors made uint8 with the same real values (zero
   * points + 128), and TFLite's reference kernels on the 256 values 0..255.
   */
  @ParameterizedTest
  @CsvSource({
    "logistic_uint8, TFLITE_LOGISTIC",
    "tanh_uint8, TFLITE_TANH",
    "hard_swish_uint8, TFLITE_HARD_SWISH"
  })
  void uint8TablesEqualTfliteReferenceKernels(String name, String function) throws Exception {
    QuantizedModel m = load(name);
    Unary u = (Unary) m.description().layers().getFirst();
    assertEquals(function, u.function().name());
    byte[] ref;
    try (InputStream in =
        TfliteUnaryReferenceTest.class.getResourceAsStream("/tflite-unary/" + name + ".ref.bin")) {
      ref = in.readAllBytes();
    }
    assertEquals(2 * N, ref.length);
    int[] x = new int[N], expected = new int[N];
    for (int i = 0; i < N; i++) {
      x[i] = ref[i] & 0xFF;
      expected[i] = ref[N + i] & 0xFF;
    }
    assertArrayEquals(expected, new IntegerEngine(m).infer(x), name);
    assertArrayEquals(expected, u.table(m.description()), name + " table");
  }

  @ParameterizedTest
  @CsvSource({"logistic_int8, false", "tanh_int8, true", "hard_swish_int8, true"})
  void tfliteUnaryModelsProve(String name, boolean zk) throws Exception {
    QuantizedModel m = load(name);
    Provability p = Provability.of(m);
    assertTrue(p.provable(), p.messages().toString());
    byte[] ref = reference(name);
    int[] x = slice(ref, 0, 0, N);
    CommittedModel cm = ModelProver.commit(m);
    ModelProof proof = ModelProver.prove(cm, x, ProgressListener.NONE, zk);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    assertArrayEquals(
        slice(ref, 0, 2 * N, OUT), verifier.verify(ModelProof.decode(proof.encode()), x));
    int[] other = slice(ref, 1, 0, N);
    assertFalse(Arrays.equals(slice(ref, 0, 2 * N, OUT), slice(ref, 1, 2 * N, OUT)));
    assertThrows(InvalidProofException.class, () -> verifier.verify(proof, other));
  }
}
