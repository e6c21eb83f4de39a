package io.zkaudit.escrow;

import static io.zkaudit.escrow.Reverts.assertReverts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zkaudit.escrow.chain.ChainNode;
import io.zkaudit.escrow.contracts.PredictionEscrow;
import java.math.BigInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(AnvilExtension.class)
class PredictionEscrowTest {
  private static final BigInteger PRICE = Wei.gwei(1_000_000); // 0.001 ether per prediction
  private static final BigInteger STAKE_PER_ORDER = Wei.ether(2);
  private static final int PREDICTIONS = 10;

  private EscrowFixture f;
  private long modelId;
  private PredictionClient seller;
  private PredictionClient buyer;

  @BeforeEach
  void deployAndOffer(ChainNode node) {
    f = EscrowFixture.deploy(node);
    modelId = f.registerModel();
    seller = f.seller.predictions();
    buyer = f.buyer.predictions();
    seller.setOffer(modelId, PRICE, STAKE_PER_ORDER);
    seller.depositStake(modelId, Wei.ether(5));
  }

  private BigInteger orderPrice() {
    return PRICE.multiply(BigInteger.valueOf(PREDICTIONS));
  }

  @Test
  void contestedAnswerProvenInTimeThenSellerIsPaid() {
    long orderId = buyer.pay(modelId, PREDICTIONS);
    PredictionOrder order = buyer.getOrder(orderId);
    assertEquals(PredictionOrder.Status.OPEN, order.status());
    assertEquals(orderPrice(), order.payment());
    assertEquals(
        f.seller.registry().getModel(modelId).weightCommitment(), order.weightCommitment());
    assertEquals(new PredictionStake(Wei.ether(3), STAKE_PER_ORDER), buyer.getStake(modelId));

    // Contested late in the contest window, so the proof deadline outlives the contest deadline.
    f.node.advanceTime(EscrowFixture.WINDOW.minusMinutes(10));
    SignedAnswer answer = seller.signAnswer(orderId, Bytes32.random(), Bytes32.random());
    long contestId = buyer.contest(answer);
    assertEquals(PredictionContest.Status.OPEN, buyer.getContest(contestId).status());
    f.node.advanceTime(java.time.Duration.ofMinutes(20));
    assertReverts("unproven contests", () -> buyer.claimPayment(orderId));

    // The seller (the designated verifier, having checked its proof) answers in time...
    byte[] proof =
        f.attester.attestPrediction(
            order.weightCommitment(), answer.inputHash(), answer.outputHash());
    seller.proveContest(contestId, proof);
    assertEquals(PredictionContest.Status.PROVEN, buyer.getContest(contestId).status());
    assertReverts("contest not open", () -> seller.proveContest(contestId, proof));

    // ...so the payment is released and the stake unlocked.
    f.stranger.predictions().claimPayment(orderId);
    assertEquals(PredictionOrder.Status.PAID, buyer.getOrder(orderId).status());
    assertEquals(new PredictionStake(Wei.ether(5), BigInteger.ZERO), buyer.getStake(modelId));
    assertEquals(orderPrice(), f.seller.predictionCredit(f.seller.address()));
    assertEquals(BigInteger.ZERO, f.buyer.predictionCredit(f.buyer.address()));
    assertReverts("order closed", () -> buyer.claimPayment(orderId));

    BigInteger escrowBefore = f.node.balanceOf(f.deployment.predictionEscrow());
    assertEquals(orderPrice(), f.seller.withdrawPredictionCredit());
    assertEquals(
        escrowBefore.subtract(orderPrice()), f.node.balanceOf(f.deployment.predictionEscrow()));
    assertReverts("nothing to withdraw", f.seller::withdrawPredictionCredit);
  }

