package io.zkaudit.prover.accuracy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.accuracy.ArgmaxCountVerifier;
import io.zkaudit.accuracy.ArgmaxLayout;
import io.zkaudit.accuracy.ColumnEvaluation;
import io.zkaudit.field.Ext2;
import io.zkaudit.lookup.LookupClaims;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.lookup.LogUpProver;
import io.zkaudit.prover.lookup.LookupWitness;
import io.zkaudit.testutil.ChiSquare;
import io.zkaudit.transcript.Transcript;
import io.zkaudit.zk.MaskLedger;
import io.zkaudit.zk.ZkRandom;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * What a zero-knowledge argmax-and-count proof reveals about the predictions: two witnesses with
 * the same labels and the same count but different predictions. The values the gadget leaves on the
 * selector, the maximum and the gap weigh their columns' uniform padding, so a verifier who guesses
 * the predictions can never confirm the guess from them (a plain proof confirms it at once), and
 * the revealed values minus the guess's are uniform.
 */
class ArgmaxZeroKnowledgeTest {
  private static final int N = 21;
  private static final int K = 10;

  /** Sample b: its maximum 40 + p_b at the prediction p_b, the rest in [-10, 10). */
  private static long[][] logits(int[] predictions) {
    long[][] l = new long[N][K];
    for (int b = 0; b < N; b++) {
      for (int j = 0; j < K; j++) {
        l[b][j] = (b * 7 + j * 3) % 20 - 10;
      }
      l[b][predictions[b]] = 40 + predictions[b]; // the maximum tells the prediction too
    }
    return l;
  }

  /** A: predicts b mod 10, labels b mod 10 on even samples; B: other predictions, same count. */
  private static final int[] LABELS = new int[N];

  private static final int[] PRED_A = new int[N];
  private static final int[] PRED_B = new int[N];

  static {
    for (int b = 0; b < N; b++) {
      LABELS[b] = b % K;
      PRED_A[b] = b % 2 == 0 ? b % K : (b + 1) % K;
      // B is right on the odd samples instead, wrong elsewhere: the same count, other predictions
      PRED_B[b] = b % 2 == 1 ? b % K : (b + 3) % K;
    }
    PRED_B[N - 1] = (N - 1 + 5) % K; // 11 right in A (even b), 10 in B: even out
    PRED_B[0] = 0;
  }

  private static ArgmaxWitness witness(int[] predictions, boolean zk, long seed) {
    ArgmaxLayout layout = ArgmaxLayout.of(N, K, zk);
    return ArgmaxWitness.compute(
        layout, logits(predictions), LABELS, zk ? ZkRandom.seeded(seed) : null);
  }

  /** The gadget's claims for one proof (its transcript bound to a fresh stand-in commitment). */
  private static List<ColumnEvaluation> claims(ArgmaxWitness w, boolean zk, long seed)
      throws InvalidProofException {
    ZkRandom rnd = ZkRandom.seeded(seed);
    Transcript pt = new Transcript("zkaudit/test/argmax-zk");
    long[] commitment = {rnd.nextField(), rnd.nextField(), rnd.nextField(), rnd.nextField()};
    pt.absorbField("commitment", commitment);
    int n = w.statement().layout().numVars();
    ArgmaxCountProver.Output out =
        ArgmaxCountProver.prove(w.statement(), w.columns(), pt, zk ? rnd.mask(n, 3) : null);
    Transcript vt = new Transcript("zkaudit/test/argmax-zk");
    vt.absorbField("commitment", commitment);
    ArgmaxCountVerifier.Outcome v =
        ArgmaxCountVerifier.verify(w.statement(), out.proof(), vt, zk ? new MaskLedger(n) : null);
    assertEquals(out.claims(), v.claims());
    return v.claims();
  }

  /** A guessed witness's column with zero padding: what the real entries alone contribute. */
  private static long[] realPart(ArgmaxWitness guess, ColumnEvaluation.Column c) {
    ArgmaxLayout layout = guess.statement().layout();
    ArgmaxColumns cols = guess.columns();
    long[] t =
        switch (c) {
          case LOGITS -> cols.logits().clone();
          case SELECTOR -> cols.selector().clone();
          case MAX -> cols.max().clone();
          case GAP -> cols.gap().clone();
          case LABELS -> throw new AssertionError("public labels");
        };
    IntPredicate real = c == ColumnEvaluation.Column.MAX ? layout::isRealSample : layout::isReal;
    for (int i = 0; i < t.length; i++) {
      if (!real.test(i)) {
        t[i] = 0;
      }
    }
    return t;
  }

  @Test
  void theTwoWitnessesShareTheCountNotThePredictions() {
    ArgmaxWitness a = witness(PRED_A, false, 0);
    ArgmaxWitness b = witness(PRED_B, false, 0);
    assertEquals(a.statement(), b.statement(), "same labels, same count");
    assertNotEquals(
        java.util.Arrays.toString(a.predictions()), java.util.Arrays.toString(b.predictions()));
    assertTrue(a.statement().correct() > 0);
  }

