package io.zkaudit.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.protocols.seller.RetrievalStore;
import io.zkaudit.protocols.seller.SellerSchema;
import io.zkaudit.protocols.seller.SellerStore;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A seller database migrated before retrieval's V3 existed (V1 and V4 applied) still opens: V3 is
 * applied late instead of Flyway refusing the database; on H2 and on PostgreSQL. An H2 database
 * made by the migrations as they were spelled before they ran on PostgreSQL opens too.
 */
class MigrationOrderTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(SellerDatabase.class)
  void aDatabaseAtV4WithoutV3TakesV3Late(SellerDatabase kind) throws Exception {
    Path older = Files.createDirectories(tmp.resolve("older"));
    for (String name :
        new String[] {
          "V1__seller_registry_answers_contests.sql", "V4__chain_and_request_nonces.sql"
        }) {
      try (InputStream in = SellerStore.class.getResourceAsStream("/db/migration/" + name)) {
        Files.copy(in, older.resolve(name));
      }
    }
    String url = kind.newUrl(tmp, "seller");
    SellerSchema.configure(url).locations("filesystem:" + older).load().migrate();

    try (SellerStore store = SellerStore.open(url);
        RetrievalStore retrieval = RetrievalStore.open(url)) {
      assertTrue(retrieval.itemSets().isEmpty());
      assertTrue(store.models().isEmpty());
    }
    try (var c = DriverManager.getConnection(url);
        ResultSet r =
            c.createStatement()
                .executeQuery(
                    "SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"version\" IN ('1', '3',"
                        + " '4') AND \"success\"")) {
      r.next();
      assertEquals(3, r.getInt(1));
    }
  }

  @Test
  void anH2DatabaseFromBeforeTheRespellingOpens() throws Exception {
    String url = SellerStore.h2FileUrl(tmp.resolve("respelled"));
    SellerSchema.configure(url).load().migrate();
    // The checksums Flyway recorded for the migrations' earlier text (VARBINARY(n), BLOB, DOUBLE).
    setChecksum(url, "1", -276670216);
    setChecksum(url, "20", -228777376);
    try (SellerStore store = SellerStore.open(url)) {
      assertTrue(store.models().isEmpty());
    }
    assertEquals(1129237768, checksum(url, "1"));
    assertEquals(-1628834729, checksum(url, "20"));
  }

  @Test
  void anH2DatabaseWithAnotherChangedMigrationIsStillRefused() throws Exception {
    String url = SellerStore.h2FileUrl(tmp.resolve("changed"));
    SellerSchema.configure(url).load().migrate();
    setChecksum(url, "4", 12345);
    var e =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.zkaudit.protocols.seller.StoreException.class, () -> SellerStore.open(url).close());
    assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
  }

  private static void setChecksum(String url, String version, int checksum) throws Exception {
    try (var c = DriverManager.getConnection(url);
        var p =
            c.prepareStatement(
                "UPDATE \"flyway_schema_history\" SET \"checksum\" = ? WHERE \"version\" = ?")) {
      p.setInt(1, checksum);
      p.setString(2, version);
      assertEquals(1, p.executeUpdate());
    }
  }

  private static int checksum(String url, String version) throws Exception {
    try (var c = DriverManager.getConnection(url);
        var p =
            c.prepareStatement(
                "SELECT \"checksum\" FROM \"flyway_schema_history\" WHERE \"version\" = ?")) {
      p.setString(1, version);
      try (ResultSet r = p.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    }
  }
}
