package io.zkaudit.tflite;

import io.zkaudit.model.ModelFormatException;
import io.zkaudit.prover.model.QuantizedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Entry point for TFLite files. */
public final class TfliteImporter {
  private TfliteImporter() {}

  /**
   * Names of the builtin operators of quantized models that import (every other one is refused,
   * named).
   */
  public static java.util.Set<String> quantizedOps() {
    return names(TfliteQuantizedImporter.OPS);
  }

  /** Names of the builtin operators of float models that import. */
  public static java.util.Set<String> floatOps() {
    return names(TfliteFloatImporter.OPS);
  }

  private static java.util.Set<String> names(java.util.Set<Integer> codes) {
    return codes.stream()
        .map(TfliteOps::name)
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  /**
   * Whether the model computes in integers (its first input, after a boundary QUANTIZE, is
   * uint8/int8).
   */
  public static boolean isQuantized(TfliteModel m) {
    for (TfliteModel.Operator op : m.operators()) {
      if (op.builtinCode() == TfliteOps.CONV_2D
          || op.builtinCode() == TfliteOps.DEPTHWISE_CONV_2D
          || op.builtinCode() == TfliteOps.FULLY_CONNECTED) {
        TfliteModel.DataType t = m.tensors().get(op.inputs()[1]).type();
        return t == TfliteModel.DataType.UINT8 || t == TfliteModel.DataType.INT8;
      }
    }
    TfliteModel.DataType t = m.tensors().get(m.inputs().getFirst()).type();
    return t == TfliteModel.DataType.UINT8 || t == TfliteModel.DataType.INT8;
  }

  /** Reads a quantized TFLite model into the integer form the engine runs and the proofs attest. */
  public static QuantizedModel loadQuantized(Path file) throws IOException {
    TfliteModel m = read(file);
    if (!isQuantized(m))
      throw new ModelFormatException(file.getFileName() + " is a float model; quantize it first");
    return TfliteQuantizedImporter.lower(m, modelName(file));
  }

  /** Reads a float TFLite model. */
  public static io.zkaudit.floatmodel.FloatModel loadFloat(Path file) throws IOException {
    TfliteModel m = read(file);
    if (isQuantized(m))
      throw new ModelFormatException(file.getFileName() + " is a quantized model, not a float one");
    return TfliteFloatImporter.lower(m, modelName(file));
  }

  /** Lowers an already parsed quantized model (tests corrupt bytes in memory). */
  static QuantizedModel lowerQuantizedForTest(TfliteModel m) {
    return TfliteQuantizedImporter.lower(m, "test");
  }

  public static TfliteModel read(Path file) throws IOException {
    if (!Files.isRegularFile(file))
      throw new ModelFormatException("cannot read model " + file + ": no such file");
    return TfliteModel.read(file);
  }

  static String modelName(Path file) {
    String n = file.getFileName().toString();
    return n.endsWith(".tflite") ? n.substring(0, n.length() - 7) : n;
  }
}
