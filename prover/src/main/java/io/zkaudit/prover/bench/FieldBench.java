package io.zkaudit.prover.bench;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Multiplication throughput of the base field and its quadratic extension, single-threaded: the
 * unit every other prover figure is made of.
 */
public final class FieldBench {
  private FieldBench() {}

  private static final int N = 1 << 16;

  public static List<BenchRow> run(int runs) {
    SplittableRandom rng = new SplittableRandom(42);
    long[] a = new long[N];
    long[] b = new long[N];
    for (int i = 0; i < N; i++) {
      a[i] = Goldilocks.random(rng);
      b[i] = Goldilocks.random(rng);
    }
    int reps = 200;
    double base = Medians.of(2, runs, () -> {
      long[] sink = new long[1];
      double s = Medians.seconds(() -> sink[0] = baseChain(a, b, reps));
      consume(sink[0]);
      return N * (double) reps / s / 1e6;
    });
    double ext = Medians.of(2, runs, () -> {
      long[] sink = new long[1];
      double s = Medians.seconds(() -> sink[0] = extChain(a, b, reps / 4));
      consume(sink[0]);
      return (N / 2) * (double) (reps / 4) / s / 1e6;
    });
    return List.of(
        new BenchRow("base-field multiplication (1 thread)", base, "M mul/s", "", "Goldilocks", runs),
        new BenchRow("extension multiplication (1 thread)", ext, "M mul/s", "", "x^2 - 7, Karatsuba", runs));
  }

  /** Independent products stored to memory: measures throughput, not latency. */
  private static long baseChain(long[] a, long[] b, int reps) {
    long[] out = new long[a.length];
    for (int r = 0; r < reps; r++) {
      for (int i = 0; i < a.length; i++) {
        out[i] = Goldilocks.mul(a[i], b[i]);
      }
      a[r & (a.length - 1)] = out[(r * 7) & (a.length - 1)];
    }
    return out[5];
  }

  private static long extChain(long[] a, long[] b, int reps) {
    long[] out = new long[a.length];
    for (int r = 0; r < reps; r++) {
      for (int i = 0; i + 1 < a.length; i += 2) {
        Ext2 p = new Ext2(a[i], a[i + 1]).mul(new Ext2(b[i], b[i + 1]));
        out[i] = p.c0();
        out[i + 1] = p.c1();
      }
      a[r & (a.length - 1)] = out[(r * 7) & (a.length - 1)];
    }
    return out[5];
  }

  private static volatile long blackhole;

  private static void consume(long v) {
    blackhole = v;
  }
}
