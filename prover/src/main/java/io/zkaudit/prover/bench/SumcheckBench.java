package io.zkaudit.prover.bench;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.field.FastField;
import io.zkaudit.prover.sumcheck.SumcheckProver;
import io.zkaudit.prover.sumcheck.VirtualPolynomial;
import io.zkaudit.sumcheck.SumcheckVerifier;
import io.zkaudit.transcript.Transcript;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Sumcheck and field benchmarks: prints a table of medians and returns the rows for {@code zkaudit
 * bench core}. Run: {@code java -cp ... io.zkaudit.prover.bench.SumcheckBench [logSize] [runs]}.
 */
public final class SumcheckBench {
  private SumcheckBench() {}

  /**
   * One measured case: wall-clock median, min and max over the runs, in milliseconds; the median
   * process CPU time (all threads, including GC and JIT) which stays meaningful when the machine is
   * shared; and a note (throughput, verification time, proof size).
   */
  public record Row(
      String name,
      int logSize,
      int runs,
      double medianMs,
      double minMs,
      double maxMs,
      double cpuMs,
      String note) {
    @Override
    public String toString() {
      return String.format(
          "%-44s 2^%-3d %4d  %10.1f %10.1f %10.1f %10.1f  %s",
          name, logSize, runs, medianMs, minMs, maxMs, cpuMs, note);
    }
  }

  public static String header() {
    return String.format(
        "%-44s %-5s %4s  %10s %10s %10s %10s  %s",
        "case", "size", "runs", "median ms", "min ms", "max ms", "cpu ms", "");
  }

