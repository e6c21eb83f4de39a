package io.zkaudit.onnx;

import static io.zkaudit.testutil.OnnxWriter.INT32;
import static io.zkaudit.testutil.OnnxWriter.INT64;
import static io.zkaudit.testutil.OnnxWriter.INT8;
import static io.zkaudit.testutil.OnnxWriter.UINT8;
import static io.zkaudit.testutil.OnnxWriter.attrInt;
import static io.zkaudit.testutil.OnnxWriter.attrInts;
import static io.zkaudit.testutil.OnnxWriter.floats;
import static io.zkaudit.testutil.OnnxWriter.integerScalar;
import static io.zkaudit.testutil.OnnxWriter.integers;
import static io.zkaudit.testutil.OnnxWriter.node;
import static io.zkaudit.testutil.OnnxWriter.scalar;
import static io.zkaudit.testutil.OnnxWriter.valueInfo;
import static io.zkaudit.testutil.OnnxWriter.valueInfoOfType;

import io.zkaudit.testutil.OnnxWriter.Graph;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Two small quantized CNNs written as ONNX bytes (the two encodings of onnxruntime's static
 * quantization), and an independent reference for each: the ONNX operator specs' integer semantics
 * computed directly in NCHW with doubles (QuantizeLinear: saturate(round(x / y_scale) +
 * y_zero_point), rounding half to even; QLinearConv/QLinearMatMul: the same of Σ(x − x_zp)(w −
 * w_zp)·x_scale·w_scale/y_scale; com.microsoft's QLinearAdd and QLinearGlobalAveragePool: of the
 * real sum and the real mean). The reference keeps each rounded value's exact real quotient, so
 * that a test can tell a tie from a real difference.
 */
public final class QuantizedOnnxModels {
  private QuantizedOnnxModels() {}

  /**
   * A reference tensor, NCHW: quantized values, the exact quotient each rounds, and how close to a
   * tie a difference of one may be.
   */
  record Ref(int[] shape, int[] q, double[] exact, double tieBound) {}

  /**
   * QDQ: Q(x) → DQ → Conv3x3 + Relu → Q → [DQ → Conv1x1 → Q] → DQ; Add of both + Relu → Q → DQ →
   * MaxPool → Q → DQ → Flatten → Gemm → Q → DQ.
   */
  public static final class Qdq {
    final float sIn = 0.02f, s1 = 0.03f, s2 = 0.05f, s3 = 0.045f, s4 = 0.1f, ws2 = 0.007f;
    final int zIn = 128, z1 = 3, z2 = 120, z3 = 10, z4 = 128;
    final float[] ws1 = {0.004f, 0.006f, 0.005f, 0.003f},
        ws3 = {0.01f, 0.012f, 0.008f, 0.011f, 0.009f};
    final int[] w1, w2, b2, w3;
    final float[] b1, b3;

    public Qdq(long seed) {
      Random r = new Random(seed);
      w1 = ints(r, 4 * 2 * 3 * 3, -40, 40);
      w2 = ints(r, 4 * 4, -60, 60);
      w3 = ints(r, 5 * 36, -40, 40);
      b2 = ints(r, 4, -2000, 2000);
      b1 = reals(r, 4, 0.3f);
      b3 = reals(r, 5, 0.5f);
    }

    /**
     * The model; probes are intermediate values made graph outputs too (for a runtime to report).
     */
    public byte[] model(String... probes) {
      return model(false, probes);
    }

