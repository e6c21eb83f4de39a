package io.zkaudit.quantizer;

import io.zkaudit.data.InputNormalization;
import io.zkaudit.data.PixelRange;
import io.zkaudit.floatmodel.FloatModel;
import io.zkaudit.floatmodel.FloatOp;
import io.zkaudit.floatmodel.FloatTensor;
import io.zkaudit.model.AveragePool;
import io.zkaudit.model.Conv2D;
import io.zkaudit.model.DepthwiseConv2D;
import io.zkaudit.model.ElementType;
import io.zkaudit.model.FixedPoint;
import io.zkaudit.model.FullyConnected;
import io.zkaudit.model.Layer;
import io.zkaudit.model.MaxPool;
import io.zkaudit.model.Mean;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.model.Mul;
import io.zkaudit.model.Requantization;
import io.zkaudit.model.Requantize;
import io.zkaudit.model.Reshape;
import io.zkaudit.model.Softmax;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.tflite.QuantMath;
import io.zkaudit.tflite.TfliteQuantizedImporter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Post-training quantization of a float model to the int8 scheme TFLite uses: weights int8
 * symmetric per output channel, biases int32 at scale inputScale·weightScale, activations int8
 * asymmetric per tensor from calibrated min/max (widened to contain 0 so that zero is exact).
 * Pooling and reshapes keep their input's quantization, as the integer kernels require. The model
 * input takes its quantization from the pixel range so that 8-bit pixels map exactly.
 */
public final class Quantizer {
  private final FloatModel m;
  private final Calibration cal;
  private final List<TensorSpec> specs = new ArrayList<>();
  private final Map<Integer, Integer> idOf = new HashMap<>();
  private final Map<Integer, float[]> quant = new HashMap<>(); // float tensor -> {scale, zeroPoint}
  private final Map<Integer, int[]> constants = QuantizedModel.newConstants();
  private final List<Layer> layers = new ArrayList<>();

  private Quantizer(FloatModel m, Calibration cal) {
    this.m = m;
    this.cal = cal;
  }

  public static QuantizedModel quantize(
      FloatModel m, List<float[]> calibrationInputs, InputNormalization inputNormalization) {
    Quantizer q = new Quantizer(m, Calibration.run(m, calibrationInputs));
    // per-channel normalizations share one input quantization: the interval holding all channels
    return q.run(inputNormalization.bounds());
  }

  private QuantizedModel run(PixelRange inputRange) {
    int input = m.inputs().getFirst();
    // Like every activation, the input's range is widened to contain 0, so that the zero point is
    // an int8 value and every real input in the range quantizes without saturating: a range such as
    // [1, 25] taken as is would need zero point -139, clamped to -128, and put both 24 and 25 at
    // 127.
    double lo = Math.min(0, inputRange.lo());
    double hi = Math.max(0, inputRange.hi());
    float s = (float) ((hi - lo) / 255.0);
    quant.put(input, new float[] {s, (float) Math.clamp(Math.round(-128 - lo / s), -128, 127)});
    for (FloatOp op : m.ops()) lower(op);
    List<Integer> ins = List.of(activation(input));
    List<Integer> outs = m.outputs().stream().map(this::activation).toList();
    return new QuantizedModel(
        new ModelDescription(m.name() + "-int8", specs, layers, ins, outs), constants);
  }

