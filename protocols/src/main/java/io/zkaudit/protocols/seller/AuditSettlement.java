package io.zkaudit.protocols.seller;

import static io.zkaudit.protocols.seller.AuditRequests.requireAuditId;
import static io.zkaudit.protocols.seller.AuditRequests.requireState;

import com.google.protobuf.ByteString;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.proto.v1.AuditResult;
import io.zkaudit.proto.v1.ResultStatement;
import io.zkaudit.proto.v1.Signature;
import io.zkaudit.proto.v1.Verdict;
import io.zkaudit.protocols.AuditStatements;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.prover.inference.CommittedModel;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The audit's last step: the buyer's signed result, SETTLED with the seller's countersignature when
 * the seller's own records give the same result, or FAILED (not countersigned) when the buyer
 * accuses the seller of a proof failure that the seller's own check confirms.
 */
final class AuditSettlement {
  /** The longest reason a buyer may give for a failure (it is stored and signed). */
  static final int MAX_REASON = 500;

  private final Seller seller;
  private final AuditStore store;
  private final AuditLocks locks;
  private final AuditViews views;
  private final ConcurrentHashMap<ByteString, ModelVerifier> verifiers = new ConcurrentHashMap<>();

  AuditSettlement(Seller seller, AuditStore store, AuditLocks locks, AuditViews views) {
    this.seller = seller;
    this.store = store;
    this.locks = locks;
    this.views = views;
  }

  /** See {@link AuditService#settle}. */
  AuditResult settle(AuditResult r) {
    ResultStatement s = r.getStatement();
    requireAuditId("statement.audit_id", s.getAuditId());
    if (!r.hasBuyerSignature()
        || !PartyKey.verify(r.getBuyerSignature(), AuditStatements.result(s))) {
      throw RequestRejected.denied("buyer_signature: missing or not over this result");
    }
    if (r.hasSellerSignature() || !r.getChainSellerSignature().isEmpty()) {
      throw RequestRejected.invalid("seller_signature: the seller signs, not the buyer");
    }
    if (s.getReason().length() > MAX_REASON) {
      throw RequestRejected.invalid("statement.reason: at most " + MAX_REASON + " characters");
    }
    AuditRecord a =
        store
            .audit(s.getAuditId())
            .filter(
                x -> Arrays.equals(x.buyer(), r.getBuyerSignature().getPublicKey().toByteArray()))
            .orElseThrow(
                () ->
                    RequestRejected.notFound(
                        "statement.audit_id: no audit " + s.getAuditId() + " for this buyer"));
    synchronized (locks.of(a.auditId())) {
      a = store.audit(a.auditId()).orElseThrow();
      if (a.terms() == null || !Arrays.equals(s.getTermsHash().toByteArray(), views.termsHash(a))) {
        throw RequestRejected.invalid(
            "statement.terms_hash: not the hash of audit " + a.auditId() + "'s terms");
      }
      // uint32 counts, compared unsigned: a count of 2^31 or more must not pass as negative.
      if (s.getSamples() != a.sampleCount()
          || Integer.compareUnsigned(s.getVerified(), a.sampleCount()) > 0
          || Integer.compareUnsigned(s.getCorrect(), s.getVerified()) > 0) {
        throw RequestRejected.invalid(
            "statement.samples: " + a.sampleCount() + " samples, of which verified and correct");
      }
      if (a.result() != null) {
        AuditResult done = views.result(a);
        if (done.getStatement().equals(s)
            && done.getBuyerSignature().equals(r.getBuyerSignature())) {
          return done;
        }
        throw new RequestRejected(
            RequestRejected.Reason.DUPLICATE,
            "statement.audit_id: audit " + a.auditId() + " is settled with another result");
      }
      long now = seller.config().clock().millis();
      switch (s.getVerdict()) {
        case PROOF_FAILED -> failed(a, r, now);
        case PASSED, BELOW_CLAIM -> countersign(a, r, now);
        default ->
            throw RequestRejected.invalid("statement.verdict: PASSED, BELOW_CLAIM or PROOF_FAILED");
      }
      return views.result(store.audit(a.auditId()).orElseThrow());
    }
  }

  /**
   * Stores a proof failure the seller's own check confirms, with the buyer's reason and no
   * countersignature.
   */
  private void failed(AuditRecord a, AuditResult r, long now) {
    ResultStatement s = r.getStatement();
    requireState(
        a,
        "settle as failed",
        AuditRecord.State.REVEALED,
        AuditRecord.State.PROVING,
        AuditRecord.State.PROVEN);
    if (s.getReason().isBlank()) {
      throw RequestRejected.invalid("statement.reason: a failure says why");
    }
    // A false accusation is refused: the seller checks its own stored proofs as the buyer would.
    String fault = ownFault(a, now);
    if (fault == null) {
      throw RequestRejected.invalid(
          "statement.verdict: PROOF_FAILED, but every proof the seller made verifies"
              + " and was made by the deadline"
              + (a.state() == AuditRecord.State.PROVEN ? "" : ", and the rest are not due yet"));
    }
    store.settle(
        a.auditId(),
        AuditRecord.State.FAILED,
        new AuditRecord.Result(
            s.getVerified(),
            s.getCorrect(),
            s.getVerdict().name(),
            s.getReason(),
            r.getBuyerSignature().getRs().toByteArray(),
            null,
            now));
  }

