package io.zkaudit.escrow.onchain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.escrow.AnvilExtension;
import io.zkaudit.escrow.chain.ChainNode;
import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.layers.WindowPredicate;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * LayerSteps.window against Java's WindowPredicate: random windows (strides that are powers of two
 * through the bitwise walk, others through the direct sum) in the four modes (evaluate,
 * sumOverInput, evaluateSummedTaps, windowCount), and the layers' own shapes; shapes Java refuses
 * and points of the wrong length are bad statements, non-canonical points malformed.
 */
@ExtendWith(AnvilExtension.class)
class WindowPredicateDifferentialTest {
  private static final BigInteger FUNDS = new BigInteger("1000000000000000000000");

  private static Ext2[] point(Random rng, int n) {
    Ext2[] p = new Ext2[n];
    for (int j = 0; j < n; j++) {
      p[j] = SumcheckVerifierDifferentialTest.random(rng);
    }
    return p;
  }

  private static Ext2 java(WindowPredicate w, Ext2[] r, Ext2[] tap, Ext2[] in) {
    if (tap != null && in != null) return w.evaluate(r, tap, in);
    if (tap != null) return w.sumOverInput(r, tap);
    if (in != null) return w.evaluateSummedTaps(r, in);
    return w.windowCount(r);
  }

  private static int[] shape(WindowPredicate w) {
    return new int[] {
      w.kernel(), w.stride(), w.pad(), w.outBits(), w.tapBits(), w.inBits(), w.inSize()
    };
  }

  @Test
  void windowsAgreeWithJavasPredicateInEveryMode(ChainNode node) {
    OnChainLayerSteps c = OnChainLayerSteps.deploy(node.web3j(), node.newAccount(FUNDS));
    Random rng = new Random(15);
    int cases = 0;
    int direct = 0;
    while (cases < 160) {
      int kernel = 1 + rng.nextInt(7);
      int tapBits = 32 - Integer.numberOfLeadingZeros(kernel - 1) + rng.nextInt(2);
      int stride = 1 + rng.nextInt(5);
      int pad = rng.nextInt(4);
      int outBits = rng.nextInt(6);
      int inBits = 1 + rng.nextInt(7);
      int inSize = 1 + rng.nextInt(1 << inBits);
      WindowPredicate w =
          new WindowPredicate(kernel, stride, pad, outBits, tapBits, inBits, inSize);
      Ext2[] r = point(rng, outBits);
      Ext2[] tap = point(rng, tapBits);
      Ext2[] in = point(rng, inBits);
      int mode = cases % 4;
      Ext2[] t = (mode & 1) != 0 ? tap : null;
      Ext2[] i = (mode & 2) != 0 ? in : null;
      OnChainLayerSteps.Answer a = c.window(shape(w), r, t, i);
      assertEquals(LayerStepRejection.VALID, a.reason(), w.toString());
      assertEquals(java(w, r, t, i), a.value(), w + " mode " + mode);
      if (Integer.bitCount(stride) != 1) direct++;
      cases++;
    }
    assertTrue(direct > 20, "direct sums: " + direct);
  }

  /** The shapes of the models' layers: a 3x3 convolution, a 2x2 pool, a strided 3x3. */
  @Test
  void theModelsWindowsAndTheirGas(ChainNode node) {
    OnChainLayerSteps c = OnChainLayerSteps.deploy(node.web3j(), node.newAccount(FUNDS));
    Random rng = new Random(16);
    StringBuilder gas = new StringBuilder();
    for (WindowPredicate w :
        new WindowPredicate[] {
          new WindowPredicate(3, 1, 1, 5, 2, 5, 28),
          new WindowPredicate(2, 2, 0, 4, 1, 5, 28),
          new WindowPredicate(3, 2, 1, 4, 2, 5, 32),
          new WindowPredicate(3, 1, 0, 5, 2, 5, 28)
        }) {
      Ext2[] r = point(rng, w.outBits());
      Ext2[] tap = point(rng, w.tapBits());
      Ext2[] in = point(rng, w.inBits());
      for (int mode = 0; mode < 4; mode++) {
        Ext2[] t = (mode & 1) != 0 ? tap : null;
        Ext2[] i = (mode & 2) != 0 ? in : null;
        OnChainLayerSteps.Answer a = c.window(shape(w), r, t, i);
        assertEquals(LayerStepRejection.VALID, a.reason());
        assertEquals(java(w, r, t, i), a.value(), w + " mode " + mode);
      }
      gas.append(w).append(": ").append(c.windowGas(shape(w), r, tap, in)).append(" gas\n");
    }
    System.out.print(gas);
  }

