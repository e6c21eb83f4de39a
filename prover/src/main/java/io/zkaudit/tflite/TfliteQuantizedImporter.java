package io.zkaudit.tflite;

import io.zkaudit.model.Add;
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
import io.zkaudit.model.Mul;
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
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.tflite.TfliteModel.Operator;
import io.zkaudit.tflite.TfliteModel.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowers a quantized (uint8 per-tensor or int8 per-channel) TFLite graph to a {@link
 * QuantizedModel}, deriving every integer parameter the way TFLite's kernels do in their Prepare
 * step (QuantizeMultiplier on double-precision scale ratios, activation ranges, the 8-bit ADD
 * pipeline with left shift 20). A float-input QUANTIZE at the start and a DEQUANTIZE at the end are
 * left out: they convert at the model boundary, outside the integer arithmetic.
 */
public final class TfliteQuantizedImporter {
  private final TfliteModel tf;
  private final List<TensorSpec> specs = new ArrayList<>();
  private final Map<Integer, Integer> idOf =
      new HashMap<>(); // TFLite tensor index -> description id
  private final Map<Integer, int[]> constants = QuantizedModel.newConstants();
  private final List<Layer> layers = new ArrayList<>();
  private final Map<Integer, Integer> alias =
      new HashMap<>(); // boundary QUANTIZE/DEQUANTIZE: tensor -> tensor

  private TfliteQuantizedImporter(TfliteModel tf) {
    this.tf = tf;
  }

  static QuantizedModel lower(TfliteModel tf, String name) {
    try {
      return new TfliteQuantizedImporter(tf).run(name);
    } catch (ModelFormatException e) {
      throw e;
    } catch (
        RuntimeException e) { // inconsistent values in a file that parsed: still the file's fault
      throw new ModelFormatException("corrupt TFLite model: " + e);
    }
  }

  private QuantizedModel run(String name) {
    for (Operator op : tf.operators()) lowerOp(op);
    List<Integer> inputs = new ArrayList<>();
    for (int i : tf.inputs()) inputs.add(id(resolve(i)));
    List<Integer> outputs = new ArrayList<>();
    for (int o : tf.outputs()) outputs.add(id(resolve(o)));
    ModelDescription d = new ModelDescription(name, specs, layers, inputs, outputs);
    return new QuantizedModel(d, constants);
  }

  private int resolve(int tensor) {
    Integer a = alias.get(tensor);
    return a == null ? tensor : a;
  }

  private String node(Operator op) {
    return "#"
        + op.index()
        + " ("
        + (op.outputs().length > 0 ? tf.tensors().get(op.outputs()[0]).name() : "?")
        + ")";
  }

  /**
   * The builtin operators this importer lowers (docs/models.md's op table is checked against it).
   */
  static final java.util.Set<Integer> OPS =
      java.util.Set.of(
          TfliteOps.CONV_2D,
          TfliteOps.DEPTHWISE_CONV_2D,
          TfliteOps.FULLY_CONNECTED,
          TfliteOps.ADD,
          TfliteOps.MUL,
          TfliteOps.AVERAGE_POOL_2D,
          TfliteOps.MAX_POOL_2D,
          TfliteOps.MEAN,
          TfliteOps.RESHAPE,
          TfliteOps.SQUEEZE,
          TfliteOps.SOFTMAX,
          TfliteOps.PAD,
          TfliteOps.CONCATENATION,
          TfliteOps.QUANTIZE,
          TfliteOps.DEQUANTIZE,
          TfliteOps.RELU,
          TfliteOps.RELU6,
          TfliteOps.RELU_N1_TO_1,
          TfliteOps.LOGISTIC,
          TfliteOps.TANH,
          TfliteOps.HARD_SWISH);

