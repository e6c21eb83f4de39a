package io.zkaudit.engine;

import io.zkaudit.model.Conv2D;
import io.zkaudit.model.DepthwiseConv2D;
import io.zkaudit.model.FullyConnected;
import io.zkaudit.model.Layer;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.prover.model.QuantizedModel;

/**
 * An independent, real-valued recomputation of one layer (what a float runtime such as Arm NN's
 * reference backend does): dequantize inputs and weights, accumulate in double, divide by the
 * output scale, round, clamp. The integer engine must be within one step of it everywhere.
 */
final class RealValuedCheck {
  private RealValuedCheck() {}

  /** Largest |integer output − real-valued output| over the layer, in output steps. */
  static int maxDeviation(QuantizedModel m, LayerTrace t) {
    ModelDescription d = m.description();
    Layer l = t.layer();
    int[] out = t.output();
    int worst = 0;
    switch (l) {
      case Conv2D c -> {
        TensorSpec x = d.tensor(c.input()), w = d.tensor(c.weights()), y = d.tensor(c.output());
        int h = x.dim(1),
            wd = x.dim(2),
            ch = x.dim(3),
            o = w.dim(0),
            kh = w.dim(1),
            kw = w.dim(2),
            oh = y.dim(1),
            ow = y.dim(2);
        int[] xv = t.inputs().get(0),
            wv = m.constant(c.weights()),
            bv = c.hasBias() ? m.constant(c.bias()) : new int[o];
        for (int oy = 0; oy < oh; oy++)
          for (int ox = 0; ox < ow; ox++)
            for (int oc = 0; oc < o; oc++) {
              double sum = bv[oc] * (double) x.scale() * scale(w, oc);
              for (int ky = 0; ky < kh; ky++)
                for (int kx = 0; kx < kw; kx++) {
                  int iy =
                      oy * c.window().strideH()
                          - c.window().padding().top()
                          + ky * c.window().dilationH();
                  int ix =
                      ox * c.window().strideW()
                          - c.window().padding().left()
                          + kx * c.window().dilationW();
                  if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                  for (int i = 0; i < ch; i++) {
                    sum +=
                        x.scale()
                            * (double) (xv[(iy * wd + ix) * ch + i] - x.zeroPoint())
                            * scale(w, oc)
                            * (wv[((oc * kh + ky) * kw + kx) * ch + i] - c.weightZeroPoint(oc));
                  }
                }
              worst =
                  Math.max(
                      worst,
                      deviation(
                          sum,
                          y,
                          c.requantization().clampMin(),
                          c.requantization().clampMax(),
                          out[(oy * ow + ox) * o + oc]));
            }
      }
      case DepthwiseConv2D c -> {
        TensorSpec x = d.tensor(c.input()), w = d.tensor(c.weights()), y = d.tensor(c.output());
        int h = x.dim(1),
            wd = x.dim(2),
            ch = x.dim(3),
            kh = w.dim(1),
            kw = w.dim(2),
            o = w.dim(3),
            oh = y.dim(1),
            ow = y.dim(2);
        int dm = c.depthMultiplier();
        int[] xv = t.inputs().get(0),
            wv = m.constant(c.weights()),
            bv = c.hasBias() ? m.constant(c.bias()) : new int[o];
        for (int oy = 0; oy < oh; oy++)
          for (int ox = 0; ox < ow; ox++)
            for (int oc = 0; oc < o; oc++) {
              double sum = bv[oc] * (double) x.scale() * scale(w, oc);
              for (int ky = 0; ky < kh; ky++)
                for (int kx = 0; kx < kw; kx++) {
                  int iy =
                      oy * c.window().strideH()
                          - c.window().padding().top()
                          + ky * c.window().dilationH();
                  int ix =
                      ox * c.window().strideW()
                          - c.window().padding().left()
                          + kx * c.window().dilationW();
                  if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                  sum +=
                      x.scale()
                          * (double) (xv[(iy * wd + ix) * ch + oc / dm] - x.zeroPoint())
                          * scale(w, oc)
                          * (wv[(ky * kw + kx) * o + oc] - c.weightZeroPoint(oc));
                }
              worst =
                  Math.max(
                      worst,
                      deviation(
                          sum,
                          y,
                          c.requantization().clampMin(),
                          c.requantization().clampMax(),
                          out[(oy * ow + ox) * o + oc]));
            }
      }
      case FullyConnected f -> {
        TensorSpec x = d.tensor(f.input()), w = d.tensor(f.weights()), y = d.tensor(f.output());
        int o = w.dim(0), k = w.dim(1);
        int[] xv = t.inputs().get(0),
            wv = m.constant(f.weights()),
            bv = f.hasBias() ? m.constant(f.bias()) : new int[o];
        for (int b = 0; b < xv.length / k; b++)
          for (int oc = 0; oc < o; oc++) {
            double sum = bv[oc] * (double) x.scale() * scale(w, oc);
            for (int i = 0; i < k; i++)
              sum +=
                  x.scale()
                      * (double) (xv[b * k + i] - x.zeroPoint())
                      * scale(w, oc)
                      * (wv[oc * k + i] - f.weightZeroPoint(oc));
            worst =
                Math.max(
                    worst,
                    deviation(
                        sum,
                        y,
                        f.requantization().clampMin(),
                        f.requantization().clampMax(),
                        out[b * o + oc]));
          }
      }
      case io.zkaudit.model.Add a -> {
        TensorSpec x = d.tensor(a.a()), z = d.tensor(a.b()), y = d.tensor(a.output());
        int[] av = t.inputs().get(0), bv = t.inputs().get(1);
        for (int i = 0; i < out.length; i++) {
          double real =
              x.scale() * (double) (av[i] - x.zeroPoint())
                  + z.scale() * (double) (bv[i] - z.zeroPoint());
          worst = Math.max(worst, deviation(real, y, a.clampMin(), a.clampMax(), out[i]));
        }
      }
      default -> {
        return -1;
      }
    }
    return worst;
  }

  private static double scale(TensorSpec w, int channel) {
    return w.scales().get(w.perChannel() ? channel : 0);
  }

  private static int deviation(double real, TensorSpec y, int lo, int hi, int actual) {
    long q = Math.round(real / y.scale()) + y.zeroPoint();
    q = Math.clamp(q, lo, hi);
    return (int) Math.abs(q - actual);
  }
}