    /**
     * The same network as a Keras export through tf2onnx writes it when channelsLast: a [1, 6, 6,
     * 2] input, a Transpose to [N,C,H,W] after its QuantizeLinear/DequantizeLinear, a Transpose
     * back before the Flatten (whose order is then H, W, C), and the dense weights' columns in that
     * order.
     */
    public byte[] model(boolean channelsLast, String... probes) {
      Graph g =
          new Graph(
              channelsLast ? valueInfo("x", 1, 6, 6, 2) : valueInfo("x", 1, 2, 6, 6),
              valueInfo("y", 1, 5));
      for (String p : probes) g.output(valueInfoOfType(p, UINT8));
      g.initializer(scalar("s_in", sIn)).initializer(integerScalar("z_in", UINT8, zIn));
      g.initializer(scalar("s1", s1)).initializer(integerScalar("z1", UINT8, z1));
      g.initializer(scalar("s2", s2)).initializer(integerScalar("z2", UINT8, z2));
      g.initializer(scalar("s3", s3)).initializer(integerScalar("z3", UINT8, z3));
      g.initializer(scalar("s4", s4)).initializer(integerScalar("z4", UINT8, z4));
      g.initializer(integers("w1", INT8, new int[] {4, 2, 3, 3}, w1))
          .initializer(floats("ws1", new int[] {4}, ws1))
          .initializer(integers("wz1", INT8, new int[] {4}, 0, 0, 0, 0))
          .initializer(floats("b1", new int[] {4}, b1));
      g.initializer(integers("w2", INT8, new int[] {4, 4, 1, 1}, w2))
          .initializer(scalar("ws2", ws2))
          .initializer(integerScalar("wz2", INT8, 0));
      g.initializer(integers("b2", INT32, new int[] {4}, b2))
          .initializer(scalar("bs2", s1 * ws2))
          .initializer(integerScalar("bz2", INT32, 0));
      g.initializer(integers("w3", INT8, new int[] {5, 36}, channelsLast ? hwcColumns(w3) : w3))
          .initializer(floats("ws3", new int[] {5}, ws3))
          .initializer(integers("wz3", INT8, new int[] {5}, 0, 0, 0, 0, 0))
          .initializer(floats("b3", new int[] {5}, b3));
      g.node(
          node("QuantizeLinear", "quantize_input", List.of("x", "s_in", "z_in"), List.of("x_q")));
      g.node(
          node(
              "DequantizeLinear",
              "",
              List.of("x_q", "s_in", "z_in"),
              List.of(channelsLast ? "x_nhwc" : "x_dq")));
      if (channelsLast)
        g.node(
            node(
                "Transpose",
                "to_nchw",
                List.of("x_nhwc"),
                List.of("x_dq"),
                attrInts("perm", 0, 3, 1, 2)));
      g.node(
          node(
              "DequantizeLinear",
              "",
              List.of("w1", "ws1", "wz1"),
              List.of("w1_dq"),
              attrInt("axis", 0)));
      g.node(
          node(
              "Conv",
              "conv1",
              List.of("x_dq", "w1_dq", "b1"),
              List.of("c1"),
              attrInts("kernel_shape", 3, 3),
              attrInts("pads", 1, 1, 1, 1)));
      g.node(node("Relu", "relu1", List.of("c1"), List.of("r1")));
      g.node(node("QuantizeLinear", "", List.of("r1", "s1", "z1"), List.of("q1")));
      g.node(node("DequantizeLinear", "", List.of("q1", "s1", "z1"), List.of("q1_dq")));
      g.node(node("DequantizeLinear", "", List.of("w2", "ws2", "wz2"), List.of("w2_dq")));
      g.node(node("DequantizeLinear", "", List.of("b2", "bs2", "bz2"), List.of("b2_dq")));
      g.node(
          node(
              "Conv",
              "conv2",
              List.of("q1_dq", "w2_dq", "b2_dq"),
              List.of("c2"),
              attrInts("kernel_shape", 1, 1)));
      g.node(node("QuantizeLinear", "", List.of("c2", "s2", "z2"), List.of("q2")));
      g.node(node("DequantizeLinear", "", List.of("q2", "s2", "z2"), List.of("q2_dq")));
      g.node(node("Add", "residual", List.of("q1_dq", "q2_dq"), List.of("sum")));
      g.node(node("Relu", "relu2", List.of("sum"), List.of("sum_r")));
      g.node(node("QuantizeLinear", "", List.of("sum_r", "s3", "z3"), List.of("q3")));
      g.node(node("DequantizeLinear", "", List.of("q3", "s3", "z3"), List.of("q3_dq")));
      g.node(
          node(
              "MaxPool",
              "pool",
              List.of("q3_dq"),
              List.of("mp"),
              attrInts("kernel_shape", 2, 2),
              attrInts("strides", 2, 2)));
      g.node(node("QuantizeLinear", "", List.of("mp", "s3", "z3"), List.of("mp_q")));
      g.node(node("DequantizeLinear", "", List.of("mp_q", "s3", "z3"), List.of("mp_dq")));
      if (channelsLast)
        g.node(
            node(
                "Transpose",
                "to_nhwc",
                List.of("mp_dq"),
                List.of("mp_nhwc"),
                attrInts("perm", 0, 2, 3, 1)));
      g.node(
          node(
              "Flatten",
              "flatten",
              List.of(channelsLast ? "mp_nhwc" : "mp_dq"),
              List.of("flat"),
              attrInt("axis", 1)));
      g.node(
          node(
              "DequantizeLinear",
              "",
              List.of("w3", "ws3", "wz3"),
              List.of("w3_dq"),
              attrInt("axis", 0)));
      g.node(
          node(
              "Gemm",
              "dense",
              List.of("flat", "w3_dq", "b3"),
              List.of("fc"),
              attrInt("transB", 1)));
      g.node(node("QuantizeLinear", "", List.of("fc", "s4", "z4"), List.of("out_q")));
      g.node(node("DequantizeLinear", "", List.of("out_q", "s4", "z4"), List.of("y")));
      return g.model(13);
    }

