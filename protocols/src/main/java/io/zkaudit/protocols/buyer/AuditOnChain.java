package io.zkaudit.protocols.buyer;

import static io.zkaudit.protocols.buyer.AuditChannel.invalid;

import com.google.protobuf.ByteString;
import io.zkaudit.escrow.AuditRecord;
import io.zkaudit.escrow.AuditResult;
import io.zkaudit.escrow.Bytes32;
import io.zkaudit.escrow.EscrowException;
import io.zkaudit.escrow.TestSetCommitment;
import io.zkaudit.proto.v1.AuditCommitment;
import io.zkaudit.proto.v1.BuyerAuditState;
import io.zkaudit.proto.v1.ResultStatement;
import io.zkaudit.proto.v1.Verdict;
import io.zkaudit.protocols.AuditStatements;
import java.math.BigInteger;

/**
 * The buyer's steps in AuditEscrow around the off-chain audit: request with payment and a salted
 * commitment to the test set before the commitment is signed, check the seller staked before
 * relying on its terms, reveal on-chain with the seller's receipt once the samples reached it, sign
 * a pass or a shortfall on-chain too, and settle with both signatures (or, after a result deadline
 * with no result, by the deadline rules). Each outcome is saved in the buyer's state before the
 * next step.
 */
final class AuditOnChain {
  private final AuditEscrow escrow;
  private final AuditStateFiles files;

  AuditOnChain(AuditEscrow escrow, AuditStateFiles files) {
    this.escrow = escrow;
    this.files = files;
  }

  /**
   * Requests the audit on-chain and puts its id and the commitment's salt into the (unsigned)
   * commitment. The claim held to is the seller's registered accuracy, in basis points.
   */
  void request(
      AuditCommitment.Builder c, RegisteredModel model, double claim, AuditClient.ChainOffer offer)
      throws BuyerException {
    Bytes32 testSet = escrowTestSetHash(c.build());
    TestSetCommitment opening = TestSetCommitment.withRandomSalt(testSet);
    int bps = AuditStatements.claimBps(claim);
    if (bps < 1) {
      throw new BuyerException(
          BuyerException.Reason.REFUSED,
          "the seller claims an accuracy of "
              + claim
              + ", below what AuditEscrow can hold it to (1 basis point)");
    }
    long id =
        escrow.requestAudit(
            new io.zkaudit.escrow.AuditTerms(
                escrow.chainModel(model), c.getSampleCount(), bps, offer.payment(), offer.stake()),
            opening.commitment());
    c.setChainAuditId(id).setChainSalt(ByteString.copyFrom(opening.salt().bytes()));
  }

  static long id(BuyerAuditState state) {
    return state.getCommitment().getChainAuditId();
  }

  static Bytes32 testSetHash(BuyerAuditState state) {
    return escrowTestSetHash(state.getCommitment());
  }

  /**
   * What AuditEscrow holds as the audit's test set hash: the test-set commitment T's digest for an
   * accuracy-proof audit, the hash of the salted sample hashes with the offset per sample.
   */
  private static Bytes32 escrowTestSetHash(AuditCommitment c) {
    return new Bytes32(
        AuditStatements.escrowTestSetHash(
            c.getProofKind(), c.getTestSetHash().toByteArray(), c.getLabelOffset()));
  }

  /**
   * The seller refused the audit: the request is taken back, so the payment is credited to the
   * buyer.
   */
  String cancel(BuyerAuditState state) {
    try {
      if (escrow.audit(id(state)).status() == AuditRecord.Status.REQUESTED) {
        escrow.cancelAudit(id(state));
        return "; the on-chain request "
            + id(state)
            + " is cancelled and its payment credited back";
      }
    } catch (EscrowException e) {
      return "; cancelling the on-chain request " + id(state) + " failed: " + e.getMessage();
    }
    return "";
  }