  @Test
  void unprovenContestSlashesTheSellerAfterTheDeadline() {
    long orderId = buyer.pay(modelId, PREDICTIONS);
    long contestId = buyer.contest(seller.signAnswer(orderId, Bytes32.random(), Bytes32.random()));
    assertReverts("proof deadline not passed", () -> buyer.slash(contestId));

    f.pastWindow();
    Bytes32 commitment = buyer.getOrder(orderId).weightCommitment();
    PredictionContest contest = buyer.getContest(contestId);
    byte[] lateProof =
        f.attester.attestPrediction(commitment, contest.inputHash(), contest.outputHash());
    assertReverts("proof deadline passed", () -> seller.proveContest(contestId, lateProof));

    buyer.slash(contestId);
    var slashed =
        ContractLogs.events(
            f.node,
            f.deployment.predictionEscrow(),
            PredictionEscrow.ORDERSLASHED_EVENT,
            PredictionEscrow::getOrderSlashedEventFromLog);
    assertEquals(1, slashed.size());
    assertEquals(BigInteger.valueOf(orderId), slashed.getFirst().orderId);
    assertEquals(BigInteger.valueOf(contestId), slashed.getFirst().contestId);
    assertEquals(orderPrice(), slashed.getFirst().refund);
    assertEquals(STAKE_PER_ORDER, slashed.getFirst().slashed);
    assertEquals(PredictionOrder.Status.SLASHED, buyer.getOrder(orderId).status());
    assertEquals(PredictionContest.Status.EXPIRED, buyer.getContest(contestId).status());
    assertEquals(orderPrice().add(STAKE_PER_ORDER), f.buyer.predictionCredit(f.buyer.address()));
    assertEquals(new PredictionStake(Wei.ether(3), BigInteger.ZERO), buyer.getStake(modelId));
    assertEquals(BigInteger.ZERO, f.seller.predictionCredit(f.seller.address()));

    // no second payout of any kind
    assertReverts("contest not open", () -> buyer.slash(contestId));
    assertReverts("order closed", () -> buyer.claimPayment(orderId));
    assertEquals(orderPrice().add(STAKE_PER_ORDER), f.buyer.withdrawPredictionCredit());
    assertReverts("nothing to withdraw", f.buyer::withdrawPredictionCredit);
  }

  @Test
  void contestsNeedTheBuyerAndAnAnswerTheSellerSigned() {
    long orderId = buyer.pay(modelId, PREDICTIONS);
    Bytes32 input = Bytes32.random();
    Bytes32 output = Bytes32.random();
    SignedAnswer signed = seller.signAnswer(orderId, input, output);

    // the buyer cannot make up an answer: it must carry the seller's signature
    SignedAnswer forged = buyer.signAnswer(orderId, input, output);
    assertReverts("answer not signed by seller", () -> buyer.contest(forged));
    // a signature for one output does not cover another
    assertReverts(
        "answer not signed by seller",
        () ->
            buyer.contest(new SignedAnswer(orderId, input, Bytes32.random(), signed.signature())));
    // nor for another order
    long otherOrder = buyer.pay(modelId, 1);
    assertReverts(
        "answer not signed by seller",
        () -> buyer.contest(new SignedAnswer(otherOrder, input, output, signed.signature())));
    assertReverts("not the buyer", () -> f.stranger.predictions().contest(signed));

    buyer.contest(signed);
    assertReverts("answer already contested", () -> buyer.contest(signed));
    // an order of one prediction can be contested once
    buyer.contest(seller.signAnswer(otherOrder, input, output));
    assertReverts(
        "more contests than predictions",
        () -> buyer.contest(seller.signAnswer(otherOrder, Bytes32.random(), Bytes32.random())));
    f.pastWindow();
    assertReverts(
        "contest window over",
        () -> buyer.contest(seller.signAnswer(orderId, Bytes32.random(), Bytes32.random())));
  }

  @Test
  void aProofMustBeAcceptedByTheVerifierForThatExactClaim() {
    long orderId = buyer.pay(modelId, PREDICTIONS);
    SignedAnswer answer = seller.signAnswer(orderId, Bytes32.random(), Bytes32.random());
    long contestId = buyer.contest(answer);
    Bytes32 commitment = buyer.getOrder(orderId).weightCommitment();

    byte[] otherOutput =
        f.attester.attestPrediction(commitment, answer.inputHash(), Bytes32.random());
    byte[] otherModel =
        f.attester.attestPrediction(Bytes32.random(), answer.inputHash(), answer.outputHash());
    byte[] notTheVerifier =
        new VerifierAttester(f.node.newAccount(BigInteger.ZERO), f.deployment)
            .attestPrediction(commitment, answer.inputHash(), answer.outputHash());
    for (byte[] proof :
        new byte[][] {
          otherOutput, otherModel, notTheVerifier, new byte[0], new byte[64], new byte[65]
        }) {
      assertReverts("proof rejected", () -> seller.proveContest(contestId, proof));
    }
    assertEquals(PredictionContest.Status.OPEN, buyer.getContest(contestId).status());
    assertReverts("unknown contest", () -> seller.proveContest(contestId + 1, otherOutput));
  }

