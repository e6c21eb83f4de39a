package io.zkaudit.proof;

/**
 * The verifier's one error type: the proof (or its encoding) does not establish the claim. The
 * message says why, in words a user can report ("sumcheck round 3: g(0)+g(1) != claim").
 */
public final class InvalidProofException extends Exception {
  public InvalidProofException(String reason) {
    super(reason);
  }

  /** Throws unless the condition holds. */
  public static void check(boolean condition, String reason) throws InvalidProofException {
    if (!condition) {
      throw new InvalidProofException(reason);
    }
  }
}
