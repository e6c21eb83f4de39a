package io.zkaudit.protocols.seller;

import com.google.protobuf.InvalidProtocolBufferException;
import io.zkaudit.proto.v1.ItemSet;
import io.zkaudit.proto.v1.ItemSetStatement;
import io.zkaudit.proto.v1.QueryRequest;
import io.zkaudit.proto.v1.Signature;
import io.zkaudit.protocols.Statements;
import io.zkaudit.protocols.Tensors;
import io.zkaudit.protocols.seller.Sql.RowMapper;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The retrieval state (tables of migrations V3 and V6): item sets and their items, buyers' queries,
 * and one proof per (model, item). Its own connection to the seller's database, opened after {@link
 * SellerStore} has migrated it; every method is one transaction under the store's lock.
 */
public final class RetrievalStore implements AutoCloseable {
  private final Transactions tx;
  private final Sql db;

  private RetrievalStore(Transactions tx) {
    this.tx = tx;
    this.db = tx.sql();
  }

  /** Opens a connection to a database that SellerStore.open has already migrated. */
  public static RetrievalStore open(String jdbcUrl) {
    try {
      return new RetrievalStore(Transactions.connect(jdbcUrl, "seller database"));
    } catch (SQLException e) {
      throw new StoreException(
          "cannot open the seller database " + jdbcUrl + ": " + e.getMessage(), e);
    }
  }

  /** A proven output and its encoded proof. */
  public record ItemProof(int[] output, byte[] proof) {}

  /**
   * An item of a private set's input commitment (InputCommitment.encode()), its digest (the leaf's
   * hash) and the seed its randomness was derived from (InputSeeds).
   */
  public record ItemCommitmentRecord(byte[] commitment, byte[] digest, byte[] seed) {}

  public synchronized void putItemSet(ItemSet set, List<ItemRecord> items) {
    putItemSet(set, items, List.of());
  }

  /**
   * Stores a set; {@code commitments} (one per item, in order) for a private set, empty for a
   * public one.
   */
  public synchronized void putItemSet(
      ItemSet set, List<ItemRecord> items, List<ItemCommitmentRecord> commitments) {
    tx.run(
        () -> {
          ItemSetStatement s = set.getStatement();
          db.sql(
                  "INSERT INTO item_sets (item_set_id, name, item_count, values_per_item,"
                      + " merkle_root, seller_signature, seller_key, committed_at,"
                      + " private_for_model) VALUES (:item_set_id, :name, :item_count,"
                      + " :values_per_item, :merkle_root, :seller_signature, :seller_key,"
                      + " :committed_at, :private_for_model)")
              .bind("item_set_id", set.getItemSetId())
              .bind("name", s.getName())
              .bind("item_count", s.getCount())
              .bind("values_per_item", s.getValuesPerItem())
              .bind("merkle_root", s.getMerkleRoot())
              .bind("seller_signature", set.getSellerSignature().getRs())
              .bind("seller_key", set.getSellerSignature().getPublicKey())
              .bind("committed_at", set.getCommittedAtMillis())
              .bind(
                  "private_for_model",
                  s.getPrivateForModel().isEmpty() ? null : s.getPrivateForModel().toByteArray())
              .update();
          db.sql(
                  "INSERT INTO items (item_set_id, position, name, tensor, tensor_hash) VALUES"
                      + " (:item_set_id, :position, :name, :tensor, :tensor_hash)")
              .bind("item_set_id", set.getItemSetId())
              .batch(
                  items,
                  (st, item) ->
                      st.bind("position", item.position())
                          .bind("name", item.name())
                          .bind("tensor", Tensors.toBytes(item.tensor()))
                          .bind("tensor_hash", Statements.tensorHash(item.tensor())));
          db.sql(
                  "INSERT INTO item_commitments (item_set_id, position, input_commitment,"
                      + " commitment_digest, input_seed) VALUES (:item_set_id, :position,"
                      + " :commitment, :digest, :seed)")
              .bind("item_set_id", set.getItemSetId())
              .batch(
                  Sql.positions(commitments.size()),
                  (st, i) ->
                      st.bind("position", i)
                          .bind("commitment", commitments.get(i).commitment())
                          .bind("digest", commitments.get(i).digest())
                          .bind("seed", commitments.get(i).seed()));
          return null;
        });
  }

