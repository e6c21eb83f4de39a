package io.zkaudit.escrow.onchain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.escrow.AnvilExtension;
import io.zkaudit.escrow.Bytes32;
import io.zkaudit.escrow.EscrowClient;
import io.zkaudit.escrow.EscrowDeployer;
import io.zkaudit.escrow.EscrowDeployment;
import io.zkaudit.escrow.EscrowException;
import io.zkaudit.escrow.EscrowParameters;
import io.zkaudit.escrow.GasListener;
import io.zkaudit.escrow.PredictionClient;
import io.zkaudit.escrow.PredictionContest;
import io.zkaudit.escrow.PredictionOrder;
import io.zkaudit.escrow.PredictionStake;
import io.zkaudit.escrow.Wei;
import io.zkaudit.escrow.chain.ChainNode;
import io.zkaudit.escrow.contracts.SessionProofVerifier;
import io.zkaudit.hash.Digest32;
import io.zkaudit.inference.ModelVerifier;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.web3j.crypto.Credentials;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * Contested predictions settled by the seller's own on-chain proof, no attester: the escrows
 * deployed with a {@code SessionProofVerifier} over the verifier contracts, a real plain MNIST CNN
 * proof run through its whole {@code ProofSession} by the seller ({@link OnChainModelVerifier}),
 * and {@code proveContest} with the bytes that name the concluded fact. On a real Anvil node:
 *
 * <ul>
 *   <li>the honest answer's contest is proven and the seller paid after the window; the buyer's
 *       false accusation pays it nothing;
 *   <li>the same answer contested and not proven before its deadline slashes the order;
 *   <li>a cheating seller's answers: another output, another input (the fact is about the proof's
 *       own), another model's record (the same weight commitment listed by another seller with
 *       other plans), before the session concluded, and malformed proof bytes: the verifier says
 *       false, the escrow refuses ("proof rejected"), and the orders are slashed.
 * </ul>
 */
@ExtendWith(AnvilExtension.class)
class SessionSettlementTest {
  private static final BigInteger FUNDS = Wei.ether(1_000_000);
  private static final Duration WINDOW = Duration.ofHours(1);
  private static final EscrowParameters PARAMETERS =
      new EscrowParameters(Wei.ether(1), WINDOW, WINDOW, WINDOW, WINDOW, WINDOW, WINDOW);
  private static final BigInteger PRICE = Wei.gwei(1_000_000);
  private static final BigInteger STAKE_PER_ORDER = Wei.ether(2);
  private static final int PREDICTIONS = 10;