  @Test
  void malleableOrMalformedSellerSignaturesAreRejected() {
    long orderId = buyer.pay(modelId, PREDICTIONS);
    SignedAnswer answer = seller.signAnswer(orderId, Bytes32.random(), Bytes32.random());
    byte[] signature = answer.signature();

    byte[] highS = signature.clone(); // (r, n - s, v ^ 1) recovers the same key: must be refused
    BigInteger n =
        new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);
    byte[] s =
        n.subtract(new BigInteger(1, java.util.Arrays.copyOfRange(signature, 32, 64)))
            .toByteArray();
    java.util.Arrays.fill(highS, 32, 64, (byte) 0);
    System.arraycopy(
        s, Math.max(0, s.length - 32), highS, 64 - Math.min(32, s.length), Math.min(32, s.length));
    highS[64] = (byte) (signature[64] == 27 ? 28 : 27);
    byte[] badV = signature.clone();
    badV[64] = 29;
    byte[] truncated = java.util.Arrays.copyOf(signature, 64);

    for (byte[] bad : new byte[][] {highS, badV, truncated, new byte[0], new byte[65]}) {
      assertReverts(
          "answer not signed by seller",
          () ->
              buyer.contest(
                  new SignedAnswer(orderId, answer.inputHash(), answer.outputHash(), bad)));
    }
    buyer.contest(answer);
  }

  @Test
  void paymentsMustMatchTheOfferAndTheStakeMustCoverTheOrder() {
    assertReverts(
        "wrong payment",
        () ->
            buyer.payExactly(
                modelId, PREDICTIONS, orderPrice().subtract(BigInteger.ONE), STAKE_PER_ORDER));
    assertReverts(
        "bad prediction count",
        () -> buyer.payExactly(modelId, 0, BigInteger.ZERO, STAKE_PER_ORDER));
    // the seller lowering the stake between the buyer's look at the offer and its payment
    seller.setOffer(modelId, PRICE, STAKE_PER_ORDER.subtract(BigInteger.ONE));
    assertReverts(
        "stake per order below expected",
        () -> buyer.payExactly(modelId, PREDICTIONS, orderPrice(), STAKE_PER_ORDER));
    seller.setOffer(modelId, PRICE, STAKE_PER_ORDER);
    assertReverts("model not active", () -> buyer.pay(modelId + 1, 1));

    buyer.pay(modelId, 1);
    buyer.pay(modelId, 1);
    // 5 ether deposited, 2 locked per order: a third order is not covered
    assertReverts("seller stake too low", () -> buyer.pay(modelId, 1));
    assertReverts("amount exceeds free stake", () -> seller.withdrawStake(modelId, Wei.ether(2)));
    seller.withdrawStake(modelId, Wei.ether(1));
    assertEquals(Wei.ether(1), f.seller.predictionCredit(f.seller.address()));
    assertEquals(new PredictionStake(BigInteger.ZERO, Wei.ether(4)), buyer.getStake(modelId));
  }

  @Test
  void onlyTheSellerOfAnActiveModelSetsOffersAndStakes() {
    assertReverts(
        "not the seller", () -> f.stranger.predictions().setOffer(modelId, PRICE, STAKE_PER_ORDER));
    assertReverts(
        "not the seller", () -> f.stranger.predictions().depositStake(modelId, Wei.ether(1)));
    assertReverts(
        "not the seller", () -> f.stranger.predictions().withdrawStake(modelId, Wei.ether(1)));
    assertReverts(
        "stake per order is zero", () -> seller.setOffer(modelId, PRICE, BigInteger.ZERO));
    f.seller.registry().retireModel(modelId);
    assertReverts("model not active", () -> seller.setOffer(modelId, PRICE, STAKE_PER_ORDER));
    assertReverts("model not active", () -> buyer.pay(modelId, 1));
  }

  @Test
  void orderWithoutContestsPaysTheSellerOnlyAfterTheWindow() {
    long orderId = buyer.pay(modelId, PREDICTIONS);
    assertReverts("contest window not over", () -> seller.claimPayment(orderId));
    f.pastWindow();
    seller.claimPayment(orderId);
    assertEquals(orderPrice(), f.seller.predictionCredit(f.seller.address()));
    assertReverts("unknown order", () -> seller.claimPayment(orderId + 1));
  }

  @Test
  void javaAndContractAgreeOnTheAnswerDigest() {
    long orderId = buyer.pay(modelId, 1);
    Bytes32 input = Bytes32.random();
    Bytes32 output = Bytes32.random();
    assertArrayEquals(
        TypedDigests.answer(f.deployment, orderId, input, output).bytes(),
        buyer.answerDigestOnChain(orderId, input, output).bytes());
  }
}
