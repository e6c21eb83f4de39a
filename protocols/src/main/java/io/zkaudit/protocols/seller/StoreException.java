package io.zkaudit.protocols.seller;

/** The seller's database failed or holds something it should not: never the buyer's fault. */
public final class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
