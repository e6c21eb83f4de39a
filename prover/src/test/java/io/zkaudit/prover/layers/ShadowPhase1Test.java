package io.zkaudit.prover.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.field.Ext2;
import io.zkaudit.inference.MaskSchedule;
import io.zkaudit.layers.ShadowPhase1;
import io.zkaudit.layers.TensorClaim;
import io.zkaudit.layers.WindowedLinear;
import io.zkaudit.layers.WindowedLinear.Kind;
import io.zkaudit.layers.WindowedLinearProof;
import io.zkaudit.layers.WindowedLinearVerifier;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.zk.MaskSupply;
import io.zkaudit.prover.zk.ZkRandom;
import io.zkaudit.testutil.ChiSquare;
import io.zkaudit.transcript.Transcript;
import io.zkaudit.zk.MaskLedger;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Zero-knowledge linear layers: phase 1 reads the weights and bias through their shadow
 * ({@link ShadowPhase1}). Completeness, soundness, and the point of it: the revealed weight and bias
 * evaluations are uniform whatever the weights.
 */
class ShadowPhase1Test {

  /** A zero-knowledge proof of one layer with its shadow masks and the verifier's claims. */
  record Run(WindowedLinearProof proof, List<TensorClaim> claims, long[] weightMask, long[] biasMask) {}

  static MaskSchedule schedule(WindowedLinear spec) {
    return new MaskSchedule(List.of(
        new MaskSchedule.Sumcheck(ShadowPhase1.numVars(spec), ShadowPhase1.composition(spec, Ext2.ONE).roundDegree(false)),
        new MaskSchedule.Sumcheck(spec.phase2Vars(), WindowedLinearVerifier.phase2Composition().roundDegree(false))));
  }

  static Run proveAndVerify(WindowedLinearTest.Instance inst, Ext2[] r, Ext2 value, ZkRandom random)
      throws InvalidProofException {
    WindowedLinear spec = inst.spec();
    MaskSchedule schedule = schedule(spec);
    long[] wm = new long[inst.weights().length];
    random.fill(wm, i -> true);
    long[] bm = inst.bias() == null ? null : new long[inst.bias().length];
    if (bm != null) {
      random.fill(bm, i -> true);
    }
    WindowedLinearProof proof = WindowedLinearProver.prove(spec, inst.input(), inst.weights(), inst.bias(), r,
        new Transcript("t"), MaskSupply.draw(schedule, random), new WindowedLinearProver.ShadowMasks(wm, bm)).proof();
    List<TensorClaim> claims = WindowedLinearVerifier.verify(spec, r, value, proof, new Transcript("t"),
        new MaskLedger(schedule.blocks()));
    return new Run(proof, claims, wm, bm);
  }

  /** What a claim should say: the input at its point, or the shadow (1 - t) W + t M at (t, point). */
  static Ext2 truth(WindowedLinearTest.Instance inst, Run run, TensorClaim c) {
    if (c.tensor() == 0) {
      return Mle.evaluate(inst.input(), c.point());
    }
    long[] table = c.tensor() == 1 ? inst.weights() : inst.bias();
    long[] mask = c.tensor() == 1 ? run.weightMask() : run.biasMask();
    Ext2[] p = c.point();
    Ext2 t = p[0];
    Ext2[] rest = java.util.Arrays.copyOfRange(p, 1, p.length);
    return Ext2.ONE.sub(t).mul(Mle.evaluate(table, rest)).add(t.mul(Mle.evaluate(mask, rest)));
  }

  @Property(tries = 30)
  void honestProofsVerifyAndLeaveTrueShadowClaims(@ForAll @IntRange(min = 0, max = 1) int kindIndex,
      @ForAll @IntRange(min = 1, max = 8) int h, @ForAll @IntRange(min = 1, max = 8) int w,
      @ForAll @IntRange(min = 1, max = 5) int cin, @ForAll @IntRange(min = 1, max = 5) int cout,
      @ForAll @IntRange(min = 1, max = 3) int k, @ForAll @IntRange(min = 1, max = 2) int stride,
      @ForAll @IntRange(min = 0, max = 1) int pad, @ForAll long seed) throws InvalidProofException {
    Random rng = new Random(seed);
    Kind kind = Kind.values()[kindIndex];
    var inst = WindowedLinearTest.random(kind, h, w, cin, cout, Math.min(k, Math.min(h, w) + 2 * pad), stride, pad, rng);
    Ext2[] r = WindowedLinearTest.point(rng, inst.spec().out().numVars());
    Ext2 value = Mle.evaluate(inst.acc(), r);
    Run run = proveAndVerify(inst, r, value, ZkRandom.seeded(seed));
    assertEquals(inst.spec().hasBias() ? 3 : 2, run.claims().size());
    assertTrue(run.proof().bias().isZero(), "no bias is sent in the clear");
    for (TensorClaim c : run.claims()) {
      assertEquals(truth(inst, run, c), c.value(), "claim on tensor " + c.tensor());
    }
    // A wrong accumulator value is rejected, or leaves a false claim.
    try {
      Run bad = proveAndVerify(inst, r, value.add(Ext2.ONE), ZkRandom.seeded(seed));
      boolean allTrue = true;
      for (TensorClaim c : bad.claims()) {
        allTrue &= truth(inst, bad, c).equals(c.value());
      }
      assertEquals(false, allTrue, "a wrong value left only true claims");
    } catch (InvalidProofException expected) {
      // rejected
    }
  }

