package io.zkaudit.onnx;

import static io.zkaudit.testutil.OnnxWriter.INT32;
import static io.zkaudit.testutil.OnnxWriter.INT64;
import static io.zkaudit.testutil.OnnxWriter.INT8;
import static io.zkaudit.testutil.OnnxWriter.UINT8;
import static io.zkaudit.testutil.OnnxWriter.attrFloat;
import static io.zkaudit.testutil.OnnxWriter.attrInt;
import static io.zkaudit.testutil.OnnxWriter.attrInts;
import static io.zkaudit.testutil.OnnxWriter.floats;
import static io.zkaudit.testutil.OnnxWriter.integerScalar;
import static io.zkaudit.testutil.OnnxWriter.integers;
import static io.zkaudit.testutil.OnnxWriter.node;
import static io.zkaudit.testutil.OnnxWriter.scalar;
import static io.zkaudit.testutil.OnnxWriter.typedValueInfo;
import static io.zkaudit.testutil.OnnxWriter.valueInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.model.ModelFormatException;
import io.zkaudit.testutil.OnnxWriter.Graph;
import io.zkaudit.testutil.OnnxWriter.Proto;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Quantized ONNX patterns the integer layers cannot express exactly are refused with one line
 * naming the node (a {@link ModelFormatException}, never a stack trace or a silently different
 * model): one case per message. Each graph starts like the QDQ fixtures: x [1,2,4,4] →
 * QuantizeLinear (uint8, scale 0.02, zero point 128) → "x_q" → DequantizeLinear → "x_dq", with int8
 * weights w [3,2,3,3] available as "w_dq" (per tensor, scale 0.005).
 */
class OnnxQdqRefusalTest {

