package io.zkaudit.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.LinkedHashMap;
import java.util.Map;

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
  private volatile String phase = "setup";
  private final Map<String, Long> maxByPhase = new LinkedHashMap<>();

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
                    String during = phase;
                    memory.gc();
                    long used = memory.getHeapMemoryUsage().getUsed();
                    maxLive = Math.max(maxLive, used);
                    synchronized (maxByPhase) {
                      maxByPhase.merge(during, used, Math::max);
                    }
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

  /** Records that the prover entered {@code name}: later samples count towards it. */
  void phase(String name) {
    phase = name;
  }

  /** The largest live heap seen in each phase so far, in MiB, in the order the phases came. */
  Map<String, Long> maxLiveMiBByPhase() {
    synchronized (maxByPhase) {
      Map<String, Long> out = new LinkedHashMap<>();
      maxByPhase.forEach((k, v) -> out.put(k, v >> 20));
      return out;
    }
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