  private void lowerOp(Operator op) {
    String node = node(op);
    String opName = TfliteOps.name(op.builtinCode());
    FlatTable o = op.options();
    if (!OPS.contains(op.builtinCode())) {
      throw unsupported(
          op.builtinCode() == 32 ? "custom operator " + op.customCode() : opName, node);
    }
    switch (op.builtinCode()) {
      case TfliteOps.CONV_2D -> {
        Tensor in = t(op, 0), w = t(op, 1), out = out(op);
        int kh = w.shape()[1], kw = w.shape()[2];
        int pad = optB(o, 0, 0),
            sw = optI(o, 1, 1),
            sh = optI(o, 2, 1),
            act = optB(o, 3, 0),
            dw = optI(o, 4, 1),
            dh = optI(o, 5, 1);
        Window win = window(in, kh, kw, sh, sw, dh, dw, pad, node);
        layers.add(
            new Conv2D(
                node,
                id(op.inputs()[0]),
                constId(op.inputs()[1]),
                biasId(op),
                id(op.outputs()[0]),
                win,
                zp(in),
                weightZeroPoints(w),
                requant(op.builtinCode(), in, w, out, act, node)));
      }
      case TfliteOps.DEPTHWISE_CONV_2D -> {
        Tensor in = t(op, 0), w = t(op, 1), out = out(op);
        int kh = w.shape()[1], kw = w.shape()[2];
        int pad = optB(o, 0, 0),
            sw = optI(o, 1, 1),
            sh = optI(o, 2, 1),
            act = optB(o, 4, 0),
            dw = optI(o, 5, 1),
            dh = optI(o, 6, 1);
        if (in.shape().length != 4 || w.shape()[3] % in.shape()[3] != 0)
          throw unsupported(opName + " with weights " + java.util.Arrays.toString(w.shape()), node);
        int dm = w.shape()[3] / in.shape()[3];
        Window win = window(in, kh, kw, sh, sw, dh, dw, pad, node);
        layers.add(
            new DepthwiseConv2D(
                node,
                id(op.inputs()[0]),
                constId(op.inputs()[1]),
                biasId(op),
                id(op.outputs()[0]),
                win,
                dm,
                zp(in),
                weightZeroPoints(w),
                requant(op.builtinCode(), in, w, out, act, node)));
      }
      case TfliteOps.FULLY_CONNECTED -> {
        Tensor in = t(op, 0), w = t(op, 1), out = out(op);
        if (optB(o, 1, 0) != 0) throw unsupported("FULLY_CONNECTED with shuffled weights", node);
        Requantization rq = requant(op.builtinCode(), in, w, out, optB(o, 0, 0), node);
        // TFLite's int8 FULLY_CONNECTED reference kernel rounds once (checked against TFLite 2.21
        // on ResNet-8).
        layers.add(
            new FullyConnected(
                node,
                id(op.inputs()[0]),
                constId(op.inputs()[1]),
                biasId(op),
                id(op.outputs()[0]),
                zp(in),
                weightZeroPoints(w),
                type(out, node) == ElementType.INT8 ? rq.withSingleRounding() : rq));
      }
      case TfliteOps.ADD -> {
        Tensor a = t(op, 0), b = t(op, 1), out = out(op);
        int[] clamp = clamp(out, optB(o, 0, 0), node);
        layers.add(
            add(
                node,
                operand(op.inputs()[0]),
                operand(op.inputs()[1]),
                id(op.outputs()[0]),
                scale(a),
                zp(a),
                scale(b),
                zp(b),
                scale(out),
                zp(out),
                clamp[0],
                clamp[1]));
      }
      case TfliteOps.MUL -> {
        Tensor a = t(op, 0), b = t(op, 1), out = out(op);
        // mul.cc Prepare computes the real multiplier in float32, then widens it.
        QuantizedMultiplier m =
            FixedPoint.quantizeMultiplier((double) (scale(a) * scale(b) / scale(out)));
        int[] clamp = clamp(out, optB(o, 0, 0), node);
        layers.add(
            new Mul(
                node,
                operand(op.inputs()[0]),
                operand(op.inputs()[1]),
                id(op.outputs()[0]),
                zp(a),
                zp(b),
                m.multiplier(),
                m.shift(),
                zp(out),
                clamp[0],
                clamp[1]));
      }
      case TfliteOps.AVERAGE_POOL_2D, TfliteOps.MAX_POOL_2D -> {
        Tensor in = t(op, 0), out = out(op);
        requireSameQuantization(in, out, opName, node);
        int pad = optB(o, 0, 0),
            sw = optI(o, 1, 1),
            sh = optI(o, 2, 1),
            fw = optI(o, 3, 1),
            fh = optI(o, 4, 1);
        Window win = window(in, fh, fw, sh, sw, 1, 1, pad, node);
        int[] clamp = clamp(out, optB(o, 5, 0), node);
        layers.add(
            op.builtinCode() == TfliteOps.AVERAGE_POOL_2D
                ? new AveragePool(
                    node, id(op.inputs()[0]), id(op.outputs()[0]), win, clamp[0], clamp[1])
                : new MaxPool(
                    node, id(op.inputs()[0]), id(op.outputs()[0]), win, clamp[0], clamp[1]));
      }
      case TfliteOps.MEAN -> {
        Tensor in = t(op, 0), out = out(op);
        int[] axes = tf.tensors().get(op.inputs()[1]).ints();
        if (in.shape().length != 4
            || axes.length != 2
            || Math.min(axes[0], axes[1]) != 1
            || Math.max(axes[0], axes[1]) != 2) {
          throw unsupported(
              "MEAN over axes "
                  + java.util.Arrays.toString(axes)
                  + " (only the spatial axes 1,2 of NHWC)",
              node);
        }
        QuantizedMultiplier m =
            FixedPoint.quantizeMultiplier((double) scale(in) / (double) scale(out));
        ElementType type = type(out, node);
        layers.add(
            new Mean(
                node,
                id(op.inputs()[0]),
                id(op.outputs()[0]),
                zp(in),
                m.multiplier(),
                m.shift(),
                zp(out),
                type.min(),
                type.max()));
      }
      case TfliteOps.RESHAPE, TfliteOps.SQUEEZE -> {
        requireSameQuantization(t(op, 0), out(op), opName, node);
        layers.add(new Reshape(node, id(op.inputs()[0]), id(op.outputs()[0])));
      }
      case TfliteOps.SOFTMAX -> {
        float beta = o == null ? 1f : o.floatField(0, 1f);
        layers.add(new Softmax(node, id(op.inputs()[0]), id(op.outputs()[0]), beta));
      }
      // A 256-entry table computed as TFLite's own 8-bit kernels compute it (TFLITE_ functions:
      // float32 lookup tables for LOGISTIC and TANH, the 16-bit fixed-point reference kernel for
      // HARD_SWISH; docs/models.md, "Elementwise functions").
      case TfliteOps.LOGISTIC, TfliteOps.TANH, TfliteOps.HARD_SWISH -> {
        Tensor in = t(op, 0), out = out(op);
        for (Tensor x : List.of(in, out)) {
          ElementType type = type(x, node);
          if (!type.isByte()) throw unsupported(opName + " of " + type + " tensors", node);
          if (x.scales().length != 1)
            throw unsupported(opName + " with per-channel quantization", node);
        }
        UnaryFunction f =
            switch (op.builtinCode()) {
              case TfliteOps.LOGISTIC -> UnaryFunction.TFLITE_LOGISTIC;
              case TfliteOps.TANH -> UnaryFunction.TFLITE_TANH;
              default -> UnaryFunction.TFLITE_HARD_SWISH;
            };
        layers.add(Unary.of(node, id(op.inputs()[0]), id(op.outputs()[0]), f));
      }
      case TfliteOps.PAD -> {
        Tensor in = t(op, 0), out = out(op);
        requireSameQuantization(in, out, opName, node);
        int[] p = tf.tensors().get(op.inputs()[1]).ints();
        if (p.length != 2 * in.shape().length)
          throw new ModelFormatException(
              "PAD at node " + node + " has " + p.length + " padding values");
        List<Integer> before = new ArrayList<>(), after = new ArrayList<>();
        for (int d = 0; d < in.shape().length; d++) {
          before.add(p[2 * d]);
          after.add(p[2 * d + 1]);
        }
        layers.add(new Pad(node, id(op.inputs()[0]), id(op.outputs()[0]), before, after, zp(out)));
      }
      case TfliteOps.CONCATENATION -> {
        Tensor out = out(op);
        int axis = optI(o, 0, 0);
        if (axis < 0) axis += out.shape().length;
        if (optB(o, 1, 0) != 0) throw unsupported("CONCATENATION with a fused activation", node);
        List<Integer> ins = new ArrayList<>();
        for (int k = 0; k < op.inputs().length; k++) {
          requireSameQuantization(t(op, k), out, opName, node);
          ins.add(operand(op.inputs()[k]));
        }
        layers.add(new Concat(node, ins, id(op.outputs()[0]), axis));
      }
      case TfliteOps.QUANTIZE,
          TfliteOps.DEQUANTIZE,
          TfliteOps.RELU,
          TfliteOps.RELU6,
          TfliteOps.RELU_N1_TO_1 ->
          convert(op, node, opName);
      default -> throw new IllegalStateException(opName + " is in OPS but has no lowering");
    }
  }