  static Stream<Arguments> refusals() {
    return Stream.of(
        refusal(
            "a float operator left between Q and DQ",
            "y",
            g -> {
              conv(g, "x_dq", "c");
              g.node(
                  node(
                      "MaxPool",
                      "pool",
                      List.of("c"),
                      List.of("p"),
                      attrInts("kernel_shape", 2, 2)));
              quantizeOut(g, "p");
            },
            "unsupported quantized ONNX pattern at node 'pool' (MaxPool): it reads the float result"
                + " of node 'conv' (Conv), which only Relu, Clip or QuantizeLinear may follow"),
        refusal(
            "an operator the quantized importer lacks",
            "y",
            g -> {
              g.node(node("Elu", "elu", List.of("x_dq"), List.of("s")));
              quantizeOut(g, "s");
            },
            "unsupported ONNX operator Elu in a quantized graph at node 'elu'"),
        refusal(
            "a clamp between a unary function and its QuantizeLinear",
            "y",
            g -> {
              g.node(node("Sigmoid", "sig", List.of("x_dq"), List.of("s")));
              g.node(node("Relu", "relu", List.of("s"), List.of("r")));
              quantizeOut(g, "r");
            },
            "unsupported ONNX Relu/Clip after a Sigmoid at node 'sig'"),
        refusal(
            "weights per channel along the input channels",
            "y",
            g -> {
              g.initializer(integers("wc", INT8, new int[] {3, 2, 3, 3}, new int[54]))
                  .initializer(floats("wcs", new int[] {2}, 0.01f, 0.02f));
              g.node(
                  node(
                      "DequantizeLinear",
                      "",
                      List.of("wc", "wcs"),
                      List.of("wc_dq"),
                      attrInt("axis", 1)));
              g.node(
                  node(
                      "Conv",
                      "conv",
                      List.of("x_dq", "wc_dq"),
                      List.of("c"),
                      attrInts("kernel_shape", 3, 3)));
              quantizeOut(g, "c");
            },
            "unsupported ONNX Conv with weights wc quantized per channel along axis 1 (only along"
                + " the output channels, axis 0) at node 'conv'"),
        refusal(
            "scale and zero points of different lengths",
            "y",
            g -> {
              g.initializer(integers("wz2", INT8, new int[] {2}, 0, 1));
              g.node(
                  node(
                      "DequantizeLinear",
                      "dq_w",
                      List.of("w", "ws", "wz2"),
                      List.of("w2_dq"),
                      attrInt("axis", 0)));
              g.node(
                  node(
                      "Conv",
                      "conv",
                      List.of("x_dq", "w2_dq"),
                      List.of("c"),
                      attrInts("kernel_shape", 3, 3)));
              quantizeOut(g, "c");
            },
            "unsupported ONNX DequantizeLinear with 1 scales and 2 zero points at node 'dq_w'"),
        refusal(
            "an activation quantized per channel",
            "y",
            g -> {
              g.initializer(floats("s2", new int[] {2}, 0.1f, 0.2f));
              conv(g, "x_dq", "c");
              g.node(
                  node(
                      "QuantizeLinear",
                      "q_per_channel",
                      List.of("c", "s2"),
                      List.of("cq"),
                      attrInt("axis", 1)));
              g.node(node("DequantizeLinear", "", List.of("cq", "s_out", "z_out"), List.of("y")));
            },
            "unsupported ONNX QuantizeLinear with 2 scales for an activation (only per-tensor) at"
                + " node 'q_per_channel'"),
        refusal(
            "a float result read twice",
            "y",
            g -> {
              conv(g, "x_dq", "c");
              g.node(
                  node("QuantizeLinear", "q_twice", List.of("c", "s_out", "z_out"), List.of("cq")));
              g.node(node("Relu", "relu", List.of("c"), List.of("r")));
              g.node(node("QuantizeLinear", "", List.of("r", "s_out", "z_out"), List.of("rq")));
              g.node(node("DequantizeLinear", "", List.of("rq", "s_out", "z_out"), List.of("y")));
            },
            "unsupported quantized ONNX pattern at node 'q_twice': the float result c of node"
                + " 'conv' (Conv) has 2 readers; each float result must be quantized once"),
        refusal(
            "float weights in a quantized graph",
            "y",
            g -> {
              g.initializer(floats("wf", new int[] {3, 2, 1, 1}, 1, 2, 3, 4, 5, 6));
              g.node(
                  node(
                      "Conv",
                      "conv",
                      List.of("x_dq", "wf"),
                      List.of("c"),
                      attrInts("kernel_shape", 1, 1)));
              quantizeOut(g, "c");
            },
            "unsupported ONNX Conv with float weights wf in a quantized graph (only"
                + " DequantizeLinear of integer weights) at node 'conv'"),
        refusal(
            "an output never quantized",
            "c",
            g -> conv(g, "x_dq", "c"),
            "unsupported quantized ONNX pattern: output c is the float result of node 'conv'"
                + " (Conv), never quantized (QuantizeLinear)"),
        refusal(
            "an average pool that requantizes and does not count its padding",
            "y",
            g -> {
              g.node(
                  node(
                      "AveragePool",
                      "avg",
                      List.of("x_dq"),
                      List.of("a"),
                      attrInts("kernel_shape", 2, 2),
                      attrInts("pads", 1, 1, 1, 1)));
              g.node(
                  node("QuantizeLinear", "q_avg", List.of("a", "s_out", "z_out"), List.of("aq")));
              g.node(node("DequantizeLinear", "", List.of("aq", "s_out", "z_out"), List.of("y")));
            },
            "unsupported ONNX AveragePool whose QuantizeLinear 'q_avg' changes the quantization"
                + " (UINT8 scale 0.02 zero point 128 to UINT8 scale 0.1 zero point 3) with padding"
                + " not counted (count_include_pad 0): its border windows average fewer entries,"
                + " and the integer average pool keeps the quantization at node 'avg'"),
        refusal(
            "a Relu of stored integers",
            "y",
            g -> {
              qlinearConv(g, "x_q", "s_in", "c");
              g.node(node("Relu", "relu", List.of("c"), List.of("r")));
              g.node(node("DequantizeLinear", "", List.of("r", "s_out", "z_out"), List.of("y")));
            },
            "unsupported ONNX Relu of the integer tensor c (ONNX applies it to the stored integers,"
                + " not to the real values they stand for) at node 'relu'"),
        refusal(
            "a QLinearConv reading its input with another scale",
            "y",
            g -> {
              g.initializer(scalar("s_wrong", 0.03f));
              qlinearConv(g, "x_q", "s_wrong", "c");
              g.node(node("DequantizeLinear", "", List.of("c", "s_out", "z_out"), List.of("y")));
            },
            "unsupported ONNX QLinearConv reading x_q with scale 0.03 and zero point 128, which is"
                + " quantized with scale 0.02 and zero point 128 at node 'qconv'"),
        refusal(
            "a bias at another scale",
            "y",
            g -> {
              g.initializer(integers("b", INT32, new int[] {3}, 1, 2, 3))
                  .initializer(scalar("bs", 0.5f));
              g.node(node("DequantizeLinear", "", List.of("b", "bs"), List.of("b_dq")));
              g.node(
                  node(
                      "Conv",
                      "conv",
                      List.of("x_dq", "w_dq", "b_dq"),
                      List.of("c"),
                      attrInts("kernel_shape", 3, 3)));
              quantizeOut(g, "c");
            },
            "unsupported ONNX bias b quantized with scale 0.5 and zero point 0 (channel 0), not"
                + " input scale × weight scale 1.0E-4 and 0 at node 'conv'"),
        refusal(
            "a DequantizeLinear with other parameters than its tensor's",
            "y",
            g -> {
              g.node(
                  node(
                      "DequantizeLinear",
                      "dq_other",
                      List.of("x_q", "s_out", "z_out"),
                      List.of("d")));
              g.node(node("Relu", "relu", List.of("d"), List.of("r")));
              quantizeOut(g, "r");
            },
            "unsupported ONNX DequantizeLinear with scale 0.1 and zero point 3 of x_q, which is"
                + " quantized with scale 0.02 and zero point 128 at node 'dq_other'"),
        refusal(
            "an operator of another domain",
            "y",
            g -> {
              g.node(node("ai.onnx.ml", "Scaler", "scaler", List.of("x_dq"), List.of("s")));
              quantizeOut(g, "s");
            },
            "unsupported ONNX operator ai.onnx.ml.Scaler at node 'scaler'"),
        refusal(
            "the input quantized twice",
            "y",
            g ->
                g.node(
                    node(
                        "QuantizeLinear", "q_again", List.of("x", "s_out", "z_out"), List.of("y"))),
            "unsupported ONNX second QuantizeLinear of the float input x (the model input is"
                + " quantized once) at node 'q_again'"),
        refusal(
            "a QuantizeLinear of integers",
            "y",
            g ->
                g.node(
                    node(
                        "QuantizeLinear", "q_int", List.of("x_q", "s_out", "z_out"), List.of("y"))),
            "unsupported ONNX QuantizeLinear of the integer tensor x_q at node 'q_int'"),
        refusal(
            "per-channel scales that do not fit the axis",
            "y",
            g -> {
              g.initializer(floats("s2", new int[] {2}, 0.01f, 0.02f));
              g.node(
                  node(
                      "DequantizeLinear",
                      "dq_axis",
                      List.of("w", "s2"),
                      List.of("y"),
                      attrInt("axis", 0)));
            },
            "DequantizeLinear node 'dq_axis' has 2 scales along axis 0 of [3, 2, 3, 3]"),
        refusal(
            "a zero scale",
            "y",
            g -> {
              g.initializer(scalar("s0", 0f));
              g.node(node("DequantizeLinear", "dq_zero", List.of("w", "s0"), List.of("y")));
            },
            "unsupported ONNX DequantizeLinear with scale 0.0 at node 'dq_zero'"),
        refusal(
            "a DequantizeLinear of real values",
            "y",
            g ->
                g.node(
                    node(
                        "DequantizeLinear",
                        "dq_dq",
                        List.of("x_dq", "s_in", "z_in"),
                        List.of("y"))),
            "unsupported ONNX DequantizeLinear of the float tensor x_dq at node 'dq_dq'"),
        refusal(
            "blocked quantization",
            "y",
            g ->
                g.node(
                    node(
                        "DequantizeLinear",
                        "dq_block",
                        List.of("w", "ws"),
                        List.of("y"),
                        attrInt("block_size", 2))),
            "unsupported ONNX blocked DequantizeLinear (block_size 2) at node 'dq_block'"),
        refusal(
            "a grouped convolution",
            "y",
            g -> {
              g.initializer(integers("wg", INT8, new int[] {3, 1, 3, 3}, new int[27]));
              g.node(node("DequantizeLinear", "", List.of("wg", "ws"), List.of("wg_dq")));
              g.node(
                  node(
                      "Conv",
                      "conv_g",
                      List.of("x_dq", "wg_dq"),
                      List.of("c"),
                      attrInts("kernel_shape", 3, 3),
                      attrInt("group", 2)));
              quantizeOut(g, "c");
            },
            "unsupported ONNX grouped Conv with group 2 on 2 channels (only 1 or depthwise) at node"
                + " 'conv_g'"),
        refusal(
            "a kernel_shape that is not the weights'",
            "y",
            g -> {
              g.node(
                  node(
                      "Conv",
                      "conv_k",
                      List.of("x_dq", "w_dq"),
                      List.of("c"),
                      attrInts("kernel_shape", 2, 2)));
              quantizeOut(g, "c");
            },
            "unsupported ONNX Conv whose kernel_shape [2, 2] differs from its weights at node"
                + " 'conv_k'"),
        refusal(
            "a Gemm with alpha",
            "y",
            g -> {
              g.node(node("Flatten", "flatten", List.of("x_dq"), List.of("f")));
              g.node(
                  node(
                      "Gemm",
                      "gemm_a",
                      List.of("f", "w_dq"),
                      List.of("c"),
                      attrFloat("alpha", 2f)));
              quantizeOut(g, "c");
            },
            "unsupported ONNX quantized Gemm with alpha or beta other than 1 at node 'gemm_a'"),
        refusal(
            "a MatMul of an image",
            "y",
            g -> {
              g.node(node("MatMul", "mm_img", List.of("x_dq", "w_dq"), List.of("c")));
              quantizeOut(g, "c");
            },
            "unsupported ONNX MatMul that is not [N,K]×[K,O] with constant weights at node"
                + " 'mm_img'"),
        refusal(
            "an Add of different shapes",
            "y",
            g -> {
              g.node(node("Flatten", "flatten", List.of("x_dq"), List.of("f")));
              g.node(node("Add", "add_shapes", List.of("x_dq", "f"), List.of("c")));
              quantizeOut(g, "c");
            },
            "unsupported ONNX Add of shapes [1, 2, 4, 4] and [1, 32] (only two activations of one"
                + " shape) at node 'add_shapes'"),
        refusal(
            "a pool with ceil_mode",
            "y",
            g -> {
              g.node(
                  node(
                      "MaxPool",
                      "pool_ceil",
                      List.of("x_dq"),
                      List.of("p"),
                      attrInts("kernel_shape", 2, 2),
                      attrInt("ceil_mode", 1)));
              quantizeOut(g, "p");
            },
            "unsupported ONNX MaxPool with ceil_mode 1 at node 'pool_ceil'"),
        refusal(
            "a Flatten along axis 2",
            "y",
            g -> {
              g.node(node("Flatten", "flat2", List.of("x_dq"), List.of("f"), attrInt("axis", 2)));
              quantizeOut(g, "f");
            },
            "unsupported ONNX Flatten with axis 2 (only 1) at node 'flat2'"),
        refusal(
            "a Concat of integers and reals",
            "y",
            g ->
                g.node(
                    node(
                        "Concat",
                        "cat_mixed",
                        List.of("x_dq", "x_q"),
                        List.of("y"),
                        attrInt("axis", 1))),
            "unsupported ONNX Concat of integer and real (dequantized) tensors at node"
                + " 'cat_mixed'"),
        refusal(
            "a Concat of integers quantized differently",
            "y",
            g -> {
              g.node(node("Relu", "relu", List.of("x_dq"), List.of("r")));
              g.node(node("QuantizeLinear", "", List.of("r", "s_out", "z_out"), List.of("r_q")));
              g.node(
                  node(
                      "Concat",
                      "cat_int",
                      List.of("x_q", "r_q"),
                      List.of("y"),
                      attrInt("axis", 1)));
            },
            "unsupported ONNX Concat of integer tensors quantized differently (UINT8 scale 0.02"
                + " zero point 128, UINT8 scale 0.1 zero point 3) at node 'cat_int'"),
        refusal(
            "a Relu after a Concat",
            "y",
            g -> {
              g.node(
                  node(
                      "Concat",
                      "cat_relu",
                      List.of("x_dq", "x_dq"),
                      List.of("k"),
                      attrInt("axis", 1)));
              g.node(node("Relu", "relu", List.of("k"), List.of("r")));
              quantizeOut(g, "r");
            },
            "unsupported ONNX Relu/Clip after a Concat (clamp its inputs instead) at node"
                + " 'cat_relu'"),
        refusal(
            "a bias of another length",
            "y",
            g -> {
              g.initializer(floats("b2f", new int[] {2}, 0.5f, 0.25f));
              g.node(
                  node(
                      "Conv",
                      "conv",
                      List.of("x_dq", "w_dq", "b2f"),
                      List.of("c"),
                      attrInts("kernel_shape", 3, 3)));
              quantizeOut(g, "c");
            },
            "unsupported ONNX bias b2f of shape [2] (only one per output channel) at node 'conv'"),
        refusal(
            "a QuantizeLinear of integer weights",
            "y",
            g ->
                g.node(node("QuantizeLinear", "q_w", List.of("w", "s_out", "z_out"), List.of("y"))),
            "unsupported ONNX QuantizeLinear of the non-float constant w at node 'q_w'"),
        refusal(
            "a QLinearConv of real values",
            "y",
            g -> {
              qlinearConv(g, "x_dq", "s_in", "c");
              g.node(node("DequantizeLinear", "", List.of("c", "s_out", "z_out"), List.of("y")));
            },
            "unsupported ONNX QLinearConv of the float tensor x_dq (only of integers) at node"
                + " 'qconv'"),
        refusal(
            "a float Conv of integers",
            "y",
            g -> {
              g.node(
                  node(
                      "Conv",
                      "conv_int",
                      List.of("x_q", "w_dq"),
                      List.of("c"),
                      attrInts("kernel_shape", 3, 3)));
              quantizeOut(g, "c");
            },
            "unsupported ONNX Conv of the integer tensor x_q (only of DequantizeLinear outputs) at"
                + " node 'conv_int'"),
        refusal(
            "a MaxPool of a matrix",
            "y",
            g -> {
              g.node(node("Flatten", "flatten", List.of("x_dq"), List.of("f")));
              g.node(
                  node(
                      "MaxPool",
                      "pool_flat",
                      List.of("f"),
                      List.of("p"),
                      attrInts("kernel_shape", 2, 2)));
              quantizeOut(g, "p");
            },
            "unsupported ONNX MaxPool of a rank-2 tensor (only [N,C,H,W] images) at node"
                + " 'pool_flat'"),
        refusal(
            "int32 activations",
            "y",
            g -> {
              g.initializer(integerScalar("z32", INT32, 0));
              g.node(node("QuantizeLinear", "q32", List.of("x_dq", "s_out", "z32"), List.of("y")));
            },
            "unsupported ONNX QuantizeLinear to int32 (only uint8 and int8 activations) at node"
                + " 'q32'"),
        refusal(
            "a zero point of another type",
            "y",
            g -> {
              g.initializer(integerScalar("z8", INT8, 0));
              g.node(
                  node("DequantizeLinear", "dq_type", List.of("x_q", "s_in", "z8"), List.of("y")));
            },
            "unsupported ONNX DequantizeLinear with a zero point of another type than its tensor's"
                + " UINT8 at node 'dq_type'"),
        refusal(
            "a flattened map as the output",
            "f",
            g -> g.node(node("Flatten", "flatten", List.of("x_dq"), List.of("f"))),
            "unsupported ONNX output f: a Flatten/Reshape of an [N,C,H,W] map with H·W > 1 is"
                + " supported only when a Gemm/MatMul consumes it"),
        refusal(
            "a channels-last QLinearGlobalAveragePool",
            "y",
            g -> {
              g.node(
                  node(
                      "com.microsoft",
                      "QLinearGlobalAveragePool",
                      "gap_cl",
                      List.of("x_q", "s_in", "z_in", "s_out", "z_out"),
                      List.of("p"),
                      attrInt("channels_last", 1)));
              g.node(node("DequantizeLinear", "", List.of("p", "s_out", "z_out"), List.of("y")));
            },
            "unsupported ONNX QLinearGlobalAveragePool with channels_last 1 (only NCHW) at node"
                + " 'gap_cl'"),
        refusal(
            "QLinear weights with more zero points than scales",
            "y",
            g -> {
              g.initializer(integers("wz2", INT8, new int[] {2}, 0, 1));
              g.node(
                  node(
                      "QLinearConv",
                      "qconv",
                      List.of("x_q", "s_in", "z_in", "w", "ws", "wz2", "s_out", "z_out"),
                      List.of("c"),
                      attrInts("kernel_shape", 3, 3)));
              g.node(node("DequantizeLinear", "", List.of("c", "s_out", "z_out"), List.of("y")));
            },
            "unsupported ONNX QLinearConv with 1 weight scales and 2 zero points at node 'qconv'"),
        refusal(
            "int32 weights",
            "y",
            g -> {
              g.initializer(integers("wi", INT32, new int[] {3, 2, 1, 1}, 1, 2, 3, 4, 5, 6));
              g.node(node("DequantizeLinear", "", List.of("wi", "ws"), List.of("wi_dq")));
              g.node(
                  node(
                      "Conv",
                      "conv",
                      List.of("x_dq", "wi_dq"),
                      List.of("c"),
                      attrInts("kernel_shape", 1, 1)));
              quantizeOut(g, "c");
            },
            "unsupported ONNX Conv with int32 weights wi at node 'conv'"),
        refusal(
            "a Gemm with transA",
            "y",
            g ->
                g.node(
                    node(
                        "Gemm",
                        "gemm_t",
                        List.of("x_dq", "w_dq"),
                        List.of("y"),
                        attrInt("transA", 1))),
            "unsupported ONNX Gemm with transA 1 at node 'gemm_t'"),
        refusal(
            "a MaxPool with indices",
            "y",
            g ->
                g.node(
                    node(
                        "MaxPool",
                        "pool_i",
                        List.of("x_dq"),
                        List.of("p", "i"),
                        attrInts("kernel_shape", 2, 2))),
            "unsupported ONNX MaxPool with an Indices output at node 'pool_i'"),
        refusal(
            "a pool without kernel_shape",
            "y",
            g -> g.node(node("AveragePool", "pool_k", List.of("x_dq"), List.of("p"))),
            "unsupported ONNX AveragePool without a 2-d kernel_shape at node 'pool_k'"),
        refusal(
            "an int8 bias",
            "y",
            g -> {
              g.initializer(integers("b8", INT8, new int[] {3}, 1, 2, 3))
                  .initializer(scalar("bs", 1e-4f));
              g.node(node("DequantizeLinear", "", List.of("b8", "bs"), List.of("b8_dq")));
              g.node(
                  node(
                      "Conv",
                      "conv",
                      List.of("x_dq", "w_dq", "b8_dq"),
                      List.of("c"),
                      attrInts("kernel_shape", 3, 3)));
              quantizeOut(g, "c");
            },
            "unsupported ONNX bias b8 that is not int32[3] at node 'conv'"),
        refusal(
            "an int32 bias without its DequantizeLinear",
            "y",
            g -> {
              g.initializer(integers("b32", INT32, new int[] {3}, 1, 2, 3));
              g.node(
                  node(
                      "Conv",
                      "conv",
                      List.of("x_dq", "w_dq", "b32"),
                      List.of("c"),
                      attrInts("kernel_shape", 3, 3)));
              quantizeOut(g, "c");
            },
            "unsupported ONNX bias b32 of type 6 without a DequantizeLinear at node 'conv'"),
        refusal(
            "a QLinearConv bias that is not int32",
            "y",
            g -> {
              g.initializer(floats("bf", new int[] {3}, 1, 2, 3));
              g.node(
                  node(
                      "QLinearConv",
                      "qconv",
                      List.of("x_q", "s_in", "z_in", "w", "ws", "wz", "s_out", "z_out", "bf"),
                      List.of("c"),
                      attrInts("kernel_shape", 3, 3)));
              g.node(node("DequantizeLinear", "", List.of("c", "s_out", "z_out"), List.of("y")));
            },
            "unsupported ONNX QLinearConv bias bf that is not int32[3] at node 'qconv'"),
        refusal(
            "computed weights",
            "y",
            g -> {
              g.node(
                  node(
                      "Conv",
                      "conv",
                      List.of("x_dq", "x_dq"),
                      List.of("c"),
                      attrInts("kernel_shape", 3, 3)));
              quantizeOut(g, "c");
            },
            "unsupported ONNX Conv whose weights x_dq are computed (only DequantizeLinear of"
                + " integer initializers) at node 'conv'"),
        refusal(
            "an activation with several zero points",
            "y",
            g -> {
              g.initializer(integers("z2", UINT8, new int[] {2}, 1, 2));
              g.node(node("QuantizeLinear", "q_zps", List.of("x_dq", "s_out", "z2"), List.of("y")));
            },
            "unsupported ONNX QuantizeLinear with 2 zero points for an activation (only per-tensor)"
                + " at node 'q_zps'"),
        refusal(
            "a Clip with a non-scalar bound",
            "y",
            g -> {
              g.initializer(floats("lo2", new int[] {2}, 0, 0));
              g.node(node("Clip", "clip", List.of("x_dq", "lo2"), List.of("c")));
              quantizeOut(g, "c");
            },
            "unsupported ONNX Clip with a non-scalar input 1 at node 'clip'"),
        refusal(
            "a dense layer of another width",
            "y",
            g -> {
              g.initializer(integers("w7", INT8, new int[] {7, 3}, new int[21]));
              g.node(node("DequantizeLinear", "", List.of("w7", "ws"), List.of("w7_dq")));
              g.node(node("Flatten", "flatten", List.of("x_dq"), List.of("f")));
              g.node(node("MatMul", "mm", List.of("f", "w7_dq"), List.of("c")));
              quantizeOut(g, "c");
            },
            "MatMul node 'mm' has weights for 7 inputs, its input has 32"),
        refusal(
            "a Reshape that moves channels",
            "y",
            g -> {
              g.initializer(integers("shape", INT64, new int[] {4}, 1, 4, 2, 4));
              g.node(node("Reshape", "reshape", List.of("x_dq", "shape"), List.of("r")));
              quantizeOut(g, "r");
            },
            "unsupported ONNX Reshape of [1, 2, 4, 4] to [1, 4, 2, 4] (only flattening an image to"
                + " [N, C·H·W]) at node 'reshape'"),
        refusal(
            "a value no node computes",
            "y",
            g -> g.node(node("Relu", "relu", List.of("nowhere"), List.of("y"))),
            "Relu node 'relu' reads nowhere, which no earlier node computes"),
        refusal(
            "a Softmax over the channels of an image",
            "y",
            g -> {
              g.node(node("Softmax", "softmax", List.of("x_dq"), List.of("p"), attrInt("axis", 1)));
              quantizeOut(g, "p");
            },
            "unsupported ONNX Softmax over axis 1 of a rank-4 tensor (only the last axis of a"
                + " matrix) at node 'softmax'"),
        refusal(
            "a Softmax of a flattened map",
            "y",
            g -> {
              g.node(node("Flatten", "flatten", List.of("x_dq"), List.of("f")));
              g.node(node("Softmax", "softmax", List.of("f"), List.of("p")));
              quantizeOut(g, "p");
            },
            "unsupported ONNX Softmax of a flattened [N,C,H,W] map with H·W > 1 (stored in NHWC"
                + " order) at node 'softmax'"),
        refusal(
            "a Relu after a Softmax",
            "y",
            g -> {
              g.node(
                  node(
                      "MaxPool",
                      "pool",
                      List.of("x_dq"),
                      List.of("m"),
                      attrInts("kernel_shape", 4, 4)));
              g.node(node("Flatten", "flatten", List.of("m"), List.of("f")));
              g.node(node("Softmax", "softmax", List.of("f"), List.of("p")));
              g.node(node("Relu", "relu", List.of("p"), List.of("r")));
              quantizeOut(g, "r");
            },
            "unsupported ONNX Relu/Clip after a Softmax at node 'softmax'"),
        refusal(
            "the float input read unquantized",
            "y",
            g -> {
              g.node(
                  node(
                      "Conv",
                      "conv_x",
                      List.of("x", "w_dq"),
                      List.of("c"),
                      attrInts("kernel_shape", 3, 3)));
              quantizeOut(g, "c");
            },
            "unsupported quantized ONNX pattern at node 'conv_x' (Conv): it reads the float input"
                + " x, which only a QuantizeLinear may read"));
  }

