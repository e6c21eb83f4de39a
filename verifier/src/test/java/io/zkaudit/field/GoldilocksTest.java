package io.zkaudit.field;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class GoldilocksTest {
  static final BigInteger P = new BigInteger("18446744069414584321");

  static BigInteger big(long a) {
    return new BigInteger(Long.toUnsignedString(a));
  }

  @Provide
  Arbitrary<Long> elements() {
    // Edge values near 0, p and 2^32 boundaries, plus uniform ones.
    return Arbitraries.oneOf(
        Arbitraries.longs().filter(Goldilocks::isCanonical),
        Arbitraries.of(
            0L,
            1L,
            2L,
            Goldilocks.P - 1,
            Goldilocks.P - 2,
            0xFFFF_FFFFL,
            1L << 32,
            (1L << 32) + 1,
            Long.MAX_VALUE,
            Long.MIN_VALUE,
            0xFFFF_FFFE_FFFF_FFFFL));
  }

  @Test
  void knownAnswers() {
    assertEquals(
        new BigInteger("2").pow(64).subtract(new BigInteger("2").pow(32)).add(BigInteger.ONE), P);
    assertEquals(Goldilocks.P, P.longValue());
    assertEquals(1, Goldilocks.mul(Goldilocks.P - 1, Goldilocks.P - 1)); // (-1)^2
    assertEquals(0xFFFF_FFFFL, Goldilocks.mul(1L << 32, 1L << 32)); // 2^64 = 2^32 - 1
    assertEquals(Goldilocks.P - 1, Goldilocks.mul(1L << 48, 1L << 48)); // 2^96 = -1
    assertEquals(0, Goldilocks.add(Goldilocks.P - 1, 1));
    assertEquals(Goldilocks.P - 1, Goldilocks.sub(0, 1));
    assertEquals(Goldilocks.P - 5, Goldilocks.fromSigned(-5));
    assertEquals(-5, Goldilocks.toSigned(Goldilocks.fromSigned(-5)));
    assertEquals(1L << 40, Goldilocks.toSigned(1L << 40));
    assertEquals(0xFFFF_FFFEL, Goldilocks.reduce64(-1L)); // 2^64 - 1 mod p
  }

  @Property(tries = 2000)
  void arithmeticMatchesBigInteger(@ForAll("elements") long a, @ForAll("elements") long b) {
    assertEquals(big(a).add(big(b)).mod(P), big(Goldilocks.add(a, b)));
    assertEquals(big(a).subtract(big(b)).mod(P), big(Goldilocks.sub(a, b)));
    assertEquals(big(a).multiply(big(b)).mod(P), big(Goldilocks.mul(a, b)));
    assertEquals(big(a).negate().mod(P), big(Goldilocks.neg(a)));
  }

  @Property(tries = 2000)
  void reduce128MatchesBigInteger(@ForAll long hi, @ForAll long lo) {
    BigInteger x = big(hi).shiftLeft(64).add(big(lo));
    assertEquals(x.mod(P), big(Goldilocks.reduce128(hi, lo)));
  }

  @Property(tries = 300)
  void inverse(@ForAll("elements") long a) {
    if (a == 0) {
      assertThrows(ArithmeticException.class, () -> Goldilocks.inv(0));
      return;
    }
    assertEquals(1, Goldilocks.mul(a, Goldilocks.inv(a)));
  }

  @Test
  void rootsOfUnityHaveExactOrder() {
    for (int log = 0; log <= 32; log++) {
      long w = Goldilocks.rootOfUnity(log);
      assertEquals(1, Goldilocks.pow(w, 1L << log));
      if (log > 0) {
        assertNotEquals(1, Goldilocks.pow(w, 1L << (log - 1)));
      }
    }
    assertThrows(IllegalArgumentException.class, () -> Goldilocks.rootOfUnity(33));
  }

  @Test
  void batchInversion() {
    var rng = new java.util.Random(1);
    long[] v = new long[100];
    for (int i = 0; i < v.length; i++) {
      v[i] = Goldilocks.random(rng) | 1;
    }
    long[] inv = v.clone();
    Goldilocks.batchInvert(inv);
    for (int i = 0; i < v.length; i++) {
      assertEquals(1, Goldilocks.mul(v[i], inv[i]));
    }
    assertThrows(ArithmeticException.class, () -> Goldilocks.batchInvert(new long[] {1, 0, 2}));
  }
}