  @Test
  void aContestIsSettledByTheSellersOwnOnChainProof(ChainNode node) throws Exception {
    StatementBindingDifferentialTest.Fixture f = StatementBindingDifferentialTest.plainMnist();
    Credentials deployer = node.newAccount(FUNDS);
    Credentials sellerKey = node.newAccount(FUNDS);
    Credentials otherSellerKey = node.newAccount(FUNDS);
    Credentials buyerKey = node.newAccount(FUNDS);
    Credentials strangerKey = node.newAccount(FUNDS);
    OnChainModelVerifier contracts = OnChainModelVerifier.deploy(node.web3j(), deployer);
    EscrowDeployment d =
        EscrowDeployer.deployWithSessionVerifier(
            node.web3j(), deployer, contracts.session().address(), PARAMETERS, GasListener.NONE);
    EscrowClient seller = EscrowClient.connect(node.web3j(), sellerKey, d);
    EscrowClient otherSeller = EscrowClient.connect(node.web3j(), otherSellerKey, d);
    EscrowClient buyer = EscrowClient.connect(node.web3j(), buyerKey, d);
    EscrowClient stranger = EscrowClient.connect(node.web3j(), strangerKey, d);
    SessionProofVerifier verifier =
        SessionProofVerifier.load(
            d.proofVerifier(), node.web3j(), strangerKey, new DefaultGasProvider());

    // The model as the protocols register it: commitment = the key's digest, plans from the key.
    Bytes32 commitment = new Bytes32(f.vk().digest().bytes());
    OnChainModelVerifier.ModelPlans plans = OnChainModelVerifier.modelPlans(f.vk());
    long model = seller.registry().registerModel(Bytes32.random(), commitment, Wei.ether(1));
    assertFalse(
        verify(verifier, model, commitment, Bytes32.random(), Bytes32.random(), new byte[128]),
        "no plans registered: nothing counts");
    seller.registry().setVerifierPlans(model, new Bytes32(plans.hash().bytes()));
    // Another seller lists the same weights with plans of its own (as the registry allows).
    long sockPuppet =
        otherSeller.registry().registerModel(Bytes32.random(), commitment, Wei.ether(1));
    OnChainModelVerifier.ModelPlans otherPlans =
        new OnChainModelVerifier.ModelPlans(
            plans.statementPlan(), plans.lookupPlanHash(), new Digest32(Bytes32.random().bytes()));
    otherSeller.registry().setVerifierPlans(sockPuppet, new Bytes32(otherPlans.hash().bytes()));
    for (EscrowClient s : List.of(seller, otherSeller)) {
      long id = s == seller ? model : sockPuppet;
      s.predictions().setOffer(id, PRICE, STAKE_PER_ORDER);
      s.predictions().depositStake(id, Wei.ether(10));
    }

    // The answers, hashed as the protocols hash them (Statements.tensorHash: SHA-256 of the
    // little-endian int32 values).
    Bytes32 in = new Bytes32(ModelVerifier.inputHash(f.input()).bytes());
    Bytes32 out = new Bytes32(ModelVerifier.inputHash(f.proof().output()).bytes());
    int[] otherOutput = f.proof().output().clone();
    otherOutput[0] += 1;
    Bytes32 falseOut = new Bytes32(ModelVerifier.inputHash(otherOutput).bytes());
    int[] otherInput = f.input().clone();
    otherInput[100] = otherInput[100] == 0 ? 1 : 0;
    Bytes32 otherIn = new Bytes32(ModelVerifier.inputHash(otherInput).bytes());

    PredictionClient sp = seller.predictions();
    PredictionClient bp = buyer.predictions();
    long honest = bp.pay(model, PREDICTIONS);
    long cheated = bp.pay(model, PREDICTIONS);
    long late = bp.pay(model, PREDICTIONS);
    long listedTwice = bp.pay(sockPuppet, PREDICTIONS);
    long honestContest = bp.contest(sp.signAnswer(honest, in, out));
    long falseOutput = bp.contest(sp.signAnswer(cheated, in, falseOut));
    long falseInput = bp.contest(sp.signAnswer(cheated, otherIn, out));
    long lateContest = bp.contest(sp.signAnswer(late, in, out));
    long sockContest = bp.contest(otherSeller.predictions().signAnswer(listedTwice, in, out));

    // The seller proves the contested answer: a plain proof through a whole session of its own.
    OnChainModelVerifier mine =
        OnChainModelVerifier.at(node.web3j(), sellerKey, contracts.session().address());
    List<Boolean> beforeConclude = new ArrayList<>();
    OnChainModelVerifier.Verdict v =
        mine.verify(
            f.vk(),
            f.proof(),
            f.input(),
            (id, tables) -> {
              // Everything verified, the opening included, but no fact recorded yet.
              byte[] early = plans.contestProof(tables);
              beforeConclude.add(verify(verifier, model, commitment, in, out, early));
              assertRejected(() -> sp.proveContest(honestContest, early));
            });
    assertEquals(List.of(false), beforeConclude, "a session not concluded proves nothing");
    OnChainModelVerifier.Verdict.Valid valid =
        assertInstanceOf(OnChainModelVerifier.Verdict.Valid.class, v);
    // The fact names the escrow's hashes and the registry's plans: the same SHA-256 on both sides.
    assertArrayEquals(
        FinishEncoding.inferenceFact(
            plans.hash().bytes(), in.bytes(), out.bytes(), valid.deferredTables().bytes()),
        valid.fact().bytes());
    byte[] proof = plans.contestProof(valid.deferredTables());
    assertTrue(verify(verifier, model, commitment, in, out, proof));
    assertFalse(
        verifier
            .verifyAccuracy(
                BigInteger.valueOf(model),
                commitment.bytes(),
                in.bytes(),
                BigInteger.ONE,
                BigInteger.ONE,
                proof)
            .send(),
        "no accuracy proof is verified on chain yet");

    // The honest answer: proven.
    sp.proveContest(honestContest, proof);
    assertEquals(PredictionContest.Status.PROVEN, bp.getContest(honestContest).status());

    // The cheating seller's answers: the fact is about its proof's input and output only.
    assertFalse(verify(verifier, model, commitment, in, falseOut, proof));
    assertRejected(() -> sp.proveContest(falseOutput, proof));
    assertFalse(verify(verifier, model, commitment, otherIn, out, proof));
    assertRejected(() -> sp.proveContest(falseInput, proof));
    // Another record of the same weights, with other plans: neither the model's plans (not that
    // record's) nor that record's (no session of them concluded) prove its contest.
    assertFalse(verify(verifier, sockPuppet, commitment, in, out, proof));
    assertFalse(
        verify(
            verifier,
            sockPuppet,
            commitment,
            in,
            out,
            otherPlans.contestProof(valid.deferredTables())));
    assertRejected(() -> otherSeller.predictions().proveContest(sockContest, proof));
    // The weight commitment the escrow names must be the key the plans (and the proof) are about.
    assertFalse(verify(verifier, model, Bytes32.random(), in, out, proof));
    // Malformed and altered bytes: false, never a revert; the escrow refuses them as proofs.
    Map<String, byte[]> bad = malformed(proof);
    for (Map.Entry<String, byte[]> e : bad.entrySet()) {
      assertFalse(verify(verifier, model, commitment, in, out, e.getValue()), e.getKey());
    }
    for (String name : List.of("empty", "truncated by a byte", "tables flipped")) {
      assertRejected(() -> sp.proveContest(lateContest, bad.get(name)));
    }
    // The honest answer contested on the third order is simply not proven in time.

    node.advanceTime(WINDOW.plusSeconds(10));
    assertRejectedWith("proof deadline passed", () -> sp.proveContest(lateContest, proof));
    stranger.predictions().slash(falseOutput);
    stranger.predictions().slash(lateContest);
    stranger.predictions().slash(sockContest);
    stranger.predictions().claimPayment(honest);

    BigInteger orderPrice = PRICE.multiply(BigInteger.valueOf(PREDICTIONS));
    assertEquals(PredictionOrder.Status.PAID, bp.getOrder(honest).status());
    for (long o : List.of(cheated, late, listedTwice)) {
      assertEquals(PredictionOrder.Status.SLASHED, bp.getOrder(o).status());
    }
    // The false accusation paid the buyer nothing; the unproven contests its payments and stakes.
    assertRejectedWith("contest not open", () -> bp.slash(honestContest));
    assertEquals(orderPrice, seller.predictionCredit(seller.address()));
    assertEquals(
        orderPrice.add(STAKE_PER_ORDER).multiply(BigInteger.valueOf(3)),
        buyer.predictionCredit(buyer.address()));
    assertEquals(
        new PredictionStake(
            Wei.ether(10).subtract(STAKE_PER_ORDER.multiply(BigInteger.TWO)), BigInteger.ZERO),
        bp.getStake(model),
        "the proven order's stake is free again, the slashed orders' is the buyer's");
    assertEquals(
        new PredictionStake(Wei.ether(10).subtract(STAKE_PER_ORDER), BigInteger.ZERO),
        bp.getStake(sockPuppet));
  }

