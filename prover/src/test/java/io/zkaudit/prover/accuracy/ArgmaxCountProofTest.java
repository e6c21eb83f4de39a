package io.zkaudit.prover.accuracy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.accuracy.ArgmaxCountProof;
import io.zkaudit.accuracy.ArgmaxCountStatement;
import io.zkaudit.accuracy.ArgmaxLayout;
import io.zkaudit.accuracy.ArgmaxRelations;
import io.zkaudit.accuracy.Rejection;
import io.zkaudit.data.Cifar10;
import io.zkaudit.data.InputEncoder;
import io.zkaudit.data.PixelRange;
import io.zkaudit.data.Sample;
import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.engine.Predictions;
import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.ResNet8;
import io.zkaudit.testutil.Shared;
import io.zkaudit.zk.ZkRandom;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The argmax-and-count gadget end to end (commitment, gadget, range lookup, opening; {@link
 * ArgmaxHarness}): honest proofs on real ResNet-8 logits and on crafted ones (ties, negative
 * logits, K and N not powers of two), then cheating provers, each rejected for its reason.
 */
class ArgmaxCountProofTest {

  // ---- honest proofs ----

  /** ResNet-8's logits on 37 CIFAR-10 test images spread over the classes (the set is sorted). */
  @Test
  void realResNet8LogitsProveTheEnginesCount() throws Exception {
    QuantizedModel model = ResNet8.model();
    TensorSpec in = model.input();
    InputEncoder enc = new InputEncoder(in.shapeArray(), 1.0, PixelRange.of(in));
    List<Sample> all = Cifar10.testSet(Shared.require("data/cifar10/test_batch.bin"), 10_000);
    IntegerEngine engine = new IntegerEngine(model);
    int n = 37;
    long[][] logits = new long[n][];
    int[] labels = new int[n];
    int expected = 0;
    for (int b = 0; b < n; b++) {
      Sample s = all.get(b * 270);
      int[] out = engine.values(enc.quantized(s.image(), in))[model.logitsTensor()];
      logits[b] = toLong(out);
      labels[b] = s.label();
      if (Predictions.topK(out, 1)[0] == s.label()) {
        expected++;
      }
    }
    for (boolean zk : new boolean[] {false, true}) {
      ArgmaxWitness w = witness(logits, labels, zk, 1);
      assertEquals(expected, w.statement().correct(), "the gadget counts as the runtime ranks");
      assertNull(ArgmaxHarness.outcome(ArgmaxHarness.Inputs.honest(w), zk, 2));
    }
    assertTrue(expected > 0 && expected < n, "a mixed set: " + expected + " of " + n);
  }

  /** Ties (two equal maxima, all equal), negative logits; the first maximum wins. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void craftedLogitsWithTiesProve(boolean zk) {
    long[][] logits = {
      {3, 9, 1, 9, 0, -4, 2, 9, 5, 1}, // three equal maxima: class 1
      {7, 7, 7, 7, 7, 7, 7, 7, 7, 7}, // all equal: class 0
      {-128, -90, -127, -90, -100, -128, -128, -128, -128, -91}, // negative, tie: class 1
      {-5, -3, -8, -1, -2, -9, -7, -6, -4, -10}, // negative: class 3
      {127, -128, 0, 0, 0, 0, 0, 0, 0, 127}, // extremes, tie: class 0
    };
    int[] labels = {1, 3, 1, 3, 9};
    ArgmaxWitness w = witness(logits, labels, zk, 3);
    assertArrayEquals(new int[] {1, 0, 1, 3, 0}, w.predictions());
    assertEquals(3, w.statement().correct());
    assertNull(ArgmaxHarness.outcome(ArgmaxHarness.Inputs.honest(w), zk, 4));
  }

  /** 1000 classes (a power of two it is not), 64 samples (one that needs a padding bit in zk). */
  @Test
  void thousandClassesAndSixtyFourSamples() throws InvalidProofException {
    long[][] logits = randomLogits(64, 1000, 5, -128, 127);
    for (int j = 0; j < 1000; j++) {
      logits[7][j] = Math.min(logits[7][j], 126);
    }
    logits[7][3] = logits[7][900] = 127; // a tie far apart
    int[] labels = randomLabels(logits, 6);
    for (boolean zk : new boolean[] {false, true}) {
      ArgmaxWitness w = witness(logits, labels, zk, 7);
      assertEquals(3, w.predictions()[7]);
      ArgmaxHarness.Bundle b =
          ArgmaxHarness.prove(ArgmaxHarness.Inputs.honest(w), zk ? rnd(8) : null);
      ArgmaxHarness.verify(w.statement(), b, zk);
      report("N=64 K=1000", w, b, zk);
    }
  }

