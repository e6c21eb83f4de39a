package io.zkaudit.model;

/**
 * The real functions a {@link Unary} layer applies. Each is evaluated in float64 with {@link
 * StrictMath}, never {@link Math}: the verifier recomputes the prover's table from the model
 * description, and Math's exp and tanh may differ in the last bit between JVMs and CPUs, which
 * would move a value that lands next to a rounding boundary into the other step.
 *
 * <p>The first four are the real function rounded once (ONNX's rule, {@link Unary#table}); the
 * {@code TFLITE_} ones are the same functions computed as TensorFlow Lite's 8-bit kernels compute
 * them ({@link TfliteUnaryTables}), which the TFLite importer records so that the verifier derives
 * TFLite's own table from the key.
 *
 * <p>The model description stores the ordinal: new functions go at the end.
 */
public enum UnaryFunction {
  /** 1 / (1 + e^-x): TFLite LOGISTIC, ONNX Sigmoid. */
  SIGMOID,
  /** tanh(x): TFLite TANH, ONNX Tanh. */
  TANH,
  /** x · min(max(x + 3, 0), 6) / 6: TFLite HARD_SWISH, ONNX HardSwish. */
  HARD_SWISH,
  /** max(0, min(1, alpha · x + beta)): ONNX HardSigmoid (its alpha and beta are the layer's). */
  HARD_SIGMOID,
  /** TFLite LOGISTIC as its 8-bit kernels compute it: a float32 lookup table. */
  TFLITE_LOGISTIC,
  /** TFLite TANH as its 8-bit kernels compute it: a float32 lookup table. */
  TFLITE_TANH,
  /** TFLite HARD_SWISH as its 8-bit reference kernel computes it: 16-bit fixed point. */
  TFLITE_HARD_SWISH;

  /** Whether the table follows TFLite's kernel rather than the real function rounded once. */
  public boolean tfliteKernel() {
    return this == TFLITE_LOGISTIC || this == TFLITE_TANH || this == TFLITE_HARD_SWISH;
  }

  /** The real function this one computes (itself for the first four). */
  public UnaryFunction real() {
    return switch (this) {
      case TFLITE_LOGISTIC -> SIGMOID;
      case TFLITE_TANH -> TANH;
      case TFLITE_HARD_SWISH -> HARD_SWISH;
      default -> this;
    };
  }

  /** Whether the function reads the layer's alpha and beta (otherwise both must be 0). */
  public boolean hasParameters() {
    return this == HARD_SIGMOID;
  }

  /** The function at x; alpha and beta as floats, widened exactly to double. */
  public double apply(double x, float alpha, float beta) {
    return switch (real()) {
      case SIGMOID -> 1.0 / (1.0 + StrictMath.exp(-x));
      case TANH -> StrictMath.tanh(x);
      case HARD_SWISH -> x * Math.min(Math.max(x + 3.0, 0.0), 6.0) / 6.0;
      case HARD_SIGMOID -> Math.max(0.0, Math.min(1.0, (double) alpha * x + (double) beta));
      default -> throw new IllegalStateException(this.toString());
    };
  }
}
