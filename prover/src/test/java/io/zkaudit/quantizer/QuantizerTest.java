package io.zkaudit.quantizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.data.InputEncoder;
import io.zkaudit.data.Mnist;
import io.zkaudit.data.PixelRange;
import io.zkaudit.data.Sample;
import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.engine.Predictions;
import io.zkaudit.floatmodel.FloatEngine;
import io.zkaudit.floatmodel.FloatModel;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.Shared;
import io.zkaudit.tflite.TfliteImporter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuantizerTest {
  @Test
  void mnistKeepsItsAccuracyAfterInt8Quantization() throws Exception {
    FloatModel f = TfliteImporter.loadFloat(Shared.require("models/mnist_cnn_float.tflite"));
    List<Sample> samples = Mnist.testSet(Shared.require("data/mnist"), 2000);
    InputEncoder enc = new InputEncoder(f.input().shape(), 1.0, PixelRange.UNIT);
    List<float[]> cal = new ArrayList<>();
    for (int i = 0; i < 100; i++) cal.add(enc.real(samples.get(i * 20).image()));
    QuantizedModel q = Quantizer.quantize(f, cal, PixelRange.UNIT);
    // the pixel range makes the input mapping exact: pixel p -> p - 128
    assertEquals(-128, q.input().zeroPoint());
    assertEquals(List.of(-128, -127, 127), List.of(enc.quantized(img(0), q.input())[0], enc.quantized(img(1), q.input())[0],
        enc.quantized(img(255), q.input())[0]));
    assertEquals(q.description(), ModelDescription.decode(q.description().encode()));
    FloatEngine fe = new FloatEngine(f);
    IntegerEngine ie = new IntegerEngine(q);
    int fc = 0, qc = 0;
    for (Sample s : samples) {
      if (Predictions.topK(fe.values(enc.real(s.image()))[f.logitsTensor()], 1)[0] == s.label()) fc++;
      if (Predictions.topK(ie.values(enc.quantized(s.image(), q.input()))[q.logitsTensor()], 1)[0] == s.label()) qc++;
    }
    assertTrue(fc >= 0.97 * samples.size(), "float accuracy " + fc);
    assertTrue(qc >= fc - 0.01 * samples.size(), "quantized " + qc + " vs float " + fc + " of " + samples.size());
  }

  private static io.zkaudit.data.Image img(int value) {
    int[] px = new int[28 * 28];
    java.util.Arrays.fill(px, value);
    return new io.zkaudit.data.Image(28, 28, 1, px);
  }
}
