package io.zkaudit.protocols.seller;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;

/**
 * What the seller requires of an H2 database before it acknowledges anything: every commit written
 * to the file when it returns. H2 writes commits behind by up to WRITE_DELAY (500 ms by default): a
 * kill -9 under load then lost 29 of 511 acknowledged answers and forgot used nonces (issue 20).
 *
 * <p>The seller does not set WRITE_DELAY=0 for this: with H2 2.3.232 that setting corrupted the
 * database file ("File corrupted while reading record" at the next open) when a seller was stopped
 * and started again over it in one process with its large rows (certified verifying keys of 0.3-0.8
 * MB, proofs): AuditProtocolTest and RotationProtocolTest's restarts, every run. Instead, every
 * write transaction of a local H2 file is followed by a CHECKPOINT, which writes the store before
 * the call returns ({@link #flush}): the same guarantee at the moment it is needed, with H2's own
 * write path otherwise untouched. Other databases bring their own commit rules.
 */
final class H2Durability {
  private H2Durability() {}

  static boolean isH2(String jdbcUrl) {
    return jdbcUrl.regionMatches(true, 0, "jdbc:h2:", 0, 8);
  }

  /**
   * Writes what the connection's last transaction committed to the database file (an H2 file
   * database: the caller knows it is one, it holds its {@link StateWatermark}). Not an fsync: the
   * write reaches the operating system, which survives the process dying (kill -9, OOM), not a
   * power loss (docs/operations.md).
   */
  static void flush(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CHECKPOINT");
    }
  }

  /**
   * The URL the seller connects with: an H2 URL gains DB_CLOSE_ON_EXIT=FALSE (unless it sets it).
   * H2 otherwise closes the database from a JVM shutdown hook of its own, racing the seller's: on
   * SIGTERM the seller's graceful shutdown (SellerServer.close) found its database closed under it
   * and ended with "Database is already closed". The seller closes it itself, after its calls.
   */
  static String connectionUrl(String jdbcUrl) {
    if (!isH2(jdbcUrl) || jdbcUrl.toUpperCase(Locale.ROOT).contains(";DB_CLOSE_ON_EXIT=")) {
      return jdbcUrl;
    }
    return jdbcUrl + ";DB_CLOSE_ON_EXIT=FALSE";
  }

  /**
   * The path prefix of a local H2 file database (H2 appends .mv.db), or empty for any other URL (in
   * memory, over TCP, not H2). Resolved as H2 resolves it: "~" is the home directory.
   */
  static Optional<Path> localFile(String jdbcUrl) {
    if (!isH2(jdbcUrl)) {
      return Optional.empty();
    }
    String rest = jdbcUrl.substring(8);
    int semicolon = rest.indexOf(';');
    if (semicolon >= 0) {
      rest = rest.substring(0, semicolon);
    }
    String lower = rest.toLowerCase(Locale.ROOT);
    if (lower.startsWith("file:")) {
      rest = rest.substring(5);
    } else if (lower.matches("^[a-z]{2,}:.*")) {
      return Optional.empty(); // mem:, tcp:, ssl:, zip:, ...
    }
    if (rest.startsWith("~")) {
      rest = System.getProperty("user.home") + rest.substring(1);
    }
    return rest.isEmpty()
        ? Optional.empty()
        : Optional.of(Path.of(rest).toAbsolutePath().normalize());
  }
}