    /**
     * Dense weights [5, 36] whose columns follow a [4, 3, 3] map's C, H, W order, put in H, W, C.
     */
    static int[] hwcColumns(int[] w) {
      int[] out = new int[w.length];
      for (int o = 0; o < 5; o++)
        for (int c = 0; c < 4; c++)
          for (int y = 0; y < 3; y++)
            for (int x = 0; x < 3; x++)
              out[o * 36 + (y * 3 + x) * 4 + c] = w[o * 36 + (c * 3 + y) * 3 + x];
      return out;
    }

    /** The tensors with a float bias, and their {@link #biasRounding}. */
    Map<String, Double> floatBiases() {
      return Map.of("q1", biasRounding(sIn, ws1, s1), "out_q", biasRounding(s3, ws3, s4));
    }

    /**
     * The reference's quantized tensors by ONNX name. Each operator reads its inputs from actual
     * (the engine's values, NCHW; "x_q" is the quantized input), so that a tie rounded otherwise in
     * one operator is seen there once and not carried into the next.
     */
    Map<String, Ref> reference(java.util.function.Function<String, int[]> actual) {
      int[] xq = actual.apply("x_q");
      Map<String, Ref> out = new LinkedHashMap<>();
      int[] xShape = {1, 2, 6, 6};
      double[] r1 =
          conv(
              xq,
              xShape,
              zIn,
              w1,
              4,
              3,
              new int[] {0},
              biasAt(b1, sIn, ws1),
              1); // the float bias rounded as the importer does
      for (int i = 0; i < r1.length; i++) r1[i] *= (double) sIn * ws1[(i / 36) % 4] / s1;
      Ref q1 = requantized(new int[] {1, 4, 6, 6}, relu(r1), z1, 0, 255, singleRoundingBound(r1));
      out.put("q1", q1);
      double[] r2 = conv(actual.apply("q1"), q1.shape(), z1, w2, 4, 1, new int[] {0}, b2, 0);
      for (int i = 0; i < r2.length; i++) r2[i] *= (double) s1 * ws2 / s2;
      Ref q2 = requantized(q1.shape(), r2, z2, 0, 255, singleRoundingBound(r2));
      out.put("q2", q2);
      double[] sum = new double[q1.q().length];
      int[] a1 = actual.apply("q1"), a2 = actual.apply("q2");
      for (int i = 0; i < sum.length; i++)
        sum[i] = ((double) s1 * (a1[i] - z1) + (double) s2 * (a2[i] - z2)) / s3;
      // TFLite's ADD pipeline (inputs at 2^20 over twice the larger scale, then two more roundings)
      // is within about 2^-18 of the real quotient: it differs from round-half-even only that close
      // to a tie.
      Ref q3 = requantized(q1.shape(), relu(sum), z3, 0, 255, 1e-4);
      out.put("q3", q3);
      Ref mp = maxPool(new Ref(q3.shape(), actual.apply("q3"), null, 0), 2, 2, new int[4]);
      out.put("mp", mp); // its QuantizeLinear, of the same parameters, is the same tensor
      // the float bias, rounded to int32 at s3·ws3[o] as the importer does, is part of the
      // accumulator
      double[] acc = dense(actual.apply("mp"), z3, w3, 5, 36, new int[] {0}, biasAt(b3, s3, ws3));
      double[] fc = new double[5];
      for (int o = 0; o < 5; o++) fc[o] = acc[o] * ((double) s3 * ws3[o]) / s4;
      out.put("out_q", requantized(new int[] {1, 5}, fc, z4, 0, 255, singleRoundingBound(fc)));
      return out;
    }
  }

  /**
   * How far from a tie (in output steps) a value of each tensor with a float bias may lie and still
   * round otherwise than where ONNX adds that bias unrounded: half a step of x_scale·w_scale, in
   * units of y_scale (the importer rounds the bias to int32 at x_scale·w_scale).
   */
  static double biasRounding(float xs, float[] ws, float ys) {
    double m = 0;
    for (float w : ws) m = Math.max(m, 0.5 * xs * w / ys);
    return m;
  }

  /**
   * QOperator: Q(x) int8 → QLinearConv3x3 (per-channel weights and zero points, int32 bias;
   * y_zero_point −128 saturates like a fused Relu) → MaxPool (padded at the end) → [QLinearConv1x1]
   * → QLinearAdd of both → QLinearGlobalAveragePool → Reshape → QLinearMatMul (weight zero point 5)
   * → DequantizeLinear.
   */
  static final class QOperator {
    final float sIn = 0.05f,
        ys1 = 0.06f,
        ws2 = 0.01f,
        ys2 = 0.08f,
        sSum = 0.1f,
        ws3 = 0.02f,
        ys3 = 0.07f;
    final int zIn = -3, yz1 = -128, wz2 = 2, yz2 = 5, zSum = -20, zGap = -18, wz3 = 5, yz3 = 0;
    final float[] ws1 = {0.004f, 0.006f, 0.005f, 0.003f};
    final int[] wz1;
    final int[] w1, b1, w2, w3;

    QOperator(long seed) {
      this(seed, new int[] {0, 1, -2, 0});
    }

