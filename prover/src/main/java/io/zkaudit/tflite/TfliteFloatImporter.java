package io.zkaudit.tflite;

import io.zkaudit.floatmodel.FloatModel;
import io.zkaudit.floatmodel.FloatOp;
import io.zkaudit.floatmodel.FloatTensor;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.tflite.TfliteModel.Operator;
import io.zkaudit.tflite.TfliteModel.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Reads a float32 TFLite graph into a {@link FloatModel}. */
final class TfliteFloatImporter {
  private TfliteFloatImporter() {}

  static FloatModel lower(TfliteModel tf, String name) {
    try {
      return lowerUnchecked(tf, name);
    } catch (ModelFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ModelFormatException("corrupt TFLite model: " + e);
    }
  }

  private static FloatModel lowerUnchecked(TfliteModel tf, String name) {
    List<FloatTensor> tensors = new ArrayList<>();
    for (Tensor t : tf.tensors()) {
      float[] data = null;
      if (t.isConstant() && t.type() == TfliteModel.DataType.FLOAT32) data = t.floats();
      tensors.add(new FloatTensor(t.name(), t.shape(), data));
    }
    List<FloatOp> ops = new ArrayList<>();
    for (Operator op : tf.operators()) ops.add(lower(tf, op));
    return new FloatModel(name, tensors, ops, tf.inputs(), tf.outputs());
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
          TfliteOps.RELU,
          TfliteOps.RELU6,
          TfliteOps.RELU_N1_TO_1);

  private static FloatOp lower(TfliteModel tf, Operator op) {
    String node =
        "#"
            + op.index()
            + " ("
            + (op.outputs().length > 0 ? tf.tensors().get(op.outputs()[0]).name() : "?")
            + ")";
    FlatTable o = op.options();
    int[] in = op.inputs();
    if (op.outputs().length != 1)
      throw new ModelFormatException("node " + node + " has " + op.outputs().length + " outputs");
    int out = op.outputs()[0];
    for (int i : in) {
      if (i >= 0
          && tf.tensors().get(i).type() != TfliteModel.DataType.FLOAT32
          && !isShapeInput(op, i, in)) {
        throw new ModelFormatException(
            "node " + node + " mixes float and " + tf.tensors().get(i).type() + " tensors");
      }
    }
    int bias = in.length > 2 && in[2] >= 0 ? in[2] : -1;
    if (!OPS.contains(op.builtinCode())) {
      throw new ModelFormatException(
          "unsupported operator "
              + (op.builtinCode() == 32
                  ? "custom " + op.customCode()
                  : TfliteOps.name(op.builtinCode()))
              + " at node "
              + node);
    }
    return switch (op.builtinCode()) {
      case TfliteOps.CONV_2D -> {
        Tensor x = tf.tensors().get(in[0]), w = tf.tensors().get(in[1]);
        float[] act = QuantMath.activationInterval(TfliteQuantizedImporter.optB(o, 3, 0), node);
        yield new FloatOp.Conv(
            node,
            in[0],
            in[1],
            bias,
            out,
            TfliteQuantizedImporter.window(
                x,
                w.shape()[1],
                w.shape()[2],
                TfliteQuantizedImporter.optI(o, 2, 1),
                TfliteQuantizedImporter.optI(o, 1, 1),
                TfliteQuantizedImporter.optI(o, 5, 1),
                TfliteQuantizedImporter.optI(o, 4, 1),
                TfliteQuantizedImporter.optB(o, 0, 0),
                node),
            act[0],
            act[1]);
      }
      case TfliteOps.DEPTHWISE_CONV_2D -> {
        Tensor x = tf.tensors().get(in[0]), w = tf.tensors().get(in[1]);
        float[] act = QuantMath.activationInterval(TfliteQuantizedImporter.optB(o, 4, 0), node);
        yield new FloatOp.Depthwise(
            node,
            in[0],
            in[1],
            bias,
            out,
            TfliteQuantizedImporter.window(
                x,
                w.shape()[1],
                w.shape()[2],
                TfliteQuantizedImporter.optI(o, 2, 1),
                TfliteQuantizedImporter.optI(o, 1, 1),
                TfliteQuantizedImporter.optI(o, 6, 1),
                TfliteQuantizedImporter.optI(o, 5, 1),
                TfliteQuantizedImporter.optB(o, 0, 0),
                node),
            w.shape()[3] / x.shape()[3],
            act[0],
            act[1]);
      }
      case TfliteOps.FULLY_CONNECTED -> {
        float[] act = QuantMath.activationInterval(TfliteQuantizedImporter.optB(o, 0, 0), node);
        yield new FloatOp.Dense(node, in[0], in[1], bias, out, act[0], act[1]);
      }
      case TfliteOps.ADD, TfliteOps.MUL -> {
        float[] act = QuantMath.activationInterval(TfliteQuantizedImporter.optB(o, 0, 0), node);
        yield op.builtinCode() == TfliteOps.ADD
            ? new FloatOp.Add(node, in[0], in[1], out, act[0], act[1])
            : new FloatOp.Mul(node, in[0], in[1], out, act[0], act[1]);
      }
      case TfliteOps.AVERAGE_POOL_2D, TfliteOps.MAX_POOL_2D -> {
        Tensor x = tf.tensors().get(in[0]);
        float[] act = QuantMath.activationInterval(TfliteQuantizedImporter.optB(o, 5, 0), node);
        var win =
            TfliteQuantizedImporter.window(
                x,
                TfliteQuantizedImporter.optI(o, 4, 1),
                TfliteQuantizedImporter.optI(o, 3, 1),
                TfliteQuantizedImporter.optI(o, 2, 1),
                TfliteQuantizedImporter.optI(o, 1, 1),
                1,
                1,
                TfliteQuantizedImporter.optB(o, 0, 0),
                node);
        yield op.builtinCode() == TfliteOps.AVERAGE_POOL_2D
            ? new FloatOp.AvgPool(node, in[0], out, win, act[0], act[1])
            : new FloatOp.MaxPool(node, in[0], out, win, act[0], act[1]);
      }
      case TfliteOps.MEAN -> new FloatOp.Mean(node, in[0], out);
      case TfliteOps.RESHAPE, TfliteOps.SQUEEZE -> new FloatOp.Reshape(node, in[0], out);
      case TfliteOps.SOFTMAX ->
          new FloatOp.Softmax(node, in[0], out, o == null ? 1f : o.floatField(0, 1f));
      case TfliteOps.RELU -> new FloatOp.Clamp(node, in[0], out, 0f, Float.POSITIVE_INFINITY);
      case TfliteOps.RELU6 -> new FloatOp.Clamp(node, in[0], out, 0f, 6f);
      case TfliteOps.RELU_N1_TO_1 -> new FloatOp.Clamp(node, in[0], out, -1f, 1f);
      default ->
          throw new IllegalStateException(
              TfliteOps.name(op.builtinCode()) + " is in OPS but has no lowering");
    };
  }

  /** RESHAPE's shape and MEAN's axes are int32 side inputs. */
  private static boolean isShapeInput(Operator op, int tensor, int[] in) {
    return in.length > 1
        && tensor == in[1]
        && (op.builtinCode() == TfliteOps.RESHAPE
            || op.builtinCode() == TfliteOps.MEAN
            || op.builtinCode() == TfliteOps.PAD);
  }
}
