package io.zkaudit.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.escrow.Bytes32;
import io.zkaudit.escrow.EscrowDeployer;
import io.zkaudit.escrow.EscrowDeployment;
import io.zkaudit.escrow.EscrowException;
import io.zkaudit.escrow.EscrowParameters;
import io.zkaudit.escrow.GasListener;
import io.zkaudit.escrow.PredictionContest;
import io.zkaudit.escrow.PredictionOrder;
import io.zkaudit.escrow.PredictionStake;
import io.zkaudit.escrow.Wei;
import io.zkaudit.escrow.chain.ChainNode;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.proto.v1.SignedAnswer;
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
import io.zkaudit.protocols.seller.SellerServer;
import io.zkaudit.protocols.seller.SellerStore;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verified prediction with the escrow: a real Anvil node (from the escrow module's npm install),
 * the contracts deployed fresh for each test, a seller and a buyer over real sockets with H2. The
 * seller watches the escrow and proves contested answers through the designated verifier; deadlines
 * are passed with evm_increaseTime.
 */
class ChainPredictionTest {
  private static final Duration WINDOW = Duration.ofHours(1);
  private static final Duration PAST_WINDOW = WINDOW.plusSeconds(10);
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
   * A fresh deployment with one-hour windows, a designated verifier, and a funded seller and buyer.
   */
  private final class Market implements AutoCloseable {
    final ChainSettings settings;
    final ProofAttester attester;
    final PartyKey sellerKey = PartyKey.generate();
    final PartyKey buyerKey = PartyKey.generate();
    final List<String> sellerEvents = new CopyOnWriteArrayList<>();
    final SellerFixture seller;
    final BuyerChain buyerChain;
    private AttesterServer attesterServer;
    private RemoteAttester remoteAttester;

    Market(AnswerProver prover) throws Exception {
      this(prover, false);
    }

    /**
     * @param remote the designated verifier runs as its own gRPC service (else in the seller's
     *     process)
     */
    Market(AnswerProver prover, boolean remote) throws Exception {
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
      settings = ChainSettings.defaults(node.rpcUrl(), d).withPollInterval(Duration.ofMillis(200));
      attester = new ProofAttester(attesterKey, d);
      node.fund(ChainKeys.credentials(sellerKey), Wei.ether(100));
      node.fund(ChainKeys.credentials(buyerKey), Wei.ether(100));
      Attester used = attester;
      if (remote) {
        attesterServer = AttesterServer.start(attester, "localhost", 0, null, null);
        used = remoteAttester = new RemoteAttester("localhost", attesterServer.port(), null);
      }
      seller =
          SellerFixture.start(
              sellerKey,
              SellerStore.h2FileUrl(tmp.resolve("seller")),
              prover,
              buyerKey,
              c -> c,
              SellerServer.Options.NONE.withChain(settings, used).withEvents(sellerEvents::add));
      buyerChain = BuyerChain.connect(settings, buyerKey);
    }

    PredictionStake stake(RegisteredModel m) throws BuyerException {
      return buyerChain.client().predictions().getStake(buyerChain.chainModel(m));
    }

    @Override
    public void close() {
      buyerChain.close();
      seller.close();
      if (remoteAttester != null) {
        remoteAttester.close();
        attesterServer.close();
      }
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

  @Test
  void aSellerThatProvesInTimeKeepsItsStakeAndIsPaid() throws Exception {
    try (Market market = new Market(AnswerProver.HONEST)) {
      RegisteredModel m = market.seller.buyer.models().get(0);
      long chainModel = market.buyerChain.chainModel(m);
      // The registration is mirrored: the seller's key is its account, the model id its weight
      // commitment.
      var record = market.buyerChain.client().registry().getModel(chainModel);
      assertTrue(
          ChainKeys.sameAddressOf(
              record.seller(), ChainKeys.credentials(market.sellerKey).getAddress()));
      assertEquals(
          java.util.HexFormat.of().formatHex(m.id().toByteArray()),
          record.weightCommitment().hex().replaceFirst("^0x", ""));

      long order = market.buyerChain.pay(m, 2);
      SignedAnswer a = market.seller.buyer.predictSigned(m, Resnet8.input(40), order);
      market.seller.buyer.predictSigned(m, Resnet8.input(41), order);
      assertEquals(Wei.ether(1), market.stake(m).locked());

      long contest = market.buyerChain.contest(m, a);
      await(
          () -> market.buyerChain.contestState(contest).status() == PredictionContest.Status.PROVEN,
          Duration.ofSeconds(90),
          "the seller proves contest " + contest + " (events: " + market.sellerEvents + ")");

      node.advanceTime(PAST_WINDOW);
      market.buyerChain.client().predictions().claimPayment(order);
      PredictionOrder o = market.buyerChain.client().predictions().getOrder(order);
      assertEquals(PredictionOrder.Status.PAID, o.status());
      assertEquals(BigInteger.ZERO, market.stake(m).locked());
      assertEquals(market.settings.stakeDeposit(), market.stake(m).free());
      assertEquals(
          market.settings.pricePerPrediction().multiply(BigInteger.TWO),
          market
              .buyerChain
              .client()
              .predictionCredit(ChainKeys.credentials(market.sellerKey).getAddress()));
      assertEquals(BigInteger.ZERO, market.buyerChain.credit());
    }
  }

  /**
   * A rotation mirrored on-chain: the new record takes the lineage (root, latest), the bond and the
   * free stake; an order paid before on the old key is still answered and proven under it.
   */
  @Test
  void aRotatedModelKeepsItsLineageStakeAndOpenOrdersOnChain() throws Exception {
    try (Market market = new Market(AnswerProver.HONEST)) {
      var seller = market.seller.server.seller();
      RegisteredModel old = market.seller.buyer.models().get(0);
      long oldChain = market.buyerChain.chainModel(old);
      long order = market.buyerChain.pay(old, 2);
      market.seller.buyer.predictSigned(old, Resnet8.input(50), order);
      BigInteger free = market.stake(old).free();

      seller.rotateAutomatically(
          new io.zkaudit.protocols.seller.RotationPolicy(
              "chain rotation test hiding key 32"
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII),
              1.0,
              x -> 1_000_000));
      var entry = seller.rotate(Resnet8.model());
      RegisteredModel rotated = market.seller.buyer.model(entry.getModelId());
      assertEquals(List.of(old.id(), rotated.id()), rotated.lineage());
      long newChain = market.buyerChain.chainModel(rotated);
      var registry = market.buyerChain.client().registry();
      assertEquals(oldChain, registry.rootOf(newChain));
      assertEquals(newChain, registry.latestOf(oldChain));
      assertEquals(java.util.Optional.of(oldChain), registry.rotatedFrom(newChain));
      assertTrue(!registry.isActive(oldChain) && registry.isActive(newChain));
      assertEquals(free, market.stake(rotated).free(), "the free stake moved along the lineage");
      assertEquals(
          BigInteger.ZERO, market.buyerChain.client().predictions().getStake(oldChain).free());

      // The order paid on the old key: answered under it, and its contest proven against its
      // commitment.
      SignedAnswer late = market.seller.buyer.predictSigned(old, Resnet8.input(51), order);
      assertEquals(old.id(), late.getStatement().getModelId());
      long contest = market.buyerChain.contest(old, late);
      await(
          () -> market.buyerChain.contestState(contest).status() == PredictionContest.Status.PROVEN,
          Duration.ofSeconds(90),
          "the seller proves contest " + contest + " (events: " + market.sellerEvents + ")");
      // New orders go to the new key; a request without an order for the old key is answered under
      // the new one.
      assertEquals(
          rotated.id(),
          market.seller.buyer.predict(old, Resnet8.input(52)).answer().getStatement().getModelId());
    }
  }

  @Test
  void aFalseAccusationDoesNotPayTheBuyer() throws Exception {
    // The designated verifier as its own service (AttesterServer), as in production.
    try (Market market = new Market(AnswerProver.HONEST, true)) {
      RegisteredModel m = market.seller.buyer.models().get(0);
      long order = market.buyerChain.pay(m, 1);
      SignedAnswer a = market.seller.buyer.predictSigned(m, Resnet8.input(42), order);
      long contest = market.buyerChain.contest(m, a);
      await(
          () -> market.buyerChain.contestState(contest).status() == PredictionContest.Status.PROVEN,
          Duration.ofSeconds(90),
          "the seller proves contest " + contest + " (events: " + market.sellerEvents + ")");
      node.advanceTime(PAST_WINDOW);
      EscrowException e =
          assertThrows(EscrowException.class, () -> market.buyerChain.slash(contest));
      assertEquals("contest not open", e.revertReason().orElse(e.getMessage()));
      // Nor can the same answer be contested again.
      EscrowException again =
          assertThrows(EscrowException.class, () -> market.buyerChain.contest(m, a));
      assertTrue(
          again.getMessage().contains("contest window over")
              || again.getMessage().contains("already contested"),
          again.getMessage());
      assertEquals(BigInteger.ZERO, market.buyerChain.credit());
      assertEquals(Wei.ether(1), market.stake(m).locked());
    }
  }

  @Test
  void aSellerThatMissesTheDeadlineIsSlashedAndTheBuyerPaid() throws Exception {
    // Answers honestly but never manages to prove (it crashes every time it tries).
    AnswerProver cannotProve =
        new AnswerProver() {
          @Override
          public int[] output(io.zkaudit.prover.inference.CommittedModel model, int[] input) {
            return HONEST.output(model, input);
          }

          @Override
          public io.zkaudit.inference.ModelProof prove(
              io.zkaudit.prover.inference.CommittedModel model, int[] input) {
            throw new IllegalStateException("out of memory");
          }
        };
    try (Market market = new Market(cannotProve)) {
      RegisteredModel m = market.seller.buyer.models().get(0);
      long order = market.buyerChain.pay(m, 3);
      BigInteger payment = market.buyerChain.client().predictions().getOrder(order).payment();
      SignedAnswer a = market.seller.buyer.predictSigned(m, Resnet8.input(43), order);
      long contest = market.buyerChain.contest(m, a);
      // Too early: the seller still has time.
      EscrowException early =
          assertThrows(EscrowException.class, () -> market.buyerChain.slash(contest));
      assertEquals("proof deadline not passed", early.revertReason().orElse(early.getMessage()));
      await(
          () ->
              market.sellerEvents.stream()
                  .anyMatch(s -> s.contains("contest " + contest + " not proven yet")),
          Duration.ofSeconds(30),
          "the seller tries and fails");

      node.advanceTime(PAST_WINDOW);
      market.buyerChain.slash(contest);
      assertEquals(
          PredictionContest.Status.EXPIRED, market.buyerChain.contestState(contest).status());
      assertEquals(payment.add(Wei.ether(1)), market.buyerChain.credit());
      assertEquals(BigInteger.ZERO, market.stake(m).locked());
      assertEquals(market.settings.stakeDeposit().subtract(Wei.ether(1)), market.stake(m).free());
      String buyer = market.buyerChain.address();
      BigInteger before = market.buyerChain.client().balanceOf(buyer);
      assertEquals(payment.add(Wei.ether(1)), market.buyerChain.withdraw());
      assertTrue(market.buyerChain.client().balanceOf(buyer).compareTo(before) > 0);
    }
  }

  @Test
  void aTamperedSignedAnswerCannotBeAttestedAndIsSlashed() throws Exception {
    // The designated verifier as its own service: its refusal reaches the seller as a refusal.
    try (Market market = new Market(CheatingProvers.SIGNS_TAMPERED_OUTPUT, true)) {
      RegisteredModel m = market.seller.buyer.models().get(0);
      long order = market.buyerChain.pay(m, 1);
      SignedAnswer a = market.seller.buyer.predictSigned(m, Resnet8.input(44), order);
      long contest = market.buyerChain.contest(m, a);
      await(
          () ->
              market.sellerEvents.stream()
                  .anyMatch(s -> s.contains("contest " + contest + ": the verifier refused")),
          Duration.ofSeconds(90),
          "the designated verifier refuses the seller's proof (events: "
              + market.sellerEvents
              + ")");
      assertEquals(PredictionContest.Status.OPEN, market.buyerChain.contestState(contest).status());
      node.advanceTime(PAST_WINDOW);
      market.buyerChain.slash(contest);
      assertTrue(market.buyerChain.credit().compareTo(Wei.ether(1)) >= 0);
    }
  }

  /**
   * Issue 13's forgery, on-chain: the seller answers the paid order's input x with model(x') and,
   * contested, proves model(x'). The designated verifier gets the stored input with the proof and
   * verifies against it: it refuses, and the seller is slashed. Then the designated verifier alone,
   * with everything a cheating seller could send it instead.
   */
  @Test
  void aContestProvenForAnotherInputCannotBeAttestedAndIsSlashed() throws Exception {
    try (Market market = new Market(CheatingProvers.PROVES_ANOTHER_INPUT, true)) {
      RegisteredModel m = market.seller.buyer.models().get(0);
      long order = market.buyerChain.pay(m, 1);
      int[] x = Resnet8.input(49);
      SignedAnswer a = market.seller.buyer.predictSigned(m, x, order);
      long contest = market.buyerChain.contest(m, a);
      await(
          () ->
              market.sellerEvents.stream()
                  .anyMatch(s -> s.contains("contest " + contest + ": the verifier refused")),
          Duration.ofSeconds(90),
          "the designated verifier refuses the proof of another input (events: "
              + market.sellerEvents
              + ")");
      assertEquals(PredictionContest.Status.OPEN, market.buyerChain.contestState(contest).status());
      node.advanceTime(PAST_WINDOW);
      market.buyerChain.slash(contest);
      assertEquals(
          PredictionContest.Status.EXPIRED, market.buyerChain.contestState(contest).status());

      // The designated verifier directly. The contested claim: H(x) and the signed output.
      var committed = Resnet8.model();
      byte[] vk = committed.vk().encode();
      Bytes32 model = new Bytes32(committed.vk().digest().bytes());
      Bytes32 inputHash = new Bytes32(Statements.tensorHash(x));
      Bytes32 outputHash = new Bytes32(a.getStatement().getOutputHash().toByteArray());
      int[] other = x.clone();
      other[0] = other[0] == 0 ? 1 : 0;
      byte[] proofOfOther = AnswerProver.HONEST.prove(committed, other).encode();
      // With the contested input: the proof is not about it.
      Attester.AttestationRefused withX =
          assertThrows(
              Attester.AttestationRefused.class,
              () ->
                  market.attester.attestPrediction(
                      vk, proofOfOther, x, model, inputHash, outputHash));
      assertTrue(withX.getMessage().contains("another input"), withX.getMessage());
      // With its own input under the contested hash: the input does not hash to it.
      Attester.AttestationRefused withOther =
          assertThrows(
              Attester.AttestationRefused.class,
              () ->
                  market.attester.attestPrediction(
                      vk, proofOfOther, other, model, inputHash, outputHash));
      assertTrue(withOther.getMessage().contains("does not hash"), withOther.getMessage());
      // The control: the same proof is attested for the claim it does prove.
      Bytes32 otherHash = new Bytes32(Statements.tensorHash(other));
      Bytes32 otherOut =
          new Bytes32(Statements.tensorHash(ModelProof.decode(proofOfOther).output()));
      assertEquals(
          65,
          market.attester.attestPrediction(vk, proofOfOther, other, model, otherHash, otherOut)
              .length);
    }
  }

  @Test
  void ordersAreCheckedOnChainBeforeAnswering() throws Exception {
    try (Market market = new Market(AnswerProver.HONEST)) {
      RegisteredModel m = market.seller.buyer.models().get(0);
      long order = market.buyerChain.pay(m, 1);
      PartyKey stranger = PartyKey.generate();
      try (var other =
          new io.zkaudit.protocols.buyer.BuyerClient(
              "localhost", market.seller.server.port(), stranger, 60)) {
        RegisteredModel seen = other.models().get(0);
        BuyerException e =
            assertThrows(
                BuyerException.class, () -> other.predictSigned(seen, Resnet8.input(45), order));
        assertEquals(BuyerException.Reason.REFUSED, e.reason());
        assertTrue(e.getMessage().contains("another account"), e.getMessage());
      }
      BuyerException none =
          assertThrows(
              BuyerException.class,
              () -> market.seller.buyer.predictSigned(m, Resnet8.input(46), 999));
      assertTrue(none.getMessage().contains("no order 999"), none.getMessage());
      // A forged escrow signature is caught by the buyer before it relies on it.
      SignedAnswer good = market.seller.buyer.predictSigned(m, Resnet8.input(47), order);
      byte[] sig = good.getChainAnswer().getSignature().toByteArray();
      sig[5] ^= 1;
      SignedAnswer forged =
          good.toBuilder()
              .setChainAnswer(
                  good.getChainAnswer().toBuilder()
                      .setSignature(com.google.protobuf.ByteString.copyFrom(sig)))
              .build();
      BuyerException bad =
          assertThrows(BuyerException.class, () -> market.buyerChain.escrowAnswer(m, forged));
      assertEquals(BuyerException.Reason.INVALID_ANSWER, bad.reason());
    }
  }

  @Test
  void aRestartedSellerKeepsItsRegistrationAndProvesContestsOpenedWhileItWasDown()
      throws Exception {
    try (Market market = new Market(AnswerProver.HONEST)) {
      RegisteredModel m = market.seller.buyer.models().get(0);
      long chainModel = market.buyerChain.chainModel(m);
      long count = market.buyerChain.client().registry().modelCount();
      long order = market.buyerChain.pay(m, 1);
      SignedAnswer a = market.seller.buyer.predictSigned(m, Resnet8.input(48), order);
      market.seller.close();
      long contest = market.buyerChain.contest(m, a); // while the seller is down
      try (SellerFixture again =
          SellerFixture.start(
              market.sellerKey,
              SellerStore.h2FileUrl(tmp.resolve("seller")),
              AnswerProver.HONEST,
              market.buyerKey,
              c -> c,
              SellerServer.Options.NONE.withChain(market.settings, market.attester))) {
        assertEquals(count, market.buyerChain.client().registry().modelCount());
        assertEquals(
            chainModel,
            again.server.seller().chain().orElseThrow().chainModel(m.id()).orElseThrow());
        await(
            () ->
                market.buyerChain.contestState(contest).status() == PredictionContest.Status.PROVEN,
            Duration.ofSeconds(90),
            "the restarted seller proves contest " + contest);
      }
    }
  }

  @Test
  void aSellerFollowsContestsFromTheBlockItStored() throws Exception {
    try (Market market = new Market(AnswerProver.HONEST)) {
      RegisteredModel m = market.seller.buyer.models().get(0);
      long order = market.buyerChain.pay(m, 1);
      SignedAnswer a = market.seller.buyer.predictSigned(m, Resnet8.input(49), order);
      String url = market.seller.jdbcUrl;
      String escrow =
          market.settings.deployment().predictionEscrow().toLowerCase(java.util.Locale.ROOT);
      market.seller.close();
      long contest = market.buyerChain.contest(m, a); // while the seller is down
      var predictions = market.buyerChain.client().predictions();
      long block =
          predictions.contestsOpened(0, predictions.latestBlock()).stream()
              .filter(c -> c.contestId() == contest)
              .findFirst()
              .orElseThrow()
              .block();
      long stored;
      try (SellerStore store = SellerStore.open(url)) {
        stored = store.chainCursor(escrow).orElseThrow();
        assertTrue(
            stored <= block,
            "the stored block " + stored + " is past contest " + contest + " in block " + block);
        store.setChainCursor(escrow, block + 1); // as if that block had been read and settled
      }
      // Started past the contest's block, the seller does not see it: it reads on from the stored
      // block, not every contest from the first.
      try (SellerFixture again =
          SellerFixture.start(
              market.sellerKey,
              url,
              AnswerProver.HONEST,
              market.buyerKey,
              c -> c,
              SellerServer.Options.NONE.withChain(market.settings, market.attester))) {
        Thread.sleep(2_000); // ten polls
        assertEquals(
            PredictionContest.Status.OPEN, market.buyerChain.contestState(contest).status());
      }
      try (SellerStore store = SellerStore.open(url)) {
        store.setChainCursor(escrow, stored);
      }
      try (SellerFixture again =
          SellerFixture.start(
              market.sellerKey,
              url,
              AnswerProver.HONEST,
              market.buyerKey,
              c -> c,
              SellerServer.Options.NONE.withChain(market.settings, market.attester))) {
        await(
            () ->
                market.buyerChain.contestState(contest).status() == PredictionContest.Status.PROVEN,
            Duration.ofSeconds(90),
            "the restarted seller proves contest " + contest + " from its stored block");
      }
    }
  }
}
