package io.zkaudit.protocols.seller;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * One connection to the seller's database, used in explicit transactions: the discipline every
 * store of the seller shares (the registry and answers, retrieval, audits), each with its own
 * connection so that their statements never interleave inside one transaction.
 */
final class Transactions implements AutoCloseable {
  /** A transaction's body. */
  interface Work<T> {
    T run() throws SQLException;
  }

  private final Connection db;
  private final String what;

  private Transactions(Connection db, String what) {
    this.db = db;
    this.what = what;
  }

  /**
   * Connects without auto-commit; {@code what} names the store in error messages ("seller
   * database" or "seller database (audits)").
   */
  static Transactions connect(String jdbcUrl, String what) throws SQLException {
    Connection c = DriverManager.getConnection(jdbcUrl);
    c.setAutoCommit(false);
    return new Transactions(c, what);
  }

  Connection connection() {
    return db;
  }

  /** One transaction: committed whole, or rolled back and reported as a StoreException. */
  <T> T run(Work<T> work) {
    try {
      T result = work.run();
      db.commit();
      return result;
    } catch (SQLException e) {
      try {
        db.rollback();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new StoreException(what + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      db.close();
    } catch (SQLException e) {
      throw new StoreException("cannot close the seller database: " + e.getMessage(), e);
    }
  }
}
