package io.zkaudit.escrow;

import static io.zkaudit.escrow.Reverts.assertReverts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zkaudit.escrow.AuditRecord.Outcome;
import io.zkaudit.escrow.AuditRecord.Status;
import io.zkaudit.escrow.chain.ChainNode;
import io.zkaudit.escrow.contracts.AuditEscrow;
import java.math.BigInteger;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(AnvilExtension.class)
class AuditEscrowTest {
  private static final BigInteger PAYMENT = Wei.ether(3);
  private static final BigInteger STAKE = Wei.ether(7);
  private static final int SAMPLES = 600;
  private static final int CLAIM_BPS = 9_000; // 90%: 540 of 600 correct passes

  private EscrowFixture f;
  private AuditClient buyer;
  private AuditClient seller;
  private long modelId;
  private TestSetCommitment testSet;

  @BeforeEach
  void deploy(ChainNode node) {
    f = EscrowFixture.deploy(node);
    buyer = f.buyer.audits();
    seller = f.seller.audits();
    modelId = f.registerModel();
    testSet = TestSetCommitment.withRandomSalt(Bytes32.random());
  }

  private long request() {
    return buyer.commitTestSet(
        new AuditTerms(modelId, SAMPLES, CLAIM_BPS, PAYMENT, STAKE), testSet.commitment());
  }

  private long revealed() {
    long auditId = request();
    seller.stake(auditId);
    buyer.revealTestSet(auditId, testSet, receipt(auditId));
    return auditId;
  }

  /** The seller's receipt for the test set, which the buyer needs to reveal. */
  private byte[] receipt(long auditId) {
    return seller.signReceipt(auditId, testSet.testSetHash());
  }

  private void settleSigned(AuditResult result) {
    f.stranger.audits().settle(result, buyer.signResult(result), seller.signResult(result));
  }

  private BigInteger buyerCredit() {
    return f.buyer.auditCredit(f.buyer.address());
  }

  private BigInteger sellerCredit() {
    return f.seller.auditCredit(f.seller.address());
  }

  @Test
  void claimThatHoldsPaysTheSellerPaymentAndStake() {
    long auditId = request();
    AuditRecord requested = buyer.getAudit(auditId);
    assertEquals(Status.REQUESTED, requested.status());
    assertEquals(testSet.commitment(), requested.testSetCommitment());
    assertEquals(Optional.empty(), requested.testSetHash());
    assertEquals(
        f.seller.registry().getModel(modelId).weightCommitment(), requested.weightCommitment());

    seller.stake(auditId);
    assertEquals(Status.STAKED, buyer.getAudit(auditId).status());
    buyer.revealTestSet(auditId, testSet, receipt(auditId));
    assertEquals(Optional.of(testSet.testSetHash()), buyer.getAudit(auditId).testSetHash());
    assertEquals(PAYMENT.add(STAKE), f.node.balanceOf(f.deployment.auditEscrow()));

    settleSigned(new AuditResult(auditId, testSet.testSetHash(), 540, SAMPLES)); // exactly 90%
    AuditRecord settled = buyer.getAudit(auditId);
    assertEquals(Status.SETTLED, settled.status());
    assertEquals(Outcome.SELLER_PAID, settled.outcome());
    assertEquals(PAYMENT.add(STAKE), sellerCredit());
    assertEquals(BigInteger.ZERO, buyerCredit());

    var settledEvents =
        ContractLogs.events(
            f.node,
            f.deployment.auditEscrow(),
            AuditEscrow.AUDITSETTLED_EVENT,
            AuditEscrow::getAuditSettledEventFromLog);
    assertEquals(1, settledEvents.size());
    assertEquals(
        BigInteger.valueOf(Outcome.SELLER_PAID.ordinal()), settledEvents.getFirst().outcome);
    assertEquals(BigInteger.valueOf(540), settledEvents.getFirst().correct);

    assertEquals(PAYMENT.add(STAKE), f.seller.withdrawAuditCredit());
    assertEquals(BigInteger.ZERO, f.node.balanceOf(f.deployment.auditEscrow()));
  }