  /** QUANTIZE / DEQUANTIZE / standalone RELU: at the boundary an alias, inside a requantization. */
  private void convert(Operator op, String node, String opName) {
    Tensor in = t(op, 0), out = out(op);
    int inIdx = op.inputs()[0], outIdx = op.outputs()[0];
    boolean inFloat = in.type() == TfliteModel.DataType.FLOAT32,
        outFloat = out.type() == TfliteModel.DataType.FLOAT32;
    if (op.builtinCode() == TfliteOps.QUANTIZE && inFloat && tf.inputs().contains(inIdx)) {
      alias.put(inIdx, outIdx); // the float input is quantized by the caller's preprocessing
      return;
    }
    if (op.builtinCode() == TfliteOps.DEQUANTIZE && outFloat && tf.outputs().contains(outIdx)) {
      alias.put(outIdx, inIdx); // the caller dequantizes the integer output
      return;
    }
    if (inFloat || outFloat)
      throw unsupported(opName + " between float and integer inside the graph", node);
    float[] interval =
        switch (op.builtinCode()) {
          case TfliteOps.RELU -> QuantMath.activationInterval(TfliteOps.ACT_RELU, node);
          case TfliteOps.RELU6 -> QuantMath.activationInterval(TfliteOps.ACT_RELU6, node);
          case TfliteOps.RELU_N1_TO_1 ->
              QuantMath.activationInterval(TfliteOps.ACT_RELU_N1_TO_1, node);
          default -> QuantMath.activationInterval(TfliteOps.ACT_NONE, node);
        };
    ElementType type = type(out, node);
    int[] clamp = QuantMath.activationRange(interval[0], interval[1], scale(out), zp(out), type);
    QuantizedMultiplier m = FixedPoint.quantizeMultiplier((double) scale(in) / (double) scale(out));
    layers.add(
        new Requantize(
            node,
            id(inIdx),
            id(outIdx),
            zp(in),
            m.multiplier(),
            m.shift(),
            zp(out),
            clamp[0],
            clamp[1]));
  }

