package io.zkaudit.simulations.stats;

import io.zkaudit.parallel.Parallel;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/**
 * Seeded, parallel Monte Carlo whose results do not depend on the number of threads. Trials are cut
 * into chunks of {@link #CHUNK}; chunk i draws from its own generator seeded with mix(seed, i), and
 * per-chunk results are combined in chunk order. Two runs with the same seed give the same numbers
 * bit for bit, on one core or many.
 */
public final class MonteCarlo {
  public static final int CHUNK = 1 << 14;

  /** One trial: true if the event happened. */
  @FunctionalInterface
  public interface Trial {
    boolean run(SplittableRandom random);
  }

  /** One trial with a real-valued outcome (a loss, a profit). */
  @FunctionalInterface
  public interface ValuedTrial {
    double run(SplittableRandom random);
  }

  private final long seed;
  private final LongConsumer progress;

  /**
   * @param progress told how many trials have just finished (from any thread), for a progress bar
   */
  public MonteCarlo(long seed, LongConsumer progress) {
    this.seed = seed;
    this.progress = progress;
  }

  /**
   * A generator for stream {@code stream} of this seed: how each chunk (or market run) gets its
   * own.
   */
  public static SplittableRandom random(long seed, long stream) {
    // SplitMix64's finaliser over (seed, stream): neighbouring streams get unrelated seeds.
    long z = seed + 0x9E3779B97F4A7C15L * (stream + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return new SplittableRandom(z ^ (z >>> 31));
  }

  /**
   * The proportion of {@code trials} in which the event happened. {@code salt} separates the
   * streams of different estimates made from one seed (one per point of a curve).
   */
  public Proportion proportion(long trials, long salt, Trial trial) {
    int chunks = chunks(trials);
    long[] hits = new long[chunks];
    Parallel.forEach(
        chunks,
        c -> {
          SplittableRandom random = random(seed ^ (salt * 0xD1B54A32D192ED03L), c);
          long n = chunkSize(trials, c), h = 0;
          for (long i = 0; i < n; i++) if (trial.run(random)) h++;
          hits[c] = h;
          progress.accept(n);
        });
    long total = 0;
    for (long h : hits) total += h;
    return new Proportion(total, trials);
  }

  /** The mean outcome over {@code trials}. */
  public double mean(long trials, long salt, ValuedTrial trial) {
    int chunks = chunks(trials);
    double[] sums = new double[chunks];
    Parallel.forEach(
        chunks,
        c -> {
          SplittableRandom random = random(seed ^ (salt * 0xD1B54A32D192ED03L), c);
          long n = chunkSize(trials, c);
          double s = 0;
          for (long i = 0; i < n; i++) s += trial.run(random);
          sums[c] = s;
          progress.accept(n);
        });
    double total = 0;
    for (double s : sums) total += s; // chunk order: the same sum whatever ran where
    return total / trials;
  }

  private static int chunks(long trials) {
    if (trials <= 0) throw new IllegalArgumentException("trials must be positive: " + trials);
    long c = (trials + CHUNK - 1) / CHUNK;
    if (c > Integer.MAX_VALUE) throw new IllegalArgumentException("too many trials: " + trials);
    return (int) c;
  }

  private static long chunkSize(long trials, int chunk) {
    return Math.min(CHUNK, trials - (long) chunk * CHUNK);
  }
}
