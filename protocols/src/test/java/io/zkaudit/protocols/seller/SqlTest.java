package io.zkaudit.protocols.seller;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.zkaudit.protocols.SellerDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The stores' row mapping: named parameters, typed binders, mappers, on H2 and PostgreSQL. */
class SqlTest {
  @TempDir Path dir;

  /** A row of the test table, as a mapper reads it back. */
  record Row(int id, String name, byte[] data, Long big, Integer small, double real, State state) {}

  enum State {
    OPEN,
    DONE
  }

  private static final Sql.RowMapper<Row> ROW =
      r ->
          new Row(
              r.int32("id"),
              r.text("name"),
              r.bytes("data"),
              r.nullableLong("big"),
              r.nullableInt("small"),
              r.float64("real_value"),
              r.enumValue("state", State.class));

  @Test
  void namedParametersBecomePositionsOutsideQuotesAndCasts() {
    Sql.Parsed p =
        Sql.parse(
            "SELECT :a, ':not_a_parameter', \"odd:column\", x::INT, CAST(:b_2 AS BIGINT), 'it''s"
                + " :quoted' FROM t WHERE y = :a");
    assertEquals(
        "SELECT ?, ':not_a_parameter', \"odd:column\", x::INT, CAST(? AS BIGINT), 'it''s"
            + " :quoted' FROM t WHERE y = ?",
        p.jdbc());
    assertEquals(List.of("a", "b_2", "a"), p.names());
  }

