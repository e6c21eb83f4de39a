package io.zkaudit.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.ExtVector;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.poly.Mle;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The verifier's evaluation of public tables: the split-eq evaluation of explicit columns and the
 * once-reduced dot product under it agree with the plain multilinear extension, on random values
 * and on the worst case for the unreduced sums (every value and eq entry p - 1, so that every term
 * carries into the top word).
 */
class TableEvaluationTest {

  private static Ext2 random(Random rng) {
    return new Ext2(Goldilocks.reduce64(rng.nextLong()), Goldilocks.reduce64(rng.nextLong()));
  }

  private static Ext2 naiveDot(long[] ext, long[] base, int offset, int n) {
    Ext2 acc = Ext2.ZERO;
    for (int l = 0; l < n; l++) {
      acc = acc.add(ExtVector.get(ext, l).mul(Ext2.of(base[offset + l])));
    }
    return acc;
  }

  @Test
  void theOnceReducedDotProductIsTheDotProduct() {
    Random rng = new Random(1);
    for (int n : new int[] {0, 1, 2, 7, 64, 1000, 1 << 16}) {
      long[] ext = ExtVector.allocate(n);
      long[] base = new long[n + 3];
      for (int i = 0; i < n; i++) {
        ExtVector.set(ext, i, random(rng));
      }
      for (int i = 0; i < base.length; i++) {
        base[i] = Goldilocks.reduce64(rng.nextLong());
      }
      assertEquals(
          naiveDot(ext, base, 3, n), ExtVector.dotBase(ext, base, 3, n), "random, n = " + n);
      long[] worstExt = new long[2 * n];
      long[] worstBase = new long[n];
      Arrays.fill(worstExt, Goldilocks.P - 1);
      Arrays.fill(worstBase, Goldilocks.P - 1);
      // (p - 1)^2 = 1: n terms of (1 + u) each
      Ext2 expected = new Ext2(Goldilocks.reduce64(n), Goldilocks.reduce64(n));
      assertEquals(expected, ExtVector.dotBase(worstExt, worstBase, 0, n), "all p - 1, n = " + n);
      assertEquals(
          naiveDot(worstExt, worstBase, 0, n), ExtVector.dotBase(worstExt, worstBase, 0, n));
    }
  }

  @Test
  void explicitColumnsEvaluateAsTheirExtension() {
    Random rng = new Random(2);
    for (int k = 4; k <= 13; k++) {
      long[] values = new long[1 << k];
      for (int i = 0; i < values.length; i++) {
        values[i] = rng.nextInt(4) == 0 ? 0 : Goldilocks.reduce64(rng.nextLong());
      }
      long[] identityPlusOne = new long[1 << k];
      for (int i = 0; i < identityPlusOne.length; i++) {
        identityPlusOne[i] = i + 1;
      }
      Ext2[] point = new Ext2[k];
      for (int j = 0; j < k; j++) {
        point[j] = random(rng);
      }
      LookupTable table =
          new LookupTable(
              k,
              List.of(
                  new TableColumn.Explicit(values),
                  new TableColumn.Identity(1),
                  new TableColumn.Explicit(identityPlusOne)));
      Ext2 beta = random(rng);
      Ext2 expected =
          Mle.evaluate(values, point)
              .add(beta.mul(new TableColumn.Identity(1).evaluate(point)))
              .add(beta.mul(beta).mul(Mle.evaluate(identityPlusOne, point)));
      assertEquals(expected, table.evaluateCompressed(beta, point), "2^" + k + " rows");
      // The identity column and its explicit copy agree: both evaluations are right.
      assertEquals(
          new TableColumn.Identity(1).evaluate(point), Mle.evaluate(identityPlusOne, point));
    }
  }
}
