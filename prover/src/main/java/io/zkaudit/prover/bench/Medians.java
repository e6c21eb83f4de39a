package io.zkaudit.prover.bench;

import java.util.Arrays;
import java.util.function.DoubleSupplier;

/** Runs a measurement several times after a warm-up and returns the median. */
public final class Medians {
  private Medians() {}

  public static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  /** Calls {@code run} warmups + runs times; returns the median of the last {@code runs} results. */
  public static double of(int warmups, int runs, DoubleSupplier run) {
    for (int i = 0; i < warmups; i++) {
      run.getAsDouble();
    }
    double[] xs = new double[runs];
    for (int i = 0; i < runs; i++) {
      xs[i] = run.getAsDouble();
    }
    return median(xs);
  }

  /** Seconds taken by {@code r}. */
  public static double seconds(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return (System.nanoTime() - t0) / 1e9;
  }
}