    /**
     * With the first convolution's weight zero points (onnxruntime's QLinearConv takes only one
     * value for all channels).
     */
    QOperator(long seed, int[] firstWeightZeroPoints) {
      wz1 = firstWeightZeroPoints;
      Random r = new Random(seed);
      w1 = ints(r, 4 * 3 * 3 * 3, -50, 50);
      b1 = ints(r, 4, -3000, 3000);
      w2 = ints(r, 4 * 4, -70, 70);
      w3 = ints(r, 4 * 6, -100, 100);
    }

    /**
     * The model; probes are intermediate values made graph outputs too (for a runtime to report).
     */
    byte[] model(String... probes) {
      Graph g =
          new Graph(valueInfo("x", 1, 3, 5, 5), valueInfo("y", 1, 6)).domain("com.microsoft", 1);
      for (String p : probes) g.output(valueInfoOfType(p, INT8));
      g.initializer(scalar("s_in", sIn)).initializer(integerScalar("z_in", INT8, zIn));
      g.initializer(integers("w1", INT8, new int[] {4, 3, 3, 3}, w1))
          .initializer(floats("ws1", new int[] {4}, ws1))
          .initializer(integers("wz1", INT8, new int[] {4}, wz1))
          .initializer(integers("b1", INT32, new int[] {4}, b1));
      g.initializer(scalar("ys1", ys1)).initializer(integerScalar("yz1", INT8, yz1));
      g.initializer(integers("w2", INT8, new int[] {4, 4, 1, 1}, w2))
          .initializer(scalar("ws2", ws2))
          .initializer(integerScalar("wz2", INT8, wz2));
      g.initializer(scalar("ys2", ys2)).initializer(integerScalar("yz2", INT8, yz2));
      g.initializer(scalar("s_sum", sSum))
          .initializer(integerScalar("z_sum", INT8, zSum))
          .initializer(integerScalar("z_gap", INT8, zGap));
      g.initializer(integers("w3", INT8, new int[] {4, 6}, w3))
          .initializer(scalar("ws3", ws3))
          .initializer(integerScalar("wz3", INT8, wz3));
      g.initializer(scalar("ys3", ys3)).initializer(integerScalar("yz3", INT8, yz3));
      g.initializer(integers("flat_shape", INT64, new int[] {2}, 1, 4));
      g.node(
          node("QuantizeLinear", "quantize_input", List.of("x", "s_in", "z_in"), List.of("x_q")));
      g.node(
          node(
              "QLinearConv",
              "conv1",
              List.of("x_q", "s_in", "z_in", "w1", "ws1", "wz1", "ys1", "yz1", "b1"),
              List.of("c1"),
              attrInts("kernel_shape", 3, 3),
              attrInts("pads", 1, 1, 1, 1)));
      g.node(
          node(
              "MaxPool",
              "pool",
              List.of("c1"),
              List.of("mp"),
              attrInts("kernel_shape", 2, 2),
              attrInts("strides", 2, 2),
              attrInts("pads", 0, 0, 1, 1)));
      g.node(
          node(
              "QLinearConv",
              "conv2",
              List.of("mp", "ys1", "yz1", "w2", "ws2", "wz2", "ys2", "yz2"),
              List.of("c2"),
              attrInts("kernel_shape", 1, 1)));
      g.node(
          node(
              "com.microsoft",
              "QLinearAdd",
              "residual",
              List.of("mp", "ys1", "yz1", "c2", "ys2", "yz2", "s_sum", "z_sum"),
              List.of("sum")));
      g.node(
          node(
              "com.microsoft",
              "QLinearGlobalAveragePool",
              "gap",
              List.of("sum", "s_sum", "z_sum", "s_sum", "z_gap"),
              List.of("gap"),
              attrInt("channels_last", 0)));
      g.node(node("Reshape", "flatten", List.of("gap", "flat_shape"), List.of("flat")));
      g.node(
          node(
              "QLinearMatMul",
              "dense",
              List.of("flat", "s_sum", "z_gap", "w3", "ws3", "wz3", "ys3", "yz3"),
              List.of("mm")));
      g.node(node("DequantizeLinear", "", List.of("mm", "ys3", "yz3"), List.of("y")));
      return g.model(13);
    }

