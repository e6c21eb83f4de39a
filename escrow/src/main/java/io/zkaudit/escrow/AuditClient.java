package io.zkaudit.escrow;

import static io.zkaudit.escrow.AbiValues.id;
import static io.zkaudit.escrow.AbiValues.time;

import io.zkaudit.escrow.contracts.AuditEscrow;
import java.math.BigInteger;
import java.util.Optional;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The audit escrow, as one party sees it (verified accuracy with a commit-reveal test set). Obtain
 * through {@link EscrowClient#audits()}.
 */
public final class AuditClient {
  private final ChainSession session;
  private final AuditEscrow contract;
  private final EscrowDeployment deployment;
  private final RegistryClient registry;

  AuditClient(
      ChainSession session,
      AuditEscrow contract,
      EscrowDeployment deployment,
      RegistryClient registry) {
    this.session = session;
    this.contract = contract;
    this.deployment = deployment;
    this.registry = registry;
  }

  /** Buyer: pays for an audit and commits to its test set; returns the audit id. */
  public long commitTestSet(AuditTerms terms, Bytes32 testSetCommitment) {
    TransactionReceipt receipt =
        session.send(
            "audits.requestAudit",
            contract.requestAudit(
                id(terms.modelId()),
                testSetCommitment.bytes(),
                BigInteger.valueOf(terms.samples()),
                BigInteger.valueOf(terms.claimedAccuracyBps()),
                terms.requiredStake(),
                terms.payment()));
    return id(AuditEscrow.getAuditRequestedEvents(receipt).getFirst().auditId);
  }

  /** Buyer: withdraws a request the seller has not staked on; the payment is credited back. */
  public void cancel(long auditId) {
    session.send("audits.cancel", contract.cancel(id(auditId)));
  }

  /** Seller: accepts the audit's terms by staking the required stake. */
  public void stake(long auditId) {
    BigInteger required = getAudit(auditId).requiredStake();
    stakeExactly(auditId, required);
  }

  /** Seller: like {@link #stake} with an explicit amount (the contract rejects a wrong one). */
  public void stakeExactly(long auditId, BigInteger amount) {
    session.send(
        "audits.stake", contract.stake(id(auditId), AbiValues.nonNegative(amount, "amount")));
  }

  /**
   * Seller: its receipt for the whole test set (EIP-712 TestSetReceived; local, no transaction),
   * given once it has checked every sample against the commitment: the buyer needs it to reveal.
   */
  public byte[] signReceipt(long auditId, Bytes32 testSetHash) {
    return Signatures.sign(
        session.credentials, TypedDigests.testSetReceipt(deployment, auditId, testSetHash));
  }

  /**
   * Buyer: reveals the committed test-set hash and salt, with the seller's receipt for the test
   * set.
   */
  public void revealTestSet(long auditId, TestSetCommitment opening, byte[] sellerReceipt) {
    session.send(
        "audits.revealTestSet",
        contract.revealTestSet(
            id(auditId),
            opening.testSetHash().bytes(),
            opening.salt().bytes(),
            sellerReceipt.clone()));
  }

  /**
   * The receipt digest as the contract computes it (to cross-check {@link
   * TypedDigests#testSetReceipt}).
   */
  public Bytes32 receiptDigestOnChain(long auditId, Bytes32 testSetHash) {
    return new Bytes32(
        session.call(
            "audits.receiptDigest", contract.receiptDigest(id(auditId), testSetHash.bytes())));
  }

  /** Either party: signs a result; settlement needs the buyer's and the seller's signature. */
  public byte[] signResult(AuditResult result) {
    return Signatures.sign(session.credentials, TypedDigests.auditResult(deployment, result));
  }

  /** Anyone: settles with a result both parties signed. */
  public void settle(AuditResult result, byte[] buyerSignature, byte[] sellerSignature) {
    session.send(
        "audits.settle",
        contract.settle(
            id(result.auditId()),
            BigInteger.valueOf(result.correct()),
            BigInteger.valueOf(result.total()),
            buyerSignature.clone(),
            sellerSignature.clone()));
  }

  /**
   * Anyone: settles with a result the proof verifier accepts (today: the designated verifier's
   * attestation).
   */
  public void settleWithProof(AuditResult result, byte[] proof) {
    session.send(
        "audits.settleWithProof",
        contract.settleWithProof(
            id(result.auditId()),
            BigInteger.valueOf(result.correct()),
            BigInteger.valueOf(result.total()),
            proof.clone()));
  }

  /** Anyone: applies the deadline rules after the current phase's deadline; returns the outcome. */
  public AuditRecord.Outcome settleByDeadline(long auditId) {
    TransactionReceipt receipt =
        session.send("audits.settleByDeadline", contract.settleByDeadline(id(auditId)));
    return AbiValues.enumValue(
        AuditRecord.Outcome.class, AuditEscrow.getAuditSettledEvents(receipt).getFirst().outcome);
  }

  /** How long after the reveal a result is accepted (fixed at deployment). */
  public java.time.Duration resultWindow() {
    return java.time.Duration.ofSeconds(
        session.call("audits.resultWindow", contract.resultWindow()).longValueExact());
  }

  public AuditRecord getAudit(long auditId) {
    AuditEscrow.Audit a = session.call("audits.getAudit", contract.getAudit(id(auditId)));
    Bytes32 testSetHash = new Bytes32(a.testSetHash);
    long modelId = id(a.modelId);
    return new AuditRecord(
        auditId,
        modelId,
        a.buyer,
        registry.sellerOf(modelId),
        registry.commitmentOf(modelId),
        new Bytes32(a.testSetCommitment),
        testSetHash.isZero() ? Optional.empty() : Optional.of(testSetHash),
        a.samples.intValueExact(),
        a.claimedAccuracyBps.intValueExact(),
        time(a.deadline),
        AbiValues.enumValue(AuditRecord.Status.class, a.status),
        AbiValues.enumValue(AuditRecord.Outcome.class, a.outcome),
        a.payment,
        a.requiredStake);
  }

  /**
   * The result digest as the contract computes it (to cross-check {@link
   * TypedDigests#auditResult}).
   */
  public Bytes32 resultDigestOnChain(AuditResult result) {
    return new Bytes32(
        session.call(
            "audits.resultDigest",
            contract.resultDigest(
                id(result.auditId()),
                result.testSetHash().bytes(),
                BigInteger.valueOf(result.correct()),
                BigInteger.valueOf(result.total()))));
  }

  AuditEscrow contract() {
    return contract;
  }
}