  @Test
  void positionalParametersAndOpenQuotesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Sql.parse("SELECT * FROM t WHERE a = ?"));
    assertThrows(IllegalArgumentException.class, () -> Sql.parse("SELECT 'open FROM t"));
  }

  @Test
  void positionsCountFromZero() {
    assertEquals(List.of(0, 1, 2), Sql.positions(3));
    assertEquals(List.of(), Sql.positions(0));
  }

  @ParameterizedTest
  @EnumSource(SellerDatabase.class)
  void rowsRoundTripThroughBindersAndMappers(SellerDatabase kind) throws SQLException {
    try (Connection c = DriverManager.getConnection(kind.newUrl(dir, "sql-round-trip"))) {
      Sql db = new Sql(c);
      createTable(db);
      List<Row> rows =
          List.of(
              new Row(1, "one", new byte[] {1, 2, 3}, 1L << 40, 7, 0.5, State.OPEN),
              new Row(2, null, null, null, null, -2.25, State.DONE),
              new Row(3, "three", new byte[0], 0L, 0, 0, null));
      db.sql(
              "INSERT INTO sql_test (id, name, data, big, small, real_value, state) VALUES (:id,"
                  + " :name, :data, :big, :small, :real_value, :state)")
          .batch(
              rows,
              (s, r) ->
                  s.bind("id", r.id())
                      .bind("name", r.name())
                      .bind("data", r.data())
                      .bind("big", r.big())
                      .bind("small", r.small())
                      .bind("real_value", r.real())
                      .bind("state", r.state()));

      List<Row> read = db.sql("SELECT * FROM sql_test ORDER BY id").list(ROW);
      assertEquals(3, read.size());
      for (int i = 0; i < rows.size(); i++) {
        Row want = rows.get(i);
        Row got = read.get(i);
        assertEquals(want.id(), got.id());
        assertEquals(want.name(), got.name());
        assertArrayEquals(want.data(), got.data());
        assertEquals(want.big(), got.big());
        assertEquals(want.small(), got.small());
        assertEquals(want.real(), got.real());
        assertEquals(want.state(), got.state());
      }

      // NULL bytes read as the empty byte string, stored ones as themselves.
      assertEquals(
          ByteString.EMPTY,
          db.sql("SELECT data FROM sql_test WHERE id = :id")
              .bind("id", 2)
              .one(r -> r.byteString("data"), "missing"));
      assertEquals(
          ByteString.copyFrom(new byte[] {1, 2, 3}),
          db.sql("SELECT data FROM sql_test WHERE id = :id")
              .bind("id", 1)
              .one(r -> r.byteString("data"), "missing"));
    }
  }

  @ParameterizedTest
  @EnumSource(SellerDatabase.class)
  void updatesFirstOneAndExists(SellerDatabase kind) throws SQLException {
    try (Connection c = DriverManager.getConnection(kind.newUrl(dir, "sql-queries"))) {
      Sql db = new Sql(c);
      createTable(db);
      for (int id = 1; id <= 3; id++) {
        db.sql("INSERT INTO sql_test (id, real_value, small) VALUES (:id, 0, :small)")
            .bind("id", id)
            .bind("small", id * 10)
            .update();
      }
      // One parameter named twice binds both places; binding a name again replaces its value.
      assertEquals(
          List.of(1, 2),
          db.sql("SELECT id FROM sql_test WHERE id = :v - 1 OR small = :v * 10 ORDER BY id")
              .bind("v", 5)
              .bind("v", 2)
              .list(r -> r.int32("id")));
      assertEquals(
          2,
          db.sql("UPDATE sql_test SET name = :name WHERE small >= :from")
              .bind("name", "big")
              .bind("from", 20)
              .update());
      assertEquals(
          List.of("big", "big"),
          db.sql("SELECT name FROM sql_test WHERE name = :name ORDER BY id")
              .bind("name", "big")
              .list(r -> r.text("name")));

      assertEquals(
          Optional.of(30),
          db.sql("SELECT small FROM sql_test WHERE id = :id").bind("id", 3).first(ROW_SMALL));
      assertEquals(
          Optional.empty(),
          db.sql("SELECT small FROM sql_test WHERE id = :id").bind("id", 9).first(ROW_SMALL));
      // A row whose value is NULL reads as none.
      assertEquals(
          Optional.empty(),
          db.sql("SELECT name FROM sql_test WHERE id = :id")
              .bind("id", 1)
              .first(r -> r.text("name")));
      assertTrue(db.sql("SELECT 1 FROM sql_test WHERE id = :id").bind("id", 2).exists());
      assertFalse(db.sql("SELECT 1 FROM sql_test WHERE id = :id").bind("id", 4).exists());
      SQLException missing =
          assertThrows(
              SQLException.class,
              () ->
                  db.sql("SELECT small FROM sql_test WHERE id = :id")
                      .bind("id", 4)
                      .one(ROW_SMALL, "no row 4"));
      assertEquals("no row 4", missing.getMessage());
      assertNull(
          db.sql("SELECT big FROM sql_test WHERE id = :id")
              .bind("id", 1)
              .one(r -> r.nullableLong("big"), "missing"));
    }
  }

  private static final Sql.RowMapper<Integer> ROW_SMALL = r -> r.int32("small");

  @ParameterizedTest
  @EnumSource(SellerDatabase.class)
  void anEmptyBatchRunsNothing(SellerDatabase kind) throws SQLException {
    try (Connection c = DriverManager.getConnection(kind.newUrl(dir, "sql-empty-batch"))) {
      Sql db = new Sql(c);
      createTable(db);
      db.sql("INSERT INTO sql_test (id, real_value) VALUES (:id, 0)")
          .batch(List.<Integer>of(), (s, id) -> s.bind("id", id));
      int count = db.sql("SELECT COUNT(*) AS n FROM sql_test").one(r -> r.int32("n"), "no count");
      assertEquals(0, count);
    }
  }

  @Test
  void unboundAndUnknownParametersAreRefused() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:h2:mem:sql-test-binding")) {
      Sql db = new Sql(c);
      IllegalArgumentException unknown =
          assertThrows(IllegalArgumentException.class, () -> db.sql("SELECT :a AS a").bind("b", 1));
      assertTrue(unknown.getMessage().contains(":b"), unknown.getMessage());
      IllegalArgumentException unbound =
          assertThrows(
              IllegalArgumentException.class,
              () -> db.sql("SELECT :a + :b AS a").bind("a", 1).list(r -> r.int32("a")));
      assertTrue(unbound.getMessage().contains(":b"), unbound.getMessage());
      assertEquals(
          List.of(3),
          db.sql("SELECT CAST(:a AS INT) + CAST(:b AS INT) AS a")
              .bind("a", 1)
              .bind("b", 2)
              .list(r -> r.int32("a")));
    }
  }

  private static void createTable(Sql db) throws SQLException {
    db.sql(
            "CREATE TABLE sql_test (id INT PRIMARY KEY, name VARCHAR(20), data BYTEA, big BIGINT,"
                + " small INT, real_value DOUBLE PRECISION NOT NULL, state VARCHAR(8))")
        .update();
  }
}
