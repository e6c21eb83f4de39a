package io.zkaudit.simulations.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Writes a report into a directory: {@code report.html} (self-contained: styles inline, charts as
 * base64 PNG), {@code <figure>.png} and {@code <figure>.csv} for each figure, {@code summary.csv}
 * and {@code config.json}.
 */
public final class ReportWriter {
  private ReportWriter() {}

  /** The files written, report.html first. */
  public static List<Path> write(Report r, Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    Path html = dir.resolve("report.html");
    written.add(html);
    StringBuilder body = new StringBuilder();
    body.append("<h1>").append(esc(r.title())).append("</h1>\n");
    body.append("<p class=meta>scenario <b>")
        .append(esc(r.scenario()))
        .append("</b> · seed <b>")
        .append(r.seed())
        .append("</b> · runs <b>")
        .append(r.runs())
        .append("</b> · ")
        .append(String.format(Locale.ROOT, "%.2f s", r.seconds()))
        .append("</p>\n");
    for (String n : r.notes()) body.append("<p>").append(esc(n)).append("</p>\n");
    body.append(table(r.summary()));
    for (Figure f : r.figures()) {
      byte[] png = Charts.png(f);
      Path pngFile = dir.resolve(f.id() + ".png");
      Files.write(pngFile, png);
      Path csvFile = dir.resolve(f.id() + ".csv");
      Files.writeString(csvFile, csv(f), StandardCharsets.UTF_8);
      written.add(pngFile);
      written.add(csvFile);
      body.append("<figure><img alt=\"")
          .append(esc(f.title()))
          .append("\" src=\"data:image/png;base64,")
          .append(Base64.getEncoder().encodeToString(png))
          .append("\"><figcaption>")
          .append(esc(f.title()))
          .append(" — data: <a href=\"")
          .append(f.id())
          .append(".csv\">")
          .append(f.id())
          .append(".csv</a></figcaption></figure>\n");
    }
    for (Table t : r.tables()) body.append(table(t));
    body.append("<h2>Configuration</h2>\n<pre>").append(esc(r.configJson())).append("</pre>\n");
    Files.writeString(html, page(r.title(), body.toString()), StandardCharsets.UTF_8);
    Path summary = dir.resolve("summary.csv");
    Files.writeString(summary, csv(r.summary()), StandardCharsets.UTF_8);
    written.add(summary);
    Path config = dir.resolve("config.json");
    Files.writeString(config, r.configJson() + "\n", StandardCharsets.UTF_8);
    written.add(config);
    return written;
  }

  /** x then one column per series, named as the series; an absent point (NaN) is an empty cell. */
  public static String csv(Figure f) {
    StringBuilder sb = new StringBuilder(csvCell(f.xLabel()));
    for (Series s : f.series()) sb.append(',').append(csvCell(s.name()));
    sb.append('\n');
    double[] x = f.x();
    List<double[]> ys = f.series().stream().map(Series::y).toList();
    for (int i = 0; i < x.length; i++) {
      sb.append(number(x[i]));
      for (double[] y : ys) sb.append(',').append(Double.isNaN(y[i]) ? "" : number(y[i]));
      sb.append('\n');
    }
    return sb.toString();
  }

  public static String csv(Table t) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.join(",", t.header().stream().map(ReportWriter::csvCell).toList()))
        .append('\n');
    for (List<String> row : t.rows())
      sb.append(String.join(",", row.stream().map(ReportWriter::csvCell).toList())).append('\n');
    return sb.toString();
  }

  /** Shortest exact decimal (Double.toString), so a CSV re-reads to the same doubles. */
  private static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
    return Double.toString(v);
  }

  private static String csvCell(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  private static String table(Table t) {
    StringBuilder sb =
        new StringBuilder("<h2>").append(esc(t.title())).append("</h2>\n<table><tr>");
    for (String h : t.header()) sb.append("<th>").append(esc(h)).append("</th>");
    sb.append("</tr>\n");
    for (List<String> row : t.rows()) {
      sb.append("<tr>");
      for (String c : row) sb.append("<td>").append(esc(c)).append("</td>");
      sb.append("</tr>\n");
    }
    return sb.append("</table>\n").toString();
  }

  private static String page(String title, String body) {
    return """
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8"><title>%s</title>
    <style>
    body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}
    table{border-collapse:collapse;margin:0.5em 0 1.5em}
    th,td{border:1px solid #ccc;padding:0.25em 0.6em;text-align:right}
    th{background:#f3f3f3} td:first-child,th:first-child{text-align:left}
    figure{margin:1em 0} img{max-width:100%%} .meta{color:#666}
    pre{background:#f7f7f7;padding:1em;overflow:auto}
    </style></head><body>
    %s</body></html>
    """
        .formatted(esc(title), body);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
