package io.zkaudit.protocols.buyer;

import io.zkaudit.proto.v1.SignedAnswer;

/** An answer whose proof the buyer verified: output is the verified model output. */
public record VerifiedAnswer(SignedAnswer answer, int[] output, byte[] proof) {
  public String id() {
    return answer.getStatement().getAnswerId();
  }
}
