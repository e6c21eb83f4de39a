package io.zkaudit.escrow;

import java.math.BigInteger;
import java.time.Instant;

/** A paid batch of predictions. */
public record PredictionOrder(
    long orderId,
    long modelId,
    String buyer,
    String seller,
    Bytes32 weightCommitment,
    int predictions,
    int contests,
    int openContests,
    Instant contestDeadline,
    Status status,
    BigInteger payment,
    BigInteger lockedStake) {

  /** As in PredictionEscrow.OrderStatus (same order). */
  public enum Status {
    NONE,
    OPEN,
    PAID,
    SLASHED
  }
}
