package io.zkaudit.protocols.buyer;

import com.google.protobuf.ByteString;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.proto.v1.ModelEntry;
import java.util.List;

/**
 * A registry entry the buyer has checked: its key decodes to its id, the seller signed it, and, for
 * a rotated key, every rotation link of its lineage verified (docs/zero-knowledge.md, "Rotation").
 * Keys of one lineage commit to the same weights: audits, reputation and stakes recorded for any of
 * them belong to {@link #lineageRoot()}.
 *
 * @param lineage the model ids from the model's first key to this one (just this id if never
 *     rotated)
 */
public record RegisteredModel(
    ModelEntry entry, VerifyingKey vk, ModelVerifier verifier, List<ByteString> lineage) {
  public RegisteredModel {
    lineage = List.copyOf(lineage);
    if (lineage.isEmpty() || !lineage.getLast().equals(entry.getModelId())) {
      throw new IllegalArgumentException("a lineage ends with the entry's own id");
    }
  }

  /** A model's first key, never rotated. */
  public RegisteredModel(ModelEntry entry, VerifyingKey vk, ModelVerifier verifier) {
    this(entry, vk, verifier, List.of(entry.getModelId()));
  }

  public ByteString id() {
    return entry.getModelId();
  }

  public ByteString sellerKey() {
    return entry.getSellerSignature().getPublicKey();
  }

  /** The id of the lineage's first key: what identifies "the same model" across rotations. */
  public ByteString lineageRoot() {
    return lineage.getFirst();
  }

  /** Whether both keys belong to one lineage (the same weights, proven by the links). */
  public boolean sameModelAs(RegisteredModel other) {
    return lineageRoot().equals(other.lineageRoot());
  }
}