  @Test
  void tamperedZeroKnowledgeProofsAreRejectedOrLeaveFalseClaims() throws InvalidProofException {
    for (int kindIndex = 0; kindIndex < 2; kindIndex++) {
      Random rng = new Random(7 + kindIndex);
      var inst = WindowedLinearTest.random(Kind.values()[kindIndex], 5, 6, 3, 4, 3, 1, 1, rng);
      while (inst.bias() == null) {
        inst = WindowedLinearTest.random(Kind.values()[kindIndex], 5, 6, 3, 4, 3, 1, 1, rng);
      }
      Ext2[] r = WindowedLinearTest.point(rng, inst.spec().out().numVars());
      Ext2 value = Mle.evaluate(inst.acc(), r);
      Run run = proveAndVerify(inst, r, value, ZkRandom.seeded(3));
      MaskSchedule schedule = schedule(inst.spec());
      WindowedLinearProof p = run.proof();
      List<WindowedLinearProof> tampered = new java.util.ArrayList<>();
      tampered.add(new WindowedLinearProof(p.bias().add(Ext2.ONE), p.phase1(), p.phase2(), p.masks()));
      for (var s : WindowedLinearTest.tamperSumcheck(p.phase1())) {
        tampered.add(new WindowedLinearProof(p.bias(), s, p.phase2(), p.masks()));
      }
      for (var s : WindowedLinearTest.tamperSumcheck(p.phase2())) {
        tampered.add(new WindowedLinearProof(p.bias(), p.phase1(), s, p.masks()));
      }
      for (int m = 0; m < p.masks().length; m++) {
        Ext2[] masks = p.masks();
        masks[m] = masks[m].add(Ext2.ONE);
        tampered.add(new WindowedLinearProof(p.bias(), p.phase1(), p.phase2(), masks));
      }
      var fixed = inst;
      for (WindowedLinearProof t : tampered) {
        try {
          List<TensorClaim> claims = WindowedLinearVerifier.verify(fixed.spec(), r, value, t, new Transcript("t"),
              new MaskLedger(schedule.blocks()));
          boolean allTrue = true;
          for (TensorClaim c : claims) {
            allTrue &= truth(fixed, run, c).equals(c.value());
          }
          // A changed mask value is caught by the mask column's opening instead; everything else here.
          assertTrue(!allTrue || !java.util.Arrays.equals(t.masks(), p.masks()), "tampered proof accepted with true claims");
        } catch (InvalidProofException expected) {
          // rejected
        }
      }
      assertThrows(InvalidProofException.class, () -> WindowedLinearVerifier.verify(fixed.spec(), r, value, p,
          new Transcript("t"), null), "a zero-knowledge proof does not verify as a plain one");
    }
  }

  /**
   * The revealed weight and bias evaluations do not depend on the weights: over fresh randomness
   * their low four bits are uniform (chi-square, 15 degrees of freedom, p = 0.001) for two unrelated
   * weight sets, while a plain proof reveals the same weight evaluation every time.
   */
  @Test
  void revealedWeightEvaluationsAreUniformWhateverTheWeights() throws InvalidProofException {
    int samples = 1600;
    double critical = ChiSquare.CRITICAL_15_DF;
    for (int set = 0; set < 2; set++) {
      Random rng = new Random(100 + set);
      var inst = WindowedLinearTest.random(Kind.CONV, 4, 4, 2, 3, 3, 1, 1, rng);
      while (inst.bias() == null) {
        inst = WindowedLinearTest.random(Kind.CONV, 4, 4, 2, 3, 3, 1, 1, rng);
      }
      Ext2[] r = WindowedLinearTest.point(new Random(5), inst.spec().out().numVars());
      Ext2 value = Mle.evaluate(inst.acc(), r);
      int[][] hist = new int[2][16];
      for (int s = 0; s < samples; s++) {
        Run run = proveAndVerify(inst, r, value, ZkRandom.seeded(1000L * set + s));
        for (int c = 0; c < 2; c++) {
          hist[c][(int) (run.claims().get(c).value().c0() & 15)]++;
        }
      }
      for (int c = 0; c < 2; c++) {
        assertTrue(ChiSquare.uniform(hist[c], samples) < critical, "set " + set + ", claim " + c + ": not uniform");
      }
      // Without zero knowledge the weight evaluation is a fixed function of the weights.
      var plain = WindowedLinearProver.prove(inst.spec(), inst.input(), inst.weights(), inst.bias(), r, new Transcript("t"));
      int[] constant = new int[16];
      for (int s = 0; s < samples; s++) {
        constant[(int) (plain.claims().get(1).value().c0() & 15)]++;
      }
      assertTrue(ChiSquare.uniform(constant, samples) > critical, "the test tells a fixed value from a uniform one");
    }
  }
}
