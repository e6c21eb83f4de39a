package io.zkaudit.protocols.seller;

import com.google.protobuf.ByteString;
import io.zkaudit.proto.v1.AuditCommitment;
import io.zkaudit.proto.v1.AuditResult;
import io.zkaudit.proto.v1.AuditStatus;
import io.zkaudit.proto.v1.AuditTerms;
import io.zkaudit.proto.v1.ResultStatement;
import io.zkaudit.proto.v1.Signature;
import io.zkaudit.proto.v1.Verdict;
import io.zkaudit.protocols.AuditStatements;
import java.util.List;

/**
 * The signed messages of an audit, rebuilt from its stored record: the store keeps fields and
 * signatures, not messages, so a retry gets back exactly the bytes that were signed the first time.
 */
final class AuditViews {
  private final Seller seller;
  private final AuditStore store;

  AuditViews(Seller seller, AuditStore store) {
    this.seller = seller;
    this.store = store;
  }

  AuditStatus status(AuditRecord a) {
    List<AuditSample> samples = store.outline(a.auditId());
    AuditStatus.Builder b =
        AuditStatus.newBuilder()
            .setAuditId(a.auditId())
            .setState(a.state().name())
            .setRevealed((int) samples.stream().filter(AuditSample::revealed).count())
            .setProven(
                a.accuracyProof()
                    // One proof about every sample: all proven once it is stored, none before.
                    ? (store.accuracyProof(a.auditId()).isPresent() ? a.sampleCount() : 0)
                    : (int) samples.stream().filter(AuditSample::proven).count())
            .setTotal(a.sampleCount());
    if (a.terms() != null) {
      b.setTerms(terms(a, a.terms()));
    }
    if (a.state() == AuditRecord.State.REVEAL_REFUSED) {
      store.testSet(a.auditId()).map(StoredTestSet::refusal).ifPresent(b::setReason);
    }
    if (a.result() != null) {
      b.setResult(result(a));
    }
    if (a.onChain() && a.state().revealed()) {
      seller.chain().ifPresent(c -> b.setChainReceipt(ByteString.copyFrom(c.audits().receipt(a))));
    }
    return b.build();
  }

  /**
   * The commitment's signed fields, rebuilt from the stored audit (sample hashes are bound through
   * the test set hash).
   */
  static AuditCommitment commitment(AuditRecord a) {
    AuditCommitment.Builder b =
        AuditCommitment.newBuilder()
            .setAuditId(a.auditId())
            .setModelId(ByteString.copyFrom(a.modelId()))
            .setSampleCount(a.sampleCount())
            .setTestSetHash(ByteString.copyFrom(a.testSetHash()))
            .setLabelOffset(a.labelOffset())
            .setRequestedAtMillis(a.requestedAt())
            .setProofKind(a.proofKind());
    if (a.onChain()) {
      b.setChainAuditId(a.chain().auditId()).setChainSalt(ByteString.copyFrom(a.chain().salt()));
    }
    return b.build();
  }

  AuditTerms terms(AuditRecord a, AuditRecord.Terms t) {
    return AuditTerms.newBuilder()
        .setAuditId(a.auditId())
        .setCommitmentHash(
            ByteString.copyFrom(AuditStatements.hash(AuditStatements.commitment(commitment(a)))))
        .setModelId(ByteString.copyFrom(a.modelId()))
        .setBuyer(ByteString.copyFrom(a.buyer()))
        .setSampleCount(a.sampleCount())
        .setTestSetHash(ByteString.copyFrom(a.testSetHash()))
        .setLabelOffset(a.labelOffset())
        .setClaimedAccuracy(t.claimedAccuracy())
        .setStake(t.stake())
        .setDeadlineMillis(t.deadline())
        .setSignedAtMillis(t.signedAt())
        .setChainAuditId(a.onChain() ? a.chain().auditId() : 0)
        .setSellerSignature(
            Signature.newBuilder()
                .setPublicKey(seller.key().publicKeyBytes())
                .setRs(ByteString.copyFrom(t.sellerSignature())))
        .build();
  }

  byte[] termsHash(AuditRecord a) {
    return AuditStatements.hash(AuditStatements.terms(terms(a, a.terms())));
  }

  AuditResult result(AuditRecord a) {
    AuditRecord.Result r = a.result();
    ResultStatement s =
        ResultStatement.newBuilder()
            .setAuditId(a.auditId())
            .setTermsHash(ByteString.copyFrom(termsHash(a)))
            .setSamples(a.sampleCount())
            .setVerified(r.verified())
            .setCorrect(r.correct())
            .setVerdict(Verdict.valueOf(r.verdict()))
            .setReason(r.reason())
            .build();
    AuditResult.Builder b =
        AuditResult.newBuilder()
            .setStatement(s)
            .setBuyerSignature(
                Signature.newBuilder()
                    .setPublicKey(ByteString.copyFrom(a.buyer()))
                    .setRs(ByteString.copyFrom(r.buyerSignature())));
    if (r.sellerSignature() != null) {
      b.setSellerSignature(
          Signature.newBuilder()
              .setPublicKey(seller.key().publicKeyBytes())
              .setRs(ByteString.copyFrom(r.sellerSignature())));
    }
    if (a.onChain() && a.chain().sellerSignature() != null) {
      b.setChainBuyerSignature(ByteString.copyFrom(a.chain().buyerSignature()))
          .setChainSellerSignature(ByteString.copyFrom(a.chain().sellerSignature()));
    }
    return b.build();
  }
}
