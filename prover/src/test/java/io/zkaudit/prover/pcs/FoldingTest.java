package io.zkaudit.prover.pcs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.ExtVector;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.ntt.ReedSolomon;
import io.zkaudit.pcs.Basefold;
import io.zkaudit.poly.Mle;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class FoldingTest {

  /**
   * Folding the codeword of f with r gives the codeword of f(r, .), and agrees with the verifier's
   * coset fold.
   */
  @Property(tries = 25)
  void foldingBindsVariableZero(
      @ForAll @IntRange(min = 1, max = 12) int n,
      @ForAll @IntRange(min = 1, max = 3) int logBlowup,
      @ForAll long seed) {
    Random rng = new Random(seed);
    long[] evals = new long[1 << n];
    for (int i = 0; i < evals.length; i++) {
      evals[i] = Goldilocks.random(rng);
    }
    long[] cw = ReedSolomon.encodeEvaluations(evals, logBlowup);
    Ext2 r = Ext2.random(rng);
    long[] folded = Folding.foldBase(cw, n + logBlowup, r);
    // expected: encoding of f(r, .) = (1 - r) f(0, .) + r f(1, .), coefficient-wise
    long[] f0 = new long[evals.length / 2];
    long[] f1 = new long[evals.length / 2];
    for (int k = 0; k < f0.length; k++) {
      f0[k] = evals[2 * k];
      f1[k] = evals[2 * k + 1];
    }
    long[] e0 = ReedSolomon.encodeEvaluations(f0, logBlowup);
    long[] e1 = ReedSolomon.encodeEvaluations(f1, logBlowup);
    for (int m = 0; m < e0.length; m++) {
      Ext2 want = Ext2.ONE.sub(r).mul(e0[m]).add(r.mul(e1[m]));
      assertEquals(want, ExtVector.get(folded, m), "entry " + m);
    }
    // the verifier's coset fold of arity a agrees with a repeated whole-codeword fold
    int a = Math.min(n, 3);
    Ext2[] rs = new Ext2[a];
    rs[0] = r;
    long[] cur = folded;
    for (int s = 1; s < a; s++) {
      rs[s] = Ext2.random(rng);
      cur = Folding.foldExt(cur, n + logBlowup - s, rs[s]);
    }
    int leaves = cw.length >>> a;
    for (int t = 0; t < 8; t++) {
      int leaf = rng.nextInt(leaves);
      Ext2[] coset = new Ext2[1 << a];
      for (int e = 0; e < coset.length; e++) {
        coset[e] = Ext2.of(cw[(leaf << a) + e]);
      }
      assertEquals(ExtVector.get(cur, leaf), Basefold.foldCoset(coset, n + logBlowup, leaf, rs, 0));
    }
    // and the prover's one-pass coset fold gives the same codeword, from base and from Ext2 entries
    assertEquals(
        Arrays.toString(cur),
        Arrays.toString(Folding.foldCosets(cw, true, n + logBlowup, a, rs, 0)));
    if (a >= 2) {
      Ext2[] tail = Arrays.copyOfRange(rs, 1, a);
      assertEquals(
          Arrays.toString(cur),
          Arrays.toString(Folding.foldCosets(folded, false, n + logBlowup - 1, a - 1, rs, 1)));
      assertEquals(tail.length, a - 1);
    }
  }

  /**
   * The one-pass fold with joining codewords equals folding step by step and adding each joining
   * codeword (times its coefficient) to the whole folded codeword at its step, for joins at every
   * step of the block, the first included.
   */
  @Property(tries = 20)
  void foldingWithJoinsEqualsFoldingThenAdding(
      @ForAll @IntRange(min = 4, max = 10) int n, @ForAll long seed) {
    Random rng = new Random(seed);
    int logBlowup = 2;
    int a = 3;
    int log = n + logBlowup;
    long[] cw = new long[1 << log];
    for (int i = 0; i < cw.length; i++) {
      cw[i] = Goldilocks.random(rng);
    }
    Ext2[] rs = {Ext2.random(rng), Ext2.random(rng), Ext2.random(rng)};
    java.util.List<Folding.Join> joins = new java.util.ArrayList<>();
    for (int steps = 0; steps < a; steps++) {
      long[] w = new long[1 << (log - steps)];
      for (int i = 0; i < w.length; i++) {
        w[i] = Goldilocks.random(rng);
      }
      joins.add(new Folding.Join(steps, Ext2.random(rng), w));
    }
    long[] expected = new long[2 * cw.length];
    for (int i = 0; i < cw.length; i++) {
      expected[2 * i] = cw[i];
    }
    for (int s = 0; s < a; s++) {
      Folding.Join j = joins.get(s);
      for (int i = 0; i < j.codeword().length; i++) {
        Ext2 sum = ExtVector.get(expected, i).add(j.coefficient().mul(j.codeword()[i]));
        expected[2 * i] = sum.c0();
        expected[2 * i + 1] = sum.c1();
      }
      expected = Folding.foldExt(expected, log - s, rs[s]);
    }
    assertEquals(
        Arrays.toString(expected),
        Arrays.toString(Folding.foldCosets(cw, true, log, a, rs, 0, joins)));
    // without a join at step 0 the base fast path runs first
    java.util.List<Folding.Join> later = joins.subList(1, a);
    long[] expectedLater = Folding.foldBase(cw, log, rs[0]);
    for (int s = 1; s < a; s++) {
      Folding.Join j = joins.get(s);
      for (int i = 0; i < j.codeword().length; i++) {
        Ext2 sum = ExtVector.get(expectedLater, i).add(j.coefficient().mul(j.codeword()[i]));
        expectedLater[2 * i] = sum.c0();
        expectedLater[2 * i + 1] = sum.c1();
      }
      expectedLater = Folding.foldExt(expectedLater, log - s, rs[s]);
    }
    assertEquals(
        Arrays.toString(expectedLater),
        Arrays.toString(Folding.foldCosets(cw, true, log, a, rs, 0, later)));
  }

  @Property(tries = 20)
  void sumcheckTablesFoldLikeMle(@ForAll @IntRange(min = 1, max = 10) int n, @ForAll long seed) {
    Random rng = new Random(seed);
    long[] f = new long[1 << n];
    for (int i = 0; i < f.length; i++) {
      f[i] = Goldilocks.random(rng);
    }
    Ext2[] z = new Ext2[n];
    for (int j = 0; j < n; j++) {
      z[j] = Ext2.random(rng);
    }
    assertEquals(
        java.util.Arrays.toString(Mle.eqTable(z)),
        java.util.Arrays.toString(SumcheckFG.eqTable(z)));
    Ext2 r = Ext2.random(rng);
    assertEquals(
        java.util.Arrays.toString(Mle.fixFirstVariable(f, r)),
        java.util.Arrays.toString(SumcheckFG.foldBase(f, r)));
    long[] fe = Mle.fixFirstVariable(f, r);
    // the fused bind-and-round agrees with binding then computing the round
    long[] g = SumcheckFG.eqTable(z);
    SumcheckFG.Folded fd = SumcheckFG.foldAndRound(f, true, g, r);
    assertEquals(java.util.Arrays.toString(fe), java.util.Arrays.toString(fd.f()));
    assertEquals(
        java.util.Arrays.toString(Mle.fixFirstVariableExt(g, r)),
        java.util.Arrays.toString(fd.g()));
    if (n > 1) {
      assertEquals(
          java.util.Arrays.toString(SumcheckFG.roundExt(fd.f(), fd.g())),
          java.util.Arrays.toString(fd.next()));
      Ext2 r3 = Ext2.random(rng);
      SumcheckFG.Folded fd2 = SumcheckFG.foldAndRound(fd.f(), false, fd.g(), r3);
      assertEquals(
          java.util.Arrays.toString(Mle.fixFirstVariableExt(fd.f(), r3)),
          java.util.Arrays.toString(fd2.f()));
      if (n > 2) {
        assertEquals(
            java.util.Arrays.toString(SumcheckFG.roundExt(fd2.f(), fd2.g())),
            java.util.Arrays.toString(fd2.next()));
      }
    } else {
      assertEquals(null, fd.next());
    }
    if (n > 1) {
      Ext2 r2 = Ext2.random(rng);
      assertEquals(
          java.util.Arrays.toString(Mle.fixFirstVariableExt(fe, r2)),
          java.util.Arrays.toString(SumcheckFG.foldExt(fe, r2)));
    }
  }
}
