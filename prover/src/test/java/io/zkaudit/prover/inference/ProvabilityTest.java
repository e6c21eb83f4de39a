package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.Shared;
import io.zkaudit.tflite.TfliteImporter;
import org.junit.jupiter.api.Test;

class ProvabilityTest {
  @Test
  void shippedModelsAreProvable() throws Exception {
    for (String m : new String[] {"models/resnet8_cifar10_int8.tflite", "models/mobilenet_v2_1.0_224_quant.tflite"}) {
      QuantizedModel q = TfliteImporter.loadQuantized(Shared.require(m));
      long t0 = System.nanoTime();
      Provability p = Provability.of(q);
      System.out.println(m + " " + (System.nanoTime() - t0) / 1e6 + " ms " + p.messages());
      assertTrue(p.provable(), p.messages().toString());
    }
  }
}