  /**
   * Phase 1's public tables: RangeMask (every n up to 2^bits, bits 0 to 6), eq and the weight zero
   * points' MLE (signed, with padding channels) against Java's RangeMask, Mle.eq and Mle.evaluate.
   */
  @Test
  void phaseOneTablesAgreeWithJava(ChainNode node) {
    OnChainLayerSteps c = OnChainLayerSteps.deploy(node.web3j(), node.newAccount(FUNDS));
    Random rng = new Random(18);
    for (int bits = 0; bits <= 6; bits++) {
      Ext2[] p = point(rng, bits);
      for (int n = 0; n <= 1 << bits; n += 1 + (bits > 3 ? rng.nextInt(7) : 0)) {
        OnChainLayerSteps.Answer a = c.rangeMask(n, p);
        assertEquals(LayerStepRejection.VALID, a.reason());
        assertEquals(io.zkaudit.layers.RangeMask.evaluate(n, p), a.value(), n + "/" + bits);
      }
      assertEquals(LayerStepRejection.BAD_STATEMENT, c.rangeMask((1 << bits) + 1, p).reason());
      Ext2[] a = point(rng, bits);
      int channels = bits == 0 ? 1 : (1 << bits) - rng.nextInt(1 << (bits - 1));
      long[] zp = new long[channels];
      long[] table = new long[1 << bits];
      for (int ch = 0; ch < channels; ch++) {
        zp[ch] = rng.nextInt(256) - 128;
        table[ch] = Goldilocks.fromSigned(zp[ch]);
      }
      OnChainLayerSteps.EqAnswer e = c.eqAndZeroPoints(a, p, zp);
      assertEquals(LayerStepRejection.VALID, e.reason());
      assertEquals(io.zkaudit.poly.Mle.eq(a, p), e.eq(), "eq, " + bits + " bits");
      assertEquals(io.zkaudit.poly.Mle.evaluate(table, p), e.zeroPoint(), "zero points");
    }
    Ext2[] p = point(rng, 3);
    assertEquals(
        LayerStepRejection.BAD_STATEMENT,
        c.eqAndZeroPoints(point(rng, 2), p, new long[0]).reason());
    assertEquals(LayerStepRejection.BAD_STATEMENT, c.eqAndZeroPoints(p, p, new long[9]).reason());
  }

  @Test
  void badShapesAndPointsAreRefused(ChainNode node) {
    OnChainLayerSteps c = OnChainLayerSteps.deploy(node.web3j(), node.newAccount(FUNDS));
    Random rng = new Random(17);
    int[] good = {3, 1, 1, 3, 2, 4, 10};
    Ext2[] r = point(rng, 3);
    Ext2[] tap = point(rng, 2);
    Ext2[] in = point(rng, 4);
    assertEquals(LayerStepRejection.VALID, c.window(good, r, tap, in).reason());
    int[][] bad = {
      {0, 1, 1, 3, 2, 4, 10}, // no kernel
      {3, 0, 1, 3, 2, 4, 10}, // no stride
      {5, 1, 1, 3, 2, 4, 10}, // kernel over 2^tapBits
      {3, 1, 1, 3, 2, 4, 17}, // input over 2^inBits
      {3, 1, 1, 3, 2, 4, 0}, // empty input
      {3, 1, 1 << 30, 3, 2, 4, 10}, // pad out of range
      {3, 1, 1, 3, 2, 4}, // a word short
    };
    for (int[] s : bad) {
      assertEquals(LayerStepRejection.BAD_STATEMENT, c.window(s, r, tap, in).reason());
    }
    assertEquals(LayerStepRejection.BAD_STATEMENT, c.window(good, point(rng, 2), tap, in).reason());
    assertEquals(LayerStepRejection.BAD_STATEMENT, c.window(good, r, point(rng, 3), in).reason());
    assertEquals(LayerStepRejection.BAD_STATEMENT, c.window(good, r, tap, point(rng, 5)).reason());
    BigInteger p =
        BigInteger.valueOf(Goldilocks.P).and(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE));
    for (BigInteger word : new BigInteger[] {p, p.shiftLeft(64), BigInteger.ONE.shiftLeft(128)}) {
      java.util.List<BigInteger> nonCanonical =
          new java.util.ArrayList<>(OnChainLayerSteps.packed(r));
      nonCanonical.set(1, word);
      assertEquals(
          LayerStepRejection.MALFORMED,
          c.window(
                  good,
                  nonCanonical,
                  OnChainLayerSteps.packed(tap),
                  OnChainLayerSteps.packed(in),
                  3)
              .reason());
    }
    // A stride that is not a power of two over 2^16 positions and taps: not summed on chain.
    Ext2[] wide = point(rng, 14);
    assertEquals(
        LayerStepRejection.UNSUPPORTED,
        c.window(new int[] {8, 3, 0, 14, 3, 16, 50000}, wide, null, null).reason());
  }
}
