package io.zkaudit.cli;

import io.zkaudit.prover.bench.BenchRow;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** Prints benchmark rows as a Markdown table, so the output can be pasted into docs/benchmarks.md. */
final class TablePrinter {
  private TablePrinter() {}

  static void print(PrintStream out, List<BenchRow> rows) {
    out.println("| what | median | unit | target | runs | note |");
    out.println("|---|---:|---|---|---:|---|");
    for (BenchRow r : rows) {
      out.printf(Locale.ROOT, "| %s | %s | %s | %s | %d | %s |%n",
          r.what(), format(r.median()), r.unit(), r.target(), r.runs(), r.note());
    }
  }

  static String format(double v) {
    if (v >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (v >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
