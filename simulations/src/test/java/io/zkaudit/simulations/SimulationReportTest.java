package io.zkaudit.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.simulations.report.Charts;
import io.zkaudit.simulations.report.Figure;
import io.zkaudit.simulations.report.Report;
import io.zkaudit.simulations.report.ReportWriter;
import io.zkaudit.simulations.report.Series;
import io.zkaudit.simulations.scenario.ScenarioConfig;
import io.zkaudit.simulations.scenario.Scenarios;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SimulationReportTest {

  /** A shipped scenario with few runs, so every scenario renders in a second or two. */
  static ScenarioConfig small(String name) throws Exception {
    ScenarioConfig c = Scenarios.load(name);
    return c.withRuns(Math.min(c.runs(), name.equals("marketplace") ? 8 : 2000));
  }

  @ParameterizedTest
  @ValueSource(strings = {"spot-check", "accuracy-audit", "economics", "marketplace"})
  void reportsRenderWithChartsWhoseSeriesAreTheCsvColumns(String name, @TempDir Path dir)
      throws Exception {
    Report report = Simulations.run(small(name), Progress.NONE);
    List<Path> files = ReportWriter.write(report, dir);
    Path html = dir.resolve("report.html");
    assertEquals(html, files.getFirst());
    String page = Files.readString(html);
    assertTrue(!report.figures().isEmpty());
    assertEquals(
        report.figures().size(),
        page.split("data:image/png;base64,", -1).length - 1,
        "one embedded chart per figure");
    assertTrue(
        page.contains("seed <b>" + report.seed() + "</b>")
            && page.contains("&quot;scenario&quot; : &quot;" + name + "&quot;"),
        "seed and configuration shown");
    for (Figure f : report.figures()) {
      Path png = dir.resolve(f.id() + ".png");
      byte[] bytes = Files.readAllBytes(png);
      assertTrue(
          bytes.length > 1000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G',
          png + " is a PNG");
      List<String> csv = Files.readAllLines(dir.resolve(f.id() + ".csv"));
      List<String> header = cells(csv.getFirst());
      var dataset = (XYSeriesCollection) Charts.chart(f).getXYPlot().getDataset();
      List<String> chartSeries = new ArrayList<>();
      for (int i = 0; i < dataset.getSeriesCount(); i++)
        chartSeries.add((String) dataset.getSeriesKey(i));
      assertEquals(
          header.subList(1, header.size()),
          chartSeries,
          f.id() + ": the chart draws exactly the CSV's columns");
      assertEquals(f.x().length + 1, csv.size(), f.id() + ": one CSV row per x");
      // And the chart's points are the CSV's numbers.
      for (int s = 0; s < f.series().size(); s++) {
        Series series = f.series().get(s);
        int plotted = 0;
        for (int i = 0; i < f.x().length; i++) {
          String cell = cells(csv.get(i + 1)).get(s + 1);
          double y = series.y()[i];
          if (Double.isNaN(y)) {
            assertEquals("", cell);
          } else {
            assertEquals(y, Double.parseDouble(cell), 0.0);
            if (f.yScale() == Figure.Scale.LINEAR || y > 0) plotted++;
          }
        }
        assertEquals(
            plotted,
            dataset.getSeries(s).getItemCount(),
            f.id() + "/" + series.name() + ": plotted points");
      }
    }
    assertTrue(
        Files.readString(dir.resolve("summary.csv"))
            .startsWith(String.join(",", report.summary().header()).split(",")[0]));
    assertEquals(
        Scenarios.toJson(
                Scenarios.parse(Files.readString(dir.resolve("config.json")), "config.json"))
            .strip(),
        report.configJson().strip(),
        "the written configuration reloads to the one that ran");
  }

  /**
   * The cells of one CSV line (RFC 4180 quoting: a quoted cell may hold commas and doubled quotes).
   */
  static List<String> cells(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (quoted && ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
        cell.append('"');
        i++;
      } else if (ch == '"') {
        quoted = !quoted;
      } else if (ch == ',' && !quoted) {
        out.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(ch);
      }
    }
    out.add(cell.toString());
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"spot-check", "accuracy-audit", "marketplace"})
  void aFixedSeedGivesIdenticalCsvsWhateverTheThreadCount(String name, @TempDir Path dir)
      throws Exception {
    ScenarioConfig c = small(name);
    Report oneThread = new ForkJoinPool(1).submit(() -> Simulations.run(c, Progress.NONE)).get();
    Report fourThreads = new ForkJoinPool(4).submit(() -> Simulations.run(c, Progress.NONE)).get();
    Report otherSeed = Simulations.run(c.withSeed(c.seed() + 1), Progress.NONE);
    ReportWriter.write(oneThread, dir.resolve("a"));
    ReportWriter.write(fourThreads, dir.resolve("b"));
    ReportWriter.write(otherSeed, dir.resolve("c"));
    boolean anyDiffers = false;
    for (Figure f : oneThread.figures()) {
      String a = Files.readString(dir.resolve("a").resolve(f.id() + ".csv"));
      assertEquals(
          a,
          Files.readString(dir.resolve("b").resolve(f.id() + ".csv")),
          f.id() + ": same seed, same CSV");
      anyDiffers |= !a.equals(Files.readString(dir.resolve("c").resolve(f.id() + ".csv")));
    }
    assertTrue(anyDiffers, "another seed gives other estimates");
    assertEquals(
        Files.readString(dir.resolve("a").resolve("summary.csv")),
        Files.readString(dir.resolve("b").resolve("summary.csv")));
  }
}
