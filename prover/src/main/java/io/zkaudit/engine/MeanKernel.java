package io.zkaudit.engine;

import io.zkaudit.model.AveragePool;
import io.zkaudit.model.FixedPoint;
import io.zkaudit.model.Mean;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.TensorSpec;

/** Spatial mean, following {@link Mean}'s integer semantics. */
final class MeanKernel implements Kernel {
  private final Mean l;
  private final int n, h, w, c;

  MeanKernel(Mean l, ModelDescription d) {
    this.l = l;
    TensorSpec x = d.tensor(l.input());
    n = x.dim(0);
    h = x.dim(1);
    w = x.dim(2);
    c = x.dim(3);
  }

  @Override
  public int[] run(int[][] values, long[] acc) {
    int[] x = values[l.input()];
    int[] out = new int[n * c];
    for (int b = 0; b < n; b++) {
      for (int ch = 0; ch < c; ch++) {
        int sum = 0;
        for (int p = 0; p < h * w; p++) sum += x[(b * h * w + p) * c + ch] - l.inputZeroPoint();
        if (acc != null) acc[b * c + ch] = sum;
        int scaled = FixedPoint.multiplyByQuantizedMultiplier(sum, l.multiplier(), l.shift());
        int v = AveragePool.roundedDivide(scaled, h * w) + l.outputZeroPoint();
        out[b * c + ch] = Math.clamp(v, l.clampMin(), l.clampMax());
      }
    }
    return out;
  }
}
