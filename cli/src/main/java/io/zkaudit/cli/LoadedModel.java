package io.zkaudit.cli;

import io.zkaudit.data.Image;
import io.zkaudit.data.InputEncoder;
import io.zkaudit.data.InputNormalization;
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
import java.util.Optional;

/**
 * A model opened for the command line: its integer form (imported, or quantized from a float model
 * after calibration) and/or its float form, with the image-to-input mapping.
 */
final class LoadedModel {
  final String name;
  final FloatModel floatModel; // null for a quantized model
  QuantizedModel quantized; // null for a float model until quantize()
  final InputNormalization range;

  /**
   * What the command prints about {@link #range}: where it came from when the options or the
   * model's metadata gave it, or that it was assumed for a float model; null for a quantized
   * model's own input range.
   */
  final InputNormalizationOption.Chosen normalization;

  final double cropFraction;
  private IntegerEngine intEngine;
  private FloatEngine floatEngine;

  private LoadedModel(
      String name,
      FloatModel f,
      QuantizedModel q,
      InputNormalizationOption.Chosen normalization,
      InputNormalization range,
      double cropFraction) {
    this.name = name;
    this.floatModel = f;
    this.quantized = q;
    this.normalization = normalization;
    this.range = range;
    this.cropFraction = cropFraction;
  }

  /**
   * @param chosen the normalization from the options or the model's metadata, if any
   * @param floatRange pixel range for a float model when neither gave one (dataset convention,
   *     reported as assumed)
   */
  static LoadedModel open(
      Path file,
      Optional<InputNormalizationOption.Chosen> chosen,
      PixelRange floatRange,
      double cropFraction)
      throws IOException {
    String n = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    String name = file.getFileName().toString();
    if (n.endsWith(".onnx")) {
      // a float graph (PyTorch export) is quantized after calibration; a quantized one
      // (QDQ/QOperator) carries its own quantization
      return switch (OnnxImporter.load(file)) {
        case OnnxImporter.FloatGraph f ->
            ofFloat(name, f.model(), chosen, floatRange, cropFraction);
        case OnnxImporter.QuantizedGraph q -> ofQuantized(name, q.model(), chosen, cropFraction);
      };
    }
    if (!n.endsWith(".tflite"))
      throw new ModelFormatException(
          "cannot open " + file + ": only .tflite and .onnx models are supported");
    var tf = TfliteImporter.read(file);
    if (TfliteImporter.isQuantized(tf)) {
      return ofQuantized(name, TfliteImporter.loadQuantized(file), chosen, cropFraction);
    }
    return ofFloat(name, TfliteImporter.loadFloat(file), chosen, floatRange, cropFraction);
  }

  private static LoadedModel ofFloat(
      String name,
      FloatModel f,
      Optional<InputNormalizationOption.Chosen> chosen,
      PixelRange floatRange,
      double cropFraction) {
    // null: the convention commit and prove calibrate with for this input shape, else [0, 1]
    PixelRange assumed =
        floatRange != null
            ? floatRange
            : io.zkaudit.quantizer.CalibrationData.rangeFor(f.input().shape())
                .orElse(PixelRange.UNIT);
    InputNormalizationOption.Chosen c =
        chosen.orElseGet(() -> InputNormalizationOption.assumed(assumed));
    return new LoadedModel(name, f, null, c, c.value(), cropFraction);
  }

  private static LoadedModel ofQuantized(
      String name,
      QuantizedModel q,
      Optional<InputNormalizationOption.Chosen> chosen,
      double cropFraction) {
    return new LoadedModel(
        name,
        null,
        q,
        chosen.orElse(null),
        chosen.map(InputNormalizationOption.Chosen::value).orElse(PixelRange.of(q.input())),
        cropFraction);
  }

  /** Prints where the normalization came from, unless it is a quantized model's own range. */
  void reportNormalization() {
    if (normalization != null) {
      System.out.println(normalization.line());
    }
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
