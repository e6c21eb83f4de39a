package io.zkaudit.zk;

import io.zkaudit.field.Ext2;
import io.zkaudit.pcs.ColumnClaim;
import io.zkaudit.proof.InvalidProofException;
import java.util.ArrayList;
import java.util.List;

/**
 * The verifier's account of the masked sumchecks of one proof: each records its final point and
 * mask value as it is verified, taking the next blocks of the mask column in verification order
 * (the order in which the prover drew the masks), and the ledger turns them into opening claims.
 */
public final class MaskLedger {
  private record Entry(int first, Ext2[] point, Ext2 value) {}

  private final int totalBlocks;
  private final List<Entry> entries = new ArrayList<>();
  private int next;

  public MaskLedger(int totalBlocks) {
    this.totalBlocks = totalBlocks;
  }

  /**
   * Verifies a masked sumcheck whose mask sum and value the proof carries beside its rounds, and
   * records its mask value: what the GKR layers and the linear-layer phases all do.
   */
  public io.zkaudit.sumcheck.SumcheckResult verify(io.zkaudit.sumcheck.Composition composition, Ext2[] eqPoint,
      int numVars, Ext2 claim, io.zkaudit.sumcheck.SumcheckProof proof, Ext2 maskSum, Ext2 maskEval,
      io.zkaudit.transcript.Transcript transcript) throws InvalidProofException {
    var masked = new io.zkaudit.sumcheck.MaskedSumcheckProof(proof, maskSum, maskEval);
    var result = io.zkaudit.sumcheck.SumcheckVerifier.verifyMasked(composition, eqPoint, numVars, claim, masked, transcript);
    record(result.point(), maskEval);
    return result;
  }

  /** A masked sumcheck over point.length variables ended at point with mask value value. */
  private void record(Ext2[] point, Ext2 value) throws InvalidProofException {
    if (point.length == 0) {
      return;
    }
    InvalidProofException.check(next + point.length <= totalBlocks, "more masked sumchecks than the statement has");
    entries.add(new Entry(next, point.clone(), value));
    next += point.length;
  }

  /** The opening claims on the mask column, after checking every scheduled mask was used. */
  public List<ColumnClaim> claims(int column, int numVars) throws InvalidProofException {
    InvalidProofException.check(next == totalBlocks, "the proof used " + next + " mask blocks, the statement has " + totalBlocks);
    List<ColumnClaim> out = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      out.add(MaskColumn.claim(column, numVars, e.first(), e.point(), e.value()));
    }
    return out;
  }
}
