package io.zkaudit.escrow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zkaudit.escrow.AuditRecord.Outcome;
import io.zkaudit.escrow.chain.ChainNode;
import java.math.BigInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * On the real node: a result settles for the seller exactly when correct / total reaches the
 * claimed accuracy (correct * 10000 >= claim * total), for arbitrary counts and claims, and the
 * whole payment plus stake goes to exactly one side.
 */
class AuditThresholdProperties {
  private static ChainNode node;
  private static EscrowFixture f;
  private static long modelId;

  @BeforeContainer
  static void start() {
    node = ChainNode.start();
    f = EscrowFixture.deploy(node);
    modelId = f.registerModel();
  }

  @AfterContainer
  static void stop() {
    node.close();
  }

  @Property(tries = 15)
  void sellerIsPaidExactlyWhenTheClaimHolds(
      @ForAll @IntRange(min = 1, max = 2_000) int total,
      @ForAll @IntRange(max = 2_000) int correctSeed,
      @ForAll @IntRange(min = 1, max = 10_000) int claimBps) {
    int correct = correctSeed % (total + 1);
    BigInteger payment = Wei.ether(1);
    BigInteger stake = Wei.ether(2);
    TestSetCommitment set = TestSetCommitment.withRandomSalt(Bytes32.random());
    long auditId =
        f.buyer
            .audits()
            .commitTestSet(
                new AuditTerms(modelId, total, claimBps, payment, stake), set.commitment());
    f.seller.audits().stake(auditId);
    f.buyer
        .audits()
        .revealTestSet(auditId, set, f.seller.audits().signReceipt(auditId, set.testSetHash()));
    BigInteger sellerBefore = f.seller.auditCredit(f.seller.address());
    BigInteger buyerBefore = f.buyer.auditCredit(f.buyer.address());

    AuditResult result = new AuditResult(auditId, set.testSetHash(), correct, total);
    f.buyer
        .audits()
        .settle(result, f.buyer.audits().signResult(result), f.seller.audits().signResult(result));

    boolean holds = (long) correct * 10_000 >= (long) claimBps * total;
    assertEquals(
        holds ? Outcome.SELLER_PAID : Outcome.BUYER_COMPENSATED,
        f.buyer.audits().getAudit(auditId).outcome());
    BigInteger sellerGain = f.seller.auditCredit(f.seller.address()).subtract(sellerBefore);
    BigInteger buyerGain = f.buyer.auditCredit(f.buyer.address()).subtract(buyerBefore);
    assertEquals(holds ? payment.add(stake) : BigInteger.ZERO, sellerGain);
    assertEquals(holds ? BigInteger.ZERO : payment.add(stake), buyerGain);
  }
}
