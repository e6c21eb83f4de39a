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
import io.zkaudit.pcs.ColumnClaim;
import io.zkaudit.pcs.EvalClaim;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.zk.MaskSupply;
import io.zkaudit.testutil.ChiSquare;
import io.zkaudit.transcript.Transcript;
import io.zkaudit.zk.MaskColumn;
import io.zkaudit.zk.MaskLedger;
import io.zkaudit.zk.ZkRandom;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Zero-knowledge linear layers: phase 1 reads the weights and bias through their shadow ({@link
 * ShadowPhase1}). Completeness, soundness, and the point of it: the revealed weight and bias
 * evaluations are uniform whatever the weights.
 */
class ShadowPhase1Test {

  /**
   * A zero-knowledge proof of one layer with its shadow masks, the verifier's claims, and its
   * claims on the mask column with that column (which the model's opening would check).
   */
  record Run(
      WindowedLinearProof proof,
      List<TensorClaim> claims,
      long[] weightMask,
      long[] biasMask,
      List<ColumnClaim> maskClaims,
      long[] maskColumn,
      Ext2 paddingShare) {}

  static MaskSchedule schedule(WindowedLinear spec) {
    return new MaskSchedule(
        List.of(
            new MaskSchedule.PaddingScalars(),
            new MaskSchedule.Sumcheck(
                ShadowPhase1.numVars(spec),
                ShadowPhase1.composition(spec, Ext2.ONE).roundDegree(false)),
            new MaskSchedule.Sumcheck(
                spec.phase2Vars(), WindowedLinearVerifier.phase2Composition().roundDegree(false))));
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
    MaskSupply masks = MaskSupply.draw(schedule, random);
    WindowedLinearProof proof =
        WindowedLinearProver.prove(
                spec,
                inst.input(),
                inst.weights(),
                inst.bias(),
                r,
                new Transcript("t"),
                masks,
                new WindowedLinearProver.ShadowMasks(wm, bm))
            .proof();
    long[] maskColumn = MaskColumn.place(masks.all(), MaskColumn.numVars(schedule.blocks()));
    // The claim is on the accumulator with its padding (VirtualPadding): the formula's value
    // plus P m1 + Q m2 for this proof's scalars.
    Ext2 share =
        io.zkaudit.layers.VirtualPadding.at(spec.out(), r).value(masks.paddingScalars().getFirst());
    Run run = new Run(proof, null, wm, bm, null, maskColumn, share);
    return verify(inst, run, proof, r, value);
  }

  /**
   * Verifies proof (run's or a tampered one) of "the accumulator's formula at r is value" (its
   * padding's share added) and records the claims it leaves.
   */
  static Run verify(
      WindowedLinearTest.Instance inst, Run run, WindowedLinearProof proof, Ext2[] r, Ext2 value)
      throws InvalidProofException {
    MaskLedger ledger = new MaskLedger(schedule(inst.spec()).blocks());
    List<TensorClaim> claims =
        WindowedLinearVerifier.verify(
            inst.spec(), r, value.add(run.paddingShare()), proof, new Transcript("t"), ledger);
    List<ColumnClaim> maskClaims = ledger.claims(0, Mle.numVars(run.maskColumn().length));
    return new Run(
        proof,
        claims,
        run.weightMask(),
        run.biasMask(),
        maskClaims,
        run.maskColumn(),
        run.paddingShare());
  }

  /** Whether every claim a verified proof left is true: tensors, shadows and the mask column. */
  static boolean allClaimsTrue(WindowedLinearTest.Instance inst, Run run) {
    for (TensorClaim c : run.claims()) {
      if (!truth(inst, run, c).equals(c.value())) {
        return false;
      }
    }
    for (ColumnClaim c : run.maskClaims()) {
      Ext2 sum = Ext2.ZERO;
      for (EvalClaim.Term t : c.terms()) {
        sum = sum.add(t.weight().mul(Mle.evaluate(run.maskColumn(), t.point())));
      }
      if (!sum.equals(c.value())) {
        return false;
      }
    }
    return true;
  }

