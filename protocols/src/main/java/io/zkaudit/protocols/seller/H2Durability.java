package io.zkaudit.protocols.seller;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;

/**
 * What the seller requires of an H2 database before it acknowledges anything: every commit on
 * disk when it returns. H2 writes commits behind by up to WRITE_DELAY (500 ms by default): a kill
 * -9 under load then lost 29 of 511 acknowledged answers and forgot used nonces (issue 20). So
 * every H2 URL the seller opens gets WRITE_DELAY=0, a URL that sets another delay is refused, and
 * the open connection is checked to run with it. Other databases bring their own commit rules.
 */
final class H2Durability {
  private H2Durability() {}

  static boolean isH2(String jdbcUrl) {
    return jdbcUrl.regionMatches(true, 0, "jdbc:h2:", 0, 8);
  }

  private static boolean inMemory(String jdbcUrl) {
    return jdbcUrl.regionMatches(true, 8, "mem:", 0, 4);
  }

  /** The URL the seller connects with: WRITE_DELAY=0 added to an H2 URL; a URL asking for a delay is refused. */
  static String durableUrl(String jdbcUrl) {
    if (!isH2(jdbcUrl) || inMemory(jdbcUrl)) {
      return jdbcUrl;
    }
    for (String setting : jdbcUrl.split(";")) {
      int eq = setting.indexOf('=');
      if (eq > 0 && setting.substring(0, eq).trim().equalsIgnoreCase("WRITE_DELAY")) {
        if (!setting.substring(eq + 1).trim().equals("0")) {
          throw new StoreException("the database URL sets " + setting.trim() + ": a seller acknowledges only what is"
              + " on disk, so it runs H2 with WRITE_DELAY=0; remove the setting", null);
        }
        return jdbcUrl;
      }
    }
    return jdbcUrl + ";WRITE_DELAY=0";
  }

  /** Refuses a connection whose database writes commits behind (another setting won, e.g. on a server). */
  static void check(Connection c, String jdbcUrl) throws SQLException {
    if (!isH2(jdbcUrl) || inMemory(jdbcUrl)) {
      return;
    }
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
            + " WHERE SETTING_NAME = 'WRITE_DELAY'")) {
      while (r.next()) {
        if (!"0".equals(r.getString(1).trim())) {
          throw new StoreException("the database runs with WRITE_DELAY=" + r.getString(1) + ": commits would be"
              + " acknowledged before they are on disk", null);
        }
      }
    }
  }

  /**
   * The path prefix of a local H2 file database (H2 appends .mv.db), or empty for any other URL
   * (in memory, over TCP, not H2). Resolved as H2 resolves it: "~" is the home directory.
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
    return rest.isEmpty() ? Optional.empty() : Optional.of(Path.of(rest).toAbsolutePath().normalize());
  }
}
