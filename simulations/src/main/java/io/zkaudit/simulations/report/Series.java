package io.zkaudit.simulations.report;

import java.util.Arrays;

/**
 * One named curve: y over the figure's x values. NaN marks a point the series does not have (a
 * Monte Carlo estimate computed only at some x); the chart skips it and the CSV leaves it empty.
 *
 * @param style a closed form is a line (dashed for a second form of the same quantity), an estimate
 *     is drawn as points
 * @param group series of one group share a colour (a closed form and its Monte Carlo estimate)
 */
public record Series(String name, double[] y, Style style, String group) {
  public enum Style {
    LINE,
    DASHED,
    POINTS
  }

  public Series {
    y = y.clone();
  }

  public static Series line(String name, double[] y) {
    return new Series(name, y, Style.LINE, name);
  }

  public Series dashed() {
    return new Series(name, y, Style.DASHED, group);
  }

  public Series points() {
    return new Series(name, y, Style.POINTS, group);
  }

  public Series inGroup(String g) {
    return new Series(name, y, style, g);
  }

  @Override
  public double[] y() {
    return y.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Series s
        && name.equals(s.name)
        && style == s.style
        && group.equals(s.group)
        && Arrays.equals(y, s.y);
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