  /**
   * Every way to spoil the verifier's bytes: lengths around the layout's, each field altered, a
   * word added or removed, the statement plan's key replaced.
   */
  private static Map<String, byte[]> malformed(byte[] proof) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    out.put("empty", new byte[0]);
    out.put("one byte", new byte[] {1});
    out.put("three words", Arrays.copyOf(proof, 96));
    out.put("four zero words", new byte[128]);
    out.put("truncated by a byte", Arrays.copyOf(proof, proof.length - 1));
    out.put("a trailing byte", Arrays.copyOf(proof, proof.length + 1));
    out.put("a trailing zero word", Arrays.copyOf(proof, proof.length + 32));
    out.put("the last word dropped", Arrays.copyOf(proof, proof.length - 32));
    out.put("over the statement bound", Arrays.copyOf(proof, 96 + 32 * 257));
    String[] fields = {"tables", "lookup plan hash", "layer plans", "key digest"};
    for (int i = 0; i < 4; i++) {
      byte[] b = proof.clone();
      b[32 * i + 31] ^= 1;
      out.put(fields[i] + " flipped", b);
    }
    for (int w = 4; w < proof.length / 32; w++) {
      byte[] b = proof.clone();
      b[32 * w + 31] ^= 1;
      out.put("statement plan word " + (w - 3) + " flipped", b);
    }
    return out;
  }

  private static boolean verify(
      SessionProofVerifier verifier,
      long model,
      Bytes32 commitment,
      Bytes32 in,
      Bytes32 out,
      byte[] proof) {
    try {
      return verifier
          .verifyPrediction(
              BigInteger.valueOf(model), commitment.bytes(), in.bytes(), out.bytes(), proof)
          .send();
    } catch (Exception e) {
      throw new AssertionError("verifyPrediction reverted: " + e.getMessage(), e);
    }
  }

  private static void assertRejected(Executable call) {
    assertRejectedWith("proof rejected", call);
  }

  private static void assertRejectedWith(String reason, Executable call) {
    EscrowException e = assertThrows(EscrowException.class, call);
    assertEquals(reason, e.revertReason().orElse("<no revert reason: " + e.getMessage() + ">"));
  }
}
