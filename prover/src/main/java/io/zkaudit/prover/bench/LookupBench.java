package io.zkaudit.prover.bench;

import io.zkaudit.lookup.LogUpVerifier;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.lookup.LookupStatement.Group;
import io.zkaudit.lookup.LookupStatement.Lookup;
import io.zkaudit.lookup.LookupTable;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.bench.SumcheckBench.Row;
import io.zkaudit.prover.lookup.LogUpProver;
import io.zkaudit.prover.lookup.LookupWitness;
import io.zkaudit.transcript.Transcript;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * logUp-GKR benchmark: 2^logLookups values looked up in a 2^logTable range table. Times the
 * multiplicity count and the proof separately (commitments are the PCS's business). Run: {@code
 * java -cp ... io.zkaudit.prover.bench.LookupBench [logLookups] [logTable] [runs]}.
 */
public final class LookupBench {
  private LookupBench() {}

  public static List<Row> lookups(int logLookups, int logTable, int runs) {
    SplittableRandom rng = new SplittableRandom(9);
    long[] values = new long[1 << logLookups];
    for (int i = 0; i < values.length; i++) {
      values[i] = rng.nextInt(1 << logTable);
    }
    Lookup lk = Lookup.of(LookupTable.range(logTable), Group.full(logLookups));
    LookupStatement st = LookupStatement.of(lk);
    double[] count = new double[runs];
    double[] prove = new double[runs];
    double[] total = new double[runs];
    double[] cpuCount = new double[runs];
    double[] cpuProve = new double[runs];
    double[] cpuTotal = new double[runs];
    double verifyMs = 0;
    int bytes = 0;
    for (int run = 0; run < runs; run++) {
      long c0 = SumcheckBench.cpuNanos();
      long t0 = System.nanoTime();
      LookupWitness w = LookupWitness.compute(lk, List.<long[][]>of(new long[][] {values}));
      long t1 = System.nanoTime();
      long c1 = SumcheckBench.cpuNanos();
      LogUpProver.Output out = LogUpProver.prove(st, List.of(w), new Transcript("bench"));
      long t2 = System.nanoTime();
      long c2 = SumcheckBench.cpuNanos();
      cpuCount[run] = (c1 - c0) / 1e6;
      cpuProve[run] = (c2 - c1) / 1e6;
      cpuTotal[run] = (c2 - c0) / 1e6;
      count[run] = (t1 - t0) / 1e6;
      prove[run] = (t2 - t1) / 1e6;
      total[run] = (t2 - t0) / 1e6;
      long t3 = System.nanoTime();
      try {
        LogUpVerifier.verify(st, out.proof(), new Transcript("bench"));
      } catch (InvalidProofException e) {
        throw new IllegalStateException("benchmark proof rejected", e);
      }
      verifyMs = (System.nanoTime() - t3) / 1e6;
      bytes = out.proof().toBytes().length;
    }
    List<Row> rows = new ArrayList<>();
    String name = "lookups into range 2^" + logTable;
    rows.add(SumcheckBench.row(name + ": multiplicities", logLookups, count, cpuCount, ""));
    rows.add(SumcheckBench.row(name + ": logUp-GKR prove", logLookups, prove, cpuProve, ""));
    rows.add(
        SumcheckBench.row(
            name + ": total",
            logLookups,
            total,
            cpuTotal,
            String.format("verify %.1f ms, proof %d B", verifyMs, bytes)));
    return rows;
  }

  /** The standard rows for {@code zkaudit bench core}: 2^23 lookups into a 2^16 range table. */
  public static List<Row> standard(int runs) {
    lookups(16, 12, 3); // warm-up
    return lookups(23, 16, runs);
  }

  public static void main(String[] args) {
    int logLookups = args.length > 0 ? Integer.parseInt(args[0]) : 23;
    int logTable = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    System.out.println(SumcheckBench.machine());
    lookups(Math.min(logLookups, 16), Math.min(logTable, 12), 3); // warm-up
    System.out.println(SumcheckBench.header());
    for (Row r : lookups(logLookups, logTable, runs)) {
      System.out.println(r);
    }
  }
}