  /** A random 3x3, stride-1, pad-1 layer of this kind and size that has a bias. */
  static WindowedLinearTest.Instance withBias(
      Kind kind, int h, int w, int cin, int cout, Random rng) {
    var inst = WindowedLinearTest.random(kind, h, w, cin, cout, 3, 1, 1, rng);
    while (inst.bias() == null) {
      inst = WindowedLinearTest.random(kind, h, w, cin, cout, 3, 1, 1, rng);
    }
    return inst;
  }

  /**
   * What a claim should say: the input at its point, or the shadow (1 - t) W + t M at (t, point).
   */
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
  void honestProofsVerifyAndLeaveTrueShadowClaims(
      @ForAll @IntRange(min = 0, max = 1) int kindIndex,
      @ForAll @IntRange(min = 1, max = 8) int h,
      @ForAll @IntRange(min = 1, max = 8) int w,
      @ForAll @IntRange(min = 1, max = 5) int cin,
      @ForAll @IntRange(min = 1, max = 5) int cout,
      @ForAll @IntRange(min = 1, max = 3) int k,
      @ForAll @IntRange(min = 1, max = 2) int stride,
      @ForAll @IntRange(min = 0, max = 1) int pad,
      @ForAll long seed)
      throws InvalidProofException {
    Random rng = new Random(seed);
    Kind kind = Kind.values()[kindIndex];
    var inst =
        WindowedLinearTest.random(
            kind, h, w, cin, cout, Math.min(k, Math.min(h, w) + 2 * pad), stride, pad, rng);
    Ext2[] r = WindowedLinearTest.point(rng, inst.spec().out().numVars());
    Ext2 value = Mle.evaluate(inst.acc(), r);
    Run run = proveAndVerify(inst, r, value, ZkRandom.seeded(seed));
    assertEquals(inst.spec().hasBias() ? 3 : 2, run.claims().size());
    assertTrue(run.proof().bias().isZero(), "no bias is sent in the clear");
    for (TensorClaim c : run.claims()) {
      assertEquals(truth(inst, run, c), c.value(), "claim on tensor " + c.tensor());
    }
    assertTrue(allClaimsTrue(inst, run), "the combined mask claim holds");
    assertEquals(
        ShadowPhase1.composition(inst.spec(), Ext2.ONE).numTables() - 1,
        run.proof().phase1().evaluations().length,
        "G~ is not sent");
    assertEquals(2, run.proof().masks().length, "the two mask sums, no mask values");
    // A wrong accumulator value is rejected, or leaves a false claim.
    try {
      Run bad = verify(inst, run, run.proof(), r, value.add(Ext2.ONE));
      assertEquals(false, allClaimsTrue(inst, bad), "a wrong value left only true claims");
    } catch (InvalidProofException expected) {
      // rejected
    }
  }

  @Test
  void tamperedZeroKnowledgeProofsAreRejectedOrLeaveFalseClaims() throws InvalidProofException {
    for (int kindIndex = 0; kindIndex < 2; kindIndex++) {
      Random rng = new Random(7 + kindIndex);
      var inst = withBias(Kind.values()[kindIndex], 5, 6, 3, 4, rng);
      Ext2[] r = WindowedLinearTest.point(rng, inst.spec().out().numVars());
      Ext2 value = Mle.evaluate(inst.acc(), r);
      Run run = proveAndVerify(inst, r, value, ZkRandom.seeded(3));
      MaskSchedule schedule = schedule(inst.spec());
      WindowedLinearProof p = run.proof();
      List<WindowedLinearProof> tampered = new java.util.ArrayList<>();
      tampered.add(
          new WindowedLinearProof(p.bias().add(Ext2.ONE), p.phase1(), p.phase2(), p.masks()));
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
      // Evaluation lists one longer (a G~ slipped back in) or shorter are rejected outright.
      Ext2[] longer =
          java.util.Arrays.copyOf(p.phase1().evaluations(), p.phase1().evaluations().length + 1);
      longer[longer.length - 1] = Ext2.ONE;
      tampered.add(
          new WindowedLinearProof(
              p.bias(),
              new io.zkaudit.sumcheck.SumcheckProof(p.phase1().rounds(), longer),
              p.phase2(),
              p.masks()));
      tampered.add(
          new WindowedLinearProof(p.bias(), p.phase1(), p.phase2(), new Ext2[] {p.masks()[0]}));
      var fixed = inst;
      int caught = 0;
      for (WindowedLinearProof t : tampered) {
        try {
          Run v = verify(fixed, run, t, r, value);
          // What the verifier accepts must leave a false claim (a tensor, a shadow or the mask
          // column).
          assertTrue(!allClaimsTrue(fixed, v), "tampered proof accepted with true claims");
          caught++;
        } catch (InvalidProofException expected) {
          caught++;
        }
      }
      assertEquals(tampered.size(), caught);
      assertTrue(tampered.size() > 20, "every field was tampered: " + tampered.size());
      assertThrows(
          InvalidProofException.class,
          () -> WindowedLinearVerifier.verify(fixed.spec(), r, value, p, new Transcript("t"), null),
          "a zero-knowledge proof does not verify as a plain one");
    }
  }

