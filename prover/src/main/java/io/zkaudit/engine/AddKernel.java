package io.zkaudit.engine;

import io.zkaudit.model.Add;
import io.zkaudit.model.ModelDescription;

/** TFLite's 8-bit quantized ADD, elementwise via {@link Add#rawSum} and {@link Add#finish}. */
final class AddKernel implements Kernel {
  private final Add l;
  private final Broadcast bc;

  AddKernel(Add l, ModelDescription d) {
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
      int raw = l.rawSum(a[bc.a(i)], b[bc.b(i)]);
      if (acc != null) acc[i] = raw;
      out[i] = l.finish(raw);
    }
    return out;
  }
}
