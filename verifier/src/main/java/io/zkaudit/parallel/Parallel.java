package io.zkaudit.parallel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * The prover's worker threads for data-parallel loops (NTT, Merkle hashing, folding). One pool of
 * {@link #threads()} workers ({@code -Dzkaudit.threads=N}, default: the available processors), so
 * that a 2-core machine runs two workers and never oversubscribes.
 */
public final class Parallel {
  private Parallel() {}

  private static final int THREADS = Math.max(1,
      Integer.getInteger("zkaudit.threads", Runtime.getRuntime().availableProcessors()));
  private static final ForkJoinPool POOL = new ForkJoinPool(THREADS, pool -> {
    var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
    t.setName("zkaudit-worker-" + t.getPoolIndex());
    t.setDaemon(true);
    return t;
  }, null, false);

  public static int threads() {
    return THREADS;
  }

  /** A body over the index range [from, to). */
  @FunctionalInterface
  public interface RangeBody {
    void run(int from, int to);
  }

  /**
   * Runs body over [0, n) split into at most {@code threads() * 4} chunks of at least
   * {@code minChunk} indices each; runs inline when n is small or we are already on a worker.
   */
  public static void forRange(int n, int minChunk, RangeBody body) {
    int chunks = (int) Math.min((long) THREADS * 4, Math.max(1, n / Math.max(1, minChunk)));
    if (chunks <= 1 || THREADS == 1 || ForkJoinTask.inForkJoinPool()) {
      body.run(0, n);
      return;
    }
    int[] bounds = new int[chunks + 1];
    for (int c = 0; c <= chunks; c++) {
      bounds[c] = (int) ((long) n * c / chunks);
    }
    RecursiveAction[] tasks = new RecursiveAction[chunks];
    for (int c = 0; c < chunks; c++) {
      int from = bounds[c];
      int to = bounds[c + 1];
      tasks[c] = new RecursiveAction() {
        @Override
        protected void compute() {
          body.run(from, to);
        }
      };
    }
    POOL.invoke(new RecursiveAction() {
      @Override
      protected void compute() {
        invokeAll(tasks);
      }
    });
  }

  /** Runs the tasks in parallel (inline when already on a worker) and waits for all of them. */
  public static void all(Runnable... tasks) {
    if (THREADS == 1 || ForkJoinTask.inForkJoinPool() || tasks.length <= 1) {
      for (Runnable r : tasks) {
        r.run();
      }
      return;
    }
    RecursiveAction[] actions = new RecursiveAction[tasks.length];
    for (int i = 0; i < tasks.length; i++) {
      Runnable r = tasks[i];
      actions[i] = new RecursiveAction() {
        @Override
        protected void compute() {
          r.run();
        }
      };
    }
    POOL.invoke(new RecursiveAction() {
      @Override
      protected void compute() {
        invokeAll(actions);
      }
    });
  }
}
