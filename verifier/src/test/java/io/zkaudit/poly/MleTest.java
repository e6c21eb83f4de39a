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
  void evaluationIsTheEqWeightedSum(@ForAll @IntRange(min = 0, max = 14) int n, @ForAll long seed) {
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
    assertEquals(
        ExtVector.get(Mle.eqTable(other), index),
        Mle.eq(point, other),
        "boolean coordinates on either side");
    // Mixed: some coordinates boolean, some not, against the general formula.
    Ext2[] mixed = other.clone();
    for (int j = 0; j < n; j += 2) {
      mixed[j] = point[j];
    }
    Ext2 expected = Ext2.ONE;
    for (int j = 0; j < n; j++) {
      Ext2 ab = mixed[j].mul(other[j]);
      expected = expected.mul(ab.add(Ext2.ONE.sub(mixed[j]).mul(Ext2.ONE.sub(other[j]))));
    }
    assertEquals(expected, Mle.eq(mixed, other));
  }

  @Property(tries = 20)
  void largeTablesEvaluateLikeFolding(
      @ForAll @IntRange(min = 8, max = 16) int n, @ForAll long seed) {
    Random rng = new Random(seed);
    long[] t = new long[1 << n];
    for (int i = 0; i < t.length; i++) {
      t[i] = rng.nextInt(8) == 0 ? Goldilocks.P - 1 : Goldilocks.random(rng);
    }
    Ext2[] r = new Ext2[n];
    for (int j = 0; j < n; j++) {
      r[j] = Ext2.random(rng);
    }
    // evaluateExt folds variable by variable: the reference for the split-eq evaluation.
    assertEquals(Mle.evaluateExt(ExtVector.fromBase(t), r), Mle.evaluate(t, r));
  }
}
