package io.zkaudit.simulations.report;

import java.util.List;

/** A table of text cells, shown in the HTML report and, for the summary, on the terminal. */
public record Table(String title, List<String> header, List<List<String>> rows) {
  public Table {
    header = List.copyOf(header);
    rows = rows.stream().map(List::copyOf).toList();
    for (List<String> r : rows) {
      if (r.size() != header.size())
        throw new IllegalArgumentException(
            title + ": row " + r + " does not match header " + header);
    }
  }

  /** Aligned plain text (numbers right-aligned), for the terminal summary. */
  public String toText() {
    int[] w = new int[header.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = header.get(i).length();
      for (List<String> r : rows) w[i] = Math.max(w[i], r.get(i).length());
    }
    StringBuilder sb = new StringBuilder(title).append('\n');
    appendRow(sb, header, w);
    for (int i = 0; i < w.length; i++) sb.append(i == 0 ? "" : "  ").append("-".repeat(w[i]));
    sb.append('\n');
    for (List<String> r : rows) appendRow(sb, r, w);
    return sb.toString();
  }

  private static void appendRow(StringBuilder sb, List<String> cells, int[] w) {
    for (int i = 0; i < w.length; i++) {
      String c = cells.get(i);
      String pad = " ".repeat(w[i] - c.length());
      sb.append(i == 0 ? "" : "  ").append(i == 0 ? c + pad : pad + c);
    }
    sb.append('\n');
  }
}
