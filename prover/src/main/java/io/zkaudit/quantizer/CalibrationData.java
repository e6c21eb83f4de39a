package io.zkaudit.quantizer;

import io.zkaudit.data.Cifar10;
import io.zkaudit.data.Image;
import io.zkaudit.data.Mnist;
import io.zkaudit.data.PixelRange;
import io.zkaudit.data.Sample;
import io.zkaudit.data.SharedData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The images a float model is calibrated on before {@link Quantizer} quantizes it, chosen by its
 * input shape: {@value #SIZE} evenly spaced test images of MNIST for 28x28x1 (pixels in [0, 1]) or
 * of CIFAR-10 for 32x32x3 (pixels in [0, 255]), from ../shared. So the same float model file always
 * gives the same quantized model.
 */
public record CalibrationData(List<Image> images, PixelRange range) {
  public static final int SIZE = 200;

  public CalibrationData {
    images = List.copyOf(images);
  }

  /**
   * The calibration images for a model input of this NHWC shape; empty when no dataset is known for
   * it. An {@link IllegalArgumentException} when the dataset's files are not under ../shared.
   */
  /**
   * The pixel range a float model of this input shape is calibrated and proven with (MNIST [0, 1],
   * CIFAR-10 [0, 255]); empty when no dataset is known for the shape. What every command assumes
   * for such a model when neither options nor metadata say otherwise, so that {@code infer} encodes
   * an image as {@code prove} does.
   */
  public static Optional<PixelRange> rangeFor(int[] shape) {
    if (shape.length == 4 && shape[1] == 28 && shape[2] == 28 && shape[3] == 1) {
      return Optional.of(PixelRange.UNIT);
    } else if (shape.length == 4 && shape[1] == 32 && shape[2] == 32 && shape[3] == 3) {
      return Optional.of(PixelRange.BYTE);
    }
    return Optional.empty();
  }

  public static Optional<CalibrationData> forInputShape(int[] shape) throws IOException {
    List<Sample> data;
    PixelRange range;
    if (shape.length == 4 && shape[1] == 28 && shape[2] == 28 && shape[3] == 1) {
      data = Mnist.testSet(sharedData("data/mnist"), 10_000);
      range = PixelRange.UNIT;
    } else if (shape.length == 4 && shape[1] == 32 && shape[2] == 32 && shape[3] == 3) {
      data = Cifar10.testSet(sharedData("data/cifar10/test_batch.bin"), 10_000);
      range = PixelRange.BYTE;
    } else {
      return Optional.empty();
    }
    List<Image> cal = new ArrayList<>();
    for (int i = 0; i < SIZE; i++) {
      cal.add(data.get((int) ((long) i * data.size() / SIZE)).image());
    }
    return Optional.of(new CalibrationData(cal, range));
  }

  private static Path sharedData(String relative) {
    return SharedData.resolve(relative)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "quantizing a float model needs calibration data ../shared/" + relative));
  }
}