  // ------------------------------------------------------------------ parameters

  private Requantization requant(int kind, Tensor in, Tensor w, Tensor out, int act, String node) {
    List<Integer> mult = new ArrayList<>(), shift = new ArrayList<>();
    int n = w.scales().length;
    int qd = w.quantizedDimension();
    if (n == 0 || (n > 1 && (qd < 0 || qd >= w.shape().length || w.shape()[qd] != n))) {
      throw new ModelFormatException(
          "weights of node " + node + " have " + n + " scales that do not match their shape");
    }
    // TFLite's uint8 convolutions and every per-tensor FULLY_CONNECTED take their multiplier from
    // GetQuantizedConvolutionMultipler (kernels/kernel_util.cc), which multiplies the input and
    // weight scales in float32 before widening to double; int8 convolutions and per-channel dense
    // layers use the per-channel path, all in double (docs/models.md, "Bit-exactness").
    boolean float32Product =
        n == 1 && (type(in, node) == ElementType.UINT8 || kind == TfliteOps.FULLY_CONNECTED);
    for (int c = 0; c < n; c++) {
      double product =
          float32Product
              ? (double) (scale(in) * w.scales()[c])
              : (double) scale(in) * (double) w.scales()[c];
      double effective = product / (double) scale(out);
      QuantizedMultiplier q = FixedPoint.quantizeMultiplier(effective);
      mult.add(q.multiplier());
      shift.add(q.shift());
    }
    int[] clamp = clamp(out, act, node);
    return new Requantization(mult, shift, zp(out), clamp[0], clamp[1]);
  }

