package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.prover.lookup.GroupColumn;
import io.zkaudit.prover.lookup.LookupWitness;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.ResNet8;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Where the memory of a ResNet-8 accuracy proof of N samples goes (docs/benchmarks.md, "Batch proof
 * memory"): the rounds of {@link ProofRun} one by one, with a sampler thread that forces a full
 * collection every second and keeps, per round, the largest heap in use right after one; after the
 * witness round, the witness's arrays by kind (distinct arrays, by identity). The forced
 * collections slow the run down: its times are not benchmarks. Runs only when asked for:
 *
 * <pre>
 * mvn -B -ntp -o verify -pl verifier,prover -Dtest=BatchMemoryProbe \
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip \
 *   -Dsurefire.argLine="-Xmx4g -Xss16m -XX:+UseParallelGC -Dzkaudit.bench.memory=16,32"
 * </pre>
 */
@EnabledIfSystemProperty(named = "zkaudit.bench.memory", matches = "[0-9, ]+")
class BatchMemoryProbe {

  @Test
  void resnet8AccuracyProofMemoryByRound() throws Exception {
    int[] sizes =
        Arrays.stream(System.getProperty("zkaudit.bench.memory").split(","))
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
    for (int n : sizes) {
      List<int[]> batch = inputs.subList(0, n);
      int[] ys = Arrays.copyOf(labels, n);
      System.gc();
      Sampler s = new Sampler();
      long t0 = System.nanoTime();
      ProofRun run =
          new ProofRun(cm, new ProofRun.ProverInput.Accuracy(batch, ys), zk, ProgressListener.NONE);
      s.phase("infer");
      run.infer();
      s.phase("witness");
      run.witness().bindPrivateInput().blind();
      String parts = parts(run.witness);
      s.phase("commit");
      run.commit();
      s.phase("lookups");
      run.proveLookups();
      s.phase("layers");
      run.proveLayers();
      s.phase("openings");
      ModelProof proof = run.open();
      s.phase("end");
      double prove = (System.nanoTime() - t0) / 1e9;
      s.close();
      String result =
          verifier.verifyAccuracy(ModelProof.decode(proof.encode()), batch, ys).toString();
      assertEquals(n, Integer.parseInt(result.substring(result.indexOf('/') + 1).trim()));
      System.out.printf(
          Locale.ROOT,
          "MEMORY-PROBE resnet8 zk=%s N=%d %s prove %.1f s (sampled) max heap %d MiB; live MiB by"
              + " round %s; witness arrays MiB %s%n",
          zk,
          n,
          result,
          prove,
          Runtime.getRuntime().maxMemory() >> 20,
          s.text(),
          parts);
    }
  }

  /** The witness's arrays after the witness round, in MiB by kind, each array counted once. */
  private static String parts(InferenceWitness w) {
    Map<long[], Boolean> seen = new IdentityHashMap<>();
    StringBuilder sb = new StringBuilder();
    sb.append(" accumulators=").append(mib(seen, Arrays.asList(w.accumulators)));
    sb.append(" c1c2=").append(mib(seen, concat(Arrays.asList(w.c1), Arrays.asList(w.c2))));
    sb.append(" columns=").append(mib(seen, Arrays.asList(w.columns)));
    sb.append(" activations=").append(mib(seen, new ArrayList<>(w.activations.values())));
    sb.append(" input=").append(mib(seen, List.of(w.inputTable)));
    for (int l = 0; l < w.lookups.size(); l++) {
      LookupWitness lw = w.lookups.get(l);
      List<long[]> g = new ArrayList<>(); // the held columns only: a rule holds no array
      for (GroupColumn[] cols : lw.columns()) {
        for (GroupColumn c : cols) {
          if (c instanceof GroupColumn.Held h) {
            g.add(h.values());
          }
        }
      }
      sb.append(" lookup").append(l).append("groups=").append(mib(seen, g));
      sb.append(" lookup")
          .append(l)
          .append("mult=")
          .append(mib(seen, List.of(lw.multiplicities())));
      if (lw.blinding() != null) {
        List<long[]> b = new ArrayList<>(Arrays.asList(lw.blinding().numerators()));
        b.addAll(Arrays.asList(lw.blinding().tableTuples()));
        b.add(lw.blinding().tableNumerators());
        sb.append(" lookup").append(l).append("blinding=").append(mib(seen, b));
      }
    }
    List<long[]> pools = new ArrayList<>();
    for (InferenceWitness.PoolWitness p : w.pools) {
      pools.addAll(Arrays.asList(p.taps()));
      pools.addAll(Arrays.asList(p.maxima()));
    }
    sb.append(" pools=").append(mib(seen, pools));
    return sb.toString();
  }

  private static List<long[]> concat(List<long[]> a, List<long[]> b) {
    List<long[]> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static long mib(Map<long[], Boolean> seen, List<long[]> arrays) {
    long bytes = 0;
    for (long[] a : arrays) {
      if (a != null && seen.put(a, Boolean.TRUE) == null) {
        bytes += 8L * a.length;
      }
    }
    return bytes >> 20;
  }

  /** Forces a full collection every second; the largest live heap per phase. */
  private static final class Sampler implements AutoCloseable {
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Map<String, Long> peak = new java.util.LinkedHashMap<>();
    private volatile String phase = "start";
    private volatile boolean running = true;
    private final Thread thread;

    Sampler() {
      thread =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    while (running) {
                      sample();
                      try {
                        Thread.sleep(1000);
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  });
    }

    private synchronized void sample() {
      memory.gc();
      peak.merge(phase, memory.getHeapMemoryUsage().getUsed() >> 20, Math::max);
    }

    void phase(String next) {
      sample(); // what the previous round left
      phase = next;
    }

    String text() {
      StringBuilder sb = new StringBuilder();
      peak.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
      return sb.toString();
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.interrupt();
      thread.join();
    }
  }
}
