package io.zkaudit.escrow.onchain;

/**
 * Why LayerSteps.sol (or a layer step of ProofSession.sol) refused a layer step: its {@code Reason}
 * enum, in the same order (the session's {@code StepRejected(step, reason, detail)} carries the
 * ordinal).
 */
public enum LayerStepRejection {
  VALID,
  /** A range evaluation not canonical or not 48 bytes; claims that are not whole items. */
  MALFORMED,
  /** The plan is not a layer plan the contract reads, or names a layer the lookups do not have. */
  BAD_STATEMENT,
  /** A shape beyond what the contract evaluates (an output of more than 2^12 values). */
  UNSUPPORTED,
  /** The lookup claims given are not those the session's checkpoint names. */
  UNOPENED_CLAIMS,
  /** ProofReduction: "wrong table tag". */
  WRONG_TAG,
  /** ProofReduction: "the rounding tuple is inconsistent". */
  ROUNDING_TUPLE,
  /** ProofReduction: "degenerate range point". */
  DEGENERATE_RANGE_POINT,
  /** ProofReduction: "the claimed output does not match the proof" (the output layer's row). */
  OUTPUT_MISMATCH;

  /**
   * The category of a rejection message of the Java verifier's rounding of a layer ({@code
   * ProofReduction.verifyLayer}, {@code rounding}); null for a message it has none for.
   */
  public static LayerStepRejection ofJavaMessage(String message) {
    if (message.endsWith(": wrong table tag")) return WRONG_TAG;
    if (message.endsWith(": the rounding tuple is inconsistent")) return ROUNDING_TUPLE;
    if (message.endsWith(": degenerate range point")) return DEGENERATE_RANGE_POINT;
    if (message.endsWith("the claimed output does not match the proof")) return OUTPUT_MISMATCH;
    return null;
  }
}
