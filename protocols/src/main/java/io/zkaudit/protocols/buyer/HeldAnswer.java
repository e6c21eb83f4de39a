package io.zkaudit.protocols.buyer;

import io.zkaudit.proto.v1.SignedAnswer;
import java.util.Objects;

/**
 * A signed answer as a buyer keeps it to contest later: the answer and the input it is about. The
 * input is kept because a contest verifies the seller's proof against the input itself; a proof
 * checked against the signed input hash alone could be a proof about any other input (issue 13). So
 * a held answer's input is the one it is about, checked here, once, wherever one is made.
 */
public record HeldAnswer(SignedAnswer answer, int[] input) {
  public HeldAnswer {
    Objects.requireNonNull(answer, "answer");
    input = input.clone();
    if (!java.util.Arrays.equals(
        io.zkaudit.protocols.Statements.tensorHash(input),
        answer.getStatement().getInputHash().toByteArray())) {
      throw new IllegalArgumentException(
          "answer "
              + answer.getStatement().getAnswerId()
              + ": the kept input is not the one the answer is about (its hash differs from the"
              + " signed input hash)");
    }
  }

  @Override
  public int[] input() {
    return input.clone();
  }

  public String id() {
    return answer.getStatement().getAnswerId();
  }
}