    /** As {@link Qdq#reference}: each operator reads the engine's values of its inputs. */
    Map<String, Ref> reference(java.util.function.Function<String, int[]> actual) {
      int[] xq = actual.apply("x_q");
      Map<String, Ref> out = new LinkedHashMap<>();
      double[] r1 = conv(xq, new int[] {1, 3, 5, 5}, zIn, w1, 4, 3, wz1, b1, 1);
      for (int i = 0; i < r1.length; i++) r1[i] *= (double) sIn * ws1[(i / 25) % 4] / ys1;
      Ref c1 = requantized(new int[] {1, 4, 5, 5}, r1, yz1, -128, 127, singleRoundingBound(r1));
      out.put("c1", c1);
      Ref mp =
          maxPool(new Ref(c1.shape(), actual.apply("c1"), null, 0), 2, 2, new int[] {0, 0, 1, 1});
      out.put("mp", mp);
      int[] amp = actual.apply("mp");
      double[] r2 = conv(amp, mp.shape(), yz1, w2, 4, 1, new int[] {wz2}, null, 0);
      for (int i = 0; i < r2.length; i++) r2[i] *= (double) ys1 * ws2 / ys2;
      Ref c2 = requantized(mp.shape(), r2, yz2, -128, 127, singleRoundingBound(r2));
      out.put("c2", c2);
      double[] sum = new double[mp.q().length];
      int[] ac2 = actual.apply("c2");
      for (int i = 0; i < sum.length; i++)
        sum[i] = ((double) ys1 * (amp[i] - yz1) + (double) ys2 * (ac2[i] - yz2)) / sSum;
      Ref s =
          requantized(
              mp.shape(), sum, zSum, -128, 127, 1e-4); // TFLite's ADD pipeline: see Qdq's Add
      out.put("sum", s);
      // Same input and output scale: the integer mean is the exact sum divided by 9 (odd: never a
      // tie).
      double[] gap = new double[4];
      for (int c = 0; c < 4; c++) {
        long acc = 0;
        for (int i = 0; i < 9; i++) acc += actual.apply("sum")[c * 9 + i] - zSum;
        gap[c] = acc / 9.0;
      }
      Ref gq = requantized(new int[] {1, 4, 1, 1}, gap, zGap, -128, 127, 0);
      out.put("gap", gq);
      double[] mm =
          dense(actual.apply("gap"), zGap, transposed(w3, 4, 6), 6, 4, new int[] {wz3}, null);
      for (int o = 0; o < 6; o++) mm[o] *= (double) sSum * ws3 / ys3;
      out.put("mm", requantized(new int[] {1, 6}, mm, yz3, -128, 127, singleRoundingBound(mm)));
      return out;
    }
  }

  /**
   * QDQ, int8 activations, the other patterns: Q(x) → DQ → depthwise Conv3x3 + Relu → Q; DQ(x) →
   * Clip(0, 1) → Q at another scale (a requantization); Concat of both → Q at a third scale (both
   * inputs requantized); AveragePool 3x3/2 padded with count_include_pad → Q; GlobalAveragePool → Q
   * (same scale, other zero point); Flatten → MatMul (float weights quantized in the graph per
   * column, axis 1) → Q → DQ → Softmax → Q (1/256, as onnxruntime quantizes it) → DQ.
   */
  static final class QdqBranches {
    final float sIn = 0.03f, s1 = 0.04f, s2 = 0.035f, s3 = 0.045f, s5 = 0.06f;
    final int zIn = -5, z1 = -100, z2 = -50, z3 = -100, z4 = -90, z5 = 10;
    final float[] wsDw = {0.01f, 0.007f, 0.012f}, wsMm = {0.004f, 0.005f, 0.006f, 0.003f};
    final int[] wDw, wMm;
    final float[] bDw;

    QdqBranches(long seed) {
      Random r = new Random(seed);
      wDw = ints(r, 3 * 9, -60, 60);
      wMm = ints(r, 6 * 4, -100, 100);
      bDw = reals(r, 3, 0.2f);
    }

