package io.zkaudit.ntt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.pcs.Basefold;
import io.zkaudit.poly.Mle;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class NttTest {

  private static long[] random(Random rng, int n) {
    long[] a = new long[n];
    for (int i = 0; i < n; i++) {
      a[i] = Goldilocks.random(rng);
    }
    return a;
  }

  @Property(tries = 30)
  void matchesTheNaiveDft(@ForAll @IntRange(min = 0, max = 10) int logN, @ForAll long seed) {
    long[] c = random(new Random(seed), 1 << logN);
    long[] a = c.clone();
    Ntt.forward(a, 0, logN);
    assertArrayEquals(Ntt.naive(c), a);
  }

  @Test
  void largeSizesAgreeWithHornerAtSampledPositions() {
    Random rng = new Random(7);
    for (int logN : new int[] {13, 14, 15, 17}) {
      long[] c = random(rng, 1 << logN);
      long[] a = c.clone();
      long[] b = new long[a.length + 3];
      System.arraycopy(c, 0, b, 3, c.length); // non-zero offset
      Ntt.forward(a, 0, logN);
      Ntt.forwardParallel(b, 3, logN);
      for (int i = 0; i < a.length; i++) {
        assertEquals(a[i], b[3 + i]);
      }
      for (int k = 0; k < 20; k++) {
        int i = rng.nextInt(a.length);
        long x = Goldilocks.pow(Goldilocks.rootOfUnity(logN), Ntt.bitReverse(i, logN));
        long acc = 0;
        for (int j = c.length - 1; j >= 0; j--) {
          acc = Goldilocks.add(Goldilocks.mul(acc, x), c[j]);
        }
        assertEquals(acc, a[i], "logN " + logN + " position " + i);
      }
    }
  }

  @Property(tries = 30)
  void moebiusTransformGivesMultilinearCoefficients(
      @ForAll @IntRange(min = 0, max = 15) int n, @ForAll long seed) {
    Random rng = new Random(seed);
    long[] evals = random(rng, 1 << n);
    long[] coeffs = evals.clone();
    ReedSolomon.evalsToCoeffs(coeffs, 0, n);
    // f(r) = sum_i c_i prod_{j in bits(i)} r_j
    Ext2[] r = new Ext2[n];
    for (int j = 0; j < n; j++) {
      r[j] = Ext2.random(rng);
    }
    Ext2 acc = Ext2.ZERO;
    for (int i = 0; i < coeffs.length; i++) {
      Ext2 mono = Ext2.ONE;
      for (int j = 0; j < n; j++) {
        if (((i >>> j) & 1) == 1) {
          mono = mono.mul(r[j]);
        }
      }
      acc = acc.add(mono.mul(coeffs[i]));
    }
    assertEquals(Mle.evaluate(evals, r), acc);
  }

  @Property(tries = 20)
  void codewordEntriesAreEvaluationsAtTheBitReversedPoints(
      @ForAll @IntRange(min = 0, max = 12) int n,
      @ForAll @IntRange(min = 1, max = 3) int logBlowup,
      @ForAll long seed) {
    Random rng = new Random(seed);
    long[] evals = random(rng, 1 << n);
    long[] coeffs = evals.clone();
    ReedSolomon.evalsToCoeffs(coeffs, 0, n);
    long[] cw = ReedSolomon.encodeEvaluations(evals, logBlowup);
    assertEquals(1 << (n + logBlowup), cw.length);
    Ext2[] ce = new Ext2[coeffs.length];
    for (int i = 0; i < ce.length; i++) {
      ce[i] = Ext2.of(coeffs[i]);
    }
    for (int k = 0; k < 16; k++) {
      int p = rng.nextInt(cw.length);
      assertEquals(Ext2.of(cw[p]), Basefold.evalUnivariate(ce, Basefold.point(n + logBlowup, p)));
    }
  }
}
