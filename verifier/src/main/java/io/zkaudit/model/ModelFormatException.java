package io.zkaudit.model;

/**
 * A model, model description or model input that cannot be used: truncated, corrupt, inconsistent
 * or using an unsupported operator. The message is one line a user can act on (it names the
 * operator and the node where that applies).
 */
public final class ModelFormatException extends RuntimeException {
  public ModelFormatException(String message) {
    super(message);
  }

  public ModelFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
