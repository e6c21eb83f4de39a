package io.zkaudit.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.ExtVector;
import io.zkaudit.poly.Mle;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class WindowPredicateTest {

  static Ext2[] randomPoint(Random rng, int n) {
    Ext2[] p = new Ext2[n];
    for (int i = 0; i < n; i++) {
      p[i] = Ext2.random(rng);
    }
    return p;
  }

  @Property(tries = 300)
  void tableAndPointEvaluationAgreeWithTheDefinition(
      @ForAll @IntRange(min = 1, max = 7) int kernel,
      @ForAll @IntRange(min = 1, max = 4) int stride,
      @ForAll @IntRange(min = 0, max = 3) int pad,
      @ForAll @IntRange(min = 1, max = 20) int inSize,
      @ForAll long seed) {
    int tapBits = 32 - Integer.numberOfLeadingZeros(kernel - 1);
    int inBits = 32 - Integer.numberOfLeadingZeros(Math.max(1, inSize - 1));
    int outSize = Math.max(1, (inSize + 2 * pad - kernel) / stride + 1);
    int outBits = 32 - Integer.numberOfLeadingZeros(Math.max(1, outSize - 1));
    WindowPredicate w = new WindowPredicate(kernel, stride, pad, outBits, tapBits, inBits, inSize);
    Random rng = new Random(seed);
    Ext2[] r = randomPoint(rng, outBits);
    long[] table = w.table(r);
    // The definition, summed over the Boolean cube with the output coordinate bound to r.
    long[] eqOut = Mle.eqTable(r);
    for (int i = 0; i < (1 << tapBits); i++) {
      for (int src = 0; src < (1 << inBits); src++) {
        Ext2 expected = Ext2.ZERO;
        for (int y = 0; y < (1 << outBits); y++) {
          if (i < kernel && src < inSize && stride * y + i - pad == src) {
            expected = expected.add(ExtVector.get(eqOut, y));
          }
        }
        assertEquals(expected, ExtVector.get(table, i + (src << tapBits)));
      }
    }
    Ext2[] tap = randomPoint(rng, tapBits);
    Ext2[] in = randomPoint(rng, inBits);
    Ext2[] joint = new Ext2[tapBits + inBits];
    System.arraycopy(tap, 0, joint, 0, tapBits);
    System.arraycopy(in, 0, joint, tapBits, inBits);
    assertEquals(Mle.evaluateExt(table, joint), w.evaluate(r, tap, in));
    // The logarithmic (bitwise) evaluations equal the direct sums over output positions.
    assertEquals(w.direct(r, tap, in), w.evaluate(r, tap, in));
    assertEquals(w.direct(r, tap, null), w.sumOverInput(r, tap));
    assertEquals(w.direct(r, null, in), w.evaluateSummedTaps(r, in));
    assertEquals(w.direct(r, null, null), w.windowCount(r));
  }

  @Property(tries = 200)
  void rangeMaskIsTheMleOfLessThan(
      @ForAll @IntRange(min = 0, max = 6) int bits, @ForAll long seed) {
    Random rng = new Random(seed);
    int n = rng.nextInt((1 << bits) + 1);
    long[] table = new long[1 << bits];
    for (int x = 0; x < table.length; x++) {
      table[x] = x < n ? 1 : 0;
    }
    Ext2[] p = randomPoint(rng, bits);
    assertEquals(Mle.evaluate(table, p), RangeMask.evaluate(n, p));
  }

  @Test
  void inconsistentWindowsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new WindowPredicate(5, 1, 0, 3, 2, 3, 8));
    assertThrows(IllegalArgumentException.class, () -> new WindowPredicate(3, 1, 0, 3, 2, 3, 9));
    assertThrows(IllegalArgumentException.class, () -> RangeMask.evaluate(9, new Ext2[3]));
  }
}
