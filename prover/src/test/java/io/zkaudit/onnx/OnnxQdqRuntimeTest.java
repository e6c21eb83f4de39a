package io.zkaudit.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.model.ElementType;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.onnx.QuantizedOnnxModels.Ref;
import io.zkaudit.prover.model.QuantizedModel;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The quantized fixtures against onnxruntime (its Java API, test scope), which runs QDQ graphs with
 * its own fused integer kernels and the com.microsoft QLinear* operators. On 100 random inputs
 * (float values that quantize exactly to random integers) every quantized tensor of the engine is
 * compared with onnxruntime's (made extra graph outputs). onnxruntime requantizes in float32
 * (acc·scale rounded to even), the engine in Q31 fixed point: they may round a value within float32
 * precision of a tie otherwise, and later tensors then differ as a consequence. A float bias
 * onnxruntime adds unrounded, the engine rounded to int32 at x_scale·w_scale. So: where the two
 * first diverge on an input, they diverge by one step, and only on values whose exact quotient
 * ({@link QuantizedOnnxModels}' reference) is a tie to within float32 precision, or within that
 * bias rounding. (The fixtures' round decimal scales make exact real ties common: 0.02·0.005/0.03 =
 * 1/300.)
 */
class OnnxQdqRuntimeTest {

  /**
   * A fixture: the model with its probes as outputs, the probes (onnxruntime's name, the engine's
   * tensor), the input.
   */
  private record Case(
      byte[] model,
      byte[] probed,
      List<String[]> probes,
      int[] nchw,
      float inputScale,
      int inputZeroPoint,
      int lo,
      int hi,
      Function<Function<String, int[]>, Map<String, Ref>> reference,
      Map<String, Double> floatBiases) {}

  /** The engine's values by tensor name, NCHW, for a fixture's reference. */
  private static Function<String, int[]> engineValues(QuantizedModel q, int[][] values) {
    return name -> {
      int id = OnnxQdqImportTest.tensorId(q.description(), name);
      TensorSpec spec = q.description().tensor(id);
      return spec.rank() == 4
          ? OnnxQdqImportTest.toNchw(values[id], OnnxQdqImportTest.nchwShape(spec))
          : values[id];
    };
  }

  private static Case fixture(String name) {
    return switch (name) {
      case "qdq" -> {
        var f = new QuantizedOnnxModels.Qdq(7);
        // mp_q, a QuantizeLinear of the same parameters as its input's, is the engine's tensor mp
        List<String[]> probes =
            List.of(
                new String[] {"q1", "q1"},
                new String[] {"q2", "q2"},
                new String[] {"q3", "q3"},
                new String[] {"mp_q", "mp"},
                new String[] {"out_q", "out_q"});
        yield new Case(
            f.model(),
            f.model(ortNames(probes)),
            probes,
            new int[] {1, 2, 6, 6},
            f.sIn,
            f.zIn,
            0,
            255,
            f::reference,
            f.floatBiases());
      }
      case "qoperator" -> {
        var f =
            new QuantizedOnnxModels.QOperator(
                11, new int[] {0, 0, 0, 0}); // onnxruntime: one weight zero point for all channels
        List<String[]> probes = same("c1", "mp", "c2", "sum", "gap", "mm");
        yield new Case(
            f.model(),
            f.model(ortNames(probes)),
            probes,
            new int[] {1, 3, 5, 5},
            f.sIn,
            f.zIn,
            -128,
            127,
            f::reference,
            Map.of());
      }
      default -> {
        var f = new QuantizedOnnxModels.QdqBranches(3);
        List<String[]> probes = same("d_q", "clip_q", "cat_q", "avg_q", "gap_q", "mm_q", "probs_q");
        yield new Case(
            f.model(),
            f.model(ortNames(probes)),
            probes,
            new int[] {1, 3, 6, 6},
            f.sIn,
            f.zIn,
            -128,
            127,
            f::reference,
            f.floatBiases());
      }
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"qdq", "qoperator", "branches"})
  void theEngineAgreesWithOnnxRuntime(String name) throws Exception {
    OrtEnvironment env = environment();
    Case c = fixture(name);
    QuantizedModel q = OnnxImporter.lowerQuantized(OnnxImporter.parse(c.model()), name);
    IntegerEngine engine = new IntegerEngine(q);
    Random r = new Random(99);
    int agreeing = 0;
    var firstDivergences = new java.util.TreeMap<String, Integer>();
    try (OrtSession session = env.createSession(c.probed(), new OrtSession.SessionOptions())) {
      for (int k = 0; k < 100; k++) {
        int[] xq =
            QuantizedOnnxModels.ints(
                r, c.nchw()[0] * c.nchw()[1] * c.nchw()[2] * c.nchw()[3], c.lo(), c.hi());
        float[] x = new float[xq.length];
        for (int i = 0; i < x.length; i++) x[i] = c.inputScale() * (xq[i] - c.inputZeroPoint());
        int[][] ours = engine.values(OnnxQdqImportTest.toNhwc(xq, c.nchw()));
        long[] shape = Arrays.stream(c.nchw()).mapToLong(d -> d).toArray();
        String diverged = null;
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
            OrtSession.Result res = session.run(Map.of("x", t))) {
          for (String[] probe : c.probes()) {
            OnnxTensor theirs = (OnnxTensor) res.get(probe[0]).orElseThrow();
            int id = OnnxQdqImportTest.tensorId(q.description(), probe[1]);
            TensorSpec spec = q.description().tensor(id);
            long[] dims = theirs.getInfo().getShape();
            int[] engine4 =
                spec.rank() == 4
                    ? OnnxQdqImportTest.toNchw(
                        ours[id], Arrays.stream(dims).mapToInt(d -> (int) d).toArray())
                    : ours[id];
            int[] reference = ints(theirs.getByteBuffer(), spec.type());
            assertEquals(reference.length, engine4.length, probe[0]);
            int largest = 0;
            for (int i = 0; i < reference.length; i++)
              largest = Math.max(largest, Math.abs(reference[i] - engine4[i]));
            if (largest > 0) {
              assertEquals(
                  1,
                  largest,
                  name
                      + " input "
                      + k
                      + ": the first divergence from onnxruntime, at "
                      + probe[0]
                      + ", is more than one step");
              // the ONNX specs' exact quotient of every value that differs is a tie to within
              // float32 precision, or
              // within the rounding of a float bias (onnxruntime adds it unrounded)
              Ref exact = c.reference().apply(engineValues(q, ours)).get(probe[1]);
              double biasRounding = c.floatBiases().getOrDefault(probe[0], 0.0);
              for (int i = 0; i < reference.length; i++) {
                if (reference[i] == engine4[i]) continue;
                double v = exact.exact()[i], distanceToTie = Math.abs(v - Math.floor(v) - 0.5);
                assertTrue(
                    distanceToTie <= 1e-6 * Math.max(1, Math.abs(v)) + biasRounding,
                    name
                        + " input "
                        + k
                        + " "
                        + probe[0]
                        + "["
                        + i
                        + "]: engine "
                        + engine4[i]
                        + ", onnxruntime "
                        + reference[i]
                        + ", exact quotient "
                        + v
                        + " is no tie");
              }
              diverged = probe[0];
              break;
            }
          }
        }
        if (diverged == null) agreeing++;
        else firstDivergences.merge(diverged, 1, Integer::sum);
      }
    }
    System.out.printf(
        "quantized ONNX %s: %d of 100 inputs agree with onnxruntime on every tensor; first"
            + " divergences (by one step) at %s%n",
        name, agreeing, firstDivergences);
    assertTrue(agreeing >= 75, agreeing + " of 100 inputs agree");
  }

  private static int[] ints(ByteBuffer b, ElementType type) {
    int[] v = new int[b.remaining()];
    for (int i = 0; i < v.length; i++) v[i] = type == ElementType.UINT8 ? b.get() & 0xff : b.get();
    return v;
  }

  private static List<String[]> same(String... names) {
    return Arrays.stream(names).map(n -> new String[] {n, n}).toList();
  }

  private static String[] ortNames(List<String[]> probes) {
    return probes.stream().map(p -> p[0]).toArray(String[]::new);
  }

  private static OrtEnvironment environment() {
    try {
      return OrtEnvironment.getEnvironment();
    } catch (
        Throwable e) { // UnsatisfiedLinkError on a platform without onnxruntime's native library
      Assumptions.abort("skipped: onnxruntime's native library does not load here: " + e);
      return null;
    }
  }
}