  /**
   * The revealed weight and bias evaluations do not depend on the weights: over fresh randomness
   * their low four bits are uniform (chi-square, 15 degrees of freedom, p = 0.001) for two
   * unrelated weight sets, while a plain proof reveals the same weight evaluation every time.
   */
  @Test
  void revealedWeightEvaluationsAreUniformWhateverTheWeights() throws InvalidProofException {
    int samples = 1600;
    double critical = ChiSquare.CRITICAL_15_DF;
    for (int set = 0; set < 2; set++) {
      Random rng = new Random(100 + set);
      var inst = withBias(Kind.CONV, 4, 4, 2, 3, rng);
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
        assertTrue(
            ChiSquare.uniform(hist[c], samples) < critical,
            "set " + set + ", claim " + c + ": not uniform");
      }
      // Without zero knowledge the weight evaluation is a fixed function of the weights.
      var plain =
          WindowedLinearProver.prove(
              inst.spec(), inst.input(), inst.weights(), inst.bias(), r, new Transcript("t"));
      int[] constant = new int[16];
      for (int s = 0; s < samples; s++) {
        constant[(int) (plain.claims().get(1).value().c0() & 15)]++;
      }
      assertTrue(
          ChiSquare.uniform(constant, samples) > critical,
          "the test tells a fixed value from a uniform one");
    }
  }

  /**
   * Everything a chained zero-knowledge layer reveals beyond public tables and the input's own
   * evaluation (technique 2's business) has uniform low bits over fresh randomness, for two weight
   * sets: every round value of both phases, the weight and bias evaluations, and the two mask sums.
   * (A marginal test: G(rho)'s hiding is tested jointly with the challenges below.)
   */
  @Test
  void everythingAChainedLayerRevealsIsUniform() throws InvalidProofException {
    int samples = 1200;
    double critical = ChiSquare.CRITICAL_15_DF;
    for (int set = 0; set < 2; set++) {
      Random rng = new Random(300 + set);
      var inst = withBias(Kind.CONV, 4, 4, 2, 3, rng);
      Ext2[] r = WindowedLinearTest.point(new Random(9), inst.spec().out().numVars());
      Ext2 value = Mle.evaluate(inst.acc(), r);
      List<int[]> hist = new java.util.ArrayList<>();
      for (int s = 0; s < samples; s++) {
        Run run = proveAndVerify(inst, r, value, ZkRandom.seeded(7000L * set + s));
        List<Ext2> revealed = revealed(run.proof());
        while (hist.size() < revealed.size()) {
          hist.add(new int[16]);
        }
        for (int k = 0; k < revealed.size(); k++) {
          hist.get(k)[(int) (revealed.get(k).c0() & 15)]++;
        }
      }
      assertTrue(hist.size() > 15, "values inspected: " + hist.size());
      for (int k = 0; k < hist.size(); k++) {
        assertTrue(
            ChiSquare.uniform(hist.get(k), samples) < critical,
            "set " + set + ", revealed value " + k + " not uniform");
      }
    }
  }

  /** A conv proof's non-public values: rounds of both phases, W~ and B~, the mask sums. */
  private static List<Ext2> revealed(WindowedLinearProof p) {
    List<Ext2> out = new java.util.ArrayList<>();
    for (Ext2[] round : p.phase1().rounds()) {
      out.addAll(List.of(round));
    }
    for (Ext2[] round : p.phase2().rounds()) {
      out.addAll(List.of(round));
    }
    Ext2[] e1 = p.phase1().evaluations(); // conv: W~, M, B~, T (G~ not sent)
    out.add(e1[0]);
    out.add(e1[2]);
    out.addAll(List.of(p.masks()));
    return out;
  }

  /**
   * G(rho) is not determined by what the verifier sees. Replaying the verifier's phase 1, the value
   * an observer can compute where G(rho) used to be, (F1 - rest) / (k (1 - tau)), is G(rho) plus
   * rho1 g1 / (k (1 - tau)): its difference from the true G(rho) is uniform over fresh masks. The
   * control: a plain proof sends G(rho) itself, equal to the same true value.
   */
  @Test
  void phaseOneEndHidesG() throws InvalidProofException {
    Random rng = new Random(41);
    var inst = WindowedLinearTest.random(Kind.CONV, 4, 4, 2, 3, 3, 1, 1, rng);
    WindowedLinear spec = inst.spec();
    Ext2[] r = WindowedLinearTest.point(new Random(8), spec.out().numVars());
    Ext2 value = Mle.evaluate(inst.acc(), r);
    Ext2[] rc = java.util.Arrays.copyOf(r, spec.out().cBits());
    Ext2[] rx =
        java.util.Arrays.copyOfRange(
            r, spec.out().cBits(), spec.out().cBits() + spec.out().wBits());
    Ext2[] ry = java.util.Arrays.copyOfRange(r, spec.out().cBits() + spec.out().wBits(), r.length);
    long[] g =
        WindowedLinearProver.tapChannelTable(
            spec, inst.input(), spec.rows().table(ry), spec.cols().table(rx));

    var plain =
        WindowedLinearProver.prove(
            spec, inst.input(), inst.weights(), inst.bias(), r, new Transcript("t"));
    Transcript pt = new Transcript("t");
    Ext2 zwr = WindowedLinearVerifier.zeroPointMle(spec, rc);
    if (spec.hasBias()) {
      pt.absorbExt(WindowedLinearVerifier.BIAS, plain.proof().bias());
    }
    var plainEnd =
        io.zkaudit.sumcheck.SumcheckVerifier.verify(
            WindowedLinearVerifier.phase1Composition(spec, zwr),
            null,
            spec.phase1Vars(),
            value.sub(plain.proof().bias()),
            plain.proof().phase1(),
            pt);
    assertEquals(
        Mle.evaluateExt(g, plainEnd.point()), plainEnd.evaluation(1), "a plain proof sends G(rho)");

    int samples = 1200;
    int[] hist = new int[16];
    for (int s = 0; s < samples; s++) {
      Run run = proveAndVerify(inst, r, value, ZkRandom.seeded(90_000L + s));
      var c1 = ShadowPhase1.composition(spec, zwr);
      var e1 =
          io.zkaudit.sumcheck.SumcheckVerifier.verifyMaskedOpenEnd(
              ShadowPhase1.numVars(spec),
              c1.roundDegree(false),
              value,
              run.proof().phase1(),
              run.proof().masks()[0],
              c1.numTables() - 1,
              new Transcript("t"));
      ShadowPhase1.Outcome o = ShadowPhase1.finish(spec, rc, zwr, e1.point(), e1.evaluations());
      Ext2 observed = e1.finalClaim().sub(o.rest()).mul(o.inputScale().inv());
      Ext2 trueG = Mle.evaluateExt(g, o.rho());
      Ext2 difference = observed.sub(trueG);
      assertTrue(!difference.isZero(), "sample " + s + ": the view determines G(rho)");
      hist[(int) (difference.c0() & 15)]++;
    }
    assertTrue(
        ChiSquare.uniform(hist, samples) < ChiSquare.CRITICAL_15_DF,
        "G(rho)'s mask is not uniform");
  }
}
