package io.zkaudit.prover.sumcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.codec.ByteReader;
import io.zkaudit.codec.ByteWriter;
import io.zkaudit.field.Ext2;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.sumcheck.MaskPolynomial;
import io.zkaudit.sumcheck.MaskedSumcheckProof;
import io.zkaudit.sumcheck.SumcheckProof;
import io.zkaudit.sumcheck.SumcheckResult;
import io.zkaudit.sumcheck.SumcheckVerifier;
import io.zkaudit.testutil.ChiSquare;
import io.zkaudit.transcript.Transcript;
import io.zkaudit.zk.ZkRandom;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The Libra zero-knowledge sumcheck: complete, sound in every field, and hiding the round
 * polynomials.
 */
class ZkSumcheckTest {

  private static SumcheckProver.MaskedOutput prove(
      SumcheckTest.Instance inst, MaskPolynomial mask) {
    return SumcheckProver.proveMasked(inst.vp(), inst.claim(), mask, new Transcript("zk-test"));
  }

  private static SumcheckResult verify(
      SumcheckTest.Instance inst, Ext2 claim, MaskedSumcheckProof p) throws InvalidProofException {
    int n = inst.vp().numVars();
    return SumcheckVerifier.verifyMasked(
        inst.composition(), inst.eq(), n, claim, p, new Transcript("zk-test"));
  }

  private static int roundDegree(SumcheckTest.Instance inst) {
    return inst.composition().roundDegree(inst.eq() != null);
  }

  @Property(tries = 120)
  void completeAndTheMaskClaimIsTheMaskAtThePoint(
      @ForAll @IntRange(min = 0, max = 10) int n,
      @ForAll @IntRange(min = 1, max = 4) int degree,
      @ForAll boolean withEq,
      @ForAll long seed)
      throws InvalidProofException {
    Random rng = new Random(seed);
    SumcheckTest.Instance inst = SumcheckTest.randomInstance(rng, n, degree, withEq);
    MaskPolynomial mask = ZkRandom.seeded(seed).mask(n, roundDegree(inst));
    SumcheckProver.MaskedOutput out = prove(inst, mask);
    SumcheckResult res = verify(inst, inst.claim(), out.proof());
    assertEquals(java.util.Arrays.asList(out.point()), java.util.Arrays.asList(res.point()));
    assertEquals(n == 0 ? Ext2.ZERO : mask.evaluate(res.point()), out.proof().maskEval());
    assertEquals(n == 0 ? Ext2.ZERO : mask.sum(), out.proof().maskSum());
  }

  @Property(tries = 40)
  void everyTamperedFieldIsRejected(
      @ForAll @IntRange(min = 1, max = 8) int n,
      @ForAll @IntRange(min = 1, max = 3) int degree,
      @ForAll boolean withEq,
      @ForAll long seed) {
    Random rng = new Random(seed);
    SumcheckTest.Instance inst = SumcheckTest.randomInstance(rng, n, degree, withEq);
    MaskedSumcheckProof good =
        prove(inst, ZkRandom.seeded(seed).mask(n, roundDegree(inst))).proof();
    // A wrong claim.
    assertThrows(InvalidProofException.class, () -> verify(inst, inst.claim().add(Ext2.ONE), good));
    // Every round value, every evaluation, the mask sum and the mask evaluation.
    Ext2[][] rounds = good.proof().rounds();
    for (int i = 0; i < rounds.length; i++) {
      for (int k = 0; k < rounds[i].length; k++) {
        Ext2[][] bad = good.proof().rounds();
        bad[i][k] = bad[i][k].add(Ext2.ONE);
        MaskedSumcheckProof p =
            new MaskedSumcheckProof(
                new SumcheckProof(bad, good.proof().evaluations()),
                good.maskSum(),
                good.maskEval());
        assertThrows(
            InvalidProofException.class,
            () -> verify(inst, inst.claim(), p),
            "round " + i + " value " + k);
      }
    }
    Ext2[] evals = good.proof().evaluations();
    for (int j = 0; j < evals.length; j++) {
      Ext2[] bad = evals.clone();
      bad[j] = bad[j].add(Ext2.ONE);
      MaskedSumcheckProof p =
          new MaskedSumcheckProof(new SumcheckProof(rounds, bad), good.maskSum(), good.maskEval());
      // A table absent from every term may change freely; all others must be caught.
      if (changesValue(inst, evals, bad)) {
        assertThrows(
            InvalidProofException.class, () -> verify(inst, inst.claim(), p), "evaluation " + j);
      }
    }
    assertThrows(
        InvalidProofException.class,
        () ->
            verify(
                inst,
                inst.claim(),
                new MaskedSumcheckProof(
                    good.proof(), good.maskSum().add(Ext2.ONE), good.maskEval())));
    assertThrows(
        InvalidProofException.class,
        () ->
            verify(
                inst,
                inst.claim(),
                new MaskedSumcheckProof(
                    good.proof(), good.maskSum(), good.maskEval().add(Ext2.ONE))));
  }

