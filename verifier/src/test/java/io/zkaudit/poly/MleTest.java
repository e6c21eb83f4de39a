package io.zkaudit.poly;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.ExtVector;
import io.zkaudit.field.Goldilocks;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class MleTest {

  @Property(tries = 60)
  void evaluationIsTheEqWeightedSum(@ForAll @IntRange(min = 0, max = 10) int n, @ForAll long seed) {
    Random rng = new Random(seed);
    long[] t = new long[1 << n];
    for (int i = 0; i < t.length; i++) {
      t[i] = Goldilocks.random(rng);
    }
    Ext2[] r = new Ext2[n];
    for (int j = 0; j < n; j++) {
      r[j] = Ext2.random(rng);
    }
    long[] eq = Mle.eqTable(r);
    Ext2 sum = Ext2.ZERO;
    Ext2 eqSum = Ext2.ZERO;
    for (int i = 0; i < t.length; i++) {
      sum = sum.add(ExtVector.get(eq, i).mul(t[i]));
      eqSum = eqSum.add(ExtVector.get(eq, i));
    }
    assertEquals(sum, Mle.evaluate(t, r));
    assertEquals(sum, Mle.evaluateExt(ExtVector.fromBase(t), r));
    assertEquals(Ext2.ONE, eqSum);
  }

  @Property(tries = 60)
  void booleanPointsReadTheTable(@ForAll @IntRange(min = 1, max = 8) int n, @ForAll long seed) {
    Random rng = new Random(seed);
    long[] t = new long[1 << n];
    for (int i = 0; i < t.length; i++) {
      t[i] = Goldilocks.random(rng);
    }
    int index = rng.nextInt(t.length);
    Ext2[] point = new Ext2[n];
    for (int j = 0; j < n; j++) {
      point[j] = ((index >>> j) & 1) == 1 ? Ext2.ONE : Ext2.ZERO; // bit j is variable j
    }
    assertEquals(Ext2.of(t[index]), Mle.evaluate(t, point));
    Ext2[] other = new Ext2[n];
    for (int j = 0; j < n; j++) {
      other[j] = Ext2.random(rng);
    }
    assertEquals(ExtVector.get(Mle.eqTable(other), index), Mle.eq(other, point));
  }
}
