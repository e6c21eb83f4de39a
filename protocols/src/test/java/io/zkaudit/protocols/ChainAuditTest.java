package io.zkaudit.protocols;

import static io.zkaudit.proto.v1.AuditProofKind.PER_SAMPLE_PROOFS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.escrow.AuditRecord;
import io.zkaudit.escrow.Bytes32;
import io.zkaudit.escrow.EscrowDeployer;
import io.zkaudit.escrow.EscrowDeployment;
import io.zkaudit.escrow.EscrowException;
import io.zkaudit.escrow.EscrowParameters;
import io.zkaudit.escrow.GasListener;
import io.zkaudit.escrow.Wei;
import io.zkaudit.escrow.chain.ChainNode;
import io.zkaudit.proto.v1.BuyerAuditState;
import io.zkaudit.proto.v1.ClaimedMetric;
import io.zkaudit.proto.v1.Verdict;
import io.zkaudit.protocols.buyer.AuditClient;
import io.zkaudit.protocols.buyer.AuditClient.LabelledInput;
import io.zkaudit.protocols.buyer.BuyerClient;
import io.zkaudit.protocols.buyer.BuyerException;
import io.zkaudit.protocols.buyer.RegisteredModel;
import io.zkaudit.protocols.chain.Attester;
import io.zkaudit.protocols.chain.AttesterServer;
import io.zkaudit.protocols.chain.BuyerChain;
import io.zkaudit.protocols.chain.ChainKeys;
import io.zkaudit.protocols.chain.ChainSettings;
import io.zkaudit.protocols.chain.ProofAttester;
import io.zkaudit.protocols.chain.RemoteAttester;
import io.zkaudit.protocols.seller.AnswerProver;
import io.zkaudit.protocols.seller.AuditSample;
import io.zkaudit.protocols.seller.AuditService;
import io.zkaudit.protocols.seller.SellerConfig;
import io.zkaudit.protocols.seller.SellerServer;
import io.zkaudit.protocols.seller.SellerStore;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The accuracy audit with AuditEscrow (issue 16): a real Anvil node, contracts deployed fresh for
 * each test with one-hour windows (passed with evm_increaseTime), a seller and a buyer over real
 * gRPC sockets with the seller on H2, ResNet-8 on two or three CIFAR-10 images. Money is checked in
 * the escrow's pull-payment credits.
 */
class ChainAuditTest {
  private static final Duration WINDOW = Duration.ofHours(1);
  private static final BigInteger PAYMENT = Wei.ether(1).divide(BigInteger.valueOf(100));
  private static final BigInteger STAKE = Wei.ether(1).divide(BigInteger.TEN);
  private static final AuditClient.ChainOffer OFFER = new AuditClient.ChainOffer(PAYMENT, STAKE);
  private static ChainNode node;

  @TempDir Path tmp;

  @BeforeAll
  static void startChain() {
    node = ChainNode.start();
  }

  @AfterAll
  static void stopChain() {
    if (node != null) {
      node.close();
    }
  }

  /**
   * A fresh deployment, a designated verifier as its own gRPC service, a funded seller serving
   * ResNet-8 with the given claimed accuracy (staking up to 1 ether on an audit), and a buyer whose
   * AuditClient uses the escrow.
   */
  private final class Market implements AutoCloseable {
    final PartyKey sellerKey = PartyKey.generate();
    final PartyKey buyerKey = PartyKey.generate();
    final List<String> sellerEvents = new CopyOnWriteArrayList<>();
    final ProofAttester attester;
    final AttesterServer attesterServer;
    final RemoteAttester remoteAttester;
    final EscrowDeployment deployment;
    private final ChainSettings settings;
    private final double claim;
    SellerServer seller;
    final BuyerChain buyerChain;
    final AuditClient client;
    final RegisteredModel model;

    Market(AnswerProver prover, double claim) throws Exception {
      EscrowParameters p =
          new EscrowParameters(Wei.ether(1), WINDOW, WINDOW, WINDOW, WINDOW, WINDOW, WINDOW);
      var attesterKey = node.newAccount(Wei.ether(1));
      EscrowDeployment d =
          EscrowDeployer.deploy(
              node.web3j(),
              node.newAccount(Wei.ether(100)),
              attesterKey.getAddress(),
              p,
              GasListener.NONE);
      deployment = d;
      settings = ChainSettings.defaults(node.rpcUrl(), d).withPollInterval(Duration.ofMillis(200));
      this.claim = claim;
      node.fund(ChainKeys.credentials(sellerKey), Wei.ether(100));
      node.fund(ChainKeys.credentials(buyerKey), Wei.ether(100));
      attester = new ProofAttester(attesterKey, d);
      attesterServer = AttesterServer.start(attester, "localhost", 0, null, null);
      remoteAttester = new RemoteAttester("localhost", attesterServer.port(), null);
      seller = startSeller(prover, 0);
      buyerChain = BuyerChain.connect(ChainSettings.forBuyer(node.rpcUrl(), d), buyerKey);
      client =
          new AuditClient(
              new BuyerClient("localhost", seller.port(), buyerKey, 120),
              120,
              tmp.resolve("buyer"),
              buyerChain);
      model = client.buyer().models().get(0);
    }

