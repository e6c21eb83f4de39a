package io.zkaudit.escrow;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Optional;

/** An accuracy audit as AuditEscrow records it. {@code deadline} is that of the current phase. */
public record AuditRecord(
    long auditId,
    long modelId,
    String buyer,
    String seller,
    Bytes32 weightCommitment,
    Bytes32 testSetCommitment,
    Optional<Bytes32> testSetHash,
    int samples,
    int claimedAccuracyBps,
    Instant deadline,
    Status status,
    Outcome outcome,
    BigInteger payment,
    BigInteger requiredStake) {

  /** As in AuditEscrow.Status (same order). */
  public enum Status {
    NONE,
    REQUESTED,
    STAKED,
    REVEALED,
    SETTLED
  }

  /** As in AuditEscrow.Outcome (same order). */
  public enum Outcome {
    NONE,
    /** The claim held: the seller got payment and stake. */
    SELLER_PAID,
    /** The claim failed or was never proven: the buyer got its payment back and the stake. */
    BUYER_COMPENSATED,
    /** The seller never staked (or the buyer cancelled first): the buyer got its payment back. */
    REFUNDED,
    /**
     * The test set was never revealed (the buyer withheld it, or the seller its receipt): the buyer
     * got its payment back, the seller its stake.
     */
    UNREVEALED
  }
}
