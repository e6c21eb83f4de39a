package io.zkaudit.protocols;

import io.zkaudit.data.SharedData;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.tflite.TfliteImporter;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;

/**
 * ResNet-8 (proves in about a second), committed once per test JVM with its weight range proof, and
 * a copy with one weight changed.
 */
final class Resnet8 {
  private Resnet8() {}

  private static CommittedModel honest;
  private static CommittedModel altered;

  static synchronized CommittedModel model() throws Exception {
    if (honest == null) {
      // Certified once: every seller fixture registers it, and its key ships the range proof.
      honest = io.zkaudit.prover.inference.WeightRangeProver.certified(ModelProver.commit(load()));
    }
    return honest;
  }

  /** The same architecture with one weight off by one: "another model" for a cheating seller. */
  static synchronized CommittedModel otherModel() throws Exception {
    if (altered == null) {
      QuantizedModel q = load();
      Map<Integer, int[]> constants = new HashMap<>(q.constants());
      int largest =
          constants.entrySet().stream()
              .max((a, b) -> Integer.compare(a.getValue().length, b.getValue().length))
              .orElseThrow()
              .getKey();
      int[] w = constants.get(largest).clone();
      w[0] = w[0] == 0 ? 1 : w[0] - Integer.signum(w[0]);
      constants.put(largest, w);
      altered = ModelProver.commit(new QuantizedModel(q.description(), constants));
    }
    return altered;
  }

  static int[] input(long seed) throws Exception {
    CommittedModel m = model();
    TensorSpec spec = m.model().description().tensor(m.circuit().inputTensor());
    Random r = new Random(seed);
    int[] x = new int[spec.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = spec.type().min() + r.nextInt(spec.type().max() - spec.type().min() + 1);
    }
    return x;
  }

  private static QuantizedModel load() throws Exception {
    var file = SharedData.resolve("models/resnet8_cifar10_int8.tflite");
    Assumptions.assumeTrue(
        file.isPresent(),
        "skipped: ../shared/models/resnet8_cifar10_int8.tflite is not present (it is in CI)");
    return TfliteImporter.loadQuantized(file.get());
  }
}
