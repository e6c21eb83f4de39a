package io.zkaudit.escrow.onchain;

/**
 * Why StatementBinding.sol refused a proof's statement: its {@code Reason} enum, in the same order
 * (the contract's {@code Rejected(reason, detail)} error carries the ordinal).
 */
public enum StatementRejection {
  VALID,
  /** The header's encoding: magic, version, flags, a count over Java's limit, a short read. */
  MALFORMED,
  /** The plan is not a statement the contract reads. */
  BAD_STATEMENT,
  /** The proof is about a committed, private input (not verified on chain yet). */
  PRIVATE_INPUT,
  /** The proof names another model than the plan's key. */
  WRONG_MODEL,
  /** The input's length or a value outside its type. */
  BAD_INPUT,
  /** The output's length or a value outside its type. */
  BAD_OUTPUT,
  /** A commitment count or size differs from the model's layout. */
  COMMITMENTS,
  /** The committed input column is not the given input at the challenge point. */
  INPUT_EVALUATION;

  static StatementRejection ofOrdinal(int ordinal) {
    StatementRejection[] all = values();
    if (ordinal < 0 || ordinal >= all.length) {
      throw new IllegalArgumentException("no rejection reason " + ordinal);
    }
    return all[ordinal];
  }

  /**
   * The category of a rejection message of the Java verifier's statement and input binding ({@code
   * ModelVerifier.verify}, {@code ProofReduction.bindStatement}, {@code bindInput}); null for a
   * message it has none for. Decoding failures are {@link #MALFORMED} by where they occur.
   */
  public static StatementRejection ofJavaMessage(String message) {
    if (message.contains("committed, private input")) return PRIVATE_INPUT;
    if (message.contains("the proof is for another model")) return WRONG_MODEL;
    if (message.startsWith("input has ") || message.startsWith("input value ")) return BAD_INPUT;
    if (message.startsWith("output has ") || message.startsWith("output value ")) {
      return BAD_OUTPUT;
    }
    if (message.contains("witness commitment") || message.contains("the weight shadow has")) {
      return COMMITMENTS;
    }
    if (message.contains("its committed input is not the given input")) return INPUT_EVALUATION;
    return null;
  }
}
