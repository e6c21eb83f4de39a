package io.zkaudit.engine;

import io.zkaudit.model.Concat;
import io.zkaudit.model.FixedPoint;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.Pad;
import io.zkaudit.model.Requantize;
import io.zkaudit.model.Reshape;
import io.zkaudit.model.Softmax;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.model.Unary;

/**
 * Layers that move or rescale values without accumulating: reshape, pad, concat, requantize,
 * softmax, unary tables.
 */
final class DataMovementKernels {
  private DataMovementKernels() {}

  static Kernel reshape(Reshape l) {
    return new Kernel() {
      public int[] run(int[][] values, long[] acc) {
        return values[l.input()].clone();
      }

      public boolean hasAccumulators() {
        return false;
      }
    };
  }

  static Kernel requantize(Requantize l) {
    return (values, acc) -> {
      int[] x = values[l.input()];
      int[] out = new int[x.length];
      for (int i = 0; i < x.length; i++) {
        int centered = x[i] - l.inputZeroPoint();
        if (acc != null) acc[i] = centered;
        int v =
            FixedPoint.multiplyByQuantizedMultiplier(centered, l.multiplier(), l.shift())
                + l.outputZeroPoint();
        out[i] = Math.clamp(v, l.clampMin(), l.clampMax());
      }
      return out;
    };
  }

  /**
   * A unary function by its 256-entry table, built once here from the description (the verifier
   * builds the same one from the verifying key).
   */
  static Kernel unary(Unary l, ModelDescription d) {
    int[] table = l.table(d);
    int min = d.tensor(l.input()).type().min();
    return new Kernel() {
      public int[] run(int[][] values, long[] acc) {
        int[] x = values[l.input()];
        int[] out = new int[x.length];
        for (int i = 0; i < x.length; i++) {
          out[i] = table[x[i] - min];
        }
        return out;
      }

      public boolean hasAccumulators() {
        return false;
      }
    };
  }

  static Kernel pad(Pad l, ModelDescription d) {
    int[] inShape = d.tensor(l.input()).shapeArray(), outShape = d.tensor(l.output()).shapeArray();
    return new Kernel() {
      public int[] run(int[][] values, long[] acc) {
        int[] x = values[l.input()];
        int size = 1;
        for (int s : outShape) size *= s;
        int[] out = new int[size];
        java.util.Arrays.fill(out, l.padValue());
        int[] pos = new int[inShape.length];
        for (int i = 0; i < x.length; i++) {
          int o = 0;
          for (int k = 0; k < inShape.length; k++) o = o * outShape[k] + pos[k] + l.before().get(k);
          out[o] = x[i];
          for (int k = inShape.length - 1; k >= 0 && ++pos[k] == inShape[k]; k--) pos[k] = 0;
        }
        return out;
      }

      public boolean hasAccumulators() {
        return false;
      }
    };
  }

  static Kernel concat(Concat l, ModelDescription d) {
    TensorSpec out = d.tensor(l.output());
    int outer = 1, inner = 1;
    for (int k = 0; k < l.axis(); k++) outer *= out.dim(k);
    for (int k = l.axis() + 1; k < out.rank(); k++) inner *= out.dim(k);
    int[] along = l.inputs().stream().mapToInt(i -> d.tensor(i).dim(l.axis())).toArray();
    int total = out.dim(l.axis());
    int outerF = outer, innerF = inner;
    return new Kernel() {
      public int[] run(int[][] values, long[] acc) {
        int[] y = new int[out.size()];
        int offset = 0;
        for (int k = 0; k < along.length; k++) {
          int[] x = values[l.inputs().get(k)];
          int chunk = along[k] * innerF;
          for (int o = 0; o < outerF; o++)
            System.arraycopy(x, o * chunk, y, (o * total + offset) * innerF, chunk);
          offset += along[k];
        }
        return y;
      }

      public boolean hasAccumulators() {
        return false;
      }
    };
  }

  /** Softmax in real numbers from the dequantized logits, rounded to the output's quantization. */
  static Kernel softmax(Softmax l, ModelDescription d) {
    TensorSpec in = d.tensor(l.input()), out = d.tensor(l.output());
    int depth = in.dim(in.rank() - 1);
    return new Kernel() {
      public int[] run(int[][] values, long[] acc) {
        int[] x = values[l.input()];
        int[] y = new int[x.length];
        for (int row = 0; row < x.length / depth; row++) {
          int max = Integer.MIN_VALUE;
          for (int i = 0; i < depth; i++) max = Math.max(max, x[row * depth + i]);
          double sum = 0;
          double[] e = new double[depth];
          for (int i = 0; i < depth; i++) {
            e[i] = Math.exp((double) l.beta() * in.scale() * (x[row * depth + i] - max));
            sum += e[i];
          }
          for (int i = 0; i < depth; i++) {
            long q = Math.round(e[i] / sum / out.scale()) + out.zeroPoint();
            y[row * depth + i] = (int) Math.clamp(q, out.type().min(), out.type().max());
          }
        }
        return y;
      }

      public boolean hasAccumulators() {
        return false;
      }
    };
  }
}