  private int[] clamp(Tensor out, int act, String node) {
    float[] interval = QuantMath.activationInterval(act, node);
    return QuantMath.activationRange(
        interval[0], interval[1], scale(out), zp(out), type(out, node));
  }

  /**
   * TFLite's 8-bit ADD parameters (add.cc Prepare): left shift 20, inputs rescaled to twice the
   * larger input scale.
   */
  public static Add add(
      String node,
      int a,
      int b,
      int out,
      float sa,
      int za,
      float sb,
      int zb,
      float so,
      int zo,
      int lo,
      int hi) {
    int leftShift = 20;
    double twiceMax = 2 * Math.max(sa, sb); // float max, doubled exactly, as in TFLite
    QuantizedMultiplier ma = smallerThanOne(sa / twiceMax, node);
    QuantizedMultiplier mb = smallerThanOne(sb / twiceMax, node);
    QuantizedMultiplier mo = smallerThanOne(twiceMax / (double) ((1 << leftShift) * so), node);
    return new Add(
        node,
        a,
        b,
        out,
        za,
        zb,
        leftShift,
        ma.multiplier(),
        ma.shift(),
        mb.multiplier(),
        mb.shift(),
        mo.multiplier(),
        mo.shift(),
        zo,
        lo,
        hi);
  }

  private static QuantizedMultiplier smallerThanOne(double real, String node) {
    QuantizedMultiplier q = FixedPoint.quantizeMultiplier(real);
    if (q.shift() > 0)
      throw new ModelFormatException(
          "ADD at node " + node + " needs a multiplier below one, got " + real);
    return q;
  }

  static Window window(
      Tensor in, int kh, int kw, int sh, int sw, int dh, int dw, int paddingCode, String node) {
    if (in.shape().length != 4)
      throw new ModelFormatException(
          "node " + node + " expects an NHWC input, got " + java.util.Arrays.toString(in.shape()));
    if (kh <= 0 || kw <= 0 || sh <= 0 || sw <= 0 || dh <= 0 || dw <= 0)
      throw new ModelFormatException("node " + node + " has an invalid window");
    Padding p;
    if (paddingCode == 0) { // SAME
      int th = Padding.samePaddingTotal(in.shape()[1], kh, sh, dh),
          tw = Padding.samePaddingTotal(in.shape()[2], kw, sw, dw);
      p = new Padding(th / 2, tw / 2, th - th / 2, tw - tw / 2);
    } else if (paddingCode == 1) {
      p = Padding.NONE;
    } else {
      throw new ModelFormatException("node " + node + " has unknown padding " + paddingCode);
    }
    return new Window(kh, kw, sh, sw, dh, dw, p);
  }

  private List<Integer> weightZeroPoints(Tensor w) {
    List<Integer> z = new ArrayList<>();
    for (long v : w.zeroPoints()) z.add(Math.toIntExact(v));
    return z;
  }

