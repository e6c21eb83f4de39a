package io.zkaudit.protocols.seller;

/**
 * The caller of the request being handled, as far as the domain needs to know it: whether it went
 * away. The transport's edge binds it ({@link #CURRENT}) around each handler, so that a proof whose
 * caller gave up can leave the queue before it starts ({@link ProofQueue}); work the seller does by
 * itself has no caller, and is never dropped.
 */
interface Caller {
  /** The caller of the handler running on this thread, if the edge bound one. */
  ScopedValue<Caller> CURRENT = ScopedValue.newInstance();

  /** No caller that can go away: background work, or a call made in-process without a transport. */
  Caller NOBODY = onGone -> () -> {};

  static Caller current() {
    return CURRENT.orElse(NOBODY);
  }

  /**
   * Runs {@code onGone} once the caller has gone away (at once if it has already); closing the
   * returned registration removes it.
   */
  Registration whenGone(Runnable onGone);

  /** A {@link #whenGone} listener, removed on close. */
  interface Registration extends AutoCloseable {
    @Override
    void close();
  }
}
