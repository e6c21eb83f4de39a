package io.zkaudit.protocols.seller;

import com.google.protobuf.ByteString;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * The seller's stores' row mapping: statements with named parameters ({@code :model_id}), bound by
 * name with typed binders, and rows read by column name through {@link RowMapper}s into the stores'
 * records. It runs on the store's own connection, inside the transactions of {@link Transactions},
 * and adds nothing to them: no connection pool, no transactions of its own, plain JDBC on H2 and
 * PostgreSQL alike (docs/protocols.md says why this and not a library).
 *
 * <p>A statement's every parameter must be bound, and every binding must name a parameter: a typo
 * fails when the statement runs, not as a value silently left out.
 */
final class Sql {
  /** Maps the current row of a result to a value. */
  @FunctionalInterface
  interface RowMapper<T> {
    T map(Row row) throws SQLException;
  }

  /** Binds one row of a batch. */
  @FunctionalInterface
  interface RowBinder<E> {
    void bind(Statement s, E row) throws SQLException;
  }

  private static final Map<String, Parsed> PARSED = new ConcurrentHashMap<>();

  private final Connection db;

  Sql(Connection db) {
    this.db = db;
  }

  /** A statement on this connection, its parameters named {@code :name}. */
  Statement sql(String text) {
    return new Statement(db, PARSED.computeIfAbsent(text, Sql::parse));
  }

