package io.zkaudit.engine;

import io.zkaudit.model.FixedPoint;
import io.zkaudit.model.Requantization;

/** A {@link Requantization} expanded to per-channel arrays for the inner loops. */
final class Requant {
  final int[] multiplier;
  final int[] shift;
  final int zeroPoint;
  final int lo;
  final int hi;
  final boolean singleRounding;

  Requant(Requantization r, int channels) {
    multiplier = new int[channels];
    shift = new int[channels];
    for (int c = 0; c < channels; c++) {
      multiplier[c] = r.multiplier(c);
      shift[c] = r.shift(c);
    }
    zeroPoint = r.outputZeroPoint();
    lo = r.clampMin();
    hi = r.clampMax();
    singleRounding = r.singleRounding();
  }

  int apply(int acc, int channel) {
    int v =
        (singleRounding
                ? FixedPoint.multiplyByQuantizedMultiplierSingleRounding(
                    acc, multiplier[channel], shift[channel])
                : FixedPoint.multiplyByQuantizedMultiplier(
                    acc, multiplier[channel], shift[channel]))
            + zeroPoint;
    return v < lo ? lo : (v > hi ? hi : v);
  }
}
