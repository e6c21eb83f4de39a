package io.zkaudit.prover.pcs;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.pcs.Basefold;
import io.zkaudit.prover.parallel.Parallel;

/**
 * Whole-codeword folding for the Basefold prover (the verifier folds single cosets with
 * {@link Basefold#foldCoset}; tests check the two agree). Entry m of the folded codeword is
 * (v0 + v1)/2 + r (v0 - v1) / (2x) with v0, v1 = entries 2m, 2m+1 and
 * 1/x = w_L^-bitrev_{L-1}(m), computed as a product of two small tables
 * (low 12 bits of m, high bits of m).
 */
final class Folding {
  private Folding() {}

  private static final int INNER_LOG = 12;

  /** 1/x for pair m, as inner[m & mask] * outer[m >>> innerLog]. */
  private record InvPoints(long[] inner, long[] outer, int innerLog) {
    static InvPoints of(int logLength) {
      int half = logLength - 1;
      int innerLog = Math.min(half, INNER_LOG);
      int outerLog = half - innerLog;
      long[] inner = bitReversedPowers(Goldilocks.inv(Goldilocks.rootOfUnity(innerLog + 1)), innerLog);
      long[] outer = bitReversedPowers(Goldilocks.inv(Goldilocks.rootOfUnity(logLength)), outerLog);
      return new InvPoints(inner, outer, innerLog);
    }
  }

  /** g^bitrev_bits(i) for i < 2^bits. */
  private static long[] bitReversedPowers(long g, int bits) {
    int n = 1 << bits;
    long[] pw = new long[n];
    long x = 1;
    for (int i = 0; i < n; i++) {
      pw[i] = x;
      x = Goldilocks.mul(x, g);
    }
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = pw[Basefold.bitReverse(i, bits)];
    }
    return out;
  }

  /** Folds a base-field codeword of length 2^logLength: returns an interleaved Ext2 codeword. */
  static long[] foldBase(long[] cw, int logLength, Ext2 r) {
    int half = 1 << (logLength - 1);
    long[] out = new long[2 * half];
    InvPoints ip = InvPoints.of(logLength);
    long rh0 = Goldilocks.mul(r.c0(), Basefold.INV2);
    long rh1 = Goldilocks.mul(r.c1(), Basefold.INV2);
    int mask = (1 << ip.innerLog) - 1;
    Parallel.forRange(half, 1 << 14, (from, to) -> {
      for (int m = from; m < to; m++) {
        long xInv = Goldilocks.mul(ip.inner[m & mask], ip.outer[m >>> ip.innerLog]);
        long v0 = cw[2 * m];
        long v1 = cw[2 * m + 1];
        long d = Goldilocks.mul(Goldilocks.sub(v0, v1), xInv);
        out[2 * m] = Goldilocks.add(Basefold.half(Goldilocks.add(v0, v1)), Goldilocks.mul(rh0, d));
        out[2 * m + 1] = Goldilocks.mul(rh1, d);
      }
    });
    return out;
  }

  /** Folds an interleaved Ext2 codeword of length 2^logLength. */
  static long[] foldExt(long[] cw, int logLength, Ext2 r) {
    int half = 1 << (logLength - 1);
    long[] out = new long[2 * half];
    InvPoints ip = InvPoints.of(logLength);
    long rh0 = Goldilocks.mul(r.c0(), Basefold.INV2);
    long rh1 = Goldilocks.mul(r.c1(), Basefold.INV2);
    int mask = (1 << ip.innerLog) - 1;
    Parallel.forRange(half, 1 << 13, (from, to) -> {
      for (int m = from; m < to; m++) {
        long xInv = Goldilocks.mul(ip.inner[m & mask], ip.outer[m >>> ip.innerLog]);
        long a0 = cw[4 * m];
        long a1 = cw[4 * m + 1];
        long b0 = cw[4 * m + 2];
        long b1 = cw[4 * m + 3];
        long d0 = Goldilocks.mul(Goldilocks.sub(a0, b0), xInv);
        long d1 = Goldilocks.mul(Goldilocks.sub(a1, b1), xInv);
        // (d0 + d1 u)(rh0 + rh1 u) = d0 rh0 + 7 d1 rh1 + (d0 rh1 + d1 rh0) u
        long p0 = Goldilocks.add(Goldilocks.mul(d0, rh0), Goldilocks.mul(Ext2.W, Goldilocks.mul(d1, rh1)));
        long p1 = Goldilocks.add(Goldilocks.mul(d0, rh1), Goldilocks.mul(d1, rh0));
        out[2 * m] = Goldilocks.add(Basefold.half(Goldilocks.add(a0, b0)), p0);
        out[2 * m + 1] = Goldilocks.add(Basefold.half(Goldilocks.add(a1, b1)), p1);
      }
    });
    return out;
  }
}
