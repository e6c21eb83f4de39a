package io.zkaudit.escrow.onchain;

/**
 * Why LogUpVerifier.sol rejected a lookup proof: its {@code Reason} enum, in the same order (the
 * contract's {@code Rejected(reason, detail)} error carries the ordinal).
 */
public enum LogUpRejection {
  VALID,
  /** The proof's encoding: a count over Java's limit, a short read, a non-canonical element. */
  MALFORMED,
  /** The plan or the table values are not a statement the contract reads. */
  BAD_STATEMENT,
  /** A statement the contract does not verify on chain (an explicit column over 2^14 rows). */
  UNSUPPORTED,
  /** A list of the proof has another length than the statement fixes. */
  SHAPE,
  /** The witness trees' root fractions do not sum to the table's, or a root denominator is 0. */
  ROOT_SUM,
  /** A GKR layer's sumcheck ends in a claim its evaluations do not give. */
  LAYER_SUMCHECK,
  /** A sumcheck without variables carries a nonzero mask value. */
  EMPTY_MASK,
  /** A table tree's leaf denominator is not the table's at the GKR's point. */
  TABLE_LEAF,
  /** A witness tree's leaf numerator or denominator does not match the groups' evaluations. */
  WITNESS_LEAF,
  /** A group without blinding rows has a nonzero blinding sum. */
  BLINDING_SUM;

  static LogUpRejection ofOrdinal(int ordinal) {
    LogUpRejection[] all = values();
    if (ordinal < 0 || ordinal >= all.length) {
      throw new IllegalArgumentException("no rejection reason " + ordinal);
    }
    return all[ordinal];
  }

  /**
   * The category of a rejection message of the Java verifier ({@code LogUpVerifier}, {@code
   * SumcheckVerifier}, the decoders), by the contract's reasons; null for a message it has none
   * for.
   */
  public static LogUpRejection ofJavaMessage(String message) {
    if (message.contains("zero denominator") || message.contains("do not sum to the table")) {
      return ROOT_SUM;
    }
    if (message.contains("final claim does not match")) return LAYER_SUMCHECK;
    if (message.contains("without variables has no mask")) return EMPTY_MASK;
    if (message.contains("table's leaf denominator")) return TABLE_LEAF;
    if (message.contains("witness tree's leaf")) return WITNESS_LEAF;
    if (message.contains("has no blinding rows")) return BLINDING_SUM;
    if (message.contains(", expected ")) return SHAPE;
    return null;
  }
}
