package io.zkaudit.cli;

import io.zkaudit.prover.inference.ProgressListener;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The prover's progress on one line of stderr: a bar over its phases, the phase name and the
 * elapsed time.
 */
final class PhaseBar implements ProgressListener, AutoCloseable {
  private final PrintStream out;
  private final String task;
  private final long start = System.nanoTime();

  PhaseBar(PrintStream out, String task) {
    this.out = out;
    this.task = task;
  }

  @Override
  public void progress(String phase, long done, long total) {
    int width = 30;
    int filled = total == 0 ? width : (int) (done * width / total);
    out.printf(
        Locale.ROOT,
        "\r%s [%s%s] %-10s %6.1f s   ",
        task,
        "=".repeat(filled),
        " ".repeat(width - filled),
        phase,
        (System.nanoTime() - start) / 1e9);
    out.flush();
  }

  @Override
  public void close() {
    out.println();
  }
}