  /** The terms count only once the seller has staked on exactly this request, with these terms. */
  void checkStaked(BuyerAuditState state) throws BuyerException {
    long id = id(state);
    if (state.getTerms().getChainAuditId() != id) {
      throw invalid(
          "audit "
              + state.getCommitment().getAuditId()
              + ": the terms are about another on-chain audit");
    }
    AuditRecord r = escrow.audit(id);
    if (r.status() == AuditRecord.Status.REQUESTED || r.status() == AuditRecord.Status.NONE) {
      throw invalid(
          "audit "
              + state.getCommitment().getAuditId()
              + ": the seller signed terms but has not staked on"
              + " on-chain audit "
              + id);
    }
    if (state.getTerms().getClaimedAccuracy() * 10_000 < r.claimedAccuracyBps() - 1e-6
        || !BigInteger.valueOf(state.getTerms().getStake()).equals(r.requiredStake())) {
      throw invalid(
          "audit "
              + state.getCommitment().getAuditId()
              + ": the terms' claim or stake is not on-chain audit "
              + id
              + "'s");
    }
  }

  /**
   * Opens the on-chain commitment (unless done before a crash) with the seller's receipt for the
   * test set, which the seller gave when the samples reached it (off-chain, before this).
   */
  void reveal(BuyerAuditState state, RegisteredModel model) throws BuyerException {
    long id = id(state);
    if (escrow.audit(id).status() == AuditRecord.Status.STAKED) {
      byte[] receipt = state.getChainReceipt().toByteArray();
      if (!escrow.receiptBySeller(model, id, testSetHash(state), receipt)) {
        throw invalid(
            "audit "
                + state.getCommitment().getAuditId()
                + ": the seller's receipt for the test set is not"
                + " its signature, so the test set cannot be revealed on-chain");
      }
      escrow.revealTestSet(
          id,
          new TestSetCommitment(
              testSetHash(state), new Bytes32(state.getCommitment().getChainSalt().toByteArray())),
          receipt);
    }
  }

  /**
   * The buyer's EIP-712 signature of a pass or a shortfall (a proof failure is not signed
   * on-chain).
   */
  byte[] sign(BuyerAuditState state, ResultStatement s) {
    return s.getVerdict() == Verdict.PROOF_FAILED
        ? new byte[0]
        : escrow.signResult(result(state, s.getCorrect()));
  }

  private static AuditResult result(BuyerAuditState state, int correct) {
    return new AuditResult(
        id(state), testSetHash(state), correct, state.getCommitment().getSampleCount());
  }

  /**
   * Settles on-chain with both signatures, unless the escrow is settled already (the seller may
   * have been first); saves the escrow's outcome. A proof failure has no seller signature: after
   * the result deadline the deadline rules compensate the buyer, before it the audit stays open.
   */
  BuyerAuditState settle(BuyerAuditState state, RegisteredModel model) throws BuyerException {
    long id = id(state);
    AuditRecord r = escrow.audit(id);
    if (r.status() == AuditRecord.Status.REVEALED) {
      var result = state.getResult();
      if (result.getStatement().getVerdict() != Verdict.PROOF_FAILED) {
        AuditResult onChain = result(state, result.getStatement().getCorrect());
        byte[] seller = result.getChainSellerSignature().toByteArray();
        if (!escrow.signedBySeller(model, onChain, seller)) {
          throw invalid(
              "audit "
                  + state.getCommitment().getAuditId()
                  + ": the seller's on-chain signature of the"
                  + " result is not the seller's");
        }
        try {
          escrow.settle(onChain, result.getChainBuyerSignature().toByteArray(), seller);
        } catch (EscrowException e) {
          if (escrow.audit(id).status() != AuditRecord.Status.SETTLED) {
            throw e;
          }
        }
      } else if (escrow.chainTime().isAfter(r.deadline())) {
        escrow.settleByDeadline(id);
      }
      r = escrow.audit(id);
    } else if (r.status() == AuditRecord.Status.STAKED
        && escrow.chainTime().isAfter(r.deadline())) {
      escrow.settleByDeadline(id);
      r = escrow.audit(id);
    }
    if (r.status() != AuditRecord.Status.SETTLED) {
      return state;
    }
    BuyerAuditState next = state.toBuilder().setChainOutcome(r.outcome().name()).build();
    files.save(next);
    return next;
  }

  /** When the escrow's current phase ends (for a buyer told to come back after it). */
  java.time.Instant deadline(BuyerAuditState state) {
    return escrow.audit(id(state)).deadline();
  }
}