  /**
   * A plain proof confirms a correct guess of the predictions (its selector, maximum and gap values
   * are the real parts' MLEs) and refutes a wrong one; a zero-knowledge proof does neither.
   */
  @Test
  void aGuessOfThePredictionsIsNeverConfirmed() throws InvalidProofException {
    var cols =
        List.of(
            ColumnEvaluation.Column.SELECTOR,
            ColumnEvaluation.Column.MAX,
            ColumnEvaluation.Column.GAP);
    ArgmaxWitness plainA = witness(PRED_A, false, 0);
    ArgmaxWitness plainB = witness(PRED_B, false, 0);
    List<ColumnEvaluation> plain = claims(plainA, false, 1);
    for (var c : cols) {
      ColumnEvaluation e = plain.get(c.ordinal());
      assertEquals(Mle.evaluate(realPart(plainA, c), e.point()), e.value(), "plain confirms A");
      assertNotEquals(Mle.evaluate(realPart(plainB, c), e.point()), e.value(), "plain refutes B");
    }
    ArgmaxWitness guessA = witness(PRED_A, true, 0);
    ArgmaxWitness guessB = witness(PRED_B, true, 0);
    for (int[] truth : new int[][] {PRED_A, PRED_B}) {
      for (int proof = 0; proof < 50; proof++) {
        ArgmaxWitness w = witness(truth, true, 1000 + proof);
        for (ColumnEvaluation e : claims(w, true, 2000 + proof)) {
          if (e.column() == ColumnEvaluation.Column.LOGITS) {
            continue; // the logits' padding is the inference proof's (uniform here too)
          }
          for (ArgmaxWitness guess : List.of(guessA, guessB)) {
            assertNotEquals(
                Mle.evaluate(realPart(guess, e.column()), e.point()),
                e.value(),
                e.column() + " confirmed a guess");
          }
        }
      }
    }
  }

  /**
   * Over 400 zero-knowledge proofs of each witness, the revealed selector, maximum and gap values
   * minus A's real parts are uniform (χ², low four bits of both coordinates, p = 0.001): the
   * revealed values of B's proofs look like A's.
   */
  @Test
  void revealedValuesMinusAGuessAreUniform() throws InvalidProofException {
    ArgmaxWitness guess = witness(PRED_A, true, 0);
    int proofs = 400;
    for (int[] truth : new int[][] {PRED_A, PRED_B}) {
      int[][] counts = new int[6][16];
      for (int p = 0; p < proofs; p++) {
        ArgmaxWitness w = witness(truth, true, 5000 + p);
        List<ColumnEvaluation> cl = claims(w, true, 7000 + p);
        int k = 0;
        for (var c :
            List.of(
                ColumnEvaluation.Column.SELECTOR,
                ColumnEvaluation.Column.MAX,
                ColumnEvaluation.Column.GAP)) {
          ColumnEvaluation e = cl.get(c.ordinal());
          Ext2 diff = e.value().sub(Mle.evaluate(realPart(guess, c), e.point()));
          counts[k++][(int) (diff.c0() & 15)]++;
          counts[k++][(int) (diff.c1() & 15)]++;
        }
      }
      for (int k = 0; k < counts.length; k++) {
        double chi = ChiSquare.uniform(counts[k], proofs);
        assertTrue(chi < ChiSquare.CRITICAL_15_DF, "value " + k + ": chi^2 = " + chi);
      }
    }
  }

  /**
   * Every claim a zero-knowledge proof leaves on the selector, the maximum and the gap (the gap's
   * range-lookup claim too) changes when the column's padding is drawn afresh: each weighs padding.
   */
  @Test
  void everyClaimWeighsPadding() throws InvalidProofException {
    for (int[] shape : new int[][] {{N, K}, {64, 1000}, {16, 16}, {8, 2}}) {
      ArgmaxLayout layout = ArgmaxLayout.of(shape[0], shape[1], true);
      long[][] logits = ArgmaxCountProofTest.randomLogits(shape[0], shape[1], 3, -30, 30);
      int[] labels = ArgmaxCountProofTest.randomLabels(logits, 4);
      ArgmaxWitness w = ArgmaxWitness.compute(layout, logits, labels, ZkRandom.seeded(5));
      List<ColumnEvaluation> cl = claims(w, true, 6);
      Transcript t = new Transcript("zkaudit/test/argmax-zk-lookup");
      var lookup = ArgmaxHarness.rangeLookup(layout);
      long[][] group = {w.columns().gap()};
      LookupClaims lc =
          LogUpProver.prove(
                  lookup,
                  List.of(
                      LookupWitness.compute(lookup.lookups().getFirst(), List.<long[][]>of(group))),
                  t)
              .claims();
      LookupClaims.WitnessClaim gapClaim = lc.witnesses().getFirst().getFirst();
      ZkRandom fresh = ZkRandom.seeded(8);
      for (ColumnEvaluation e : cl) {
        long[] col = columnOf(w, e.column());
        long[] refilled = col.clone();
        IntPredicate pad =
            e.column() == ColumnEvaluation.Column.MAX
                ? i -> !layout.isRealSample(i)
                : i -> !layout.isReal(i);
        fresh.fill(refilled, pad);
        assertEquals(Mle.evaluate(col, e.point()), e.value());
        assertNotEquals(
            Mle.evaluate(refilled, e.point()), e.value(), layout + " " + e.column() + " unmasked");
      }
      long[] gap = w.columns().gap().clone();
      fresh.fill(gap, i -> !layout.isReal(i));
      assertNotEquals(
          Mle.evaluate(gap, gapClaim.point()), gapClaim.values()[0], layout + " lookup claim");
    }
  }

  private static long[] columnOf(ArgmaxWitness w, ColumnEvaluation.Column c) {
    return switch (c) {
      case LOGITS -> w.columns().logits();
      case SELECTOR -> w.columns().selector();
      case MAX -> w.columns().max();
      case GAP -> w.columns().gap();
      case LABELS -> throw new AssertionError("public labels");
    };
  }
}
