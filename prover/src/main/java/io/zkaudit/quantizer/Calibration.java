package io.zkaudit.quantizer;

import io.zkaudit.floatmodel.FloatEngine;
import io.zkaudit.floatmodel.FloatModel;
import java.util.List;

/** Observed real ranges of every activation tensor over sample inputs (min/max calibration). */
public record Calibration(float[] min, float[] max) {
  public static Calibration run(FloatModel m, List<float[]> inputs) {
    if (inputs.isEmpty())
      throw new IllegalArgumentException("calibration needs at least one sample");
    int n = m.tensors().size();
    float[] lo = new float[n], hi = new float[n];
    java.util.Arrays.fill(lo, Float.POSITIVE_INFINITY);
    java.util.Arrays.fill(hi, Float.NEGATIVE_INFINITY);
    FloatEngine engine = new FloatEngine(m);
    for (float[] x : inputs) {
      float[][] v = engine.values(x);
      for (int t = 0; t < n; t++) {
        if (v[t] == null || m.tensors().get(t).constant()) continue;
        for (float f : v[t]) {
          if (f < lo[t]) lo[t] = f;
          if (f > hi[t]) hi[t] = f;
        }
      }
    }
    return new Calibration(lo, hi);
  }
}
