package io.zkaudit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Known answers for TFLite's fixed-point helpers, worked out by hand from their definitions. */
class FixedPointTest {

  @Test
  void doublingHighMulRoundsAndSaturates() {
    assertEquals(
        Integer.MAX_VALUE,
        FixedPoint.saturatingRoundingDoublingHighMul(Integer.MIN_VALUE, Integer.MIN_VALUE));
    assertEquals(1 << 29, FixedPoint.saturatingRoundingDoublingHighMul(1 << 30, 1 << 30));
    assertEquals(1, FixedPoint.saturatingRoundingDoublingHighMul(1, 1 << 30)); // +0.5 rounds up
    assertEquals(
        0,
        FixedPoint.saturatingRoundingDoublingHighMul(
            -1, 1 << 30)); // -0.5: nudge then truncate gives 0
    assertEquals(-1, FixedPoint.saturatingRoundingDoublingHighMul(-3, 1 << 30)); // -1.5 -> -1
    assertEquals(
        Integer.MIN_VALUE + 1,
        FixedPoint.saturatingRoundingDoublingHighMul(Integer.MIN_VALUE, Integer.MAX_VALUE));
  }

  @Test
  void roundingDivideByPowerOfTwoRoundsHalfAwayFromZero() {
    assertEquals(3, FixedPoint.roundingDivideByPot(5, 1));
    assertEquals(-3, FixedPoint.roundingDivideByPot(-5, 1));
    assertEquals(2, FixedPoint.roundingDivideByPot(4, 1));
    assertEquals(-2, FixedPoint.roundingDivideByPot(-4, 1));
    assertEquals(2, FixedPoint.roundingDivideByPot(7, 2));
    assertEquals(-2, FixedPoint.roundingDivideByPot(-6, 2));
    assertEquals(2, FixedPoint.roundingDivideByPot(6, 2));
    assertEquals(-1, FixedPoint.roundingDivideByPot(-5, 2));
    assertEquals(9, FixedPoint.roundingDivideByPot(9, 0));
    assertEquals(1, FixedPoint.roundingDivideByPot(Integer.MAX_VALUE, 31));
    assertEquals(-1, FixedPoint.roundingDivideByPot(Integer.MIN_VALUE, 31));
  }

  @Test
  void quantizeMultiplierMatchesTflite() {
    assertEquals(
        new FixedPoint.QuantizedMultiplier(1 << 30, 0), FixedPoint.quantizeMultiplier(0.5));
    assertEquals(
        new FixedPoint.QuantizedMultiplier(1 << 30, 1), FixedPoint.quantizeMultiplier(1.0));
    assertEquals(
        new FixedPoint.QuantizedMultiplier(3 << 29, 0), FixedPoint.quantizeMultiplier(0.75));
    assertEquals(
        new FixedPoint.QuantizedMultiplier(1 << 30, -3), FixedPoint.quantizeMultiplier(0.0625));
    // rounds up to 2^31: renormalised to 2^30 with one more shift
    assertEquals(
        new FixedPoint.QuantizedMultiplier(1 << 30, 1), FixedPoint.quantizeMultiplier(1 - 0x1p-40));
    // below 2^-32 everything would shift out: flushed to zero, as TFLite does
    assertEquals(new FixedPoint.QuantizedMultiplier(0, 0), FixedPoint.quantizeMultiplier(0x1p-40));
    assertEquals(new FixedPoint.QuantizedMultiplier(0, 0), FixedPoint.quantizeMultiplier(0));
    // 0.1 = 0.8·2^-3; 0.8·2^31 = 1717986918.4 -> 1717986918
    assertEquals(
        new FixedPoint.QuantizedMultiplier(1717986918, -3), FixedPoint.quantizeMultiplier(0.1));
  }

  @Test
  void multiplyByQuantizedMultiplierKnownAnswers() {
    assertEquals(50, FixedPoint.multiplyByQuantizedMultiplier(100, 1 << 30, 0));
    assertEquals(2, FixedPoint.multiplyByQuantizedMultiplier(3, 1 << 30, 0));
    assertEquals(13, FixedPoint.multiplyByQuantizedMultiplier(100, 1 << 30, -2)); // 12.5 -> 13
    assertEquals(-13, FixedPoint.multiplyByQuantizedMultiplier(-100, 1 << 30, -2));
    assertEquals(200, FixedPoint.multiplyByQuantizedMultiplier(100, 1 << 30, 2));
    // double rounding: 0.1·1000 = 100 exactly after the two steps
    var q = FixedPoint.quantizeMultiplier(0.1);
    assertEquals(100, FixedPoint.multiplyByQuantizedMultiplier(1000, q.multiplier(), q.shift()));
  }

  @Property(tries = 2000)
  void quantizedMultiplierApproximatesTheReal(
      @ForAll @DoubleRange(min = 1e-6, max = 0.999) @net.jqwik.api.constraints.Scale(9) double real,
      @ForAll @IntRange(min = -1_000_000, max = 1_000_000) int x) {
    var q = FixedPoint.quantizeMultiplier(real);
    assertTrue(q.multiplier() >= (1 << 30) || q.multiplier() == 0);
    assertEquals(real, q.value(), real * 1e-9);
    int y = FixedPoint.multiplyByQuantizedMultiplier(x, q.multiplier(), q.shift());
    assertTrue(Math.abs(y - x * real) <= 1.0, () -> x + "·" + real + " gave " + y);
  }
}
