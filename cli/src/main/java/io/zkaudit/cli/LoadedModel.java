package io.zkaudit.cli;

import io.zkaudit.data.Image;
import io.zkaudit.data.InputEncoder;
import io.zkaudit.data.PixelRange;
import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.floatmodel.FloatEngine;
import io.zkaudit.floatmodel.FloatModel;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.onnx.OnnxImporter;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.quantizer.Quantizer;
import io.zkaudit.tflite.TfliteImporter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A model opened for the command line: its integer form (imported, or quantized from a float model
 * after calibration) and/or its float form, with the image-to-input mapping.
 */
final class LoadedModel {
  final String name;
  final FloatModel floatModel; // null for a quantized model
  QuantizedModel quantized; // null for a float model until quantize()
  final PixelRange range;
  final double cropFraction;
  private IntegerEngine intEngine;
  private FloatEngine floatEngine;

  private LoadedModel(
      String name, FloatModel f, QuantizedModel q, PixelRange range, double cropFraction) {
    this.name = name;
    this.floatModel = f;
    this.quantized = q;
    this.range = range;
    this.cropFraction = cropFraction;
  }

  /**
   * @param floatRange pixel range for a float model when the user gave none (dataset convention)
   */
  static LoadedModel open(
      Path file, PixelRange override, PixelRange floatRange, double cropFraction)
      throws IOException {
    String n = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (n.endsWith(".onnx")) {
      // a float graph (PyTorch export) is quantized after calibration; a quantized one
      // (QDQ/QOperator) carries its own quantization
      return switch (OnnxImporter.load(file)) {
        case OnnxImporter.FloatGraph f ->
            new LoadedModel(
                file.getFileName().toString(),
                f.model(),
                null,
                override != null ? override : floatRange,
                cropFraction);
        case OnnxImporter.QuantizedGraph q ->
            new LoadedModel(
                file.getFileName().toString(),
                null,
                q.model(),
                override != null ? override : PixelRange.of(q.model().input()),
                cropFraction);
      };
    }
    if (!n.endsWith(".tflite"))
      throw new ModelFormatException(
          "cannot open " + file + ": only .tflite and .onnx models are supported");
    var tf = TfliteImporter.read(file);
    if (TfliteImporter.isQuantized(tf)) {
      QuantizedModel q = TfliteImporter.loadQuantized(file);
      return new LoadedModel(
          file.getFileName().toString(),
          null,
          q,
          override != null ? override : PixelRange.of(q.input()),
          cropFraction);
    }
    FloatModel f = TfliteImporter.loadFloat(file);
    return new LoadedModel(
        file.getFileName().toString(),
        f,
        null,
        override != null ? override : floatRange,
        cropFraction);
  }

  int[] inputShape() {
    return quantized != null ? quantized.input().shapeArray() : floatModel.input().shape();
  }

  int outputSize() {
    return quantized != null
        ? quantized.description().tensor(quantized.logitsTensor()).size()
        : floatModel.tensors().get(floatModel.logitsTensor()).size();
  }

  InputEncoder encoder() {
    return new InputEncoder(inputShape(), cropFraction, range);
  }

  void quantize(List<Image> calibration) {
    InputEncoder enc = encoder();
    quantized = Quantizer.quantize(floatModel, calibration.stream().map(enc::real).toList(), range);
  }

  IntegerEngine integer() {
    if (intEngine == null) intEngine = new IntegerEngine(quantized);
    return intEngine;
  }

  FloatEngine floating() {
    if (floatEngine == null) floatEngine = new FloatEngine(floatModel);
    return floatEngine;
  }

  int[] integerLogits(int[] input) {
    return integer().values(input)[quantized.logitsTensor()];
  }

  float[] floatLogits(float[] input) {
    return floating().values(input)[floatModel.logitsTensor()];
  }
}
