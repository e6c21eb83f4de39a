package io.zkaudit.onnx;

import io.zkaudit.floatmodel.FloatModel;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.prover.model.QuantizedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * Entry point for ONNX files. A float graph (as PyTorch exports it) becomes a {@link FloatModel} in
 * the engine's NHWC layout, and {@link io.zkaudit.quantizer.Quantizer} makes the integer model
 * after calibration. A graph that is already quantized (onnxruntime's QDQ or QOperator format: any
 * QuantizeLinear, DequantizeLinear or QLinear* node) becomes the integer {@link QuantizedModel}
 * directly, with the file's own scales and zero points ({@link OnnxQuantizedImporter}).
 */
public final class OnnxImporter {
  private OnnxImporter() {}

  /** An imported ONNX model: float (to be quantized after calibration) or already integer. */
  public sealed interface Imported permits FloatGraph, QuantizedGraph {}

  /** A float graph, lowered to the float model. */
  public record FloatGraph(FloatModel model) implements Imported {}

  /** A quantized graph, lowered to the integer model with the file's quantization. */
  public record QuantizedGraph(QuantizedModel model) implements Imported {}

  /**
   * The ONNX operators that import, float or quantized; every other one is refused, named with its
   * node.
   */
  public static Set<String> ops() {
    Set<String> all = new TreeSet<>(OnnxFloatImporter.OPS);
    all.addAll(OnnxQuantizedImporter.OPS);
    return java.util.Collections.unmodifiableSet(all);
  }

  public static OnnxModel read(Path file) throws IOException {
    if (!Files.isRegularFile(file))
      throw new ModelFormatException("cannot read model " + file + ": no such file");
    return parse(Files.readAllBytes(file));
  }

  /** Parses ONNX bytes; anything malformed becomes a {@link ModelFormatException}. */
  public static OnnxModel parse(byte[] bytes) {
    try {
      return OnnxModel.parse(bytes);
    } catch (ModelFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ModelFormatException("corrupt or truncated ONNX file: " + e, e);
    }
  }

  /** Whether the graph is quantized (has a QuantizeLinear, DequantizeLinear or QLinear* node). */
  public static boolean isQuantized(OnnxModel m) {
    return OnnxQuantizedImporter.isQuantized(m);
  }

  /** Reads a file and lowers it by its format: float or quantized. */
  public static Imported load(Path file) throws IOException {
    OnnxModel m = read(file);
    return isQuantized(m)
        ? new QuantizedGraph(lowerQuantized(m, modelName(file)))
        : new FloatGraph(lower(m, modelName(file)));
  }

  public static FloatModel loadFloat(Path file) throws IOException {
    return lower(read(file), modelName(file));
  }

  public static QuantizedModel loadQuantized(Path file) throws IOException {
    return lowerQuantized(read(file), modelName(file));
  }

  /** Maps a parsed float ONNX graph to a float model (NCHW → NHWC). */
  public static FloatModel lower(OnnxModel m, String name) {
    if (isQuantized(m)) {
      throw new ModelFormatException(
          "ONNX model "
              + name
              + " is already quantized (QuantizeLinear/DequantizeLinear/QLinear* nodes): it imports"
              + " as an integer model, not a float one");
    }
    try {
      return new OnnxFloatImporter(m).lower(name);
    } catch (ModelFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ModelFormatException("corrupt ONNX model: " + e, e);
    }
  }

  /**
   * Maps a parsed quantized ONNX graph (QDQ or QOperator) to the integer model, without
   * calibration.
   */
  public static QuantizedModel lowerQuantized(OnnxModel m, String name) {
    if (!isQuantized(m)) {
      throw new ModelFormatException(
          "ONNX model "
              + name
              + " is a float model (no QuantizeLinear/DequantizeLinear/QLinear* node): quantize it"
              + " after calibration");
    }
    try {
      return new OnnxQuantizedImporter(m).lower(name);
    } catch (ModelFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ModelFormatException("corrupt ONNX model: " + e, e);
    }
  }

  static String modelName(Path file) {
    String n = file.getFileName().toString();
    return n.endsWith(".onnx") ? n.substring(0, n.length() - 5) : n;
  }
}
