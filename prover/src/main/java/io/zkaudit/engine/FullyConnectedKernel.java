package io.zkaudit.engine;

import io.zkaudit.model.FullyConnected;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.parallel.Parallel;
import io.zkaudit.prover.model.QuantizedModel;

/** FullyConnected: each output is a dot product of a (x − zx) row with a (w − zw) row. */
final class FullyConnectedKernel implements Kernel {
  private final int in, o, k;
  private final int zx;
  private final int[] weights, bias;
  private final Requant requant;

  FullyConnectedKernel(FullyConnected l, QuantizedModel m) {
    TensorSpec ws = m.description().tensor(l.weights());
    in = l.input();
    o = ws.dim(0);
    k = ws.dim(1);
    zx = l.inputZeroPoint();
    int[] raw = m.constant(l.weights());
    weights = new int[raw.length];
    for (int i = 0; i < raw.length; i++) weights[i] = raw[i] - l.weightZeroPoint(i / k);
    bias = l.hasBias() ? m.constant(l.bias()).clone() : new int[o];
    requant = new Requant(l.requantization(), o);
  }

  @Override
  public int[] run(int[][] values, long[] acc) {
    int[] x = values[in];
    int batches = x.length / k;
    int[] xs = new int[x.length];
    for (int i = 0; i < x.length; i++) xs[i] = x[i] - zx;
    int[] out = new int[batches * o];
    Parallel.forEach(
        o,
        oc -> {
          for (int b = 0; b < batches; b++) {
            int a = bias[oc] + Dot.dot(xs, b * k, weights, oc * k, k);
            if (acc != null) acc[b * o + oc] = a;
            out[b * o + oc] = requant.apply(a, oc);
          }
        });
    return out;
  }
}