    /** The seller on its key and H2 file, on {@code port} (0: any free one). */
    private SellerServer startSeller(AnswerProver prover, int port) throws Exception {
      AuditService.Policy defaults = AuditService.Policy.defaults();
      SellerServer server =
          SellerServer.start(
              sellerKey,
              SellerConfig.defaults(SellerStore.h2FileUrl(tmp.resolve("seller")), port),
              prover,
              SellerServer.Options.NONE
                  .withChain(settings, remoteAttester)
                  .withEvents(sellerEvents::add),
              new AuditService.Policy(
                  defaults.maxSamples(),
                  defaults.revealWindow(),
                  defaults.proofWindow(),
                  Wei.ether(1).longValueExact()));
      server
          .seller()
          .serve(
              Resnet8.model(),
              "resnet8-cifar10",
              List.of(
                  ClaimedMetric.newBuilder()
                      .setName("top1_accuracy")
                      .setValue(claim)
                      .setDataset("cifar10-test")
                      .build()));
      return server;
    }

    /** Stops the seller and starts it again over the same database, key and port. */
    void restartSeller() throws Exception {
      restartSeller(AnswerProver.HONEST);
    }

    /** As above, the restarted seller proving with {@code prover}. */
    void restartSeller(AnswerProver prover) throws Exception {
      resumeSeller(prover, stopSeller());
    }

    /** Stops the seller (a crash between two steps); returns the port to start it on again. */
    int stopSeller() {
      int port = seller.port();
      seller.close();
      return port;
    }

    /** Starts the seller again over the same database and key, on {@code port}. */
    void resumeSeller(AnswerProver prover, int port) throws Exception {
      seller = startSeller(prover, port);
    }

    String sellerAccount() {
      return ChainKeys.credentials(sellerKey).getAddress();
    }

    BigInteger sellerCredit() {
      return buyerChain.client().auditCredit(sellerAccount());
    }

    AuditRecord onChain(BuyerAuditState s) {
      return buyerChain.audit(s.getCommitment().getChainAuditId());
    }

    @Override
    public void close() {
      client.close();
      buyerChain.close();
      seller.close();
      remoteAttester.close();
      attesterServer.close();
    }
  }

