package io.zkaudit.floatmodel;

import io.zkaudit.model.Window;
import java.util.List;

/**
 * The operators of a float model (imported from TFLite float or ONNX), in the same NHWC layout and
 * weight layouts as the quantized layers, so quantization maps each one to one quantized layer.
 * lo/hi are the fused activation's clamp (±infinity for none).
 */
public sealed interface FloatOp {
  String name();

  List<Integer> inputs();

  int output();

  record Conv(
      String name, int input, int weights, int bias, int output, Window window, float lo, float hi)
      implements FloatOp {
    public List<Integer> inputs() {
      return bias >= 0 ? List.of(input, weights, bias) : List.of(input, weights);
    }
  }

  record Depthwise(
      String name,
      int input,
      int weights,
      int bias,
      int output,
      Window window,
      int depthMultiplier,
      float lo,
      float hi)
      implements FloatOp {
    public List<Integer> inputs() {
      return bias >= 0 ? List.of(input, weights, bias) : List.of(input, weights);
    }
  }

  record Dense(String name, int input, int weights, int bias, int output, float lo, float hi)
      implements FloatOp {
    public List<Integer> inputs() {
      return bias >= 0 ? List.of(input, weights, bias) : List.of(input, weights);
    }
  }

  record Add(String name, int a, int b, int output, float lo, float hi) implements FloatOp {
    public List<Integer> inputs() {
      return List.of(a, b);
    }
  }

  record Mul(String name, int a, int b, int output, float lo, float hi) implements FloatOp {
    public List<Integer> inputs() {
      return List.of(a, b);
    }
  }

  record AvgPool(String name, int input, int output, Window window, float lo, float hi)
      implements FloatOp {
    public List<Integer> inputs() {
      return List.of(input);
    }
  }

  record MaxPool(String name, int input, int output, Window window, float lo, float hi)
      implements FloatOp {
    public List<Integer> inputs() {
      return List.of(input);
    }
  }

  /** Mean over the spatial axes of NHWC. */
  record Mean(String name, int input, int output) implements FloatOp {
    public List<Integer> inputs() {
      return List.of(input);
    }
  }

  record Reshape(String name, int input, int output) implements FloatOp {
    public List<Integer> inputs() {
      return List.of(input);
    }
  }

  record Clamp(String name, int input, int output, float lo, float hi) implements FloatOp {
    public List<Integer> inputs() {
      return List.of(input);
    }
  }

  record Softmax(String name, int input, int output, float beta) implements FloatOp {
    public List<Integer> inputs() {
      return List.of(input);
    }
  }

  /**
   * Zero padding: before[d] and after[d] entries along each dimension d (as the quantized Pad
   * layer).
   */
  record Pad(String name, int input, int output, List<Integer> before, List<Integer> after)
      implements FloatOp {
    public Pad {
      before = List.copyOf(before);
      after = List.copyOf(after);
    }

    public List<Integer> inputs() {
      return List.of(input);
    }
  }

  /** Concatenation along one axis of the stored layout. */
  record Concat(String name, List<Integer> inputs, int output, int axis) implements FloatOp {
    public Concat {
      inputs = List.copyOf(inputs);
    }
  }
}
