package io.zkaudit.prover.sumcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.sumcheck.Composition;
import io.zkaudit.sumcheck.SumcheckProof;
import io.zkaudit.sumcheck.SumcheckResult;
import io.zkaudit.sumcheck.SumcheckVerifier;
import io.zkaudit.transcript.Transcript;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class TablesTest {

  @Property(tries = 60)
  void partialEvaluationsComposeToTheFullEvaluation(
      @ForAll @IntRange(min = 0, max = 16) int n, @ForAll long seed) {
    Random rng = new Random(seed);
    int m = rng.nextInt(n + 1);
    long[] t = new long[1 << n];
    for (int i = 0; i < t.length; i++) {
      t[i] = rng.nextBoolean() ? rng.nextInt(256) : Goldilocks.random(rng);
    }
    Ext2[] point = new Ext2[n];
    for (int j = 0; j < n; j++) {
      point[j] = Ext2.random(rng);
    }
    Ext2 full = Mle.evaluate(t, point);
    Ext2[] low = Arrays.copyOfRange(point, 0, m);
    Ext2[] high = Arrays.copyOfRange(point, m, n);
    assertEquals(full, Mle.evaluateExt(Tables.bindLow(t, low), high));
    assertEquals(full, Mle.evaluateExt(Tables.bindHigh(t, m, high), low));
  }

  /**
   * The layer-prover pattern end to end: out = W X (I x J times J x K, int8-like values), a claim
   * on out~(z_i, z_k) reduced by one degree-2 sumcheck over j to claims on W~ and X~, which the
   * test checks directly (a real verifier opens them against commitments).
   */
  @Test
  void matmulLayerReduction() throws InvalidProofException {
    Random rng = new Random(3);
    int li = 3;
    int lj = 5;
    int lk = 4;
    long[] w = new long[1 << (li + lj)]; // index i * J + j
    long[] x = new long[1 << (lj + lk)]; // index j * K + k
    for (int a = 0; a < w.length; a++) {
      w[a] = Goldilocks.fromSigned(rng.nextInt(256) - 128);
    }
    for (int a = 0; a < x.length; a++) {
      x[a] = Goldilocks.fromSigned(rng.nextInt(256) - 128);
    }
    long[] out = new long[1 << (li + lk)]; // index i * K + k
    for (int i = 0; i < 1 << li; i++) {
      for (int k = 0; k < 1 << lk; k++) {
        long acc = 0;
        for (int j = 0; j < 1 << lj; j++) {
          acc += Goldilocks.toSigned(w[(i << lj) + j]) * Goldilocks.toSigned(x[(j << lk) + k]);
        }
        out[(i << lk) + k] = Goldilocks.fromSigned(acc);
      }
    }
    Transcript pt = new Transcript("layer");
    Ext2[] zk = pt.challengeExts("z_k", lk); // low variables of out
    Ext2[] zi = pt.challengeExts("z_i", li); // high variables of out
    Ext2[] z = new Ext2[lk + li];
    System.arraycopy(zk, 0, z, 0, lk);
    System.arraycopy(zi, 0, z, lk, li);
    Ext2 v = Mle.evaluate(out, z);

    VirtualPolynomial vp = new VirtualPolynomial(lj);
    int wt = vp.addExt(Tables.bindHigh(w, lj, zi)); // W~(z_i, j)
    int xt = vp.addExt(Tables.bindLow(x, zk)); // X~(j, z_k)
    vp.addTerm(Ext2.ONE, wt, xt);
    SumcheckProver.Output po = SumcheckProver.prove(vp, v, pt);

    Transcript vt = new Transcript("layer");
    vt.challengeExts("z_k", lk);
    vt.challengeExts("z_i", li);
    Composition c = Composition.builder(2).term(Ext2.ONE, 0, 1).build();
    SumcheckResult res = SumcheckVerifier.verify(c, null, lj, v, po.proof(), vt);
    Ext2[] rj = res.point();
    Ext2[] wPoint = new Ext2[lj + li]; // W's low variables are j
    System.arraycopy(rj, 0, wPoint, 0, lj);
    System.arraycopy(zi, 0, wPoint, lj, li);
    Ext2[] xPoint = new Ext2[lk + lj]; // X's low variables are k
    System.arraycopy(zk, 0, xPoint, 0, lk);
    System.arraycopy(rj, 0, xPoint, lk, lj);
    assertEquals(Mle.evaluate(w, wPoint), res.evaluation(0));
    assertEquals(Mle.evaluate(x, xPoint), res.evaluation(1));
    // A wrong output claim is rejected.
    SumcheckProof proof = po.proof();
    Transcript vt2 = new Transcript("layer");
    vt2.challengeExts("z_k", lk);
    vt2.challengeExts("z_i", li);
    assertThrows(
        InvalidProofException.class,
        () -> SumcheckVerifier.verify(c, null, lj, v.add(Ext2.ONE), proof, vt2));
  }
}
