package io.zkaudit.protocols.chain;

import io.zkaudit.escrow.Bytes32;
import io.zkaudit.escrow.EscrowClient;
import io.zkaudit.escrow.ModelRecord;
import io.zkaudit.escrow.PredictionContest;
import io.zkaudit.escrow.SignedAnswer;
import io.zkaudit.escrow.TypedDigests;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.buyer.BuyerException;
import io.zkaudit.protocols.buyer.RegisteredModel;
import java.math.BigInteger;
import java.util.Arrays;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * The buyer's on-chain side, with its protocol key as its account: pay for an order of a model the
 * seller mirrored on-chain, check the seller's escrow signature on each answer, contest answers in
 * the escrow, and slash an order whose contest the seller did not prove in time. Failures of the
 * chain itself are {@link io.zkaudit.escrow.EscrowException}s.
 */
public final class BuyerChain implements AutoCloseable, io.zkaudit.protocols.buyer.AuditEscrow {
  private final Web3j web3j;
  private final EscrowClient client;

  /** Whether the escrows consult the on-chain verifier's facts; null until first asked. */
  private volatile Boolean sessionVerifier;

  private BuyerChain(Web3j web3j, EscrowClient client) {
    this.web3j = web3j;
    this.client = client;
  }

  public static BuyerChain connect(ChainSettings settings, PartyKey key) {
    Web3j web3j = Web3j.build(new HttpService(settings.rpcUrl()));
    try {
      return new BuyerChain(
          web3j, EscrowClient.connect(web3j, ChainKeys.credentials(key), settings.deployment()));
    } catch (RuntimeException e) {
      web3j.shutdown();
      throw e;
    }
  }

  public String address() {
    return client.address();
  }

  public EscrowClient client() {
    return client;
  }

  /**
   * The on-chain id of a registered model: the active registry record by the same seller key with
   * the model id as weight commitment. Found by reading the registry, not by asking the seller.
   */
  public long chainModel(RegisteredModel model) throws BuyerException {
    String seller = ChainKeys.address(model.sellerKey().toByteArray());
    byte[] commitment = model.id().toByteArray();
    for (long id = client.registry().modelCount(); id >= 1; id--) {
      ModelRecord r = client.registry().getModel(id);
      if (r.active()
          && ChainKeys.sameAddressOf(r.seller(), seller)
          && Arrays.equals(r.weightCommitment().bytes(), commitment)) {
        return id;
      }
    }
    throw new BuyerException(
        BuyerException.Reason.REFUSED,
        "model "
            + java.util.HexFormat.of().formatHex(commitment)
            + " is not registered on-chain by its seller "
            + seller);
  }

  @Override
  public long requestAudit(io.zkaudit.escrow.AuditTerms terms, Bytes32 testSetCommitment) {
    return client.audits().commitTestSet(terms, testSetCommitment);
  }

  @Override
  public io.zkaudit.escrow.AuditRecord audit(long auditId) {
    return client.audits().getAudit(auditId);
  }

  @Override
  public void cancelAudit(long auditId) {
    client.audits().cancel(auditId);
  }

  @Override
  public void revealTestSet(
      long auditId, io.zkaudit.escrow.TestSetCommitment opening, byte[] sellerReceipt) {
    client.audits().revealTestSet(auditId, opening, sellerReceipt);
  }

  @Override
  public boolean receiptBySeller(
      RegisteredModel model, long auditId, Bytes32 testSetHash, byte[] receipt) {
    String signer =
        ChainKeys.signer(
                TypedDigests.testSetReceipt(client.deployment(), auditId, testSetHash), receipt)
            .orElse(null);
    return ChainKeys.sameAddressOf(signer, ChainKeys.address(model.sellerKey().toByteArray()));
  }

  @Override
  public byte[] signResult(io.zkaudit.escrow.AuditResult result) {
    return client.audits().signResult(result);
  }

  @Override
  public boolean signedBySeller(
      RegisteredModel model, io.zkaudit.escrow.AuditResult result, byte[] signature) {
    String signer =
        ChainKeys.signer(TypedDigests.auditResult(client.deployment(), result), signature)
            .orElse(null);
    return ChainKeys.sameAddressOf(signer, ChainKeys.address(model.sellerKey().toByteArray()));
  }

  @Override
  public void settle(
      io.zkaudit.escrow.AuditResult result, byte[] buyerSignature, byte[] sellerSignature) {
    client.audits().settle(result, buyerSignature, sellerSignature);
  }

  @Override
  public io.zkaudit.escrow.AuditRecord.Outcome settleByDeadline(long auditId) {
    return client.audits().settleByDeadline(auditId);
  }

  /** What this buyer can withdraw from the audit escrow (wei). */
  public BigInteger auditCredit() {
    return client.auditCredit(address());
  }

  public BigInteger withdrawAuditCredit() {
    return client.withdrawAuditCredit();
  }

