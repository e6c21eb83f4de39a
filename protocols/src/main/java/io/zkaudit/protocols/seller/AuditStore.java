package io.zkaudit.protocols.seller;

import io.zkaudit.protocols.Tensors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The audits' tables (migration V2), on a connection of their own to the seller's database (which
 * {@link SellerStore#open} has migrated). Kept apart from SellerStore so that the audit protocol
 * owns its queries; each method is one transaction, as there.
 */
public final class AuditStore implements AutoCloseable {
  private final Transactions tx;
  private final Connection db;

  private AuditStore(Transactions tx) {
    this.tx = tx;
    this.db = tx.connection();
  }

  /** Opens after SellerStore.open on the same URL has run the migrations. */
  public static AuditStore open(String jdbcUrl) {
    try {
      return new AuditStore(Transactions.connect(jdbcUrl, "seller database (audits)"));
    } catch (SQLException e) {
      throw new StoreException(
          "cannot open the seller database " + jdbcUrl + " for audits: " + e.getMessage(), e);
    }
  }

  public synchronized void insert(AuditRecord a, List<byte[]> sampleHashes) {
    tx.run(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement(
                  "INSERT INTO audits (audit_id, model_id, buyer, status, sample_count,"
                      + " test_set_hash, label_offset, requested_at, buyer_signature, chain_escrow,"
                      + " chain_audit_id, chain_salt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                      + " ?)")) {
            p.setString(1, a.auditId());
            p.setBytes(2, a.modelId());
            p.setBytes(3, a.buyer());
            p.setString(4, a.state().name());
            p.setInt(5, a.sampleCount());
            p.setBytes(6, a.testSetHash());
            p.setInt(7, a.labelOffset());
            p.setLong(8, a.requestedAt());
            p.setBytes(9, a.buyerSignature());
            if (a.chain() == null) {
              p.setNull(10, Types.VARCHAR);
              p.setNull(11, Types.BIGINT);
              p.setNull(12, Types.VARBINARY);
            } else {
              p.setString(10, a.chain().escrow());
              p.setLong(11, a.chain().auditId());
              p.setBytes(12, a.chain().salt());
            }
            p.executeUpdate();
          }
          try (PreparedStatement p =
              db.prepareStatement(
                  "INSERT INTO audit_samples (audit_id, position, sample_hash) VALUES (?, ?, ?)")) {
            for (int i = 0; i < sampleHashes.size(); i++) {
              p.setString(1, a.auditId());
              p.setInt(2, i);
              p.setBytes(3, sampleHashes.get(i));
              p.addBatch();
            }
            p.executeBatch();
          }
          return null;
        });
  }

  public synchronized void signTerms(String auditId, AuditRecord.Terms t) {
    update(
        "UPDATE audits SET claimed_accuracy = ?, stake = ?, deadline = ?, terms_signed_at = ?,"
            + " seller_signature = ?, status = 'TERMS_SIGNED' WHERE audit_id = ? AND status ="
            + " 'COMMITTED'",
        p -> {
          p.setDouble(1, t.claimedAccuracy());
          p.setLong(2, t.stake());
          p.setLong(3, t.deadline());
          p.setLong(4, t.signedAt());
          p.setBytes(5, t.sellerSignature());
          p.setString(6, auditId);
        });
  }

  public synchronized void setState(String auditId, AuditRecord.State s) {
    update(
        "UPDATE audits SET status = ? WHERE audit_id = ?",
        p -> {
          p.setString(1, s.name());
          p.setString(2, auditId);
        });
  }

  /** Stores revealed samples and the state they lead to, together. */
  public synchronized void reveal(
      String auditId, List<AuditSample> samples, AuditRecord.State next) {
    tx.run(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement(
                  "UPDATE audit_samples SET salt = ?, input = ?, label = ? WHERE audit_id = ? AND"
                      + " position = ?")) {
            for (AuditSample s : samples) {
              p.setBytes(1, s.salt());
              p.setBytes(2, Tensors.toBytes(s.input()));
              p.setInt(3, s.label());
              p.setString(4, auditId);
              p.setInt(5, s.index());
              p.addBatch();
            }
            p.executeBatch();
          }
          try (PreparedStatement p =
              db.prepareStatement("UPDATE audits SET status = ? WHERE audit_id = ?")) {
            p.setString(1, next.name());
            p.setString(2, auditId);
            p.executeUpdate();
          }
          return null;
        });
  }

  public synchronized void putProof(
      String auditId, int index, int[] output, byte[] proof, long provenAt) {
    update(
        "UPDATE audit_samples SET output = ?, proof = ?, proven_at = ? WHERE audit_id = ? AND"
            + " position = ?",
        p -> {
          p.setBytes(1, Tensors.toBytes(output));
          p.setBytes(2, proof);
          p.setLong(3, provenAt);
          p.setString(4, auditId);
          p.setInt(5, index);
        });
  }

  public synchronized void settle(String auditId, AuditRecord.State s, AuditRecord.Result r) {
    settle(auditId, s, r, null, null);
  }

  /**
   * As {@link #settle(String, AuditRecord.State, AuditRecord.Result)}, with both EIP-712 result
   * signatures of an on-chain audit.
   */
  public synchronized void settle(
      String auditId,
      AuditRecord.State s,
      AuditRecord.Result r,
      byte[] chainBuyerSignature,
      byte[] chainSellerSignature) {
    update(
        "UPDATE audits SET status = ?, result_verified = ?, result_correct = ?, result_verdict = ?,"
            + " result_reason = ?, result_buyer_sig = ?, result_seller_sig = ?, settled_at = ?,"
            + " chain_buyer_sig = ?, chain_seller_sig = ? WHERE audit_id = ?",
        p -> {
          p.setString(1, s.name());
          p.setInt(2, r.verified());
          p.setInt(3, r.correct());
          p.setString(4, r.verdict());
          p.setString(5, r.reason());
          p.setBytes(6, r.buyerSignature());
          if (r.sellerSignature() == null) {
            p.setNull(7, Types.VARBINARY);
          } else {
            p.setBytes(7, r.sellerSignature());
          }
          p.setLong(8, r.settledAt());
          p.setBytes(9, chainBuyerSignature);
          p.setBytes(10, chainSellerSignature);
          p.setString(11, auditId);
        });
  }

  /**
   * How AuditEscrow settled an on-chain audit (an AuditRecord.Outcome name): the seller stops
   * following it.
   */
  public synchronized void setChainOutcome(String auditId, String outcome) {
    update(
        "UPDATE audits SET chain_outcome = ? WHERE audit_id = ?",
        p -> {
          p.setString(1, outcome);
          p.setString(2, auditId);
        });
  }

  /** The audit that accepted an escrow's request, if any. */
  public synchronized Optional<String> auditOfChainRequest(String escrow, long chainAuditId) {
    return tx.run(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement(
                  "SELECT audit_id FROM audits WHERE chain_escrow = ? AND chain_audit_id = ?")) {
            p.setString(1, escrow);
            p.setLong(2, chainAuditId);
            try (ResultSet r = p.executeQuery()) {
              return r.next() ? Optional.of(r.getString(1)) : Optional.<String>empty();
            }
          }
        });
  }

  /** On-chain audits of an escrow the seller has not seen settled there, oldest first. */
  public synchronized List<AuditRecord> openOnChain(String escrow) {
    return selected(
        "SELECT audit_id FROM audits WHERE chain_escrow = ? AND chain_outcome IS NULL ORDER BY"
            + " requested_at",
        escrow);
  }

  /**
   * The audits whose ids a query selects (its string parameters in order), loaded one at a time.
   */
  private List<AuditRecord> selected(String query, String... params) {
    List<String> ids =
        tx.run(
            () -> {
              List<String> out = new ArrayList<>();
              try (PreparedStatement p = db.prepareStatement(query)) {
                for (int i = 0; i < params.length; i++) {
                  p.setString(i + 1, params[i]);
                }
                try (ResultSet r = p.executeQuery()) {
                  while (r.next()) {
                    out.add(r.getString(1));
                  }
                }
              }
              return out;
            });
    List<AuditRecord> out = new ArrayList<>();
    for (String id : ids) {
      audit(id).ifPresent(out::add);
    }
    return out;
  }

  public synchronized Optional<AuditRecord> audit(String auditId) {
    return tx.run(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement(
                  "SELECT model_id, buyer, status, sample_count, test_set_hash, label_offset,"
                      + " requested_at, buyer_signature, claimed_accuracy, stake, deadline,"
                      + " terms_signed_at, seller_signature, result_verified, result_correct,"
                      + " result_verdict, result_reason, result_buyer_sig, result_seller_sig,"
                      + " settled_at, chain_escrow, chain_audit_id, chain_salt, chain_buyer_sig,"
                      + " chain_seller_sig, chain_outcome FROM audits WHERE audit_id = ?")) {
            p.setString(1, auditId);
            try (ResultSet r = p.executeQuery()) {
              if (!r.next()) {
                return Optional.empty();
              }
              AuditRecord.Terms terms =
                  r.getBytes(13) == null
                      ? null
                      : new AuditRecord.Terms(
                          r.getDouble(9),
                          r.getLong(10),
                          r.getLong(11),
                          r.getLong(12),
                          r.getBytes(13));
              AuditRecord.Result result =
                  r.getString(16) == null
                      ? null
                      : new AuditRecord.Result(
                          r.getInt(14),
                          r.getInt(15),
                          r.getString(16),
                          r.getString(17),
                          r.getBytes(18),
                          r.getBytes(19),
                          r.getLong(20));
              AuditRecord.Chain chain =
                  r.getString(21) == null
                      ? null
                      : new AuditRecord.Chain(
                          r.getString(21),
                          r.getLong(22),
                          r.getBytes(23),
                          r.getBytes(24),
                          r.getBytes(25),
                          r.getString(26));
              return Optional.of(
                  new AuditRecord(
                      auditId,
                      r.getBytes(1),
                      r.getBytes(2),
                      AuditRecord.State.valueOf(r.getString(3)),
                      r.getInt(4),
                      r.getBytes(5),
                      r.getInt(6),
                      r.getLong(7),
                      r.getBytes(8),
                      terms,
                      result,
                      chain));
            }
          }
        });
  }

  /** Audits revealed but not fully proven (REVEALED or PROVING), oldest first. */
  public synchronized List<AuditRecord> unfinished() {
    return selected(
        "SELECT audit_id FROM audits WHERE status IN ('REVEALED', 'PROVING') ORDER BY"
            + " requested_at");
  }

  /**
   * One sample with everything known of it (its input and proof may be megabytes: one at a time).
   */
  public synchronized AuditSample sample(String auditId, int index) {
    return tx.run(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement(
                  "SELECT position, sample_hash, salt, input, label, output, proof,"
                      + " proven_at FROM audit_samples WHERE audit_id = ? AND position = ?")) {
            p.setString(1, auditId);
            p.setInt(2, index);
            try (ResultSet r = p.executeQuery()) {
              if (!r.next()) {
                throw new SQLException("audit " + auditId + " has no sample " + index);
              }
              return readSample(r);
            }
          }
        });
  }

  /**
   * What the seller checks a reveal against and counts with, without inputs and proofs: hash,
   * label, output.
   */
  public synchronized List<AuditSample> outline(String auditId) {
    return tx.run(
        () -> {
          List<AuditSample> out = new ArrayList<>();
          try (PreparedStatement p =
              db.prepareStatement(
                  "SELECT position, sample_hash, salt, NULL, label, output, NULL,"
                      + " proven_at FROM audit_samples WHERE audit_id = ? ORDER BY position")) {
            p.setString(1, auditId);
            try (ResultSet r = p.executeQuery()) {
              while (r.next()) {
                out.add(readSample(r));
              }
            }
          }
          return out;
        });
  }

  private static AuditSample readSample(ResultSet r) throws SQLException {
    byte[] input = r.getBytes(4);
    int label = r.getInt(5);
    Integer labelOrNull = r.wasNull() ? null : label;
    byte[] output = r.getBytes(6);
    long provenAt = r.getLong(8);
    Long provenOrNull = r.wasNull() ? null : provenAt;
    return new AuditSample(
        r.getInt(1),
        r.getBytes(2),
        r.getBytes(3),
        input == null ? null : Tensors.fromBytes(input),
        labelOrNull,
        output == null ? null : Tensors.fromBytes(output),
        r.getBytes(7),
        provenOrNull);
  }

  @Override
  public synchronized void close() {
    tx.close();
  }

  private interface Binder {
    void bind(PreparedStatement p) throws SQLException;
  }

  private void update(String sql, Binder binder) {
    tx.run(
        () -> {
          try (PreparedStatement p = db.prepareStatement(sql)) {
            binder.bind(p);
            p.executeUpdate();
          }
          return null;
        });
  }
}
