package io.zkaudit.prover.inference;

import static io.zkaudit.testutil.OnnxWriter.INT32;
import static io.zkaudit.testutil.OnnxWriter.INT8;
import static io.zkaudit.testutil.OnnxWriter.UINT8;
import static io.zkaudit.testutil.OnnxWriter.attrFloat;
import static io.zkaudit.testutil.OnnxWriter.attrInts;
import static io.zkaudit.testutil.OnnxWriter.integerScalar;
import static io.zkaudit.testutil.OnnxWriter.integers;
import static io.zkaudit.testutil.OnnxWriter.node;
import static io.zkaudit.testutil.OnnxWriter.scalar;
import static io.zkaudit.testutil.OnnxWriter.valueInfo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.model.Layer;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.model.Unary;
import io.zkaudit.model.UnaryFunction;
import io.zkaudit.onnx.OnnxImporter;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.OnnxWriter.Graph;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * QDQ ONNX elementwise functions: a MobileNet v3 style block written with OnnxWriter (uint8
 * activations, int8 weights): conv 3×3 → activation (HardSwish or Tanh) → GlobalAveragePool → conv
 * 1×1 → gate (HardSigmoid with PyTorch's alpha 1/6, Sigmoid, or com.microsoft's QLinearSigmoid) →
 * Mul of the activation map by the gate. Each unary tensor is the ONNX specs' value (the function
 * of the dequantized input, quantized with ties to even and saturation) by an independent formula;
 * the block proves with and without zero knowledge and the proof fails for another input.
 */
class OnnxUnaryProofTest {
  static final float S_IN = 0.0203f, SW = 0.0101f, S1 = 0.0213f, SW2 = 0.0107f, SF = 0.0301f;
  static final int Z_IN = 128, Z1 = 120, ZF = 128;

  static byte[] block(String act, String gate, long seed) {
    Random r = new Random(seed);
    float sa = act.equals("Tanh") ? 1f / 127 : 0.0311f;
    int za = act.equals("Tanh") ? 128 : 13;
    float sg = 1f / 256, sy = 0.0171f;
    int zg = 0, zy = 20;
    Graph g = new Graph(valueInfo("x", 1, 3, 5, 5), valueInfo("y", 1, 4, 5, 5));
    if (gate.equals("QLinearSigmoid")) g.domain("com.microsoft", 1);
    g.initializer(scalar("s_in", S_IN)).initializer(integerScalar("z_in", UINT8, Z_IN));
    g.initializer(integers("w1", INT8, new int[] {4, 3, 3, 3}, ints(r, 108, -60, 60)))
        .initializer(scalar("sw", SW))
        .initializer(integerScalar("zw", INT8, 0));
    g.initializer(integers("b1", INT32, new int[] {4}, ints(r, 4, -3000, 3000)))
        .initializer(scalar("sb1", S_IN * SW))
        .initializer(integerScalar("zb", INT32, 0));
    g.initializer(scalar("s1", S1)).initializer(integerScalar("z1", UINT8, Z1));
    g.initializer(scalar("sa", sa)).initializer(integerScalar("za", UINT8, za));
    g.initializer(integers("w2", INT8, new int[] {4, 4, 1, 1}, ints(r, 16, -100, 100)))
        .initializer(scalar("sw2", SW2));
    g.initializer(integers("b2", INT32, new int[] {4}, ints(r, 4, -500, 500)))
        .initializer(scalar("sb2", sa * SW2));
    g.initializer(scalar("sf", SF)).initializer(integerScalar("zf", UINT8, ZF));
    g.initializer(scalar("sg", sg)).initializer(integerScalar("zg", UINT8, zg));
    g.initializer(scalar("sy", sy)).initializer(integerScalar("zy", UINT8, zy));
    dq(g, "x", "s_in", "z_in", "x_q", true);
    g.node(node("DequantizeLinear", "", List.of("w1", "sw", "zw"), List.of("w1_dq")));
    g.node(node("DequantizeLinear", "", List.of("b1", "sb1", "zb"), List.of("b1_dq")));
    g.node(
        node(
            "Conv",
            "conv",
            List.of("x_q_dq", "w1_dq", "b1_dq"),
            List.of("c"),
            attrInts("kernel_shape", 3, 3),
            attrInts("pads", 1, 1, 1, 1)));
    dq(g, "c", "s1", "z1", "c_q", false);
    g.node(node(act, "act", List.of("c_q_dq"), List.of("a")));
    dq(g, "a", "sa", "za", "a_q", false);
    g.node(node("GlobalAveragePool", "pool", List.of("a_q_dq"), List.of("p")));
    dq(g, "p", "sa", "za", "p_q", false);
    g.node(node("DequantizeLinear", "", List.of("w2", "sw2", "zw"), List.of("w2_dq")));
    g.node(node("DequantizeLinear", "", List.of("b2", "sb2", "zb"), List.of("b2_dq")));
    g.node(
        node(
            "Conv",
            "fc",
            List.of("p_q_dq", "w2_dq", "b2_dq"),
            List.of("f"),
            attrInts("kernel_shape", 1, 1)));
    dq(g, "f", "sf", "zf", "f_q", false);
    switch (gate) {
      case "HardSigmoid" ->
          g.node(
              node(
                  "HardSigmoid",
                  "gate",
                  List.of("f_q_dq"),
                  List.of("h"),
                  attrFloat("alpha", 1f / 6),
                  attrFloat("beta", 0.5f)));
      case "Sigmoid" -> g.node(node("Sigmoid", "gate", List.of("f_q_dq"), List.of("h")));
      default -> {}
    }
    if (gate.equals("QLinearSigmoid")) {
      g.node(
          node(
              "com.microsoft",
              "QLinearSigmoid",
              "gate",
              List.of("f_q", "sf", "zf", "sg", "zg"),
              List.of("h_q")));
      g.node(node("DequantizeLinear", "", List.of("h_q", "sg", "zg"), List.of("h_q_dq")));
    } else {
      dq(g, "h", "sg", "zg", "h_q", false);
    }
    g.node(node("Mul", "excite", List.of("a_q_dq", "h_q_dq"), List.of("m")));
    g.node(node("QuantizeLinear", "", List.of("m", "sy", "zy"), List.of("y_q")));
    g.node(node("DequantizeLinear", "", List.of("y_q", "sy", "zy"), List.of("y")));
    return g.model(13);
  }

