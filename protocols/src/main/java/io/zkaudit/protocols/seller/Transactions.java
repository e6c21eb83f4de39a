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
  private final Sql sql;
  private final String what;

  /**
   * The state mark beside a local H2 file (null for other databases): raised after each write
   * commits.
   */
  private final StateWatermark mark;

  private Transactions(Connection db, String what, StateWatermark mark) {
    this.db = db;
    this.sql = new Sql(db);
    this.what = what;
    this.mark = mark;
  }

  /**
   * Connects without auto-commit; {@code what} names the store in error messages ("seller database"
   * or "seller database (audits)").
   */
  static Transactions connect(String jdbcUrl, String what) throws SQLException {
    Connection c = DriverManager.getConnection(H2Durability.connectionUrl(jdbcUrl));
    try {
      c.setAutoCommit(false);
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
    return new Transactions(
        c, what, H2Durability.localFile(jdbcUrl).map(StateWatermark::of).orElse(null));
  }

  /** Statements on this connection (run them inside {@link #run}). */
  Sql sql() {
    return sql;
  }

  /** One transaction: committed whole, or rolled back and reported as a StoreException. */
  <T> T run(Work<T> work) {
    try {
      T result = work.run();
      long state = mark != null && wrote() ? nextState() : 0;
      db.commit();
      if (state > 0) {
        // On disk before the caller acknowledges anything, and before the mark says so.
        H2Durability.flush(db);
        mark.advance(state);
      }
      return result;
    } catch (SQLException e) {
      try {
        db.rollback();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new StoreException(what + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // A refusal from inside the work (or a failed state mark): nothing half-done stays open.
      try {
        db.rollback();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Whether this transaction changed anything (H2: TRANSACTION_ID() is NULL until it does). */
  private boolean wrote() throws SQLException {
    return sql.sql("SELECT TRANSACTION_ID() AS id").first(r -> r.text("id")).isPresent();
  }

  /** Raises the database's state number in this transaction (see StateWatermark) and returns it. */
  private long nextState() throws SQLException {
    sql.sql("UPDATE state_sequence SET seq = seq + 1 WHERE id = 1").update();
    return currentState();
  }

  private long currentState() throws SQLException {
    return sql.sql("SELECT seq FROM state_sequence WHERE id = 1")
        .first(r -> r.int64("seq"))
        .orElse(0L);
  }

  /** The database's state number (0 before anything was written). */
  long state() {
    return run(this::currentState);
  }

  StateWatermark mark() {
    return mark;
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
