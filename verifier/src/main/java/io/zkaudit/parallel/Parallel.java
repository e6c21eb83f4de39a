package io.zkaudit.parallel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * The one pool of worker threads for every data-parallel loop in zkaudit (NTT, Merkle hashing,
 * folding, sumchecks, lookups, the integer engine, simulations): {@link #threads()} workers ({@code
 * -Dzkaudit.threads=N}, default: the available processors), so that a 2-core machine runs two
 * workers and never oversubscribes, and {@code -Dzkaudit.threads=1} makes a whole run sequential
 * (for profiling and reproducible timing). Parallel streams and the common pool are not used: they
 * would ignore that setting ({@code ParallelismFacadeTest} checks the sources).
 */
public final class Parallel {
  private Parallel() {}

  private static final int THREADS =
      Math.max(
          1, Integer.getInteger("zkaudit.threads", Runtime.getRuntime().availableProcessors()));
  private static final ForkJoinPool POOL =
      new ForkJoinPool(
          THREADS,
          pool -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName("zkaudit-worker-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
          },
          null,
          false);

  public static int threads() {
    return THREADS;
  }

  /** A body over the index range [from, to). */
  @FunctionalInterface
  public interface RangeBody {
    void run(int from, int to);
  }

  /**
   * Runs body over [0, n) split into at most {@code threads() * 4} chunks of at least {@code
   * minChunk} indices each; runs inline when n is small or we are already on a worker.
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
    Runnable[] tasks = new Runnable[chunks];
    for (int c = 0; c < chunks; c++) {
      int from = bounds[c];
      int to = bounds[c + 1];
      tasks[c] = () -> body.run(from, to);
    }
    invokeAll(tasks);
  }

  /**
   * Runs body(i) for every i in [0, n) on the workers and waits; each index is a unit of coarse
   * work (a chunk, a row, a run), so indices are spread one by one over at most threads() * 4
   * tasks.
   */
  public static void forEach(int n, java.util.function.IntConsumer body) {
    forRange(
        n,
        1,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            body.accept(i);
          }
        });
  }

  /**
   * map(i) for every i in [0, n) on the workers, then combined in index order (so the result does
   * not depend on which worker ran what, even for a combine that is not associative in floating
   * point).
   */
  public static <T> T mapReduce(
      int n, java.util.function.IntFunction<T> map, java.util.function.BinaryOperator<T> combine) {
    if (n < 1) {
      throw new IllegalArgumentException("nothing to reduce");
    }
    Object[] parts = new Object[n];
    forEach(n, i -> parts[i] = map.apply(i));
    @SuppressWarnings("unchecked")
    T acc = (T) parts[0];
    for (int i = 1; i < n; i++) {
      @SuppressWarnings("unchecked")
      T next = (T) parts[i];
      acc = combine.apply(acc, next);
    }
    return acc;
  }

  /** Runs the tasks in parallel (inline when already on a worker) and waits for all of them. */
  public static void all(Runnable... tasks) {
    if (THREADS == 1 || ForkJoinTask.inForkJoinPool() || tasks.length <= 1) {
      for (Runnable r : tasks) {
        r.run();
      }
      return;
    }
    invokeAll(tasks);
  }

  /**
   * Runs the tasks on the pool and waits. A task that fails makes the caller throw that task's own
   * exception (same type, message and stack), not the copy the fork-join pool rebuilds when it
   * rethrows across threads: that copy loses the message when the exception type has no (String,
   * Throwable) constructor, and nests one level per pool hop.
   */
  private static void invokeAll(Runnable[] tasks) {
    var first = new java.util.concurrent.atomic.AtomicReference<Throwable>();
    RecursiveAction[] recording = new RecursiveAction[tasks.length];
    for (int i = 0; i < tasks.length; i++) {
      Runnable task = tasks[i];
      recording[i] =
          new RecursiveAction() {
            @Override
            protected void compute() {
              try {
                task.run();
              } catch (RuntimeException | Error e) {
                first.compareAndSet(null, e);
                throw e;
              }
            }
          };
    }
    try {
      POOL.invoke(
          new RecursiveAction() {
            @Override
            protected void compute() {
              ForkJoinTask.invokeAll(recording);
            }
          });
    } catch (RuntimeException | Error e) {
      Throwable original = first.get();
      if (original instanceof RuntimeException r) {
        throw r;
      }
      if (original instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }
}
