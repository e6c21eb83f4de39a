package io.zkaudit.protocols.buyer;

import io.zkaudit.proto.v1.SignedAnswer;
import java.util.Objects;

/**
 * A signed answer as a buyer keeps it to contest later: the answer and the input it is about. The
 * input is kept because a contest verifies the seller's proof against the input itself; a proof
 * checked against the signed input hash alone could be a proof about any other input (issue 13).
 */
public record HeldAnswer(SignedAnswer answer, int[] input) {
  public HeldAnswer {
    Objects.requireNonNull(answer, "answer");
    input = input.clone();
  }

  @Override
  public int[] input() {
    return input.clone();
  }

  public String id() {
    return answer.getStatement().getAnswerId();
  }
}
