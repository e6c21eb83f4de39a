package io.zkaudit.engine;

import io.zkaudit.model.AveragePool;
import io.zkaudit.model.MaxPool;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.model.Window;

/** Average and max pooling over the window positions inside the input. */
final class PoolKernel implements Kernel {
  private final boolean average;
  private final int in, n, h, w, c, oh, ow, lo, hi;
  private final Window win;

  PoolKernel(AveragePool l, ModelDescription d) {
    this(true, l.input(), l.output(), l.window(), l.clampMin(), l.clampMax(), d);
  }

  PoolKernel(MaxPool l, ModelDescription d) {
    this(false, l.input(), l.output(), l.window(), l.clampMin(), l.clampMax(), d);
  }

  private PoolKernel(
      boolean average, int input, int output, Window win, int lo, int hi, ModelDescription d) {
    this.average = average;
    TensorSpec x = d.tensor(input), y = d.tensor(output);
    in = input;
    n = x.dim(0);
    h = x.dim(1);
    w = x.dim(2);
    c = x.dim(3);
    oh = y.dim(1);
    ow = y.dim(2);
    this.win = win;
    this.lo = lo;
    this.hi = hi;
  }

  @Override
  public int[] run(int[][] values, long[] acc) {
    int[] x = values[in];
    int[] out = new int[n * oh * ow * c];
    long[] sum = new long[c];
    for (int b = 0; b < n; b++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          java.util.Arrays.fill(sum, average ? 0 : Long.MIN_VALUE);
          int count = 0;
          for (int ky = 0; ky < win.kernelH(); ky++) {
            int iy = oy * win.strideH() - win.padding().top() + ky;
            if (iy < 0 || iy >= h) continue;
            for (int kx = 0; kx < win.kernelW(); kx++) {
              int ix = ox * win.strideW() - win.padding().left() + kx;
              if (ix < 0 || ix >= w) continue;
              count++;
              int base = ((b * h + iy) * w + ix) * c;
              for (int ch = 0; ch < c; ch++) {
                sum[ch] = average ? sum[ch] + x[base + ch] : Math.max(sum[ch], x[base + ch]);
              }
            }
          }
          int outBase = ((b * oh + oy) * ow + ox) * c;
          for (int ch = 0; ch < c; ch++) {
            if (acc != null) acc[outBase + ch] = sum[ch];
            int v = average ? AveragePool.roundedDivide(sum[ch], count) : (int) sum[ch];
            out[outBase + ch] = Math.clamp(v, lo, hi);
          }
        }
      }
    }
    return out;
  }
}
