package io.zkaudit.protocols.buyer;

/**
 * The buyer client's one exception: the seller refused a request, could not be reached, or gave
 * something that does not check out (a bad proof or signature: the seller cheated or is broken).
 */
public final class BuyerException extends Exception {
  public enum Reason {
    /** The seller answered with an error status (the request was invalid, or the seller failed). */
    REFUSED,
    /** No answer: connection failure or deadline. */
    UNREACHABLE,
    /**
     * The seller's answer fails a check: invalid proof, wrong output, bad signature, missed
     * deadline.
     */
    INVALID_ANSWER
  }

  private final Reason reason;

  public BuyerException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public BuyerException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
