package io.zkaudit.testutil;

import static io.zkaudit.testutil.OnnxWriter.INT32;
import static io.zkaudit.testutil.OnnxWriter.INT8;
import static io.zkaudit.testutil.OnnxWriter.UINT8;
import static io.zkaudit.testutil.OnnxWriter.attrInts;
import static io.zkaudit.testutil.OnnxWriter.integerScalar;
import static io.zkaudit.testutil.OnnxWriter.integers;
import static io.zkaudit.testutil.OnnxWriter.node;
import static io.zkaudit.testutil.OnnxWriter.scalar;
import static io.zkaudit.testutil.OnnxWriter.valueInfo;

import java.util.List;
import java.util.Random;

/**
 * A squeeze-and-excitation block as a QDQ ONNX graph (uint8 activations, int8 weights), written in
 * the test: conv 3×3 (3 → 4 channels, padded) + Relu, GlobalAveragePool, a 1×1 conv on the pooled
 * [1, 4, 1, 1] map (the excitation's dense layer, as MobileNet v3 writes it) + Relu, then the Mul
 * of the conv's map by that per-channel gate (either operand order). Every activation has a nonzero
 * zero point, so that the product's zero points are exercised.
 */
public final class SqueezeExciteOnnx {
  public final float sIn = 0.0203f, sw1 = 0.0101f, s1 = 0.0213f, sw2 = 0.0107f, sg = 0.0119f;
  public final float sy = 0.0197f;
  public final int zIn = 128, z1 = 4, zg = 6, zy = 2;
  public final int channels = 4, height = 5, width = 5;
  public final int[] w1, b1, w2, b2;
  private final boolean gateFirst;

  public SqueezeExciteOnnx(long seed, boolean gateFirst) {
    Random r = new Random(seed);
    w1 = ints(r, 4 * 3 * 3 * 3, -60, 60);
    b1 = ints(r, 4, 6000, 14000); // most of the map above the Relu
    w2 = ints(r, 4 * 4, -100, 100);
    b2 = ints(r, 4, 500, 3000); // gates mostly open: the product has a wide range
    this.gateFirst = gateFirst;
  }

  public byte[] model() {
    OnnxWriter.Graph g =
        new OnnxWriter.Graph(
            valueInfo("x", 1, 3, height, width), valueInfo("y", 1, 4, height, width));
    g.initializer(scalar("s_in", sIn)).initializer(integerScalar("z_in", UINT8, zIn));
    g.initializer(integers("w1", INT8, new int[] {4, 3, 3, 3}, w1))
        .initializer(scalar("sw1", sw1))
        .initializer(integerScalar("zw", INT8, 0));
    g.initializer(integers("b1", INT32, new int[] {4}, b1))
        .initializer(scalar("sb1", sIn * sw1))
        .initializer(integerScalar("zb", INT32, 0));
    g.initializer(scalar("s1", s1)).initializer(integerScalar("z1", UINT8, z1));
    g.initializer(integers("w2", INT8, new int[] {4, 4, 1, 1}, w2)).initializer(scalar("sw2", sw2));
    g.initializer(integers("b2", INT32, new int[] {4}, b2)).initializer(scalar("sb2", s1 * sw2));
    g.initializer(scalar("sg", sg)).initializer(integerScalar("zg", UINT8, zg));
    g.initializer(scalar("sy", sy)).initializer(integerScalar("zy", UINT8, zy));
    g.node(node("QuantizeLinear", "", List.of("x", "s_in", "z_in"), List.of("x_q")));
    g.node(node("DequantizeLinear", "", List.of("x_q", "s_in", "z_in"), List.of("x_dq")));
    g.node(node("DequantizeLinear", "", List.of("w1", "sw1", "zw"), List.of("w1_dq")));
    g.node(node("DequantizeLinear", "", List.of("b1", "sb1", "zb"), List.of("b1_dq")));
    g.node(
        node(
            "Conv",
            "conv",
            List.of("x_dq", "w1_dq", "b1_dq"),
            List.of("c"),
            attrInts("kernel_shape", 3, 3),
            attrInts("pads", 1, 1, 1, 1)));
    g.node(node("Relu", "", List.of("c"), List.of("c_r")));
    g.node(node("QuantizeLinear", "", List.of("c_r", "s1", "z1"), List.of("c_q")));
    g.node(node("DequantizeLinear", "", List.of("c_q", "s1", "z1"), List.of("c_dq")));
    g.node(node("GlobalAveragePool", "pool", List.of("c_dq"), List.of("p")));
    g.node(node("QuantizeLinear", "", List.of("p", "s1", "z1"), List.of("p_q")));
    g.node(node("DequantizeLinear", "", List.of("p_q", "s1", "z1"), List.of("p_dq")));
    g.node(node("DequantizeLinear", "", List.of("w2", "sw2", "zw"), List.of("w2_dq")));
    g.node(node("DequantizeLinear", "", List.of("b2", "sb2", "zb"), List.of("b2_dq")));
    g.node(
        node(
            "Conv",
            "fc",
            List.of("p_dq", "w2_dq", "b2_dq"),
            List.of("f"),
            attrInts("kernel_shape", 1, 1)));
    g.node(node("Relu", "", List.of("f"), List.of("f_r")));
    g.node(node("QuantizeLinear", "", List.of("f_r", "sg", "zg"), List.of("g_q")));
    g.node(node("DequantizeLinear", "", List.of("g_q", "sg", "zg"), List.of("g_dq")));
    g.node(
        node(
            "Mul",
            "excite",
            gateFirst ? List.of("g_dq", "c_dq") : List.of("c_dq", "g_dq"),
            List.of("m")));
    g.node(node("QuantizeLinear", "", List.of("m", "sy", "zy"), List.of("y_q")));
    g.node(node("DequantizeLinear", "", List.of("y_q", "sy", "zy"), List.of("y")));
    return g.model(13);
  }

  private static int[] ints(Random r, int n, int lo, int hi) {
    int[] v = new int[n];
    for (int i = 0; i < n; i++) v[i] = lo + r.nextInt(hi - lo + 1);
    return v;
  }
}
