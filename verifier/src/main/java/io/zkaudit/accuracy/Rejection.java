package io.zkaudit.accuracy;

import io.zkaudit.proof.InvalidProofException;
import java.util.Optional;

/**
 * Why an accuracy proof's argmax and count are rejected. The verifier throws the project's one
 * error type, {@link InvalidProofException}, whose message starts with the reason's text, so a
 * caller (and a test) can recover the reason with {@link #of}. The gadget itself raises the first
 * two; the last two are its caller's checks of what the gadget leaves (the gap's range lookup, the
 * openings of the claims), named here so that a report says which part failed.
 */
public enum Rejection {
  /** The proof does not have the statement's shape (rounds, their values, mask values). */
  MALFORMED("argmax/count: malformed proof"),
  /**
   * The batched relations' sumcheck fails: some relation (Booleanity, one per row, the maximum, the
   * gap's definition, the count) does not hold for the tables the proof's values come from.
   */
  RELATIONS("argmax/count: the relations do not hold"),
  /** Some gap entry is outside [0, 2^16): a logit above the selected one, or a lower tie. */
  GAP_OUT_OF_RANGE("argmax/count: a gap is out of range"),
  /** An evaluation the gadget left does not match the committed column. */
  OPENING("argmax/count: an evaluation does not match its commitment");

  private final String text;

  Rejection(String text) {
    this.text = text;
  }

  public String text() {
    return text;
  }

  /** The exception for this reason, with a detail after the reason's text. */
  public InvalidProofException exception(String detail) {
    return new InvalidProofException(text + (detail.isEmpty() ? "" : " (" + detail + ")"));
  }

  public void check(boolean condition, String detail) throws InvalidProofException {
    if (!condition) {
      throw exception(detail);
    }
  }

  /** The reason an exception carries, if it is one of these. */
  public static Optional<Rejection> of(InvalidProofException e) {
    String m = e.getMessage();
    for (Rejection r : values()) {
      if (m != null && m.startsWith(r.text)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
