package io.zkaudit.prover.inference;

import io.zkaudit.field.Goldilocks;
import io.zkaudit.layers.TensorLayout;
import io.zkaudit.layers.WindowedLinear;

/**
 * The accumulator of a windowed linear layer on the whole padded output domain. The engine gives
 * the real positions; the proof's accumulator is the layer's formula everywhere (the lookups ignore
 * padding, but the layer sumcheck binds every entry), so the padding rows and columns whose
 * windows still reach real input are computed here. Padded channels are zero by construction.
 */
final class PaddedAccumulators {
  private PaddedAccumulators() {}

  static long[] of(WindowedLinear spec, long[] realAcc, long[] inTable, int[] weights, int[] bias) {
    TensorLayout out = spec.out();
    TensorLayout in = spec.in();
    long[] acc = out.place(realAcc);
    int cout = out.channels();
    for (int y = 0; y < (1 << out.hBits()); y++) {
      for (int x = 0; x < (1 << out.wBits()); x++) {
        if (y < out.height() && x < out.width()) {
          continue;
        }
        for (int co = 0; co < cout; co++) {
          acc[out.index(y, x, co)] = Goldilocks.fromSigned(formula(spec, in, inTable, weights, bias, y, x, co));
        }
      }
    }
    return acc;
  }

  /** The layer's accumulator at one (possibly padded) output position, from the padded input table. */
  private static long formula(WindowedLinear spec, TensorLayout in, long[] inTable, int[] w, int[] bias, int y, int x,
      int co) {
    long a = bias != null ? bias[co] : 0;
    int kh = spec.rows().kernel();
    int kw = spec.cols().kernel();
    int cin = in.channels();
    int zin = spec.inputZeroPoint();
    for (int i = 0; i < kh; i++) {
      int sy = spec.rows().source(y, i);
      if (sy < 0) {
        continue;
      }
      for (int j = 0; j < kw; j++) {
        int sx = spec.cols().source(x, j);
        if (sx < 0) {
          continue;
        }
        int base = in.index(sy, sx, 0);
        switch (spec.kind()) {
          case CONV -> {
            int zw = spec.weightZeroPoint(co);
            for (int ci = 0; ci < cin; ci++) {
              long v = Goldilocks.toSigned(inTable[base + ci]) - zin;
              a += v * (w[((co * kh + i) * kw + j) * cin + ci] - zw);
            }
          }
          case DEPTHWISE -> {
            long v = Goldilocks.toSigned(inTable[base + co]) - zin;
            a += v * (w[(i * kw + j) * spec.out().channels() + co] - spec.weightZeroPoint(co));
          }
          case SUM -> a += Goldilocks.toSigned(inTable[base + co]) - zin;
        }
      }
    }
    return a;
  }
}
