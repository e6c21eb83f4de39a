package io.zkaudit.field;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class Ext2Test {
  static final BigInteger P = GoldilocksTest.P;

  @Test
  void wIsANonResidue() {
    // Euler's criterion: W^((p-1)/2) = -1, so u^2 - W is irreducible (W = 7).
    assertEquals(7, Ext2.W);
    assertEquals(Goldilocks.P - 1, Goldilocks.pow(Ext2.W, (Goldilocks.P - 1) >>> 1));
  }

  @Property(tries = 1000)
  void mulMatchesSchoolbook(@ForAll long seed) {
    Random rng = new Random(seed);
    Ext2 a = Ext2.random(rng);
    Ext2 b = Ext2.random(rng);
    BigInteger a0 = GoldilocksTest.big(a.c0()), a1 = GoldilocksTest.big(a.c1());
    BigInteger b0 = GoldilocksTest.big(b.c0()), b1 = GoldilocksTest.big(b.c1());
    BigInteger c0 = a0.multiply(b0).add(a1.multiply(b1).multiply(BigInteger.valueOf(7))).mod(P);
    BigInteger c1 = a0.multiply(b1).add(a1.multiply(b0)).mod(P);
    Ext2 c = a.mul(b);
    assertEquals(c0, GoldilocksTest.big(c.c0()));
    assertEquals(c1, GoldilocksTest.big(c.c1()));
    assertEquals(a.mul(a), a.square());
    assertEquals(a.mul(Ext2.of(b.c0())), a.mul(b.c0()));
    if (!a.isZero()) {
      assertEquals(Ext2.ONE, a.mul(a.inv()));
    }
  }

  @Test
  void batchInvertAndPow() {
    Random rng = new Random(3);
    Ext2[] v = new Ext2[33];
    for (int i = 0; i < v.length; i++) {
      v[i] = Ext2.random(rng);
    }
    Ext2[] inv = Ext2.batchInvert(v);
    for (int i = 0; i < v.length; i++) {
      assertEquals(Ext2.ONE, v[i].mul(inv[i]));
    }
    assertEquals(v[0].mul(v[0]).mul(v[0]), v[0].pow(3));
    assertThrows(ArithmeticException.class, () -> Ext2.ZERO.inv());
    assertThrows(IllegalArgumentException.class, () -> new Ext2(Goldilocks.P, 0));
  }
}
