package io.zkaudit.prover.bench;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.pcs.BasefoldVerifier;
import io.zkaudit.pcs.BatchedOpening;
import io.zkaudit.pcs.BatchedOpeningProof;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.pcs.EvalClaim;
import io.zkaudit.pcs.OpeningProof;
import io.zkaudit.pcs.PcsParams;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.pcs.BasefoldProver;
import io.zkaudit.prover.pcs.BatchedBasefoldProver;
import io.zkaudit.prover.pcs.Committed;
import io.zkaudit.transcript.Transcript;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One batched opening of several commitments against one opening each (BatchedOpening): proof
 * bytes, open and verify times (medians), for polynomials of the given sizes with two claims each
 * at random points. {@code zkaudit bench batched --sizes 25,24,22} measures the sizes of a
 * MobileNet v2 proof's two witness bins and weight shadow.
 */
public final class BatchedPcsBench {
  private BatchedPcsBench() {}

  /** Medians; times in milliseconds. */
  public record Row(String way, int proofBytes, double openMs, double verifyMs) {}

  private static final String DOMAIN = "zkaudit/bench/batched";

  public static List<Row> run(PcsParams params, int runs, int... sizes)
      throws InvalidProofException {
    BatchedOpening.checkSizes(params, sizes);
    SplittableRandom rng = new SplittableRandom(sizes[0]);
    BasefoldProver prover = new BasefoldProver(params);
    List<Committed> committed = new ArrayList<>();
    List<List<EvalClaim>> claims = new ArrayList<>();
    for (int n : sizes) {
      long[] f = new long[1 << n];
      for (int i = 0; i < f.length; i++) {
        f[i] = Goldilocks.random(rng);
      }
      committed.add(prover.commit(f));
      List<EvalClaim> cl = new ArrayList<>();
      for (int k = 0; k < 2; k++) {
        Ext2[] z = new Ext2[n];
        for (int j = 0; j < n; j++) {
          z[j] = new Ext2(Goldilocks.random(rng), Goldilocks.random(rng));
        }
        cl.add(new EvalClaim(z, Mle.evaluate(f, z)));
      }
      claims.add(cl);
    }
    List<Commitment> commitments = committed.stream().map(Committed::commitment).toList();
    double[] sepOpen = new double[runs];
    double[] sepVerify = new double[runs];
    double[] batOpen = new double[runs];
    double[] batVerify = new double[runs];
    int sepBytes = 0;
    int batBytes = 0;
    BasefoldVerifier verifier = new BasefoldVerifier(params);
    BatchedBasefoldProver batched = new BatchedBasefoldProver(params);
    for (int run = 0; run < runs; run++) {
      sepBytes = 0;
      for (int j = 0; j < sizes.length; j++) {
        long t0 = System.nanoTime();
        OpeningProof p = prover.open(committed.get(j), claims.get(j), new Transcript(DOMAIN));
        long t1 = System.nanoTime();
        verifier.verify(
            commitments.get(j),
            claims.get(j),
            OpeningProof.decode(p.encode(), params, sizes[j]),
            new Transcript(DOMAIN));
        long t2 = System.nanoTime();
        sepOpen[run] += (t1 - t0) / 1e6;
        sepVerify[run] += (t2 - t1) / 1e6;
        sepBytes += p.encodedSize();
      }
      long t0 = System.nanoTime();
      BatchedOpeningProof p = batched.open(committed, claims, new Transcript(DOMAIN)).proof();
      long t1 = System.nanoTime();
      BatchedOpening.verify(
          params,
          commitments,
          claims,
          BatchedOpeningProof.decode(p.encode(), params, sizes),
          new Transcript(DOMAIN));
      long t2 = System.nanoTime();
      batOpen[run] = (t1 - t0) / 1e6;
      batVerify[run] = (t2 - t1) / 1e6;
      batBytes = p.encodedSize();
    }
    return List.of(
        new Row(sizes.length + " openings", sepBytes, median(sepOpen), median(sepVerify)),
        new Row("one batched opening", batBytes, median(batOpen), median(batVerify)));
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  public static String format(int[] sizes, List<Row> rows) {
    StringBuilder b = new StringBuilder();
    b.append("Polynomials of 2^")
        .append(Arrays.toString(sizes).replace(", ", ", 2^").replaceAll("[\\[\\]]", ""))
        .append(" entries, two claims each (medians)\n");
    b.append(
        String.format(
            "| %-20s | %12s | %10s | %10s |%n", "openings", "proof bytes", "open ms", "verify ms"));
    b.append(
        String.format(
            "|%s|%s|%s|%s|%n", "-".repeat(22), "-".repeat(14), "-".repeat(12), "-".repeat(12)));
    for (Row r : rows) {
      b.append(
          String.format(
              "| %-20s | %,12d | %10.1f | %10.2f |%n",
              r.way(), r.proofBytes(), r.openMs(), r.verifyMs()));
    }
    return b.toString();
  }
}