    byte[] model(String... probes) {
      Graph g = new Graph(valueInfo("x", 1, 3, 6, 6), valueInfo("y", 1, 4));
      for (String p : probes) g.output(valueInfoOfType(p, INT8));
      g.initializer(scalar("s_probs", 1 / 256f)).initializer(integerScalar("z_probs", INT8, -128));
      g.initializer(scalar("s_in", sIn)).initializer(integerScalar("z_in", INT8, zIn));
      g.initializer(scalar("s1", s1)).initializer(integerScalar("z1", INT8, z1));
      g.initializer(scalar("s2", s2)).initializer(integerScalar("z2", INT8, z2));
      g.initializer(scalar("s3", s3))
          .initializer(integerScalar("z3", INT8, z3))
          .initializer(integerScalar("z4", INT8, z4));
      g.initializer(scalar("s5", s5)).initializer(integerScalar("z5", INT8, z5));
      g.initializer(scalar("zero", 0f)).initializer(scalar("one", 1f));
      g.initializer(integers("w_dw", INT8, new int[] {3, 1, 3, 3}, wDw))
          .initializer(floats("ws_dw", new int[] {3}, wsDw))
          .initializer(floats("b_dw", new int[] {3}, bDw));
      // the MatMul's weights are kept in float and quantized in the graph (QuantizeLinear per
      // column, then DequantizeLinear)
      float[] wMmReal = new float[wMm.length];
      for (int i = 0; i < wMm.length; i++) wMmReal[i] = wMm[i] * wsMm[i % 4];
      g.initializer(floats("w_mm", new int[] {6, 4}, wMmReal))
          .initializer(floats("ws_mm", new int[] {4}, wsMm))
          .initializer(integers("wz_mm", INT8, new int[] {4}, 0, 0, 0, 0));
      g.node(node("QuantizeLinear", "", List.of("x", "s_in", "z_in"), List.of("x_q")));
      g.node(node("DequantizeLinear", "", List.of("x_q", "s_in", "z_in"), List.of("x_dq")));
      g.node(
          node(
              "DequantizeLinear",
              "",
              List.of("w_dw", "ws_dw"),
              List.of("w_dw_dq"),
              attrInt("axis", 0)));
      g.node(
          node(
              "Conv",
              "depthwise",
              List.of("x_dq", "w_dw_dq", "b_dw"),
              List.of("dw"),
              attrInts("kernel_shape", 3, 3),
              attrInts("pads", 1, 1, 1, 1),
              attrInt("group", 3)));
      g.node(node("Relu", "", List.of("dw"), List.of("dw_r")));
      g.node(node("QuantizeLinear", "", List.of("dw_r", "s1", "z1"), List.of("d_q")));
      g.node(node("DequantizeLinear", "", List.of("d_q", "s1", "z1"), List.of("d_dq")));
      g.node(node("Clip", "clip", List.of("x_dq", "zero", "one"), List.of("clipped")));
      g.node(node("QuantizeLinear", "", List.of("clipped", "s2", "z2"), List.of("clip_q")));
      g.node(node("DequantizeLinear", "", List.of("clip_q", "s2", "z2"), List.of("clip_dq")));
      g.node(
          node("Concat", "concat", List.of("d_dq", "clip_dq"), List.of("cat"), attrInt("axis", 1)));
      g.node(node("QuantizeLinear", "", List.of("cat", "s3", "z3"), List.of("cat_q")));
      g.node(node("DequantizeLinear", "", List.of("cat_q", "s3", "z3"), List.of("cat_dq")));
      g.node(
          node(
              "AveragePool",
              "avg",
              List.of("cat_dq"),
              List.of("avg"),
              attrInts("kernel_shape", 3, 3),
              attrInts("strides", 2, 2),
              attrInts("pads", 1, 1, 1, 1),
              attrInt("count_include_pad", 1)));
      g.node(node("QuantizeLinear", "", List.of("avg", "s3", "z3"), List.of("avg_q")));
      g.node(node("DequantizeLinear", "", List.of("avg_q", "s3", "z3"), List.of("avg_dq")));
      g.node(node("GlobalAveragePool", "gap", List.of("avg_dq"), List.of("gap")));
      g.node(node("QuantizeLinear", "", List.of("gap", "s3", "z4"), List.of("gap_q")));
      g.node(node("DequantizeLinear", "", List.of("gap_q", "s3", "z4"), List.of("gap_dq")));
      g.node(node("Flatten", "flatten", List.of("gap_dq"), List.of("flat")));
      g.node(
          node(
              "QuantizeLinear",
              "",
              List.of("w_mm", "ws_mm", "wz_mm"),
              List.of("w_mm_q"),
              attrInt("axis", 1)));
      g.node(
          node(
              "DequantizeLinear",
              "",
              List.of("w_mm_q", "ws_mm", "wz_mm"),
              List.of("w_mm_dq"),
              attrInt("axis", 1)));
      g.node(node("MatMul", "matmul", List.of("flat", "w_mm_dq"), List.of("mm")));
      g.node(node("QuantizeLinear", "", List.of("mm", "s5", "z5"), List.of("mm_q")));
      g.node(node("DequantizeLinear", "", List.of("mm_q", "s5", "z5"), List.of("mm_dq")));
      g.node(node("Softmax", "softmax", List.of("mm_dq"), List.of("probs")));
      g.node(
          node("QuantizeLinear", "", List.of("probs", "s_probs", "z_probs"), List.of("probs_q")));
      g.node(node("DequantizeLinear", "", List.of("probs_q", "s_probs", "z_probs"), List.of("y")));
      return g.model(13);
    }

    /**
     * Dense weights [5, 36] whose columns follow a [4, 3, 3] map's C, H, W order, put in H, W, C.
     */
    static int[] hwcColumns(int[] w) {
      int[] out = new int[w.length];
      for (int o = 0; o < 5; o++)
        for (int c = 0; c < 4; c++)
          for (int y = 0; y < 3; y++)
            for (int x = 0; x < 3; x++)
              out[o * 36 + (y * 3 + x) * 4 + c] = w[o * 36 + (c * 3 + y) * 3 + x];
      return out;
    }

    /** The tensors with a float bias, and their {@link #biasRounding}. */
    Map<String, Double> floatBiases() {
      return Map.of("d_q", biasRounding(sIn, wsDw, s1));
    }

