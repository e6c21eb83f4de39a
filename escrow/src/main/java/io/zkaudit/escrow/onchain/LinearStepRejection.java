package io.zkaudit.escrow.onchain;

/**
 * Why LinearLayerStep.sol (or ProofSession.sol's {@code linear} step) refused a windowed linear
 * layer's reduction: its {@code Reason} enum, in the same order (the session's {@code
 * StepRejected(step, reason, detail)} carries the ordinal). The first five are {@link
 * LayerStepRejection}'s.
 */
public enum LinearStepRejection {
  VALID,
  /** The proof's bytes are not a {@code WindowedLinearProof} (Java's decoding fails). */
  MALFORMED,
  /** The plan, the plan hashes or the claim point are not a layer's of this session. */
  BAD_STATEMENT,
  /** A shape beyond what the contracts evaluate (over 16 channel bits or 40 variables). */
  UNSUPPORTED,
  /** The rounding's claims given do not open the session's checkpoint. */
  UNOPENED_CLAIMS,
  /** "layer: n mask values, expected 0". */
  MASK_VALUES,
  /** "layer without bias claims a bias". */
  BIAS_WITHOUT_BIAS,
  /** "missing phase-1 sumcheck", "a sum layer has no phase-1 sumcheck". */
  PHASE1_PRESENCE,
  /** Phase 1's sumcheck rejected (detail: {@link SumcheckRejection} ordinal). */
  PHASE1_SUMCHECK,
  /** "wrong channel mask evaluation", "depthwise: wrong eq / zero-point evaluation". */
  PUBLIC_TABLE,
  /** Phase 2's sumcheck rejected (detail: {@link SumcheckRejection} ordinal). */
  PHASE2_SUMCHECK,
  /** "layer: wrong window wiring evaluation". */
  WINDOW_WIRING,
  /** An ADD's "wrong rescale tag" (its rescale row's tag or last value). */
  WRONG_RESCALE_TAG,
  /**
   * Zero knowledge: "a zero-knowledge layer sends no bias", "a zero-knowledge proof sends no ADD
   * evaluation".
   */
  SENT_IN_ZERO_KNOWLEDGE,
  /** "degenerate shadow challenge", "degenerate phase-1 end (zero input coefficient)". */
  DEGENERATE,
  /** "layer: wrong bias selector evaluation" (the shadow's bias selector T at tau). */
  BIAS_SELECTOR,
  /** "constant addend: malformed sumcheck". */
  ADDEND_SHAPE,
  /** "constant addend: wrong selector evaluation". */
  ADDEND_SELECTOR;

  /**
   * The category of a rejection message of {@code WindowedLinearVerifier.verify} (plain); a
   * sumcheck's own message is either phase's ({@code sumcheck}), told apart by the caller. Null for
   * a message it has none for.
   */
  public static LinearStepRejection ofJavaMessage(String message) {
    if (message.contains("mask values, expected")) return MASK_VALUES;
    if (message.contains("a zero-knowledge layer sends no bias")
        || message.contains("sends no ADD evaluation")) return SENT_IN_ZERO_KNOWLEDGE;
    if (message.contains("degenerate shadow challenge")
        || message.contains("degenerate phase-1 end")) return DEGENERATE;
    if (message.contains("wrong bias selector evaluation")) return BIAS_SELECTOR;
    if (message.contains("constant addend: malformed sumcheck")) return ADDEND_SHAPE;
    if (message.contains("constant addend: wrong selector evaluation")) return ADDEND_SELECTOR;
    if (message.contains("layer without bias claims a bias")) return BIAS_WITHOUT_BIAS;
    if (message.contains("phase-1 sumcheck")) return PHASE1_PRESENCE;
    if (message.contains("wrong channel mask evaluation")
        || message.contains("wrong eq evaluation")
        || message.contains("wrong zero-point evaluation")) return PUBLIC_TABLE;
    if (message.contains("wrong window wiring evaluation")) return WINDOW_WIRING;
    if (message.contains("wrong rescale tag")) return WRONG_RESCALE_TAG;
    if (message.startsWith("sumcheck") || message.contains("constant addend: sumcheck")) {
      return PHASE2_SUMCHECK;
    }
    return null;
  }

  /** Whether this is a sumcheck's rejection, of either phase. */
  public boolean isSumcheck() {
    return this == PHASE1_SUMCHECK || this == PHASE2_SUMCHECK;
  }
}
