package io.zkaudit.escrow;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Optional;

/** A model as the registry records it. The weight commitment is what proofs are checked against. */
public record ModelRecord(
    long modelId,
    String seller,
    Bytes32 descriptionDigest,
    Bytes32 weightCommitment,
    BigInteger stake,
    Instant registeredAt,
    Optional<Instant> retiredAt) {

  public boolean active() {
    return retiredAt.isEmpty();
  }
}
