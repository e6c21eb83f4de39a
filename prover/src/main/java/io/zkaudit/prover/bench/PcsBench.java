package io.zkaudit.prover.bench;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.parallel.Parallel;
import io.zkaudit.pcs.BasefoldVerifier;
import io.zkaudit.pcs.EvalClaim;
import io.zkaudit.pcs.OpeningProof;
import io.zkaudit.pcs.PcsParams;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.pcs.BasefoldProver;
import io.zkaudit.prover.pcs.Committed;
import io.zkaudit.transcript.Transcript;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Benchmark of the Basefold commitment: commit, open (2 claims at random points), verify, proof
 * size and peak heap, for 2^20, 2^22, 2^24 base-field evaluations; medians of several runs.
 *
 * <p>Run (after {@code mvn -pl verifier,prover package -DskipTests}): {@code java -Xmx3g -cp
 * verifier/target/classes:prover/target/classes:$BCPROV io.zkaudit.prover.bench.PcsBench [runs]
 * [logSizes...]} The CLI calls {@link #run} and prints {@link #format}.
 */
public final class PcsBench {
  private PcsBench() {}

  /** One size's medians. Times in milliseconds, sizes in bytes / MiB. */
  public record Row(
      int logSize,
      String params,
      double commitMs,
      double commitCpuMs,
      double openMs,
      double openCpuMs,
      double verifyMs,
      int proofBytes,
      long peakHeapMiB,
      double provableBits,
      double conjecturedBits) {}

  public static List<Row> run(PcsParams params, String paramsName, int runs, int... logSizes)
      throws InvalidProofException {
    List<Row> rows = new ArrayList<>();
    for (int logSize : logSizes) {
      rows.add(runOne(params, paramsName, runs, logSize));
    }
    return rows;
  }

  private static Row runOne(PcsParams params, String name, int runs, int n)
      throws InvalidProofException {
    BasefoldProver prover = new BasefoldProver(params);
    BasefoldVerifier verifier = new BasefoldVerifier(params);
    double[] commit = new double[runs];
    double[] open = new double[runs];
    double[] commitCpu = new double[runs];
    double[] openCpu = new double[runs];
    List<Double> verify = new ArrayList<>();
    int proofBytes = 0;
    long peak = 0;
    SplittableRandom rng = new SplittableRandom(n);
    for (int run = 0; run < runs; run++) {
      long[] f = new long[1 << n];
      for (int i = 0; i < f.length; i++) {
        f[i] = Goldilocks.random(rng);
      }
      List<EvalClaim> claims = new ArrayList<>();
      for (int k = 0; k < 2; k++) {
        Ext2[] z = new Ext2[n];
        for (int j = 0; j < n; j++) {
          z[j] = Ext2.random(rng);
        }
        claims.add(new EvalClaim(z, Mle.evaluate(f, z)));
      }
      System.gc();
      resetPeaks();
      long c0 = processCpuNanos();
      long t0 = System.nanoTime();
      Committed com = prover.commit(f);
      long t1 = System.nanoTime();
      long c1 = processCpuNanos();
      OpeningProof proof = prover.open(com, claims, new Transcript("zkaudit/bench/pcs"));
      long t2 = System.nanoTime();
      long c2 = processCpuNanos();
      commitCpu[run] = (c1 - c0) / 1e6;
      openCpu[run] = (c2 - c1) / 1e6;
      peak = Math.max(peak, peakHeapMiB());
      commit[run] = (t1 - t0) / 1e6;
      open[run] = (t2 - t1) / 1e6;
      byte[] enc = proof.encode();
      proofBytes = enc.length;
      io.zkaudit.pcs.Commitment c = com.commitment();
      com = null; // let the prover's tables go before verifying
      for (int v = 0;
          v < 25;
          v++) { // decode + verify; the first 10 warm the JIT up and are not counted
        long v0 = System.nanoTime();
        OpeningProof decoded = OpeningProof.decode(enc, params, n);
        verifier.verify(c, claims, decoded, new Transcript("zkaudit/bench/pcs"));
        if (v >= 10) {
          verify.add((System.nanoTime() - v0) / 1e6);
        }
      }
    }
    PcsParams.Security s = params.security(n, 2);
    return new Row(
        n,
        name,
        median(commit),
        median(commitCpu),
        median(open),
        median(openCpu),
        median(verify.stream().mapToDouble(Double::doubleValue).toArray()),
        proofBytes,
        peak,
        s.provable(),
        s.conjectured());
  }

  /** CPU time of the whole process (all threads, GC included), or 0 if the JVM cannot tell. */
  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        p.resetPeakUsage();
      }
    }
  }

  private static long peakHeapMiB() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum >> 20;
  }

  private static String loadAverage() {
    return String.format(
        "%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  public static String format(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "%-6s %-12s %10s %10s %10s %10s %10s %11s %9s %9s %9s%n",
            "size",
            "params",
            "commit ms",
            "(cpu ms)",
            "open ms",
            "(cpu ms)",
            "verify ms",
            "proof B",
            "heap MiB",
            "prov.bits",
            "conj.bits"));
    for (Row r : rows) {
      sb.append(
          String.format(
              "2^%-4d %-12s %10.0f %10.0f %10.0f %10.0f %10.2f %11d %9d %9.1f %9.1f%n",
              r.logSize,
              r.params,
              r.commitMs,
              r.commitCpuMs,
              r.openMs,
              r.openCpuMs,
              r.verifyMs,
              r.proofBytes,
              r.peakHeapMiB,
              r.provableBits,
              r.conjecturedBits));
    }
    return sb.toString();
  }

  public static void main(String[] args) throws InvalidProofException {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int[] sizes =
        args.length > 1
            ? Arrays.stream(args).skip(1).mapToInt(Integer::parseInt).toArray()
            : new int[] {20, 22, 24};
    System.out.println(
        "load "
            + loadAverage()
            + ", threads "
            + Parallel.threads()
            + ", max heap "
            + (Runtime.getRuntime().maxMemory() >> 20)
            + " MiB, runs "
            + runs);
    List<Row> rows = new ArrayList<>(run(PcsParams.provable100(), "provable100", runs, sizes));
    rows.addAll(run(PcsParams.conjectured100(), "conject100", 1, sizes[sizes.length - 1]));
    System.out.print(format(rows));
  }
}
