package io.zkaudit.testutil;

import io.zkaudit.data.Cifar10;
import io.zkaudit.data.InputEncoder;
import io.zkaudit.data.PixelRange;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.tflite.TfliteImporter;
import java.io.IOException;
import java.util.List;

/**
 * The model most proof tests use (about a second per proof) and its real inputs, from ../shared.
 */
public final class ResNet8 {
  private ResNet8() {}

  public static QuantizedModel model() throws IOException {
    return TfliteImporter.loadQuantized(Shared.require("models/resnet8_cifar10_int8.tflite"));
  }

  /** The first n CIFAR-10 test images, quantized as the model's input. */
  public static List<int[]> inputs(QuantizedModel model, int n) throws IOException {
    TensorSpec in = model.input();
    InputEncoder enc = new InputEncoder(in.shapeArray(), 1.0, PixelRange.of(in));
    return Cifar10.testSet(Shared.require("data/cifar10/test_batch.bin"), n).stream()
        .map(s -> enc.quantized(s.image(), in))
        .toList();
  }

  /** The labels (CIFAR-10 classes 0..9) of the first n test images. */
  public static int[] labels(int n) throws IOException {
    return Cifar10.testSet(Shared.require("data/cifar10/test_batch.bin"), n).stream()
        .mapToInt(s -> s.label())
        .toArray();
  }
}
