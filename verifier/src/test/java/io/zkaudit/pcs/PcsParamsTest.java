package io.zkaudit.pcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PcsParamsTest {

  @Property(tries = 100)
  void foldingScheduleAddsUp(
      @ForAll @IntRange(min = 0, max = 27) int n,
      @ForAll @IntRange(min = 1, max = 5) int k,
      @ForAll @IntRange(min = 0, max = 10) int dmin) {
    PcsParams p = new PcsParams(2, k, dmin, 10, 0);
    int d = p.finalVars(n);
    int[] a = p.arities(n);
    assertEquals(n - d, Arrays.stream(a).sum());
    assertTrue(d <= n);
    if (n >= dmin + k) {
      assertTrue(d >= dmin && d < dmin + k, "d = " + d);
      assertTrue(Arrays.stream(a).allMatch(x -> x == k));
    } else {
      assertArrayEquals(new int[] {0}, a);
    }
    assertEquals(d + 2, p.oracleLogLength(n, a.length)); // the final codeword
    assertEquals(1 << (n + 2 - a[0]), p.commitmentLeaves(n));
  }

  @Test
  void defaultsMeetTheirSecurityClaims() {
    for (int n = 0; n <= 24; n++) {
      assertTrue(PcsParams.provable100().security(n, 1 << 16).provable() >= 100, "n = " + n);
      assertTrue(PcsParams.conjectured100().security(n, 1 << 16).conjectured() >= 100, "n = " + n);
    }
    assertThrows(IllegalArgumentException.class, () -> new PcsParams(0, 4, 4, 10, 0));
    assertThrows(IllegalArgumentException.class, () -> new PcsParams(2, 0, 4, 10, 0));
    assertThrows(IllegalArgumentException.class, () -> new PcsParams(2, 4, 4, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new PcsParams(2, 4, 4, 10, 31));
    assertThrows(
        IllegalArgumentException.class, () -> PcsParams.checkNumVars(PcsParams.MAX_NUM_VARS + 1));
  }

  @Test
  void basefoldHelpers() {
    // interpolation through three points of a known quadratic 3x^2 + 2x + 1
    Ext2 r = new Ext2(12345, 678);
    Ext2 want = r.mul(r).mul(3).add(r.mul(2)).add(Ext2.ONE);
    assertEquals(want, Basefold.interpolate(Ext2.of(1), Ext2.of(6), Ext2.of(17), r));
    // coefficient/evaluation transforms are inverse
    Ext2[] c = {Ext2.of(3), new Ext2(5, 7), Ext2.of(11), new Ext2(13, 1)};
    Ext2[] e = c.clone();
    Basefold.coeffsToEvals(e);
    assertEquals(c[0].add(c[1]).add(c[2]).add(c[3]), e[3]);
    Basefold.evalsToCoeffs(e);
    assertArrayEquals(c, e);
    for (long x : new long[] {0, 1, 2, 12345, Goldilocks.P - 1}) {
      assertEquals(Goldilocks.mul(x, Basefold.INV2), Basefold.half(x));
    }
    // grinding predicate: bits = 0 always holds
    assertTrue(Basefold.powOk(new io.zkaudit.hash.Digest32(new byte[32]), 42, 0));
  }
}
