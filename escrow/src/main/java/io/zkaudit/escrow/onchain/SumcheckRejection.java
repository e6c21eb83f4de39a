package io.zkaudit.escrow.onchain;

/**
 * Why SumcheckVerifier.sol rejected a sumcheck: its {@code Reason} enum, in the same order (the
 * contract's {@code Rejected(reason, detail)} error carries the ordinal).
 */
public enum SumcheckRejection {
  VALID,
  /** The proof's encoding: a count over Java's limit, a short read, a non-canonical element. */
  MALFORMED,
  /** The spec is not a statement the contract reads. */
  BAD_STATEMENT,
  /** Another number of rounds than the statement's variables. */
  ROUNDS,
  /** A round message with another number of values than the round degree. */
  ROUND_SHAPE,
  /** Another number of final evaluations than the statement's tables. */
  EVALUATION_COUNT,
  /** A sumcheck without variables carries a mask. */
  EMPTY_MASK,
  /** The final claim does not match the claimed evaluations. */
  FINAL_CLAIM;

  static SumcheckRejection ofOrdinal(int ordinal) {
    SumcheckRejection[] all = values();
    if (ordinal < 0 || ordinal >= all.length) {
      throw new IllegalArgumentException("no rejection reason " + ordinal);
    }
    return all[ordinal];
  }

  /**
   * The category of a rejection message of the Java {@code SumcheckVerifier}; null for a message it
   * has none for. Decoding failures are {@link #MALFORMED} by where they occur.
   */
  public static SumcheckRejection ofJavaMessage(String message) {
    if (message.contains("rounds, expected")) return ROUNDS;
    if (message.startsWith("sumcheck round ")) return ROUND_SHAPE;
    if (message.contains("final evaluations, expected")) return EVALUATION_COUNT;
    if (message.contains("without variables has no mask")) return EMPTY_MASK;
    if (message.contains("final claim does not match")) return FINAL_CLAIM;
    return null;
  }
}
