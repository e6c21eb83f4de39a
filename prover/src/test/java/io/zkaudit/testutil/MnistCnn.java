package io.zkaudit.testutil;

import io.zkaudit.data.InputEncoder;
import io.zkaudit.data.Mnist;
import io.zkaudit.data.PixelRange;
import io.zkaudit.data.Sample;
import io.zkaudit.floatmodel.FloatModel;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.quantizer.Quantizer;
import io.zkaudit.tflite.TfliteImporter;
import java.util.ArrayList;
import java.util.List;

/**
 * The MNIST CNN of ../shared (a float model, quantized after calibration on test images 1..20 as
 * the command line does) and its real inputs: the smallest shipped model, with a constant ADD
 * operand.
 */
public final class MnistCnn {
  private MnistCnn() {}

  public static QuantizedModel model() throws Exception {
    FloatModel f = TfliteImporter.loadFloat(Shared.require("models/mnist_cnn_float.tflite"));
    List<Sample> samples = Mnist.testSet(Shared.require("data/mnist"), 21);
    InputEncoder enc = new InputEncoder(f.input().shape(), 1.0, PixelRange.UNIT);
    List<float[]> cal = new ArrayList<>();
    for (int i = 1; i < samples.size(); i++) {
      cal.add(enc.real(samples.get(i).image()));
    }
    return Quantizer.quantize(f, cal, PixelRange.UNIT);
  }

  /** The first n MNIST test images, quantized as the model's input. */
  public static List<int[]> inputs(QuantizedModel q, int n) throws Exception {
    InputEncoder enc = new InputEncoder(q.input().shapeArray(), 1.0, PixelRange.UNIT);
    return Mnist.testSet(Shared.require("data/mnist"), n).stream()
        .map(s -> enc.quantized(s.image(), q.input()))
        .toList();
  }

  /** The labels (digits 0..9) of the first n test images. */
  public static int[] labels(int n) throws Exception {
    return Mnist.testSet(Shared.require("data/mnist"), n).stream()
        .mapToInt(Sample::label)
        .toArray();
  }
}