    /** As {@link Qdq#reference}: each operator reads the engine's values of its inputs. */
    Map<String, Ref> reference(java.util.function.Function<String, int[]> actual) {
      Map<String, Ref> out = new LinkedHashMap<>();
      int[] x = actual.apply("x_q");
      int[] bias = biasAt(bDw, sIn, wsDw);
      double[] dw = new double[3 * 36];
      for (int c = 0; c < 3; c++) {
        int[] xc = java.util.Arrays.copyOfRange(x, c * 36, (c + 1) * 36);
        int[] wc = java.util.Arrays.copyOfRange(wDw, c * 9, (c + 1) * 9);
        double[] acc =
            conv(xc, new int[] {1, 1, 6, 6}, zIn, wc, 1, 3, new int[] {0}, new int[] {bias[c]}, 1);
        for (int i = 0; i < 36; i++) dw[c * 36 + i] = acc[i] * ((double) sIn * wsDw[c]) / s1;
      }
      out.put(
          "d_q",
          requantized(new int[] {1, 3, 6, 6}, relu(dw), z1, -128, 127, singleRoundingBound(dw)));
      double[] clip = new double[x.length];
      for (int i = 0; i < x.length; i++)
        clip[i] = Math.min(1.0, Math.max(0.0, (double) sIn * (x[i] - zIn))) / s2;
      // the requantization's multiplier s_in/s2 is below one: a single rounding of the Q31 product
      out.put(
          "clip_q",
          requantized(new int[] {1, 3, 6, 6}, clip, z2, -128, 127, singleRoundingBound(clip)));
      int[] d = actual.apply("d_q"), c = actual.apply("clip_q");
      double[] cat = new double[216];
      for (int i = 0; i < 108; i++) {
        cat[i] = (double) s1 * (d[i] - z1) / s3;
        cat[108 + i] = (double) s2 * (c[i] - z2) / s3;
      }
      out.put(
          "cat_q",
          requantized(new int[] {1, 6, 6, 6}, cat, z3, -128, 127, singleRoundingBound(cat)));
      // count_include_pad: the window's sum of real values over all 9 taps, padding counted as 0 (9
      // is odd: no ties)
      int[] k = actual.apply("cat_q");
      double[] avg = new double[6 * 9];
      for (int ch = 0; ch < 6; ch++)
        for (int oy = 0; oy < 3; oy++)
          for (int ox = 0; ox < 3; ox++) {
            long sum = 0;
            for (int ky = 0; ky < 3; ky++)
              for (int kx = 0; kx < 3; kx++) {
                int iy = oy * 2 - 1 + ky, ix = ox * 2 - 1 + kx;
                if (iy >= 0 && iy < 6 && ix >= 0 && ix < 6) sum += k[(ch * 6 + iy) * 6 + ix] - z3;
              }
            avg[(ch * 3 + oy) * 3 + ox] = sum / 9.0;
          }
      out.put("avg_q", requantized(new int[] {1, 6, 3, 3}, avg, z3, -128, 127, 0));
      int[] a = actual.apply("avg_q");
      double[] gap = new double[6];
      for (int ch = 0; ch < 6; ch++) {
        long sum = 0;
        for (int i = 0; i < 9; i++) sum += a[ch * 9 + i] - z3;
        gap[ch] = sum / 9.0; // same scale in and out: the mean itself (odd count: no ties)
      }
      out.put("gap_q", requantized(new int[] {1, 6, 1, 1}, gap, z4, -128, 127, 0));
      double[] mm =
          dense(actual.apply("gap_q"), z4, transposed(wMm, 6, 4), 4, 6, new int[] {0}, null);
      for (int o = 0; o < 4; o++) mm[o] *= (double) s3 * wsMm[o] / s5;
      out.put("mm_q", requantized(new int[] {1, 4}, mm, z5, -128, 127, singleRoundingBound(mm)));
      // Softmax of the dequantized logits, quantized at 1/256 (the engine computes it in doubles
      // too,
      // so only a value within double precision of a tie may round otherwise)
      int[] logits = actual.apply("mm_q");
      double max = Double.NEGATIVE_INFINITY, sum = 0;
      for (int l : logits) max = Math.max(max, (double) s5 * (l - z5));
      double[] probs = new double[4];
      for (int o = 0; o < 4; o++) sum += probs[o] = Math.exp((double) s5 * (logits[o] - z5) - max);
      for (int o = 0; o < 4; o++) probs[o] = probs[o] / sum * 256;
      out.put("probs_q", requantized(new int[] {1, 4}, probs, -128, -128, 127, 1e-9));
      return out;
    }
  }

  // ------------------------------------------------------------------ the reference's arithmetic
  // (NCHW)

