package io.zkaudit.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.data.Cifar10;
import io.zkaudit.data.ImageFiles;
import io.zkaudit.data.ImageNetSample;
import io.zkaudit.data.InputEncoder;
import io.zkaudit.data.PixelRange;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.Shared;
import io.zkaudit.tflite.TfliteImporter;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Agreement with Arm NN (Debian python3-pyarmnn 22.0, reference CPU backend), an independent TFLite
 * runtime. Its outputs were produced by prover/src/test/fixtures/pyarmnn_reference.py from the
 * exact input bytes zkaudit feeds (zkaudit eval --dump-inputs) and are committed under
 * src/test/resources/reference. Arm NN's reference backend dequantizes and computes in float, so it
 * is not bit-exact with TFLite's integer kernels; the thresholds are what we measured, minus a
 * margin.
 */
class ReferenceRuntimeTest {

  private static byte[] reference(String name) throws Exception {
    try (InputStream in = ReferenceRuntimeTest.class.getResourceAsStream("/reference/" + name)) {
      return new GZIPInputStream(in).readAllBytes();
    }
  }

  @Test
  void resnet8AgreesWithArmNn() throws Exception {
    QuantizedModel m =
        TfliteImporter.loadQuantized(Shared.require("models/resnet8_cifar10_int8.tflite"));
    IntegerEngine engine = new IntegerEngine(m);
    byte[] ref = reference("resnet8_int8_pyarmnn.bin.gz");
    var samples =
        Cifar10.testSet(
            Shared.require("data/cifar10/test_batch.bin"), 1000); // the reference's 1000 samples
    InputEncoder enc = new InputEncoder(m.input().shapeArray(), 1.0, PixelRange.of(m.input()));
    int n = 300, agree = 0;
    long absDiff = 0;
    for (int i = 0; i < n; i++) {
      int[] out = engine.infer(enc.quantized(samples.get(i).image(), m.input()));
      int[] theirs = new int[10];
      for (int k = 0; k < 10; k++) theirs[k] = ref[i * 10 + k];
      for (int k = 0; k < 10; k++) absDiff += Math.abs(out[k] - theirs[k]);
      if (Predictions.topK(out, 1)[0] == Predictions.topK(theirs, 1)[0]) agree++;
    }
    assertTrue(agree >= 0.94 * n, "top-1 agreement with Arm NN " + agree + "/" + n);
    assertTrue(
        absDiff / (10.0 * n) < 3.0, "mean |difference| of softmax outputs " + absDiff / (10.0 * n));
  }

  @Test
  void mobilenetAgreesWithArmNnOnTheReferencePrefix() throws Exception {
    QuantizedModel m =
        TfliteImporter.loadQuantized(Shared.require("models/mobilenet_v2_1.0_224_quant.tflite"));
    IntegerEngine engine = new IntegerEngine(m);
    byte[] ref = reference("mobilenet_v2_pyarmnn_prefix.bin.gz");
    var entries = ImageNetSample.entries(Shared.require("data/imagenet-sample"));
    InputEncoder enc = new InputEncoder(m.input().shapeArray(), 0.875, PixelRange.of(m.input()));
    int n = Math.min(40, ref.length / 1001), agree = 0;
    long absDiff = 0;
    for (int i = 0; i < n; i++) {
      int[] out = engine.infer(enc.quantized(ImageFiles.read(entries.get(i).file(), 3), m.input()));
      int[] theirs = new int[1001];
      for (int k = 0; k < 1001; k++) theirs[k] = ref[i * 1001 + k] & 0xFF;
      for (int k = 0; k < 1001; k++) absDiff += Math.abs(out[k] - theirs[k]);
      if (Predictions.topK(out, 1)[0] == Predictions.topK(theirs, 1)[0]) agree++;
    }
    assertTrue(n >= 40, "reference prefix too short");
    assertTrue(agree >= n - 3, "top-1 agreement with Arm NN " + agree + "/" + n);
    assertTrue(
        absDiff / (1001.0 * n) < 0.05,
        "mean |difference| of softmax outputs " + absDiff / (1001.0 * n));
  }
}
