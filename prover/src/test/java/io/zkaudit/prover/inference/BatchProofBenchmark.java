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
 * The figures of docs/benchmarks.md, "Batched proofs": ResNet-8 batch proofs of the sizes in the
 * system property {@code zkaudit.bench.batch} (e.g. 1,4,16), zero-knowledge unless {@code
 * zkaudit.bench.zk=false}: prove time (one warm-up proof first), proof size, verify time (median of
 * five). Runs only when asked for:
 *
 * <pre>
 * mvn -B -ntp -o verify -pl verifier,prover -Dtest=BatchProofBenchmark \
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip \
 *   -Dsurefire.argLine="-Xmx4g -Xss16m -XX:+UseParallelGC -Dzkaudit.bench.batch=1,4,16"
 * </pre>
 *
 * <p>The heap: the witness of N padded samples is held in memory, ~64 MB each at the peak
 * (docs/benchmarks.md, "Batch proof memory"); with ParallelGC N = 32 fits -Xmx4g, N = 64 -Xmx8g, N
 * = 128 needs about 13 GB.
 */
@EnabledIfSystemProperty(named = "zkaudit.bench.batch", matches = "[0-9, ]+")
class BatchProofBenchmark {

  @Test
  void resnet8Batches() throws Exception {
    int[] sizes =
        Arrays.stream(System.getProperty("zkaudit.bench.batch").split(","))
            .map(String::trim)
            .mapToInt(Integer::parseInt)
            .toArray();
    boolean zk = !"false".equals(System.getProperty("zkaudit.bench.zk"));
    QuantizedModel model = ResNet8.model();
    CommittedModel cm = ModelProver.commit(model);
    List<int[]> inputs = ResNet8.inputs(model, Arrays.stream(sizes).max().orElseThrow());
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    ModelProver.proveBatch(cm, inputs.subList(0, 1), ProgressListener.NONE, zk); // warm-up
    for (int n : sizes) {
      List<int[]> batch = inputs.subList(0, n);
      System.gc();
      StringBuilder phases = new StringBuilder();
      long[] last = {System.nanoTime()};
      String[] current = {"start"};
      ProgressListener timing =
          (phase, done, total) -> {
            long now = System.nanoTime();
            phases.append(
                String.format(Locale.ROOT, " %s %.2f s,", current[0], (now - last[0]) / 1e9));
            last[0] = now;
            current[0] = phase;
          };
      long t0 = System.nanoTime();
      ModelProof proof = ModelProver.proveBatch(cm, batch, timing, zk);
      double prove = (System.nanoTime() - t0) / 1e9;
      byte[] bytes = proof.encode();
      List<Double> verify = new ArrayList<>();
      for (int r = 0; r < 5; r++) {
        long v0 = System.nanoTime();
        assertEquals(n, verifier.verifyBatch(ModelProof.decode(bytes), batch).size());
        verify.add((System.nanoTime() - v0) / 1e6);
      }
      verify.sort(null);
      System.out.printf(
          Locale.ROOT,
          "BATCH-BENCH resnet8 zk=%s N=%d prove %.2f s (%.3f s/sample) proof %d bytes"
              + " (%.1f KB) verify %.1f ms (median of 5) phases%s sections %s%n",
          zk,
          n,
          prove,
          prove / n,
          bytes.length,
          bytes.length / 1024.0,
          verify.get(2),
          phases,
          proof.sectionSizes());
    }
  }
}