  private void lower(FloatOp op) {
    String n = op.name();
    switch (op) {
      case FloatOp.Conv c -> {
        int x = activation(c.input());
        float[] ws = channelScales(c.weights(), 0);
        int w = weights(c.weights(), ws, 0);
        int y = activationOut(c.output());
        layers.add(
            new Conv2D(
                n,
                x,
                w,
                bias(c.bias(), c.input(), ws),
                y,
                c.window(),
                zp(c.input()),
                List.of(0),
                requant(c.input(), ws, c.output(), c.lo(), c.hi())));
      }
      case FloatOp.Depthwise c -> {
        int x = activation(c.input());
        float[] ws = channelScales(c.weights(), 3);
        int w = weights(c.weights(), ws, 3);
        int y = activationOut(c.output());
        layers.add(
            new DepthwiseConv2D(
                n,
                x,
                w,
                bias(c.bias(), c.input(), ws),
                y,
                c.window(),
                c.depthMultiplier(),
                zp(c.input()),
                List.of(0),
                requant(c.input(), ws, c.output(), c.lo(), c.hi())));
      }
      case FloatOp.Dense d -> {
        int x = activation(d.input());
        float[] ws = channelScales(d.weights(), 0);
        int w = weights(d.weights(), ws, 0);
        int y = activationOut(d.output());
        layers.add(
            new FullyConnected(
                n,
                x,
                w,
                bias(d.bias(), d.input(), ws),
                y,
                zp(d.input()),
                List.of(0),
                requant(d.input(), ws, d.output(), d.lo(), d.hi())));
      }
      case FloatOp.Add a -> {
        int ia = operand(a.a()), ib = operand(a.b()), y = activationOut(a.output());
        int[] clamp = clamp(a.output(), a.lo(), a.hi());
        layers.add(
            TfliteQuantizedImporter.add(
                n,
                ia,
                ib,
                y,
                scale(a.a()),
                zp(a.a()),
                scale(a.b()),
                zp(a.b()),
                scale(a.output()),
                zp(a.output()),
                clamp[0],
                clamp[1]));
      }
      case FloatOp.Mul a -> {
        int ia = operand(a.a()), ib = operand(a.b()), y = activationOut(a.output());
        int[] clamp = clamp(a.output(), a.lo(), a.hi());
        var q =
            FixedPoint.quantizeMultiplier((double) scale(a.a()) * scale(a.b()) / scale(a.output()));
        layers.add(
            new Mul(
                n,
                ia,
                ib,
                y,
                zp(a.a()),
                zp(a.b()),
                q.multiplier(),
                q.shift(),
                zp(a.output()),
                clamp[0],
                clamp[1]));
      }
      case FloatOp.AvgPool p -> {
        int x = activation(p.input());
        int y = sameAs(p.output(), p.input());
        int[] clamp = clamp(p.output(), p.lo(), p.hi());
        layers.add(new AveragePool(n, x, y, p.window(), clamp[0], clamp[1]));
      }
      case FloatOp.MaxPool p -> {
        int x = activation(p.input());
        int y = sameAs(p.output(), p.input());
        int[] clamp = clamp(p.output(), p.lo(), p.hi());
        layers.add(new MaxPool(n, x, y, p.window(), clamp[0], clamp[1]));
      }
      case FloatOp.Mean mn -> {
        int x = activation(mn.input()), y = activationOut(mn.output());
        var q = FixedPoint.quantizeMultiplier((double) scale(mn.input()) / scale(mn.output()));
        layers.add(
            new Mean(
                n, x, y, zp(mn.input()), q.multiplier(), q.shift(), zp(mn.output()), -128, 127));
      }
      case FloatOp.Reshape r -> {
        int x = activation(r.input());
        layers.add(new Reshape(n, x, sameAs(r.output(), r.input())));
      }
      case FloatOp.Clamp c -> {
        int x = activation(c.input()), y = activationOut(c.output());
        var q = FixedPoint.quantizeMultiplier((double) scale(c.input()) / scale(c.output()));
        int[] clamp = clamp(c.output(), c.lo(), c.hi());
        layers.add(
            new Requantize(
                n,
                x,
                y,
                zp(c.input()),
                q.multiplier(),
                q.shift(),
                zp(c.output()),
                clamp[0],
                clamp[1]));
      }
      case FloatOp.Softmax s -> {
        int x = activation(s.input());
        quant.put(s.output(), new float[] {1f / 256, -128});
        layers.add(new Softmax(n, x, activation(s.output()), s.beta()));
      }
      case FloatOp.Pad p -> {
        // zero padding: the padded entries are the zero point, which is exact
        int x = activation(p.input());
        layers.add(
            new io.zkaudit.model.Pad(
                n, x, sameAs(p.output(), p.input()), p.before(), p.after(), zp(p.input())));
      }
      case FloatOp.Concat c -> {
        // the quantized Concat needs one quantization: each input differing from the output's is
        // requantized to it first
        int y = activationOut(c.output());
        List<Integer> ins = new ArrayList<>();
        for (int t : c.inputs()) {
          int x = activation(t);
          if (scale(t) == scale(c.output()) && zp(t) == zp(c.output())) {
            ins.add(x);
            continue;
          }
          FloatTensor ft = m.tensors().get(t);
          int r = specs.size();
          specs.add(
              TensorSpec.of(
                  ft.name() + "/requantized",
                  boxed(ft.shape()),
                  ElementType.INT8,
                  scale(c.output()),
                  zp(c.output()),
                  false));
          var q = FixedPoint.quantizeMultiplier((double) scale(t) / scale(c.output()));
          layers.add(
              new Requantize(
                  n + "/requantize " + ft.name(),
                  x,
                  r,
                  zp(t),
                  q.multiplier(),
                  q.shift(),
                  zp(c.output()),
                  -128,
                  127));
          ins.add(r);
        }
        layers.add(new io.zkaudit.model.Concat(n, ins, y, c.axis()));
      }
    }
  }

  // ------------------------------------------------------------------ activations

  /** The spec id of an activation tensor whose quantization is already decided. */
  private int activation(int t) {
    Integer id = idOf.get(t);
    if (id != null) return id;
    float[] q = quant.get(t);
    if (q == null)
      throw new ModelFormatException(
          "tensor " + m.tensors().get(t).name() + " is used before it is computed");
    FloatTensor ft = m.tensors().get(t);
    int newId = specs.size();
    specs.add(
        TensorSpec.of(ft.name(), boxed(ft.shape()), ElementType.INT8, q[0], (int) q[1], false));
    idOf.put(t, newId);
    return newId;
  }

