package io.zkaudit.quant;

import java.util.function.LongUnaryOperator;

/**
 * A monotone non-decreasing step function from 32-bit integers onto [lo, hi], stored as its
 * thresholds: f(a) = k exactly when threshold(k) <= a < threshold(k + 1).
 *
 * <p>Every rounding map in a quantized network (requantization with its clamp, the rounded division
 * of an average pool, the rescaling of an ADD) has this shape. A proof then checks out = f(a) with
 * one lookup of (out, threshold(out), threshold(out+1)) and two range checks, a - threshold(out) >=
 * 0 and threshold(out+1) - 1 - a >= 0 (see {@link StepTable}). The outer thresholds are the ends of
 * the domain (int32 by default), so the check also proves a is in it.
 */
public record MonotoneStep(int lo, int hi, long[] thresholds) {

  public static final long MIN = Integer.MIN_VALUE;
  public static final long END = 1L << 31;

  /** thresholds[k - lo] = threshold(k) for k in [lo, hi + 1]. */
  public MonotoneStep {
    if (hi < lo || thresholds.length != hi - lo + 2) {
      throw new IllegalArgumentException("thresholds must cover [lo, hi + 1]");
    }
    thresholds = thresholds.clone();
  }

  public long threshold(int k) {
    return thresholds[k - lo];
  }

  @Override
  public long[] thresholds() {
    return thresholds.clone();
  }

  /**
   * The thresholds of f by binary search over the int32 range; f must be monotone and map into [lo,
   * hi] (checked at every probe, so a non-monotone f is rejected rather than mis-tabled).
   */
  public static MonotoneStep of(LongUnaryOperator f, int lo, int hi) {
    return of(f, lo, hi, MIN, END);
  }

  /**
   * The same on the domain [domainMin, domainEnd) only, for maps that are monotone there but not on
   * all of int32 (a left shift before the multiplication wraps large accumulators). A proof then
   * accepts no accumulator outside the domain.
   */
  public static MonotoneStep of(
      LongUnaryOperator f, int lo, int hi, long domainMin, long domainEnd) {
    if (domainMin < MIN || domainEnd > END || domainMin >= domainEnd) {
      throw new IllegalArgumentException(
          "domain [" + domainMin + ", " + domainEnd + ") is not inside int32");
    }
    long[] t = new long[hi - lo + 2];
    t[0] = domainMin;
    t[t.length - 1] = domainEnd;
    for (int k = lo + 1; k <= hi; k++) {
      long left = t[k - lo - 1]; // thresholds are non-decreasing: start from the previous one
      long right =
          domainEnd; // invariant: f(left - 1) < k (or left = domainMin), f(right) >= k or right =
      // domainEnd
      while (left < right) {
        long mid = Math.floorDiv(left + right, 2);
        long v = f.applyAsLong(mid);
        if (v < lo || v > hi) {
          throw new IllegalArgumentException(
              "f(" + mid + ") = " + v + " is outside [" + lo + ", " + hi + "]");
        }
        if (v >= k) {
          right = mid;
        } else {
          left = mid + 1;
        }
      }
      t[k - lo] = left;
    }
    return new MonotoneStep(lo, hi, t);
  }

  /** f(a) read from the thresholds (the definition the proof enforces). */
  public int apply(long a) {
    if (a < thresholds[0] || a >= thresholds[thresholds.length - 1]) {
      throw new IllegalArgumentException("outside the map's domain: " + a);
    }
    int low = lo;
    int high = hi; // largest k with threshold(k) <= a
    while (low < high) {
      int mid = Math.floorDiv(low + high + 1, 2); // lo may be negative (int8): not >>> 1
      if (threshold(mid) <= a) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return low;
  }
}