  @Test
  void claimThatFailsRefundsTheBuyerAndSlashesTheStake() {
    long auditId = revealed();
    settleSigned(new AuditResult(auditId, testSet.testSetHash(), 539, SAMPLES)); // just below 90%
    assertEquals(Outcome.BUYER_COMPENSATED, buyer.getAudit(auditId).outcome());
    assertEquals(PAYMENT.add(STAKE), buyerCredit());
    assertEquals(BigInteger.ZERO, sellerCredit());
  }

  @Test
  void verifiedResultSettlesWithoutTheBuyersSignature() {
    long auditId = revealed();
    AuditResult result = new AuditResult(auditId, testSet.testSetHash(), 590, SAMPLES);
    Bytes32 commitment = buyer.getAudit(auditId).weightCommitment();

    byte[] wrongCount = f.attester.attestAccuracy(commitment, testSet.testSetHash(), 591, SAMPLES);
    byte[] wrongTestSet = f.attester.attestAccuracy(commitment, Bytes32.random(), 590, SAMPLES);
    byte[] wrongModel =
        f.attester.attestAccuracy(Bytes32.random(), testSet.testSetHash(), 590, SAMPLES);
    for (byte[] bad : new byte[][] {wrongCount, wrongTestSet, wrongModel, new byte[3]}) {
      assertReverts("proof rejected", () -> seller.settleWithProof(result, bad));
    }

    seller.settleWithProof(
        result, f.attester.attestAccuracy(commitment, testSet.testSetHash(), 590, SAMPLES));
    assertEquals(Outcome.SELLER_PAID, buyer.getAudit(auditId).outcome());
    assertEquals(PAYMENT.add(STAKE), sellerCredit());
  }

  @Test
  void neverSettlesTwice() {
    long auditId = revealed();
    AuditResult pass = new AuditResult(auditId, testSet.testSetHash(), 600, SAMPLES);
    AuditResult fail = new AuditResult(auditId, testSet.testSetHash(), 0, SAMPLES);
    settleSigned(pass);
    assertReverts("audit not awaiting result", () -> settleSigned(pass));
    assertReverts("audit not awaiting result", () -> settleSigned(fail));
    byte[] proof =
        f.attester.attestAccuracy(
            buyer.getAudit(auditId).weightCommitment(), testSet.testSetHash(), 0, SAMPLES);
    assertReverts("audit not awaiting result", () -> buyer.settleWithProof(fail, proof));
    f.pastWindow();
    assertReverts("audit already settled", () -> buyer.settleByDeadline(auditId));
    assertEquals(PAYMENT.add(STAKE), sellerCredit());
    assertEquals(BigInteger.ZERO, buyerCredit());
    assertEquals(PAYMENT.add(STAKE), f.node.balanceOf(f.deployment.auditEscrow()));
  }

  @Test
  void settlementNeedsBothPartiesSignaturesOverThatResult() {
    long auditId = revealed();
    AuditResult result = new AuditResult(auditId, testSet.testSetHash(), 300, SAMPLES);
    byte[] bySeller = seller.signResult(result);
    byte[] byBuyer = buyer.signResult(result);
    byte[] byStranger = f.stranger.audits().signResult(result);
    byte[] sellerOnOther =
        seller.signResult(new AuditResult(auditId, testSet.testSetHash(), 600, SAMPLES));

    assertReverts("result not signed by buyer", () -> buyer.settle(result, bySeller, bySeller));
    assertReverts("result not signed by buyer", () -> buyer.settle(result, byStranger, bySeller));
    assertReverts("result not signed by seller", () -> buyer.settle(result, byBuyer, byBuyer));
    assertReverts(
        "result not signed by seller", () -> buyer.settle(result, byBuyer, sellerOnOther));
    assertReverts("result not signed by seller", () -> buyer.settle(result, byBuyer, new byte[65]));
    // a result over another test set than the revealed one carries no valid signature
    AuditResult otherSet = new AuditResult(auditId, Bytes32.random(), 300, SAMPLES);
    assertReverts(
        "result not signed by buyer",
        () -> buyer.settle(otherSet, buyer.signResult(otherSet), seller.signResult(otherSet)));
    assertEquals(Status.REVEALED, buyer.getAudit(auditId).status());
  }

