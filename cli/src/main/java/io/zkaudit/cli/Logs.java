package io.zkaudit.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logging levels the commands set at run time, where the logging configuration leaves them open.
 */
final class Logs {
  private Logs() {}

  /** The seller's request log: one line per call (RequestLog). */
  static final String SELLER_REQUESTS = "io.zkaudit.seller.requests";

  /**
   * Turns the request log on (INFO) for {@code seller serve}, unless the logging configuration sets
   * its level (an operator's logback.xml, or the tests' at WARN). Other commands that run a seller
   * in-process (the demo, benchmarks) leave it at the root's WARN: their output is theirs.
   */
  static void sellerRequests() {
    if (LoggerFactory.getLogger(SELLER_REQUESTS) instanceof Logger l && l.getLevel() == null) {
      l.setLevel(Level.INFO);
    }
  }
}
