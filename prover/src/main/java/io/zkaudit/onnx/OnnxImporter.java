package io.zkaudit.onnx;

import io.zkaudit.floatmodel.FloatModel;
import io.zkaudit.model.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Entry point for ONNX files. ONNX models from PyTorch are float: they become a {@link FloatModel}
 * in the engine's NHWC layout, and {@link io.zkaudit.quantizer.Quantizer} makes the integer model.
 */
public final class OnnxImporter {
  private OnnxImporter() {}

  /** The ONNX operators that import (default domain); every other one is refused, named with its node. */
  public static java.util.Set<String> ops() {
    return OnnxFloatImporter.OPS;
  }

  public static OnnxModel read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new ModelFormatException("cannot read model " + file + ": no such file");
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

  public static FloatModel loadFloat(Path file) throws IOException {
    return lower(read(file), modelName(file));
  }

  /** Maps a parsed ONNX graph to a float model (NCHW → NHWC). */
  public static FloatModel lower(OnnxModel m, String name) {
    try {
      return new OnnxFloatImporter(m).lower(name);
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
