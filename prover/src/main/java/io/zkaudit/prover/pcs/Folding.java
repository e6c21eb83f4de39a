package io.zkaudit.prover.pcs;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.parallel.Parallel;
import io.zkaudit.pcs.Basefold;
import io.zkaudit.prover.field.FastField;

/**
 * Whole-codeword folding for the Basefold prover (the verifier folds single cosets with {@link
 * Basefold#foldCoset}; tests check the two agree). Entry m of the folded codeword is (v0 + v1)/2 +
 * r (v0 - v1) / (2x) with v0, v1 = entries 2m, 2m+1 and 1/x = w_L^-bitrev_{L-1}(m), computed as a
 * product of two small tables (low 12 bits of m, high bits of m).
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
      long[] inner =
          bitReversedPowers(Goldilocks.inv(Goldilocks.rootOfUnity(innerLog + 1)), innerLog);
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
    Parallel.forRange(
        half,
        1 << 14,
        (from, to) -> {
          for (int m = from; m < to; m++) {
            long xInv = Goldilocks.mul(ip.inner[m & mask], ip.outer[m >>> ip.innerLog]);
            long v0 = cw[2 * m];
            long v1 = cw[2 * m + 1];
            long d = Goldilocks.mul(Goldilocks.sub(v0, v1), xInv);
            out[2 * m] = FastField.dot2(rh0, d, 0, 0, Basefold.half(Goldilocks.add(v0, v1)));
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
    long rh1w = FastField.mulW(rh1);
    int mask = (1 << ip.innerLog) - 1;
    Parallel.forRange(
        half,
        1 << 13,
        (from, to) -> {
          for (int m = from; m < to; m++) {
            long xInv = Goldilocks.mul(ip.inner[m & mask], ip.outer[m >>> ip.innerLog]);
            long a0 = cw[4 * m];
            long a1 = cw[4 * m + 1];
            long b0 = cw[4 * m + 2];
            long b1 = cw[4 * m + 3];
            long d0 = Goldilocks.mul(Goldilocks.sub(a0, b0), xInv);
            long d1 = Goldilocks.mul(Goldilocks.sub(a1, b1), xInv);
            // (d0 + d1 u)(rh0 + rh1 u) = d0 rh0 + W d1 rh1 + (d0 rh1 + d1 rh0) u, each coordinate
            // with the half-sum added before one reduction
            out[2 * m] = FastField.dot2(d0, rh0, d1, rh1w, Basefold.half(Goldilocks.add(a0, b0)));
            out[2 * m + 1] =
                FastField.dot2(d0, rh1, d1, rh0, Basefold.half(Goldilocks.add(a1, b1)));
          }
        });
    return out;
  }

  /**
   * Folds every coset of 2^a consecutive entries a times in one pass (challenges r[from..from+a)):
   * the a-times folded codeword, interleaved Ext2, of length 2^(logLength - a). Same result as a
   * rounds of {@link #foldBase}/{@link #foldExt}, without the intermediate codewords.
   *
   * @param base whether cw holds base-field entries (else interleaved Ext2)
   */
  static long[] foldCosets(long[] cw, boolean base, int logLength, int a, Ext2[] r, int from) {
    return foldCosets(cw, base, logLength, a, r, from, java.util.List.of());
  }

  /**
   * A base-field codeword that joins a fold after {@code steps} of its steps, weighted by {@code
   * coefficient} (a batched opening's polynomial; its length is the folded codeword's there).
   */
  record Join(int steps, Ext2 coefficient, long[] codeword) {}

  /**
   * {@link #foldCosets}, with codewords joining on the way: before fold step s, each join of that
   * step adds its coefficient times its entries at the coset's 2^(a - s) positions. One pass over
   * the cosets, as without joins: no intermediate codeword is built (a join after one step of a
   * 2^27-entry codeword would otherwise materialise 2^26 extension entries).
   */
  static long[] foldCosets(
      long[] cw,
      boolean base,
      int logLength,
      int a,
      Ext2[] r,
      int from,
      java.util.List<Join> joins) {
    boolean joinsFirst = joins.stream().anyMatch(j -> j.steps() == 0);
    // the joins of each step, as arrays: the loop below runs once per coset and step (2^25 times
    // for a 2^27-entry codeword), where iterating a list cost 5% of a MobileNet proof's CPU
    Join[][] joinsAt = new Join[a][];
    for (int s = 0; s < a; s++) {
      int step = s;
      joinsAt[s] = joins.stream().filter(j -> j.steps() == step).toArray(Join[]::new);
    }
    int outLog = logLength - a;
    int cosets = 1 << outLog;
    long[] out = new long[2 * cosets];
    // yInv[j] = w_L^-bitrev_{L-a}(j) = inner[j & mask] * outer[j >>> innerLog]
    int innerLog = Math.min(outLog, INNER_LOG);
    long[] inner =
        bitReversedPowers(Goldilocks.inv(Goldilocks.rootOfUnity(a + innerLog)), innerLog);
    long[] outer =
        bitReversedPowers(Goldilocks.inv(Goldilocks.rootOfUnity(logLength)), outLog - innerLog);
    int mask = (1 << innerLog) - 1;
    // small[s][m] = w_{2^(a-s)}^-bitrev_{a-s-1}(m) / 2
    long[][] small = new long[a][];
    long[] rc0 = new long[a];
    long[] rc1 = new long[a];
    long[] rc1w = new long[a]; // W r1, for the extension products' real parts
    for (int s = 0; s < a; s++) {
      long[] t = bitReversedPowers(Goldilocks.inv(Goldilocks.rootOfUnity(a - s)), a - s - 1);
      for (int m = 0; m < t.length; m++) {
        t[m] = Goldilocks.mul(t[m], Basefold.INV2);
      }
      small[s] = t;
      rc0[s] = r[from + s].c0();
      rc1[s] = r[from + s].c1();
      rc1w[s] = FastField.mulW(rc1[s]);
    }
    int width = 1 << a;
    Parallel.forRange(
        cosets,
        1 << 10,
        (lo, hi) -> {
          long[] v = new long[2 * width];
          for (int j = lo; j < hi; j++) {
            long y = Goldilocks.mul(inner[j & mask], outer[j >>> innerLog]);
            int s0 = 0;
            if (base
                && joinsFirst) { // a join before the first step: fold in the extension from the
              // start
              int off = j * width;
              for (int m = 0; m < width; m++) {
                v[2 * m] = cw[off + m];
                v[2 * m + 1] = 0;
              }
            } else if (base) { // first fold of base entries: 3 multiplications per pair instead of
              // 8
              long[] sm = small[0];
              long r0 = rc0[0];
              long r1 = rc1[0];
              int off = j * width;
              for (int m = 0; m < width >>> 1; m++) {
                long a0 = cw[off + 2 * m];
                long b0 = cw[off + 2 * m + 1];
                long d0 = Goldilocks.mul(Goldilocks.sub(a0, b0), Goldilocks.mul(y, sm[m]));
                v[2 * m] = FastField.dot2(d0, r0, 0, 0, Basefold.half(Goldilocks.add(a0, b0)));
                v[2 * m + 1] = Goldilocks.mul(d0, r1);
              }
              y = Goldilocks.mul(y, y);
              s0 = 1;
            } else {
              System.arraycopy(cw, 2 * j * width, v, 0, 2 * width);
            }
            for (int s = s0; s < a; s++) {
              if (joinsAt[s].length > 0) {
                join(v, joinsAt[s], s, j, a);
              }
              int half = width >>> (s + 1);
              long[] sm = small[s];
              long r0 = rc0[s];
              long r1 = rc1[s];
              long r1w = rc1w[s];
              for (int m = 0; m < half; m++) {
                long xh = Goldilocks.mul(y, sm[m]);
                long a0 = v[4 * m], a1 = v[4 * m + 1], b0 = v[4 * m + 2], b1 = v[4 * m + 3];
                long d0 = Goldilocks.mul(Goldilocks.sub(a0, b0), xh);
                long d1 = Goldilocks.mul(Goldilocks.sub(a1, b1), xh);
                // half-sum + (d0 + d1 u)(r0 + r1 u), one reduction per coordinate
                v[2 * m] = FastField.dot2(d0, r0, d1, r1w, Basefold.half(Goldilocks.add(a0, b0)));
                v[2 * m + 1] =
                    FastField.dot2(d0, r1, d1, r0, Basefold.half(Goldilocks.add(a1, b1)));
              }
              y = Goldilocks.mul(y, y);
            }
            out[2 * j] = v[0];
            out[2 * j + 1] = v[1];
          }
        });
    return out;
  }

  /**
   * v[m] += c * codeword[(coset << (a - s)) + m] for each join of step s, {@code joins} (v: 2^(a -
   * s) interleaved Ext2 values).
   */
  private static void join(long[] v, Join[] joins, int s, int coset, int a) {
    for (Join join : joins) {
      int count = 1 << (a - s);
      int at = coset << (a - s);
      long c0 = join.coefficient().c0();
      long c1 = join.coefficient().c1();
      long[] w = join.codeword();
      for (int m = 0; m < count; m++) {
        long e = w[at + m];
        v[2 * m] = FastField.dot2(c0, e, 0, 0, v[2 * m]);
        v[2 * m + 1] = FastField.dot2(c1, e, 0, 0, v[2 * m + 1]);
      }
    }
  }
}