  private void requireSameQuantization(Tensor a, Tensor b, String op, String node) {
    if (scale(a) != scale(b) || zp(a) != zp(b)) {
      throw unsupported(op + " whose input and output quantization differ", node);
    }
  }

  // ------------------------------------------------------------------ tensors

  private Tensor t(Operator op, int k) {
    if (k >= op.inputs().length || op.inputs()[k] < 0) {
      throw new ModelFormatException(
          "node " + node(op) + " (" + TfliteOps.name(op.builtinCode()) + ") lacks input " + k);
    }
    return tf.tensors().get(op.inputs()[k]);
  }

  private Tensor out(Operator op) {
    if (op.outputs().length != 1)
      throw new ModelFormatException(
          "node " + node(op) + " has " + op.outputs().length + " outputs");
    return tf.tensors().get(op.outputs()[0]);
  }

  /** A 32-bit option field (strides, dilations, filter sizes, axis). */
  static int optI(FlatTable options, int field, int dflt) {
    return options == null ? dflt : options.intField(field, dflt);
  }

  /** A one-byte option field (padding, fused activation, enums). */
  static int optB(FlatTable options, int field, int dflt) {
    return options == null ? dflt : options.byteField(field, dflt);
  }

  private static float scale(Tensor t) {
    if (!t.isQuantized())
      throw new ModelFormatException("tensor " + t.name() + " is not quantized");
    return t.scales()[0];
  }

  private static int zp(Tensor t) {
    if (!t.isQuantized())
      throw new ModelFormatException("tensor " + t.name() + " is not quantized");
    return Math.toIntExact(t.zeroPoints()[0]);
  }

  private static ElementType type(Tensor t, String node) {
    return switch (t.type()) {
      case UINT8 -> ElementType.UINT8;
      case INT8 -> ElementType.INT8;
      case INT32 -> ElementType.INT32;
      default ->
          throw new ModelFormatException(
              "tensor "
                  + t.name()
                  + " at node "
                  + node
                  + " has type "
                  + t.type()
                  + "; a quantized model needs uint8/int8 activations");
    };
  }

  private int biasId(Operator op) {
    return op.inputs().length > 2 && op.inputs()[2] >= 0 ? constId(op.inputs()[2]) : -1;
  }

  private int constId(int tensor) {
    Tensor t = tf.tensors().get(tensor);
    if (!t.isConstant())
      throw new ModelFormatException("weights " + t.name() + " are not constant");
    return id(tensor);
  }

  /** An operand that may be an activation or a constant. */
  private int operand(int tensor) {
    return id(tensor);
  }

  /** The description id of a TFLite tensor, creating its spec on first use. */
  private int id(int tensor) {
    tensor = resolve(tensor);
    Integer known = idOf.get(tensor);
    if (known != null) return known;
    Tensor t = tf.tensors().get(tensor);
    ElementType type = type(t, t.name());
    List<Integer> shape = new ArrayList<>();
    for (int d : t.shape()) shape.add(d);
    List<Float> scales = new ArrayList<>();
    List<Integer> zps = new ArrayList<>();
    if (t.isQuantized()) {
      for (float s : t.scales()) scales.add(s);
      for (long z : t.zeroPoints()) zps.add(Math.toIntExact(z));
    } else if (type == ElementType.INT32) {
      scales.add(1f);
      zps.add(0);
    } else {
      throw new ModelFormatException("tensor " + t.name() + " has no quantization parameters");
    }
    if (scales.size() == 1 && zps.size() > 1) zps = zps.subList(0, 1);
    int id = specs.size();
    specs.add(
        new TensorSpec(t.name(), shape, type, scales, zps, t.quantizedDimension(), t.isConstant()));
    if (t.isConstant()) constants.put(id, t.ints());
    idOf.put(tensor, id);
    return id;
  }

  private static ModelFormatException unsupported(String what, String node) {
    return new ModelFormatException("unsupported operator " + what + " at node " + node);
  }
}
