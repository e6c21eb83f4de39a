package io.zkaudit.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo's transcript: a numbered header per step, its details, one "ok" line with the step's
 * time, and at the end a table of every step with its result and time. Progress bars go to stderr,
 * so the transcript on stdout reads the same when redirected to a file.
 */
final class DemoTranscript {
  private record Row(String step, String result, double seconds) {}

  private final PrintWriter out;
  private final int steps;
  private final long start = System.nanoTime();
  private final List<Row> rows = new ArrayList<>();
  private String current;
  private long stepStart;

  DemoTranscript(PrintWriter out, int steps) {
    this.out = out;
    this.steps = steps;
  }

  PrintWriter out() {
    return out;
  }

  void begin(String step, String what) {
    current = step;
    stepStart = System.nanoTime();
    out.printf(Locale.ROOT, "%n[%d/%d] %s%n", rows.size() + 1, steps, what);
    out.flush();
  }

  void line(String format, Object... args) {
    out.printf(Locale.ROOT, "  " + format + "%n", args);
    out.flush();
  }

  /** Ends the current step: its one-line result, kept for the summary. */
  void ok(String result) {
    double s = (System.nanoTime() - stepStart) / 1e9;
    rows.add(new Row(current, result, s));
    out.printf(Locale.ROOT, "  ok: %s (%.1f s)%n", result, s);
    out.flush();
  }

  void summary() {
    double total = (System.nanoTime() - start) / 1e9;
    int w = rows.stream().mapToInt(r -> r.step().length()).max().orElse(4);
    out.printf(Locale.ROOT, "%n== summary ==%n");
    for (Row r : rows) {
      out.printf(Locale.ROOT, "  %-" + w + "s  %8.1f s  %s%n", r.step(), r.seconds(), r.result());
    }
    out.printf(Locale.ROOT, "  %-" + w + "s  %8.1f s%n", "total", total);
    out.flush();
  }
}
