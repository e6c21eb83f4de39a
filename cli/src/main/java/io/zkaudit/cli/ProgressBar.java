package io.zkaudit.cli;

import java.io.PrintStream;

/**
 * A one-line progress bar on stderr (redrawn with a carriage return), with rate and ETA. Written
 * here rather than taken from a library: it is twenty lines and keeps the launcher's class path
 * small.
 */
final class ProgressBar implements AutoCloseable {
  private final PrintStream out;
  private final String task;
  private final int total;
  private final long start = System.nanoTime();
  private long lastDraw;
  private int done;

  ProgressBar(PrintStream out, String task, int total) {
    this.out = out;
    this.task = task;
    this.total = total;
  }

  void step(String status) {
    done++;
    long now = System.nanoTime();
    if (now - lastDraw < 200_000_000L && done < total) return;
    lastDraw = now;
    double secs = (now - start) / 1e9;
    int width = 30, filled = total == 0 ? width : (int) ((long) done * width / total);
    double eta = done == 0 ? 0 : secs / done * (total - done);
    double rate = done / Math.max(secs, 1e-9);
    // MobileNet proofs take a minute each: "0.0/s" would say nothing, seconds per step does.
    String speed =
        rate >= 1
            ? String.format(java.util.Locale.ROOT, "%.1f/s", rate)
            : String.format(java.util.Locale.ROOT, "%.1f s each", 1 / rate);
    out.printf(
        "\r%s [%s%s] %d/%d %s eta %ds %s   ",
        task,
        "=".repeat(filled),
        " ".repeat(width - filled),
        done,
        total,
        speed,
        (long) eta,
        status);
    out.flush();
  }

  @Override
  public void close() {
    out.println();
  }
}