  /**
   * Issue 18's further operators (QLinearConcat, QLinearAveragePool, Mul/QLinearMul, a MatMul's
   * bias as a separate Add): one case per refusal message.
   */
  static Stream<Arguments> moreRefusals() {
    return Stream.of(
        refusal(
            "a QLinearConcat without whole input triples",
            "y",
            g -> {
              g.node(
                  node(
                      "com.microsoft",
                      "QLinearConcat",
                      "qcat",
                      List.of("s_out", "z_out", "x_q", "s_in"),
                      List.of("p"),
                      attrInt("axis", 1)));
              dequantizeOut(g, "p");
            },
            "QLinearConcat node 'qcat' has 4 inputs (Y_scale, Y_zero_point, then X, X_scale,"
                + " X_zero_point per input)"),
        refusal(
            "a QLinearConcat of an image and a flattened one",
            "y",
            g -> {
              g.node(node("Flatten", "flatten", List.of("x_q"), List.of("f")));
              g.node(
                  node(
                      "com.microsoft",
                      "QLinearConcat",
                      "qcat",
                      List.of("s_out", "z_out", "x_q", "s_in", "z_in", "f", "s_in", "z_in"),
                      List.of("p"),
                      attrInt("axis", 1)));
              dequantizeOut(g, "p");
            },
            "unsupported ONNX QLinearConcat of tensors with different layouts or ranks at node"
                + " 'qcat'"),
        refusal(
            "a QLinearConcat of a constant",
            "y",
            g -> {
              g.node(
                  node(
                      "com.microsoft",
                      "QLinearConcat",
                      "qcat",
                      List.of("s_out", "z_out", "x_q", "s_in", "z_in", "w", "ws", "wz"),
                      List.of("p"),
                      attrInt("axis", 1)));
              dequantizeOut(g, "p");
            },
            "unsupported ONNX QLinearConcat of a constant input w where an activation is expected"
                + " at node 'qcat'"),
        refusal(
            "a channels-last QLinearAveragePool",
            "y",
            g -> {
              qlinearPool(g, "s_out", "z_out", attrInt("channels_last", 1));
              dequantizeOut(g, "p");
            },
            "unsupported ONNX QLinearAveragePool with channels_last 1 (only NCHW) at node"
                + " 'qpool'"),
        refusal(
            "a QLinearAveragePool to another quantization not counting its padding",
            "y",
            g -> {
              qlinearPool(g, "s_out", "z_out", attrInts("pads", 1, 1, 1, 1));
              dequantizeOut(g, "p");
            },
            "unsupported ONNX QLinearAveragePool changes the quantization (UINT8 scale 0.02"
                + " zero point 128 to UINT8 scale 0.1 zero point 3) with padding not counted"
                + " (count_include_pad 0): its border windows average fewer entries, and the"
                + " integer average pool keeps the quantization at node 'qpool'"),
        refusal(
            "a QLinearAveragePool from uint8 to int8",
            "y",
            g -> {
              g.initializer(integerScalar("z_i8", INT8, 0));
              qlinearPool(g, "s_out", "z_i8");
              g.node(node("DequantizeLinear", "", List.of("p", "s_out", "z_i8"), List.of("y")));
            },
            "unsupported ONNX QLinearAveragePool changes the type (UINT8 to INT8) at node 'qpool'"),
        refusal(
            "a QLinearAveragePool with ceil_mode",
            "y",
            g -> {
              qlinearPool(g, "s_in", "z_in", attrInt("ceil_mode", 1));
              g.node(node("DequantizeLinear", "", List.of("p", "s_in", "z_in"), List.of("y")));
            },
            "unsupported ONNX QLinearAveragePool with ceil_mode 1 at node 'qpool'"),
        refusal(
            "a Mul of two constants",
            "y",
            g -> {
              g.node(node("Mul", "mul", List.of("w_dq", "w_dq"), List.of("m")));
              quantizeOut(g, "m");
            },
            "unsupported ONNX Mul of two constants at node 'mul'"),
        refusal(
            "a Mul of activations of two shapes",
            "y",
            g -> {
              g.node(node("Flatten", "flatten", List.of("x_dq"), List.of("f")));
              g.node(node("Mul", "mul", List.of("x_dq", "f"), List.of("m")));
              quantizeOut(g, "m");
            },
            "unsupported ONNX Mul of shapes [1, 2, 4, 4] and [1, 32] (only two activations of one"
                + " shape, an [N,C,H,W] map and a [1,C,1,1] one, or an activation and a constant)"
                + " at node 'mul'"),
        refusal(
            "a Mul by a constant quantized per channel",
            "y",
            g -> {
              g.initializer(integers("k", INT8, new int[] {2, 1, 1}, 5, 7))
                  .initializer(floats("ks", new int[] {2}, 0.01f, 0.02f));
              g.node(
                  node(
                      "DequantizeLinear",
                      "",
                      List.of("k", "ks"),
                      List.of("k_dq"),
                      attrInt("axis", 0)));
              g.node(node("Mul", "mul", List.of("x_dq", "k_dq"), List.of("m")));
              quantizeOut(g, "m");
            },
            "unsupported ONNX Mul by the constant k quantized per channel (the integer Mul has one"
                + " scale and zero point per operand) at node 'mul'"),
        refusal(
            "a Mul by an int32 constant",
            "y",
            g -> {
              g.initializer(integers("k", INT32, new int[] {2, 1, 1}, 5, 7));
              g.node(node("DequantizeLinear", "", List.of("k", "ws"), List.of("k_dq")));
              g.node(node("Mul", "mul", List.of("x_dq", "k_dq"), List.of("m")));
              quantizeOut(g, "m");
            },
            "unsupported ONNX Mul by the int32 constant k at node 'mul'"),
        refusal(
            "a Mul by a constant along the width",
            "y",
            g -> {
              g.initializer(integers("k", INT8, new int[] {4}, 1, 2, 3, 4));
              g.node(node("DequantizeLinear", "", List.of("k", "ws"), List.of("k_dq")));
              g.node(node("Mul", "mul", List.of("x_dq", "k_dq"), List.of("m")));
              quantizeOut(g, "m");
            },
            "unsupported ONNX Mul by the constant k of shape [4] on [1, 2, 4, 4] (only a scalar or"
                + " one value per channel) at node 'mul'"),
        refusal(
            "a MatMul result read by its bias Add and another node",
            "y",
            g -> {
              matMul(g);
              g.initializer(floats("b", new int[] {3}, 0.1f, 0.2f, 0.3f));
              g.node(node("Add", "bias_add", List.of("mm", "b"), List.of("sum")));
              g.node(node("Add", "bias_add2", List.of("mm", "b"), List.of("sum2")));
              g.node(node("Add", "join", List.of("sum", "sum2"), List.of("both")));
              quantizeOut(g, "both");
            },
            "unsupported quantized ONNX pattern at node 'bias_add': the float result mm of node"
                + " 'linear' (MatMul) has 2 readers; its bias Add must be the only one"),
        refusal(
            "an Add of a constant that is not one value per output to a MatMul result",
            "y",
            g -> {
              matMul(g);
              g.initializer(floats("b", new int[] {3, 1}, 0.1f, 0.2f, 0.3f));
              g.node(node("Add", "bias_add", List.of("b", "mm"), List.of("sum")));
              quantizeOut(g, "sum");
            },
            "unsupported ONNX Add of the constant b of shape [3, 1] to the result of MatMul"
                + " 'linear' (only a bias of one value per output, [3]) at node 'bias_add'"),
        refusal(
            "an int32 bias Add at another scale than input × weight scale",
            "y",
            g -> {
              matMul(g);
              g.initializer(integers("b", INT32, new int[] {3}, 10, 20, 30))
                  .initializer(scalar("bs", 0.5f));
              g.node(node("DequantizeLinear", "", List.of("b", "bs"), List.of("b_dq")));
              g.node(node("Add", "bias_add", List.of("mm", "b_dq"), List.of("sum")));
              quantizeOut(g, "sum");
            },
            "unsupported ONNX bias b quantized with scale 0.5 and zero point 0 (channel 0), not"
                + " input scale × weight scale "),
        refusal(
            "an 8-bit quantized bias Add",
            "y",
            g -> {
              matMul(g);
              g.initializer(integers("b", INT8, new int[] {3}, 10, 20, 30));
              g.node(node("DequantizeLinear", "", List.of("b", "ws"), List.of("b_dq")));
              g.node(node("Add", "bias_add", List.of("mm", "b_dq"), List.of("sum")));
              quantizeOut(g, "sum");
            },
            "unsupported ONNX bias b that is not int32[3] at node 'bias_add'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("moreRefusals")
  void moreOperatorsAreRefusedInOneLineNamingTheNode(String what, byte[] model, String message) {
    isRefusedInOneLineNamingTheNode(what, model, message);
  }

  /** x_q → QLinearAveragePool 'qpool' (2×2, or as the attributes say) to (scale, zero point). */
  private static void qlinearPool(Graph g, String scale, String zeroPoint, Proto... attributes) {
    Proto[] all = java.util.Arrays.copyOf(attributes, attributes.length + 1);
    all[attributes.length] = attrInts("kernel_shape", 2, 2);
    g.node(
        node(
            "com.microsoft",
            "QLinearAveragePool",
            "qpool",
            List.of("x_q", "s_in", "z_in", scale, zeroPoint),
            List.of("p"),
            all));
  }

  /** Flatten of x_dq ([1, 32]) → MatMul 'linear' by int8 weights [32, 3] → "mm". */
  private static void matMul(Graph g) {
    g.initializer(integers("wm", INT8, new int[] {32, 3}, new int[96]));
    g.node(node("DequantizeLinear", "", List.of("wm", "ws", "wz"), List.of("wm_dq")));
    g.node(node("Flatten", "flatten", List.of("x_dq"), List.of("f")));
    g.node(node("MatMul", "linear", List.of("f", "wm_dq"), List.of("mm")));
  }

  /** p (integers at scale 0.1, zero point 3) → DequantizeLinear → y. */
  private static void dequantizeOut(Graph g, String p) {
    g.node(node("DequantizeLinear", "", List.of(p, "s_out", "z_out"), List.of("y")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void isRefusedInOneLineNamingTheNode(String what, byte[] model, String message) {
    var e =
        assertThrows(
            ModelFormatException.class,
            () -> OnnxImporter.lowerQuantized(OnnxImporter.parse(model), "t"));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertEquals(
        message,
        e.getMessage().substring(0, Math.min(e.getMessage().length(), message.length())),
        e.getMessage());
  }

  /** A graph whose input is not float: its scale and zero point would be unknown. */
  @org.junit.jupiter.api.Test
  void anIntegerInputIsRefused() {
    Graph g = new Graph(typedValueInfo("x", UINT8, 1, 2, 4, 4), valueInfo("y", 1, 2, 4, 4));
    g.initializer(scalar("s", 0.02f)).initializer(integerScalar("z", UINT8, 128));
    g.node(node("DequantizeLinear", "", List.of("x", "s", "z"), List.of("y")));
    var e =
        assertThrows(
            ModelFormatException.class,
            () -> OnnxImporter.lowerQuantized(OnnxImporter.parse(g.model(13)), "t"));
    assertEquals(
        "ONNX input x has type "
            + UINT8
            + "; a quantized ONNX model must take a float input and quantize it (QuantizeLinear)",
        e.getMessage());
  }

  /**
   * Truncated and byte-flipped quantized models (the QOperator fixture, whose com.microsoft
   * operators and int32 bias take other paths than the QDQ one) either import or fail with a
   * one-line ModelFormatException, through the same entry point as the command line.
   */
  @org.junit.jupiter.api.Test
  void corruptQuantizedModelsFailInOneLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    byte[] good = new QuantizedOnnxModels.QOperator(11).model();
    java.nio.file.Path file = dir.resolve("m.onnx");
    for (int cut : new int[] {1, 7, good.length / 3, good.length / 2, good.length - 1}) {
      java.nio.file.Files.write(file, java.util.Arrays.copyOf(good, cut));
      var e =
          assertThrows(ModelFormatException.class, () -> OnnxImporter.load(file), "cut at " + cut);
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
    var random = new java.util.Random(7);
    int imported = 0;
    for (int trial = 0; trial < 300; trial++) {
      byte[] b = good.clone();
      for (int k = 0; k < 3; k++) b[random.nextInt(b.length)] = (byte) random.nextInt(256);
      java.nio.file.Files.write(file, b);
      try {
        OnnxImporter.load(file); // a flipped weight byte is still a valid model
        imported++;
      } catch (ModelFormatException e) {
        assertFalse(e.getMessage().isBlank() || e.getMessage().contains("\n"), e.getMessage());
      }
    }
    assertTrue(imported > 0 && imported < 300, imported + " of 300 corrupted models imported");
  }

  /**
   * A graph whose float input no QuantizeLinear reads: the model input's quantization is unknown.
   */
  @org.junit.jupiter.api.Test
  void anInputNeverQuantizedIsRefused() {
    Graph g = new Graph(valueInfo("x", 1, 2, 4, 4), new Proto().string(1, "y"));
    g.initializer(integers("w", INT8, new int[] {2}, 1, 2)).initializer(scalar("s", 0.5f));
    g.node(node("DequantizeLinear", "", List.of("w", "s"), List.of("y")));
    var e =
        assertThrows(
            ModelFormatException.class,
            () -> OnnxImporter.lowerQuantized(OnnxImporter.parse(g.model(13)), "t"));
    assertEquals(
        "the float input of the quantized ONNX model is never quantized (no QuantizeLinear reads"
            + " it)",
        e.getMessage());
  }

  private static Arguments refusal(
      String what, String output, Consumer<Graph> body, String message) {
    Graph g = new Graph(valueInfo("x", 1, 2, 4, 4), new Proto().string(1, output));
    g.initializer(scalar("s_in", 0.02f)).initializer(integerScalar("z_in", UINT8, 128));
    g.initializer(scalar("s_out", 0.1f)).initializer(integerScalar("z_out", UINT8, 3));
    g.initializer(integers("w", INT8, new int[] {3, 2, 3, 3}, new int[54]))
        .initializer(scalar("ws", 0.005f))
        .initializer(integerScalar("wz", INT8, 0));
    g.node(node("QuantizeLinear", "", List.of("x", "s_in", "z_in"), List.of("x_q")));
    g.node(node("DequantizeLinear", "", List.of("x_q", "s_in", "z_in"), List.of("x_dq")));
    g.node(node("DequantizeLinear", "", List.of("w", "ws", "wz"), List.of("w_dq")));
    body.accept(g);
    return Arguments.of(what, g.model(13), message);
  }

  private static void conv(Graph g, String in, String out) {
    g.node(node("Conv", "conv", List.of(in, "w_dq"), List.of(out), attrInts("kernel_shape", 3, 3)));
  }

  private static void qlinearConv(Graph g, String in, String scale, String out) {
    g.node(
        node(
            "QLinearConv",
            "qconv",
            List.of(in, scale, "z_in", "w", "ws", "wz", "s_out", "z_out"),
            List.of(out),
            attrInts("kernel_shape", 3, 3)));
  }

  /** c → QuantizeLinear (scale 0.1, zero point 3) → DequantizeLinear → y. */
  private static void quantizeOut(Graph g, String c) {
    g.node(node("QuantizeLinear", "", List.of(c, "s_out", "z_out"), List.of(c + "_q")));
    g.node(node("DequantizeLinear", "", List.of(c + "_q", "s_out", "z_out"), List.of("y")));
  }
}
