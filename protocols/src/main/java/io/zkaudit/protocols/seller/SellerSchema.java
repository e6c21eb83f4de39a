package io.zkaudit.protocols.seller;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * The seller's schema on H2 or PostgreSQL: one set of Flyway migrations (db/migration) for both.
 * They differ in one type only: large byte strings (keys, tensors, proofs) are BLOB on H2, which
 * stores them apart from the row, and BYTEA on PostgreSQL, which has no BLOB; the migrations name
 * it through the placeholder {@code blob}.
 */
public final class SellerSchema {
  private SellerSchema() {}

  /**
   * The checksums Flyway recorded for the migrations as they were before they ran on PostgreSQL
   * (VARBINARY(n), BLOB and DOUBLE spelled out), and the checksums of the same migrations now. On
   * H2 the two spellings make the same tables, but Flyway checksums a migration's text, so an H2
   * database made before would be refused ("checksum mismatch"). Only these exact pairs are moved
   * forward; any other change to an applied migration is still refused.
   */
  private static final Map<String, long[]> RESPELLED =
      Map.of(
          "1", new long[] {-276670216, 1129237768},
          "2", new long[] {-747560515, 94152797},
          "3", new long[] {2057763895, 1840236367},
          "4", new long[] {1622802154, -667992127},
          "5", new long[] {-1338133587, 387413893},
          "6", new long[] {-1146451668, 1697636747},
          "13.5", new long[] {1402264911, 610256583},
          "20", new long[] {-228777376, -1628834729});

  /** Whether the URL names a PostgreSQL database. */
  static boolean isPostgres(String jdbcUrl) {
    return jdbcUrl.regionMatches(true, 0, "jdbc:postgresql:", 0, 16);
  }

  /**
   * Flyway configured for the seller's migrations on this database: the placeholder set for its
   * vendor, and out-of-order migrations allowed (features add their migrations independently: V3
   * retrieval reached main after V4 chain; each touches only its own tables, so a database at V4
   * takes V3 late instead of refusing to open).
   */
  public static FluentConfiguration configure(String jdbcUrl) {
    // BLOB is the SQL standard's name (H2, and most other databases); PostgreSQL calls it BYTEA.
    String blob = isPostgres(jdbcUrl) ? "BYTEA" : "BLOB";
    return Flyway.configure()
        .dataSource(H2Durability.connectionUrl(jdbcUrl), null, null)
        .locations("classpath:db/migration")
        .placeholders(Map.of("blob", blob))
        .outOfOrder(true);
  }

  /** Creates or brings forward the seller's schema (never recreates it). */
  public static void migrate(String jdbcUrl) throws SQLException {
    if (H2Durability.isH2(jdbcUrl)) {
      moveRespelledChecksums(jdbcUrl);
    }
    configure(jdbcUrl).load().migrate();
  }

  /** Moves the recorded checksums of the respelled migrations forward (see RESPELLED). */
  private static void moveRespelledChecksums(String jdbcUrl) throws SQLException {
    try (Connection c = DriverManager.getConnection(H2Durability.connectionUrl(jdbcUrl))) {
      try (ResultSet t = c.getMetaData().getTables(null, null, "flyway_schema_history", null)) {
        if (!t.next()) {
          return; // a new database
        }
      }
      new Sql(c)
          .sql(
              "UPDATE \"flyway_schema_history\" SET \"checksum\" = :now"
                  + " WHERE \"version\" = :version AND \"checksum\" = :before")
          .batch(
              RESPELLED.entrySet(),
              (s, e) ->
                  s.bind("now", e.getValue()[1])
                      .bind("version", e.getKey())
                      .bind("before", e.getValue()[0]));
    }
  }
}
