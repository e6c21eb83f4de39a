package io.zkaudit.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * The prover's live heap, sampled: a daemon thread forces a full collection every {@code period}
 * milliseconds (or three times as long as the last one took) and keeps the largest heap in use
 * right after one. The heap pools' peaks ({@code bench prove}'s "peak heap") include garbage the
 * collector had no reason to reclaim, so they say how much heap a run took, not how little it
 * needs; this says the latter, to within what lived between two samples. The forced collections
 * slow the run down: its timings are not comparable.
 */
final class LiveHeapSampler implements AutoCloseable {
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long maxLive;

  LiveHeapSampler(long periodMs) {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    thread =
        Thread.ofPlatform()
            .daemon()
            .name("live-heap-sampler")
            .start(
                () -> {
                  while (running) {
                    long t0 = System.nanoTime();
                    memory.gc();
                    maxLive = Math.max(maxLive, memory.getHeapMemoryUsage().getUsed());
                    long gcMs = (System.nanoTime() - t0) / 1_000_000;
                    try {
                      // A full collection of a large live set takes seconds on two cores: wait
                      // three times as long, so the prover keeps at least three quarters of the
                      // time.
                      Thread.sleep(Math.max(periodMs, 3 * gcMs));
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
  }

  /** The largest live heap seen so far, in MiB. */
  long maxLiveMiB() {
    return maxLive >> 20;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join();
  }
}