  @Test
  void malformedResultsAreRejectedByTheContract() throws Exception {
    long auditId = revealed();
    // Bypass the Java-side checks to show the contract enforces them too.
    var contract = buyer.contract();
    BigInteger id = BigInteger.valueOf(auditId);
    var badTotal = new AuditResult(auditId, testSet.testSetHash(), 10, SAMPLES - 1);
    assertReverts(
        "total is not the sample count",
        () -> buyer.settle(badTotal, buyer.signResult(badTotal), seller.signResult(badTotal)));
    EscrowException tooMany =
        assertThrows(
            EscrowException.class,
            () -> {
              try {
                contract
                    .settleWithProof(
                        id,
                        BigInteger.valueOf(SAMPLES + 1),
                        BigInteger.valueOf(SAMPLES),
                        new byte[65])
                    .send();
              } catch (Exception e) {
                throw EscrowException.failed("settleWithProof", e);
              }
            });
    assertEquals(Optional.of("more correct than total"), tooMany.revertReason());
    assertThrows(
        EscrowException.class,
        () -> new AuditResult(auditId, testSet.testSetHash(), SAMPLES + 1, SAMPLES));
    assertThrows(
        EscrowException.class, () -> new AuditTerms(modelId, 0, CLAIM_BPS, PAYMENT, STAKE));
    assertThrows(
        EscrowException.class, () -> new AuditTerms(modelId, SAMPLES, 10_001, PAYMENT, STAKE));
  }

  @Test
  void requestsAreCheckedAndOnlyTheRightPartyActs() {
    Bytes32 commitment = testSet.commitment();
    var contract = buyer.contract();
    assertReverts(
        "model not active",
        () ->
            buyer.commitTestSet(
                new AuditTerms(modelId + 1, SAMPLES, CLAIM_BPS, PAYMENT, STAKE), commitment));
    assertReverts(
        "empty test set commitment",
        () ->
            buyer.commitTestSet(
                new AuditTerms(modelId, SAMPLES, CLAIM_BPS, PAYMENT, STAKE),
                new Bytes32(new byte[32])));
    EscrowException zeroBps =
        assertThrows(
            EscrowException.class,
            () -> {
              try {
                contract
                    .requestAudit(
                        BigInteger.valueOf(modelId),
                        commitment.bytes(),
                        BigInteger.valueOf(SAMPLES),
                        BigInteger.ZERO,
                        STAKE,
                        PAYMENT)
                    .send();
              } catch (Exception e) {
                throw EscrowException.failed("requestAudit", e);
              }
            });
    assertEquals(Optional.of("bad claimed accuracy"), zeroBps.revertReason());

    long auditId = request();
    assertReverts("not the seller", () -> f.stranger.audits().stakeExactly(auditId, STAKE));
    assertReverts(
        "wrong stake", () -> seller.stakeExactly(auditId, STAKE.subtract(BigInteger.ONE)));
    assertReverts("not the buyer", () -> f.stranger.audits().cancel(auditId));
    assertReverts(
        "audit not awaiting reveal", () -> buyer.revealTestSet(auditId, testSet, receipt(auditId)));
    seller.stake(auditId);
    assertReverts("audit not awaiting stake", () -> seller.stake(auditId));
    assertReverts("audit not awaiting stake", () -> buyer.cancel(auditId));
    assertReverts(
        "not the buyer",
        () -> f.stranger.audits().revealTestSet(auditId, testSet, receipt(auditId)));
    assertReverts(
        "reveal does not match commitment",
        () ->
            buyer.revealTestSet(
                auditId,
                new TestSetCommitment(testSet.testSetHash(), Bytes32.random()),
                receipt(auditId)));
    assertReverts(
        "reveal does not match commitment",
        () ->
            buyer.revealTestSet(
                auditId,
                new TestSetCommitment(Bytes32.random(), testSet.salt()),
                receipt(auditId)));
    // No receipt, a receipt signed by someone else, for another audit or another test set:
    // the buyer cannot start the seller's result clock without the seller holding the test set.
    assertReverts(
        "test set not received by seller",
        () -> buyer.revealTestSet(auditId, testSet, new byte[0]));
    assertReverts(
        "test set not received by seller",
        () ->
            buyer.revealTestSet(
                auditId, testSet, buyer.signReceipt(auditId, testSet.testSetHash())));
    assertReverts(
        "test set not received by seller",
        () ->
            buyer.revealTestSet(
                auditId, testSet, seller.signReceipt(auditId + 1, testSet.testSetHash())));
    assertReverts(
        "test set not received by seller",
        () -> buyer.revealTestSet(auditId, testSet, seller.signReceipt(auditId, Bytes32.random())));
    assertEquals(
        seller.receiptDigestOnChain(auditId, testSet.testSetHash()),
        TypedDigests.testSetReceipt(f.deployment, auditId, testSet.testSetHash()));
    assertReverts("deadline not passed", () -> seller.settleByDeadline(auditId));
    assertReverts("unknown audit", () -> buyer.getAudit(auditId + 1));
  }

