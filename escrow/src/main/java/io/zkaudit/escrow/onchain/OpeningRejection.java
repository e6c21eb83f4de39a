package io.zkaudit.escrow.onchain;

/**
 * Why BasefoldVerifier.sol or BatchedOpeningVerifier.sol rejected an opening: their {@code Reason}
 * enum (BasefoldCore.sol), in the same order (the contract's {@code Rejected(reason, detail)} error
 * carries the ordinal).
 */
public enum OpeningRejection {
  VALID,
  /** The proof's encoding: a count, a length, a non-canonical element, trailing bytes. */
  MALFORMED,
  /** The claims' encoding or shape. */
  BAD_CLAIMS,
  /** A sumcheck round polynomial does not sum to the running claim. */
  SUMCHECK_ROUND,
  /** The final polynomial does not give the last sumcheck claim. */
  FINAL_CLAIM,
  /** The grinding nonce does not meet the proof-of-work predicate. */
  PROOF_OF_WORK,
  /** Opened rows and siblings do not rebuild an oracle's Merkle root. */
  MERKLE_ROOT,
  /** An opened coset disagrees with the fold of the previous oracle. */
  FOLD_MISMATCH,
  /** The last fold disagrees with the final polynomial. */
  FINAL_FOLD,
  /** A multi-transaction opening's state does not match its checkpoint. */
  UNKNOWN_SESSION,
  /** A batched opening's claim-reduction round does not sum to the running claim. */
  REDUCTION_ROUND,
  /** A batched opening's reduced values do not give the reduction's last claim. */
  REDUCED_VALUES,
  /** A joining polynomial's opened rows do not rebuild its commitment's root. */
  JOIN_MERKLE_ROOT;

  static OpeningRejection ofOrdinal(int ordinal) {
    OpeningRejection[] all = values();
    if (ordinal < 0 || ordinal >= all.length) {
      throw new IllegalArgumentException("no rejection reason " + ordinal);
    }
    return all[ordinal];
  }
}
