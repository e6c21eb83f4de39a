package io.zkaudit.escrow;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one error type of the escrow module: a transaction the contract reverted (with its revert
 * reason), a rejected argument, or a failure to reach the node.
 */
public final class EscrowException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  // web3j reports reverts as "... Revert reason: 'x'." (transactions) or "... with the reason:
  // 'x'." (calls).
  private static final Pattern REASON = Pattern.compile("reason: '(.*?)'\\.?", Pattern.DOTALL);

  private static final String EXECUTION_REVERTED = "execution reverted: ";

  private final String revertReason;

  private EscrowException(String message, String revertReason, Throwable cause) {
    super(message, cause);
    this.revertReason = revertReason;
  }

  /** An argument rejected in Java before anything was sent. */
  public static EscrowException invalidArgument(String message) {
    return new EscrowException(message, null, null);
  }

  /**
   * Wraps a failure of {@code operation}, extracting the contract's revert reason if there is one.
   */
  public static EscrowException failed(String operation, Throwable cause) {
    String reason = revertReasonIn(cause);
    String message =
        reason != null
            ? operation + " reverted: " + reason
            : operation + " failed: " + cause.getMessage();
    return new EscrowException(message, reason, cause);
  }

  /** The reason string the contract reverted with, when the failure is a revert. */
  public Optional<String> revertReason() {
    return Optional.ofNullable(revertReason);
  }

  private static String revertReasonIn(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t.getMessage() == null) continue;
      Matcher matcher = REASON.matcher(t.getMessage());
      if (matcher.find() && !matcher.group(1).isBlank() && !matcher.group(1).equals("null")) {
        String reason = matcher.group(1);
        // anvil words a replayed revert as "execution reverted: <reason>"
        return reason.startsWith(EXECUTION_REVERTED)
            ? reason.substring(EXECUTION_REVERTED.length())
            : reason;
      }
    }
    return null;
  }
}
