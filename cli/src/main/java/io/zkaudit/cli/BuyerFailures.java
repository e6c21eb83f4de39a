package io.zkaudit.cli;

import io.zkaudit.protocols.buyer.BuyerException;
import java.io.PrintWriter;

/**
 * How a buyer command ends when its client fails: the seller was caught (exit 1) or anything else
 * (exit 2).
 */
final class BuyerFailures {
  private BuyerFailures() {}

  /**
   * An invalid answer (the seller cheated or erred) prints "rejected: reason" and gives exit 1; any
   * other failure (refused, unreachable, bad request) is a usage error saying {@code otherwise}.
   */
  static int exit(PrintWriter out, BuyerException e, String otherwise) {
    if (e.reason() == BuyerException.Reason.INVALID_ANSWER) {
      out.println("rejected: " + e.getMessage());
      out.flush();
      return Main.EXIT_INVALID;
    }
    throw CliException.usage(otherwise);
  }
}
