package io.zkaudit.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Logging levels the commands set at run time, over logback.xml's. */
final class Logs {
  private Logs() {}

  /** The seller's request log (one line per call), which logback.xml turns on for a seller. */
  static final String SELLER_REQUESTS = "io.zkaudit.seller.requests";

  /** Silences a logger: the demo runs a seller in-process and tells its own story instead. */
  static void off(String logger) {
    if (LoggerFactory.getLogger(logger) instanceof Logger l) {
      l.setLevel(Level.OFF);
    }
  }
}
