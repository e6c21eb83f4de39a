package io.zkaudit.engine;

import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.Mul;

/** TFLite's quantized MUL: (a − za)(b − zb), then one requantization. */
final class MulKernel implements Kernel {
  private final Mul l;
  private final Broadcast bc;

  MulKernel(Mul l, ModelDescription d) {
    this.l = l;
    bc =
        new Broadcast(
            d.tensor(l.a()).shapeArray(),
            d.tensor(l.b()).shapeArray(),
            d.tensor(l.output()).shapeArray());
  }

  @Override
  public int[] run(int[][] values, long[] acc) {
    int[] a = values[l.a()], b = values[l.b()];
    int[] out = new int[bc.identical ? a.length : bc.aIndex.length];
    for (int i = 0; i < out.length; i++) {
      int p = (a[bc.a(i)] - l.aZeroPoint()) * (b[bc.b(i)] - l.bZeroPoint());
      if (acc != null) acc[i] = p;
      out[i] = l.finish(p);
    }
    return out;
  }
}