  @Test
  void sixHundredSamplesOfTenClasses() throws InvalidProofException {
    long[][] logits = randomLogits(600, 10, 9, -40, 40);
    int[] labels = randomLabels(logits, 10);
    for (boolean zk : new boolean[] {false, true}) {
      ArgmaxWitness w = witness(logits, labels, zk, 11);
      ArgmaxHarness.Bundle b =
          ArgmaxHarness.prove(ArgmaxHarness.Inputs.honest(w), zk ? rnd(12) : null);
      ArgmaxHarness.verify(w.statement(), b, zk);
      report("N=600 K=10", w, b, zk);
    }
  }

  @Test
  void logitsWiderThanTheRangeTableAreRefused() {
    long[][] logits = {{0, 1, 2}, {-40_000, 30_000, 0}};
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> witness(logits, new int[] {0, 1}, false, 0));
    assertTrue(e.getMessage().contains("sample 1: its logits span 70000 > 65535"), e.getMessage());
    // 65535 is the widest span that proves
    long[][] widest = {{-32_768, 32_767, 0}};
    assertNull(
        ArgmaxHarness.outcome(
            ArgmaxHarness.Inputs.honest(witness(widest, new int[] {1}, false, 0)), false, 0));
  }

  @Test
  void layoutsPadForZeroKnowledge() {
    assertEquals(new ArgmaxLayout(600, 10, 10, 4), ArgmaxLayout.of(600, 10, true));
    assertEquals(new ArgmaxLayout(64, 1000, 6, 10), ArgmaxLayout.of(64, 1000, false));
    assertEquals(new ArgmaxLayout(64, 1000, 7, 10), ArgmaxLayout.of(64, 1000, true));
    // K = 2: padding samples must cover 16 consecutive entries
    assertEquals(new ArgmaxLayout(8, 2, 4, 1), ArgmaxLayout.of(8, 2, true));
    assertEquals(new ArgmaxLayout(8, 2, 3, 1), ArgmaxLayout.of(8, 2, false));
  }

  @Test
  void soundnessRoundsAreAbove120Bits() {
    for (boolean zk : new boolean[] {false, true}) {
      var rounds = io.zkaudit.accuracy.ArgmaxCountVerifier.rounds(ArgmaxLayout.of(600, 10, zk), zk);
      assertEquals(zk ? 4 : 3, rounds.size());
      for (var r : rounds) {
        assertTrue(r.bits() > 120, r.toString());
      }
    }
  }

  /** The verifier's O(log K) forms agree with the tables they stand for. */
  @Test
  void publicFormsAgreeWithTheirTables() {
    Random rng = new Random(13);
    for (int k : new int[] {2, 3, 10, 16, 17, 100, 1000}) {
      int bits = 32 - Integer.numberOfLeadingZeros(k - 1);
      Ext2[] a = randomPoint(rng, bits);
      Ext2[] c = randomPoint(rng, bits);
      long[] ea = Mle.eqTable(a);
      long[] ec = Mle.eqTable(c);
      Ext2 brute = Ext2.ZERO;
      for (int kk = 0; kk < k; kk++) {
        for (int j = 0; j < kk; j++) {
          brute =
              brute.add(
                  io.zkaudit.field.ExtVector.get(ea, j)
                      .mul(io.zkaudit.field.ExtVector.get(ec, kk)));
        }
      }
      assertEquals(brute, ArgmaxRelations.below(k, a, c), "K = " + k);
    }
    ArgmaxLayout layout = ArgmaxLayout.of(11, 10, true);
    int[] labels = {0, 9, 3, 3, 1, 2, 8, 7, 6, 5, 4};
    ArgmaxCountStatement st = new ArgmaxCountStatement(layout, labels, 0);
    Ext2[] p = randomPoint(rng, layout.numVars());
    assertEquals(Mle.evaluate(st.labelTable(), p), st.labelTable(p));
    long[] box = new long[layout.size()];
    for (int i = 0; i < box.length; i++) {
      box[i] = layout.isReal(i) ? 1 : 0;
    }
    assertEquals(Mle.evaluate(box, p), layout.box(p));
    // the prover's public tables at r against the verifier's closed forms at σ
    for (ArgmaxLayout l :
        List.of(layout, ArgmaxLayout.of(600, 10, false), ArgmaxLayout.of(5, 1000, true))) {
      int[] y = new int[l.samples()];
      ArgmaxCountStatement s = new ArgmaxCountStatement(l, y, 0);
      Ext2[] r = randomPoint(rng, l.numVars());
      Ext2[] sigma = randomPoint(rng, l.numVars());
      Ext2[] own = ArgmaxRelations.publicValues(s, r, sigma);
      List<long[]> tables = ArgmaxCountProver.publicTables(l, r);
      for (int t = 0; t < tables.size(); t++) {
        assertEquals(
            Mle.evaluateExt(tables.get(t), sigma),
            own[ArgmaxRelations.EQ_BOX + t],
            l + " table " + t);
      }
      assertEquals(Mle.evaluate(s.labelTable(), sigma), own[ArgmaxRelations.LABELS]);
      assertEquals(
          Mle.evaluate(ArgmaxCountProver.box(l), sigma), own[ArgmaxRelations.BOX], l + " box");
    }
  }

  // ---- cheating provers ----

  /** Honest columns, count claimed one too high or too low: the relations' sum is off. */
  @ParameterizedTest
  @ValueSource(ints = {1, -1})
  void aWrongCountWithTheHonestWitness(int delta) {
    ArgmaxWitness w = mixed(true);
    ArgmaxCountStatement lie = claim(w, w.statement().correct() + delta);
    assertEquals(Rejection.RELATIONS, outcome(ArgmaxHarness.Inputs.of(lie, w.columns()), true));
  }

  /**
   * correct + 1 by moving a wrong sample's selector to its label, with the maximum and gap
   * recomputed to match: every relation holds, but the label's logit is below the maximum, so a gap
   * is negative.
   */
  @Test
  void countPlusOneBySelectingTheLabel() {
    ArgmaxWitness w = mixed(true);
    int b = firstWrong(w);
    long[] s = w.columns().selector().clone();
    ArgmaxLayout layout = w.statement().layout();
    s[layout.index(b, w.predictions()[b])] = 0;
    s[layout.index(b, w.statement().publicLabels()[b])] = 1;
    ArgmaxColumns c = derived(w, s, true);
    assertEquals(
        Rejection.GAP_OUT_OF_RANGE,
        outcome(ArgmaxHarness.Inputs.of(claim(w, w.statement().correct() + 1), c), true));
  }

  /** correct − 1 by moving a right sample's selector to another class: a gap goes negative. */
  @Test
  void countMinusOneByMovingARightSelector() {
    ArgmaxWitness w = mixed(false);
    int b = firstRight(w);
    ArgmaxLayout layout = w.statement().layout();
    long[] s = w.columns().selector().clone();
    int p = w.predictions()[b];
    s[layout.index(b, p)] = 0;
    s[layout.index(b, (p + 1) % layout.classes())] = 1;
    ArgmaxColumns c = derived(w, s, true);
    assertEquals(
        Rejection.GAP_OUT_OF_RANGE,
        outcome(ArgmaxHarness.Inputs.of(claim(w, w.statement().correct() - 1), c), false));
  }

  /**
   * Two ones in a row (the label and the prediction: +1), the maximum and gap derived from the
   * selector as the relations define them; then the same cheat covered up, proving the sumcheck on
   * tables where every relation holds while committing the two-ones selector.
   */
  @Test
  void aSelectorWithTwoOnes() {
    ArgmaxWitness w = mixed(true);
    int b = firstWrong(w);
    ArgmaxLayout layout = w.statement().layout();
    long[] s = w.columns().selector().clone();
    s[layout.index(b, w.statement().publicLabels()[b])] = 1;
    ArgmaxCountStatement lie = claim(w, w.statement().correct() + 1);
    ArgmaxColumns c = derived(w, s, true);
    assertEquals(Rejection.RELATIONS, outcome(ArgmaxHarness.Inputs.of(lie, c), true));
    // covered up: commit the two ones with the honest maximum and gap (so the range lookup
    // passes), and run the sumcheck for the lie on tables where every relation holds (the one
    // moved to the label, m and d recomputed): only the opening can tell
    ArgmaxColumns committed = w.columns().with(s, w.columns().max(), w.columns().gap());
    long[] moved = w.columns().selector().clone();
    moved[layout.index(b, w.predictions()[b])] = 0;
    moved[layout.index(b, w.statement().publicLabels()[b])] = 1;
    ArgmaxHarness.Inputs coverUp =
        new ArgmaxHarness.Inputs(
            lie,
            committed,
            derived(w, moved, true),
            lie.labelTable(),
            ArgmaxHarness.rangeMultiplicities(lie, committed));
    assertEquals(Rejection.OPENING, outcome(coverUp, true));
  }

  /** A row without a one: the maximum kept (all gaps in range), the row sum is 0. */
  @Test
  void aSelectorWithNoOne() {
    ArgmaxWitness w = mixed(true);
    int b = firstRight(w);
    ArgmaxLayout layout = w.statement().layout();
    long[] s = w.columns().selector().clone();
    s[layout.index(b, w.predictions()[b])] = 0;
    // the maximum kept: with no one in the row, t = 0 and every gap m − ℓ is in range
    ArgmaxColumns c =
        w.columns().with(s, w.columns().max(), withGap(w, b, w.columns().max()[b], s));
    assertEquals(
        Rejection.RELATIONS,
        outcome(ArgmaxHarness.Inputs.of(claim(w, w.statement().correct() - 1), c), true));
  }

  /** The selector on a lower logit, honest relations: the maximum's gap is negative. */
  @Test
  void aSelectorOnALowerLogit() {
    long[][] logits = {{1, 5, 2, 0, 0, 0, 0, 0, 0, 0}, {4, 1, 2, 0, 0, 0, 0, 0, 0, 3}};
    int[] labels = {2, 0};
    ArgmaxWitness w = witness(logits, labels, true, 20);
    assertEquals(1, w.statement().correct());
    long[] s = w.columns().selector().clone();
    ArgmaxLayout layout = w.statement().layout();
    s[layout.index(0, 1)] = 0;
    s[layout.index(0, 2)] = 1; // logit 2 < 5
    ArgmaxColumns c = derived(w, s, true);
    assertEquals(
        Rejection.GAP_OUT_OF_RANGE, outcome(ArgmaxHarness.Inputs.of(claim(w, 2), c), true));
  }

  /**
   * A tie resolved to the higher index: with the [j &lt; p] term the lower maximum's gap is −1;
   * with the term dropped every gap is in range but the gap relation fails.
   */
  @Test
  void aTieResolvedToTheHigherIndex() {
    long[][] logits = {{1, 9, 2, 9, 0, 0, 0, 0, 0, 0}, {4, 1, 2, 0, 0, 0, 0, 0, 0, 3}};
    int[] labels = {3, 0};
    ArgmaxWitness w = witness(logits, labels, false, 0);
    assertEquals(1, w.statement().correct()); // sample 0 predicts 1, not 3
    long[] s = w.columns().selector().clone();
    ArgmaxLayout layout = w.statement().layout();
    s[layout.index(0, 1)] = 0;
    s[layout.index(0, 3)] = 1;
    ArgmaxCountStatement lie = claim(w, 2);
    assertEquals(
        Rejection.GAP_OUT_OF_RANGE,
        outcome(ArgmaxHarness.Inputs.of(lie, derived(w, s, true)), false));
    assertEquals(
        Rejection.RELATIONS, outcome(ArgmaxHarness.Inputs.of(lie, derived(w, s, false)), false));
  }

  /**
   * The one at a padding class whose (free) logit the prover sets above every real one: the gaps
   * are in range, the maximum is that logit, but no real class is selected.
   */
  @Test
  void aSelectorAtAPaddingClass() {
    ArgmaxWitness w = mixed(true);
    int b = firstRight(w);
    ArgmaxLayout layout = w.statement().layout();
    int pad = layout.classes(); // class K, padding
    long[] logits = w.columns().logits().clone();
    logits[layout.index(b, pad)] = ArgmaxHarness.field(1000);
    long[] s = w.columns().selector().clone();
    for (int j = 0; j < layout.paddedClasses(); j++) {
      s[layout.index(b, j)] = 0;
    }
    s[layout.index(b, pad)] = 1;
    ArgmaxColumns withLogits =
        new ArgmaxColumns(logits, w.columns().selector(), w.columns().max(), w.columns().gap());
    // the cheater reads its padding class as a class: m and the gaps count it
    ArgmaxColumns c = derivedFrom(layout, withLogits, s, true, layout.paddedClasses());
    assertEquals(
        Rejection.RELATIONS,
        outcome(ArgmaxHarness.Inputs.of(claim(w, w.statement().correct() - 1), c), true));
  }

  /**
   * s = 1/2 at the prediction and 1/2 at the label of two wrong samples: one per row, the count +1,
   * the maximum and gap derived; only Booleanity fails.
   */
  @Test
  void aFractionalSelector() {
    ArgmaxWitness w = mixed(true);
    ArgmaxLayout layout = w.statement().layout();
    long half = Goldilocks.inv(2);
    long[] s = w.columns().selector().clone();
    int done = 0;
    for (int b = 0; b < layout.samples() && done < 2; b++) {
      if (w.predictions()[b] != w.statement().publicLabels()[b]) {
        s[layout.index(b, w.predictions()[b])] = half;
        s[layout.index(b, w.statement().publicLabels()[b])] = half;
        done++;
      }
    }
    assertEquals(2, done);
    ArgmaxColumns c = derived(w, s, true);
    ArgmaxCountStatement lie = claim(w, w.statement().correct() + 1);
    // a sanity check of the cheat: its count relation alone holds
    assertEquals(
        Ext2.of(lie.correct()),
        sum(lie.labelTable(), c.selector()),
        "the fractional selector counts correct + 1");
    assertEquals(Rejection.RELATIONS, outcome(ArgmaxHarness.Inputs.of(lie, c), true));
  }

  /**
   * A padding sample counted: its (free) selector row set at class 0, and a label for it added to
   * the label table the prover sums against (all other relations hold). The count reads L on the
   * box, so the padding sample adds nothing and the sum is off by one; with the statement's own
   * label table likewise. (The box is a public table: the verifier evaluates it itself.)
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aPaddingSampleCounted(boolean zk) {
    ArgmaxWitness w = mixed(zk);
    ArgmaxLayout layout = w.statement().layout();
    int pad = layout.samples(); // sample N: padding (37 samples, so plain layouts pad too)
    long[] s = w.columns().selector().clone();
    for (int j = 0; j < layout.paddedClasses(); j++) {
      s[layout.index(pad, j)] = j == 0 ? 1 : 0;
    }
    long[] labels = w.statement().labelTable();
    labels[layout.index(pad, 0)] = 1;
    ArgmaxCountStatement lie = claim(w, w.statement().correct() + 1);
    ArgmaxColumns c = w.columns().with(s, w.columns().max(), w.columns().gap());
    ArgmaxHarness.Inputs in =
        new ArgmaxHarness.Inputs(lie, c, c, labels, ArgmaxHarness.rangeMultiplicities(lie, c));
    assertEquals(Rejection.RELATIONS, outcome(in, zk));
    assertEquals(Rejection.RELATIONS, outcome(ArgmaxHarness.Inputs.of(lie, c), zk));
  }

  /**
   * A label row moved to another sample (whose prediction it matches): the count is +1 against the
   * prover's label table, for which every relation holds; the verifier evaluates its own.
   */
  @Test
  void labelsMovedToAnotherSample() {
    ArgmaxWitness w = mixed(true);
    ArgmaxLayout layout = w.statement().layout();
    int[] y = w.statement().publicLabels();
    int[] p = w.predictions();
    // a wrong sample b2 and a wrong sample b1 whose label is b2's prediction
    int b1 = -1;
    int b2 = -1;
    for (int i = 0; i < y.length && b1 < 0; i++) {
      for (int k = 0; k < y.length; k++) {
        if (i != k && p[i] != y[i] && p[k] != y[k] && y[i] == p[k]) {
          b1 = i;
          b2 = k;
          break;
        }
      }
    }
    assertTrue(b1 >= 0, "the data set has such a pair");
    long[] labels = w.statement().labelTable();
    labels[layout.index(b2, y[b2])] = 0;
    labels[layout.index(b2, y[b1])] = 1; // b1's label now on b2
    ArgmaxCountStatement lie = claim(w, w.statement().correct() + 1);
    ArgmaxHarness.Inputs in =
        new ArgmaxHarness.Inputs(
            lie,
            w.columns(),
            w.columns(),
            labels,
            ArgmaxHarness.rangeMultiplicities(lie, w.columns()));
    assertEquals(Rejection.RELATIONS, outcome(in, true));
  }

  /**
   * A forged negative gap: a selector on a lower logit whose honest gap is negative, (a) committed
   * as is (the range lookup), (b) committed clamped to 0 but proven unclamped (the opening), (c)
   * clamped and proven clamped (the gap relation).
   */
  @Test
  void aGapForgedNegative() {
    ArgmaxWitness w = mixed(true);
    int b = firstRight(w);
    ArgmaxLayout layout = w.statement().layout();
    long[] s = w.columns().selector().clone();
    int p = w.predictions()[b];
    s[layout.index(b, p)] = 0;
    int q = (p + 1) % layout.classes();
    s[layout.index(b, q)] = 1;
    ArgmaxColumns neg = derived(w, s, true);
    ArgmaxCountStatement lie = claim(w, w.statement().correct() - 1);
    assertEquals(Rejection.GAP_OUT_OF_RANGE, outcome(ArgmaxHarness.Inputs.of(lie, neg), true));
    long[] clamped = neg.gap().clone();
    for (int i = 0; i < clamped.length; i++) {
      if (layout.isReal(i) && Long.compareUnsigned(clamped[i], 1 << 16) >= 0) {
        clamped[i] = 0;
      }
    }
    ArgmaxColumns clampedColumns = neg.with(neg.selector(), neg.max(), clamped);
    ArgmaxHarness.Inputs coverUp =
        new ArgmaxHarness.Inputs(
            lie,
            clampedColumns,
            neg,
            lie.labelTable(),
            ArgmaxHarness.rangeMultiplicities(lie, clampedColumns));
    assertEquals(Rejection.OPENING, outcome(coverUp, true));
    assertEquals(Rejection.RELATIONS, outcome(ArgmaxHarness.Inputs.of(lie, clampedColumns), true));
  }

  /**
   * Labels committed (the test-set commitment's role, played here by the prover's commitment): the
   * statement names none, the gadget leaves a claim on the label table, which the opening proves; a
   * prover that sums against other labels than the committed ones fails the opening.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void committedLabels(boolean zk) {
    ArgmaxWitness w = mixed(zk);
    ArgmaxHarness.Inputs honest = ArgmaxHarness.Inputs.committedLabels(w);
    assertNull(ArgmaxHarness.outcome(honest, zk, 50));
    if (zk) {
      // a label table with uniform padding (hiding the labels behind T) proves the same count
      assertNull(ArgmaxHarness.outcome(ArgmaxHarness.Inputs.committedLabels(w, rnd(51)), zk, 52));
    }
    // labels moved (b1's label onto b2, whose prediction it is): the count +1 against them
    int[] y = w.statement().publicLabels();
    int[] p = w.predictions();
    ArgmaxLayout layout = w.statement().layout();
    int b1 = firstWrong(w);
    int b2 = -1;
    for (int b = 0; b < y.length; b++) {
      if (b != b1 && p[b] != y[b] && p[b] == y[b1]) {
        b2 = b;
      }
    }
    assertTrue(b2 >= 0);
    long[] moved = honest.labelTable().clone();
    moved[layout.index(b2, y[b2])] = 0;
    moved[layout.index(b2, y[b1])] = 1;
    ArgmaxCountStatement lie =
        new ArgmaxCountStatement(
            layout, new ArgmaxCountStatement.Labels.Committed(), w.statement().correct() + 1);
    ArgmaxHarness.Inputs cheat =
        new ArgmaxHarness.Inputs(
            lie, w.columns(), w.columns(), moved, null, honest.committedLabels());
    assertEquals(Rejection.OPENING, outcome(cheat, zk));
  }

  /**
   * Bytes flipped in the gadget's proof: every one rejected, by decoding or by a check; every
   * truncation refused; a proof of one mode verified in the other is malformed.
   */
  @Test
  void flippedBytesAreRejected() throws InvalidProofException {
    ArgmaxWitness w = mixed(true);
    ArgmaxHarness.Bundle b = ArgmaxHarness.prove(ArgmaxHarness.Inputs.honest(w), rnd(30));
    ArgmaxHarness.verify(w.statement(), b, true);
    byte[] bytes = b.gadget().toBytes();
    Random rng = new Random(31);
    for (int trial = 0; trial < 24; trial++) {
      byte[] bad = bytes.clone();
      int at = trial < 8 ? trial * 7 % bad.length : rng.nextInt(bad.length);
      bad[at] ^= (byte) (1 << rng.nextInt(8));
      ArgmaxCountProof tampered;
      try {
        tampered = ArgmaxCountProof.fromBytes(bad);
      } catch (InvalidProofException e) {
        continue; // not even a proof
      }
      ArgmaxHarness.Bundle t =
          new ArgmaxHarness.Bundle(b.commitment(), tampered, b.lookup(), b.opening());
      assertThrows(
          InvalidProofException.class,
          () -> ArgmaxHarness.verify(w.statement(), t, true),
          "byte " + at);
    }
    // every truncation and trailing bytes are refused by decoding
    for (int len = 0; len < bytes.length; len++) {
      byte[] cut = java.util.Arrays.copyOf(bytes, len);
      assertThrows(InvalidProofException.class, () -> ArgmaxCountProof.fromBytes(cut), "" + len);
    }
    byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1);
    assertThrows(InvalidProofException.class, () -> ArgmaxCountProof.fromBytes(longer));
    assertEquals(b.gadget(), ArgmaxCountProof.fromBytes(bytes));
    // a plain proof offered as a zero-knowledge one, and the reverse
    ArgmaxWitness pw = witness(w, false);
    ArgmaxHarness.Bundle plain = ArgmaxHarness.prove(ArgmaxHarness.Inputs.honest(pw), null);
    InvalidProofException e =
        assertThrows(
            InvalidProofException.class, () -> ArgmaxHarness.verify(pw.statement(), plain, true));
    assertEquals(Rejection.MALFORMED, Rejection.of(e).orElseThrow());
    InvalidProofException r =
        assertThrows(
            InvalidProofException.class, () -> ArgmaxHarness.verify(w.statement(), b, false));
    assertEquals(Rejection.MALFORMED, Rejection.of(r).orElseThrow());
  }

  @Test
  void anotherStatementIsRejected() throws InvalidProofException {
    ArgmaxWitness w = mixed(false);
    ArgmaxHarness.Bundle b = ArgmaxHarness.prove(ArgmaxHarness.Inputs.honest(w), null);
    ArgmaxHarness.verify(w.statement(), b, false);
    int[] y = w.statement().publicLabels();
    y[0] = (y[0] + 1) % w.statement().layout().classes();
    ArgmaxCountStatement other =
        new ArgmaxCountStatement(w.statement().layout(), y, w.statement().correct());
    assertThrows(InvalidProofException.class, () -> ArgmaxHarness.verify(other, b, false));
    ArgmaxCountStatement lie = claim(w, w.statement().correct() + 1);
    InvalidProofException e =
        assertThrows(InvalidProofException.class, () -> ArgmaxHarness.verify(lie, b, false));
    assertEquals(Rejection.RELATIONS, Rejection.of(e).orElseThrow());
  }

  // ---- helpers ----

  static Rejection outcome(ArgmaxHarness.Inputs in, boolean zk) {
    Rejection r = ArgmaxHarness.outcome(in, zk, 99);
    assertNotEquals(null, r, "the cheat was accepted");
    return r;
  }

  /** 37 samples of 10 classes, about half right, with ties. */
  static ArgmaxWitness mixed(boolean zk) {
    long[][] logits = randomLogits(37, 10, 40, -20, 20);
    int[] labels = new int[37];
    Random rng = new Random(41);
    for (int b = 0; b < 37; b++) {
      int p = Predictions.topK(toInt(logits[b]), 1)[0];
      labels[b] = rng.nextBoolean() ? p : rng.nextInt(10);
    }
    return witness(logits, labels, zk, 42);
  }

  static ArgmaxWitness witness(ArgmaxWitness w, boolean zk) {
    ArgmaxLayout l = w.statement().layout();
    long[][] logits = new long[l.samples()][l.classes()];
    for (int b = 0; b < l.samples(); b++) {
      for (int j = 0; j < l.classes(); j++) {
        logits[b][j] = Goldilocks.toSigned(w.columns().logits()[l.index(b, j)]);
      }
    }
    return witness(logits, w.statement().publicLabels(), zk, 43);
  }

  static ArgmaxWitness witness(long[][] logits, int[] labels, boolean zk, long seed) {
    ArgmaxLayout layout = ArgmaxLayout.of(logits.length, logits[0].length, zk);
    return ArgmaxWitness.compute(layout, logits, labels, zk ? rnd(seed) : null);
  }

  static ZkRandom rnd(long seed) {
    return ZkRandom.seeded(seed);
  }

  static ArgmaxCountStatement claim(ArgmaxWitness w, int correct) {
    return new ArgmaxCountStatement(w.statement().layout(), w.statement().publicLabels(), correct);
  }

  static int firstWrong(ArgmaxWitness w) {
    for (int b = 0; ; b++) {
      if (w.predictions()[b] != w.statement().publicLabels()[b]) {
        return b;
      }
    }
  }

  static int firstRight(ArgmaxWitness w) {
    for (int b = 0; ; b++) {
      if (w.predictions()[b] == w.statement().publicLabels()[b]) {
        return b;
      }
    }
  }

  /** Columns derived from a selector as the relations define them, over the witness's logits. */
  static ArgmaxColumns derived(ArgmaxWitness w, long[] selector, boolean tieTerm) {
    ArgmaxLayout layout = w.statement().layout();
    return derivedFrom(layout, w.columns(), selector, tieTerm, layout.classes());
  }

  /**
   * m = Σ_j s·ℓ and d = m − ℓ − Σ_{k > j} s(b, k) (field arithmetic, over the first {@code read}
   * classes, as a cheater that takes the relations at their word would) on the real samples;
   * padding kept.
   */
  static ArgmaxColumns derivedFrom(
      ArgmaxLayout layout, ArgmaxColumns base, long[] selector, boolean tieTerm, int read) {
    long[] m = base.max().clone();
    long[] d = base.gap().clone();
    for (int b = 0; b < layout.samples(); b++) {
      long max = 0;
      for (int j = 0; j < read; j++) {
        int i = layout.index(b, j);
        max = Goldilocks.add(max, Goldilocks.mul(selector[i], base.logits()[i]));
      }
      m[b] = max;
    }
    for (int b = 0; b < layout.samples(); b++) {
      d = withGapInto(layout, d, b, m[b], base.logits(), selector, tieTerm, read);
    }
    return new ArgmaxColumns(base.logits(), selector, m, d);
  }

  static long[] withGap(ArgmaxWitness w, int b, long max, long[] selector) {
    ArgmaxLayout layout = w.statement().layout();
    return withGapInto(
        layout,
        w.columns().gap().clone(),
        b,
        max,
        w.columns().logits(),
        selector,
        true,
        layout.classes());
  }

  private static long[] withGapInto(
      ArgmaxLayout layout,
      long[] d,
      int b,
      long max,
      long[] logits,
      long[] selector,
      boolean tieTerm,
      int read) {
    for (int j = 0; j < layout.classes(); j++) {
      long t = 0;
      for (int k = j + 1; k < read && tieTerm; k++) {
        t = Goldilocks.add(t, selector[layout.index(b, k)]);
      }
      int i = layout.index(b, j);
      d[i] = Goldilocks.sub(Goldilocks.sub(max, logits[i]), t);
    }
    return d;
  }

  static Ext2 sum(long[] a, long[] b) {
    long s = 0;
    for (int i = 0; i < a.length; i++) {
      s = Goldilocks.add(s, Goldilocks.mul(a[i], b[i]));
    }
    return Ext2.of(s);
  }

  static long[][] randomLogits(int n, int k, long seed, int lo, int hi) {
    Random rng = new Random(seed);
    long[][] l = new long[n][k];
    for (long[] row : l) {
      for (int j = 0; j < k; j++) {
        row[j] = lo + rng.nextInt(hi - lo + 1);
      }
    }
    return l;
  }

  static int[] randomLabels(long[][] logits, long seed) {
    Random rng = new Random(seed);
    int[] y = new int[logits.length];
    for (int b = 0; b < y.length; b++) {
      y[b] =
          rng.nextBoolean()
              ? Predictions.topK(toInt(logits[b]), 1)[0]
              : rng.nextInt(logits[b].length);
    }
    return y;
  }

  static long[] toLong(int[] a) {
    long[] l = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      l[i] = a[i];
    }
    return l;
  }

  static int[] toInt(long[] a) {
    int[] l = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      l[i] = (int) a[i];
    }
    return l;
  }

  static Ext2[] randomPoint(Random rng, int n) {
    Ext2[] p = new Ext2[n];
    for (int i = 0; i < n; i++) {
      p[i] = new Ext2(Goldilocks.random(rng), Goldilocks.random(rng));
    }
    return p;
  }

  private static void report(String what, ArgmaxWitness w, ArgmaxHarness.Bundle b, boolean zk) {
    System.out.printf(
        "%s %s: layout %s, %d rounds; gadget %d B, range lookup %d B, opening %d B%n",
        what,
        zk ? "zk" : "plain",
        w.statement().layout(),
        w.statement().layout().numVars(),
        b.gadgetBytes(),
        b.lookupBytes(),
        b.openingBytes());
  }
}
