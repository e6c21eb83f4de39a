package io.zkaudit.protocols.buyer;

import io.zkaudit.escrow.AuditRecord;
import io.zkaudit.escrow.AuditResult;
import io.zkaudit.escrow.AuditTerms;
import io.zkaudit.escrow.Bytes32;
import io.zkaudit.escrow.TestSetCommitment;
import java.time.Instant;

/**
 * The buyer's view of AuditEscrow, as {@link AuditClient} uses it for an on-chain audit (the
 * buyer's chain account is its protocol key; {@code io.zkaudit.protocols.chain.BuyerChain} is the
 * implementation). Failures of the chain itself are {@link io.zkaudit.escrow.EscrowException}s.
 */
public interface AuditEscrow {
  /**
   * The model's on-chain id: its seller's active registration with the model id as weight
   * commitment.
   */
  long chainModel(RegisteredModel model) throws BuyerException;

  /** Pays for an audit and commits to the test set; returns the on-chain audit id. */
  long requestAudit(AuditTerms terms, Bytes32 testSetCommitment);

  AuditRecord audit(long auditId);

  /** Takes back a request the seller has not staked on (the payment is credited back). */
  void cancelAudit(long auditId);

  /**
   * Reveals with the seller's receipt for the test set (the escrow refuses a reveal without it).
   */
  void revealTestSet(long auditId, TestSetCommitment opening, byte[] sellerReceipt);

  /**
   * Whether {@code receipt} is the model's seller's EIP-712 receipt for this test set of this
   * audit.
   */
  boolean receiptBySeller(RegisteredModel model, long auditId, Bytes32 testSetHash, byte[] receipt);

  /** This buyer's EIP-712 signature of a result. */
  byte[] signResult(AuditResult result);

  /** Whether {@code signature} is the model's seller's EIP-712 signature of the result. */
  boolean signedBySeller(RegisteredModel model, AuditResult result, byte[] signature);

  void settle(AuditResult result, byte[] buyerSignature, byte[] sellerSignature);

  AuditRecord.Outcome settleByDeadline(long auditId);

  /** The chain's clock (the latest block's time): what the escrow's deadlines are compared with. */
  Instant chainTime();
}
