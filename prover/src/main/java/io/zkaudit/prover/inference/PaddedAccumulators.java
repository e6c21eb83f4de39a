package io.zkaudit.prover.inference;

import io.zkaudit.field.Goldilocks;
import io.zkaudit.layers.TensorLayout;
import io.zkaudit.layers.WindowedLinear;

/**
 * The accumulator of a windowed linear layer on the whole padded output domain. The engine gives
 * the real positions (null when its accumulator is not the proof's, as for a pad folded into an
 * average pool: then every position is computed here); the proof's accumulator is the layer's
 * formula everywhere (the lookups ignore padding, but the layer sumcheck binds every entry), so the
 * padding rows and columns whose windows still reach real input are computed here. Padded channels
 * are zero by construction, except in a sum, which passes its input's padded channels through.
 */
final class PaddedAccumulators {
  private PaddedAccumulators() {}

  static long[] of(WindowedLinear spec, long[] realAcc, long[] inTable, int[] weights, int[] bias) {
    TensorLayout out = spec.out();
    TensorLayout in = spec.in();
    long[] acc = realAcc != null ? out.place(realAcc) : new long[out.paddedSize()];
    int cout = out.channels();
    if (spec.kind() == WindowedLinear.Kind.SUM && cout < (1 << out.cBits())) {
      // A sum passes its input's padded channels through: with random input padding (zero
      // knowledge) those accumulators are sums of padding, on every row and column.
      for (int y = 0; y < (1 << out.hBits()); y++) {
        for (int x = 0; x < (1 << out.wBits()); x++) {
          for (int co = cout; co < (1 << out.cBits()); co++) {
            acc[out.index(y, x, co)] = formula(spec, in, inTable, weights, bias, y, x, co);
          }
        }
      }
    }
    for (int y = 0; y < (1 << out.hBits()); y++) {
      for (int x = 0; x < (1 << out.wBits()); x++) {
        if (realAcc != null && y < out.height() && x < out.width()) {
          continue;
        }
        for (int co = 0; co < cout; co++) {
          acc[out.index(y, x, co)] = formula(spec, in, inTable, weights, bias, y, x, co);
        }
      }
    }
    return acc;
  }

  /**
   * The layer's accumulator at one (possibly padded) output position, from the padded input table,
   * in the field: a window at the border may read padded input, which is random in a zero-knowledge
   * proof.
   */
  private static long formula(
      WindowedLinear spec,
      TensorLayout in,
      long[] inTable,
      int[] w,
      int[] bias,
      int y,
      int x,
      int co) {
    long a = bias != null ? Goldilocks.fromSigned(bias[co]) : 0;
    int kh = spec.rows().kernel();
    int kw = spec.cols().kernel();
    int cin = in.channels();
    long zin = Goldilocks.fromSigned(spec.inputZeroPoint());
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
              long v = Goldilocks.sub(inTable[base + ci], zin);
              a =
                  Goldilocks.add(
                      a,
                      Goldilocks.mul(
                          v, Goldilocks.fromSigned(w[((co * kh + i) * kw + j) * cin + ci] - zw)));
            }
          }
          case DEPTHWISE -> {
            long v = Goldilocks.sub(inTable[base + co], zin);
            long wt =
                Goldilocks.fromSigned(
                    w[(i * kw + j) * spec.out().channels() + co] - spec.weightZeroPoint(co));
            a = Goldilocks.add(a, Goldilocks.mul(v, wt));
          }
          // A padded channel holds no value shifted by the zero point: it is summed as it is.
          case SUM ->
              a =
                  Goldilocks.add(
                      a, co < cin ? Goldilocks.sub(inTable[base + co], zin) : inTable[base + co]);
        }
      }
    }
    return a;
  }
}