  @Test
  void aProverWhoseMaskSumIsWrongCannotMakeAFalseClaimPass() throws InvalidProofException {
    // The mask sum is bound before rho: shifting it to absorb a false claim fails for all but one
    // rho.
    Random rng = new Random(7);
    SumcheckTest.Instance inst = SumcheckTest.randomInstance(rng, 6, 2, true);
    MaskPolynomial mask = ZkRandom.seeded(7).mask(6, roundDegree(inst));
    MaskedSumcheckProof honest = prove(inst, mask).proof();
    assertThrows(
        InvalidProofException.class,
        () ->
            verify(
                inst,
                inst.claim().add(Ext2.of(5)),
                new MaskedSumcheckProof(
                    honest.proof(), honest.maskSum().sub(Ext2.of(5)), honest.maskEval())));
    verify(inst, inst.claim(), honest);
  }

  @Test
  void twoProofsOfTheSameStatementDiffer() throws InvalidProofException {
    Random rng = new Random(11);
    SumcheckTest.Instance inst = SumcheckTest.randomInstance(rng, 5, 3, false);
    MaskedSumcheckProof a = prove(inst, ZkRandom.fresh().mask(5, roundDegree(inst))).proof();
    MaskedSumcheckProof b = prove(inst, ZkRandom.fresh().mask(5, roundDegree(inst))).proof();
    verify(inst, inst.claim(), a);
    verify(inst, inst.claim(), b);
    assertNotEquals(a.maskSum(), b.maskSum());
    assertFalse(java.util.Arrays.deepEquals(a.proof().rounds(), b.proof().rounds()));
  }

  @Test
  void encodingRoundTrips() throws InvalidProofException {
    SumcheckTest.Instance inst = SumcheckTest.randomInstance(new Random(3), 4, 2, true);
    MaskedSumcheckProof p = prove(inst, ZkRandom.seeded(3).mask(4, roundDegree(inst))).proof();
    ByteWriter w = new ByteWriter();
    p.encode(w);
    ByteReader r = new ByteReader(w.toByteArray());
    MaskedSumcheckProof back = MaskedSumcheckProof.decode(r);
    r.finish();
    verify(inst, inst.claim(), back);
    assertEquals(p.maskSum(), back.maskSum());
  }

  /**
   * The statistical test of the issue: for two witnesses with the same sum, the round polynomials
   * of masked proofs are distributed alike and look uniform (chi-square over 16 buckets of a
   * coordinate, for each round value), while unmasked proofs tell the witnesses apart at once.
   */
  @Test
  void roundPolynomialsAreUniformWhateverTheWitness() {
    int n = 3;
    int samples = 3000;
    // f = A * B over 3 variables; two different witnesses with the same sum.
    long[] a1 = {1, 2, 3, 4, 5, 6, 7, 8};
    long[] b1 = {8, 7, 6, 5, 4, 3, 2, 1};
    long[] a2 = {0, 0, 0, 0, 0, 0, 0, 120};
    long[] b2 = {9, 9, 9, 9, 9, 9, 9, 1};
    SumcheckTest.Instance w1 = product(n, a1, b1);
    SumcheckTest.Instance w2 = product(n, a2, b2);
    assertEquals(w1.claim(), w2.claim());
    int degree = roundDegree(w1);
    int values = n * degree;
    ZkRandom random = ZkRandom.seeded(2026);
    int[][][] hist = new int[2][values][16];
    for (int s = 0; s < samples; s++) {
      for (int w = 0; w < 2; w++) {
        SumcheckTest.Instance inst = w == 0 ? product(n, a1, b1) : product(n, a2, b2);
        Ext2[][] rounds = prove(inst, random.mask(n, degree)).proof().proof().rounds();
        int v = 0;
        for (Ext2[] round : rounds) {
          for (Ext2 x : round) {
            hist[w][v++][(int) (x.c0() & 15)]++;
          }
        }
      }
    }
    double critical = ChiSquare.CRITICAL_15_DF; // chi-square, 15 degrees of freedom, p = 0.001
    for (int w = 0; w < 2; w++) {
      for (int v = 0; v < values; v++) {
        double chi = ChiSquare.uniform(hist[w][v], samples);
        assertTrue(chi < critical, "witness " + w + ", round value " + v + ": chi-square " + chi);
      }
    }
    // The same test on unmasked proofs fails: each witness gives one fixed first message.
    Ext2 u1 =
        SumcheckProver.prove(w1.vp(), w1.claim(), new Transcript("zk-test")).proof().rounds()[0][0];
    Ext2 u2 =
        SumcheckProver.prove(w2.vp(), w2.claim(), new Transcript("zk-test")).proof().rounds()[0][0];
    assertNotEquals(u1, u2, "without masks the first round reveals which witness was used");
    int[] constant = new int[16];
    constant[(int) (u1.c0() & 15)] = samples;
    assertTrue(
        ChiSquare.uniform(constant, samples) > critical, "the test detects a non-uniform message");
  }

  private static SumcheckTest.Instance product(int n, long[] a, long[] b) {
    VirtualPolynomial vp = new VirtualPolynomial(n);
    int ia = vp.addBase(a.clone());
    int ib = vp.addBase(b.clone());
    vp.addTerm(Ext2.ONE, ia, ib);
    return new SumcheckTest.Instance(vp, vp.composition(), null, vp.sum());
  }

  /**
   * Whether a changed evaluation changes the composition's value (else the proof is still right).
   */
  private static boolean changesValue(SumcheckTest.Instance inst, Ext2[] evals, Ext2[] changed) {
    return !inst.composition().evaluate(evals).equals(inst.composition().evaluate(changed));
  }
}
