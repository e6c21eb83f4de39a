package io.zkaudit.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.protocols.seller.RetrievalStore;
import io.zkaudit.protocols.seller.SellerStore;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seller database migrated before retrieval's V3 existed (V1 and V4 applied) still opens: V3 is
 * applied late instead of Flyway refusing the database.
 */
class MigrationOrderTest {
  @TempDir Path tmp;

  @Test
  void aDatabaseAtV4WithoutV3TakesV3Late() throws Exception {
    Path older = Files.createDirectories(tmp.resolve("older"));
    for (String name : new String[] {"V1__seller_registry_answers_contests.sql", "V4__chain_and_request_nonces.sql"}) {
      try (InputStream in = SellerStore.class.getResourceAsStream("/db/migration/" + name)) {
        Files.copy(in, older.resolve(name));
      }
    }
    String url = SellerStore.h2FileUrl(tmp.resolve("seller"));
    Flyway.configure().dataSource(url, null, null).locations("filesystem:" + older).load().migrate();

    try (SellerStore store = SellerStore.open(url); RetrievalStore retrieval = RetrievalStore.open(url)) {
      assertTrue(retrieval.itemSets().isEmpty());
      assertTrue(store.models().isEmpty());
    }
    try (var c = DriverManager.getConnection(url);
        ResultSet r = c.createStatement().executeQuery(
            "SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"version\" IN ('1', '3', '4') AND \"success\"")) {
      r.next();
      assertEquals(3, r.getInt(1));
    }
  }
}
