package io.zkaudit.protocols.buyer;

import static io.zkaudit.protocols.buyer.AuditChannel.invalid;

import io.zkaudit.proto.v1.AuditCommitment;
import io.zkaudit.proto.v1.AuditResult;
import io.zkaudit.proto.v1.AuditStatus;
import io.zkaudit.proto.v1.AuditTerms;
import io.zkaudit.proto.v1.BuyerAuditState;
import io.zkaudit.proto.v1.RevealRequest;
import io.zkaudit.proto.v1.RevealedSample;
import io.zkaudit.proto.v1.Verdict;
import io.zkaudit.protocols.AuditStatements;
import io.zkaudit.protocols.PartyKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The buyer's request-and-answer steps around the proofs: open (the seller's signed terms, checked
 * against the commitment), reveal, and settle (the seller's countersignature, checked). Each step's
 * outcome is saved before the next one starts, so a run can resume after it.
 */
final class AuditExchange {
  /** Reveal requests stay well under the seller's 32 MiB request limit. */
  static final int MAX_REVEAL_BYTES = 8 << 20;

  private final AuditChannel channel;
  private final AuditStateFiles files;

  AuditExchange(AuditChannel channel, AuditStateFiles files) {
    this.channel = channel;
    this.files = files;
  }

  /** See {@link AuditClient#open}. */
  BuyerAuditState open(BuyerAuditState state, RegisteredModel model) throws BuyerException {
    AuditCommitment c = state.getCommitment();
    AuditTerms t = channel.call(() -> channel.stub().open(c));
    AuditCommitment signed = c.toBuilder().clearSampleHashes().clearBuyerSignature().build();
    String id = c.getAuditId();
    if (!t.getAuditId().equals(id)
        || !Arrays.equals(
            t.getCommitmentHash().toByteArray(),
            AuditStatements.hash(AuditStatements.commitment(signed)))
        || !t.getModelId().equals(c.getModelId())
        || !t.getBuyer().equals(channel.key().publicKeyBytes())
        || t.getSampleCount() != c.getSampleCount()
        || !t.getTestSetHash().equals(c.getTestSetHash())
        || t.getLabelOffset() != c.getLabelOffset()) {
      throw invalid("audit " + id + ": the seller's terms are about another commitment");
    }
    if (!t.getSellerSignature().getPublicKey().equals(model.sellerKey())
        || !PartyKey.verify(t.getSellerSignature(), AuditStatements.terms(t))) {
      throw invalid(
          "audit " + id + ": the terms are not signed by the seller that registered the model");
    }
    if (!(t.getClaimedAccuracy() >= 0 && t.getClaimedAccuracy() <= 1)) {
      throw invalid(
          "audit "
              + id
              + ": a claimed accuracy of "
              + t.getClaimedAccuracy()
              + " is not in [0, 1]");
    }
    if (t.getDeadlineMillis() <= System.currentTimeMillis()) {
      throw invalid("audit " + id + ": the terms' deadline has passed");
    }
    BuyerAuditState next = state.toBuilder().setTerms(t).build();
    files.save(next);
    return next;
  }

  /** See {@link AuditClient#reveal}. */
  BuyerAuditState reveal(BuyerAuditState state) throws BuyerException {
    String id = state.getCommitment().getAuditId();
    List<RevealedSample> batch = new ArrayList<>();
    int bytes = 0;
    AuditStatus status = null;
    // One batch in memory at a time, read from the samples file as it is sent.
    try (AuditStateFiles.SampleReader samples = files.samples(state, 0)) {
      while (samples.hasNext()) {
        RevealedSample s = samples.next();
        if (!batch.isEmpty() && bytes + s.getSerializedSize() > MAX_REVEAL_BYTES) {
          status = sendReveal(state, batch);
          batch.clear();
          bytes = 0;
        }
        batch.add(s);
        bytes += s.getSerializedSize() + 8;
      }
    }
    status = sendReveal(state, batch);
    int n = state.getCommitment().getSampleCount();
    if (status.getRevealed() != n) {
      throw invalid(
          "audit "
              + id
              + ": the seller counts "
              + status.getRevealed()
              + " revealed samples of "
              + n);
    }
    BuyerAuditState next =
        state.toBuilder().setRevealed(true).setChainReceipt(status.getChainReceipt()).build();
    files.save(next);
    return next;
  }

  /**
   * One reveal request; for an accuracy-proof audit it carries the test-set commitment's seed too
   * (the request that completes the reveal must open T with it).
   */
  private AuditStatus sendReveal(BuyerAuditState state, List<RevealedSample> batch)
      throws BuyerException {
    RevealRequest r =
        RevealRequest.newBuilder()
            .setAccess(channel.access(state.getCommitment().getAuditId(), 0))
            .addAllSamples(batch)
            .setTestSetSeed(state.getTestSetSeed())
            .build();
    return channel.call(() -> channel.stub().reveal(r));
  }

  /** See {@link AuditClient#settle}. */
  BuyerAuditState settle(BuyerAuditState state) throws BuyerException {
    AuditResult mine = state.getResult();
    AuditResult back;
    try {
      back = channel.call(() -> channel.stub().settle(mine));
    } catch (BuyerException e) {
      if (mine.getStatement().getVerdict() == Verdict.PROOF_FAILED) {
        return state;
      }
      throw e;
    }
    if (mine.getStatement().getVerdict() == Verdict.PROOF_FAILED) {
      return state;
    }
    if (!back.getStatement().equals(mine.getStatement())
        || !back.hasSellerSignature()
        || !back.getSellerSignature()
            .getPublicKey()
            .equals(state.getTerms().getSellerSignature().getPublicKey())
        || !PartyKey.verify(
            back.getSellerSignature(), AuditStatements.result(mine.getStatement()))) {
      throw invalid(
          "audit "
              + mine.getStatement().getAuditId()
              + ": the seller did not countersign the result");
    }
    BuyerAuditState next =
        state.toBuilder()
            .setResult(
                mine.toBuilder()
                    .setSellerSignature(back.getSellerSignature())
                    .setChainSellerSignature(back.getChainSellerSignature()))
            .build();
    files.save(next);
    return next;
  }
}
