package io.zkaudit.protocols;

import io.zkaudit.protocols.seller.SellerStore;
import java.nio.file.Path;

/**
 * The databases a seller runs on, for the tests of its state that run on each: embedded H2 (a file
 * under the test's directory) and PostgreSQL (a real server, {@link PostgresServer}).
 */
public enum SellerDatabase {
  H2,
  POSTGRESQL;

  /** A new, empty database of this kind; its JDBC URL. */
  public String newUrl(Path dir, String name) {
    return switch (this) {
      case H2 -> SellerStore.h2FileUrl(dir.resolve(name));
      case POSTGRESQL -> PostgresServer.shared().newDatabase(name);
    };
  }
}
