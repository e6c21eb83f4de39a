package io.zkaudit.cli;

import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.prover.inference.CommittedInput;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ModelProver;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * zkaudit bench prove: median prove and verify times, proof size, peak heap and where the prover's
 * time goes, over several proofs of one input.
 */
@Command(
    name = "prove",
    mixinStandardHelpOptions = true,
    description =
        "Prove and verify one input several times; print medians, proof size, peak heap and the"
            + " prover's phases.")
final class BenchProveCommand implements Callable<Integer> {
  @Mixin ModelFileOption.Committed model;

  @Option(
      names = "--input",
      description = "image or tensor (default: a deterministic pseudo-random input)")
  Path input;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "timed proofs (default ${DEFAULT-VALUE})")
  int runs;

  @Option(
      names = "--zk",
      defaultValue = "on",
      description =
          "on: zero-knowledge proofs (the default); off: without (benchmarking only); both:"
              + " alternate the two in each run and print the overhead of zero knowledge; private:"
              + " alternate zero-knowledge proofs about a committed, private input with ordinary"
              + " ones and print the overhead of the private input")
  String zk;

  @Option(
      names = "--live-heap",
      description =
          "also sample the live heap: a full collection every second during the timed runs, the"
              + " largest heap in use after one is printed (what the prover needs, unlike the"
              + " pools' peak); the collections slow the runs, so their times are not comparable")
  boolean liveHeap;

  /** The measurements of one proof mode over the runs. */
  private record Series(
      String name,
      boolean zk,
      boolean privateInput,
      double[] prove,
      double[] verify,
      int[] size,
      Map<String, double[]> phases,
      Map<String, Integer> anatomy) {
    Series(String name, boolean zk, boolean privateInput, int runs) {
      this(
          name,
          zk,
          privateInput,
          new double[runs],
          new double[runs],
          new int[runs],
          new LinkedHashMap<>(),
          new LinkedHashMap<>());
    }
  }

  /** The last proof's bytes by section, largest first. */
  private static void printAnatomy(Series s) {
    int total = s.anatomy().values().stream().mapToInt(Integer::intValue).sum();
    System.out.println("| proof section (" + s.name() + ") | bytes | share |");
    System.out.println("|---|---:|---:|");
    s.anatomy().entrySet().stream()
        .sorted((a, b) -> b.getValue() - a.getValue())
        .forEach(
            e ->
                System.out.printf(
                    Locale.ROOT,
                    "| %s | %,d | %.1f%% |%n",
                    e.getKey(),
                    e.getValue(),
                    100.0 * e.getValue() / total));
  }

  /** Median wall-clock time of the exact integer inference the proof is about (5 warm-up runs). */
  private static double medianInferenceMs(CommittedModel cm, int[] x) {
    return median(
        BenchInferCommand.timesMs(new io.zkaudit.engine.IntegerEngine(cm.model()), x, 5, 15));
  }

  /** The live-heap sampler of the timed runs, if {@code --live-heap}. */
  private LiveHeapSampler sampler;

  /** The input's commitment, for the private-input series (made once, as its holder would). */
  private CommittedInput committedInput;

  @Override
  public Integer call() throws Exception {
    if (runs < 1 || runs > 50) {
      throw CliException.usage("--runs must be between 1 and 50");
    }
    List<Series> series =
        switch (zk) {
          case "on" -> List.of(new Series("zero knowledge", true, false, runs));
          case "off" -> List.of(new Series("no zero knowledge", false, false, runs));
          case "both" ->
              List.of(
                  new Series("zero knowledge", true, false, runs),
                  new Series("no zero knowledge", false, false, runs));
          case "private" ->
              List.of(
                  new Series("private input", true, true, runs),
                  new Series("zero knowledge", true, false, runs));
          default -> throw CliException.usage("--zk must be on, off, both or private");
        };
    long c0 = System.nanoTime();
    CommittedModel cm = model.commit(series.stream().anyMatch(Series::zk));
    double commitS = (System.nanoTime() - c0) / 1e9;
    TensorSpec in = cm.model().description().tensor(cm.circuit().inputTensor());
    int[] x = input != null ? ProofInputs.read(input, in) : pseudoRandom(in);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    if (series.getFirst().privateInput()) {
      committedInput = ModelProver.commitInput(cm, x, null);
    }
    // The live heap is sampled from the warm-up on: a proof that runs out of memory there says in
    // which phase (HeapNeed, printed by Main).
    LiveHeapSampler sampler = liveHeap ? new LiveHeapSampler(1000) : null;
    this.sampler = sampler;
    // Warm-up proofs: the JIT compiles the kernels (not counted).
    for (Series s : series) {
      check(
          verifier,
          prove(
              cm,
              x,
              s,
              (phase, d, t) -> {
                HeapNeed.expect("proving (warm-up), phase " + phase, 0);
                if (sampler != null) {
                  sampler.phase(phase);
                }
              }),
          x,
          s);
    }
    resetPeaks();
    // Modes alternate within a run, so that a change of machine load affects both alike.
    for (int r = 0; r < runs; r++) {
      for (Series s : series) {
        measure(cm, verifier, x, s, r);
      }
    }
    if (sampler != null) {
      sampler.close();
    }
    long peakMiB = peakHeapMiB();
    double inferMs = medianInferenceMs(cm, x);
    System.out.printf(
        Locale.ROOT,
        "%s, %d runs, %d cores, load %.1f, max heap %d MiB%n",
        model.fileName(),
        runs,
        Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        Runtime.getRuntime().maxMemory() >> 20);
    System.out.println(
        "| model | proofs | prove (median) | verify (median) | proof | peak heap | weight"
            + " commitment (once) |");
    System.out.println("|---|---|---:|---:|---:|---:|---:|");
    for (Series s : series) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %.2f s | %.1f ms | %.0f KB | %d MiB | %.2f s |%n",
          model.fileName(),
          s.name(),
          median(s.prove()),
          median(s.verify()),
          s.size()[0] / 1024.0,
          peakMiB,
          commitS);
    }
    System.out.printf(
        Locale.ROOT,
        "verify: per run the median of %d decodes and verifications of its proof%n",
        VERIFY_REPEATS);
    if (sampler != null) {
      System.out.printf(
          Locale.ROOT,
          "live heap: at most %d MiB after a forced full collection (one a second or less often,"
              + " from the warm-up on; the times above include them)%n",
          sampler.maxLiveMiB());
      System.out.println("| live heap by prover phase (largest after a forced collection) | MiB |");
      System.out.println("|---|---:|");
      sampler
          .maxLiveMiBByPhase()
          .forEach((k, v) -> System.out.printf(Locale.ROOT, "| %s | %,d |%n", k, v));
    }
    System.out.printf(
        Locale.ROOT,
        "%nplain integer inference (same process, median of 15 after 5 warm-up): %.1f ms%n",
        inferMs);
    for (Series s : series) {
      System.out.printf(
          Locale.ROOT,
          "prove / inference (%s): %.0f×%n",
          s.name(),
          1000 * median(s.prove()) / inferMs);
    }
    if (series.size() == 2) {
      Series z = series.get(0);
      Series p = series.get(1);
      double[] ratio = new double[runs];
      for (int r = 0; r < runs; r++) {
        ratio[r] = z.prove()[r] / p.prove()[r];
      }
      System.out.printf(
          Locale.ROOT,
          "%n%s overhead: prove %+.1f%% (median of per-run ratios), proof size %+.1f%%%n",
          z.privateInput() ? "private-input" : "zero-knowledge",
          100 * (median(ratio) - 1),
          100.0 * (z.size()[0] - p.size()[0]) / p.size()[0]);
    }
    for (Series s : series) {
      System.out.println();
      System.out.println("| prover phase (" + s.name() + ") | median |");
      System.out.println("|---|---:|");
      for (var e : s.phases().entrySet()) {
        System.out.printf(Locale.ROOT, "| %s | %.2f s |%n", e.getKey(), median(e.getValue()));
      }
    }
    for (Series s : series) {
      System.out.println();
      printAnatomy(s);
      System.out.print(verifier.soundness(s.zk(), s.privateInput()).table());
    }
    printLayerTypes(cm);
    return Main.EXIT_OK;
  }

  private void measure(CommittedModel cm, ModelVerifier verifier, int[] x, Series s, int run)
      throws Exception {
    long[] last = {System.nanoTime()};
    String[] current = {null};
    long t0 = System.nanoTime();
    ModelProof proof =
        prove(
            cm,
            x,
            s,
            (phase, done, total) -> {
              long now = System.nanoTime();
              if (current[0] != null) {
                s.phases().computeIfAbsent(current[0], k -> new double[runs])[run] +=
                    (now - last[0]) / 1e9;
              }
              current[0] = phase;
              last[0] = now;
              HeapNeed.expect("proving, phase " + phase, 0);
              if (sampler != null) {
                sampler.phase(phase);
              }
            });
    s.prove()[run] = (System.nanoTime() - t0) / 1e9;
    byte[] bytes = proof.encode();
    s.size()[run] = bytes.length;
    s.anatomy().clear();
    s.anatomy().putAll(proof.sectionSizes());
    // A run's verification time: the median of several decodes and verifications of its proof, so
    // that the figure is the verifier's steady state (a seller's buyers and a contract verify many
    // proofs), not the just-in-time compiler's first passes or a collection of the prover's
    // garbage.
    double[] v = new double[VERIFY_REPEATS];
    for (int k = 0; k < v.length; k++) {
      long v0 = System.nanoTime();
      check(verifier, ModelProof.decode(bytes), x, s);
      v[k] = (System.nanoTime() - v0) / 1e6;
    }
    s.verify()[run] = median(v);
  }

  /** Verifications of each proof measured (their median is the run's verification time). */
  static final int VERIFY_REPEATS = 9;

  private ModelProof prove(
      CommittedModel cm, int[] x, Series s, io.zkaudit.prover.inference.ProgressListener progress) {
    return s.privateInput()
        ? ModelProver.prove(cm, committedInput, progress)
        : ModelProver.prove(cm, x, progress, s.zk());
  }

  private void check(ModelVerifier verifier, ModelProof proof, int[] x, Series s) throws Exception {
    if (s.privateInput()) {
      verifier.verifyCommitted(proof, committedInput.commitment());
    } else {
      verifier.verify(proof, x);
    }
  }

  /**
   * Where the committed data and the lookups come from, per layer type: commitment and lookup work
   * is proportional to these entries (each rounding layer commits its padded output and two range
   * witnesses and looks up three tuples per entry; an ADD also its rescaled inputs).
   */
  private static void printLayerTypes(CommittedModel cm) {
    Map<String, long[]> byType =
        new LinkedHashMap<>(); // layers, real outputs, padded outputs, committed, lookups
    long totalCommitted = 0;
    long totalLookups = 0;
    for (ModelCircuit.ProvenLayer p : cm.circuit().layers()) {
      String type = p.layer().getClass().getSimpleName();
      long padded = p.outLayout().paddedSize();
      long committed = padded * (p.columns().out() >= 0 ? 3 : 2);
      long lookups = padded * 3;
      if (p instanceof ModelCircuit.AddLayer a) {
        for (int side = 0; side < 2; side++) {
          if (!a.isConstant(side)) {
            committed += padded;
            lookups += padded;
          }
        }
      }
      long[] acc = byType.computeIfAbsent(type, k -> new long[5]);
      acc[0]++;
      acc[1] += p.outLayout().realSize();
      acc[2] += padded;
      acc[3] += committed;
      acc[4] += lookups;
      totalCommitted += committed;
      totalLookups += lookups;
    }
    System.out.println();
    System.out.println(
        "| layer type | layers | output entries (real / padded) | committed entries | lookup leaves"
            + " |");
    System.out.println("|---|---:|---:|---:|---:|");
    for (var e : byType.entrySet()) {
      long[] a = e.getValue();
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %,d / %,d | %,d (%.0f%%) | %,d (%.0f%%) |%n",
          e.getKey(),
          a[0],
          a[1],
          a[2],
          a[3],
          100.0 * a[3] / totalCommitted,
          a[4],
          100.0 * a[4] / totalLookups);
    }
  }

  static int[] pseudoRandom(TensorSpec spec) {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(2026);
    int[] x = new int[spec.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = spec.type().min() + rng.nextInt(spec.type().max() - spec.type().min() + 1);
    }
    return x;
  }

  static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
  }

  /** Sum of the heap pools' peaks: an upper bound on the live heap at any moment. */
  private static long peakHeapMiB() {
    List<Long> peaks = new ArrayList<>();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        peaks.add(pool.getPeakUsage().getUsed());
      }
    }
    return peaks.stream().mapToLong(Long::longValue).sum() >> 20;
  }
}
