package io.zkaudit.engine;

import io.zkaudit.model.DepthwiseConv2D;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.parallel.Parallel;
import io.zkaudit.prover.model.QuantizedModel;

/**
 * DepthwiseConv2D: per output pixel, all channels accumulate side by side (contiguous,
 * vectorizable).
 */
final class DepthwiseKernel implements Kernel {
  private final int in, n, h, w, c, o, dm, kh, kw, sh, sw, dh, dw, padT, padL, oh, ow, zx;
  private final int[] weights; // (w - zw), [kh][kw][o]
  private final int[] bias;
  private final Requant requant;

  DepthwiseKernel(DepthwiseConv2D l, QuantizedModel m) {
    ModelDescription d = m.description();
    TensorSpec x = d.tensor(l.input()), ws = d.tensor(l.weights()), y = d.tensor(l.output());
    in = l.input();
    n = x.dim(0);
    h = x.dim(1);
    w = x.dim(2);
    c = x.dim(3);
    kh = ws.dim(1);
    kw = ws.dim(2);
    o = ws.dim(3);
    dm = l.depthMultiplier();
    sh = l.window().strideH();
    sw = l.window().strideW();
    dh = l.window().dilationH();
    dw = l.window().dilationW();
    padT = l.window().padding().top();
    padL = l.window().padding().left();
    oh = y.dim(1);
    ow = y.dim(2);
    zx = l.inputZeroPoint();
    int[] raw = m.constant(l.weights());
    weights = new int[raw.length];
    for (int k = 0; k < raw.length; k++) weights[k] = raw[k] - l.weightZeroPoint(k % o);
    bias = l.hasBias() ? m.constant(l.bias()).clone() : new int[o];
    requant = new Requant(l.requantization(), o);
  }

  @Override
  public int[] run(int[][] values, long[] acc) {
    int[] x = values[in];
    int[] xs = new int[x.length];
    for (int i = 0; i < x.length; i++) xs[i] = x[i] - zx;
    int[] out = new int[n * oh * ow * o];
    Parallel.forEach(n * oh, row -> row(xs, out, acc, row / oh, row % oh));
    return out;
  }

  private void row(int[] xs, int[] out, long[] acc, int b, int oy) {
    int[] sum = new int[o];
    for (int ox = 0; ox < ow; ox++) {
      System.arraycopy(bias, 0, sum, 0, o);
      for (int ky = 0; ky < kh; ky++) {
        int iy = oy * sh - padT + ky * dh;
        if (iy < 0 || iy >= h) continue;
        for (int kx = 0; kx < kw; kx++) {
          int ix = ox * sw - padL + kx * dw;
          if (ix < 0 || ix >= w) continue;
          int xb = ((b * h + iy) * w + ix) * c;
          int wb = (ky * kw + kx) * o;
          if (dm == 1) {
            for (int ch = 0; ch < o; ch++) sum[ch] += xs[xb + ch] * weights[wb + ch];
          } else {
            for (int ch = 0; ch < o; ch++) sum[ch] += xs[xb + ch / dm] * weights[wb + ch];
          }
        }
      }
      int outBase = ((b * oh + oy) * ow + ox) * o;
      for (int ch = 0; ch < o; ch++) {
        if (acc != null) acc[outBase + ch] = sum[ch];
        out[outBase + ch] = requant.apply(sum[ch], ch);
      }
    }
  }
}
