package io.zkaudit.simulations.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Figures drawn as PNG with JFreeChart: one dataset series per {@link Series}, in order, same
 * names.
 */
public final class Charts {
  public static final int WIDTH = 900;
  public static final int HEIGHT = 520;

  private static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd),
    new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22),
        new Color(0x17becf)
  };

  private Charts() {}

  /** The chart for a figure: its dataset's series keys are the figure's series names, in order. */
  public static JFreeChart chart(Figure f) {
    if (System.getProperty("java.awt.headless") == null)
      System.setProperty("java.awt.headless", "true");
    XYSeriesCollection data = new XYSeriesCollection();
    double[] x = f.x();
    for (Series s : f.series()) {
      XYSeries xy = new XYSeries(s.name(), false, true);
      double[] y = s.y();
      for (int i = 0; i < x.length; i++) {
        if (Double.isNaN(y[i])) continue;
        if (f.yScale() == Figure.Scale.LOG && y[i] <= 0)
          continue; // no place for 0 on a log axis; the CSV keeps it
        xy.add(x[i], y[i]);
      }
      data.addSeries(xy);
    }
    NumberAxis xAxis = new NumberAxis(f.xLabel());
    xAxis.setAutoRangeIncludesZero(false);
    var yAxis =
        f.yScale() == Figure.Scale.LOG ? new LogAxis(f.yLabel()) : new NumberAxis(f.yLabel());
    if (yAxis instanceof LogAxis log) log.setSmallestValue(1e-12);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
    List<String> groups = f.series().stream().map(Series::group).distinct().toList();
    for (int i = 0; i < f.series().size(); i++) {
      Series s = f.series().get(i);
      renderer.setSeriesPaint(i, PALETTE[groups.indexOf(s.group()) % PALETTE.length]);
      renderer.setSeriesLinesVisible(i, s.style() != Series.Style.POINTS);
      renderer.setSeriesShapesVisible(i, s.style() == Series.Style.POINTS);
      renderer.setSeriesShape(i, new Ellipse2D.Double(-3.5, -3.5, 7, 7));
      renderer.setSeriesStroke(
          i,
          s.style() == Series.Style.DASHED
              ? new BasicStroke(
                  2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f)
              : new BasicStroke(2f));
    }
    XYPlot plot = new XYPlot(data, xAxis, yAxis, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xdddddd));
    plot.setRangeGridlinePaint(new Color(0xdddddd));
    JFreeChart chart = new JFreeChart(f.title(), new Font("SansSerif", Font.BOLD, 15), plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  public static byte[] png(Figure f) {
    BufferedImage image = chart(f).createBufferedImage(WIDTH, HEIGHT);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