  /** An output tensor quantized from its calibrated range. */
  private int activationOut(int t) {
    float lo = Math.min(0f, cal.min()[t]), hi = Math.max(0f, cal.max()[t]);
    if (!(hi > lo)) hi = lo + 1e-3f;
    float s = (hi - lo) / 255f;
    quant.put(t, new float[] {s, Math.clamp(Math.round(-128 - lo / s), -128, 127)});
    return activation(t);
  }

  private int sameAs(int t, int source) {
    quant.put(t, quant.get(source));
    return activation(t);
  }

  /** An Add/Mul operand: an activation, or a constant quantized per tensor (asymmetric int8). */
  private int operand(int t) {
    FloatTensor ft = m.tensors().get(t);
    if (!ft.constant()) return activation(t);
    if (idOf.containsKey(t)) return idOf.get(t);
    float lo = 0, hi = 0;
    for (float f : ft.data()) {
      lo = Math.min(lo, f);
      hi = Math.max(hi, f);
    }
    if (!(hi > lo)) hi = lo + 1e-3f;
    float s = (hi - lo) / 255f;
    int z = Math.clamp(Math.round(-128 - lo / s), -128, 127);
    int[] v = new int[ft.data().length];
    for (int i = 0; i < v.length; i++)
      v[i] = Math.clamp(Math.round(ft.data()[i] / s) + z, -128, 127);
    quant.put(t, new float[] {s, z});
    int id = specs.size();
    specs.add(TensorSpec.of(ft.name(), boxed(ft.shape()), ElementType.INT8, s, z, true));
    constants.put(id, v);
    idOf.put(t, id);
    return id;
  }

  private float scale(int t) {
    return quant.get(t)[0];
  }

  private int zp(int t) {
    return (int) quant.get(t)[1];
  }

  private int[] clamp(int out, float lo, float hi) {
    return QuantMath.activationRange(lo, hi, scale(out), zp(out), ElementType.INT8);
  }

  // ------------------------------------------------------------------ weights

  /** Symmetric per-channel scales: max |w| / 127 along dimension dim. */
  private float[] channelScales(int t, int dim) {
    FloatTensor w = m.tensors().get(t);
    int channels = w.shape()[dim], inner = 1;
    for (int d = dim + 1; d < w.shape().length; d++) inner *= w.shape()[d];
    float[] s = new float[channels];
    for (int i = 0; i < w.data().length; i++) {
      int c = (i / inner) % channels;
      s[c] = Math.max(s[c], Math.abs(w.data()[i]));
    }
    for (int c = 0; c < channels; c++) s[c] = s[c] > 0 ? s[c] / 127f : 1e-8f;
    return s;
  }

  private int weights(int t, float[] scales, int dim) {
    FloatTensor w = m.tensors().get(t);
    int channels = w.shape()[dim], inner = 1;
    for (int d = dim + 1; d < w.shape().length; d++) inner *= w.shape()[d];
    int[] q = new int[w.data().length];
    for (int i = 0; i < q.length; i++)
      q[i] = Math.clamp(Math.round(w.data()[i] / scales[(i / inner) % channels]), -127, 127);
    List<Float> sl = new ArrayList<>();
    List<Integer> zl = new ArrayList<>();
    for (float s : scales) {
      sl.add(s);
      zl.add(0);
    }
    int id = specs.size();
    specs.add(new TensorSpec(w.name(), boxed(w.shape()), ElementType.INT8, sl, zl, dim, true));
    constants.put(id, q);
    return id;
  }

  private int bias(int t, int input, float[] weightScales) {
    if (t < 0) return -1;
    FloatTensor b = m.tensors().get(t);
    int[] q = new int[b.data().length];
    List<Float> sl = new ArrayList<>();
    List<Integer> zl = new ArrayList<>();
    for (int c = 0; c < q.length; c++) {
      double s = (double) scale(input) * weightScales[c];
      q[c] = (int) Math.clamp(Math.round(b.data()[c] / s), Integer.MIN_VALUE, Integer.MAX_VALUE);
      sl.add((float) s);
      zl.add(0);
    }
    int id = specs.size();
    specs.add(new TensorSpec(b.name(), boxed(b.shape()), ElementType.INT32, sl, zl, 0, true));
    constants.put(id, q);
    return id;
  }

  private Requantization requant(int input, float[] weightScales, int output, float lo, float hi) {
    List<Integer> mult = new ArrayList<>(), shift = new ArrayList<>();
    for (float ws : weightScales) {
      var q = FixedPoint.quantizeMultiplier((double) scale(input) * ws / scale(output));
      mult.add(q.multiplier());
      shift.add(q.shift());
    }
    int[] c = clamp(output, lo, hi);
    return new Requantization(mult, shift, zp(output), c[0], c[1]);
  }

  private static List<Integer> boxed(int[] a) {
    List<Integer> l = new ArrayList<>();
    for (int v : a) l.add(v);
    return l;
  }
}
