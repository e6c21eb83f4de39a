package io.zkaudit.protocols.buyer;

import com.google.protobuf.ByteString;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.proto.v1.ModelEntry;

/** A registry entry the buyer has checked: its key decodes to its id, and the seller signed it. */
public record RegisteredModel(ModelEntry entry, VerifyingKey vk, ModelVerifier verifier) {
  public ByteString id() {
    return entry.getModelId();
  }

  public ByteString sellerKey() {
    return entry.getSellerSignature().getPublicKey();
  }
}
