package io.zkaudit.onnx;

import io.zkaudit.model.AveragePool;
import io.zkaudit.model.Concat;
import io.zkaudit.model.Conv2D;
import io.zkaudit.model.DepthwiseConv2D;
import io.zkaudit.model.ElementType;
import io.zkaudit.model.FixedPoint;
import io.zkaudit.model.FixedPoint.QuantizedMultiplier;
import io.zkaudit.model.FullyConnected;
import io.zkaudit.model.Layer;
import io.zkaudit.model.MaxPool;
import io.zkaudit.model.Mean;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.model.Pad;
import io.zkaudit.model.Padding;
import io.zkaudit.model.Requantization;
import io.zkaudit.model.Requantize;
import io.zkaudit.model.Reshape;
import io.zkaudit.model.Softmax;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.model.Unary;
import io.zkaudit.model.UnaryFunction;
import io.zkaudit.model.Window;
import io.zkaudit.onnx.OnnxModel.Node;
import io.zkaudit.onnx.OnnxModel.Tensor;
import io.zkaudit.onnx.OnnxShapes.Layout;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.tflite.QuantMath;
import io.zkaudit.tflite.TfliteQuantizedImporter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps an ONNX graph that is already quantized (onnxruntime's static quantization) to the integer
 * {@link QuantizedModel}, with the file's own scales and zero points and no calibration. Two
 * encodings exist, and a graph may mix them:
 *
 * <ul>
 *   <li><b>QDQ</b>: float operators (Conv, Gemm/MatMul, a MatMul's bias as a separate Add, Add,
 *       Mul, AveragePool, GlobalAveragePool, Concat, a final Softmax, Relu/Clip, and the
 *       elementwise Sigmoid, Tanh, HardSigmoid and HardSwish as 256-entry tables) whose inputs are
 *       DequantizeLinear outputs and whose result goes through a QuantizeLinear (ONNX operator
 *       specs QuantizeLinear and DequantizeLinear: real = scale·(q − zero_point), q =
 *       saturate(round(real / scale) + zero_point)). The pattern DQ(x), DQ(w) → op → [Relu|Clip] →
 *       Q(y) becomes one integer layer whose requantization is x_scale·w_scale/y_scale and whose
 *       clamp is the activation's interval in y's domain, as TFLite's fused activations. Data
 *       movement (MaxPool, Flatten, Reshape, Identity) commutes with dequantization and applies to
 *       the integers directly.
 *   <li><b>QOperator</b>: QLinearConv, QLinearMatMul (ONNX specs), QLinearAdd, QLinearMul,
 *       QLinearConcat, QLinearAveragePool, QLinearGlobalAveragePool and QLinearSigmoid
 *       (onnxruntime's com.microsoft contrib operators), integer MaxPool, Flatten and Reshape, with
 *       a QuantizeLinear at the input and a DequantizeLinear at the output.
 * </ul>
 *
 * <p>The ONNX specs round the real product once (ties to even); the engine's requantization is
 * TFLite's fixed point: convolutions and dense layers use the single-rounding variant, so they
 * differ from the spec only where the real product is (within 2^-31 relatively) a tie. Add and the
 * averages keep TFLite's pipelines (ADD within about 2^-18 of the real quotient; MEAN at another
 * output scale rounds the rescaled sum, then the division), which may differ on near-ties too.
 *
 * <p>Weights given in float behind a QuantizeLinear are folded into the integers it denotes. A
 * float bias is rounded to int32 at x_scale·w_scale, as onnxruntime's quantizer stores biases (ONNX
 * adds it unrounded; ONNX has no QuantizeLinear to int32 that would say the rounding in the graph).
 *
 * <p>As in {@link OnnxFloatImporter} activations of rank 4 are stored NHWC and weights are
 * reordered to match. The float model input is quantized by its QuantizeLinear's parameters (the
 * caller quantizes, as for a TFLite model's boundary QUANTIZE) and a final DequantizeLinear is left
 * to the caller. Anything the integer layers cannot express exactly (a float operator whose result
 * is used unquantized, per-channel activations, weights quantized along another axis than their
 * output channels, an operator between Q/DQ this importer does not fold) is refused with a one-line
 * {@link ModelFormatException} naming the node.
 */
final class OnnxQuantizedImporter {
  private static final float INF = Float.POSITIVE_INFINITY;

  /**
   * The operators (default domain, or com.microsoft for the QLinear* contrib ones) this importer
   * lowers.
   */
  static final Set<String> OPS =
      Set.of(
          "QuantizeLinear",
          "DequantizeLinear",
          "QLinearConv",
          "QLinearMatMul",
          "QLinearAdd",
          "QLinearGlobalAveragePool",
          "QLinearConcat",
          "QLinearAveragePool",
          "QLinearMul",
          "QLinearSigmoid",
          "Conv",
          "Gemm",
          "MatMul",
          "Add",
          "Mul",
          "Relu",
          "Clip",
          "MaxPool",
          "AveragePool",
          "GlobalAveragePool",
          "Flatten",
          "Reshape",
          "Concat",
          "Softmax",
          "Sigmoid",
          "Tanh",
          "HardSigmoid",
          "HardSwish",
          "Identity",
          "Constant",
          "Transpose",
          "ReduceMean");

  /** Whether a graph is quantized: it has a QuantizeLinear, DequantizeLinear or QLinear* node. */
  static boolean isQuantized(OnnxModel m) {
    for (Node n : m.graph().nodes()) {
      if (n.opType().equals("QuantizeLinear")
          || n.opType().equals("DequantizeLinear")
          || n.opType().startsWith("QLinear")) return true;
    }
    return false;
  }

  /**
   * An integer activation of the description: its tensor id, ONNX shape, storage and quantization.
   */
  private record Quant(
      int id,
      int[] onnxShape,
      Layout layout,
      int[] chw,
      float scale,
      int zeroPoint,
      ElementType type) {
    boolean sameQuantization(Quant o) {
      return scale == o.scale && zeroPoint == o.zeroPoint && type == o.type;
    }

    String quantization() {
      return type + " scale " + scale + " zero point " + zeroPoint;
    }
  }

  /** What an ONNX value name stands for while the graph is lowered. */
  private sealed interface Val permits FloatInput, Integers, Real, Pending {}

  /** The graph's float input before its QuantizeLinear. */
  private record FloatInput(String name, int[] onnxShape, Layout layout) implements Val {}

  /** Integers of the description: a QuantizeLinear's or QLinear* operator's output. */
  private record Integers(Quant q) implements Val {}

  /**
   * The real values scale·(q − zero point) of integers: a DequantizeLinear's output, or data
   * movement of one.
   */
  private record Real(Quant q) implements Val {}

  /**
   * A float operator's result that becomes an integer layer once a QuantizeLinear names its output
   * quantization; a Relu/Clip in between narrows [lo, hi].
   */
  private record Pending(
      Node producer, int[] onnxShape, Layout layout, float lo, float hi, Finisher finisher)
      implements Val {}

  /** Adds the layer(s) of a pending result, writing y with the given clamp (in y's domain). */
  @FunctionalInterface
  private interface Finisher {
    void finish(Node quantize, Quant y, int clampMin, int clampMax);
  }

  /**
   * Integer weights (or an int32 bias) with their quantization: a DequantizeLinear of an
   * initializer, or a QLinear* operand.
   */
  private record Weights(
      String name,
      long[] dims,
      int[] values,
      ElementType type,
      float[] scales,
      int[] zeroPoints,
      int axis) {
    boolean perChannel() {
      return scales.length > 1;
    }

    float scale(int channel) {
      return scales[scales.length == 1 ? 0 : channel];
    }

    int zeroPoint(int channel) {
      return zeroPoints[zeroPoints.length == 1 ? 0 : channel];
    }
  }

  private final OnnxModel model;
  private final List<TensorSpec> specs = new ArrayList<>();
  private final Map<Integer, int[]> constantValues = QuantizedModel.newConstants();
  private final List<Layer> layers = new ArrayList<>();
  private final List<Integer> inputs = new ArrayList<>();
  private final GraphIndex index;
  private final Map<String, Tensor> constants;
  private final Map<String, Weights> weights = new HashMap<>();
  private final Map<String, Val> values = new HashMap<>();

  /**
   * A MatMul's (or bias-less Gemm's) result: a following Add of a constant folds into it as its
   * bias; w is [O,K] when outputsFirst, else [K,O].
   */
  private record Unbiased(Node node, Quant x, Weights w, boolean outputsFirst) {}

  private final Map<String, Unbiased> unbiased = new HashMap<>();

  OnnxQuantizedImporter(OnnxModel model) {
    this.model = model;
    this.index = new GraphIndex(model.graph());
    this.constants = index.constants;
  }

