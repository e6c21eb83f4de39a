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
  /** weight * g(point) for the mask whose blocks start at first. */
  public record Part(int first, Ext2[] point, Ext2 weight) {
    public Part {
      point = point.clone();
    }
  }

  /** One opening claim: the sum of its parts equals value. */
  private record Entry(List<Part> parts, Ext2 value) {}

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
    entries.add(new Entry(List.of(new Part(reserve(point.length), point, Ext2.ONE)), value));
  }

  /**
   * Takes the next blocks for a masked sumcheck of numVars variables whose value the caller
   * records later, combined with others ({@link #recordCombined}); returns its first block.
   */
  public int reserve(int numVars) throws InvalidProofException {
    InvalidProofException.check(next + numVars <= totalBlocks, "more masked sumchecks than the statement has");
    int first = next;
    next += numVars;
    return first;
  }

  /**
   * Records that sum_k weight_k g_k(point_k) = value for reserved masks: one opening claim, so that
   * none of the g_k(point_k) is revealed alone (docs/zero-knowledge.md, "Chained phases").
   */
  public void recordCombined(List<Part> parts, Ext2 value) {
    List<Part> nonEmpty = parts.stream().filter(p -> p.point().length > 0).toList();
    if (!nonEmpty.isEmpty()) {
      entries.add(new Entry(nonEmpty, value));
    }
  }

  /** The opening claims on the mask column, after checking every scheduled mask was used. */
  public List<ColumnClaim> claims(int column, int numVars) throws InvalidProofException {
    InvalidProofException.check(next == totalBlocks, "the proof used " + next + " mask blocks, the statement has " + totalBlocks);
    List<ColumnClaim> out = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      List<io.zkaudit.pcs.EvalClaim.Term> terms = new ArrayList<>();
      for (Part p : e.parts()) {
        terms.addAll(MaskColumn.terms(numVars, p.first(), p.point(), p.weight()));
      }
      out.add(new ColumnClaim(column, terms, e.value()));
    }
    return out;
  }
}
