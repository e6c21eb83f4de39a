package io.zkaudit.simulations.report;

import java.util.Arrays;

/**
 * One named curve: y over the figure's x values. NaN marks a point the series does not have (a
 * Monte Carlo estimate computed only at some x); the chart skips it and the CSV leaves it empty.
 *
 * @param markers drawn as points, not a line (estimates, next to the closed forms drawn as lines)
 */
public record Series(String name, double[] y, boolean markers) {
  public Series {
    y = y.clone();
  }

  public static Series line(String name, double[] y) {
    return new Series(name, y, false);
  }

  public static Series points(String name, double[] y) {
    return new Series(name, y, true);
  }

  @Override
  public double[] y() {
    return y.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Series s && name.equals(s.name) && markers == s.markers && Arrays.equals(y, s.y);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(y);
  }

  @Override
  public String toString() {
    return "Series[" + name + ", " + y.length + " points]";
  }
}