  QuantizedModel lower(String name) {
    var g = model.graph();
    int floatInputs = 0;
    for (var in : index.dataInputs()) {
      if (in.elemType() != Tensor.FLOAT) {
        throw new ModelFormatException(
            "ONNX input "
                + in.name()
                + " has type "
                + in.elemType()
                + "; a quantized ONNX model must take a float input and quantize it"
                + " (QuantizeLinear)");
      }
      int[] shape = GraphIndex.fixedShape(in);
      Layout layout =
          OnnxShapes.channelsLastInput(g, in.name(), shape) ? Layout.PLAIN : Layout.of(shape);
      values.put(in.name(), new FloatInput(in.name(), shape, layout));
      floatInputs++;
    }
    if (floatInputs != 1)
      throw new ModelFormatException(
          "ONNX model has " + floatInputs + " inputs; exactly one is supported");
    for (Node n : NodeOrder.topological(g.nodes())) lower(n);
    if (inputs.isEmpty())
      throw new ModelFormatException(
          "the float input of the quantized ONNX model is never quantized (no QuantizeLinear reads"
              + " it)");
    List<Integer> outputs = new ArrayList<>();
    for (var o : g.outputs()) {
      Val v = values.get(o.name());
      Quant q =
          switch (v) {
            case Integers i -> i.q();
            case Real r -> r.q(); // the final DequantizeLinear is the caller's
            case null ->
                throw new ModelFormatException(
                    "ONNX output " + o.name() + " is not computed by any node");
            case Pending p ->
                throw new ModelFormatException(
                    "unsupported quantized ONNX pattern: output "
                        + o.name()
                        + " is the float result of node "
                        + p.producer().label()
                        + " ("
                        + p.producer().opType()
                        + "), never quantized (QuantizeLinear)");
            case FloatInput f ->
                throw new ModelFormatException(
                    "unsupported quantized ONNX pattern: output "
                        + o.name()
                        + " is the float input");
          };
      if (q.layout() == Layout.PLAIN && q.onnxShape().length == 4)
        throw new ModelFormatException(OnnxShapes.channelsLastOutput(o.name(), q.onnxShape()));
      if (q.layout() == Layout.FLAT_NHWC)
        throw new ModelFormatException(
            "unsupported ONNX output "
                + o.name()
                + ": a Flatten/Reshape of an [N,C,H,W] map with H·W > 1 is supported only when a"
                + " Gemm/MatMul consumes it");
      outputs.add(q.id());
    }
    return new QuantizedModel(
        new ModelDescription(name, specs, layers, inputs, outputs), constantValues);
  }

  // ------------------------------------------------------------------ nodes

  private void lower(Node n) {
    String domain = n.domain();
    boolean standard = domain.isEmpty() || domain.equals("ai.onnx");
    boolean contrib = domain.equals("com.microsoft") && n.opType().startsWith("QLinear");
    if (!standard && !contrib) throw unsupported(n, "operator " + domain + "." + n.opType());
    if (!OPS.contains(n.opType()))
      throw unsupported(n, "operator " + n.opType() + " in a quantized graph");
    if (n.outputs().isEmpty())
      throw new ModelFormatException("ONNX node " + n.label() + " has no output");
    switch (n.opType()) {
      case "Constant" -> {
        var a = n.attributes().get("value");
        if (a == null || a.t() == null) throw unsupported(n, "Constant without a tensor 'value'");
        constants.put(out(n), a.t());
      }
      case "Identity" -> identity(n);
      case "QuantizeLinear" -> quantize(n);
      case "DequantizeLinear" -> dequantize(n);
      case "Conv" -> {
        Quant x = real(n, 0);
        Weights w = weights(n, 1, 0);
        values.put(
            out(n),
            conv(
                n,
                x,
                w,
                n.inputs().size() > 2 && !n.inputs().get(2).isEmpty()
                    ? bias(n, 2, x, w, outChannels(w, 0))
                    : null));
      }
      case "QLinearConv" -> {
        Quant x = integersWith(n, 0, 1, 2);
        Weights w = rawWeights(n, 3, 4, 5, 0);
        int[] bias =
            n.inputs().size() > 8 && !n.inputs().get(8).isEmpty()
                ? int32Bias(n, 8, x, w, outChannels(w, 0))
                : null;
        finishNow(n, conv(n, x, w, bias), 6, 7);
      }
      case "Gemm" -> gemm(n);
      case "MatMul" -> matMul(n);
      case "QLinearMatMul" ->
          finishNow(
              n, dense(n, integersWith(n, 0, 1, 2), rawWeights(n, 3, 4, 5, 1), false, null), 6, 7);
      case "Add" -> addOrBias(n);
      case "Mul" -> values.put(out(n), mul(n, mulOperand(n, 0), mulOperand(n, 1)));
      case "QLinearMul" ->
          finishNow(n, mul(n, qlinearOperand(n, 0, 1, 2), qlinearOperand(n, 3, 4, 5)), 6, 7);
      case "QLinearAdd" ->
          finishNow(n, add(n, integersWith(n, 0, 1, 2), integersWith(n, 3, 4, 5)), 6, 7);
      case "Relu" -> clamp(n, 0f, INF);
      case "Clip" -> clip(n);
      case "MaxPool" -> maxPool(n);
      case "AveragePool" -> values.put(out(n), averagePool(n, real(n, 0)));
      case "GlobalAveragePool" -> values.put(out(n), mean(n, real(n, 0), null));
      case "QLinearGlobalAveragePool" -> {
        if (n.intAttr("channels_last", 0) != 0)
          throw unsupported(n, "QLinearGlobalAveragePool with channels_last 1 (only NCHW)");
        finishNow(n, mean(n, integersWith(n, 0, 1, 2), null), 3, 4);
      }
      case "Flatten", "Reshape" -> reshape(n);
      case "Transpose" -> transpose(n);
      case "ReduceMean" -> {
        Quant x = real(n, 0);
        values.put(
            out(n),
            mean(n, x, OnnxShapes.spatialMean(n, x.onnxShape(), x.layout(), this::constant)));
      }
      case "Concat" -> concat(n);
      case "QLinearConcat" -> qlinearConcat(n);
      case "QLinearAveragePool" -> qlinearAveragePool(n);
      case "Softmax" -> values.put(out(n), softmax(n, real(n, 0)));
      case "Sigmoid" -> values.put(out(n), unary(n, real(n, 0), UnaryFunction.SIGMOID, 0f, 0f));
      case "Tanh" -> values.put(out(n), unary(n, real(n, 0), UnaryFunction.TANH, 0f, 0f));
      case "HardSwish" ->
          values.put(out(n), unary(n, real(n, 0), UnaryFunction.HARD_SWISH, 0f, 0f));
      case "HardSigmoid" ->
          values.put(
              out(n),
              unary(
                  n,
                  real(n, 0),
                  UnaryFunction.HARD_SIGMOID,
                  n.floatAttr("alpha", 0.2f),
                  n.floatAttr("beta", 0.5f)));
      // X, X_scale, X_zero_point, Y_scale, Y_zero_point (onnxruntime's contrib operator).
      case "QLinearSigmoid" ->
          finishNow(n, unary(n, integersWith(n, 0, 1, 2), UnaryFunction.SIGMOID, 0f, 0f), 3, 4);
      default -> throw new IllegalStateException(n.opType() + " is in OPS but has no lowering");
    }
  }

  private void identity(Node n) {
    String in = n.inputs().isEmpty() ? "" : n.inputs().getFirst();
    if (constants.containsKey(in)) constants.put(out(n), constants.get(in));
    else if (weights.containsKey(in)) weights.put(out(n), weights.get(in));
    else
      values.put(
          out(n),
          switch (value(n, 0)) {
            case Integers i -> i;
            case Real r -> r;
            case Pending p -> throw pendingRead(n, p);
            case FloatInput f -> throw floatInputRead(n, f);
          });
  }

  /**
   * QuantizeLinear: of the float input, the model's input; of a pending result, its layer; of real
   * values, a requantization.
   */
  private void quantize(Node n) {
    Tensor constant = n.inputs().isEmpty() ? null : constants.get(n.inputs().getFirst());
    if (constant != null) {
      quantizeConstant(n, constant);
      return;
    }
    float scale = scalarScale(n, 1);
    ElementType type = zeroPointType(n, 2);
    int zp = zeroPoint(n, 2, type);
    switch (value(n, 0)) {
      case FloatInput f -> {
        if (!inputs.isEmpty())
          throw unsupported(
              n,
              "second QuantizeLinear of the float input "
                  + f.name()
                  + " (the model input is quantized once)");
        Quant q = quant(out(n), f.onnxShape(), f.layout(), null, scale, zp, type);
        inputs.add(q.id());
        values.put(out(n), new Integers(q));
      }
      case Pending p -> {
        requireSingleUse(n, p);
        Quant y = quant(out(n), p.onnxShape(), p.layout(), null, scale, zp, type);
        int[] clamp = QuantMath.activationRange(p.lo(), p.hi(), scale, zp, type);
        p.finisher().finish(n, y, clamp[0], clamp[1]);
        values.put(out(n), new Integers(y));
      }
      case Real r -> {
        Quant x = r.q();
        if (x.scale() == scale && x.zeroPoint() == zp && x.type() == type) {
          values.put(out(n), new Integers(x)); // Q(DQ(x)) with the same parameters is x
          return;
        }
        Quant y = quant(out(n), x.onnxShape(), x.layout(), x.chw(), scale, zp, type);
        requantize(name(n), x, y, type.min(), type.max());
        values.put(out(n), new Integers(y));
      }
      case Integers i ->
          throw unsupported(n, "QuantizeLinear of the integer tensor " + n.inputs().getFirst());
    }
  }