  /** A private set's item commitment. */
  public synchronized ItemCommitmentRecord commitment(byte[] itemSetId, int position) {
    return tx.run(
        () ->
            db.sql(
                    "SELECT input_commitment, commitment_digest, input_seed FROM item_commitments"
                        + " WHERE item_set_id = :item_set_id AND position = :position")
                .bind("item_set_id", itemSetId)
                .bind("position", position)
                .one(
                    r ->
                        new ItemCommitmentRecord(
                            r.bytes("input_commitment"),
                            r.bytes("commitment_digest"),
                            r.bytes("input_seed")),
                    "the input commitment of item " + position + " of a private set is missing"));
  }

  public synchronized Optional<ItemSet> itemSet(byte[] itemSetId) {
    return tx.run(
        () ->
            db.sql(ITEM_SETS + " WHERE item_set_id = :item_set_id" + ITEM_SET_ORDER)
                .bind("item_set_id", itemSetId)
                .first(ITEM_SET));
  }

  public synchronized List<ItemSet> itemSets() {
    return tx.run(() -> db.sql(ITEM_SETS + ITEM_SET_ORDER).list(ITEM_SET));
  }

  private static final String ITEM_SETS =
      "SELECT item_set_id, name, item_count, values_per_item, merkle_root, seller_signature,"
          + " seller_key, committed_at, private_for_model FROM item_sets";
  private static final String ITEM_SET_ORDER = " ORDER BY committed_at, item_set_id";

  /** A committed item set (a public one's private_for_model is NULL: the empty byte string). */
  private static final RowMapper<ItemSet> ITEM_SET =
      r ->
          ItemSet.newBuilder()
              .setItemSetId(r.byteString("item_set_id"))
              .setStatement(
                  ItemSetStatement.newBuilder()
                      .setName(r.text("name"))
                      .setCount(r.int32("item_count"))
                      .setValuesPerItem(r.int32("values_per_item"))
                      .setMerkleRoot(r.byteString("merkle_root"))
                      .setPrivateForModel(r.byteString("private_for_model")))
              .setSellerSignature(
                  Signature.newBuilder()
                      .setRs(r.byteString("seller_signature"))
                      .setPublicKey(r.byteString("seller_key")))
              .setCommittedAtMillis(r.int64("committed_at"))
              .build();

  public synchronized ItemRecord item(byte[] itemSetId, int position) {
    return tx.run(
        () ->
            db.sql(
                    "SELECT position, name, tensor FROM items WHERE item_set_id = :item_set_id AND"
                        + " position = :position")
                .bind("item_set_id", itemSetId)
                .bind("position", position)
                .one(
                    r ->
                        new ItemRecord(
                            r.int32("position"),
                            r.text("name"),
                            Tensors.fromBytes(r.bytes("tensor"))),
                    "item " + position + " of a committed set is missing"));
  }

  public synchronized void putQuery(QueryRequest q) {
    tx.run(
        () ->
            db.sql(
                    "INSERT INTO retrieval_queries (query_id, buyer, item_set_id, model_id,"
                        + " request, requested_at, status) VALUES (:query_id, :buyer,"
                        + " :item_set_id, :model_id, :request, :requested_at, :status)")
                .bind("query_id", q.getQueryId())
                .bind("buyer", q.getBuyerSignature().getPublicKey())
                .bind("item_set_id", q.getItemSetId())
                .bind("model_id", q.getModelId())
                .bind("request", q.toByteArray())
                .bind("requested_at", q.getRequestedAtMillis())
                .bind("status", QueryRecord.Status.OPEN)
                .update());
  }

