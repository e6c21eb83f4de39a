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
    assertEquals(
        List.of(-128, -127, 127),
        List.of(
            enc.quantized(img(0), q.input())[0],
            enc.quantized(img(1), q.input())[0],
            enc.quantized(img(255), q.input())[0]));
    assertEquals(q.description(), ModelDescription.decode(q.description().encode()));
    FloatEngine fe = new FloatEngine(f);
    IntegerEngine ie = new IntegerEngine(q);
    int fc = 0, qc = 0;
    for (Sample s : samples) {
      if (Predictions.topK(fe.values(enc.real(s.image()))[f.logitsTensor()], 1)[0] == s.label())
        fc++;
      if (Predictions.topK(ie.values(enc.quantized(s.image(), q.input()))[q.logitsTensor()], 1)[0]
          == s.label()) qc++;
    }
    assertTrue(fc >= 0.97 * samples.size(), "float accuracy " + fc);
    assertTrue(
        qc >= fc - 0.01 * samples.size(),
        "quantized " + qc + " vs float " + fc + " of " + samples.size());
  }

  /**
   * An input range that excludes 0 (pixels meaning 1..25) is widened to [0, 25] like any
   * activation's: before, the zero point -139 was clamped to -128 and the top of the range
   * saturated (pixels 254 and 255, meaning 24.9 and 25, both became 127).
   */
  @Test
  void anInputRangeWithoutZeroDoesNotSaturate() throws Exception {
    FloatModel f = TfliteImporter.loadFloat(Shared.require("models/mnist_cnn_float.tflite"));
    PixelRange range = new PixelRange(1, 25);
    InputEncoder enc = new InputEncoder(f.input().shape(), 1.0, range);
    List<float[]> cal = new ArrayList<>();
    for (Sample s : Mnist.testSet(Shared.require("data/mnist"), 20)) cal.add(enc.real(s.image()));
    QuantizedModel q = Quantizer.quantize(f, cal, range);
    assertEquals(-128, q.input().zeroPoint());
    assertEquals(25.0 / 255, q.input().scale(), 1e-6);
    int[] levels = new int[256];
    for (int p = 0; p < 256; p++) levels[p] = enc.quantized(img(p), q.input())[0];
    assertEquals(127, levels[255]);
    assertEquals(-118, levels[0]); // round(1 / (25/255)) - 128
    for (int p = 1; p < 256; p++) {
      assertTrue(levels[p] >= levels[p - 1], "monotone at pixel " + p);
      // every real value in the range is within half a step of its level: nothing saturates
      assertEquals(
          range.real(p),
          (levels[p] + 128) * q.input().scale(),
          q.input().scale() / 2 + 1e-6,
          "pixel " + p);
    }
  }

  private static io.zkaudit.data.Image img(int value) {
    int[] px = new int[28 * 28];
    java.util.Arrays.fill(px, value);
    return new io.zkaudit.data.Image(28, 28, 1, px);
  }
}
