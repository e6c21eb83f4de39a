package io.zkaudit.protocols.seller;

/**
 * The seller's one domain exception: a request it refuses, with the {@link Reason} it refuses it
 * for and a message that says which field is wrong and why. It knows no transport: the gRPC
 * services map the reason to a status at the edge ({@link GrpcErrors}).
 */
public final class RequestRejected extends RuntimeException {
  /** Why the seller refuses a request, whatever carries it to the buyer. */
  public enum Reason {
    /** A field is malformed, out of range, stale, or cannot be evaluated or proven as it is. */
    INVALID,
    /**
     * It names something (a model, an answer, an audit) this seller does not have for the buyer.
     */
    NOT_FOUND,
    /** Its signature is missing, not over it, or by a key that may not ask this. */
    DENIED,
    /** It reuses an id (a contest, audit, query, registration) for something else. */
    DUPLICATE,
    /** The seller's state does not allow it now (weights not loaded, no chain, wrong state). */
    NOT_READY,
    /** A quota, a rate or a queue bound is spent: the buyer may retry later. */
    OVER_LIMIT,
    /** The seller is stopping, or cannot reach what it needs (the chain): retry elsewhere/later. */
    UNAVAILABLE,
    /** The caller gave up before the work started. */
    CALLER_GONE,
    /** The seller failed to do what it owes (a proof it cannot make). */
    FAILED
  }

  private final Reason reason;

  public RequestRejected(Reason reason, String message) {
    super(message);
    this.reason = java.util.Objects.requireNonNull(reason);
  }

  public static RequestRejected invalid(String message) {
    return new RequestRejected(Reason.INVALID, message);
  }

  public static RequestRejected notFound(String message) {
    return new RequestRejected(Reason.NOT_FOUND, message);
  }

  public static RequestRejected denied(String message) {
    return new RequestRejected(Reason.DENIED, message);
  }

  public static RequestRejected overLimit(String message) {
    return new RequestRejected(Reason.OVER_LIMIT, message);
  }

  public static RequestRejected notReady(String message) {
    return new RequestRejected(Reason.NOT_READY, message);
  }

  public static RequestRejected duplicate(String message) {
    return new RequestRejected(Reason.DUPLICATE, message);
  }

  public Reason reason() {
    return reason;
  }
}