  /**
   * QuantizeLinear of a float initializer (weights kept in float and quantized in the graph):
   * folded into the integer constant it denotes, saturate(round half to even(v / scale) + zero
   * point), per tensor or per axis, which the DequantizeLinear after it reads as integer weights.
   */
  private void quantizeConstant(Node n, Tensor t) {
    if (t.dataType() != Tensor.FLOAT && t.dataType() != Tensor.DOUBLE)
      throw unsupported(n, "QuantizeLinear of the non-float constant " + t.name());
    if (n.intAttr("block_size", 0) != 0)
      throw unsupported(
          n, "blocked QuantizeLinear (block_size " + n.intAttr("block_size", 0) + ")");
    float[] scales = floats(constant(n, 1));
    boolean hasZeroPoint = n.inputs().size() > 2 && !n.inputs().get(2).isEmpty();
    ElementType type = hasZeroPoint ? integerType(n, constant(n, 2)) : zeroPointType(n, 2);
    int[] zps = hasZeroPoint ? ints(constant(n, 2)) : new int[] {0};
    int rank = t.dims().length;
    int axis = (int) n.intAttr("axis", 1);
    if (axis < 0) axis += rank;
    if (scales.length > 1 && (axis < 0 || axis >= rank || t.dims()[axis] != scales.length)) {
      throw new ModelFormatException(
          "QuantizeLinear node "
              + n.label()
              + " has "
              + scales.length
              + " scales along axis "
              + axis
              + " of "
              + Arrays.toString(t.dims()));
    }
    if (zps.length != 1 && zps.length != scales.length)
      throw unsupported(
          n, "QuantizeLinear with " + scales.length + " scales and " + zps.length + " zero points");
    for (float s : scales)
      if (!(s > 0) || Float.isInfinite(s)) throw unsupported(n, "QuantizeLinear with scale " + s);
    int inner = 1;
    for (int d = axis + 1; d < rank; d++) inner *= (int) t.dims()[d];
    double[] v = t.values(), q = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      int c = scales.length == 1 ? 0 : (i / inner) % scales.length;
      q[i] =
          Math.clamp(
              Math.rint(v[i] / scales[c]) + zps[zps.length == 1 ? 0 : c], type.min(), type.max());
    }
    int dataType =
        switch (type) {
          case UINT8 -> Tensor.UINT8;
          case INT8 -> Tensor.INT8;
          case INT32 -> Tensor.INT32;
        };
    constants.put(out(n), new Tensor(t.name(), t.dims(), dataType, q));
  }

  /**
   * DequantizeLinear: of an integer initializer, quantized weights; of integers, their real values.
   */
  private void dequantize(Node n) {
    String in = n.inputs().isEmpty() ? "" : n.inputs().getFirst();
    Tensor t = constants.get(in);
    if (n.intAttr("block_size", 0) != 0)
      throw unsupported(
          n, "blocked DequantizeLinear (block_size " + n.intAttr("block_size", 0) + ")");
    if (t != null) {
      ElementType type = integerType(n, t);
      float[] scales = floats(constant(n, 1));
      int[] zps =
          n.inputs().size() > 2 && !n.inputs().get(2).isEmpty()
              ? ints(constant(n, 2))
              : new int[] {0};
      if (zps.length != 1 && zps.length != scales.length)
        throw unsupported(
            n,
            "DequantizeLinear with "
                + scales.length
                + " scales and "
                + zps.length
                + " zero points");
      int rank = t.dims().length;
      int axis = (int) n.intAttr("axis", 1);
      if (axis < 0) axis += rank;
      if (scales.length > 1 && (axis < 0 || axis >= rank || t.dims()[axis] != scales.length)) {
        throw new ModelFormatException(
            "DequantizeLinear node "
                + n.label()
                + " has "
                + scales.length
                + " scales along axis "
                + axis
                + " of "
                + Arrays.toString(t.dims()));
      }
      for (float s : scales)
        if (!(s > 0) || Float.isInfinite(s))
          throw unsupported(n, "DequantizeLinear with scale " + s);
      weights.put(out(n), new Weights(t.name(), t.dims(), ints(t), type, scales, zps, axis));
      return;
    }
    switch (value(n, 0)) {
      case Integers i -> {
        Quant q = i.q();
        float scale = scalarScale(n, 1);
        int zp =
            n.inputs().size() > 2 && !n.inputs().get(2).isEmpty() ? zeroPoint(n, 2, q.type()) : 0;
        if (scale != q.scale() || zp != q.zeroPoint()) {
          throw unsupported(
              n,
              "DequantizeLinear with scale "
                  + scale
                  + " and zero point "
                  + zp
                  + " of "
                  + in
                  + ", which is quantized with scale "
                  + q.scale()
                  + " and zero point "
                  + q.zeroPoint());
        }
        values.put(out(n), new Real(q));
      }
      case Real r -> throw unsupported(n, "DequantizeLinear of the float tensor " + in);
      case Pending p -> throw pendingRead(n, p);
      case FloatInput f -> throw floatInputRead(n, f);
    }
  }

  /** Conv (2-d) as Conv2D (group 1) or DepthwiseConv2D (group = input channels). */
  private Pending conv(Node n, Quant x, Weights w, int[] bias) {
    requireLayout(n, x, Layout.NHWC);
    if (w.dims().length != 4)
      throw unsupported(
          n, n.opType() + " with " + w.dims().length + "-d weights (only 2-d convolutions)");
    int o = (int) w.dims()[0],
        cPerGroup = (int) w.dims()[1],
        kh = (int) w.dims()[2],
        kw = (int) w.dims()[3];
    int[] s = x.onnxShape();
    int c = s[1];
    long group = n.intAttr("group", 1);
    long[] ks = n.intsAttr("kernel_shape", new long[] {kh, kw});
    if (ks[0] != kh || ks[1] != kw)
      throw unsupported(
          n,
          n.opType() + " whose kernel_shape " + Arrays.toString(ks) + " differs from its weights");
    Window win = OnnxShapes.window(n, s[2], s[3], kh, kw, true);
    int[] out = {s[0], o, win.outputHeight(s[2]), win.outputWidth(s[3])};
    boolean depthwise;
    if (group == 1) {
      if (cPerGroup != c)
        throw new ModelFormatException(
            n.opType()
                + " node "
                + n.label()
                + " has weights for "
                + cPerGroup
                + " channels, its input has "
                + c);
      depthwise = false;
    } else if (group == c && cPerGroup == 1 && o % c == 0) {
      depthwise = true;
    } else {
      throw unsupported(
          n,
          "grouped "
              + n.opType()
              + " with group "
              + group
              + " on "
              + c
              + " channels (only 1 or depthwise)");
    }
    return new Pending(
        n,
        out,
        Layout.NHWC,
        -INF,
        INF,
        (q, y, lo, hi) -> {
          Requantization rq = requantization(n, x, w, y, o, lo, hi);
          int bid = bias == null ? -1 : biasTensor(n, bias, x, w, o);
          if (!depthwise) {
            int wid =
                weightTensor(
                    w,
                    new int[] {o, kh, kw, c},
                    0,
                    Layouts.permute(w.values(), Layouts.convWeightsOrder(o, c, kh, kw)));
            layers.add(
                new Conv2D(
                    name(n),
                    x.id(),
                    wid,
                    bid,
                    y.id(),
                    win,
                    x.zeroPoint(),
                    weightZeroPoints(w, o),
                    rq));
          } else {
            int wid =
                weightTensor(
                    w,
                    new int[] {1, kh, kw, o},
                    3,
                    Layouts.permute(w.values(), Layouts.depthwiseWeightsOrder(o, kh, kw)));
            layers.add(
                new DepthwiseConv2D(
                    name(n),
                    x.id(),
                    wid,
                    bid,
                    y.id(),
                    win,
                    o / c,
                    x.zeroPoint(),
                    weightZeroPoints(w, o),
                    rq));
          }
        });
  }

  private void gemm(Node n) {
    if (n.intAttr("transA", 0) != 0) throw unsupported(n, "Gemm with transA 1");
    if (n.floatAttr("alpha", 1f) != 1f || n.floatAttr("beta", 1f) != 1f)
      throw unsupported(n, "quantized Gemm with alpha or beta other than 1");
    boolean transB = n.intAttr("transB", 0) != 0;
    Quant x = real(n, 0);
    Weights w = weights(n, 1, transB ? 0 : 1);
    int[] bias = null;
    if (n.inputs().size() > 2 && !n.inputs().get(2).isEmpty())
      bias = bias(n, 2, x, w, outChannels(w, transB ? 0 : 1));
    values.put(out(n), dense(n, x, w, transB, bias));
    if (bias == null) unbiased.put(out(n), new Unbiased(n, x, w, transB));
  }

  /**
   * A FullyConnected layer; w is [O,K] when outputsFirst, else [K,O] (MatMul's and Gemm's transB
   * 0).
   */
  private Pending dense(Node n, Quant x, Weights w, boolean outputsFirst, int[] bias) {
    if (w.dims().length != 2 || x.onnxShape().length != 2)
      throw unsupported(n, n.opType() + " that is not [N,K]×[K,O] with constant weights");
    int o = (int) w.dims()[outputsFirst ? 0 : 1], k = (int) w.dims()[outputsFirst ? 1 : 0];
    if (k != x.onnxShape()[1])
      throw new ModelFormatException(
          n.opType()
              + " node "
              + n.label()
              + " has weights for "
              + k
              + " inputs, its input has "
              + x.onnxShape()[1]);
    int[] ok =
        outputsFirst ? w.values() : Layouts.permute(w.values(), Layouts.transposeOrder(k, o));
    if (x.layout() == Layout.FLAT_NHWC)
      ok =
          Layouts.permute(ok, Layouts.flattenedColumnsOrder(o, x.chw()[0], x.chw()[1], x.chw()[2]));
    int[] ordered = ok;
    return new Pending(
        n,
        new int[] {x.onnxShape()[0], o},
        Layout.PLAIN,
        -INF,
        INF,
        (q, y, lo, hi) -> {
          Requantization rq = requantization(n, x, w, y, o, lo, hi);
          int bid = bias == null ? -1 : biasTensor(n, bias, x, w, o);
          int wid = weightTensor(w, new int[] {o, k}, 0, ordered);
          layers.add(
              new FullyConnected(
                  name(n), x.id(), wid, bid, y.id(), x.zeroPoint(), weightZeroPoints(w, o), rq));
        });
  }

  /** Refuses an elementwise node whose two activations differ in shape or layout. */
  private static void requireOneShape(Node n, Quant a, Quant b, String supported) {
    if (!Arrays.equals(a.onnxShape(), b.onnxShape())
        || a.layout() != b.layout()
        || a.layout() == Layout.FLAT_NHWC) {
      throw unsupported(
          n,
          n.opType()
              + " of shapes "
              + Arrays.toString(a.onnxShape())
              + " and "
              + Arrays.toString(b.onnxShape())
              + " ("
              + supported
              + ")");
    }
  }

  /**
   * Whether {@code gate} is one value per channel of {@code map}: an NCHW [1, C, 1, 1] activation
   * and an NCHW [1, C, H, W] one, both stored NHWC, so that the engine's broadcast of the stored
   * [1, 1, 1, C] over [1, H, W, C] is ONNX's (a squeeze-and-excitation scale).
   */
  private static boolean perChannelOf(Quant gate, Quant map) {
    int[] g = gate.onnxShape(), m = map.onnxShape();
    return gate.layout() == Layout.NHWC
        && map.layout() == Layout.NHWC
        && g.length == 4
        && m.length == 4
        && g[0] == 1
        && m[0] == 1
        && g[1] == m[1]
        && g[2] == 1
        && g[3] == 1
        && (m[2] > 1 || m[3] > 1);
  }

  /** Add of two activations of one shape: TFLite's 8-bit ADD pipeline on the file's scales. */
  private Pending add(Node n, Quant a, Quant b) {
    requireOneShape(n, a, b, "only two activations of one shape");
    return new Pending(
        n,
        a.onnxShape(),
        a.layout(),
        -INF,
        INF,
        (q, y, lo, hi) ->
            layers.add(
                TfliteQuantizedImporter.add(
                    name(n),
                    a.id(),
                    b.id(),
                    y.id(),
                    a.scale(),
                    a.zeroPoint(),
                    b.scale(),
                    b.zeroPoint(),
                    y.scale(),
                    y.zeroPoint(),
                    lo,
                    hi)));
  }

  /**
   * Relu/Clip: narrows a pending result's clamp; of real values, a clamping requantization once
   * quantized.
   */
  private void clamp(Node n, float lo, float hi) {
    switch (value(n, 0)) {
      case Pending p -> {
        requireSingleUse(n, p);
        values.put(
            out(n),
            new Pending(
                p.producer(),
                p.onnxShape(),
                p.layout(),
                Math.max(lo, p.lo()),
                Math.min(hi, p.hi()),
                p.finisher()));
      }
      case Real r -> {
        Quant x = r.q();
        values.put(
            out(n),
            new Pending(
                n,
                x.onnxShape(),
                x.layout(),
                lo,
                hi,
                (q, y, cmin, cmax) -> requantize(name(n), x, y, cmin, cmax)));
      }
      case Integers i ->
          throw unsupported(
              n,
              n.opType()
                  + " of the integer tensor "
                  + n.inputs().getFirst()
                  + " (ONNX applies it to the stored integers, not to the real values they stand"
                  + " for)");
      case FloatInput f -> throw floatInputRead(n, f);
    }
  }

  private void clip(Node n) {
    OnnxShapes.Bounds b = OnnxShapes.clipBounds(n, model.opsetVersion(), this::constant);
    clamp(n, b.lo(), b.hi());
  }

  /**
   * MaxPool commutes with dequantization (scale > 0): it runs on the integers, for integer and real
   * inputs alike.
   */
  private void maxPool(Node n) {
    Val v = value(n, 0);
    Quant x = movable(n, v);
    requireLayout(n, x, Layout.NHWC);
    if (n.outputs().size() > 1 && !n.outputs().get(1).isEmpty())
      throw unsupported(n, "MaxPool with an Indices output");
    Window win = poolWindow(n, x);
    int[] s = x.onnxShape();
    Quant y =
        quant(
            out(n),
            new int[] {s[0], s[1], win.outputHeight(s[2]), win.outputWidth(s[3])},
            Layout.NHWC,
            null,
            x.scale(),
            x.zeroPoint(),
            x.type());
    layers.add(new MaxPool(name(n), x.id(), y.id(), win, x.type().min(), x.type().max()));
    values.put(out(n), v instanceof Real ? new Real(y) : new Integers(y));
  }

  /**
   * AveragePool of real values, quantized with the input's own scale and zero point (the integer
   * average pool's condition). count_include_pad 1 with padding averages over the whole window, the
   * padding counted as real zeros: a Pad with the zero point, then a VALID pool.
   */
  private Pending averagePool(Node n, Quant x) {
    requireLayout(n, x, Layout.NHWC);
    Window win = poolWindow(n, x);
    int[] s = x.onnxShape();
    int[] out = {s[0], s[1], win.outputHeight(s[2]), win.outputWidth(s[3])};
    boolean padAsZeros =
        n.intAttr("count_include_pad", 0) != 0 && !win.padding().equals(Padding.NONE);
    return new Pending(
        n,
        out,
        Layout.NHWC,
        -INF,
        INF,
        (q, y, lo, hi) -> {
          if (!y.sameQuantization(x)) {
            averageAtAnotherQuantization(n, q, x, win, y, lo, hi);
            return;
          }
          Quant in = x;
          Window w = win;
          if (padAsZeros) {
            Padding p = win.padding();
            in =
                quant(
                    out(n) + "/count_include_pad",
                    new int[] {
                      s[0], s[1], s[2] + p.top() + p.bottom(), s[3] + p.left() + p.right()
                    },
                    Layout.NHWC,
                    null,
                    x.scale(),
                    x.zeroPoint(),
                    x.type());
            layers.add(
                new Pad(
                    name(n) + "/count_include_pad",
                    x.id(),
                    in.id(),
                    List.of(0, p.top(), p.left(), 0),
                    List.of(0, p.bottom(), p.right(), 0),
                    x.zeroPoint()));
            w =
                new Window(
                    win.kernelH(), win.kernelW(), win.strideH(), win.strideW(), 1, 1, Padding.NONE);
          }
          layers.add(new AveragePool(name(n), in.id(), y.id(), w, lo, hi));
        });
  }

  /**
   * GlobalAveragePool as the integer Mean over H×W, rescaled from the input's scale to the
   * output's.
   */
  private Pending mean(Node n, Quant x, OnnxShapes.Shaped reduced) {
    if (reduced == null) requireLayout(n, x, Layout.NHWC);
    int[] s = x.onnxShape();
    return new Pending(
        n,
        reduced == null ? new int[] {s[0], s[1], 1, 1} : reduced.onnxShape(),
        reduced == null ? Layout.NHWC : reduced.layout(),
        -INF,
        INF,
        (q, y, lo, hi) -> {
          QuantizedMultiplier m =
              FixedPoint.quantizeMultiplier((double) x.scale() / (double) y.scale());
          layers.add(
              new Mean(
                  name(n),
                  x.id(),
                  y.id(),
                  x.zeroPoint(),
                  m.multiplier(),
                  m.shift(),
                  y.zeroPoint(),
                  lo,
                  hi));
        });
  }

  private Window poolWindow(Node n, Quant x) {
    long[] ks = n.intsAttr("kernel_shape", null);
    if (ks == null || ks.length != 2)
      throw unsupported(n, n.opType() + " without a 2-d kernel_shape");
    if (n.intAttr("ceil_mode", 0) != 0) throw unsupported(n, n.opType() + " with ceil_mode 1");
    return OnnxShapes.window(
        n, x.onnxShape()[2], x.onnxShape()[3], (int) ks[0], (int) ks[1], false);
  }

  /**
   * Flatten (axis 1) and Reshape move data only: they apply to the integers, keeping the
   * quantization.
   */
  private void reshape(Node n) {
    Val v = value(n, 0);
    Quant x = movable(n, v);
    int[] s = x.onnxShape();
    int[] target;
    if (n.opType().equals("Flatten")) {
      int axis = (int) n.intAttr("axis", 1);
      if (axis < 0) axis += s.length;
      if (axis != 1) throw unsupported(n, "Flatten with axis " + axis + " (only 1)");
      int rest = 1;
      for (int i = 1; i < s.length; i++) rest *= s[i];
      target = new int[] {s[0], rest};
    } else {
      target = OnnxShapes.reshapeTarget(n, s, constant(n, 1));
    }
    Quant y;
    if (x.layout() == Layout.PLAIN && target.length != 4) {
      y = quant(out(n), target, Layout.PLAIN, null, x.scale(), x.zeroPoint(), x.type());
    } else if (x.layout() == Layout.NHWC && target.length == 2 && target[0] == s[0]) {
      // a spatial map flattens in NHWC order: only a Gemm/MatMul, whose weight columns are
      // permuted, may read it
      boolean spatial = s[2] * s[3] > 1;
      y =
          quant(
              out(n),
              target,
              spatial ? Layout.FLAT_NHWC : Layout.PLAIN,
              spatial ? new int[] {s[1], s[2], s[3]} : null,
              x.scale(),
              x.zeroPoint(),
              x.type());
    } else {
      throw unsupported(
          n,
          n.opType()
              + " of "
              + Arrays.toString(s)
              + " to "
              + Arrays.toString(target)
              + " (only flattening an image to [N, C·H·W])");
    }
    layers.add(new Reshape(name(n), x.id(), y.id()));
    values.put(out(n), v instanceof Real ? new Real(y) : new Integers(y));
  }

  /**
   * Concat of real values, quantized by its QuantizeLinear: inputs quantized otherwise are
   * requantized first (the integer Concat joins values of one quantization). Of integers, all must
   * already share one.
   */
  private void concat(Node n) {
    List<Quant> ins = new ArrayList<>();
    boolean real = false;
    for (int i = 0; i < n.inputs().size(); i++) {
      Val v = value(n, i);
      if (i > 0 && (v instanceof Real) != real)
        throw unsupported(n, "Concat of integer and real (dequantized) tensors");
      real = v instanceof Real;
      ins.add(movable(n, v));
    }
    Quant first = ins.getFirst();
    for (Quant q : ins) {
      if (q.layout() != first.layout() || q.layout() == Layout.FLAT_NHWC) {
        throw unsupported(n, "Concat of tensors with different layouts or ranks");
      }
    }
    OnnxShapes.Joined concatenated =
        OnnxShapes.concat(n, ins.stream().map(Quant::onnxShape).toList());
    int[] out = concatenated.shape();
    int storedAxis = OnnxShapes.storedAxis(concatenated.axis(), first.layout());
    if (!real) {
      for (Quant q : ins) {
        if (!q.sameQuantization(first))
          throw unsupported(
              n,
              "Concat of integer tensors quantized differently ("
                  + first.quantization()
                  + ", "
                  + q.quantization()
                  + ")");
      }
      Quant y =
          quant(out(n), out, first.layout(), null, first.scale(), first.zeroPoint(), first.type());
      layers.add(new Concat(name(n), ins.stream().map(Quant::id).toList(), y.id(), storedAxis));
      values.put(out(n), new Integers(y));
      return;
    }
    values.put(
        out(n),
        new Pending(
            n,
            out,
            first.layout(),
            -INF,
            INF,
            (q, y, lo, hi) -> {
              if (lo != y.type().min() || hi != y.type().max())
                throw unsupported(n, "Relu/Clip after a Concat (clamp its inputs instead)");
              concatLayers(n, ins, y, storedAxis);
            }));
  }

  /**
   * The Concat of real values quantized at y: each input quantized otherwise is requantized to y's
   * parameters first (the integer Concat joins values of one quantization).
   */
  private void concatLayers(Node n, List<Quant> ins, Quant y, int storedAxis) {
    List<Integer> joined = new ArrayList<>();
    for (int i = 0; i < ins.size(); i++) {
      Quant x = ins.get(i);
      if (x.sameQuantization(y)) {
        joined.add(x.id());
        continue;
      }
      Quant moved =
          quant(
              out(n) + "/requantized " + i,
              x.onnxShape(),
              x.layout(),
              null,
              y.scale(),
              y.zeroPoint(),
              y.type());
      requantize(name(n) + "/requantize " + i, x, moved, y.type().min(), y.type().max());
      joined.add(moved.id());
    }
    layers.add(new Concat(name(n), joined, y.id(), storedAxis));
  }

  /**
   * Softmax over the class axis of real values, quantized by its QuantizeLinear (onnxruntime's QDQ
   * Softmax: scale 1/256): the final Softmax layer, computed in real numbers from the logits.
   */
  private Pending softmax(Node n, Quant x) {
    int rank = x.onnxShape().length;
    long axis = n.intAttr("axis", model.opsetVersion() >= 13 || model.opsetVersion() < 0 ? -1 : 1);
    if (axis < 0) axis += rank;
    if (x.layout() == Layout.FLAT_NHWC)
      throw unsupported(
          n, "Softmax of a flattened [N,C,H,W] map with H·W > 1 (stored in NHWC order)");
    if (x.layout() != Layout.PLAIN || axis != rank - 1) {
      throw unsupported(
          n,
          "Softmax over axis "
              + axis
              + " of a rank-"
              + rank
              + " tensor (only the last axis of a matrix)");
    }
    return new Pending(
        n,
        x.onnxShape(),
        x.layout(),
        -INF,
        INF,
        (q, y, lo, hi) -> {
          if (lo != y.type().min() || hi != y.type().max())
            throw unsupported(n, "Relu/Clip after a Softmax");
          layers.add(new Softmax(name(n), x.id(), y.id(), 1f));
        });
  }

  /**
   * An elementwise function of 8-bit reals (DQ(x) → Sigmoid | Tanh | HardSigmoid | HardSwish →
   * Q(y)): one {@link Unary} layer, the real function rounded once into y's quantization by its
   * 256-entry table. A Relu/Clip between the function and its QuantizeLinear is refused (the table
   * has no clamp of its own).
   */
  private Pending unary(Node n, Quant x, UnaryFunction f, float alpha, float beta) {
    if (!x.type().isByte())
      throw unsupported(n, n.opType() + " of " + x.type() + " values (8-bit only)");
    return new Pending(
        n,
        x.onnxShape(),
        x.layout(),
        -INF,
        INF,
        (q, y, lo, hi) -> {
          if (lo != y.type().min() || hi != y.type().max())
            throw unsupported(n, "Relu/Clip after a " + n.opType());
          if (!y.type().isByte())
            throw unsupported(n, n.opType() + " quantized to " + y.type() + " (8-bit only)");
          layers.add(new Unary(name(n), x.id(), y.id(), f, alpha, beta));
        });
  }

  // ------------------------------------------------------------------ issue 18: more operators

  /**
   * QLinearConcat (com.microsoft): inputs Y_scale, Y_zero_point, then (X, X_scale, X_zero_point)
   * for each joined tensor; every X's real values quantized at Y's parameters and joined along
   * axis. As for a QDQ Concat, an input quantized otherwise is requantized first.
   */
  private void qlinearConcat(Node n) {
    int size = n.inputs().size();
    if (size < 5 || (size - 2) % 3 != 0)
      throw new ModelFormatException(
          "QLinearConcat node "
              + n.label()
              + " has "
              + size
              + " inputs (Y_scale, Y_zero_point, then X, X_scale, X_zero_point per input)");
    List<Quant> ins = new ArrayList<>();
    for (int i = 2; i < size; i += 3) ins.add(integersWith(n, i, i + 1, i + 2));
    Quant first = ins.getFirst();
    for (Quant q : ins) {
      if (q.layout() != first.layout() || q.layout() == Layout.FLAT_NHWC)
        throw unsupported(n, "QLinearConcat of tensors with different layouts or ranks");
    }
    OnnxShapes.Joined joined = OnnxShapes.concat(n, ins.stream().map(Quant::onnxShape).toList());
    int storedAxis = OnnxShapes.storedAxis(joined.axis(), first.layout());
    finishNow(
        n,
        new Pending(
            n,
            joined.shape(),
            first.layout(),
            -INF,
            INF,
            (q, y, lo, hi) -> concatLayers(n, ins, y, storedAxis)),
        0,
        1);
  }

  /**
   * QLinearAveragePool (com.microsoft, NCHW): inputs X, x_scale, x_zero_point, y_scale,
   * y_zero_point; the average of the window's real values quantized at y, as a QDQ AveragePool (see
   * {@link #averageAtAnotherQuantization} when y's quantization is not x's).
   */
  private void qlinearAveragePool(Node n) {
    if (n.intAttr("channels_last", 0) != 0)
      throw unsupported(n, "QLinearAveragePool with channels_last 1 (only NCHW)");
    finishNow(n, averagePool(n, integersWith(n, 0, 1, 2)), 3, 4);
  }

  /**
   * An average pool whose output q quantizes otherwise than its input x. The integer AveragePool
   * keeps the quantization, and a pool then a requantization would round twice. When every window
   * averages the same number n of entries (no padding, or count_include_pad 1) it is a depthwise
   * convolution with weights 1 and requantization x_scale/(n·y_scale), rounded once as the spec:
   * padding taps are skipped, which is adding the real zero count_include_pad counts. Padding not
   * counted (border windows of fewer entries) is refused, and so is a change of type.
   */
  private void averageAtAnotherQuantization(
      Node n, Node q, Quant x, Window win, Quant y, int lo, int hi) {
    String what = n.opType() + (q == n ? "" : " whose QuantizeLinear " + q.label());
    if (!win.padding().equals(Padding.NONE) && n.intAttr("count_include_pad", 0) == 0) {
      throw unsupported(
          n,
          what
              + " changes the quantization ("
              + x.quantization()
              + " to "
              + y.quantization()
              + ") with padding not counted (count_include_pad 0): its border windows average"
              + " fewer entries, and the integer average pool keeps the quantization");
    }
    if (y.type() != x.type())
      throw unsupported(n, what + " changes the type (" + x.type() + " to " + y.type() + ")");
    int c = x.onnxShape()[1], count = win.kernelH() * win.kernelW();
    int[] ones = new int[count * c];
    Arrays.fill(ones, 1);
    int wid =
        constantTensor(
            TensorSpec.of(
                name(n) + "/window",
                List.of(1, win.kernelH(), win.kernelW(), c),
                ElementType.INT8,
                1f / count,
                0,
                true),
            ones);
    QuantizedMultiplier m =
        FixedPoint.quantizeMultiplier((double) x.scale() / ((double) count * (double) y.scale()));
    Requantization rq =
        new Requantization(List.of(m.multiplier()), List.of(m.shift()), y.zeroPoint(), lo, hi)
            .withSingleRounding();
    layers.add(
        new DepthwiseConv2D(
            name(n), x.id(), wid, -1, y.id(), win, 1, x.zeroPoint(), List.of(0), rq));
  }

  /** A Mul operand: an activation, or a constant (quantized weights) broadcast against it. */
  private record Operand(Quant activation, Weights constant) {}

  /** A QDQ Mul's input i: a DequantizeLinear of an integer initializer, or of an activation. */
  private Operand mulOperand(Node n, int i) {
    if (i < n.inputs().size() && weights.containsKey(n.inputs().get(i)))
      return new Operand(null, weights.get(n.inputs().get(i)));
    return new Operand(real(n, i), null);
  }

  /**
   * QLinearMul's operand at input i with its scale and zero point inputs: integers, or an integer
   * initializer quantized by them.
   */
  private Operand qlinearOperand(Node n, int i, int scaleInput, int zeroPointInput) {
    if (i < n.inputs().size() && constants.containsKey(n.inputs().get(i))) {
      Tensor t = constant(n, i);
      ElementType type = integerType(n, t);
      return new Operand(
          null,
          new Weights(
              t.name(),
              t.dims(),
              ints(t),
              type,
              new float[] {scalarScale(n, scaleInput)},
              new int[] {zeroPoint(n, zeroPointInput, type)},
              0));
    }
    return new Operand(integersWith(n, i, scaleInput, zeroPointInput), null);
  }

  /**
   * Mul of real values (QDQ Mul, com.microsoft's QLinearMul) as the integer Mul, clamp((a − za)(b −
   * zb)·a_scale·b_scale/y_scale + zy) in TFLite's fixed point: of two activations of one shape, of
   * a map and one value per channel ({@link #perChannelOf}, either order), or of an activation and
   * a constant quantized per tensor that is a scalar (stored as one value per channel) or one value
   * per channel ([C,1,1] or [1,C,1,1] for an image, [K] for a matrix).
   */
  private Pending mul(Node n, Operand a, Operand b) {
    if (a.constant() != null && b.constant() != null)
      throw unsupported(n, n.opType() + " of two constants");
    int aId, bId;
    Quant x;
    float aScale, bScale;
    int aZeroPoint, bZeroPoint;
    if (a.constant() == null && b.constant() == null) {
      Quant qa = a.activation(), qb = b.activation();
      // The output has the map's shape: the operand the other one is not a per-channel gate of.
      if (perChannelOf(qa, qb)) {
        x = qb;
      } else {
        if (!perChannelOf(qb, qa)) {
          requireOneShape(
              n,
              qa,
              qb,
              "only two activations of one shape, an [N,C,H,W] map and a [1,C,1,1] one, or an"
                  + " activation and a constant");
        }
        x = qa;
      }
      aId = qa.id();
      bId = qb.id();
      aScale = qa.scale();
      bScale = qb.scale();
      aZeroPoint = qa.zeroPoint();
      bZeroPoint = qb.zeroPoint();
    } else {
      boolean constantFirst = a.constant() != null;
      x = constantFirst ? b.activation() : a.activation();
      Weights c = constantFirst ? a.constant() : b.constant();
      int cid = mulConstant(n, x, c);
      aId = constantFirst ? cid : x.id();
      bId = constantFirst ? x.id() : cid;
      aScale = constantFirst ? c.scale(0) : x.scale();
      bScale = constantFirst ? x.scale() : c.scale(0);
      aZeroPoint = constantFirst ? c.zeroPoint(0) : x.zeroPoint();
      bZeroPoint = constantFirst ? x.zeroPoint() : c.zeroPoint(0);
    }
    int ia = aId, ib = bId, za = aZeroPoint, zb = bZeroPoint;
    double product = (double) aScale * (double) bScale;
    return new Pending(
        n,
        x.onnxShape(),
        x.layout(),
        -INF,
        INF,
        (q, y, lo, hi) -> {
          QuantizedMultiplier m = FixedPoint.quantizeMultiplier(product / (double) y.scale());
          layers.add(
              new io.zkaudit.model.Mul(
                  name(n),
                  ia,
                  ib,
                  y.id(),
                  za,
                  zb,
                  m.multiplier(),
                  m.shift(),
                  y.zeroPoint(),
                  lo,
                  hi));
        });
  }

  /**
   * The description tensor of a Mul's constant: one value per stored channel (the last stored
   * axis), a scalar repeated over them.
   */
  private int mulConstant(Node n, Quant x, Weights c) {
    if (c.perChannel() || c.zeroPoints().length != 1)
      throw unsupported(
          n,
          n.opType()
              + " by the constant "
              + c.name()
              + " quantized per channel (the integer Mul has one scale and zero point per"
              + " operand)");
    if (c.type() == ElementType.INT32)
      throw unsupported(n, n.opType() + " by the int32 constant " + c.name());
    int[] s = x.onnxShape();
    int channels = x.layout() == Layout.NHWC ? s[1] : s[s.length - 1];
    long[] dims = c.dims();
    int[] values;
    if (c.values().length == 1) {
      values = new int[channels];
      Arrays.fill(values, c.values()[0]);
    } else {
      // ONNX broadcasting aligns the constant's dims with the activation's last ones: one value
      // per channel is [C,1,1] (or with leading 1s) for an image, [K] for a matrix
      boolean perChannel = dims.length <= s.length && c.values().length == channels;
      int channelAxis = x.layout() == Layout.NHWC ? 1 : s.length - 1;
      for (int d = 0; perChannel && d < dims.length; d++) {
        int axis = s.length - dims.length + d;
        perChannel = dims[d] == (axis == channelAxis ? channels : 1);
      }
      if (!perChannel || x.layout() == Layout.FLAT_NHWC)
        throw unsupported(
            n,
            n.opType()
                + " by the constant "
                + c.name()
                + " of shape "
                + Arrays.toString(dims)
                + " on "
                + Arrays.toString(s)
                + " (only a scalar or one value per channel)");
      values = c.values();
    }
    return constantTensor(
        TensorSpec.of(c.name(), List.of(values.length), c.type(), c.scale(0), c.zeroPoint(0), true),
        values);
  }

  /** QDQ MatMul: a FullyConnected layer; a following Add of a constant may still give its bias. */
  private void matMul(Node n) {
    Quant x = real(n, 0);
    Weights w = weights(n, 1, 1);
    values.put(out(n), dense(n, x, w, false, null));
    unbiased.put(out(n), new Unbiased(n, x, w, false));
  }

  /**
   * QDQ Add: of two activations, TFLite's ADD; of a MatMul's (or bias-less Gemm's) float result
   * (read by nothing else) and a constant, its bias (PyTorch's Linear exported unfused). The
   * constant must be one value per output ([O] or [1, O]): an int32 DequantizeLinear at scale
   * x_scale·w_scale (exact), or float values rounded to int32 there as a Gemm's float bias.
   */
  private void addOrBias(Node n) {
    for (int i = 0; i < 2 && n.inputs().size() == 2; i++) {
      String result = n.inputs().get(i), other = n.inputs().get(1 - i);
      Unbiased mm = unbiased.get(result);
      if (mm == null
          || !(values.get(result) instanceof Pending)
          || !(constants.containsKey(other) || weights.containsKey(other))) continue;
      if (!index.readOnce(result))
        throw new ModelFormatException(
            "unsupported quantized ONNX pattern at node "
                + n.label()
                + ": the float result "
                + result
                + " of node "
                + mm.node().label()
                + " ("
                + mm.node().opType()
                + ") has "
                + index.uses.getOrDefault(result, 0)
                + " readers; its bias Add must be the only one");
      int outputs = (int) mm.w().dims()[mm.outputsFirst() ? 0 : 1];
      long[] dims =
          constants.containsKey(other) ? constants.get(other).dims() : weights.get(other).dims();
      boolean vector = dims.length >= 1 && dims[dims.length - 1] == outputs;
      for (int d = 0; d < dims.length - 1; d++) vector &= dims[d] == 1;
      if (!vector || dims.length > 2)
        throw unsupported(
            n,
            "Add of the constant "
                + other
                + " of shape "
                + Arrays.toString(dims)
                + " to the result of "
                + mm.node().opType()
                + " "
                + mm.node().label()
                + " (only a bias of one value per output, ["
                + outputs
                + "])");
      int[] bias = bias(n, 1 - i, mm.x(), mm.w(), outputs);
      values.put(out(n), dense(mm.node(), mm.x(), mm.w(), mm.outputsFirst(), bias));
      return;
    }
    values.put(out(n), add(n, real(n, 0), real(n, 1)));
  }

  // ------------------------------------------------------------------ layers' parameters

  /**
   * A QLinear* operator's result: its output is quantized by its own y_scale (input ys) and
   * y_zero_point (input yzp).
   */
  private void finishNow(Node n, Pending p, int ys, int yzp) {
    float scale = scalarScale(n, ys);
    ElementType type = zeroPointType(n, yzp);
    Quant y = quant(out(n), p.onnxShape(), p.layout(), null, scale, zeroPoint(n, yzp, type), type);
    p.finisher().finish(n, y, type.min(), type.max());
    values.put(out(n), new Integers(y));
  }

  /**
   * The requantization of a convolution or dense layer: per output channel
   * x_scale·w_scale[c]/y_scale (computed in double from the float32 scales, as TFLite's Prepare
   * does), rounded once as the ONNX specs' round(acc · x_scale·w_scale/y_scale).
   */
  private Requantization requantization(
      Node n, Quant x, Weights w, Quant y, int channels, int lo, int hi) {
    List<Integer> mult = new ArrayList<>(), shift = new ArrayList<>();
    for (int c = 0; c < (w.perChannel() ? channels : 1); c++) {
      QuantizedMultiplier m =
          FixedPoint.quantizeMultiplier(
              (double) x.scale() * (double) w.scale(c) / (double) y.scale());
      mult.add(m.multiplier());
      shift.add(m.shift());
    }
    return new Requantization(mult, shift, y.zeroPoint(), lo, hi).withSingleRounding();
  }

  private void requantize(String name, Quant x, Quant y, int lo, int hi) {
    QuantizedMultiplier m = FixedPoint.quantizeMultiplier((double) x.scale() / (double) y.scale());
    layers.add(
        new Requantize(
            name, x.id(), y.id(), x.zeroPoint(), m.multiplier(), m.shift(), y.zeroPoint(), lo, hi));
  }

  private static List<Integer> weightZeroPoints(Weights w, int channels) {
    List<Integer> z = new ArrayList<>();
    for (int c = 0; c < (w.zeroPoints().length == 1 ? 1 : channels); c++) z.add(w.zeroPoint(c));
    return z;
  }

  private int weightTensor(Weights w, int[] shape, int channelDim, int[] values) {
    int n = w.perChannel() ? w.scales().length : 1;
    List<Float> scales = new ArrayList<>();
    List<Integer> zps = new ArrayList<>();
    for (int c = 0; c < n; c++) {
      scales.add(w.scale(c));
      zps.add(w.zeroPoint(c));
    }
    return constantTensor(
        new TensorSpec(w.name(), toList(shape), w.type(), scales, zps, channelDim, true), values);
  }

  private int biasTensor(Node n, int[] bias, Quant x, Weights w, int channels) {
    List<Float> scales = new ArrayList<>();
    List<Integer> zps = new ArrayList<>();
    for (int c = 0; c < (w.perChannel() ? channels : 1); c++) {
      scales.add(x.scale() * w.scale(c));
      zps.add(0);
    }
    return constantTensor(
        new TensorSpec(
            name(n) + "/bias", List.of(channels), ElementType.INT32, scales, zps, 0, true),
        bias);
  }

  /**
   * A QDQ bias as int32 at scale x_scale·w_scale[c]: a DequantizeLinear of an int32 initializer
   * must already have that scale and zero point 0 (onnxruntime's quantizer writes it so); a float
   * initializer is rounded to it, half to even, as that quantizer does. ONNX adds a float bias
   * unrounded: the rounding moves the accumulator by at most half a step of x_scale·w_scale, so an
   * output may differ by one from ONNX's where it lies within 0.5·x_scale·w_scale/y_scale of a tie.
   */
  private int[] bias(Node n, int i, Quant x, Weights w, int channels) {
    String name = n.inputs().get(i);
    Weights q = weights.get(name);
    if (q != null) {
      if (q.type() != ElementType.INT32 || q.values().length != channels)
        throw unsupported(n, "bias " + q.name() + " that is not int32[" + channels + "]");
      for (int c = 0; c < channels; c++) {
        double expected = (double) x.scale() * w.scale(c);
        if (q.zeroPoint(c) != 0 || Math.abs(q.scale(c) - expected) > 1e-6 * expected) {
          throw unsupported(
              n,
              "bias "
                  + q.name()
                  + " quantized with scale "
                  + q.scale(c)
                  + " and zero point "
                  + q.zeroPoint(c)
                  + " (channel "
                  + c
                  + "), not input scale × weight scale "
                  + (float) expected
                  + " and 0");
        }
      }
      return q.values();
    }
    Tensor t = constant(n, i);
    if (t.dataType() != Tensor.FLOAT && t.dataType() != Tensor.DOUBLE)
      throw unsupported(
          n, "bias " + name + " of type " + t.dataType() + " without a DequantizeLinear");
    if (t.size() != channels)
      throw unsupported(
          n,
          "bias "
              + name
              + " of shape "
              + Arrays.toString(t.dims())
              + " (only one per output channel)");
    int[] b = new int[channels];
    for (int c = 0; c < channels; c++) {
      double v = Math.rint(t.values()[c] / ((double) x.scale() * w.scale(c)));
      if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)
        throw unsupported(n, "bias " + name + " beyond int32 at its scale");
      b[c] = (int) v;
    }
    return b;
  }

  /** QLinearConv's int32 bias B (its scale is x_scale·w_scale by the spec). */
  private int[] int32Bias(Node n, int i, Quant x, Weights w, int channels) {
    Tensor t = constant(n, i);
    if (t.dataType() != Tensor.INT32 || t.size() != channels)
      throw unsupported(n, "QLinearConv bias " + t.name() + " that is not int32[" + channels + "]");
    return ints(t);
  }

  private static int outChannels(Weights w, int axis) {
    return w.dims().length > axis ? (int) w.dims()[axis] : 0;
  }

  /**
   * The weights a QDQ node reads at input i: a DequantizeLinear of an integer initializer,
   * per-tensor or per channel along outputAxis (the output channels) only.
   */
  private Weights weights(Node n, int i, int outputAxis) {
    if (i >= n.inputs().size() || n.inputs().get(i).isEmpty())
      throw new ModelFormatException(n.opType() + " node " + n.label() + " lacks input " + i);
    String name = n.inputs().get(i);
    Weights w = weights.get(name);
    if (w == null) {
      if (constants.containsKey(name))
        throw unsupported(
            n,
            n.opType()
                + " with float weights "
                + name
                + " in a quantized graph (only DequantizeLinear of integer weights)");
      throw unsupported(
          n,
          n.opType()
              + " whose weights "
              + name
              + " are computed (only DequantizeLinear of integer initializers)");
    }
    return checkWeights(n, w, outputAxis);
  }

  /**
   * A QLinear* operator's weights: the integer initializer at input i with its scale and zero point
   * inputs.
   */
  private Weights rawWeights(Node n, int i, int scaleInput, int zeroPointInput, int outputAxis) {
    Tensor t = constant(n, i);
    ElementType type = integerType(n, t);
    float[] scales = floats(constant(n, scaleInput));
    int[] zps = ints(constant(n, zeroPointInput));
    if (zps.length != 1 && zps.length != scales.length)
      throw unsupported(
          n,
          n.opType()
              + " with "
              + scales.length
              + " weight scales and "
              + zps.length
              + " zero points");
    return checkWeights(
        n,
        new Weights(
            t.name(), t.dims(), ints(t), type, scales, zps, scales.length > 1 ? outputAxis : 0),
        outputAxis);
  }

  private static Weights checkWeights(Node n, Weights w, int outputAxis) {
    if (w.type() == ElementType.INT32)
      throw unsupported(n, n.opType() + " with int32 weights " + w.name());
    if (w.perChannel()
        && (w.axis() != outputAxis
            || w.dims().length <= outputAxis
            || w.dims()[outputAxis] != w.scales().length)) {
      throw unsupported(
          n,
          n.opType()
              + " with weights "
              + w.name()
              + " quantized per channel along axis "
              + w.axis()
              + " (only along the output channels, axis "
              + outputAxis
              + ")");
    }
    for (int c = 0; c < w.zeroPoints().length; c++) {
      if (w.zeroPoints()[c] < w.type().min() || w.zeroPoints()[c] > w.type().max())
        throw unsupported(n, n.opType() + " weight zero point " + w.zeroPoints()[c]);
    }
    return w;
  }

  // ------------------------------------------------------------------ values

  private Val value(Node n, int i) {
    if (i >= n.inputs().size() || n.inputs().get(i).isEmpty())
      throw new ModelFormatException(n.opType() + " node " + n.label() + " lacks input " + i);
    String name = n.inputs().get(i);
    Val v = values.get(name);
    if (v != null) return v;
    if (constants.containsKey(name) || weights.containsKey(name)) {
      throw unsupported(
          n, n.opType() + " of a constant input " + name + " where an activation is expected");
    }
    throw new ModelFormatException(
        n.opType() + " node " + n.label() + " reads " + name + ", which no earlier node computes");
  }

  /** The integers behind the real input i of a QDQ float operator (a DequantizeLinear output). */
  private Quant real(Node n, int i) {
    return switch (value(n, i)) {
      case Real r -> r.q();
      case Integers q ->
          throw unsupported(
              n,
              n.opType()
                  + " of the integer tensor "
                  + n.inputs().get(i)
                  + " (only of DequantizeLinear outputs)");
      case Pending p -> throw pendingRead(n, p);
      case FloatInput f -> throw floatInputRead(n, f);
    };
  }

  /**
   * A QLinear* operator's integer input i, whose given scale and zero point inputs must be its
   * quantization.
   */
  private Quant integersWith(Node n, int i, int scaleInput, int zeroPointInput) {
    Quant q =
        switch (value(n, i)) {
          case Integers v -> v.q();
          case Real r ->
              throw unsupported(
                  n,
                  n.opType() + " of the float tensor " + n.inputs().get(i) + " (only of integers)");
          case Pending p -> throw pendingRead(n, p);
          case FloatInput f -> throw floatInputRead(n, f);
        };
    float scale = scalarScale(n, scaleInput);
    int zp = zeroPoint(n, zeroPointInput, q.type());
    if (scale != q.scale() || zp != q.zeroPoint()) {
      throw unsupported(
          n,
          n.opType()
              + " reading "
              + n.inputs().get(i)
              + " with scale "
              + scale
              + " and zero point "
              + zp
              + ", which is quantized with scale "
              + q.scale()
              + " and zero point "
              + q.zeroPoint());
    }
    return q;
  }

  /**
   * A Transpose between channels-last and channels-first ({@link OnnxShapes#transposed}): the same
   * integers (or the float input, before its QuantizeLinear) under the other layout.
   */
  private void transpose(Node n) {
    Val v = value(n, 0);
    if (v instanceof FloatInput f) {
      OnnxShapes.Shaped t = OnnxShapes.transposed(n, f.onnxShape(), f.layout());
      values.put(out(n), new FloatInput(f.name(), t.onnxShape(), t.layout()));
      return;
    }
    Quant x = movable(n, v);
    OnnxShapes.Shaped t = OnnxShapes.transposed(n, x.onnxShape(), x.layout());
    Quant y =
        new Quant(
            x.id(),
            t.onnxShape(),
            t.layout(),
            t.layout() == x.layout() ? x.chw() : null,
            x.scale(),
            x.zeroPoint(),
            x.type());
    values.put(out(n), v instanceof Real ? new Real(y) : new Integers(y));
  }

  /** The integers of a data-movement operator's input, integer or real alike. */
  private Quant movable(Node n, Val v) {
    return switch (v) {
      case Integers i -> i.q();
      case Real r -> r.q();
      case Pending p -> throw pendingRead(n, p);
      case FloatInput f -> throw floatInputRead(n, f);
    };
  }

  private void requireSingleUse(Node n, Pending p) {
    String name = n.inputs().getFirst();
    int readers = index.uses.getOrDefault(name, 0);
    if (!index.readOnce(name)) {
      throw new ModelFormatException(
          "unsupported quantized ONNX pattern at node "
              + n.label()
              + ": the float result "
              + name
              + " of node "
              + p.producer().label()
              + " ("
              + p.producer().opType()
              + ") has "
              + readers
              + " readers; each float result must be quantized once");
    }
  }

  private static void requireLayout(Node n, Quant x, Layout layout) {
    if (x.layout() != layout)
      throw unsupported(
          n, n.opType() + " of a rank-" + x.onnxShape().length + " tensor (only [N,C,H,W] images)");
  }

  private static ModelFormatException pendingRead(Node n, Pending p) {
    return new ModelFormatException(
        "unsupported quantized ONNX pattern at node "
            + n.label()
            + " ("
            + n.opType()
            + "): it reads the float result of node "
            + p.producer().label()
            + " ("
            + p.producer().opType()
            + "), which only Relu, Clip or QuantizeLinear may follow");
  }

  private static ModelFormatException floatInputRead(Node n, FloatInput f) {
    return new ModelFormatException(
        "unsupported quantized ONNX pattern at node "
            + n.label()
            + " ("
            + n.opType()
            + "): it reads the float input "
            + f.name()
            + ", which only a QuantizeLinear may read");
  }

  // ------------------------------------------------------------------ constants

  private Tensor constant(Node n, int i) {
    if (i >= n.inputs().size() || n.inputs().get(i).isEmpty())
      throw new ModelFormatException(n.opType() + " node " + n.label() + " lacks input " + i);
    Tensor t = constants.get(n.inputs().get(i));
    if (t == null)
      throw unsupported(n, n.opType() + " whose input " + n.inputs().get(i) + " is not a constant");
    return t;
  }

  /** A per-tensor scale (activations are quantized per tensor). */
  private float scalarScale(Node n, int i) {
    Tensor t = constant(n, i);
    if (t.size() != 1)
      throw unsupported(
          n, n.opType() + " with " + t.size() + " scales for an activation (only per-tensor)");
    float s = (float) t.values()[0];
    if (!(s > 0) || Float.isInfinite(s)) throw unsupported(n, n.opType() + " with scale " + s);
    return s;
  }

  /**
   * The element type a zero point input gives (uint8 when absent, or QuantizeLinear's
   * output_dtype).
   */
  private ElementType zeroPointType(Node n, int i) {
    if (i >= n.inputs().size() || n.inputs().get(i).isEmpty()) {
      return n.intAttr("output_dtype", Tensor.UINT8) == Tensor.INT8
          ? ElementType.INT8
          : ElementType.UINT8;
    }
    Tensor t = constant(n, i);
    ElementType type = integerType(n, t);
    if (type == ElementType.INT32)
      throw unsupported(n, n.opType() + " to int32 (only uint8 and int8 activations)");
    return type;
  }

  private int zeroPoint(Node n, int i, ElementType type) {
    if (i >= n.inputs().size() || n.inputs().get(i).isEmpty()) return 0;
    Tensor t = constant(n, i);
    if (t.size() != 1)
      throw unsupported(
          n, n.opType() + " with " + t.size() + " zero points for an activation (only per-tensor)");
    if (integerType(n, t) != type)
      throw unsupported(
          n, n.opType() + " with a zero point of another type than its tensor's " + type);
    return (int) t.values()[0];
  }

  private static ElementType integerType(Node n, Tensor t) {
    return switch (t.dataType()) {
      case Tensor.UINT8 -> ElementType.UINT8;
      case Tensor.INT8 -> ElementType.INT8;
      case Tensor.INT32 -> ElementType.INT32;
      default ->
          throw unsupported(
              n,
              n.opType()
                  + " of tensor "
                  + t.name()
                  + " with data type "
                  + t.dataType()
                  + " (only uint8, int8, int32)");
    };
  }

  private static float[] floats(Tensor t) {
    return t.floats();
  }

  private static int[] ints(Tensor t) {
    double[] v = t.values();
    int[] r = new int[v.length];
    for (int i = 0; i < r.length; i++) r[i] = (int) v[i];
    return r;
  }

  // ------------------------------------------------------------------ tensors

  private Quant quant(
      String name,
      int[] onnxShape,
      Layout layout,
      int[] chw,
      float scale,
      int zeroPoint,
      ElementType type) {
    for (int d : onnxShape)
      if (d <= 0)
        throw new ModelFormatException(
            "ONNX tensor " + name + " would have shape " + Arrays.toString(onnxShape));
    int[] stored = layout.storedShape(onnxShape);
    specs.add(TensorSpec.of(name, toList(stored), type, scale, zeroPoint, false));
    return new Quant(specs.size() - 1, onnxShape, layout, chw, scale, zeroPoint, type);
  }

  private int constantTensor(TensorSpec spec, int[] values) {
    specs.add(spec);
    constantValues.put(specs.size() - 1, values);
    return specs.size() - 1;
  }

  private static List<Integer> toList(int[] a) {
    return Arrays.stream(a).boxed().toList();
  }

  private static String out(Node n) {
    return n.outputs().getFirst();
  }

  private static String name(Node n) {
    return n.name().isEmpty() ? out(n) : n.name();
  }

  private static ModelFormatException unsupported(Node n, String what) {
    return OnnxShapes.unsupported(n, what);
  }
}
