package io.zkaudit.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zkaudit.model.FixedPoint;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class FixedPointClosedFormTest {

  @Test
  void knownAnswers() {
    assertEquals(1 << 29, FixedPoint.saturatingRoundingDoublingHighMul(1 << 30, 1 << 30));
    assertEquals(
        Integer.MAX_VALUE,
        FixedPoint.saturatingRoundingDoublingHighMul(Integer.MIN_VALUE, Integer.MIN_VALUE));
    assertEquals(3, FixedPoint.roundingDivideByPot(5, 1));
    assertEquals(-3, FixedPoint.roundingDivideByPot(-5, 1));
    assertEquals(2, FixedPoint.roundingDivideByPot(7, 2));
    assertEquals(-2, FixedPoint.roundingDivideByPot(-6, 2));
    assertEquals(-1, FixedPoint.roundingDivideByPot(-5, 2));
    assertEquals(
        new FixedPoint.QuantizedMultiplier(1 << 30, 0), FixedPoint.quantizeMultiplier(0.5));
    assertEquals(
        new FixedPoint.QuantizedMultiplier(1 << 30, 1), FixedPoint.quantizeMultiplier(1.0));
    assertEquals(
        new FixedPoint.QuantizedMultiplier(1 << 30, -1), FixedPoint.quantizeMultiplier(0.25));
    assertEquals(
        new FixedPoint.QuantizedMultiplier(1518500250, 0),
        FixedPoint.quantizeMultiplier(Math.sqrt(0.5)));

    assertEquals(128 + 50, FixedPoint.multiplyByQuantizedMultiplier(100, 1 << 30, 0) + 128);
  }

  /** The closed forms the circuit relies on: SRDHM rounds half up, RDBP half away from zero. */
  @Property(tries = 3000)
  void closedForms(
      @ForAll int a,
      @ForAll @IntRange(min = 1 << 30, max = Integer.MAX_VALUE) int m,
      @ForAll @IntRange(min = 0, max = 31) int e) {
    BigInteger ab = BigInteger.valueOf(a).multiply(BigInteger.valueOf(m));
    BigInteger floor = ab.add(BigInteger.ONE.shiftLeft(30)).shiftRight(31); // shiftRight floors
    assertEquals(floor.intValueExact(), FixedPoint.saturatingRoundingDoublingHighMul(a, m));
    BigDecimal exact = new BigDecimal(a).divide(new BigDecimal(BigInteger.ONE.shiftLeft(e)));
    assertEquals(
        exact.setScale(0, RoundingMode.HALF_UP).intValueExact(),
        FixedPoint.roundingDivideByPot(a, e));
  }

  @Property(tries = 40)
  void thresholdsReproduceTheRequantization(
      @ForAll @IntRange(min = 1 << 30, max = Integer.MAX_VALUE) int m,
      @ForAll @IntRange(min = -12, max = 0) int shift,
      @ForAll @IntRange(min = 0, max = 255) int zp,
      @ForAll @IntRange(min = -2000000, max = 2000000) int probe) {
    MonotoneStep step =
        MonotoneStep.of(
            a ->
                Math.clamp(
                    (long) FixedPoint.multiplyByQuantizedMultiplier((int) a, m, shift) + zp,
                    0,
                    255),
            0,
            255);
    for (long a = probe - 300; a <= probe + 300; a++) {
      assertEquals(
          Math.clamp(
              (long) FixedPoint.multiplyByQuantizedMultiplier((int) a, m, shift) + zp, 0, 255),
          step.apply(a));
    }
    assertEquals(0, step.apply(Integer.MIN_VALUE));
    assertEquals(255, step.apply(Integer.MAX_VALUE));
  }

  @Test
  void nonMonotoneOrOutOfRangeFunctionsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> MonotoneStep.of(a -> a, 0, 255));
    assertThrows(IllegalArgumentException.class, () -> new MonotoneStep(0, 1, new long[] {1, 2}));
    MonotoneStep averagePool =
        MonotoneStep.of(a -> Math.max(0, Math.min(255, Math.floorDiv(a + 24, 49))), 0, 255);
    assertEquals(49 * 3 - 24, averagePool.threshold(3));
  }
}