  /** Pays the current offer for {@code predictions} answers; returns the order id. */
  public long pay(RegisteredModel model, int predictions) throws BuyerException {
    long id = chainModel(model);
    checkVerifierPlans(model, id);
    return client.predictions().pay(id, predictions);
  }

  /**
   * On a deployment whose escrows read the on-chain verifier's facts ({@code
   * SessionProofVerifier}), a contest of this record counts as proven by any session of the plans
   * its seller recorded: the buyer pays only if they are set and are the plans of the key it
   * verified (recomputed here from the key, {@link OnChainProofs#plansOf}); plans set later by the
   * seller would count for the order too. An attestation deployment has no plans to check.
   */
  private void checkVerifierPlans(RegisteredModel model, long id) throws BuyerException {
    if (!onChainVerifier()) {
      return;
    }
    Bytes32 recorded = client.registry().verifierPlansOf(id);
    Bytes32 expected;
    try {
      expected = OnChainProofs.plansOf(model.entry().getVerifyingKey().toByteArray());
    } catch (OnChainProofs.NotProvableOnChain e) {
      throw new BuyerException(
          BuyerException.Reason.REFUSED,
          "the escrows settle contests by on-chain proofs, which this model cannot have: "
              + e.getMessage());
    }
    if (!recorded.equals(expected)) {
      throw new BuyerException(
          BuyerException.Reason.REFUSED,
          "on-chain model "
              + id
              + "'s verifier plans are "
              + (recorded.isZero() ? "not set" : recorded.hex())
              + ", not the plans of its key ("
              + expected.hex()
              + "): contests could be proven against other plans");
    }
  }

  /** Whether the deployment's proof verifier is a SessionProofVerifier (it names its sessions). */
  private boolean onChainVerifier() {
    Boolean known = sessionVerifier;
    if (known == null) {
      try {
        String sessions =
            io.zkaudit.escrow.contracts.SessionProofVerifier.load(
                    client.deployment().proofVerifier(),
                    web3j,
                    new org.web3j.tx.ReadonlyTransactionManager(web3j, client.address()),
                    new org.web3j.tx.gas.DefaultGasProvider())
                .sessions()
                .send();
        known = OnChainProofs.isAddress(sessions);
      } catch (Exception e) {
        known = false; // an AttestationVerifier has no sessions()
      }
      sessionVerifier = known;
    }
    return known;
  }

  /**
   * Checks that the answer's escrow signature is the model's seller's over (order, input hash,
   * output hash).
   */
  public SignedAnswer escrowAnswer(RegisteredModel model, io.zkaudit.proto.v1.SignedAnswer a)
      throws BuyerException {
    if (!a.hasChainAnswer()) {
      throw invalid("answer " + a.getStatement().getAnswerId() + " carries no escrow signature");
    }
    long order = a.getChainAnswer().getOrderId();
    Bytes32 in = new Bytes32(a.getStatement().getInputHash().toByteArray());
    Bytes32 out = new Bytes32(a.getStatement().getOutputHash().toByteArray());
    byte[] sig = a.getChainAnswer().getSignature().toByteArray();
    String signer =
        ChainKeys.signer(TypedDigests.answer(client.deployment(), order, in, out), sig)
            .orElse(null);
    if (!ChainKeys.sameAddressOf(signer, ChainKeys.address(model.sellerKey().toByteArray()))) {
      throw invalid(
          "answer "
              + a.getStatement().getAnswerId()
              + ": the escrow signature is not the seller's");
    }
    return new SignedAnswer(order, in, out, sig);
  }

  /**
   * Contests the answer in the escrow; returns the contest id. The seller must prove it before the
   * proof deadline.
   */
  public long contest(RegisteredModel model, io.zkaudit.proto.v1.SignedAnswer a)
      throws BuyerException {
    return client.predictions().contest(escrowAnswer(model, a));
  }

  public PredictionContest contestState(long contestId) {
    return client.predictions().getContest(contestId);
  }

  /**
   * After an unproven contest's deadline: the order's payment and locked stake go to this buyer's
   * credit.
   */
  public void slash(long contestId) {
    client.predictions().slash(contestId);
  }

  /** What this buyer can withdraw from the prediction escrow (wei). */
  public BigInteger credit() {
    return client.predictionCredit(address());
  }

  public BigInteger withdraw() {
    return client.withdrawPredictionCredit();
  }

  /** The chain's clock (the latest block's time): what deadlines are compared with. */
  @Override
  public java.time.Instant chainTime() {
    try {
      return java.time.Instant.ofEpochSecond(
          web3j
              .ethGetBlockByNumber(org.web3j.protocol.core.DefaultBlockParameterName.LATEST, false)
              .send()
              .getBlock()
              .getTimestamp()
              .longValueExact());
    } catch (java.io.IOException | RuntimeException e) {
      throw io.zkaudit.escrow.EscrowException.failed("eth_getBlockByNumber", e);
    }
  }

  private static BuyerException invalid(String message) {
    return new BuyerException(BuyerException.Reason.INVALID_ANSWER, message);
  }

  @Override
  public void close() {
    web3j.shutdown();
  }
}
