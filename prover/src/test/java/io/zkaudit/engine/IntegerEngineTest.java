package io.zkaudit.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.data.Cifar10;
import io.zkaudit.data.ImageFiles;
import io.zkaudit.data.ImageNetSample;
import io.zkaudit.data.InputEncoder;
import io.zkaudit.data.PixelRange;
import io.zkaudit.data.Sample;
import io.zkaudit.model.Add;
import io.zkaudit.model.Conv2D;
import io.zkaudit.model.DepthwiseConv2D;
import io.zkaudit.model.FullyConnected;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.Shared;
import io.zkaudit.tflite.TfliteImporter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The integer engine on the real shared models. */
class IntegerEngineTest {

  static QuantizedModel mobilenet() throws Exception {
    return TfliteImporter.loadQuantized(Shared.require("models/mobilenet_v2_1.0_224_quant.tflite"));
  }

  static QuantizedModel resnet8() throws Exception {
    return TfliteImporter.loadQuantized(Shared.require("models/resnet8_cifar10_int8.tflite"));
  }

  @Test
  void mobilenetTraceIsConsistentAndWithinOneStepOfRealArithmetic() throws Exception {
    QuantizedModel m = mobilenet();
    var entries = ImageNetSample.entries(Shared.require("data/imagenet-sample"));
    InputEncoder enc = new InputEncoder(m.input().shapeArray(), 0.875, PixelRange.of(m.input()));
    int[] x = enc.quantized(ImageFiles.read(entries.get(1).file(), 3), m.input()); // goldfish
    IntegerEngine engine = new IntegerEngine(m);
    InferenceTrace trace = engine.trace(x);
    assertEquals(m.description().layers().size(), trace.layers().size());
    assertArrayEquals(engine.infer(x), trace.output(), "trace mode and fast mode must agree");
    int checked = 0;
    for (LayerTrace t : trace.layers()) {
      // accumulators -> outputs through the description's own requantization
      switch (t.layer()) {
        case Conv2D c -> {
          checkRequant(t, c.requantization(), m.description().tensor(c.output()).dim(3));
          checked++;
        }
        case DepthwiseConv2D c -> {
          checkRequant(t, c.requantization(), m.description().tensor(c.output()).dim(3));
          checked++;
        }
        case Add a -> {
          for (int i = 0; i < t.output().length; i++)
            assertEquals(a.finish((int) t.accumulators()[i]), t.output()[i]);
        }
        default -> {}
      }
      // depthwise and small layers fully; big convs are costly in double, so check a few of them
      if (t.layer() instanceof DepthwiseConv2D
          || t.layer() instanceof Add
          || t.index() < 3
          || t.index() > 60) {
        int dev = RealValuedCheck.maxDeviation(m, t);
        assertTrue(
            dev <= 1,
            "layer " + t.layer().name() + " deviates by " + dev + " steps from real arithmetic");
      }
    }
    assertEquals(53, checked);
    int[] logits = trace.tensor(m.logitsTensor());
    assertEquals(2, Predictions.topK(logits, 1)[0], "goldfish is class 2 of 1001");
  }

  private static void checkRequant(LayerTrace t, io.zkaudit.model.Requantization r, int channels) {
    assertNotNull(t.accumulators());
    for (int i = 0; i < t.output().length; i++)
      assertEquals(r.apply(t.accumulators()[i], i % channels), t.output()[i]);
  }

  @Test
  void mobilenetTop1OnFiftyImages() throws Exception {
    QuantizedModel m = mobilenet();
    IntegerEngine engine = new IntegerEngine(m);
    var entries = ImageNetSample.entries(Shared.require("data/imagenet-sample"));
    InputEncoder enc = new InputEncoder(m.input().shapeArray(), 0.875, PixelRange.of(m.input()));
    int correct = 0;
    for (int i = 0; i < 50; i++) {
      var e = entries.get(i * 20);
      int[] logits =
          engine.values(enc.quantized(ImageFiles.read(e.file(), 3), m.input()))[m.logitsTensor()];
      if (Predictions.topK(logits, 1)[0] == e.index() + 1) correct++;
    }
    assertTrue(
        correct >= 32,
        "MobileNet v2 top-1 on 50 sample images: " + correct + "/50 (expected about 70%)");
  }

  @Test
  void resnet8Int8PerChannelWithinOneStepAndAccurate() throws Exception {
    QuantizedModel m = resnet8();
    IntegerEngine engine = new IntegerEngine(m);
    List<Sample> samples = Cifar10.testSet(Shared.require("data/cifar10/test_batch.bin"), 200);
    InputEncoder enc = new InputEncoder(m.input().shapeArray(), 1.0, PixelRange.of(m.input()));
    int correct = 0;
    for (int k = 0; k < samples.size(); k++) {
      Sample s = samples.get(k);
      int[] x = enc.quantized(s.image(), m.input());
      if (k < 3) {
        for (LayerTrace t : engine.trace(x).layers()) {
          if (t.layer() instanceof Conv2D || t.layer() instanceof FullyConnected) {
            int dev = RealValuedCheck.maxDeviation(m, t);
            assertTrue(dev <= 1, "layer " + t.layer().name() + " deviates by " + dev);
          }
        }
      }
      if (Predictions.topK(engine.values(x)[m.logitsTensor()], 1)[0] == s.label()) correct++;
    }
    // the shared CIFAR-10 copy is JPEG-decoded: the float model itself reaches about 76% on it
    assertTrue(correct >= 140, "ResNet-8 int8 top-1 on 200 CIFAR-10 images: " + correct);
  }

  @Test
  void wrongInputSizeOrRangeIsAClearError() throws Exception {
    QuantizedModel m = resnet8();
    IntegerEngine engine = new IntegerEngine(m);
    var e = assertThrows(ModelFormatException.class, () -> engine.infer(new int[10]));
    assertTrue(e.getMessage().contains("3072"), e.getMessage());
    int[] tooBig = new int[3072];
    tooBig[5] = 300;
    assertThrows(ModelFormatException.class, () -> engine.infer(tooBig));
  }
}
