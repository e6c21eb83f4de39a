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
  /** One part of a combined opening claim on the mask column. */
  public sealed interface Part permits MaskValue, Scalars {}

  /** weight * g(point) for the mask whose blocks start at first. */
  public record MaskValue(int first, Ext2[] point, Ext2 weight) implements Part {
    public MaskValue {
      point = point.clone();
    }
  }

  /**
   * w1 * m1 + w2 * m2 for the padding scalars held in block {@code block} ({@link
   * #reserveScalars}).
   */
  public record Scalars(int block, Ext2 w1, Ext2 w2) implements Part {}

  /** One opening claim: the sum of its parts equals value. */
  public record Entry(List<Part> parts, Ext2 value) {
    public Entry {
      parts = List.copyOf(parts);
    }
  }

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
  public io.zkaudit.sumcheck.SumcheckResult verify(
      io.zkaudit.sumcheck.Composition composition,
      Ext2[] eqPoint,
      int numVars,
      Ext2 claim,
      io.zkaudit.sumcheck.SumcheckProof proof,
      Ext2 maskSum,
      Ext2 maskEval,
      io.zkaudit.transcript.Transcript transcript)
      throws InvalidProofException {
    var masked = new io.zkaudit.sumcheck.MaskedSumcheckProof(proof, maskSum, maskEval);
    var result =
        io.zkaudit.sumcheck.SumcheckVerifier.verifyMasked(
            composition, eqPoint, numVars, claim, masked, transcript);
    record(result.point(), maskEval);
    return result;
  }

  /** A masked sumcheck over point.length variables ended at point with mask value value. */
  private void record(Ext2[] point, Ext2 value) throws InvalidProofException {
    if (point.length == 0) {
      return;
    }
    entries.add(new Entry(List.of(new MaskValue(reserve(point.length), point, Ext2.ONE)), value));
  }

  /**
   * Takes the next blocks for a masked sumcheck of numVars variables whose value the caller records
   * later, combined with others ({@link #recordCombined}); returns its first block.
   */
  public int reserve(int numVars) throws InvalidProofException {
    InvalidProofException.check(
        next + numVars <= totalBlocks, "more masked sumchecks than the statement has");
    int first = next;
    next += numVars;
    return first;
  }

  /** Takes the next block, which holds a pair of padding scalars; returns it. */
  public int reserveScalars() throws InvalidProofException {
    return reserve(1);
  }

  /**
   * Records that the sum of the parts (mask values and padding scalars, all reserved) equals value:
   * one opening claim, so that no part is revealed alone (docs/zero-knowledge.md, "Chained phases"
   * and "Virtual-column padding").
   */
  public void recordCombined(List<Part> parts, Ext2 value) {
    List<Part> nonEmpty =
        parts.stream().filter(p -> !(p instanceof MaskValue m && m.point().length == 0)).toList();
    if (!nonEmpty.isEmpty()) {
      entries.add(new Entry(nonEmpty, value));
    }
  }

  /**
   * The combined claims recorded so far, in order (what the on-chain layer steps chain as mask
   * claims).
   */
  public List<Entry> entries() {
    return List.copyOf(entries);
  }

  /** The next block a masked sumcheck or padding pair would take. */
  public int nextBlock() {
    return next;
  }

  /** The opening claims on the mask column, after checking every scheduled mask was used. */
  public List<ColumnClaim> claims(int column, int numVars) throws InvalidProofException {
    InvalidProofException.check(
        next == totalBlocks,
        "the proof used " + next + " mask blocks, the statement has " + totalBlocks);
    List<ColumnClaim> out = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      List<io.zkaudit.pcs.EvalClaim.Term> terms = new ArrayList<>();
      for (Part p : e.parts()) {
        terms.addAll(
            switch (p) {
              case MaskValue m -> MaskColumn.terms(numVars, m.first(), m.point(), m.weight());
              case Scalars sc -> MaskColumn.scalarTerms(numVars, sc.block(), sc.w1(), sc.w2());
            });
      }
      out.add(new ColumnClaim(column, terms, e.value()));
    }
    return out;
  }
}