  @Test
  void buyerCancelsBeforeTheStakeAndIsRefundedOnce() {
    long auditId = request();
    buyer.cancel(auditId);
    assertEquals(Outcome.REFUNDED, buyer.getAudit(auditId).outcome());
    assertEquals(PAYMENT, buyerCredit());
    assertReverts("audit not awaiting stake", () -> buyer.cancel(auditId));
    assertReverts("audit not awaiting stake", () -> seller.stake(auditId));
  }

  @Test
  void noStakeInTimeRefundsTheBuyer() {
    long auditId = request();
    f.pastWindow();
    assertReverts("stake deadline passed", () -> seller.stake(auditId));
    assertEquals(Outcome.REFUNDED, f.stranger.audits().settleByDeadline(auditId));
    assertEquals(PAYMENT, buyerCredit());
    assertEquals(BigInteger.ZERO, sellerCredit());
  }

  @Test
  void noRevealInTimeGivesBothTheirMoneyBack() {
    long auditId = request();
    seller.stake(auditId);
    f.pastWindow();
    assertReverts(
        "reveal deadline passed", () -> buyer.revealTestSet(auditId, testSet, receipt(auditId)));
    assertEquals(Outcome.UNREVEALED, seller.settleByDeadline(auditId));
    assertEquals(STAKE, sellerCredit());
    assertEquals(PAYMENT, buyerCredit());
  }

  @Test
  void noResultInTimeGivesTheBuyerPaymentAndStake() {
    long auditId = revealed();
    f.pastWindow();
    AuditResult result = new AuditResult(auditId, testSet.testSetHash(), 600, SAMPLES);
    byte[] lateProof =
        f.attester.attestAccuracy(
            buyer.getAudit(auditId).weightCommitment(), testSet.testSetHash(), 600, SAMPLES);
    assertReverts("result deadline passed", () -> seller.settleWithProof(result, lateProof));
    assertEquals(Outcome.BUYER_COMPENSATED, buyer.settleByDeadline(auditId));
    assertEquals(PAYMENT.add(STAKE), buyerCredit());
    assertEquals(BigInteger.ZERO, sellerCredit());
    assertReverts("audit not awaiting result", () -> settleSigned(result));
  }

  @Test
  void javaAndContractAgreeOnTheResultDigestAndCommitment() {
    long auditId = revealed(); // the reveal itself checks the Java commitment against the contract
    AuditResult result = new AuditResult(auditId, testSet.testSetHash(), 123, SAMPLES);
    assertArrayEquals(
        TypedDigests.auditResult(f.deployment, result).bytes(),
        buyer.resultDigestOnChain(result).bytes());
  }
}