  /** Process CPU time in nanoseconds (all threads), or -1 where the JVM does not report it. */
  public static long cpuNanos() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /**
   * The one-minute load average, printed with the table: figures from a loaded machine are slower.
   */
  public static String machine() {
    return String.format(
        "threads: %d, max heap %d MB, load average %.2f",
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() / (1 << 20),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static Row row(String name, int logSize, double[] ms, double[] cpu, String note) {
    return new Row(
        name,
        logSize,
        ms.length,
        median(ms),
        Arrays.stream(ms).min().orElse(0),
        Arrays.stream(ms).max().orElse(0),
        median(cpu),
        note);
  }

  static long[] randomBase(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    long[] t = new long[1 << n];
    for (int i = 0; i < t.length; i++) {
      t[i] = Goldilocks.reduce64(rng.nextLong());
    }
    return t;
  }

  /** Degree-2 sumchecks over 2^logSize: f*g (base tables), and eq(z,x)*f*g. */
  public static List<Row> sumcheck(int logSize, int runs) {
    List<Row> rows = new ArrayList<>();
    long[] f = randomBase(logSize, 1);
    long[] g = randomBase(logSize, 2);
    for (boolean withEq : new boolean[] {false, true}) {
      double[] ms = new double[runs];
      double[] cpu = new double[runs];
      double verifyMs = 0;
      for (int run = 0; run < runs; run++) {
        VirtualPolynomial vp = new VirtualPolynomial(logSize);
        vp.addTerm(Ext2.ONE, vp.addBase(f), vp.addBase(g));
        Ext2[] z = null;
        if (withEq) {
          z = new Transcript("bench-z").challengeExts("z", logSize);
          vp.setEq(z);
        }
        Ext2 claim = claim(f, g, z);
        long c0 = cpuNanos();
        long t0 = System.nanoTime();
        SumcheckProver.Output out = SumcheckProver.prove(vp, claim, new Transcript("bench"));
        ms[run] = (System.nanoTime() - t0) / 1e6;
        cpu[run] = (cpuNanos() - c0) / 1e6;
        long t1 = System.nanoTime();
        try {
          SumcheckVerifier.verify(
              vp.composition(), z, logSize, claim, out.proof(), new Transcript("bench"));
        } catch (InvalidProofException e) {
          throw new IllegalStateException("benchmark proof rejected", e);
        }
        verifyMs = (System.nanoTime() - t1) / 1e6;
      }
      rows.add(
          row(
              withEq ? "sumcheck prove eq*f*g (deg 3 rounds)" : "sumcheck prove f*g (degree 2)",
              logSize,
              ms,
              cpu,
              String.format("verify %.2f ms", verifyMs)));
    }
    return rows;
  }

  /**
   * The hypercube sum, computed directly (so that the benchmark needs no O(n 2^n)
   * VirtualPolynomial.sum).
   */
  static Ext2 claim(long[] f, long[] g, Ext2[] z) {
    if (z == null) {
      long s = 0;
      for (int i = 0; i < f.length; i++) {
        s = Goldilocks.add(s, Goldilocks.mul(f[i], g[i]));
      }
      return Ext2.of(s);
    }
    long[] eq = io.zkaudit.poly.Mle.eqTable(z);
    long s0 = 0;
    long s1 = 0;
    for (int i = 0; i < f.length; i++) {
      long fg = Goldilocks.mul(f[i], g[i]);
      s0 = Goldilocks.add(s0, Goldilocks.mul(fg, eq[2 * i]));
      s1 = Goldilocks.add(s1, Goldilocks.mul(fg, eq[2 * i + 1]));
    }
    return new Ext2(s0, s1);
  }

  /** Base and extension multiplication throughput (one thread, dependent chains of 8). */
  public static List<Row> field(int runs) {
    List<Row> rows = new ArrayList<>();
    int count = 1 << 24;
    long[] xs = randomBase(12, 3);
    double[] ms = new double[runs];
    double[] cpu = new double[runs];
    long sink = 0;
    for (int run = 0; run < runs; run++) {
      long c0 = cpuNanos();
      long t0 = System.nanoTime();
      long[] acc = {1, 2, 3, 4, 5, 6, 7, 8};
      for (int i = 0; i < count / 8; i++) {
        long x = xs[i & 4095];
        for (int k = 0; k < 8; k++) {
          acc[k] = Goldilocks.mul(acc[k], x);
        }
      }
      ms[run] = (System.nanoTime() - t0) / 1e6;
      cpu[run] = (cpuNanos() - c0) / 1e6;
      for (long a : acc) {
        sink ^= a;
      }
    }
    double med = median(ms);
    rows.add(
        row(
            "base mul (8 independent chains)",
            24,
            ms,
            cpu,
            String.format("%.0f Mmul/s (wall)", count / med / 1e3)));
    double[] ms2 = new double[runs];
    double[] cpu2 = new double[runs];
    for (int run = 0; run < runs; run++) {
      long c0 = cpuNanos();
      long t0 = System.nanoTime();
      Ext2[] acc = new Ext2[8];
      for (int k = 0; k < 8; k++) {
        acc[k] = new Ext2(k + 1, k + 2);
      }
      for (int i = 0; i < count / 8; i++) {
        Ext2 x = new Ext2(xs[i & 4095], xs[(i + 1) & 4095]);
        for (int k = 0; k < 8; k++) {
          acc[k] = acc[k].mul(x);
        }
      }
      ms2[run] = (System.nanoTime() - t0) / 1e6;
      cpu2[run] = (cpuNanos() - c0) / 1e6;
      for (Ext2 a : acc) {
        sink ^= a.c0();
      }
    }
    double med2 = median(ms2);
    rows.add(
        row(
            "extension mul (Ext2.mul, 8 chains)",
            24,
            ms2,
            cpu2,
            String.format("%.0f Mmul/s (wall)", count / med2 / 1e3)));
    // The form the kernels use: coordinates in long[] arrays, two products per reduction
    // (FastField).
    double[] ms3 = new double[runs];
    double[] cpu3 = new double[runs];
    long[] a0 = new long[4096];
    long[] a1 = new long[4096];
    for (int i = 0; i < 4096; i++) {
      a0[i] = xs[i];
      a1[i] = xs[(i * 7 + 1) & 4095];
    }
    for (int run = 0; run < runs; run++) {
      long c0 = cpuNanos();
      long t0 = System.nanoTime();
      for (int rep = 0; rep < count / 4096; rep++) {
        long y0 = xs[rep & 4095];
        long y1 = xs[(rep + 5) & 4095];
        long y1w = FastField.mulW(y1);
        for (int i = 0; i < 4096; i++) {
          long x0 = a0[i];
          long x1 = a1[i];
          a0[i] = FastField.extMulC0(x0, x1, y0, y1w);
          a1[i] = FastField.extMulC1(x0, x1, y0, y1);
        }
      }
      ms3[run] = (System.nanoTime() - t0) / 1e6;
      cpu3[run] = (cpuNanos() - c0) / 1e6;
    }
    sink ^= a0[0] ^ a1[1];
    double med3 = median(ms3);
    rows.add(
        row(
            "extension mul (FastField on long[] vectors)",
            24,
            ms3,
            cpu3,
            String.format("%.0f Mmul/s (wall)", count / med3 / 1e3)));
    if (sink == 42) {
      System.out.println();
    }
    return rows;
  }

  /**
   * The standard rows for {@code zkaudit bench core}: field throughput and degree-2 sumchecks over
   * 2^24.
   */
  public static List<Row> standard(int runs) {
    List<Row> rows = new ArrayList<>(field(runs));
    sumcheck(16, 3); // warm-up: the JIT compiles the kernels
    rows.addAll(sumcheck(24, runs));
    return rows;
  }

  public static void main(String[] args) {
    int logSize = args.length > 0 ? Integer.parseInt(args[0]) : 24;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    System.out.println(machine());
    System.out.println(header());
    for (Row r : field(runs)) {
      System.out.println(r);
    }
    // Warm-up on a small size so the JIT has compiled the kernels.
    sumcheck(Math.min(logSize, 16), 3);
    for (Row r : sumcheck(logSize, runs)) {
      System.out.println(r);
    }
  }
}
