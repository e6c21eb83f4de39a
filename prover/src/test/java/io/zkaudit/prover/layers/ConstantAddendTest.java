package io.zkaudit.prover.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.inference.MaskSchedule;
import io.zkaudit.layers.ConstantAddend;
import io.zkaudit.layers.TensorLayout;
import io.zkaudit.layers.WindowedLinearProof;
import io.zkaudit.pcs.ColumnClaim;
import io.zkaudit.pcs.EvalClaim;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.zk.MaskSupply;
import io.zkaudit.sumcheck.SumcheckResult;
import io.zkaudit.testutil.ChiSquare;
import io.zkaudit.transcript.Transcript;
import io.zkaudit.zk.MaskColumn;
import io.zkaudit.zk.MaskLedger;
import io.zkaudit.zk.ZkRandom;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The constant addend's sumcheck ({@link ConstantAddend}): its claims are true (the other side at
 * sigma, the addend's shadow at (tau, sigma_c), the mask column), a wrong accumulator leaves a
 * false one, and the revealed addend value is uniform whatever the addend, as the bias's is.
 */
class ConstantAddendTest {

  static final TensorLayout OUT = TensorLayout.of(3, 2, 5); // 4 x 2 x 8 padded

  record Run(SumcheckResult result, ConstantAddend.Outcome outcome, boolean masksTrue) {}

  static Run run(long[] s, long[] k, long[] m, Ext2[] rho, Ext2 acc, long seed)
      throws InvalidProofException {
    MaskSchedule schedule =
        new MaskSchedule(
            List.of(
                new MaskSchedule.Sumcheck(
                    ConstantAddend.numVars(OUT), ConstantAddend.composition().roundDegree(false))));
    MaskSupply masks = MaskSupply.draw(schedule, ZkRandom.seeded(seed));
    WindowedLinearProof p =
        ConstantAddendProver.prove(OUT, rho, s, k, m, masks, new Transcript("a"));
    MaskLedger ledger = new MaskLedger(schedule.blocks());
    SumcheckResult r =
        ledger.verify(
            ConstantAddend.composition(),
            null,
            ConstantAddend.numVars(OUT),
            acc,
            p.phase2(),
            p.masks()[0],
            p.masks()[1],
            new Transcript("a"));
    ConstantAddend.Outcome o = ConstantAddend.finish(rho, r);
    int vars = MaskColumn.numVars(schedule.blocks());
    long[] column = MaskColumn.place(masks.all(), vars);
    boolean masksTrue = true;
    for (ColumnClaim c : ledger.claims(0, vars)) {
      Ext2 sum = Ext2.ZERO;
      for (EvalClaim.Term t : c.terms()) {
        sum = sum.add(t.weight().mul(Mle.evaluate(column, t.point())));
      }
      masksTrue &= sum.equals(c.value());
    }
    return new Run(r, o, masksTrue);
  }

  static long[] random(Random rng, int n) {
    long[] t = new long[n];
    for (int i = 0; i < n; i++) {
      t[i] = Goldilocks.random(rng);
    }
    return t;
  }

  /** acc = S + K broadcast over positions (padding included), at rho. */
  static Ext2 acc(long[] s, long[] k, Ext2[] rho) {
    long[] a = new long[s.length];
    int cMask = (1 << OUT.cBits()) - 1;
    for (int x = 0; x < a.length; x++) {
      a[x] = Goldilocks.add(s[x], k[x & cMask]);
    }
    return Mle.evaluate(a, rho);
  }

  static Ext2[] point(Random rng, int n) {
    Ext2[] p = new Ext2[n];
    for (int i = 0; i < n; i++) {
      p[i] = new Ext2(Goldilocks.random(rng), Goldilocks.random(rng));
    }
    return p;
  }

  @Test
  void claimsAreTrueAndAWrongAccumulatorLeavesAFalseOne() throws InvalidProofException {
    Random rng = new Random(3);
    long[] s = random(rng, OUT.paddedSize());
    long[] k = random(rng, 1 << OUT.cBits());
    long[] m = random(rng, 1 << OUT.cBits());
    Ext2[] rho = point(rng, OUT.numVars());
    Ext2 acc = acc(s, k, rho);
    Run r = run(s, k, m, rho, acc, 1);
    assertEquals(Mle.evaluate(s, r.outcome().sigma()), r.outcome().input(), "S(sigma)");
    Ext2[] sc = java.util.Arrays.copyOf(r.outcome().sigma(), OUT.cBits());
    Ext2 tau = r.outcome().tau();
    assertEquals(
        Ext2.ONE.sub(tau).mul(Mle.evaluate(k, sc)).add(tau.mul(Mle.evaluate(m, sc))),
        r.outcome().addend(),
        "the addend's shadow at (tau, sigma_c)");
    assertTrue(r.masksTrue(), "the mask claim holds");
    try {
      Run bad = run(s, k, m, rho, acc.add(Ext2.ONE), 1);
      boolean allTrue =
          bad.masksTrue() && Mle.evaluate(s, bad.outcome().sigma()).equals(bad.outcome().input());
      assertTrue(!allTrue, "a wrong accumulator left only true claims");
    } catch (InvalidProofException expected) {
      // rejected
    }
  }

  /**
   * Over fresh masks the revealed addend value's low bits are uniform (chi-square, 15 degrees of
   * freedom) for two unrelated addends, as the bias's are in ShadowPhase1Test; the control: the
   * plain value K at a fixed point is one value every time.
   */
  @Test
  void theRevealedAddendIsUniformWhateverTheAddend() throws InvalidProofException {
    int samples = 1200;
    for (int set = 0; set < 2; set++) {
      Random rng = new Random(50 + set);
      long[] s = random(rng, OUT.paddedSize());
      long[] k = random(rng, 1 << OUT.cBits());
      Ext2[] rho = point(new Random(7), OUT.numVars());
      Ext2 acc = acc(s, k, rho);
      int[] hist = new int[16];
      ZkRandom masks = ZkRandom.seeded(900 + set);
      for (int i = 0; i < samples; i++) {
        long[] m = new long[1 << OUT.cBits()];
        masks.fill(m, x -> true);
        Run r = run(s, k, m, rho, acc, 10_000L * set + i);
        hist[(int) (r.outcome().addend().c0() & 15)]++;
      }
      assertTrue(
          ChiSquare.uniform(hist, samples) < ChiSquare.CRITICAL_15_DF,
          "set " + set + ": not uniform");
    }
    int[] constant = new int[16];
    long[] k = random(new Random(50), 1 << OUT.cBits());
    for (int i = 0; i < samples; i++) {
      constant[(int) (Mle.evaluate(k, point(new Random(7), OUT.cBits())).c0() & 15)]++;
    }
    assertTrue(
        ChiSquare.uniform(constant, samples) > ChiSquare.CRITICAL_15_DF,
        "the test tells a fixed value apart");
  }
}
