package io.zkaudit.protocols.seller;

import io.zkaudit.inference.InferenceStatement;
import io.zkaudit.prover.inference.CommittedModel;
import java.util.function.ToLongFunction;

/**
 * When and with what a seller rotates a model's weight commitment by itself
 * (docs/zero-knowledge.md, "Rotation"): once the zero-knowledge proofs counted in its database
 * against the current key reach {@code threshold} of the key's hiding budget, it commits the same
 * weights at the next generation of {@code hidingKey}'s derivation, proves the link, registers the
 * new key with its lineage and proves later requests under it. The budget is the key's hidden-proof
 * count under the long-lived opening parameters; tests pass a tiny one.
 *
 * @param hidingKey the seller's hiding key (the one its models were committed under)
 * @param threshold the fraction of the budget, in (0, 1], at which to rotate
 * @param budget a key's hiding budget in zero-knowledge proofs
 */
public record RotationPolicy(
    byte[] hidingKey, double threshold, ToLongFunction<CommittedModel> budget) {
  /**
   * Rotate at 90% of the budget: the last tenth covers the rotation's own link and proofs in
   * flight.
   */
  public static final double DEFAULT_THRESHOLD = 0.9;

  public RotationPolicy {
    hidingKey = hidingKey.clone();
    if (!(threshold > 0 && threshold <= 1)) {
      throw new IllegalArgumentException(
          "the rotation threshold is a fraction in (0, 1], not " + threshold);
    }
  }

  @Override
  public byte[] hidingKey() {
    return hidingKey.clone();
  }

  /**
   * The default policy: 90% of the budget under {@link InferenceStatement#longLivedPcsParams()}.
   */
  public static RotationPolicy of(byte[] hidingKey) {
    return new RotationPolicy(
        hidingKey,
        DEFAULT_THRESHOLD,
        m -> m.layout().hiddenProofs(InferenceStatement.longLivedPcsParams()));
  }

  /** The proof count at which a key of this budget is rotated (at least 1). */
  long rotateAt(CommittedModel model) {
    return Math.max(1, (long) Math.floor(threshold * budget.applyAsLong(model)));
  }
}
