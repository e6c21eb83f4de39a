package io.zkaudit.quant;

import io.zkaudit.model.FixedPoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class StepTableTest {

  @Property(tries = 30)
  void rowsPartitionTheCoveredRangeIntoLevelSetPieces(
      @ForAll @IntRange(min = 1, max = Integer.MAX_VALUE) int m, @ForAll @IntRange(min = -20, max = 2) int shift,
      @ForAll @IntRange(min = 0, max = 255) int zp, @ForAll @IntRange(min = 1, max = 8) int edge) {
    MonotoneStep f = MonotoneStep.of(a -> Math.clamp((long) FixedPoint.multiplyByQuantizedMultiplier((int) a, m, shift) + zp, 0, 255), 0, 255);
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
}
