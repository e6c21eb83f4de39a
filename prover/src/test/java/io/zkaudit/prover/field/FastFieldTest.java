package io.zkaudit.prover.field;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class FastFieldTest {

  @Provide
  Arbitrary<Long> elements() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            0L,
            1L,
            2L,
            Goldilocks.P - 1,
            Goldilocks.P - 2,
            0xFFFF_FFFFL,
            0x1_0000_0000L,
            Goldilocks.P >>> 1),
        Arbitraries.longs().filter(Goldilocks::isCanonical));
  }

  @Property(tries = 3000)
  void dot2MatchesTheReference(
      @ForAll("elements") long a,
      @ForAll("elements") long b,
      @ForAll("elements") long c,
      @ForAll("elements") long d,
      @ForAll("elements") long e) {
    long expected = Goldilocks.add(Goldilocks.add(Goldilocks.mul(a, b), Goldilocks.mul(c, d)), e);
    assertEquals(expected, FastField.dot2(a, b, c, d, e));
    assertEquals(Goldilocks.mul(Ext2.W, a), FastField.mulW(a));
  }

  @Test
  void extensionProductMatchesExt2() {
    Random rng = new Random(1);
    long[] edge = {0, 1, Goldilocks.P - 1, Goldilocks.P - 2, 0xFFFF_FFFFL};
    for (int i = 0; i < 20000; i++) {
      long[] v = new long[4];
      for (int k = 0; k < 4; k++) {
        v[k] = rng.nextInt(4) == 0 ? edge[rng.nextInt(edge.length)] : Goldilocks.random(rng);
      }
      Ext2 x = new Ext2(v[0], v[1]);
      Ext2 y = new Ext2(v[2], v[3]);
      Ext2 xy = x.mul(y);
      assertEquals(xy.c0(), FastField.extMulC0(v[0], v[1], v[2], FastField.mulW(v[3])));
      assertEquals(xy.c1(), FastField.extMulC1(v[0], v[1], v[2], v[3]));
    }
  }
}
