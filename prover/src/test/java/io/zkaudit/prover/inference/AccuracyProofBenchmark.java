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
 * The figures of docs/benchmarks.md, "Accuracy proofs": for each N of the system property {@code
 * zkaudit.bench.accuracy} (e.g. 4,16), a ResNet-8 accuracy proof of N CIFAR-10 test samples and,
 * right after it, the batch proof of the same N (the comparison), zero-knowledge unless {@code
 * zkaudit.bench.zk=false}: prove time, proof bytes by section, verify time (median of five). One
 * warm-up accuracy proof of 2 samples first. Runs only when asked for:
 *
 * <pre>
 * mvn -B -ntp -o verify -pl verifier,prover -Dtest=AccuracyProofBenchmark \
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip \
 *   -Dsurefire.argLine="-Xmx4g -Xss16m -XX:+UseParallelGC -Dzkaudit.bench.accuracy=4,16"
 * </pre>
 *
 * <p>The heap: the witness of N padded samples is held in memory, ~64 MB each at the peak
 * (docs/benchmarks.md, "Batch proof memory"); with ParallelGC N = 32 fits -Xmx4g, N = 64 -Xmx8g, N
 * = 128 needs about 13 GB.
 */
@EnabledIfSystemProperty(named = "zkaudit.bench.accuracy", matches = "[0-9, ]+")
class AccuracyProofBenchmark {

  @Test
  void resnet8AccuracyAndBatchProofs() throws Exception {
    int[] sizes =
        Arrays.stream(System.getProperty("zkaudit.bench.accuracy").split(","))
            .map(String::trim)
            .mapToInt(Integer::parseInt)
            .toArray();
    boolean zk = !"false".equals(System.getProperty("zkaudit.bench.zk"));
    QuantizedModel model = ResNet8.model();
    CommittedModel cm = ModelProver.commit(model);
    int max = Arrays.stream(sizes).max().orElseThrow();
    List<int[]> inputs = ResNet8.inputs(model, max);
    int[] labels = ResNet8.labels(max);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    ModelProver.proveAccuracy(
        cm, inputs.subList(0, 2), Arrays.copyOf(labels, 2), ProgressListener.NONE, zk);
    for (int n : sizes) {
      List<int[]> batch = inputs.subList(0, n);
      int[] ys = Arrays.copyOf(labels, n);
      for (boolean accuracy : new boolean[] {true, false}) {
        System.gc();
        Phases phases = new Phases();
        long t0 = System.nanoTime();
        ModelProof proof =
            accuracy
                ? ModelProver.proveAccuracy(cm, batch, ys, phases, zk)
                : ModelProver.proveBatch(cm, batch, phases, zk);
        double prove = (System.nanoTime() - t0) / 1e9;
        byte[] bytes = proof.encode();
        List<Double> verify = new ArrayList<>();
        String result = "";
        for (int r = 0; r < 5; r++) {
          long v0 = System.nanoTime();
          ModelProof decoded = ModelProof.decode(bytes);
          if (accuracy) {
            result = verifier.verifyAccuracy(decoded, batch, ys).toString();
          } else {
            assertEquals(n, verifier.verifyBatch(decoded, batch).size());
          }
          verify.add((System.nanoTime() - v0) / 1e6);
        }
        verify.sort(null);
        System.out.printf(
            Locale.ROOT,
            "ACCURACY-BENCH resnet8 %s zk=%s N=%d %s prove %.2f s (%.3f s/sample) proof %d bytes"
                + " (%.1f KB) verify %.1f ms (median of 5) witness bins of 2^%s entries phases%s"
                + " sections %s%n",
            accuracy ? "accuracy" : "batch",
            zk,
            n,
            result,
            prove,
            prove / n,
            bytes.length,
            bytes.length / 1024.0,
            verify.get(2),
            binVars(verifier, proof),
            phases.text,
            proof.sectionSizes());
      }
    }
  }

  /** The witness commitments' sizes (log2 entries), which the commit and opening times follow. */
  private static String binVars(ModelVerifier verifier, ModelProof proof) throws Exception {
    io.zkaudit.pcs.ColumnBins bins = verifier.bins(proof);
    List<Integer> vars = new ArrayList<>();
    for (int b = 0; b < bins.bins(); b++) {
      vars.add(bins.layout(b).numVars());
    }
    return vars.toString();
  }

  /** The time between progress reports, by phase. */
  private static final class Phases implements ProgressListener {
    final StringBuilder text = new StringBuilder();
    long last = System.nanoTime();
    String current = "start";

    @Override
    public void progress(String phase, long done, long total) {
      long now = System.nanoTime();
      text.append(String.format(Locale.ROOT, " %s %.2f s,", current, (now - last) / 1e9));
      last = now;
      current = phase;
    }
  }
}
