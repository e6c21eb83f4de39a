package io.zkaudit.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.model.FixedPoint;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class StepTableTest {

  @Property(tries = 30)
  void rowsPartitionTheCoveredRangeIntoLevelSetPieces(
      @ForAll @IntRange(min = 1, max = Integer.MAX_VALUE) int m,
      @ForAll @IntRange(min = -20, max = 2) int shift,
      @ForAll @IntRange(min = 0, max = 255) int zp,
      @ForAll @IntRange(min = 1, max = 8) int edge) {
    MonotoneStep f =
        MonotoneStep.of(
            a ->
                Math.clamp(
                    (long) FixedPoint.multiplyByQuantizedMultiplier((int) a, m, shift) + zp,
                    0,
                    255),
            0,
            255);
    StepTable t = StepTable.of(f, edge);
    long previousHigh = t.rows().getFirst().low();
    for (StepTable.Row r : t.rows()) {
      assertEquals(previousHigh, r.low(), "rows are contiguous");
      assertTrue(r.high() > r.low() && r.high() - r.low() <= StepTable.MAX_WIDTH);
      // Soundness: f is constant on the row (monotone, so the ends suffice).
      assertEquals(r.out(), f.apply(r.low()));
      assertEquals(r.out(), f.apply(r.high() - 1));
      previousHigh = r.high();
    }
    long first = t.rows().getFirst().low();
    long last = t.rows().getLast().high() - 1;
    for (long a : new long[] {first, last, (first + last) / 2}) {
      int row = t.rowOf(a);
      assertTrue(row >= 0);
      assertEquals(f.apply(a), t.rows().get(row).out());
    }
    assertEquals(-1, t.rowOf(first - 1));
    assertEquals(-1, t.rowOf(last + 1));
  }

  /**
   * What a provability check reads without building the table: the covered range and the row count
   * agree with the rows themselves, for int8 outputs (negative levels) as for uint8 ones.
   */
  @Property(tries = 30)
  void coverageAndRowCountMatchTheBuiltTable(
      @ForAll @IntRange(min = 1 << 30, max = Integer.MAX_VALUE) int m,
      @ForAll @IntRange(min = -22, max = 2) int shift,
      @ForAll @IntRange(min = -128, max = 127) int zp,
      @ForAll @IntRange(min = 1, max = 8) int edge,
      @ForAll boolean signed) {
    int lo = signed ? -128 : 0;
    int hi = signed ? 127 : 255;
    long bound = 1L << (31 - Math.max(0, shift));
    MonotoneStep f =
        MonotoneStep.of(
            a ->
                Math.clamp(
                    (long) FixedPoint.multiplyByQuantizedMultiplier((int) a, m, shift) + zp,
                    lo,
                    hi),
            lo,
            hi,
            -bound,
            bound);
    StepTable t = StepTable.of(f, edge);
    long[] covered = StepTable.edgeCoverage(f, edge);
    assertEquals(t.rows().getFirst().low(), covered[0]);
    assertEquals(t.rows().getLast().high(), covered[1]);
    assertEquals(t.rows().size(), StepTable.rowCount(f, covered[0], covered[1]));
    // apply() finds each row's level, negative ones included (its midpoint once overflowed for lo <
    // 0).
    for (StepTable.Row r : t.rows()) {
      assertEquals(r.out(), f.apply(r.low()));
    }
  }
}