  /**
   * Countersigns a pass or a shortfall only if the proven outputs and revealed labels give the same
   * result.
   */
  private void countersign(AuditRecord a, AuditResult r, long now) {
    ResultStatement s = r.getStatement();
    requireState(a, "settle", AuditRecord.State.PROVEN);
    int correct =
        a.accuracyProof() ? store.accuracyProof(a.auditId()).orElseThrow().correct() : correct(a);
    if (s.getVerified() != a.sampleCount()) {
      throw RequestRejected.invalid(
          "statement.verified: every sample is proven, so "
              + a.sampleCount()
              + ", not "
              + s.getVerified());
    }
    if (s.getCorrect() != correct) {
      throw RequestRejected.invalid(
          "statement.correct: the buyer states "
              + s.getCorrect()
              + " correct, the proven outputs and the revealed labels give "
              + correct);
    }
    Verdict v = AuditStatements.verdict(correct, a.sampleCount(), a.terms().claimedAccuracy());
    if (s.getVerdict() != v) {
      throw RequestRejected.invalid(
          "statement.verdict: "
              + correct
              + " of "
              + a.sampleCount()
              + " against a claim of "
              + a.terms().claimedAccuracy()
              + " is "
              + v
              + ", not "
              + s.getVerdict());
    }
    byte[] chainBuyer = null;
    byte[] chainSeller = null;
    if (a.onChain()) {
      // The escrow pays on these: the buyer's EIP-712 signature of the same count, then the
      // seller's.
      ChainAudits chain =
          seller
              .chain()
              .orElseThrow(
                  () ->
                      new RequestRejected(
                          RequestRejected.Reason.NOT_READY,
                          "this seller is not on a chain any more"))
              .audits();
      chainBuyer = r.getChainBuyerSignature().toByteArray();
      if (!chain.signedByBuyer(a, correct, chainBuyer)) {
        throw RequestRejected.denied(
            "chain_buyer_signature: missing or not the buyer's account's signature of "
                + correct
                + " of "
                + a.sampleCount()
                + " for on-chain audit "
                + a.chain().auditId());
      }
      chainSeller = chain.sign(a, correct);
    } else if (!r.getChainBuyerSignature().isEmpty()) {
      throw RequestRejected.invalid(
          "chain_buyer_signature: audit " + a.auditId() + " is not on-chain");
    }
    Signature sig = seller.key().sign(AuditStatements.result(s));
    store.settle(
        a.auditId(),
        AuditRecord.State.SETTLED,
        new AuditRecord.Result(
            s.getVerified(),
            correct,
            v.name(),
            s.getReason(),
            r.getBuyerSignature().getRs().toByteArray(),
            sig.getRs().toByteArray(),
            now),
        chainBuyer,
        chainSeller);
  }

  /**
   * The seller's own failure in an audit, as the buyer would find it (a stored proof that does not
   * verify for the revealed input or states another output, one made after the deadline, or one
   * missing once the deadline has passed), or null if there is none.
   */
  private String ownFault(AuditRecord a, long now) {
    CommittedModel m = seller.registry().loadedModel(ByteString.copyFrom(a.modelId()));
    ModelVerifier verifier =
        verifiers.computeIfAbsent(
            ByteString.copyFrom(a.modelId()),
            k -> {
              try {
                return new ModelVerifier(m.vk());
              } catch (InvalidProofException e) {
                throw new IllegalStateException(
                    "the seller's own verifying key is invalid: " + e.getMessage(), e);
              }
            });
    long deadline = a.terms().deadline();
    if (a.accuracyProof()) {
      return ownAccuracyFault(a, m, verifier, now, deadline);
    }
    for (int i = 0; i < a.sampleCount(); i++) {
      AuditSample s = store.sample(a.auditId(), i);
      if (!s.proven()) {
        if (now > deadline) {
          return "sample " + i + " was not proven by the deadline";
        }
        continue;
      }
      if (s.provenAt() > deadline) {
        return "sample " + i + " was proven after the deadline";
      }
      try {
        ModelProof p = ModelProof.decode(s.proof());
        if (!p.model().equals(m.vk().digest())
            || !Arrays.equals(verifier.verify(p, s.input()), s.output())) {
          return "sample "
              + i
              + ": the proof is not of the stated output of this model on this input";
        }
      } catch (InvalidProofException e) {
        return "sample " + i + ": invalid proof: " + e.getMessage();
      }
    }
    return null;
  }

  /**
   * An accuracy-proof audit's fault as the buyer would find it: no proof once the deadline has
   * passed, one made after it, or one that does not verify against the buyer's test-set commitment
   * T to the count it states.
   */
  private String ownAccuracyFault(
      AuditRecord a, CommittedModel m, ModelVerifier verifier, long now, long deadline) {
    var stored = store.accuracyProof(a.auditId());
    if (stored.isEmpty()) {
      return now > deadline ? "the accuracy proof was not made by the deadline" : null;
    }
    StoredAccuracyProof p = stored.get();
    if (p.provenAt() > deadline) {
      return "the accuracy proof was made after the deadline";
    }
    try {
      ModelProof proof = ModelProof.decode(p.proof());
      if (!proof.model().equals(m.vk().digest())) {
        return "the accuracy proof is for another model";
      }
      ModelVerifier.VerifiedAccuracy v =
          verifier.verifyAccuracy(
              proof,
              io.zkaudit.inference.TestSetCommitment.decode(
                  store.requireTestSet(a.auditId()).commitment()));
      if (v.samples() != a.sampleCount() || v.correct() != p.correct()) {
        return "the accuracy proof gives " + v + ", the seller stated " + p.correct();
      }
    } catch (InvalidProofException e) {
      return "invalid accuracy proof: " + e.getMessage();
    }
    return null;
  }

  /** How many proven outputs, by the shared argmax rule, name the revealed label. */
  private int correct(AuditRecord a) {
    int correct = 0;
    for (AuditSample s : store.outline(a.auditId())) {
      if (AuditStatements.predictedClass(s.output(), a.labelOffset()) == s.label()) {
        correct++;
      }
    }
    return correct;
  }
}
