package io.zkaudit.protocols.seller;

import io.zkaudit.proto.v1.AnswerStatement;
import io.zkaudit.proto.v1.ClaimedMetric;
import io.zkaudit.proto.v1.ModelEntry;
import io.zkaudit.proto.v1.Signature;
import io.zkaudit.proto.v1.SignedAnswer;
import io.zkaudit.protocols.Tensors;
import io.zkaudit.protocols.seller.Sql.RowMapper;
import java.sql.SQLException;
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
  private final Sql db;

  private SellerStore(Transactions tx) {
    this.tx = tx;
    this.db = tx.sql();
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
          byte[] recorded =
              db.sql("SELECT public_key FROM seller_identity WHERE id = 1")
                  .first(r -> r.bytes("public_key"))
                  .orElse(null);
          if (recorded == null) {
            for (byte[] key :
                db.sql("SELECT DISTINCT seller_key FROM models").list(r -> r.bytes("seller_key"))) {
              if (!java.util.Arrays.equals(key, publicKey)) {
                recorded = key;
                break;
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
          db.sql(
                  "MERGE INTO seller_identity s USING (VALUES (1, CAST(:public_key AS BYTEA),"
                      + " CAST(:recorded_at AS BIGINT))) AS v (id, public_key, recorded_at) ON s.id"
                      + " = v.id WHEN NOT MATCHED THEN INSERT (id, public_key, recorded_at) VALUES"
                      + " (v.id, v.public_key, v.recorded_at)")
              .bind("public_key", publicKey)
              .bind("recorded_at", clock.getAsLong())
              .update();
          return null;
        });
  }

  public synchronized void putModel(ModelEntry m) {
    tx.run(
        () -> {
          db.sql(
                  "INSERT INTO models (model_id, name, description_digest, verifying_key,"
                      + " seller_signature, seller_key, registered_at, input_normalization) VALUES"
                      + " (:model_id, :name, :description_digest, :verifying_key,"
                      + " :seller_signature, :seller_key, :registered_at, :input_normalization)")
              .bind("model_id", m.getModelId())
              .bind("name", m.getName())
              .bind("description_digest", m.getDescriptionDigest())
              .bind("verifying_key", m.getVerifyingKey())
              .bind("seller_signature", m.getSellerSignature().getRs())
              .bind("seller_key", m.getSellerSignature().getPublicKey())
              .bind("registered_at", m.getRegisteredAtMillis())
              .bind(
                  "input_normalization",
                  m.hasInputNormalization() ? m.getInputNormalization().toByteArray() : null)
              .update();
          db.sql(
                  "INSERT INTO model_metrics (model_id, position, name, metric, dataset) VALUES"
                      + " (:model_id, :position, :name, :metric, :dataset)")
              .bind("model_id", m.getModelId())
              .batch(
                  Sql.positions(m.getMetricsCount()),
                  (s, i) -> {
                    ClaimedMetric c = m.getMetrics(i);
                    s.bind("position", i)
                        .bind("name", c.getName())
                        .bind("metric", c.getValue())
                        .bind("dataset", c.getDataset());
                  });
          if (!m.getRotatedFrom().isEmpty()) {
            db.sql(
                    "INSERT INTO model_lineage (model_id, rotated_from, rotation_link, generation)"
                        + " VALUES (:model_id, :rotated_from, :rotation_link, :generation)")
                .bind("model_id", m.getModelId())
                .bind("rotated_from", m.getRotatedFrom())
                .bind("rotation_link", m.getRotationLink())
                .bind("generation", generationOf(m))
                .update();
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
        () ->
            db.sql("SELECT model_id FROM model_lineage WHERE rotated_from = :rotated_from")
                .bind("rotated_from", modelId)
                .first(r -> r.bytes("model_id")));
  }

  /** A model key's rotation generation: 0 for a model's first key. */
  public synchronized int generation(byte[] modelId) {
    return tx.run(
        () ->
            db.sql("SELECT generation FROM model_lineage WHERE model_id = :model_id")
                .bind("model_id", modelId)
                .first(r -> r.int32("generation"))
                .orElse(0));
  }

  public synchronized Optional<ModelEntry> model(byte[] modelId) {
    return tx.run(() -> models(modelId).stream().findFirst());
  }

  /**
   * Counts one more zero-knowledge proof of a model and returns the new total (the weight
   * commitment's hiding budget is spent proof by proof: docs/zero-knowledge.md).
   */
  public synchronized long countProof(byte[] modelId) {
    return tx.run(
        () -> {
          db.sql(
                  "MERGE INTO proof_counts c USING (VALUES (CAST(:model_id AS BYTEA))) AS v"
                      + " (model_id) ON c.model_id = v.model_id WHEN MATCHED THEN UPDATE SET"
                      + " proofs = c.proofs + 1 WHEN NOT MATCHED THEN INSERT (model_id, proofs)"
                      + " VALUES (v.model_id, 1)")
              .bind("model_id", modelId)
              .update();
          return proofCount(modelId);
        });
  }

  /** Zero-knowledge proofs made of a model so far. */
  public synchronized long proofs(byte[] modelId) {
    return tx.run(() -> proofCount(modelId));
  }

  private long proofCount(byte[] modelId) throws SQLException {
    return db.sql("SELECT proofs FROM proof_counts WHERE model_id = :model_id")
        .bind("model_id", modelId)
        .first(r -> r.int64("proofs"))
        .orElse(0L);
  }

  public synchronized List<ModelEntry> models() {
    return tx.run(() -> models(null));
  }

  /** A registered model, its rotation (if any) joined; its metrics are read apart. */
  private static final RowMapper<ModelEntry> MODEL =
      r -> {
        ModelEntry.Builder b =
            ModelEntry.newBuilder()
                .setModelId(r.byteString("model_id"))
                .setName(r.text("name"))
                .setDescriptionDigest(r.byteString("description_digest"))
                .setVerifyingKey(r.byteString("verifying_key"))
                .setSellerSignature(
                    Signature.newBuilder()
                        .setRs(r.byteString("seller_signature"))
                        .setPublicKey(r.byteString("seller_key")))
                .setRegisteredAtMillis(r.int64("registered_at"))
                .setRotatedFrom(r.byteString("rotated_from"))
                .setRotationLink(r.byteString("rotation_link"));
        byte[] normalization = r.bytes("input_normalization");
        if (normalization != null) {
          try {
            b.setInputNormalization(
                io.zkaudit.proto.v1.InputNormalization.parseFrom(normalization));
          } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new java.sql.SQLException("models.input_normalization: " + e.getMessage(), e);
          }
        }
        return b.build();
      };

  private static final RowMapper<ClaimedMetric> METRIC =
      r ->
          ClaimedMetric.newBuilder()
              .setName(r.text("name"))
              .setValue(r.float64("metric"))
              .setDataset(r.text("dataset"))
              .build();

  private static final String MODELS =
      "SELECT m.model_id, m.name, m.description_digest, m.verifying_key, m.seller_signature,"
          + " m.seller_key, m.registered_at, m.input_normalization, l.rotated_from,"
          + " l.rotation_link FROM models m"
          + " LEFT JOIN model_lineage l ON l.model_id = m.model_id";

  /** Every model, or the one with this id (null: every one), with their metrics. */
  private List<ModelEntry> models(byte[] id) throws SQLException {
    String order = " ORDER BY m.registered_at, m.model_id";
    List<ModelEntry> found =
        id == null
            ? db.sql(MODELS + order).list(MODEL)
            : db.sql(MODELS + " WHERE m.model_id = :model_id" + order)
                .bind("model_id", id)
                .list(MODEL);
    List<ModelEntry> withMetrics = new java.util.ArrayList<>();
    for (ModelEntry m : found) {
      List<ClaimedMetric> metrics =
          db.sql(
                  "SELECT name, metric, dataset FROM model_metrics WHERE model_id = :model_id"
                      + " ORDER BY position")
              .bind("model_id", m.getModelId())
              .list(METRIC);
      withMetrics.add(m.toBuilder().addAllMetrics(metrics).build());
    }
    return withMetrics;
  }

  public synchronized void putAnswer(StoredAnswer a) {
    tx.run(
        () -> {
          AnswerStatement s = a.signed().getStatement();
          db.sql(
                  "INSERT INTO answers (answer_id, model_id, buyer, input, input_hash, output,"
                      + " output_hash, seller_signature, proof, created_at) VALUES (:answer_id,"
                      + " :model_id, :buyer, :input, :input_hash, :output, :output_hash,"
                      + " :seller_signature, :proof, :created_at)")
              .bind("answer_id", s.getAnswerId())
              .bind("model_id", s.getModelId())
              .bind("buyer", s.getBuyer())
              .bind("input", Tensors.toBytes(a.input()))
              .bind("input_hash", s.getInputHash())
              .bind("output", Tensors.toBytes(Tensors.fromList(a.signed().getOutputList())))
              .bind("output_hash", s.getOutputHash())
              .bind("seller_signature", a.signed().getSellerSignature().getRs())
              .bind("proof", a.proof())
              .bind("created_at", s.getCreatedAtMillis())
              .update();
          return null;
        });
  }

  public synchronized void setProof(String answerId, byte[] proof) {
    tx.run(
        () ->
            db.sql("UPDATE answers SET proof = :proof WHERE answer_id = :answer_id")
                .bind("proof", proof)
                .bind("answer_id", answerId)
                .update());
  }

  /** An answer joined with its model's seller key (the store keeps one per model). */
  private static final RowMapper<StoredAnswer> ANSWER =
      r -> {
        AnswerStatement s =
            AnswerStatement.newBuilder()
                .setAnswerId(r.text("answer_id"))
                .setModelId(r.byteString("model_id"))
                .setBuyer(r.byteString("buyer"))
                .setInputHash(r.byteString("input_hash"))
                .setOutputHash(r.byteString("output_hash"))
                .setCreatedAtMillis(r.int64("created_at"))
                .build();
        SignedAnswer signed =
            SignedAnswer.newBuilder()
                .setStatement(s)
                .addAllOutput(Tensors.toList(Tensors.fromBytes(r.bytes("output"))))
                .setSellerSignature(
                    Signature.newBuilder()
                        .setRs(r.byteString("seller_signature"))
                        .setPublicKey(r.byteString("seller_key")))
                .build();
        return new StoredAnswer(signed, Tensors.fromBytes(r.bytes("input")), r.bytes("proof"));
      };

  /**
   * The answer with the seller's public key filled in (the store keeps one seller key per model).
   */
  public synchronized Optional<StoredAnswer> answer(String answerId) {
    return tx.run(
        () ->
            db.sql(
                    "SELECT a.answer_id, a.model_id, a.buyer, a.input, a.input_hash, a.output,"
                        + " a.output_hash, a.seller_signature, a.proof, a.created_at, m.seller_key"
                        + " FROM answers a JOIN models m ON a.model_id = m.model_id WHERE"
                        + " a.answer_id = :answer_id")
                .bind("answer_id", answerId)
                .first(ANSWER));
  }

  public synchronized void putContest(ContestRecord c, byte[] buyerSignature) {
    tx.run(
        () -> {
          db.sql(
                  "INSERT INTO contests (contest_id, buyer, requested_at, deadline, status,"
                      + " proven_at, buyer_signature) VALUES (:contest_id, :buyer, :requested_at,"
                      + " :deadline, :status, :proven_at, :buyer_signature)")
              .bind("contest_id", c.contestId())
              .bind("buyer", c.buyer())
              .bind("requested_at", c.requestedAt())
              .bind("deadline", c.deadline())
              .bind("status", c.status())
              .bind("proven_at", c.provenAt())
              .bind("buyer_signature", buyerSignature)
              .update();
          db.sql(
                  "INSERT INTO contest_answers (contest_id, position, answer_id) VALUES"
                      + " (:contest_id, :position, :answer_id)")
              .bind("contest_id", c.contestId())
              .batch(
                  Sql.positions(c.answerIds().size()),
                  (s, i) -> s.bind("position", i).bind("answer_id", c.answerIds().get(i)));
          return null;
        });
  }

  public synchronized void closeContest(
      String contestId, ContestRecord.Status status, long provenAt) {
    tx.run(
        () ->
            db.sql(
                    "UPDATE contests SET status = :status, proven_at = :proven_at WHERE contest_id"
                        + " = :contest_id")
                .bind("status", status)
                .bind("proven_at", provenAt)
                .bind("contest_id", contestId)
                .update());
  }

  public synchronized Optional<ContestRecord> contest(String contestId) {
    return tx.run(
        () -> {
          List<String> ids =
              db.sql(
                      "SELECT answer_id FROM contest_answers WHERE contest_id = :contest_id ORDER"
                          + " BY position")
                  .bind("contest_id", contestId)
                  .list(r -> r.text("answer_id"));
          return db.sql(
                  "SELECT contest_id, buyer, requested_at, deadline, status, proven_at FROM"
                      + " contests WHERE contest_id = :contest_id")
              .bind("contest_id", contestId)
              .first(
                  r ->
                      new ContestRecord(
                          r.text("contest_id"),
                          r.bytes("buyer"),
                          r.int64("requested_at"),
                          r.int64("deadline"),
                          r.enumValue("status", ContestRecord.Status.class),
                          r.nullableLong("proven_at"),
                          List.copyOf(ids)));
        });
  }

  // ---- on-chain mirror (V4) ----

  /** The on-chain id under which this seller registered the model in {@code registry}. */
  public synchronized Optional<Long> chainModel(String registry, byte[] modelId) {
    return tx.run(
        () ->
            db.sql(
                    "SELECT chain_model FROM chain_models WHERE registry = :registry AND model_id"
                        + " = :model_id")
                .bind("registry", registry)
                .bind("model_id", modelId)
                .first(r -> r.int64("chain_model")));
  }

  public synchronized void putChainModel(String registry, byte[] modelId, long chainModel) {
    tx.run(
        () ->
            db.sql(
                    "INSERT INTO chain_models (registry, model_id, chain_model) VALUES (:registry,"
                        + " :model_id, :chain_model)")
                .bind("registry", registry)
                .bind("model_id", modelId)
                .bind("chain_model", chainModel)
                .update());
  }

  /**
   * The first block of the escrow's contest events the seller has not settled yet, if it stored
   * one.
   */
  public synchronized Optional<Long> chainCursor(String escrow) {
    return tx.run(
        () ->
            db.sql("SELECT next_block FROM chain_cursors WHERE escrow = :escrow")
                .bind("escrow", escrow)
                .first(r -> r.int64("next_block")));
  }

  public synchronized void setChainCursor(String escrow, long nextBlock) {
    tx.run(
        () ->
            db.sql(
                    "MERGE INTO chain_cursors c USING (VALUES (CAST(:escrow AS VARCHAR(42)),"
                        + " CAST(:next_block AS BIGINT))) AS v (escrow, next_block) ON c.escrow ="
                        + " v.escrow WHEN MATCHED THEN UPDATE SET next_block = v.next_block WHEN"
                        + " NOT MATCHED THEN INSERT (escrow, next_block) VALUES (v.escrow,"
                        + " v.next_block)")
                .bind("escrow", escrow)
                .bind("next_block", nextBlock)
                .update());
  }

  /** Records that an answer was co-signed for an on-chain order (after {@link #putAnswer}). */
  public synchronized void putChainAnswer(
      String answerId, String escrow, long orderId, byte[] signature) {
    tx.run(
        () ->
            db.sql(
                    "INSERT INTO chain_answers (answer_id, escrow, order_id, chain_signature)"
                        + " VALUES (:answer_id, :escrow, :order_id, :chain_signature)")
                .bind("answer_id", answerId)
                .bind("escrow", escrow)
                .bind("order_id", orderId)
                .bind("chain_signature", signature)
                .update());
  }

  /**
   * The answer an on-chain contest names: given for that order, with those input and output hashes.
   */
  public synchronized Optional<String> chainAnswerId(
      String escrow, long orderId, byte[] inputHash, byte[] outputHash) {
    return tx.run(
        () ->
            db.sql(
                    "SELECT a.answer_id FROM chain_answers c JOIN answers a ON a.answer_id ="
                        + " c.answer_id WHERE c.escrow = :escrow AND c.order_id = :order_id AND"
                        + " a.input_hash = :input_hash AND a.output_hash = :output_hash ORDER BY"
                        + " a.created_at LIMIT 1")
                .bind("escrow", escrow)
                .bind("order_id", orderId)
                .bind("input_hash", inputHash)
                .bind("output_hash", outputHash)
                .first(r -> r.text("answer_id")));
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
          db.sql("DELETE FROM request_nonces WHERE requested_at < :forget_before")
              .bind("forget_before", forgetBefore)
              .update();
          if (db.sql("SELECT 1 FROM request_nonces WHERE buyer = :buyer AND nonce = :nonce")
              .bind("buyer", buyer)
              .bind("nonce", nonce)
              .exists()) {
            return false;
          }
          db.sql(
                  "INSERT INTO request_nonces (buyer, nonce, requested_at) VALUES (:buyer, :nonce,"
                      + " :requested_at)")
              .bind("buyer", buyer)
              .bind("nonce", nonce)
              .bind("requested_at", requestedAt)
              .update();
          return true;
        });
  }

  // ---- contest recovery ----

  /** Contests stored but not finished (the seller stopped mid-contest), oldest first. */
  public synchronized List<String> openContests() {
    return tx.run(
        () ->
            db.sql(
                    "SELECT contest_id FROM contests WHERE status = 'OPEN' ORDER BY requested_at,"
                        + " contest_id")
                .list(r -> r.text("contest_id")));
  }

  @Override
  public synchronized void close() {
    tx.close();
  }
}
