package io.zkaudit.escrow;

import java.time.Instant;

/** A buyer's challenge of one signed answer; the seller must prove it before the deadline. */
public record PredictionContest(
    long contestId,
    long orderId,
    Bytes32 inputHash,
    Bytes32 outputHash,
    Instant proofDeadline,
    Status status) {

  /** As in PredictionEscrow.ContestStatus (same order). */
  public enum Status {
    NONE,
    OPEN,
    PROVEN,
    EXPIRED
  }
}
