package io.zkaudit.protocols.seller;

import com.google.protobuf.ByteString;
import io.zkaudit.proto.v1.AnswerStatement;
import io.zkaudit.proto.v1.ClaimedMetric;
import io.zkaudit.proto.v1.ModelEntry;
import io.zkaudit.proto.v1.Signature;
import io.zkaudit.proto.v1.SignedAnswer;
import io.zkaudit.protocols.Tensors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The seller's state in a relational database: embedded H2 by default, PostgreSQL by its JDBC URL.
 * The schema is created and upgraded by Flyway migrations (db/migration/V*.sql, see SellerSchema)
 * when the store opens, so an old database is brought forward, never recreated. One connection,
 * used under the store's lock: the seller's writes are few and small next to its proofs, and one
 * connection keeps an embedded database open for the store's life.
 */
public final class SellerStore implements AutoCloseable {
  private final Transactions tx;
  private final Connection db;

  private SellerStore(Transactions tx) {
    this.tx = tx;
    this.db = tx.connection();
  }

  /** The default: an H2 file database under the given path prefix (H2 appends .mv.db). */
  public static String h2FileUrl(java.nio.file.Path prefix) {
    return "jdbc:h2:file:" + prefix.toAbsolutePath();
  }

  public static SellerStore open(String jdbcUrl) {
    Transactions tx;
    try {
      SellerSchema.migrate(jdbcUrl);
      tx = Transactions.connect(jdbcUrl, "seller database");
    } catch (SQLException | RuntimeException e) {
      throw new StoreException(
          "cannot open the seller database " + jdbcUrl + ": " + e.getMessage(), e);
    }
    try {
      requireLatestState(tx);
    } catch (RuntimeException e) {
      tx.close();
      throw e;
    }
    return new SellerStore(tx);
  }

  /**
   * Refuses a database behind the state the seller last acknowledged (see StateWatermark): H2 opens
   * a file whose last chunks are overwritten on the last chunk it can read, silently older.
   */
  private static void requireLatestState(Transactions tx) {
    StateWatermark mark = tx.mark();
    if (mark == null) {
      return;
    }
    long state = tx.state();
    var acknowledged = mark.read();
    if (acknowledged.isPresent() && acknowledged.get() > state) {
      throw new StoreException(
          "the seller database is at state "
              + state
              + " but the seller acknowledged state "
              + acknowledged.get()
              + " ("
              + mark.file()
              + "): the database file lost committed writes (overwritten, truncated or restored"
              + " from an older copy). Refusing to start on old state: restore a copy at that"
              + " state, or, accepting that answers given since cannot be proven, delete "
              + mark.file()
              + " (docs/operations.md)",
          null);
    }
    mark.reset(state);
  }

  /**
   * Records the seller's public key at the first start, and refuses another key later: a seller
   * started with a new key (a relative key path from another directory) would sign answers that no
   * buyer of this database's models accepts. A database from before V20 is checked against the key
   * its registered models were signed with.
   */
  public synchronized void bindSeller(byte[] publicKey, java.util.function.LongSupplier clock) {
    tx.run(
        () -> {
          byte[] recorded = null;
          try (PreparedStatement p =
                  db.prepareStatement("SELECT public_key FROM seller_identity WHERE id = 1");
              ResultSet r = p.executeQuery()) {
            if (r.next()) {
              recorded = r.getBytes(1);
            }
          }
          if (recorded == null) {
            try (PreparedStatement p =
                    db.prepareStatement("SELECT DISTINCT seller_key FROM models");
                ResultSet r = p.executeQuery()) {
              while (r.next() && recorded == null) {
                if (!java.util.Arrays.equals(r.getBytes(1), publicKey)) {
                  recorded = r.getBytes(1);
                }
              }
            }
          }
          if (recorded != null && !java.util.Arrays.equals(recorded, publicKey)) {
            throw new StoreException(
                "this database belongs to seller key "
                    + java.util.HexFormat.of().formatHex(recorded)
                    + ", not to the key loaded ("
                    + java.util.HexFormat.of().formatHex(publicKey)
                    + "): start with the"
                    + " database's own key file (--key), or with another database (--db)",
                null);
          }
          // Standard MERGE (H2, PostgreSQL 15+): inserted at the first start, the same key kept
          // after.
          try (PreparedStatement p =
              db.prepareStatement(
                  "MERGE INTO seller_identity s USING (VALUES (1, CAST(? AS BYTEA), CAST(? AS"
                      + " BIGINT))) AS v (id, public_key, recorded_at) ON s.id = v.id WHEN NOT"
                      + " MATCHED THEN INSERT (id, public_key, recorded_at) VALUES (v.id,"
                      + " v.public_key, v.recorded_at)")) {
            p.setBytes(1, publicKey);
            p.setLong(2, clock.getAsLong());
            p.executeUpdate();
          }
          return null;
        });
  }