  /** A stored query's request, parsed; one that does not parse is a broken store. */
  private static QueryRequest request(Sql.Row r) throws SQLException {
    try {
      return QueryRequest.parseFrom(r.bytes("request"));
    } catch (InvalidProtocolBufferException e) {
      throw new SQLException("stored query " + r.text("query_id") + " does not parse", e);
    }
  }

  public synchronized Optional<QueryRecord> query(String queryId) {
    return tx.run(
        () ->
            db.sql(
                    "SELECT query_id, request, status, done_at FROM retrieval_queries WHERE"
                        + " query_id = :query_id")
                .bind("query_id", queryId)
                .first(
                    r ->
                        new QueryRecord(
                            request(r),
                            r.enumValue("status", QueryRecord.Status.class),
                            r.nullableLong("done_at"))));
  }

  /** The requests of queries not yet answered in full, oldest first. */
  public synchronized List<QueryRequest> openQueries() {
    return tx.run(
        () ->
            db.sql(
                    "SELECT query_id, request FROM retrieval_queries WHERE status = :status ORDER"
                        + " BY requested_at, query_id")
                .bind("status", QueryRecord.Status.OPEN)
                .list(RetrievalStore::request));
  }

  public synchronized void closeQuery(String queryId, long doneAt) {
    tx.run(
        () ->
            db.sql(
                    "UPDATE retrieval_queries SET status = :done, done_at = :done_at WHERE"
                        + " query_id = :query_id AND status = :open")
                .bind("done", QueryRecord.Status.DONE)
                .bind("done_at", doneAt)
                .bind("query_id", queryId)
                .bind("open", QueryRecord.Status.OPEN)
                .update());
  }

  private static final String PROOF_KEY =
      " WHERE model_id = :model_id AND item_set_id = :item_set_id AND position = :position";

  public synchronized Optional<ItemProof> proof(byte[] modelId, byte[] itemSetId, int position) {
    return tx.run(
        () ->
            db.sql("SELECT output, proof FROM item_proofs" + PROOF_KEY)
                .bind("model_id", modelId)
                .bind("item_set_id", itemSetId)
                .bind("position", position)
                .first(r -> new ItemProof(Tensors.fromBytes(r.bytes("output")), r.bytes("proof"))));
  }

  /** Stores a proof unless one is stored already (two queries may prove the same item at once). */
  public synchronized void putProof(
      byte[] modelId, byte[] itemSetId, int position, ItemProof proof) {
    tx.run(
        () -> {
          if (db.sql("SELECT 1 FROM item_proofs" + PROOF_KEY)
              .bind("model_id", modelId)
              .bind("item_set_id", itemSetId)
              .bind("position", position)
              .exists()) {
            return null;
          }
          db.sql(
                  "INSERT INTO item_proofs (model_id, item_set_id, position, output, proof) VALUES"
                      + " (:model_id, :item_set_id, :position, :output, :proof)")
              .bind("model_id", modelId)
              .bind("item_set_id", itemSetId)
              .bind("position", position)
              .bind("output", Tensors.toBytes(proof.output()))
              .bind("proof", proof.proof())
              .update();
          return null;
        });
  }

  /** How many items of the set have a stored proof by this model (for tests and progress). */
  public synchronized int provenCount(byte[] modelId, byte[] itemSetId) {
    return tx.run(
        () ->
            db.sql(
                    "SELECT COUNT(*) AS proven FROM item_proofs WHERE model_id = :model_id AND"
                        + " item_set_id = :item_set_id")
                .bind("model_id", modelId)
                .bind("item_set_id", itemSetId)
                .one(r -> r.int32("proven"), "COUNT(*) returned no row"));
  }

  @Override
  public synchronized void close() {
    tx.close();
  }
}