  /** v → QuantizeLinear → q → DequantizeLinear → q_dq. */
  private static void dq(Graph g, String v, String s, String z, String q, boolean input) {
    g.node(node("QuantizeLinear", "", List.of(v, s, z), List.of(q)));
    g.node(node("DequantizeLinear", "", List.of(q, s, z), List.of(q + "_dq")));
  }

  private static int[] ints(Random r, int n, int lo, int hi) {
    int[] v = new int[n];
    for (int i = 0; i < n; i++) v[i] = lo + r.nextInt(hi - lo + 1);
    return v;
  }

  /** The ONNX operator by another formula than the engine's. */
  private static double onnx(UnaryFunction f, double x) {
    return switch (f) {
      case SIGMOID -> 0.5 * (1 + Math.tanh(x / 2));
      case TANH -> {
        double e = Math.exp(2 * x);
        yield (e - 1) / (e + 1);
      }
      case HARD_SWISH -> x * Math.clamp(x / 6 + 0.5, 0.0, 1.0);
      case HARD_SIGMOID -> Math.clamp(x / 6 + 0.5, 0.0, 1.0);
      default -> throw new IllegalArgumentException("not an ONNX rule: " + f);
    };
  }

  @ParameterizedTest
  @CsvSource({"HardSwish,HardSigmoid", "Tanh,Sigmoid", "HardSwish,QLinearSigmoid"})
  void theBlockImportsMatchesTheSpecsAndProves(String act, String gate) throws Exception {
    QuantizedModel q =
        OnnxImporter.lowerQuantized(OnnxImporter.parse(block(act, gate, 7)), "unary-block");
    ModelDescription d = q.description();
    List<UnaryFunction> functions = new ArrayList<>();
    for (Layer l : d.layers()) if (l instanceof Unary u) functions.add(u.function());
    assertEquals(
        List.of(
            act.equals("Tanh") ? UnaryFunction.TANH : UnaryFunction.HARD_SWISH,
            gate.equals("HardSigmoid") ? UnaryFunction.HARD_SIGMOID : UnaryFunction.SIGMOID),
        functions);
    Random r = new Random(3);
    int compared = 0;
    for (int k = 0; k < 10; k++) {
      int[] x = new int[q.input().size()];
      for (int i = 0; i < x.length; i++) x[i] = r.nextInt(256);
      int[][] v = new IntegerEngine(q).values(x);
      for (Layer l : d.layers()) {
        if (!(l instanceof Unary u)) continue;
        TensorSpec in = d.tensor(u.input()), out = d.tensor(u.output());
        java.util.Set<Integer> distinct = new java.util.HashSet<>();
        for (int i = 0; i < v[u.output()].length; i++) {
          double real = (double) in.scale() * (v[u.input()][i] - in.zeroPoint());
          double scaled = onnx(u.function(), real) / (double) out.scale();
          if (Math.abs(scaled - Math.floor(scaled) - 0.5) < 1e-9) continue; // a near tie
          long rounded =
              new BigDecimal(scaled).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
          assertEquals(
              Math.clamp(rounded + out.zeroPoint(), 0, 255), v[u.output()][i], u.name() + " " + i);
          distinct.add(v[u.output()][i]);
          compared++;
        }
        assertTrue(distinct.size() > 1, u.name() + " is constant on this input");
      }
    }
    assertTrue(compared > 1000, "compared " + compared);
    Provability p = Provability.of(q);
    assertTrue(p.provable(), p.messages().toString());
    CommittedModel cm = ModelProver.commit(q);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    int[] x = new int[q.input().size()];
    for (int i = 0; i < x.length; i++) x[i] = r.nextInt(256);
    int[] other = x.clone();
    other[0] ^= 0x40;
    for (boolean zk : new boolean[] {false, true}) {
      ModelProof proof = ModelProver.prove(cm, x, ProgressListener.NONE, zk);
      assertArrayEquals(new IntegerEngine(q).infer(x), verifier.verify(proof, x));
      assertThrows(InvalidProofException.class, () -> verifier.verify(proof, other));
    }
  }
}