  public synchronized void putModel(ModelEntry m) {
    tx.run(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement(
                  "INSERT INTO models (model_id, name, description_digest, verifying_key,"
                      + " seller_signature, seller_key, registered_at) VALUES (?, ?, ?, ?, ?,"
                      + " ?, ?)")) {
            p.setBytes(1, m.getModelId().toByteArray());
            p.setString(2, m.getName());
            p.setBytes(3, m.getDescriptionDigest().toByteArray());
            p.setBytes(4, m.getVerifyingKey().toByteArray());
            p.setBytes(5, m.getSellerSignature().getRs().toByteArray());
            p.setBytes(6, m.getSellerSignature().getPublicKey().toByteArray());
            p.setLong(7, m.getRegisteredAtMillis());
            p.executeUpdate();
          }
          try (PreparedStatement p =
              db.prepareStatement(
                  "INSERT INTO model_metrics (model_id, position, name, metric, dataset) VALUES (?,"
                      + " ?, ?, ?, ?)")) {
            for (int i = 0; i < m.getMetricsCount(); i++) {
              ClaimedMetric c = m.getMetrics(i);
              p.setBytes(1, m.getModelId().toByteArray());
              p.setInt(2, i);
              p.setString(3, c.getName());
              p.setDouble(4, c.getValue());
              p.setString(5, c.getDataset());
              p.executeUpdate();
            }
          }
          if (!m.getRotatedFrom().isEmpty()) {
            try (PreparedStatement p =
                db.prepareStatement(
                    "INSERT INTO model_lineage (model_id, rotated_from, rotation_link, generation)"
                        + " VALUES (?, ?, ?, ?)")) {
              p.setBytes(1, m.getModelId().toByteArray());
              p.setBytes(2, m.getRotatedFrom().toByteArray());
              p.setBytes(3, m.getRotationLink().toByteArray());
              p.setInt(4, generationOf(m));
              p.executeUpdate();
            }
          }
          return null;
        });
  }

  /** The generation a rotation link names (Seller.register has verified it before storing). */
  private static int generationOf(ModelEntry m) {
    try {
      return io.zkaudit.inference.RotationLink.decode(m.getRotationLink().toByteArray())
          .generation();
    } catch (io.zkaudit.proof.InvalidProofException e) {
      throw new StoreException(
          "model "
              + io.zkaudit.protocols.Hex.of(m.getModelId())
              + ": its rotation link does not"
              + " decode: "
              + e.getMessage(),
          e);
    }
  }

  /**
   * The model a model was rotated to, if it was (a lineage is a chain: each key is rotated at most
   * once).
   */
  public synchronized Optional<byte[]> rotatedTo(byte[] modelId) {
    return tx.run(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement("SELECT model_id FROM model_lineage WHERE rotated_from = ?")) {
            p.setBytes(1, modelId);
            try (ResultSet r = p.executeQuery()) {
              return r.next() ? Optional.of(r.getBytes(1)) : Optional.<byte[]>empty();
            }
          }
        });
  }

  /** A model key's rotation generation: 0 for a model's first key. */
  public synchronized int generation(byte[] modelId) {
    return tx.run(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement("SELECT generation FROM model_lineage WHERE model_id = ?")) {
            p.setBytes(1, modelId);
            try (ResultSet r = p.executeQuery()) {
              return r.next() ? r.getInt(1) : 0;
            }
          }
        });
  }

  public synchronized Optional<ModelEntry> model(byte[] modelId) {
    return tx.run(
        () -> {
          List<ModelEntry> found = models("WHERE model_id = ?", modelId);
          return found.stream().findFirst();
        });
  }

  /**
   * Counts one more zero-knowledge proof of a model and returns the new total (the weight
   * commitment's hiding budget is spent proof by proof: docs/zero-knowledge.md).
   */
  public synchronized long countProof(byte[] modelId) {
    return tx.run(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement(
                  "MERGE INTO proof_counts c USING (VALUES (CAST(? AS BYTEA))) AS v (model_id) ON"
                      + " c.model_id = v.model_id WHEN MATCHED THEN UPDATE SET proofs = c.proofs +"
                      + " 1 WHEN NOT MATCHED THEN INSERT (model_id, proofs) VALUES (v.model_id,"
                      + " 1)")) {
            p.setBytes(1, modelId);
            p.executeUpdate();
          }
          return proofCount(modelId);
        });
  }

  /** Zero-knowledge proofs made of a model so far. */
  public synchronized long proofs(byte[] modelId) {
    return tx.run(() -> proofCount(modelId));
  }

  private long proofCount(byte[] modelId) throws SQLException {
    try (PreparedStatement p =
        db.prepareStatement("SELECT proofs FROM proof_counts WHERE model_id = ?")) {
      p.setBytes(1, modelId);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? r.getLong(1) : 0;
      }
    }
  }

  public synchronized List<ModelEntry> models() {
    return tx.run(() -> models("", null));
  }

  private List<ModelEntry> models(String where, byte[] id) throws SQLException {
    List<ModelEntry> out = new ArrayList<>();
    try (PreparedStatement p =
        db.prepareStatement(
            "SELECT m.model_id, m.name, m.description_digest, m.verifying_key, m.seller_signature,"
                + " m.seller_key, m.registered_at, l.rotated_from, l.rotation_link FROM models m"
                + " LEFT JOIN model_lineage l ON l.model_id = m.model_id "
                + where.replace("model_id", "m.model_id")
                + " ORDER BY m.registered_at, m.model_id")) {
      if (id != null) {
        p.setBytes(1, id);
      }
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(
              ModelEntry.newBuilder()
                  .setModelId(ByteString.copyFrom(r.getBytes(1)))
                  .setName(r.getString(2))
                  .setDescriptionDigest(ByteString.copyFrom(r.getBytes(3)))
                  .setVerifyingKey(ByteString.copyFrom(r.getBytes(4)))
                  .setSellerSignature(
                      Signature.newBuilder()
                          .setRs(ByteString.copyFrom(r.getBytes(5)))
                          .setPublicKey(ByteString.copyFrom(r.getBytes(6))))
                  .setRegisteredAtMillis(r.getLong(7))
                  .setRotatedFrom(
                      r.getBytes(8) == null ? ByteString.EMPTY : ByteString.copyFrom(r.getBytes(8)))
                  .setRotationLink(
                      r.getBytes(9) == null ? ByteString.EMPTY : ByteString.copyFrom(r.getBytes(9)))
                  .build());
        }
      }
    }
    List<ModelEntry> withMetrics = new ArrayList<>();
    try (PreparedStatement p =
        db.prepareStatement(
            "SELECT name, metric, dataset FROM model_metrics WHERE model_id = ? ORDER BY"
                + " position")) {
      for (ModelEntry m : out) {
        ModelEntry.Builder b = m.toBuilder();
        p.setBytes(1, m.getModelId().toByteArray());
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            b.addMetrics(
                ClaimedMetric.newBuilder()
                    .setName(r.getString(1))
                    .setValue(r.getDouble(2))
                    .setDataset(r.getString(3)));
          }
        }
        withMetrics.add(b.build());
      }
    }
    return withMetrics;
  }

  public synchronized void putAnswer(StoredAnswer a) {
    tx.run(
        () -> {
          AnswerStatement s = a.signed().getStatement();
          try (PreparedStatement p =
              db.prepareStatement(
                  "INSERT INTO answers (answer_id, model_id, buyer, input, input_hash, output,"
                      + " output_hash, seller_signature, proof, created_at) VALUES (?, ?, ?, ?, ?,"
                      + " ?, ?, ?, ?, ?)")) {
            p.setString(1, s.getAnswerId());
            p.setBytes(2, s.getModelId().toByteArray());
            p.setBytes(3, s.getBuyer().toByteArray());
            p.setBytes(4, Tensors.toBytes(a.input()));
            p.setBytes(5, s.getInputHash().toByteArray());
            p.setBytes(6, Tensors.toBytes(Tensors.fromList(a.signed().getOutputList())));
            p.setBytes(7, s.getOutputHash().toByteArray());
            p.setBytes(8, a.signed().getSellerSignature().getRs().toByteArray());
            p.setBytes(9, a.proof());
            p.setLong(10, s.getCreatedAtMillis());
            p.executeUpdate();
          }
          return null;
        });
  }

  public synchronized void setProof(String answerId, byte[] proof) {
    tx.run(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement("UPDATE answers SET proof = ? WHERE answer_id = ?")) {
            p.setBytes(1, proof);
            p.setString(2, answerId);
            p.executeUpdate();
          }
          return null;
        });
  }

  /**
   * The answer with the seller's public key filled in (the store keeps one seller key per model).
   */
  public synchronized Optional<StoredAnswer> answer(String answerId) {
    return tx.run(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement(
                  "SELECT a.answer_id, a.model_id, a.buyer, a.input, a.input_hash, a.output,"
                      + " a.output_hash, a.seller_signature, a.proof, a.created_at, m.seller_key"
                      + " FROM answers a JOIN models m ON a.model_id = m.model_id WHERE a.answer_id"
                      + " = ?")) {
            p.setString(1, answerId);
            try (ResultSet r = p.executeQuery()) {
              if (!r.next()) {
                return Optional.empty();
              }
              AnswerStatement s =
                  AnswerStatement.newBuilder()
                      .setAnswerId(r.getString(1))
                      .setModelId(ByteString.copyFrom(r.getBytes(2)))
                      .setBuyer(ByteString.copyFrom(r.getBytes(3)))
                      .setInputHash(ByteString.copyFrom(r.getBytes(5)))
                      .setOutputHash(ByteString.copyFrom(r.getBytes(7)))
                      .setCreatedAtMillis(r.getLong(10))
                      .build();
              SignedAnswer signed =
                  SignedAnswer.newBuilder()
                      .setStatement(s)
                      .addAllOutput(Tensors.toList(Tensors.fromBytes(r.getBytes(6))))
                      .setSellerSignature(
                          Signature.newBuilder()
                              .setRs(ByteString.copyFrom(r.getBytes(8)))
                              .setPublicKey(ByteString.copyFrom(r.getBytes(11))))
                      .build();
              return Optional.of(
                  new StoredAnswer(signed, Tensors.fromBytes(r.getBytes(4)), r.getBytes(9)));
            }
          }
        });
  }

  public synchronized void putContest(ContestRecord c, byte[] buyerSignature) {
    tx.run(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement(
                  "INSERT INTO contests (contest_id, buyer, requested_at, deadline,"
                      + " status, proven_at, buyer_signature) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            p.setString(1, c.contestId());
            p.setBytes(2, c.buyer());
            p.setLong(3, c.requestedAt());
            p.setLong(4, c.deadline());
            p.setString(5, c.status().name());
            p.setObject(6, c.provenAt());
            p.setBytes(7, buyerSignature);
            p.executeUpdate();
          }
          try (PreparedStatement p =
              db.prepareStatement(
                  "INSERT INTO contest_answers (contest_id, position, answer_id) VALUES (?, ?,"
                      + " ?)")) {
            for (int i = 0; i < c.answerIds().size(); i++) {
              p.setString(1, c.contestId());
              p.setInt(2, i);
              p.setString(3, c.answerIds().get(i));
              p.executeUpdate();
            }
          }
          return null;
        });
  }

  public synchronized void closeContest(
      String contestId, ContestRecord.Status status, long provenAt) {
    tx.run(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement(
                  "UPDATE contests SET status = ?, proven_at = ? WHERE contest_id = ?")) {
            p.setString(1, status.name());
            p.setLong(2, provenAt);
            p.setString(3, contestId);
            p.executeUpdate();
          }
          return null;
        });
  }

  public synchronized Optional<ContestRecord> contest(String contestId) {
    return tx.run(
        () -> {
          List<String> ids = new ArrayList<>();
          try (PreparedStatement p =
              db.prepareStatement(
                  "SELECT answer_id FROM contest_answers WHERE contest_id = ? ORDER BY position")) {
            p.setString(1, contestId);
            try (ResultSet r = p.executeQuery()) {
              while (r.next()) {
                ids.add(r.getString(1));
              }
            }
          }
          try (PreparedStatement p =
              db.prepareStatement(
                  "SELECT buyer, requested_at, deadline, status, proven_at FROM contests WHERE"
                      + " contest_id = ?")) {
            p.setString(1, contestId);
            try (ResultSet r = p.executeQuery()) {
              if (!r.next()) {
                return Optional.empty();
              }
              long provenAt = r.getLong(5);
              Long proven = r.wasNull() ? null : provenAt;
              return Optional.of(
                  new ContestRecord(
                      contestId,
                      r.getBytes(1),
                      r.getLong(2),
                      r.getLong(3),
                      ContestRecord.Status.valueOf(r.getString(4)),
                      proven,
                      List.copyOf(ids)));
            }
          }
        });
  }

  // ---- on-chain mirror (V4) ----

  /** The on-chain id under which this seller registered the model in {@code registry}. */
  public synchronized Optional<Long> chainModel(String registry, byte[] modelId) {
    return tx.run(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement(
                  "SELECT chain_model FROM chain_models WHERE registry = ? AND model_id = ?")) {
            p.setString(1, registry);
            p.setBytes(2, modelId);
            try (ResultSet r = p.executeQuery()) {
              return r.next() ? Optional.of(r.getLong(1)) : Optional.<Long>empty();
            }
          }
        });
  }

  public synchronized void putChainModel(String registry, byte[] modelId, long chainModel) {
    tx.run(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement(
                  "INSERT INTO chain_models (registry, model_id, chain_model) VALUES (?, ?, ?)")) {
            p.setString(1, registry);
            p.setBytes(2, modelId);
            p.setLong(3, chainModel);
            p.executeUpdate();
          }
          return null;
        });
  }

  /**
   * The first block of the escrow's contest events the seller has not settled yet, if it stored
   * one.
   */
  public synchronized Optional<Long> chainCursor(String escrow) {
    return tx.run(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement("SELECT next_block FROM chain_cursors WHERE escrow = ?")) {
            p.setString(1, escrow);
            try (ResultSet r = p.executeQuery()) {
              return r.next() ? Optional.of(r.getLong(1)) : Optional.<Long>empty();
            }
          }
        });
  }

  public synchronized void setChainCursor(String escrow, long nextBlock) {
    tx.run(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement(
                  "MERGE INTO chain_cursors c USING (VALUES (CAST(? AS VARCHAR(42)), CAST(? AS"
                      + " BIGINT))) AS v (escrow, next_block) ON c.escrow = v.escrow WHEN MATCHED"
                      + " THEN UPDATE SET next_block = v.next_block WHEN NOT MATCHED THEN INSERT"
                      + " (escrow, next_block) VALUES (v.escrow, v.next_block)")) {
            p.setString(1, escrow);
            p.setLong(2, nextBlock);
            p.executeUpdate();
          }
          return null;
        });
  }

  /** Records that an answer was co-signed for an on-chain order (after {@link #putAnswer}). */
  public synchronized void putChainAnswer(
      String answerId, String escrow, long orderId, byte[] signature) {
    tx.run(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement(
                  "INSERT INTO chain_answers (answer_id, escrow, order_id, chain_signature) VALUES"
                      + " (?, ?, ?, ?)")) {
            p.setString(1, answerId);
            p.setString(2, escrow);
            p.setLong(3, orderId);
            p.setBytes(4, signature);
            p.executeUpdate();
          }
          return null;
        });
  }

  /**
   * The answer an on-chain contest names: given for that order, with those input and output hashes.
   */
  public synchronized Optional<String> chainAnswerId(
      String escrow, long orderId, byte[] inputHash, byte[] outputHash) {
    return tx.run(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement(
                  "SELECT a.answer_id FROM chain_answers c JOIN answers a ON a.answer_id ="
                      + " c.answer_id WHERE c.escrow = ? AND c.order_id = ? AND a.input_hash = ?"
                      + " AND a.output_hash = ? ORDER BY a.created_at LIMIT 1")) {
            p.setString(1, escrow);
            p.setLong(2, orderId);
            p.setBytes(3, inputHash);
            p.setBytes(4, outputHash);
            try (ResultSet r = p.executeQuery()) {
              return r.next() ? Optional.of(r.getString(1)) : Optional.<String>empty();
            }
          }
        });
  }

  // ---- signed predict requests (V4) ----

  /**
   * Records a request nonce; false if this buyer used it before (a replay). Nonces older than
   * {@code forgetBefore} are dropped first: requests that old are refused by their time.
   */
  public synchronized boolean useNonce(
      byte[] buyer, String nonce, long requestedAt, long forgetBefore) {
    return tx.run(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement("DELETE FROM request_nonces WHERE requested_at < ?")) {
            p.setLong(1, forgetBefore);
            p.executeUpdate();
          }
          try (PreparedStatement p =
              db.prepareStatement("SELECT 1 FROM request_nonces WHERE buyer = ? AND nonce = ?")) {
            p.setBytes(1, buyer);
            p.setString(2, nonce);
            try (ResultSet r = p.executeQuery()) {
              if (r.next()) {
                return false;
              }
            }
          }
          try (PreparedStatement p =
              db.prepareStatement(
                  "INSERT INTO request_nonces (buyer, nonce, requested_at) VALUES (?, ?, ?)")) {
            p.setBytes(1, buyer);
            p.setString(2, nonce);
            p.setLong(3, requestedAt);
            p.executeUpdate();
          }
          return true;
        });
  }

  // ---- contest recovery ----

  /** Contests stored but not finished (the seller stopped mid-contest), oldest first. */
  public synchronized List<String> openContests() {
    return tx.run(
        () -> {
          List<String> ids = new ArrayList<>();
          try (PreparedStatement p =
              db.prepareStatement(
                  "SELECT contest_id FROM contests WHERE status = 'OPEN' ORDER BY requested_at,"
                      + " contest_id")) {
            try (ResultSet r = p.executeQuery()) {
              while (r.next()) {
                ids.add(r.getString(1));
              }
            }
          }
          return ids;
        });
  }

  @Override
  public synchronized void close() {
    tx.close();
  }
}
