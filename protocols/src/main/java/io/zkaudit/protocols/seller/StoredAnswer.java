package io.zkaudit.protocols.seller;

import io.zkaudit.proto.v1.SignedAnswer;

/**
 * An answer as the seller keeps it: the signed answer, the input it is about, its proof if made.
 */
public record StoredAnswer(SignedAnswer signed, int[] input, byte[] proof) {
  public String id() {
    return signed.getStatement().getAnswerId();
  }
}