  /** 0, 1, ..., n - 1: the positions of a list's rows, for {@link Statement#batch}. */
  static List<Integer> positions(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  /**
   * A statement's JDBC text ({@code ?} for each parameter) and, in order, the name of each
   * parameter.
   */
  record Parsed(String jdbc, List<String> names) {}

  /**
   * Replaces each {@code :name} by {@code ?}, outside quoted strings and identifiers; PostgreSQL's
   * {@code ::} casts are kept. A bare {@code ?} is refused: positional and named parameters do not
   * mix.
   */
  static Parsed parse(String text) {
    StringBuilder out = new StringBuilder(text.length());
    List<String> names = new ArrayList<>();
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c == '\'' || c == '"') {
        int end = text.indexOf(c, i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("unterminated quote in: " + text);
        }
        out.append(text, i, end + 1);
        i = end; // a doubled quote ('') closes and reopens: copied all the same
      } else if (c == ':' && i + 1 < n && text.charAt(i + 1) == ':') {
        out.append("::");
        i++;
      } else if (c == ':' && i + 1 < n && isNameStart(text.charAt(i + 1))) {
        int end = i + 1;
        while (end < n && isNamePart(text.charAt(end))) {
          end++;
        }
        names.add(text.substring(i + 1, end));
        out.append('?');
        i = end - 1;
      } else if (c == '?') {
        throw new IllegalArgumentException(
            "positional parameter in a named statement (write :name): " + text);
      } else {
        out.append(c);
      }
    }
    return new Parsed(out.toString(), List.copyOf(names));
  }

  private static boolean isNameStart(char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isNamePart(char c) {
    return isNameStart(c) || (c >= '0' && c <= '9');
  }

  /** One value's binding to a parameter's position. */
  @FunctionalInterface
  private interface Binding {
    void set(PreparedStatement p, int index) throws SQLException;
  }

  /** A statement being bound; run by {@link #update}, {@link #list}, {@link #first} and so on. */
  static final class Statement {
    private final Connection db;
    private final Parsed parsed;
    private final Map<String, Binding> bound = new LinkedHashMap<>();

    private Statement(Connection db, Parsed parsed) {
      this.db = db;
      this.parsed = parsed;
    }

    private Statement put(String name, Binding b) {
      if (!parsed.names().contains(name)) {
        throw new IllegalArgumentException(
            "no parameter :" + name + " in statement: " + parsed.jdbc());
      }
      bound.put(name, b);
      return this;
    }

    Statement bind(String name, String value) {
      return put(name, (p, i) -> p.setString(i, value));
    }

    /** Binds bytes; null binds SQL NULL. */
    Statement bind(String name, byte[] value) {
      return put(name, (p, i) -> p.setBytes(i, value));
    }

    /** Binds a protobuf byte string's bytes (an empty one stays empty, not NULL). */
    Statement bind(String name, ByteString value) {
      return bind(name, value.toByteArray());
    }

    Statement bind(String name, long value) {
      return put(name, (p, i) -> p.setLong(i, value));
    }

    Statement bind(String name, int value) {
      return put(name, (p, i) -> p.setInt(i, value));
    }

    Statement bind(String name, double value) {
      return put(name, (p, i) -> p.setDouble(i, value));
    }

    /** Binds a BIGINT that may be NULL (a typed NULL: PostgreSQL needs the type). */
    Statement bind(String name, Long value) {
      return put(name, (p, i) -> p.setObject(i, value, Types.BIGINT));
    }

    /** Binds an INTEGER that may be NULL (a typed NULL, as for Long). */
    Statement bind(String name, Integer value) {
      return put(name, (p, i) -> p.setObject(i, value, Types.INTEGER));
    }

    /** Binds an enum constant by its name (the stores keep states as their names). */
    Statement bind(String name, Enum<?> value) {
      return bind(name, value == null ? null : value.name());
    }

    private PreparedStatement prepare() throws SQLException {
      return db.prepareStatement(parsed.jdbc());
    }

    private void apply(PreparedStatement p) throws SQLException {
      List<String> names = parsed.names();
      for (int i = 0; i < names.size(); i++) {
        Binding b = bound.get(names.get(i));
        if (b == null) {
          throw new IllegalArgumentException(
              "parameter :" + names.get(i) + " is not bound in statement: " + parsed.jdbc());
        }
        b.set(p, i + 1);
      }
    }

    /** Runs an INSERT, UPDATE, DELETE or MERGE; the number of rows it changed. */
    int update() throws SQLException {
      try (PreparedStatement p = prepare()) {
        apply(p);
        return p.executeUpdate();
      }
    }

    /**
     * Runs the statement once per row, all in one JDBC batch: {@code binder} binds each row's
     * values, over the bindings made before (the ones all rows share).
     */
    <E> void batch(Iterable<E> rows, RowBinder<E> binder) throws SQLException {
      try (PreparedStatement p = prepare()) {
        boolean any = false;
        for (E row : rows) {
          binder.bind(this, row);
          apply(p);
          p.addBatch();
          any = true;
        }
        if (any) {
          p.executeBatch();
        }
      }
    }

    /** Every row, mapped, in the order the query returns them. */
    <T> List<T> list(RowMapper<T> mapper) throws SQLException {
      List<T> out = new ArrayList<>();
      try (PreparedStatement p = prepare()) {
        apply(p);
        try (ResultSet r = p.executeQuery()) {
          Row row = new Row(r);
          while (r.next()) {
            out.add(mapper.map(row));
          }
        }
      }
      return out;
    }

    /** The first row, mapped; empty if there is none (or it maps to null: an SQL NULL). */
    <T> Optional<T> first(RowMapper<T> mapper) throws SQLException {
      try (PreparedStatement p = prepare()) {
        apply(p);
        try (ResultSet r = p.executeQuery()) {
          return r.next() ? Optional.ofNullable(mapper.map(new Row(r))) : Optional.empty();
        }
      }
    }

    /** Whether the query returns any row. */
    boolean exists() throws SQLException {
      return first(r -> Boolean.TRUE).isPresent();
    }

    /**
     * The first row, mapped (to null if the mapper says so); a missing row is an SQLException with
     * this message.
     */
    <T> T one(RowMapper<T> mapper, String missing) throws SQLException {
      try (PreparedStatement p = prepare()) {
        apply(p);
        try (ResultSet r = p.executeQuery()) {
          if (!r.next()) {
            throw new SQLException(missing);
          }
          return mapper.map(new Row(r));
        }
      }
    }
  }

  /** The current row of a result, read by column name (case-insensitive on H2 and PostgreSQL). */
  static final class Row {
    private final ResultSet r;

    private Row(ResultSet r) {
      this.r = r;
    }

    String text(String column) throws SQLException {
      return r.getString(column);
    }

    /** The column's bytes, null for SQL NULL. */
    byte[] bytes(String column) throws SQLException {
      return r.getBytes(column);
    }

    /** The column's bytes as a protobuf byte string: SQL NULL reads as the empty one. */
    ByteString byteString(String column) throws SQLException {
      byte[] b = r.getBytes(column);
      return b == null ? ByteString.EMPTY : ByteString.copyFrom(b);
    }

    /** An INTEGER column (SQL NULL reads as 0: use {@link #nullableInt} where NULL means none). */
    int int32(String column) throws SQLException {
      return r.getInt(column);
    }

    /** A BIGINT column (SQL NULL reads as 0: use {@link #nullableLong} where NULL means none). */
    long int64(String column) throws SQLException {
      return r.getLong(column);
    }

    double float64(String column) throws SQLException {
      return r.getDouble(column);
    }

    Integer nullableInt(String column) throws SQLException {
      int v = r.getInt(column);
      return r.wasNull() ? null : v;
    }

    Long nullableLong(String column) throws SQLException {
      long v = r.getLong(column);
      return r.wasNull() ? null : v;
    }

    /** An enum stored by its constant's name; null for SQL NULL. */
    <E extends Enum<E>> E enumValue(String column, Class<E> type) throws SQLException {
      String name = r.getString(column);
      return name == null ? null : Enum.valueOf(type, name);
    }
  }
}