  private static void await(BooleanSupplier condition, Duration timeout, String what)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(100);
    }
  }

  /**
   * n CIFAR-10 test images, the first one ResNet-8 classifies right (so that some claim passes) and
   * then the others in order, with how many of them it classifies right.
   */
  private record TestSet(List<LabelledInput> samples, int correct) {
    static TestSet of(int n) throws Exception {
      List<LabelledInput> pool = AuditFixture.cifar(8);
      List<LabelledInput> s = new ArrayList<>();
      for (LabelledInput x : pool) {
        if (s.isEmpty() && AuditFixture.engineCorrect(List.of(x)) == 1) {
          s.add(x);
        }
      }
      for (LabelledInput x : pool) {
        if (s.size() < n && !s.contains(x)) {
          s.add(x);
        }
      }
      return new TestSet(s, AuditFixture.engineCorrect(s));
    }

    /**
     * A claim the set meets exactly (at least one correct needed: the escrow holds a seller to 1
     * bps or more).
     */
    double passingClaim() {
      assertTrue(correct > 0, "the test set needs a sample ResNet-8 gets right");
      return (double) correct / samples.size();
    }
  }

  @Test
  void bothSignAPassAndTheSellerIsPaidPaymentAndStake() throws Exception {
    TestSet set = TestSet.of(2);
    try (Market market = new Market(AnswerProver.HONEST, set.passingClaim())) {
      BuyerAuditState s =
          market.client.commit(market.model, set.samples(), 0, OFFER, PER_SAMPLE_PROOFS);
      long id = s.getCommitment().getChainAuditId();
      AuditRecord requested = market.onChain(s);
      assertEquals(AuditRecord.Status.REQUESTED, requested.status());
      assertEquals(PAYMENT, requested.payment());
      assertEquals(AuditStatements.claimBps(set.passingClaim()), requested.claimedAccuracyBps());

      // The buyer's state file holds no input: they are in the samples file, read one at a time.
      Path stateFile = market.client.file(s.getCommitment().getAuditId());
      Path samplesFile = stateFile.resolveSibling(s.getCommitment().getAuditId() + ".samples");
      assertTrue(
          java.nio.file.Files.size(stateFile) < java.nio.file.Files.size(samplesFile) / 4,
          java.nio.file.Files.size(stateFile)
              + " bytes of state, "
              + java.nio.file.Files.size(samplesFile)
              + " of samples");
      assertEquals(0, market.client.load(s.getCommitment().getAuditId()).getSamplesCount());
      assertEquals(set.samples().get(1).label(), market.client.sample(s, 1).getLabel());

      AuditClient.Outcome o = market.client.run(s, AuditClient.Progress.NONE);
      assertEquals(Verdict.PASSED, o.verdict());
      assertEquals(set.correct(), o.correct());
      assertEquals(id, o.terms().getChainAuditId());
      assertEquals(STAKE.longValueExact(), o.terms().getStake());
      assertEquals(AuditRecord.Outcome.SELLER_PAID.name(), o.chainOutcome());
      AuditRecord settled = market.onChain(s);
      assertEquals(AuditRecord.Status.SETTLED, settled.status());
      assertEquals(AuditRecord.Outcome.SELLER_PAID, settled.outcome());
      // The revealed test set hash is the protocol's, bound with the label offset.
      assertEquals(
          new Bytes32(
              AuditStatements.chainTestSetHash(
                  s.getCommitment().getTestSetHash().toByteArray(), 0)),
          settled.testSetHash().orElseThrow());
      assertEquals(PAYMENT.add(STAKE), market.sellerCredit());
      assertEquals(BigInteger.ZERO, market.buyerChain.auditCredit());
      // The seller sees it settled and stops following it.
      await(
          () ->
              market.seller.audits().store().audit(o.auditId()).orElseThrow().chain().outcome()
                  != null,
          Duration.ofSeconds(30),
          "the seller records the escrow's outcome (events: " + market.sellerEvents + ")");
      assertEquals(
          "SELLER_PAID",
          market.seller.audits().store().audit(o.auditId()).orElseThrow().chain().outcome());
    }
  }

  @Test
  void aSellerBelowItsClaimLosesItsStakeToTheBuyer() throws Exception {
    TestSet set = TestSet.of(3);
    assertTrue(set.correct() < 3, "needs a sample ResNet-8 gets wrong");
    try (Market market = new Market(AnswerProver.HONEST, 1.0)) {
      BuyerAuditState s =
          market.client.commit(market.model, set.samples(), 0, OFFER, PER_SAMPLE_PROOFS);
      AuditClient.Outcome o = market.client.run(s, AuditClient.Progress.NONE);
      assertEquals(Verdict.BELOW_CLAIM, o.verdict());
      assertTrue(o.countersigned(), "the seller countersigns its own shortfall");
      assertEquals(AuditRecord.Outcome.BUYER_COMPENSATED.name(), o.chainOutcome());
      assertEquals(PAYMENT.add(STAKE), market.buyerChain.auditCredit());
      assertEquals(BigInteger.ZERO, market.sellerCredit());
      BigInteger before = market.buyerChain.client().balanceOf(market.buyerChain.address());
      market.buyerChain.withdrawAuditCredit();
      BigInteger gained =
          market.buyerChain.client().balanceOf(market.buyerChain.address()).subtract(before);
      // Payment and stake arrive, less the withdrawal's gas (well under 0.001 ether here).
      assertTrue(
          gained.compareTo(
                  PAYMENT.add(STAKE).subtract(Wei.ether(1).divide(BigInteger.valueOf(1000))))
              > 0,
          "withdrew " + gained);
      assertEquals(BigInteger.ZERO, market.buyerChain.auditCredit());
    }
  }

  @Test
  void aBuyerThatWillNotSignAPassIsSettledWithProofAndTheSellerPaid() throws Exception {
    TestSet set = TestSet.of(2);
    try (Market market = new Market(AnswerProver.HONEST, set.passingClaim())) {
      BuyerAuditState s =
          market.client.commit(market.model, set.samples(), 0, OFFER, PER_SAMPLE_PROOFS);
      s = market.client.open(s, market.model);
      assertEquals(AuditRecord.Status.STAKED, market.onChain(s).status());
      s = market.client.reveal(s, market.model);
      assertEquals(AuditRecord.Status.REVEALED, market.onChain(s).status());
      s = market.client.proveAndVerify(s, market.model, AuditClient.Progress.NONE);
      assertEquals(Verdict.PASSED, s.getResult().getStatement().getVerdict());
      // The buyer stops here: it never sends its signatures. The seller waits for them at first.
      Thread.sleep(1_500);
      assertEquals(
          AuditRecord.Status.REVEALED,
          market.onChain(s).status(),
          "the seller must give the buyer time to sign");

      // A forged count is refused by the designated verifier, and no other bytes pass the escrow.
      String auditId = s.getCommitment().getAuditId();
      var stored = market.seller.audits().store();
      var claim =
          new Attester.AccuracyClaim(
              market.model.entry().getVerifyingKey().toByteArray(),
              new Bytes32(market.model.id().toByteArray()),
              market.onChain(s).testSetHash().orElseThrow(),
              0,
              set.correct() - 1,
              2);
      var refused =
          assertThrows(
              Attester.AttestationRefused.class,
              () -> market.remoteAttester.attestAccuracy(claim, samples(stored, auditId, 2)));
      assertTrue(
          refused.getMessage().contains("the proofs give " + set.correct() + " correct"),
          refused.getMessage());
      // The right count, but about another test set than the one committed on-chain; and a sample
      // short.
      var otherSet =
          new Attester.AccuracyClaim(
              claim.verifyingKey(),
              claim.weightCommitment(),
              Bytes32.random(),
              0,
              set.correct(),
              2);
      refused =
          assertThrows(
              Attester.AttestationRefused.class,
              () -> market.remoteAttester.attestAccuracy(otherSet, samples(stored, auditId, 2)));
      assertTrue(
          refused.getMessage().contains("not the test set committed on-chain"),
          refused.getMessage());
      var shortSet =
          new Attester.AccuracyClaim(
              claim.verifyingKey(),
              claim.weightCommitment(),
              claim.testSetHash(),
              0,
              set.correct(),
              2);
      refused =
          assertThrows(
              Attester.AttestationRefused.class,
              () -> market.remoteAttester.attestAccuracy(shortSet, samples(stored, auditId, 1)));
      assertTrue(refused.getMessage().contains("1 samples arrived of 2"), refused.getMessage());
      long id = s.getCommitment().getChainAuditId();
      BuyerAuditState state = s;
      EscrowException forged =
          assertThrows(
              EscrowException.class,
              () ->
                  market
                      .buyerChain
                      .client()
                      .audits()
                      .settleWithProof(
                          new io.zkaudit.escrow.AuditResult(
                              id, market.onChain(state).testSetHash().orElseThrow(), 0, 2),
                          new byte[65]));
      assertEquals("proof rejected", forged.revertReason().orElseThrow());

      // Ten minutes before the result deadline, the seller settles with proof through the attester.
      node.advanceTime(WINDOW.minusMinutes(5));
      await(
          () -> market.onChain(state).status() == AuditRecord.Status.SETTLED,
          Duration.ofSeconds(90),
          "the seller settles with proof (events: " + market.sellerEvents + ")");
      assertEquals(AuditRecord.Outcome.SELLER_PAID, market.onChain(s).outcome());
      assertEquals(PAYMENT.add(STAKE), market.sellerCredit());
      assertEquals(BigInteger.ZERO, market.buyerChain.auditCredit());
      // The seller reports its settlement after the transaction is mined, which the status above
      // may see first.
      await(
          () -> market.sellerEvents.stream().anyMatch(e -> e.contains("settled with proof")),
          Duration.ofSeconds(10),
          "the seller reports its settlement (events: " + market.sellerEvents + ")");
    }
  }

  /**
   * The default kind on-chain: one accuracy proof. Both sign a pass and the seller is paid; the
   * proof the seller stored is one accuracy proof about the whole set.
   */
  @Test
  void anAccuracyProofAuditSignedByBothPaysTheSeller() throws Exception {
    TestSet set = TestSet.of(3);
    try (Market market = new Market(AnswerProver.HONEST, set.passingClaim())) {
      BuyerAuditState s = market.client.commit(market.model, set.samples(), 0, OFFER);
      AuditClient.Outcome o = market.client.run(s, AuditClient.Progress.NONE);
      assertTrue(o.accuracyProof());
      assertEquals(Verdict.PASSED, o.verdict());
      assertEquals(set.correct(), o.correct());
      assertEquals(3, o.verified());
      assertEquals(AuditRecord.Outcome.SELLER_PAID.name(), o.chainOutcome());
      assertEquals(PAYMENT.add(STAKE), market.sellerCredit());
      assertEquals(BigInteger.ZERO, market.buyerChain.auditCredit());
      var proof = market.seller.audits().store().accuracyProof(o.auditId()).orElseThrow();
      assertEquals(set.correct(), proof.correct());
      assertEquals(3, proof.samples());
    }
  }

  /**
   * A buyer that will not sign an accuracy-proof audit: the seller settles with proof through the
   * attester, which verifies the one accuracy proof against the buyer's test-set commitment T (the
   * escrow holds T's digest; no sample is sent); a count one higher, T restated as fewer samples,
   * another test set, T missing and samples sent along are refused; the escrow pays exactly once.
   */
  @Test
  void aBuyerThatWillNotSignIsSettledWithTheAccuracyProofOnce() throws Exception {
    TestSet set = TestSet.of(3);
    try (Market market = new Market(AnswerProver.HONEST, set.passingClaim())) {
      BuyerAuditState s = market.client.commit(market.model, set.samples(), 0, OFFER);
      s = market.client.reveal(market.client.open(s, market.model), market.model);
      s = market.client.proveAndVerify(s, market.model, AuditClient.Progress.NONE);
      assertEquals(Verdict.PASSED, s.getResult().getStatement().getVerdict());
      String auditId = s.getCommitment().getAuditId();
      var stored = market.seller.audits().store();
      byte[] proof = stored.accuracyProof(auditId).orElseThrow().proof();
      Bytes32 testSet = market.onChain(s).testSetHash().orElseThrow();
      byte[] t = s.getCommitment().getTestSetCommitment().toByteArray();
      // The escrow holds T's digest itself: what the buyer signed and the proof is about.
      assertEquals(
          new Bytes32(io.zkaudit.inference.TestSetCommitment.decode(t).digest().bytes()), testSet);
      assertArrayEquals(s.getCommitment().getTestSetHash().toByteArray(), testSet.bytes());
      byte[] vk = market.model.entry().getVerifyingKey().toByteArray();
      Bytes32 weights = new Bytes32(market.model.id().toByteArray());

      var oneMore =
          new Attester.AccuracyClaim(vk, weights, testSet, 0, set.correct() + 1, 3, proof, t);
      var refused =
          assertThrows(
              Attester.AttestationRefused.class,
              () -> market.remoteAttester.attestAccuracy(oneMore, none()));
      assertTrue(
          refused.getMessage().contains("the accuracy proof gives " + set.correct() + " correct"),
          refused.getMessage());
      var right = new Attester.AccuracyClaim(vk, weights, testSet, 0, set.correct(), 3, proof, t);
      var fewer = new Attester.AccuracyClaim(vk, weights, testSet, 0, set.correct(), 2, proof, t);
      refused =
          assertThrows(
              Attester.AttestationRefused.class,
              () -> market.remoteAttester.attestAccuracy(fewer, none()));
      assertTrue(
          refused.getMessage().contains("the test-set commitment holds 3 samples, not 2"),
          refused.getMessage());
      var otherSet =
          new Attester.AccuracyClaim(vk, weights, Bytes32.random(), 0, set.correct(), 3, proof, t);
      refused =
          assertThrows(
              Attester.AttestationRefused.class,
              () -> market.remoteAttester.attestAccuracy(otherSet, none()));
      assertTrue(
          refused.getMessage().contains("not the test set committed on-chain"),
          refused.getMessage());
      var withoutT =
          new Attester.AccuracyClaim(vk, weights, testSet, 0, set.correct(), 3, proof, null);
      refused =
          assertThrows(
              Attester.AttestationRefused.class,
              () -> market.remoteAttester.attestAccuracy(withoutT, none()));
      assertTrue(
          refused.getMessage().contains("without its test-set commitment"), refused.getMessage());
      AuditSample first = stored.sample(auditId, 0);
      refused =
          assertThrows(
              Attester.AttestationRefused.class,
              () ->
                  market.remoteAttester.attestAccuracy(
                      right,
                      List.of(
                              new Attester.AccuracySample(
                                  0, first.salt(), first.input(), first.label(), new byte[0]))
                          .iterator()));
      assertTrue(refused.getMessage().contains("samples sent with an accuracy proof"));
      // The right claim would be attested (checked here, in-process, without spending it).
      assertEquals(65, market.attester.attestAccuracy(right, none()).length);

      BuyerAuditState state = s;
      node.advanceTime(WINDOW.minusMinutes(5));
      await(
          () -> market.onChain(state).status() == AuditRecord.Status.SETTLED,
          Duration.ofSeconds(90),
          "the seller settles with proof (events: " + market.sellerEvents + ")");
      assertEquals(AuditRecord.Outcome.SELLER_PAID, market.onChain(s).outcome());
      assertEquals(PAYMENT.add(STAKE), market.sellerCredit());
      // Paid exactly once: the seller's watch stops, and a second settlement is refused.
      Thread.sleep(1_000);
      assertEquals(PAYMENT.add(STAKE), market.sellerCredit());
      assertEquals(BigInteger.ZERO, market.buyerChain.auditCredit());
      assertEquals(
          1,
          market.sellerEvents.stream().filter(e -> e.contains("settled with proof")).count(),
          market.sellerEvents.toString());
      long id = s.getCommitment().getChainAuditId();
      byte[] attestation = market.attester.attestAccuracy(right, none());
      assertThrows(
          EscrowException.class,
          () ->
              market
                  .buyerChain
                  .client()
                  .audits()
                  .settleWithProof(
                      new io.zkaudit.escrow.AuditResult(id, testSet, set.correct(), 3),
                      attestation));
      assertEquals(PAYMENT.add(STAKE), market.sellerCredit());
    }
  }

  /**
   * A seller whose accuracy proof claims one more correct than the truth: the buyer fails it, the
   * attester refuses the seller's settlement with that proof, and after the result deadline the
   * buyer takes payment and stake.
   */
  @Test
  void aSellerClaimingOneMoreCorrectIsRefusedByBuyerAndAttester() throws Exception {
    TestSet set = TestSet.of(3);
    assertTrue(set.correct() < 3, "needs a sample ResNet-8 gets wrong");
    try (Market market = new Market(AccuracyCheats.CLAIMS_ONE_MORE, set.passingClaim())) {
      BuyerAuditState s = market.client.commit(market.model, set.samples(), 0, OFFER);
      AuditClient.Outcome o = market.client.run(s, AuditClient.Progress.NONE);
      assertEquals(Verdict.PROOF_FAILED, o.verdict());
      assertTrue(
          o.result().getStatement().getReason().contains("invalid accuracy proof"),
          o.result().getStatement().getReason());
      assertFalse(o.settledOnChain());
      assertEquals(
          set.correct() + 1,
          market.seller.audits().store().accuracyProof(o.auditId()).orElseThrow().correct());

      node.advanceTime(WINDOW.minusMinutes(5));
      await(
          () -> market.sellerEvents.stream().anyMatch(e -> e.contains("the verifier refused")),
          Duration.ofSeconds(90),
          "the seller's settlement with proof is refused (events: " + market.sellerEvents + ")");
      assertEquals(AuditRecord.Status.REVEALED, market.onChain(s).status());
      node.advanceTime(Duration.ofMinutes(6));
      AuditClient.Outcome after =
          market.client.run(market.client.load(o.auditId()), AuditClient.Progress.NONE);
      assertEquals(AuditRecord.Outcome.BUYER_COMPENSATED.name(), after.chainOutcome());
      assertEquals(PAYMENT.add(STAKE), market.buyerChain.auditCredit());
      assertEquals(BigInteger.ZERO, market.sellerCredit());
    }
  }

  /** What the seller sends the attester with an accuracy proof: no sample (T stands for them). */
  private static Iterator<Attester.AccuracySample> none() {
    return java.util.Collections.emptyIterator();
  }

  /**
   * A seller stopped after staking and again after proving, each time started over the same H2
   * file: the buyer carries on, and the restarted seller's watch, from its store and the escrow,
   * settles the audit with proof when the buyer does not sign.
   */
  @Test
  void aRestartedSellerCarriesItsOnChainAuditsOn() throws Exception {
    TestSet set = TestSet.of(2);
    try (Market market = new Market(AnswerProver.HONEST, set.passingClaim())) {
      BuyerAuditState s =
          market.client.open(
              market.client.commit(market.model, set.samples(), 0, OFFER, PER_SAMPLE_PROOFS),
              market.model);
      market.restartSeller();
      // The same signed commitment again: the stored terms, and no second stake.
      assertEquals(s.getTerms(), market.client.open(s, market.model).getTerms());
      s =
          market.client.proveAndVerify(
              market.client.reveal(s, market.model), market.model, AuditClient.Progress.NONE);
      assertEquals(Verdict.PASSED, s.getResult().getStatement().getVerdict());
      market.restartSeller();
      node.advanceTime(WINDOW.minusMinutes(5));
      BuyerAuditState state = s;
      await(
          () -> market.onChain(state).status() == AuditRecord.Status.SETTLED,
          Duration.ofSeconds(90),
          "the restarted seller settles with proof (events: " + market.sellerEvents + ")");
      assertEquals(AuditRecord.Outcome.SELLER_PAID, market.onChain(s).outcome());
      assertEquals(PAYMENT.add(STAKE), market.sellerCredit());
      assertEquals(
          1,
          market.sellerEvents.stream()
              .filter(
                  e ->
                      e.startsWith("staked ")
                          && e.contains(
                              "on-chain audit " + state.getCommitment().getChainAuditId()))
              .count(),
          market.sellerEvents.toString());
    }
  }

  /** The seller's stored samples with their proofs, as it streams them to the attester. */
  private static Iterator<Attester.AccuracySample> samples(
      io.zkaudit.protocols.seller.AuditStore store, String auditId, int n) {
    List<Attester.AccuracySample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      AuditSample x = store.sample(auditId, i);
      out.add(new Attester.AccuracySample(i, x.salt(), x.input(), x.label(), x.proof()));
    }
    return out.iterator();
  }

  /**
   * A buyer that reveals a label other than the one its test-set commitment T holds: the seller
   * refuses the reveal (the audit is REVEAL_REFUSED, saying why) and gives no receipt, so the buyer
   * cannot reveal on-chain (it could otherwise reveal T's digest, withhold or change the samples
   * and take the stake of a seller that could prove nothing); nothing revealed by the deadline
   * gives both their money back, once.
   */
  @Test
  void aBuyerRevealingAChangedLabelGetsNoReceiptAndBothGetTheirMoneyBack() throws Exception {
    TestSet set = TestSet.of(2);
    try (Market market = new Market(AnswerProver.HONEST, set.passingClaim())) {
      BuyerAuditState s =
          market.client.open(
              market.client.commit(market.model, set.samples(), 0, OFFER), market.model);
      long id = s.getCommitment().getChainAuditId();
      String auditId = s.getCommitment().getAuditId();
      assertEquals(AuditRecord.Status.STAKED, market.onChain(s).status());
      // The samples as the buyer would reveal them, sample 1's label changed after committing (a
      // state as older versions kept it, samples inside: the buyer reveals those).
      var altered = s.toBuilder();
      for (int i = 0; i < 2; i++) {
        var x = market.client.sample(s, i);
        altered.addSamples(i == 1 ? x.toBuilder().setLabel((x.getLabel() + 1) % 10).build() : x);
      }
      BuyerException refusedReveal =
          assertThrows(
              BuyerException.class, () -> market.client.reveal(altered.build(), market.model));
      assertTrue(
          refusedReveal.getMessage().contains("the reveal does not open the test-set commitment"),
          refusedReveal.getMessage());
      var status = market.client.status(auditId);
      assertEquals("REVEAL_REFUSED", status.getState());
      assertTrue(status.getReason().contains("does not open the test-set commitment"));
      assertTrue(status.getChainReceipt().isEmpty(), "no receipt for a refused reveal");
      // The honest samples cannot be revealed afterwards either: the refusal is final.
      BuyerException again =
          assertThrows(BuyerException.class, () -> market.client.reveal(s, market.model));
      assertTrue(again.getMessage().contains("REVEAL_REFUSED"), again.getMessage());
      var opening =
          new io.zkaudit.escrow.TestSetCommitment(
              new Bytes32(s.getCommitment().getTestSetHash().toByteArray()),
              new Bytes32(s.getCommitment().getChainSalt().toByteArray()));
      EscrowException withheld =
          assertThrows(
              EscrowException.class,
              () -> market.buyerChain.client().audits().revealTestSet(id, opening, new byte[65]));
      assertEquals("test set not received by seller", withheld.revertReason().orElseThrow());
      Thread.sleep(1_000);
      assertEquals(
          AuditRecord.Status.STAKED,
          market.onChain(s).status(),
          "nothing happens before the reveal deadline");
      node.advanceTime(WINDOW.plusSeconds(10));
      await(
          () -> market.onChain(s).status() == AuditRecord.Status.SETTLED,
          Duration.ofSeconds(30),
          "the seller applies the deadline rules (events: " + market.sellerEvents + ")");
      assertEquals(AuditRecord.Outcome.UNREVEALED, market.onChain(s).outcome());
      assertEquals(STAKE, market.sellerCredit());
      assertEquals(PAYMENT, market.buyerChain.auditCredit());
    }
  }

  /**
   * A seller whose proofs state tampered outputs: the buyer's checks fail it (no on-chain
   * signature), the designated verifier refuses the seller's settlement with proof, and after the
   * result deadline the deadline rules give the buyer its payment and the seller's stake.
   */
  @Test
  void aCheatingSellerIsNotPaidAndTheBuyerTakesTheStakeAfterTheDeadline() throws Exception {
    TestSet set = TestSet.of(2);
    try (Market market =
        new Market(CheatingProvers.PROOF_WITH_TAMPERED_OUTPUT, set.passingClaim())) {
      BuyerAuditState s =
          market.client.commit(market.model, set.samples(), 0, OFFER, PER_SAMPLE_PROOFS);
      AuditClient.Outcome o = market.client.run(s, AuditClient.Progress.NONE);
      assertEquals(Verdict.PROOF_FAILED, o.verdict());
      assertFalse(o.settledOnChain(), "before the result deadline the audit stays open");
      assertTrue(
          market.client.load(o.auditId()).getResult().getChainBuyerSignature().isEmpty(),
          "the buyer signs no failure on-chain");

      // The seller tries to settle with proof near the deadline: the attester refuses its proofs.
      node.advanceTime(WINDOW.minusMinutes(5));
      await(
          () -> market.sellerEvents.stream().anyMatch(e -> e.contains("the verifier refused")),
          Duration.ofSeconds(90),
          "the seller's settlement with proof is refused (events: " + market.sellerEvents + ")");
      assertEquals(AuditRecord.Status.REVEALED, market.onChain(s).status());

      node.advanceTime(Duration.ofMinutes(6));
      AuditClient.Outcome after =
          market.client.run(market.client.load(o.auditId()), AuditClient.Progress.NONE);
      assertEquals(AuditRecord.Outcome.BUYER_COMPENSATED.name(), after.chainOutcome());
      assertEquals(PAYMENT.add(STAKE), market.buyerChain.auditCredit());
      assertEquals(BigInteger.ZERO, market.sellerCredit());
    }
  }

  /**
   * The seller stakes only on a request that commits to the very test set of the commitment: a
   * buyer whose on-chain commitment is to another test set (which the seller could never prove, so
   * it would lose its stake) is refused, and the buyer's request is cancelled and refunded.
   */
  @Test
  void theSellerDoesNotStakeOnACommitmentToAnotherTestSet() throws Exception {
    TestSet set = TestSet.of(1);
    try (Market market = new Market(AnswerProver.HONEST, 0.5)) {
      BuyerAuditState s =
          market.client.commit(market.model, set.samples(), 0, OFFER, PER_SAMPLE_PROOFS);
      // The same commitment, but naming a salt that does not open the on-chain commitment.
      var c =
          s.getCommitment().toBuilder()
              .setChainSalt(com.google.protobuf.ByteString.copyFrom(Bytes32.random().bytes()))
              .clearBuyerSignature()
              .build();
      BuyerAuditState lying =
          s.toBuilder()
              .setCommitment(
                  c.toBuilder()
                      .setBuyerSignature(market.buyerKey.sign(AuditStatements.commitment(c))))
              .build();
      BuyerException e =
          assertThrows(BuyerException.class, () -> market.client.open(lying, market.model));
      assertEquals(BuyerException.Reason.REFUSED, e.reason());
      assertTrue(
          e.getMessage().contains("chain_salt") && e.getMessage().contains("cancelled"),
          e.getMessage());
      assertEquals(AuditRecord.Outcome.REFUNDED, market.onChain(s).outcome());
      assertEquals(PAYMENT, market.buyerChain.auditCredit());
      assertEquals(BigInteger.ZERO, market.sellerCredit());

      // 30 samples at the seller's 2 minutes each and its 10-minute margin do not fit the escrow's
      // one-hour result window: refused before any stake, and refunded.
      List<LabelledInput> many = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        many.add(set.samples().get(0));
      }
      BuyerAuditState big = market.client.commit(market.model, many, 0, OFFER, PER_SAMPLE_PROOFS);
      BuyerException tooMany =
          assertThrows(BuyerException.class, () -> market.client.open(big, market.model));
      assertTrue(
          tooMany.getMessage().contains("result window (60 min) is too short to prove 30 samples"),
          tooMany.getMessage());
      assertEquals(AuditRecord.Outcome.REFUNDED, market.onChain(big).outcome());
    }
  }

  /** Where the seller stops in an on-chain accuracy-proof audit, for the restart test below. */
  private enum Stop {
    /** The buyer requested and paid on-chain; the seller stored the commitment, staked nothing. */
    COMMITTED,
    /** The seller staked and signed its terms. */
    STAKED,
    /** One sample of two revealed to the seller. */
    PART_REVEALED,
    /**
     * Every sample revealed and the seller's receipt given; the seller is down while the buyer
     * reveals on-chain, so it comes back to a revealed audit with nothing proven.
     */
    REVEALED_WHILE_DOWN,
    /** The seller's prover dies in the middle of the accuracy proof. */
    MID_PROOF,
    /** The proof stored and verified by the buyer; nothing signed yet. */
    PROVEN,
    /**
     * Both signed the result, the seller stopped at once (its watch, which settles a result both
     * signed, may or may not have settled it on-chain before the stop).
     */
    COUNTERSIGNED,
    /** The proof stored; the buyer will never sign: the seller settles with the proof. */
    PROVEN_UNSIGNED
  }

  /**
   * The default kind on-chain (one accuracy proof about T), the seller stopped and started again
   * over the same H2 file at every step: each audit completes as a pass, the seller stakes once,
   * the accuracy proof is made once (once more only when a restart lost it mid-way), and the escrow
   * pays exactly once: the seller's credit grows by payment + stake, the buyer's stays zero, the
   * escrow's balance is exactly what it owes, and a second settlement is refused.
   */
  @Test
  void anAccuracyProofAuditSurvivesASellerRestartAtEveryStepAndPaysOnce() throws Exception {
    TestSet set = TestSet.of(2);
    try (Market market = new Market(AnswerProver.HONEST, set.passingClaim())) {
      RegisteredModel m = market.model;
      for (Stop stop : Stop.values()) {
        AtomicInteger madeBefore = new AtomicInteger();
        market.restartSeller(
            stop == Stop.MID_PROOF
                ? AccuracyCheats.diesMidProof(madeBefore)
                : AccuracyCheats.counting(madeBefore));
        BigInteger sellerBefore = market.sellerCredit();
        BuyerAuditState s = market.client.commit(m, set.samples(), 0, OFFER);
        String auditId = s.getCommitment().getAuditId();
        long id = s.getCommitment().getChainAuditId();
        AtomicInteger madeAfter = new AtomicInteger();
        boolean restarted = false;
        switch (stop) {
          case COMMITTED -> market.seller.audits().commit(s.getCommitment());
          case STAKED -> s = market.client.open(s, m);
          case PART_REVEALED -> revealRaw(market, market.client.open(s, m), 1);
          case REVEALED_WHILE_DOWN -> {
            BuyerAuditState opened = market.client.open(s, m);
            var status = revealRaw(market, opened, 2);
            assertFalse(status.getChainReceipt().isEmpty(), "the seller's receipt");
            int port = market.stopSeller();
            // The buyer's state as its reveal leaves it (every sample sent, the receipt held): its
            // on-chain reveal needs no seller.
            market.client.reveal(
                opened.toBuilder()
                    .setRevealed(true)
                    .setChainReceipt(status.getChainReceipt())
                    .build(),
                m);
            assertEquals(AuditRecord.Status.REVEALED, market.onChain(s).status());
            market.resumeSeller(AccuracyCheats.counting(madeAfter), port);
            restarted = true;
          }
          case MID_PROOF -> {
            BuyerAuditState revealed = market.client.reveal(market.client.open(s, m), m);
            assertThrows(
                BuyerException.class,
                () -> market.client.proveAndVerify(revealed, m, AuditClient.Progress.NONE));
            assertTrue(madeBefore.get() >= 1, "the proof was started");
          }
          case PROVEN, PROVEN_UNSIGNED ->
              s =
                  market.client.proveAndVerify(
                      market.client.reveal(market.client.open(s, m), m),
                      m,
                      AuditClient.Progress.NONE);
          case COUNTERSIGNED ->
              s =
                  market.client.settle(
                      market.client.proveAndVerify(
                          market.client.reveal(market.client.open(s, m), m),
                          m,
                          AuditClient.Progress.NONE));
        }
        boolean proven = stop.ordinal() >= Stop.PROVEN.ordinal();
        if (!restarted) {
          var store = market.seller.audits().store();
          assertEquals(proven, store.accuracyProof(auditId).isPresent(), stop.name());
          if (proven) {
            assertEquals(1, madeBefore.get(), stop + ": one proof, whoever asked first");
          }
          market.restartSeller(AccuracyCheats.counting(madeAfter));
        }
        BuyerAuditState state = s;
        if (stop == Stop.COUNTERSIGNED) {
          // Both signatures are stored: the seller's watch settles by itself, the restarted one if
          // the stopped one had not.
          await(
              () -> market.onChain(state).status() == AuditRecord.Status.SETTLED,
              Duration.ofSeconds(60),
              "the seller settles with both signatures (events: " + market.sellerEvents + ")");
        }
        if (stop == Stop.PROVEN_UNSIGNED) {
          node.advanceTime(WINDOW.minusMinutes(5));
          await(
              () -> market.onChain(state).status() == AuditRecord.Status.SETTLED,
              Duration.ofSeconds(90),
              "the restarted seller settles with proof (events: " + market.sellerEvents + ")");
          assertEquals(
              1,
              market.sellerEvents.stream()
                  .filter(e -> e.contains("on-chain audit " + id + " settled with proof"))
                  .count(),
              market.sellerEvents.toString());
        } else {
          AuditClient.Outcome o =
              market.client.run(market.client.load(auditId), AuditClient.Progress.NONE);
          assertTrue(o.accuracyProof(), stop.name());
          assertEquals(Verdict.PASSED, o.verdict(), stop.name());
          assertEquals(set.correct(), o.correct(), stop.name());
          assertEquals(2, o.verified(), stop.name());
          assertEquals(AuditRecord.Outcome.SELLER_PAID.name(), o.chainOutcome(), stop.name());
          s = market.client.load(auditId);
        }
        // A stored proof is never made again; one lost with the seller is made once more.
        assertEquals(proven ? 0 : 1, madeAfter.get(), stop + ": proofs after the restart");
        assertPaidOnce(market, s, sellerBefore, stop);
      }
    }
  }

  /** Reveals the first {@code k} samples (of an accuracy-proof audit) in one raw request. */
  private static io.zkaudit.proto.v1.AuditStatus revealRaw(Market market, BuyerAuditState s, int k)
      throws Exception {
    var r =
        io.zkaudit.proto.v1.RevealRequest.newBuilder()
            .setAccess(market.client.access(s.getCommitment().getAuditId(), 0))
            .setTestSetSeed(s.getTestSetSeed());
    for (int i = 0; i < k; i++) {
      r.addSamples(market.client.sample(s, i));
    }
    try (var raw = new RawAuditChannel(market.seller.port())) {
      return raw.stub().reveal(r.build());
    }
  }

  /**
   * The audit is settled as the seller's pass, paid exactly once: the seller's credit grew by
   * payment + stake and the buyer's is zero, the escrow holds exactly what it owes (every audit so
   * far settled, nothing withdrawn), the seller staked once and, once it has recorded the outcome
   * and stopped following the audit, nothing more moves; a second settlement with the same
   * signatures is refused.
   */
  private static void assertPaidOnce(
      Market market, BuyerAuditState s, BigInteger sellerBefore, Stop stop) throws Exception {
    String what = stop.name();
    long id = s.getCommitment().getChainAuditId();
    String auditId = s.getCommitment().getAuditId();
    AuditRecord onChain = market.onChain(s);
    assertEquals(AuditRecord.Status.SETTLED, onChain.status(), what);
    assertEquals(AuditRecord.Outcome.SELLER_PAID, onChain.outcome(), what);
    await(
        () -> market.seller.audits().store().audit(auditId).orElseThrow().chain().outcome() != null,
        Duration.ofSeconds(30),
        what + ": the seller records the escrow's outcome (events: " + market.sellerEvents + ")");
    Thread.sleep(600); // three polls of the seller's watch: nothing more may be paid
    BigInteger paid = sellerBefore.add(PAYMENT).add(STAKE);
    assertEquals(paid, market.sellerCredit(), what);
    assertEquals(BigInteger.ZERO, market.buyerChain.auditCredit(), what);
    assertEquals(
        market.sellerCredit(),
        market.buyerChain.client().balanceOf(market.deployment.auditEscrow()),
        what + ": the escrow holds exactly the seller's credit");
    assertEquals(
        1,
        market.sellerEvents.stream()
            .filter(e -> e.startsWith("staked ") && e.contains("on-chain audit " + id + " "))
            .count(),
        what + ": " + market.sellerEvents);
    var result = s.getResult();
    if (!result.getChainSellerSignature().isEmpty()) {
      EscrowException again =
          assertThrows(
              EscrowException.class,
              () ->
                  market
                      .buyerChain
                      .client()
                      .audits()
                      .settle(
                          new io.zkaudit.escrow.AuditResult(
                              id,
                              onChain.testSetHash().orElseThrow(),
                              result.getStatement().getCorrect(),
                              2),
                          result.getChainBuyerSignature().toByteArray(),
                          result.getChainSellerSignature().toByteArray()),
              what);
      assertTrue(again.revertReason().isPresent(), what + ": " + again.getMessage());
      assertEquals(paid, market.sellerCredit(), what);
    }
  }
}
