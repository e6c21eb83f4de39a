package io.zkaudit.simulations.report;

import java.util.Arrays;
import java.util.List;

/**
 * A chart and its data: series over shared x values. {@code id} names its files (id.png, id.csv).
 */
public record Figure(
    String id,
    String title,
    String xLabel,
    String yLabel,
    Scale yScale,
    double[] x,
    List<Series> series) {
  public enum Scale {
    LINEAR,
    LOG
  }

  public Figure {
    if (!id.matches("[a-z0-9-]+"))
      throw new IllegalArgumentException("figure id must be [a-z0-9-]+: " + id);
    x = x.clone();
    series = List.copyOf(series);
    for (Series s : series) {
      if (s.y().length != x.length)
        throw new IllegalArgumentException(
            id + ": series " + s.name() + " has " + s.y().length + " points, x has " + x.length);
    }
    if (series.stream().map(Series::name).distinct().count() != series.size())
      throw new IllegalArgumentException(id + ": series names repeat");
  }

  @Override
  public double[] x() {
    return x.clone();
  }

  public List<String> seriesNames() {
    return series.stream().map(Series::name).toList();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Figure f
        && id.equals(f.id)
        && title.equals(f.title)
        && Arrays.equals(x, f.x)
        && series.equals(f.series);
  }

  @Override
  public int hashCode() {
    return id.hashCode() * 31 + Arrays.hashCode(x);
  }
}
