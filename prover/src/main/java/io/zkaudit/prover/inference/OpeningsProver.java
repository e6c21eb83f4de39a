package io.zkaudit.prover.inference;

import io.zkaudit.inference.InferenceStatement;
import io.zkaudit.inference.ProofOpenings;
import io.zkaudit.pcs.ColumnClaim;
import io.zkaudit.pcs.EvalClaim;
import io.zkaudit.pcs.PcsParams;
import io.zkaudit.prover.pcs.BasefoldProver;
import io.zkaudit.prover.pcs.BatchedBasefoldProver;
import io.zkaudit.prover.pcs.Committed;
import io.zkaudit.prover.pcs.Opened;
import io.zkaudit.transcript.Transcript;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The prover's side of {@link ProofOpenings}: one batched opening of every polynomial that can join
 * the largest, then the others alone, in the plan both sides derive from the shapes.
 */
final class OpeningsProver {
  private OpeningsProver() {}

  /** One polynomial to open, in statement order. */
  record Entry(Committed committed, List<ColumnClaim> claims, PcsParams params) {}

  /**
   * The encoded openings and, per entry (statement order), the leaves its queries opened (a
   * shadow's link is answered at them).
   */
  record Openings(byte[] batched, List<byte[]> alone, List<int[]> leaves) {}

  static Openings open(List<Entry> entries, Transcript t) {
    ProofOpenings.Plan plan =
        ProofOpenings.plan(
            InferenceStatement.pcsParams(),
            entries.stream().mapToInt(e -> e.committed().numVars()).toArray(),
            entries.stream().map(Entry::params).toList());
    int[] inBatch = plan.batched();
    List<Committed> committed = new ArrayList<>();
    List<List<EvalClaim>> claims = new ArrayList<>();
    for (int i : inBatch) {
      committed.add(entries.get(i).committed());
      claims.add(entries.get(i).committed().layout().toPacked(entries.get(i).claims()));
    }
    int[][] leaves = new int[entries.size()][];
    BatchedBasefoldProver.Opened batched =
        new BatchedBasefoldProver(InferenceStatement.pcsParams()).open(committed, claims, t);
    for (int k = 0; k < inBatch.length; k++) {
      leaves[inBatch[k]] = batched.leaves().get(k);
    }
    List<byte[]> alone = new ArrayList<>();
    for (int i : plan.alone()) {
      Entry e = entries.get(i);
      Opened o = new BasefoldProver(e.params()).openColumnsWithLeaves(e.committed(), e.claims(), t);
      alone.add(o.proof().encode());
      leaves[i] = o.leaves();
    }
    return new Openings(batched.proof().encode(), alone, Arrays.asList(leaves));
  }
}