  /**
   * Σ over in-bounds taps of (x − xzp)(w − wzp[o]) + bias[o], for a square kernel, stride 1,
   * padding pad on every side.
   */
  static double[] conv(
      int[] x, int[] shape, int xzp, int[] w, int o, int k, int[] wzp, int[] bias, int pad) {
    int c = shape[1], h = shape[2], wd = shape[3];
    int oh = h + 2 * pad - k + 1, ow = wd + 2 * pad - k + 1;
    double[] acc = new double[o * oh * ow];
    for (int oc = 0; oc < o; oc++)
      for (int y = 0; y < oh; y++)
        for (int xx = 0; xx < ow; xx++) {
          long a = bias == null ? 0 : bias[oc];
          for (int ic = 0; ic < c; ic++)
            for (int ky = 0; ky < k; ky++)
              for (int kx = 0; kx < k; kx++) {
                int iy = y - pad + ky, ix = xx - pad + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                a +=
                    (long) (x[(ic * h + iy) * wd + ix] - xzp)
                        * (w[((oc * c + ic) * k + ky) * k + kx] - wzp[wzp.length == 1 ? 0 : oc]);
              }
          acc[(oc * oh + y) * ow + xx] = a;
        }
    return acc;
  }

  /** Σ_k (x[k] − xzp)(w[o][k] − wzp) + bias[o], weights [O, K]. */
  static double[] dense(int[] x, int xzp, int[] w, int o, int k, int[] wzp, int[] bias) {
    double[] acc = new double[o];
    for (int oc = 0; oc < o; oc++) {
      long a = bias == null ? 0 : bias[oc];
      for (int i = 0; i < k; i++)
        a += (long) (x[i] - xzp) * (w[oc * k + i] - wzp[wzp.length == 1 ? 0 : oc]);
      acc[oc] = a;
    }
    return acc;
  }

  /**
   * MaxPool of quantized values (stride = kernel; pads top, left, bottom, right): the maximum of
   * the in-bounds taps.
   */
  static Ref maxPool(Ref x, int k, int stride, int[] pads) {
    int c = x.shape()[1], h = x.shape()[2], w = x.shape()[3];
    int oh = (h + pads[0] + pads[2] - k) / stride + 1,
        ow = (w + pads[1] + pads[3] - k) / stride + 1;
    int[] q = new int[c * oh * ow];
    double[] exact = new double[q.length];
    for (int ch = 0; ch < c; ch++)
      for (int y = 0; y < oh; y++)
        for (int xx = 0; xx < ow; xx++) {
          int m = Integer.MIN_VALUE;
          for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++) {
              int iy = y * stride - pads[0] + ky, ix = xx * stride - pads[1] + kx;
              if (iy >= 0 && iy < h && ix >= 0 && ix < w)
                m = Math.max(m, x.q()[(ch * h + iy) * w + ix]);
            }
          q[(ch * oh + y) * ow + xx] = m;
          exact[(ch * oh + y) * ow + xx] = m;
        }
    return new Ref(new int[] {1, c, oh, ow}, q, exact, 0);
  }

  /** QuantizeLinear of exact quotients v (real / y_scale): saturate(round half to even(v) + zp). */
  static Ref requantized(int[] shape, double[] v, int zp, int min, int max, double tieBound) {
    int[] q = new int[v.length];
    for (int i = 0; i < v.length; i++)
      q[i] = (int) Math.max(min, Math.min(max, Math.rint(v[i]) + zp));
    return new Ref(shape, q, v.clone(), tieBound);
  }

  static double[] relu(double[] v) {
    double[] r = new double[v.length];
    for (int i = 0; i < v.length; i++) r[i] = Math.max(0, v[i]);
    return r;
  }

  /**
   * How close to a tie the engine's single rounding of acc·M may round otherwise than the spec: M
   * is a Q31 multiplier (relative error below 2^-31), and at an exact tie it rounds up, not to
   * even.
   */
  static double singleRoundingBound(double[] v) {
    double m = 0;
    for (double d : v) m = Math.max(m, Math.abs(d));
    return m * 0x1p-30 + 1e-12;
  }

  /**
   * A float bias as the integer layer adds it: int32 at scale xs·ws[c], rounded half to even (what
   * onnxruntime's quantizer stores when it quantizes a bias). ONNX itself adds the float bias
   * unrounded.
   */
  static int[] biasAt(float[] b, float xs, float[] ws) {
    int[] q = new int[b.length];
    for (int c = 0; c < b.length; c++) q[c] = (int) Math.rint(b[c] / ((double) xs * ws[c]));
    return q;
  }

  static int[] transposed(int[] w, int rows, int cols) {
    int[] r = new int[w.length];
    for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) r[j * rows + i] = w[i * cols + j];
    return r;
  }

  static int[] ints(Random r, int n, int lo, int hi) {
    int[] v = new int[n];
    for (int i = 0; i < n; i++) v[i] = lo + r.nextInt(hi - lo + 1);
    return v;
  }

  static float[] reals(Random r, int n, float bound) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (r.nextFloat() * 2 - 1) * bound;
    return v;
  }
}
