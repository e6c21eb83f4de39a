package io.zkaudit.cli;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.lookup.LogUpVerifier;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.lookup.LookupStatement.Group;
import io.zkaudit.lookup.LookupStatement.Lookup;
import io.zkaudit.lookup.LookupTable;
import io.zkaudit.pcs.BasefoldVerifier;
import io.zkaudit.pcs.EvalClaim;
import io.zkaudit.pcs.OpeningProof;
import io.zkaudit.pcs.PcsParams;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.lookup.LogUpProver;
import io.zkaudit.prover.lookup.LookupWitness;
import io.zkaudit.prover.pcs.BasefoldProver;
import io.zkaudit.prover.pcs.Committed;
import io.zkaudit.prover.sumcheck.SumcheckProver;
import io.zkaudit.prover.sumcheck.VirtualPolynomial;
import io.zkaudit.sumcheck.SumcheckVerifier;
import io.zkaudit.transcript.Transcript;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The demo's first part: each primitive of the proof system, proven and verified at a realistic
 * size.
 */
final class CoreTour {
  private CoreTour() {}

  static void run(int logSize) throws InvalidProofException {
    SplittableRandom rng = new SplittableRandom(7);
    int n = 1 << logSize;
    long[] f = new long[n];
    long[] g = new long[n];
    for (int i = 0; i < n; i++) {
      f[i] = Goldilocks.random(rng);
      g[i] = Goldilocks.random(rng);
    }
    System.out.printf(
        Locale.ROOT,
        "1. Polynomial commitment (Basefold, rate 1/4, 100 provable bits): a multilinear polynomial"
            + " of 2^%d coefficients%n",
        logSize);
    PcsParams params = PcsParams.provable100();
    long t0 = System.nanoTime();
    Committed c = new BasefoldProver(params).commit(f);
    long t1 = System.nanoTime();
    Ext2[] z = new Ext2[logSize];
    for (int j = 0; j < logSize; j++) {
      z[j] = new Ext2(Goldilocks.random(rng), Goldilocks.random(rng));
    }
    Ext2 v = Mle.evaluate(f, z);
    OpeningProof open =
        new BasefoldProver(params)
            .open(c, List.of(new EvalClaim(z, v)), new Transcript("demo/pcs"));
    long t2 = System.nanoTime();
    new BasefoldVerifier(params)
        .verify(c.commitment(), List.of(new EvalClaim(z, v)), open, new Transcript("demo/pcs"));
    long t3 = System.nanoTime();
    System.out.printf(
        Locale.ROOT,
        "   commit %.2f s, prove f(z) = v %.2f s, verify %.1f ms, opening proof %d KB%n",
        (t1 - t0) / 1e9,
        (t2 - t1) / 1e9,
        (t3 - t2) / 1e6,
        open.encode().length / 1024);
    boolean rejected = false;
    try {
      new BasefoldVerifier(params)
          .verify(
              c.commitment(),
              List.of(new EvalClaim(z, v.add(Ext2.ONE))),
              open,
              new Transcript("demo/pcs"));
    } catch (InvalidProofException e) {
      rejected = true;
    }
    System.out.println(
        "   the same proof for f(z) = v + 1: " + (rejected ? "rejected" : "ACCEPTED (bug)"));

    System.out.printf(Locale.ROOT, "2. Sumcheck: sum over 2^%d points of f(x) g(x)%n", logSize);
    VirtualPolynomial vp = new VirtualPolynomial(logSize);
    vp.addBase(f);
    vp.addBase(g);
    vp.addTerm(Ext2.ONE, 0, 1);
    t0 = System.nanoTime();
    Ext2 sum = vp.sum();
    SumcheckProver.Output out = SumcheckProver.prove(vp, sum, new Transcript("demo/sumcheck"));
    t1 = System.nanoTime();
    var res =
        SumcheckVerifier.verify(
            vp.composition(), null, logSize, sum, out.proof(), new Transcript("demo/sumcheck"));
    t2 = System.nanoTime();
    // In a real proof these evaluations are opened from a commitment; here we recompute them.
    boolean finalOk =
        res.evaluation(0).equals(Mle.evaluate(f, res.point()))
            && res.evaluation(1).equals(Mle.evaluate(g, res.point()));
    System.out.printf(
        Locale.ROOT,
        "   prove %.2f s, verify %.1f ms (final evaluations %s)%n",
        (t1 - t0) / 1e9,
        (t2 - t1) / 1e6,
        finalOk ? "match f and g" : "DO NOT MATCH (bug)");

    int logLookups = logSize - 1;
    System.out.printf(
        Locale.ROOT,
        "3. Lookup (logUp-GKR): 2^%d values, each in the 16-bit range table%n",
        logLookups);
    long[] w = new long[1 << logLookups];
    for (int i = 0; i < w.length; i++) {
      w[i] = rng.nextInt(1 << 16);
    }
    Lookup lk = Lookup.of(LookupTable.range(16), Group.full(logLookups));
    LookupStatement st = LookupStatement.of(lk);
    t0 = System.nanoTime();
    LookupWitness lw = LookupWitness.compute(lk, List.<long[][]>of(new long[][] {w}));
    LogUpProver.Output lo = LogUpProver.prove(st, List.of(lw), new Transcript("demo/lookup"));
    t1 = System.nanoTime();
    var claims = LogUpVerifier.verify(st, lo.proof(), new Transcript("demo/lookup"));
    t2 = System.nanoTime();
    boolean claimOk =
        claims
            .witnesses()
            .get(0)
            .get(0)
            .values()[0]
            .equals(Mle.evaluate(w, claims.witnesses().get(0).get(0).point()));
    System.out.printf(
        Locale.ROOT,
        "   prove %.2f s, verify %.1f ms, proof %d KB (witness claim %s)%n",
        (t1 - t0) / 1e9,
        (t2 - t1) / 1e6,
        lo.proof().toBytes().length / 1024,
        claimOk ? "matches the column" : "WRONG (bug)");
  }
}
