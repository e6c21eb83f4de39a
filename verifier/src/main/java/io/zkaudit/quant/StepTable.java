package io.zkaudit.quant;

import java.util.ArrayList;
import java.util.List;

/**
 * The lookup table that proves {@code out = f(a)} for a {@link MonotoneStep} f with one tuple
 * lookup and two 16-bit range checks.
 *
 * <p>Each row {@code (out, low, high)} is an interval [low, high) of width at most 2^16 on which f
 * is constant and equal to out. The prover shows {@code (out, a - c1, a + c2 + 1)} is a row with
 * {@code c1, c2 in [0, 2^16)}; then low <= a < high, so f(a) = out. Soundness needs only that every
 * row lies inside f's level set; completeness needs the rows to cover the accumulators that occur,
 * so the steps are cut into pieces of width 2^16 and the two clamped ends are covered by {@code
 * edgeRows} extra rows each (2^16 * edgeRows beyond the outermost thresholds; an accumulator
 * further out cannot be proven and the prover says so).
 *
 * <p>A limb table ({@link #LIMB_WIDTH}) has rows up to 2^32 wide, so one row per level set over f's
 * whole domain; its remainders are 32-bit, each range-checked as two 16-bit limbs
 * (docs/model-proofs.md, "Limb roundings").
 */
public record StepTable(List<Row> rows) {

  public static final long MAX_WIDTH = 1L << 16;

  /**
   * The widest row of a limb table: remainders c1, c2 in [0, 2^32), each two 16-bit limbs. Every
   * level set of a map on (a part of) int32 fits one row, so a limb table has one row per output
   * value and covers the map's whole domain.
   */
  public static final long LIMB_WIDTH = 1L << 32;

  /** One interval [low, high) on which the function equals out. */
  public record Row(int out, long low, long high) {}

  public StepTable {
    rows = List.copyOf(rows);
  }

  public static StepTable of(MonotoneStep f, int edgeRows) {
    long[] range = edgeCoverage(f, edgeRows);
    return covering(f, range[0], range[1]);
  }

  /**
   * The accumulators [from, to) that {@link #of(MonotoneStep, int)} covers, intersected with f's
   * domain: what a provability check compares an accumulator range with, without building rows.
   */
  public static long[] edgeCoverage(MonotoneStep f, int edgeRows) {
    long first = f.threshold(f.lo() + 1 <= f.hi() ? f.lo() + 1 : f.lo());
    long last = f.threshold(f.hi());
    return new long[] {
      Math.max(first - MAX_WIDTH * edgeRows, f.threshold(f.lo())),
      Math.min(last + MAX_WIDTH * edgeRows, f.threshold(f.hi() + 1))
    };
  }

  /**
   * How many rows {@link #covering} would make, counted without making them (a table may be too
   * large to build).
   */
  public static long rowCount(MonotoneStep f, long from, long to) {
    return rowCount(f, from, to, MAX_WIDTH);
  }

  /** The same for rows of at most maxWidth ({@link #LIMB_WIDTH} for a limb table). */
  public static long rowCount(MonotoneStep f, long from, long to, long maxWidth) {
    long n = 0;
    for (int k = f.lo(); k <= f.hi(); k++) {
      long low = Math.max(f.threshold(k), from);
      long high = Math.min(f.threshold(k + 1), to);
      if (high > low) {
        n += (high - low + maxWidth - 1) / maxWidth;
      }
    }
    return n;
  }

  /**
   * Rows covering exactly [from, to) (intersected with f's domain): for layers whose accumulator
   * range is known from the public description (an ADD of two rescaled 8-bit values, a pool).
   */
  public static StepTable covering(MonotoneStep f, long from, long to) {
    return covering(f, from, to, MAX_WIDTH);
  }

  /** The same with rows of at most maxWidth ({@link #LIMB_WIDTH} for a limb table). */
  public static StepTable covering(MonotoneStep f, long from, long to, long maxWidth) {
    List<Row> rows = new ArrayList<>();
    for (int k = f.lo(); k <= f.hi(); k++) {
      long low = Math.max(f.threshold(k), from);
      long high = Math.min(f.threshold(k + 1), to);
      for (long start = low; start < high; start += maxWidth) {
        rows.add(new Row(k, start, Math.min(high, start + maxWidth)));
      }
    }
    return new StepTable(rows);
  }

  /** The row that proves f(a), or -1 if a is outside the covered range. */
  public int rowOf(long a) {
    int lo = 0;
    int hi = rows.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      Row r = rows.get(mid);
      if (a < r.low()) {
        hi = mid - 1;
      } else if (a >= r.high()) {
        lo = mid + 1;
      } else {
        return mid;
      }
    }
    return -1;
  }
}
