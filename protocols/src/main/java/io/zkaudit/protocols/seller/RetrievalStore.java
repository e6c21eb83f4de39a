package io.zkaudit.protocols.seller;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.zkaudit.proto.v1.ItemSet;
import io.zkaudit.proto.v1.ItemSetStatement;
import io.zkaudit.proto.v1.QueryRequest;
import io.zkaudit.proto.v1.Signature;
import io.zkaudit.protocols.Statements;
import io.zkaudit.protocols.Tensors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The retrieval state (tables of migrations V3 and V6): item sets and their items, buyers' queries,
 * and one proof per (model, item). Its own connection to the seller's database, opened after {@link
 * SellerStore} has migrated it; every method is one transaction under the store's lock.
 */
public final class RetrievalStore implements AutoCloseable {
  private final Transactions tx;
  private final Connection db;

  private RetrievalStore(Transactions tx) {
    this.tx = tx;
    this.db = tx.connection();
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
          try (PreparedStatement p =
              db.prepareStatement(
                  "INSERT INTO item_sets (item_set_id, name, item_count, values_per_item,"
                      + " merkle_root, seller_signature, seller_key, committed_at,"
                      + " private_for_model) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            p.setBytes(1, set.getItemSetId().toByteArray());
            p.setString(2, s.getName());
            p.setInt(3, s.getCount());
            p.setInt(4, s.getValuesPerItem());
            p.setBytes(5, s.getMerkleRoot().toByteArray());
            p.setBytes(6, set.getSellerSignature().getRs().toByteArray());
            p.setBytes(7, set.getSellerSignature().getPublicKey().toByteArray());
            p.setLong(8, set.getCommittedAtMillis());
            p.setBytes(
                9, s.getPrivateForModel().isEmpty() ? null : s.getPrivateForModel().toByteArray());
            p.executeUpdate();
          }
          try (PreparedStatement p =
              db.prepareStatement(
                  "INSERT INTO items (item_set_id, position, name, tensor, tensor_hash) VALUES (?,"
                      + " ?, ?, ?, ?)")) {
            for (ItemRecord item : items) {
              p.setBytes(1, set.getItemSetId().toByteArray());
              p.setInt(2, item.position());
              p.setString(3, item.name());
              p.setBytes(4, Tensors.toBytes(item.tensor()));
              p.setBytes(5, Statements.tensorHash(item.tensor()));
              p.executeUpdate();
            }
          }
          try (PreparedStatement p =
              db.prepareStatement(
                  "INSERT INTO item_commitments (item_set_id, position, input_commitment,"
                      + " commitment_digest, input_seed) VALUES (?, ?, ?, ?, ?)")) {
            for (int i = 0; i < commitments.size(); i++) {
              p.setBytes(1, set.getItemSetId().toByteArray());
              p.setInt(2, i);
              p.setBytes(3, commitments.get(i).commitment());
              p.setBytes(4, commitments.get(i).digest());
              p.setBytes(5, commitments.get(i).seed());
              p.executeUpdate();
            }
          }
          return null;
        });
  }

  /** A private set's item commitment. */
  public synchronized ItemCommitmentRecord commitment(byte[] itemSetId, int position) {
    return tx.run(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement(
                  "SELECT input_commitment, commitment_digest, input_seed"
                      + " FROM item_commitments WHERE item_set_id = ? AND position = ?")) {
            p.setBytes(1, itemSetId);
            p.setInt(2, position);
            try (ResultSet r = p.executeQuery()) {
              if (!r.next()) {
                throw new SQLException(
                    "the input commitment of item " + position + " of a private set is missing");
              }
              return new ItemCommitmentRecord(r.getBytes(1), r.getBytes(2), r.getBytes(3));
            }
          }
        });
  }

  public synchronized Optional<ItemSet> itemSet(byte[] itemSetId) {
    return tx.run(() -> itemSets("WHERE item_set_id = ?", itemSetId).stream().findFirst());
  }

  public synchronized List<ItemSet> itemSets() {
    return tx.run(() -> itemSets("", null));
  }

  private List<ItemSet> itemSets(String where, byte[] id) throws SQLException {
    List<ItemSet> out = new ArrayList<>();
    try (PreparedStatement p =
        db.prepareStatement(
            "SELECT item_set_id, name, item_count, values_per_item, merkle_root,"
                + " seller_signature, seller_key, committed_at, private_for_model FROM item_sets "
                + where
                + " ORDER BY committed_at, item_set_id")) {
      if (id != null) {
        p.setBytes(1, id);
      }
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          byte[] forModel = r.getBytes(9);
          out.add(
              ItemSet.newBuilder()
                  .setItemSetId(ByteString.copyFrom(r.getBytes(1)))
                  .setStatement(
                      ItemSetStatement.newBuilder()
                          .setName(r.getString(2))
                          .setCount(r.getInt(3))
                          .setValuesPerItem(r.getInt(4))
                          .setMerkleRoot(ByteString.copyFrom(r.getBytes(5)))
                          .setPrivateForModel(
                              forModel == null ? ByteString.EMPTY : ByteString.copyFrom(forModel)))
                  .setSellerSignature(
                      Signature.newBuilder()
                          .setRs(ByteString.copyFrom(r.getBytes(6)))
                          .setPublicKey(ByteString.copyFrom(r.getBytes(7))))
                  .setCommittedAtMillis(r.getLong(8))
                  .build());
        }
      }
    }
    return out;
  }

  public synchronized ItemRecord item(byte[] itemSetId, int position) {
    return tx.run(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement(
                  "SELECT name, tensor FROM items WHERE item_set_id = ? AND position = ?")) {
            p.setBytes(1, itemSetId);
            p.setInt(2, position);
            try (ResultSet r = p.executeQuery()) {
              if (!r.next()) {
                throw new SQLException("item " + position + " of a committed set is missing");
              }
              return new ItemRecord(position, r.getString(1), Tensors.fromBytes(r.getBytes(2)));
            }
          }
        });
  }

  public synchronized void putQuery(QueryRequest q) {
    tx.run(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement(
                  "INSERT INTO retrieval_queries (query_id, buyer, item_set_id,"
                      + " model_id, request, requested_at, status) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            p.setString(1, q.getQueryId());
            p.setBytes(2, q.getBuyerSignature().getPublicKey().toByteArray());
            p.setBytes(3, q.getItemSetId().toByteArray());
            p.setBytes(4, q.getModelId().toByteArray());
            p.setBytes(5, q.toByteArray());
            p.setLong(6, q.getRequestedAtMillis());
            p.setString(7, QueryRecord.Status.OPEN.name());
            p.executeUpdate();
          }
          return null;
        });
  }

  public synchronized Optional<QueryRecord> query(String queryId) {
    return tx.run(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement(
                  "SELECT request, status, done_at FROM retrieval_queries WHERE query_id = ?")) {
            p.setString(1, queryId);
            try (ResultSet r = p.executeQuery()) {
              if (!r.next()) {
                return Optional.empty();
              }
              QueryRequest q;
              try {
                q = QueryRequest.parseFrom(r.getBytes(1));
              } catch (InvalidProtocolBufferException e) {
                throw new SQLException("stored query " + queryId + " does not parse", e);
              }
              long done = r.getLong(3);
              Long doneAt = r.wasNull() ? null : done;
              return Optional.of(
                  new QueryRecord(q, QueryRecord.Status.valueOf(r.getString(2)), doneAt));
            }
          }
        });
  }

  /** The requests of queries not yet answered in full, oldest first. */
  public synchronized List<QueryRequest> openQueries() {
    return tx.run(
        () -> {
          List<QueryRequest> out = new ArrayList<>();
          try (PreparedStatement p =
              db.prepareStatement(
                  "SELECT query_id, request FROM retrieval_queries WHERE status = ? ORDER BY"
                      + " requested_at, query_id")) {
            p.setString(1, QueryRecord.Status.OPEN.name());
            try (ResultSet r = p.executeQuery()) {
              while (r.next()) {
                try {
                  out.add(QueryRequest.parseFrom(r.getBytes(2)));
                } catch (InvalidProtocolBufferException e) {
                  throw new SQLException("stored query " + r.getString(1) + " does not parse", e);
                }
              }
            }
          }
          return out;
        });
  }

  public synchronized void closeQuery(String queryId, long doneAt) {
    tx.run(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement(
                  "UPDATE retrieval_queries SET status = ?, done_at = ? WHERE query_id = ? AND"
                      + " status = ?")) {
            p.setString(1, QueryRecord.Status.DONE.name());
            p.setLong(2, doneAt);
            p.setString(3, queryId);
            p.setString(4, QueryRecord.Status.OPEN.name());
            p.executeUpdate();
          }
          return null;
        });
  }

  public synchronized Optional<ItemProof> proof(byte[] modelId, byte[] itemSetId, int position) {
    return tx.run(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement(
                  "SELECT output, proof FROM item_proofs WHERE model_id = ? AND item_set_id = ? AND"
                      + " position = ?")) {
            p.setBytes(1, modelId);
            p.setBytes(2, itemSetId);
            p.setInt(3, position);
            try (ResultSet r = p.executeQuery()) {
              return r.next()
                  ? Optional.of(new ItemProof(Tensors.fromBytes(r.getBytes(1)), r.getBytes(2)))
                  : Optional.empty();
            }
          }
        });
  }

  /** Stores a proof unless one is stored already (two queries may prove the same item at once). */
  public synchronized void putProof(
      byte[] modelId, byte[] itemSetId, int position, ItemProof proof) {
    tx.run(
        () -> {
          try (PreparedStatement check =
              db.prepareStatement(
                  "SELECT 1 FROM item_proofs WHERE model_id = ? AND item_set_id = ? AND position ="
                      + " ?")) {
            check.setBytes(1, modelId);
            check.setBytes(2, itemSetId);
            check.setInt(3, position);
            try (ResultSet r = check.executeQuery()) {
              if (r.next()) {
                return null;
              }
            }
          }
          try (PreparedStatement p =
              db.prepareStatement(
                  "INSERT INTO item_proofs (model_id, item_set_id, position, output, proof) VALUES"
                      + " (?, ?, ?, ?, ?)")) {
            p.setBytes(1, modelId);
            p.setBytes(2, itemSetId);
            p.setInt(3, position);
            p.setBytes(4, Tensors.toBytes(proof.output()));
            p.setBytes(5, proof.proof());
            p.executeUpdate();
          }
          return null;
        });
  }

  /** How many items of the set have a stored proof by this model (for tests and progress). */
  public synchronized int provenCount(byte[] modelId, byte[] itemSetId) {
    return tx.run(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement(
                  "SELECT COUNT(*) FROM item_proofs WHERE model_id = ? AND item_set_id = ?")) {
            p.setBytes(1, modelId);
            p.setBytes(2, itemSetId);
            try (ResultSet r = p.executeQuery()) {
              r.next();
              return r.getInt(1);
            }
          }
        });
  }

  @Override
  public synchronized void close() {
    tx.close();
  }
}
