package io.zkaudit.soundness;

import java.util.Objects;

/**
 * The round-by-round soundness error of one kind of verifier round in a proof.
 *
 * @param protocol the sub-protocol (e.g. "opening of witness bin 0", "lookup 1 (range table)")
 * @param round which round of it (e.g. "queries", "each sumcheck round")
 * @param bits −log2 of the error: the probability that one challenge of this round rescues a
 *     cheating prover is at most 2^−bits
 * @param bound the formula the figure comes from, with its numbers (for the report and the docs)
 */
public record RoundError(String protocol, String round, double bits, String bound) {
  public RoundError {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(round, "round");
    Objects.requireNonNull(bound, "bound");
    if (Double.isNaN(bits) || bits <= 0) {
      throw new IllegalArgumentException(
          protocol + " / " + round + ": bits must be positive, got " + bits);
    }
  }

  /** A round whose bad challenges number at most {@code count} out of the challenge field. */
  public static RoundError algebraic(String protocol, String round, double count, String bound) {
    return new RoundError(protocol, round, ChallengeField.bitsAgainst(count), bound);
  }
}
