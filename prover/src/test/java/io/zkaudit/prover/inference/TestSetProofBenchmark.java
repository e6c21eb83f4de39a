package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.ResNet8;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The figures of docs/benchmarks.md, "Accuracy proofs about a test-set commitment": for each N of
 * {@code zkaudit.bench.testset} (e.g. 16), a zero-knowledge ResNet-8 accuracy proof about a
 * test-set commitment of N CIFAR-10 test samples and, right after it, the accuracy proof of the
 * same samples and labels given publicly: commit time (the buyer's), prove time, proof bytes by
 * section, verify time (median of five, decoding included). Runs only when asked for:
 *
 * <pre>
 * mvn -B -ntp -o verify -pl verifier,prover -Dtest=TestSetProofBenchmark \
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip \
 *   -Dsurefire.argLine="-Xmx4g -Xss16m -XX:+UseParallelGC -Dzkaudit.bench.testset=16"
 * </pre>
 */
@EnabledIfSystemProperty(named = "zkaudit.bench.testset", matches = "[0-9, ]+")
class TestSetProofBenchmark {

  @Test
  void resnet8TestSetAndPublicAccuracyProofs() throws Exception {
    int[] sizes =
        Arrays.stream(System.getProperty("zkaudit.bench.testset").split(","))
            .map(String::trim)
            .mapToInt(Integer::parseInt)
            .toArray();
    QuantizedModel model = ResNet8.model();
    CommittedModel cm = ModelProver.commit(model);
    int max = Arrays.stream(sizes).max().orElseThrow();
    List<int[]> inputs = ResNet8.inputs(model, max);
    int[] labels = ResNet8.labels(max);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    ModelProver.proveAccuracy(
        cm, inputs.subList(0, 2), Arrays.copyOf(labels, 2), ProgressListener.NONE, true);
    for (int n : sizes) {
      List<int[]> batch = inputs.subList(0, n);
      int[] ys = Arrays.copyOf(labels, n);
      long c0 = System.nanoTime();
      CommittedTestSet testSet = TestSets.commit(cm.vk(), batch, ys);
      double commit = (System.nanoTime() - c0) / 1e9;
      String counted = null;
      for (boolean committed : new boolean[] {true, false}) {
        System.gc();
        long t0 = System.nanoTime();
        ModelProof proof =
            committed
                ? ModelProver.proveAccuracy(cm, testSet, ProgressListener.NONE)
                : ModelProver.proveAccuracy(cm, batch, ys, ProgressListener.NONE, true);
        double prove = (System.nanoTime() - t0) / 1e9;
        byte[] bytes = proof.encode();
        List<Double> verify = new ArrayList<>();
        String result = "";
        for (int r = 0; r < 5; r++) {
          long v0 = System.nanoTime();
          ModelProof decoded = ModelProof.decode(bytes);
          result =
              (committed
                      ? verifier.verifyAccuracy(decoded, testSet.commitment())
                      : verifier.verifyAccuracy(decoded, batch, ys))
                  .toString();
          verify.add((System.nanoTime() - v0) / 1e6);
        }
        if (counted != null) {
          assertEquals(counted, result);
        }
        counted = result;
        verify.sort(null);
        System.out.printf(
            Locale.ROOT,
            "TESTSET-BENCH resnet8 %s N=%d %s commit T %.2f s prove %.2f s (%.3f s/sample) proof %d"
                + " bytes (%.1f KB) verify %.1f ms (median of 5) sections %s%n",
            committed ? "test-set" : "public",
            n,
            result,
            commit,
            prove,
            prove / n,
            bytes.length,
            bytes.length / 1024.0,
            verify.get(2),
            proof.sectionSizes());
      }
    }
  }
}
