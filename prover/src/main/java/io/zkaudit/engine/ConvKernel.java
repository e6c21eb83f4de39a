package io.zkaudit.engine;

import io.zkaudit.model.Conv2D;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.parallel.Parallel;
import io.zkaudit.prover.model.QuantizedModel;

/**
 * Conv2D. For each output pixel the receptive field is gathered into one contiguous patch
 * [kH][kW][inC] of (x − zx), zeros where the window leaves the input (zero contribution, exactly
 * TFLite's skipping). The weights (w − zw) are stored transposed, [kH·kW·inC][outC], so the inner
 * loop adds one input value times a contiguous weight row into all output channels' accumulators:
 * no reduction, which the JIT vectorizes well, and patch values equal to zero (frequent after ReLU,
 * whose zero point maps to 0) are skipped. Rows of the output are computed in parallel.
 */
final class ConvKernel implements Kernel {
  private final int in, n, h, w, c, o, kh, kw, sh, sw, dh, dw, padT, padL, oh, ow, zx;
  private final int[] weightsT; // (w - zw), [kh][kw][c][o]
  private final int[] bias;
  private final Requant requant;
  private final boolean pointwise;

  ConvKernel(Conv2D l, QuantizedModel m) {
    ModelDescription d = m.description();
    TensorSpec x = d.tensor(l.input()), ws = d.tensor(l.weights()), y = d.tensor(l.output());
    in = l.input();
    n = x.dim(0);
    h = x.dim(1);
    w = x.dim(2);
    c = x.dim(3);
    o = ws.dim(0);
    kh = ws.dim(1);
    kw = ws.dim(2);
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
    weightsT = new int[raw.length];
    int per = kh * kw * c;
    for (int oc = 0; oc < o; oc++) {
      int zw = l.weightZeroPoint(oc);
      for (int k = 0; k < per; k++) weightsT[k * o + oc] = raw[oc * per + k] - zw;
    }
    bias = l.hasBias() ? m.constant(l.bias()).clone() : new int[o];
    requant = new Requant(l.requantization(), o);
    pointwise =
        kh == 1 && kw == 1 && sh == 1 && sw == 1 && padT == 0 && padL == 0 && oh == h && ow == w;
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
    int per = kh * kw * c;
    int[] patch = pointwise ? null : new int[per];
    int[] sum = new int[o];
    for (int ox = 0; ox < ow; ox++) {
      int[] src;
      int srcOff;
      if (pointwise) {
        src = xs;
        srcOff = ((b * h + oy) * w + ox) * c;
      } else {
        gather(xs, patch, b, oy, ox);
        src = patch;
        srcOff = 0;
      }
      System.arraycopy(bias, 0, sum, 0, o);
      for (int k = 0; k < per; k++) {
        int xv = src[srcOff + k];
        if (xv == 0) continue;
        int wb = k * o;
        for (int oc = 0; oc < o; oc++) sum[oc] += xv * weightsT[wb + oc];
      }
      int outBase = ((b * oh + oy) * ow + ox) * o;
      for (int oc = 0; oc < o; oc++) {
        if (acc != null) acc[outBase + oc] = sum[oc];
        out[outBase + oc] = requant.apply(sum[oc], oc);
      }
    }
  }

  private void gather(int[] xs, int[] patch, int b, int oy, int ox) {
    int k = 0;
    for (int ky = 0; ky < kh; ky++) {
      int iy = oy * sh - padT + ky * dh;
      for (int kx = 0; kx < kw; kx++, k += c) {
        int ix = ox * sw - padL + kx * dw;
        if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
          java.util.Arrays.fill(patch, k, k + c, 0);
        } else {
          System.arraycopy(xs, ((b * h + iy) * w + ix) * c, patch, k, c);
        }
      }
    }
  }
}
