package io.zkaudit.protocols.seller;

import io.zkaudit.proto.v1.AuditProofKind;
import io.zkaudit.protocols.Tensors;
import io.zkaudit.protocols.seller.Sql.RowMapper;
import java.sql.SQLException;
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
  private final Sql db;

  private AuditStore(Transactions tx) {
    this.tx = tx;
    this.db = tx.sql();
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
    insert(a, sampleHashes, null);
  }

  /**
   * Stores a new audit with its sample rows (for an accuracy-proof audit {@code sampleHashes} holds
   * an empty hash per sample) and, for an accuracy-proof audit, its test-set commitment T's
   * encoding ({@code testSet}, null otherwise), in one transaction.
   */
  public synchronized void insert(AuditRecord a, List<byte[]> sampleHashes, byte[] testSet) {
    AuditRecord.Chain chain = a.chain();
    tx.run(
        () -> {
          insertAudit(a, chain, sampleHashes);
          if (testSet != null) {
            db.sql(
                    "INSERT INTO audit_test_sets (audit_id, commitment) VALUES (:audit_id,"
                        + " :commitment)")
                .bind("audit_id", a.auditId())
                .bind("commitment", testSet)
                .update();
          }
          return null;
        });
  }

  private void insertAudit(AuditRecord a, AuditRecord.Chain chain, List<byte[]> sampleHashes)
      throws SQLException {
    db.sql(
            "INSERT INTO audits (audit_id, model_id, buyer, status, sample_count,"
                + " test_set_hash, label_offset, requested_at, buyer_signature, chain_escrow,"
                + " chain_audit_id, chain_salt, proof_kind) VALUES (:audit_id, :model_id,"
                + " :buyer, :status, :sample_count, :test_set_hash, :label_offset,"
                + " :requested_at, :buyer_signature, :chain_escrow, :chain_audit_id,"
                + " :chain_salt, :proof_kind)")
        .bind("audit_id", a.auditId())
        .bind("model_id", a.modelId())
        .bind("buyer", a.buyer())
        .bind("status", a.state())
        .bind("sample_count", a.sampleCount())
        .bind("test_set_hash", a.testSetHash())
        .bind("label_offset", a.labelOffset())
        .bind("requested_at", a.requestedAt())
        .bind("buyer_signature", a.buyerSignature())
        .bind("chain_escrow", chain == null ? null : chain.escrow())
        .bind("chain_audit_id", chain == null ? null : (Long) chain.auditId())
        .bind("chain_salt", chain == null ? null : chain.salt())
        .bind("proof_kind", a.proofKind().name())
        .update();
    db.sql(
            "INSERT INTO audit_samples (audit_id, position, sample_hash) VALUES (:audit_id,"
                + " :position, :sample_hash)")
        .bind("audit_id", a.auditId())
        .batch(
            Sql.positions(sampleHashes.size()),
            (s, i) -> s.bind("position", i).bind("sample_hash", sampleHashes.get(i)));
  }

  /**
   * An accuracy-proof audit's test-set commitment, refused clearly if it has none: an audit stored
   * before the seller took test-set commitments (migration V22) cannot be proven or checked on T.
   */
  public StoredTestSet requireTestSet(String auditId) {
    return testSet(auditId)
        .orElseThrow(
            () ->
                new RequestRejected(
                    RequestRejected.Reason.FAILED,
                    "audit "
                        + auditId
                        + " has no test-set commitment (it was committed before this seller took"
                        + " them): its accuracy cannot be proven about one"));
  }

  /**
   * An accuracy-proof audit's test-set commitment, seed and refusal (none for a per-sample one).
   */
  public synchronized Optional<StoredTestSet> testSet(String auditId) {
    return tx.run(
        () ->
            db.sql(
                    "SELECT "
                        + TEST_SET_COLUMNS
                        + " FROM audit_test_sets WHERE audit_id = :audit_id")
                .bind("audit_id", auditId)
                .first(TEST_SET));
  }

  /** A test-set row: T's encoding, and the seed or the refusal once the reveal is complete. */
  private static final String TEST_SET_COLUMNS = "commitment, seed, refusal";

  private static final RowMapper<StoredTestSet> TEST_SET =
      r -> new StoredTestSet(r.bytes("commitment"), r.bytes("seed"), r.text("refusal"));

  public synchronized void signTerms(String auditId, AuditRecord.Terms t) {
    tx.run(
        () ->
            db.sql(
                    "UPDATE audits SET claimed_accuracy = :claimed_accuracy, stake = :stake,"
                        + " deadline = :deadline, terms_signed_at = :signed_at, seller_signature ="
                        + " :seller_signature, status = 'TERMS_SIGNED' WHERE audit_id = :audit_id"
                        + " AND status = 'COMMITTED'")
                .bind("claimed_accuracy", t.claimedAccuracy())
                .bind("stake", t.stake())
                .bind("deadline", t.deadline())
                .bind("signed_at", t.signedAt())
                .bind("seller_signature", t.sellerSignature())
                .bind("audit_id", auditId)
                .update());
  }

  public synchronized void setState(String auditId, AuditRecord.State s) {
    tx.run(() -> updateState(auditId, s));
  }

  private int updateState(String auditId, AuditRecord.State s) throws SQLException {
    return db.sql("UPDATE audits SET status = :status WHERE audit_id = :audit_id")
        .bind("status", s)
        .bind("audit_id", auditId)
        .update();
  }

  /** Stores revealed samples and the state they lead to, together. */
  public synchronized void reveal(
      String auditId, List<AuditSample> samples, AuditRecord.State next) {
    reveal(auditId, samples, next, null, null);
  }

  /**
   * As above, for the request that completes an accuracy-proof audit's reveal: with the seed that
   * opens its test-set commitment (state REVEALED) or why the reveal does not open it (state
   * REVEAL_REFUSED), in the same transaction.
   */
  public synchronized void reveal(
      String auditId,
      List<AuditSample> samples,
      AuditRecord.State next,
      byte[] testSetSeed,
      String refusal) {
    tx.run(
        () -> {
          if (testSetSeed != null || refusal != null) {
            db.sql(
                    "UPDATE audit_test_sets SET seed = :seed, refusal = :refusal WHERE audit_id ="
                        + " :audit_id")
                .bind("seed", testSetSeed)
                .bind("refusal", refusal)
                .bind("audit_id", auditId)
                .update();
          }
          db.sql(
                  "UPDATE audit_samples SET salt = :salt, input = :input, label = :label WHERE"
                      + " audit_id = :audit_id AND position = :position")
              .bind("audit_id", auditId)
              .batch(
                  samples,
                  (st, s) ->
                      st.bind("salt", s.salt())
                          .bind("input", Tensors.toBytes(s.input()))
                          .bind("label", (int) s.label())
                          .bind("position", s.index()));
          return updateState(auditId, next);
        });
  }

  public synchronized void putProof(
      String auditId, int index, int[] output, byte[] proof, long provenAt) {
    tx.run(
        () ->
            db.sql(
                    "UPDATE audit_samples SET output = :output, proof = :proof, proven_at ="
                        + " :proven_at WHERE audit_id = :audit_id AND position = :position")
                .bind("output", Tensors.toBytes(output))
                .bind("proof", proof)
                .bind("proven_at", provenAt)
                .bind("audit_id", auditId)
                .bind("position", index)
                .update());
  }

  /**
   * An accuracy-proof audit's one proof, stored with the state PROVEN in one transaction (a seller
   * stopped before this finds the audit PROVING without a proof and proves it again).
   */
  public synchronized void putAccuracyProof(String auditId, StoredAccuracyProof p) {
    tx.run(
        () -> {
          db.sql(
                  "INSERT INTO audit_accuracy_proofs (audit_id, correct, samples, proof, proven_at)"
                      + " VALUES (:audit_id, :correct, :samples, :proof, :proven_at)")
              .bind("audit_id", auditId)
              .bind("correct", p.correct())
              .bind("samples", p.samples())
              .bind("proof", p.proof())
              .bind("proven_at", p.provenAt())
              .update();
          return updateState(auditId, AuditRecord.State.PROVEN);
        });
  }

  /** An accuracy-proof audit's stored proof, once made. */
  public synchronized Optional<StoredAccuracyProof> accuracyProof(String auditId) {
    return tx.run(
        () ->
            db.sql(
                    "SELECT "
                        + ACCURACY_PROOF_COLUMNS
                        + " FROM audit_accuracy_proofs WHERE audit_id = :audit_id")
                .bind("audit_id", auditId)
                .first(ACCURACY_PROOF));
  }

  /** An accuracy proof's row: the count it states, its sample count, its bytes, when made. */
  private static final String ACCURACY_PROOF_COLUMNS = "correct, samples, proof, proven_at";

  private static final RowMapper<StoredAccuracyProof> ACCURACY_PROOF =
      r ->
          new StoredAccuracyProof(
              r.int32("correct"), r.int32("samples"), r.bytes("proof"), r.int64("proven_at"));

  /**
   * The revealed inputs of an audit in sample order (what one accuracy proof is about: the prover
   * holds them all at once, so they are read together).
   */
  public synchronized List<int[]> inputs(String auditId) {
    return tx.run(
        () ->
            db.sql(
                    "SELECT input FROM audit_samples WHERE audit_id = :audit_id ORDER BY"
                        + " position")
                .bind("audit_id", auditId)
                .list(r -> Tensors.fromBytes(r.bytes("input"))));
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
    tx.run(
        () ->
            db.sql(
                    "UPDATE audits SET status = :status, result_verified = :verified,"
                        + " result_correct = :correct, result_verdict = :verdict, result_reason ="
                        + " :reason, result_buyer_sig = :buyer_sig, result_seller_sig ="
                        + " :seller_sig, settled_at = :settled_at, chain_buyer_sig ="
                        + " :chain_buyer_sig, chain_seller_sig = :chain_seller_sig WHERE audit_id"
                        + " = :audit_id")
                .bind("status", s)
                .bind("verified", r.verified())
                .bind("correct", r.correct())
                .bind("verdict", r.verdict())
                .bind("reason", r.reason())
                .bind("buyer_sig", r.buyerSignature())
                .bind("seller_sig", r.sellerSignature())
                .bind("settled_at", r.settledAt())
                .bind("chain_buyer_sig", chainBuyerSignature)
                .bind("chain_seller_sig", chainSellerSignature)
                .bind("audit_id", auditId)
                .update());
  }

  /**
   * How AuditEscrow settled an on-chain audit (an AuditRecord.Outcome name): the seller stops
   * following it.
   */
  public synchronized void setChainOutcome(String auditId, String outcome) {
    tx.run(
        () ->
            db.sql("UPDATE audits SET chain_outcome = :outcome WHERE audit_id = :audit_id")
                .bind("outcome", outcome)
                .bind("audit_id", auditId)
                .update());
  }

  /** The audit that accepted an escrow's request, if any. */
  public synchronized Optional<String> auditOfChainRequest(String escrow, long chainAuditId) {
    return tx.run(
        () ->
            db.sql(
                    "SELECT audit_id FROM audits WHERE chain_escrow = :escrow AND chain_audit_id ="
                        + " :chain_audit_id")
                .bind("escrow", escrow)
                .bind("chain_audit_id", chainAuditId)
                .first(r -> r.text("audit_id")));
  }

  /** On-chain audits of an escrow the seller has not seen settled there, oldest first. */
  public synchronized List<AuditRecord> openOnChain(String escrow) {
    return selected(
        () ->
            db.sql(
                    "SELECT audit_id FROM audits WHERE chain_escrow = :escrow AND chain_outcome IS"
                        + " NULL ORDER BY requested_at")
                .bind("escrow", escrow)
                .list(r -> r.text("audit_id")));
  }

  /** The audits whose ids a query selects (in one transaction), loaded one at a time. */
  private List<AuditRecord> selected(Transactions.Work<List<String>> ids) {
    List<AuditRecord> out = new ArrayList<>();
    for (String id : tx.run(ids)) {
      audit(id).ifPresent(out::add);
    }
    return out;
  }

  /** The columns {@link #AUDIT} reads. */
  private static final String AUDIT_COLUMNS =
      "audit_id, model_id, buyer, status, sample_count, test_set_hash, label_offset, requested_at,"
          + " buyer_signature, claimed_accuracy, stake, deadline, terms_signed_at,"
          + " seller_signature, result_verified, result_correct, result_verdict, result_reason,"
          + " result_buyer_sig, result_seller_sig, settled_at, chain_escrow, chain_audit_id,"
          + " chain_salt, chain_buyer_sig, chain_seller_sig, chain_outcome, proof_kind";

  /**
   * An audit's row: the terms once signed (a seller signature), the result once settled (a
   * verdict), the on-chain request if it came from an escrow.
   */
  private static final RowMapper<AuditRecord> AUDIT =
      r -> {
        AuditRecord.Terms terms =
            r.bytes("seller_signature") == null
                ? null
                : new AuditRecord.Terms(
                    r.float64("claimed_accuracy"),
                    r.int64("stake"),
                    r.int64("deadline"),
                    r.int64("terms_signed_at"),
                    r.bytes("seller_signature"));
        AuditRecord.Result result =
            r.text("result_verdict") == null
                ? null
                : new AuditRecord.Result(
                    r.int32("result_verified"),
                    r.int32("result_correct"),
                    r.text("result_verdict"),
                    r.text("result_reason"),
                    r.bytes("result_buyer_sig"),
                    r.bytes("result_seller_sig"),
                    r.int64("settled_at"));
        AuditRecord.Chain chain =
            r.text("chain_escrow") == null
                ? null
                : new AuditRecord.Chain(
                    r.text("chain_escrow"),
                    r.int64("chain_audit_id"),
                    r.bytes("chain_salt"),
                    r.bytes("chain_buyer_sig"),
                    r.bytes("chain_seller_sig"),
                    r.text("chain_outcome"));
        return new AuditRecord(
            r.text("audit_id"),
            r.bytes("model_id"),
            r.bytes("buyer"),
            r.enumValue("status", AuditRecord.State.class),
            r.int32("sample_count"),
            r.bytes("test_set_hash"),
            r.int32("label_offset"),
            r.int64("requested_at"),
            r.bytes("buyer_signature"),
            terms,
            result,
            chain,
            AuditProofKind.valueOf(r.text("proof_kind")));
      };

  public synchronized Optional<AuditRecord> audit(String auditId) {
    return tx.run(
        () ->
            db.sql("SELECT " + AUDIT_COLUMNS + " FROM audits WHERE audit_id = :audit_id")
                .bind("audit_id", auditId)
                .first(AUDIT));
  }

  /** Audits revealed but not fully proven (REVEALED or PROVING), oldest first. */
  public synchronized List<AuditRecord> unfinished() {
    return selected(
        () ->
            db.sql(
                    "SELECT audit_id FROM audits WHERE status IN ('REVEALED', 'PROVING') ORDER BY"
                        + " requested_at")
                .list(r -> r.text("audit_id")));
  }

  /**
   * The columns {@link #SAMPLE} reads; with {@code payload} false the input and the proof (which
   * may be megabytes) are read as NULL.
   */
  private static String sampleColumns(boolean payload) {
    return "position, sample_hash, salt, "
        + (payload ? "input" : "NULL AS input")
        + ", label, output, "
        + (payload ? "proof" : "NULL AS proof")
        + ", proven_at";
  }

  /**
   * A sample's row; its input and proof are NULL where the query leaves them out ({@link
   * #outline}).
   */
  private static final RowMapper<AuditSample> SAMPLE =
      r -> {
        byte[] input = r.bytes("input");
        byte[] output = r.bytes("output");
        return new AuditSample(
            r.int32("position"),
            r.bytes("sample_hash"),
            r.bytes("salt"),
            input == null ? null : Tensors.fromBytes(input),
            r.nullableInt("label"),
            output == null ? null : Tensors.fromBytes(output),
            r.bytes("proof"),
            r.nullableLong("proven_at"));
      };

  /**
   * One sample with everything known of it (its input and proof may be megabytes: one at a time).
   */
  public synchronized AuditSample sample(String auditId, int index) {
    return tx.run(
        () ->
            db.sql(
                    "SELECT "
                        + sampleColumns(true)
                        + " FROM audit_samples WHERE audit_id = :audit_id AND position = :position")
                .bind("audit_id", auditId)
                .bind("position", index)
                .one(SAMPLE, "audit " + auditId + " has no sample " + index));
  }

  /**
   * What the seller checks a reveal against and counts with, without inputs and proofs: hash,
   * label, output.
   */
  public synchronized List<AuditSample> outline(String auditId) {
    return tx.run(
        () ->
            db.sql(
                    "SELECT "
                        + sampleColumns(false)
                        + " FROM audit_samples WHERE audit_id = :audit_id ORDER BY position")
                .bind("audit_id", auditId)
                .list(SAMPLE));
  }

  @Override
  public synchronized void close() {
    tx.close();
  }
}
