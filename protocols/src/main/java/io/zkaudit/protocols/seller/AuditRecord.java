package io.zkaudit.protocols.seller;

import io.zkaudit.proto.v1.AuditProofKind;

/**
 * An audit as the seller stores it. Terms fields are set from TERMS_SIGNED on, result fields once
 * SETTLED or FAILED (null before).
 */
public record AuditRecord(
    String auditId,
    byte[] modelId,
    byte[] buyer,
    State state,
    int sampleCount,
    byte[] testSetHash,
    int labelOffset,
    long requestedAt,
    byte[] buyerSignature,
    Terms terms,
    Result result,
    Chain chain,
    AuditProofKind proofKind) {

  /** The audit's state machine; each step is stored before the seller answers it. */
  public enum State {
    /** The buyer's signed commitment is stored; the seller has not signed terms yet. */
    COMMITTED,
    /** The seller signed its claimed accuracy, stake and deadline. */
    TERMS_SIGNED,
    /** Some samples are revealed and checked. */
    REVEALING,
    /**
     * An accuracy-proof audit whose completed reveal does not open the buyer's test-set commitment
     * T (a sample or label changed after committing, or another seed): refused for good, nothing is
     * proven, and on-chain the seller gives no receipt. The reason is stored with T (before
     * REVEALED so that {@link #revealed()} is false for it).
     */
    REVEAL_REFUSED,
    /** Every sample is revealed and checked against the commitment. */
    REVEALED,
    /** Some proofs are stored (per sample), or the accuracy proof is being made. */
    PROVING,
    /** Every sample is proven, or the accuracy proof is stored. */
    PROVEN,
    /** Both signed the result. */
    SETTLED,
    /**
     * The buyer signed a failure (a proof failed, was missing or late); the seller did not
     * countersign.
     */
    FAILED;

    boolean revealed() {
      return ordinal() >= REVEALED.ordinal();
    }
  }

  public record Terms(
      double claimedAccuracy, long stake, long deadline, long signedAt, byte[] sellerSignature) {}

  public record Result(
      int verified,
      int correct,
      String verdict,
      String reason,
      byte[] buyerSignature,
      byte[] sellerSignature,
      long settledAt) {}

  /**
   * An audit with money in AuditEscrow: the escrow (lower-case address), the buyer's request there,
   * the salt of its on-chain test-set commitment; once settled off-chain with a pass or a
   * shortfall, both EIP-712 result signatures; once the escrow settled it, the outcome's name
   * (io.zkaudit.escrow.AuditRecord.Outcome). Null for an audit settled by signatures alone.
   */
  public record Chain(
      String escrow,
      long auditId,
      byte[] salt,
      byte[] buyerSignature,
      byte[] sellerSignature,
      String outcome) {}

  public boolean onChain() {
    return chain != null;
  }

  /** Whether the audit is proven by one accuracy proof (else one proof per sample). */
  public boolean accuracyProof() {
    return proofKind == AuditProofKind.ACCURACY_PROOF;
  }

  public AuditRecord withState(State s) {
    return new AuditRecord(
        auditId,
        modelId,
        buyer,
        s,
        sampleCount,
        testSetHash,
        labelOffset,
        requestedAt,
        buyerSignature,
        terms,
        result,
        chain,
        proofKind);
  }
}
