package io.zkaudit.model;

import java.util.List;

/**
 * An elementwise function of an 8-bit tensor (sigmoid, tanh, hard swish, hard sigmoid), defined as
 * a table of its input type's 256 values. The table follows from this layer and the two tensors'
 * per-tensor quantization alone ({@link #table}), so the integer engine and the verifier compute
 * the same one from the model description:
 *
 * <pre>
 * real = inScale · (x − inZeroPoint)            (float64; the float32 scale widened exactly)
 * out  = clamp(rint(f(real) / outScale) + outZeroPoint, outType.min, outType.max)
 * </pre>
 *
 * rint rounds half to even. This is the real function rounded once (ONNX's rule). The {@code
 * TFLITE_} functions, which the TFLite importer writes, follow TFLite's own 8-bit kernels instead
 * ({@link TfliteUnaryTables}): they can land one step away from the rule above (docs/models.md).
 * alpha and beta are HARD_SIGMOID's parameters and 0 for the other functions.
 */
public record Unary(
    String name, int input, int output, UnaryFunction function, float alpha, float beta)
    implements Layer {

  public Unary {
    if (function == null) {
      throw new ModelFormatException("unary layer " + name + " has no function");
    }
    if (!function.hasParameters()
        && (Float.floatToIntBits(alpha) != 0 || Float.floatToIntBits(beta) != 0)) {
      throw new ModelFormatException(
          "unary layer " + name + ": " + function + " takes no alpha or beta");
    }
    if (!Float.isFinite(alpha) || !Float.isFinite(beta)) {
      throw new ModelFormatException("unary layer " + name + " has a non-finite parameter");
    }
  }

  /** A function without parameters. */
  public static Unary of(String name, int input, int output, UnaryFunction function) {
    return new Unary(name, input, output, function, 0f, 0f);
  }

  @Override
  public List<Integer> inputs() {
    return List.of(input);
  }

  /**
   * The output for every input value: entry i is the output for x = inType.min + i. Both tensors
   * must be 8-bit and quantized per tensor ({@link LayerShapes} checks it for every description).
   */
  public int[] table(ModelDescription model) {
    return table(model.tensor(input), model.tensor(output));
  }

  /** The same from the two tensors' specs. */
  public int[] table(TensorSpec in, TensorSpec out) {
    checkTensors(in, out);
    if (function.tfliteKernel()) return TfliteUnaryTables.table(function, in, out);
    ElementType inType = in.type();
    ElementType outType = out.type();
    double inScale = in.scale();
    double outScale = out.scale();
    int[] t = new int[inType.max() - inType.min() + 1];
    for (int i = 0; i < t.length; i++) {
      double real = inScale * (inType.min() + i - in.zeroPoint());
      double q = Math.rint(function.apply(real, alpha, beta) / outScale) + out.zeroPoint();
      t[i] = (int) Math.clamp(q, outType.min(), outType.max());
    }
    return t;
  }

  /** Why these tensors cannot carry a unary table, or nothing. */
  void checkTensors(TensorSpec in, TensorSpec out) {
    if (!in.type().isByte() || !out.type().isByte()) {
      throw new ModelFormatException(
          "unary layer "
              + name
              + " maps "
              + in.type()
              + " to "
              + out.type()
              + " (a table is built for 8-bit tensors only)");
    }
    if (in.perChannel() || out.perChannel()) {
      throw new ModelFormatException(
          "unary layer " + name + " has per-channel quantization (per tensor only)");
    }
  }
}
