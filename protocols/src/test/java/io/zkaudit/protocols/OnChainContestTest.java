package io.zkaudit.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.data.PixelRange;
import io.zkaudit.data.SharedData;
import io.zkaudit.data.TensorFiles;
import io.zkaudit.escrow.EscrowDeployer;
import io.zkaudit.escrow.EscrowDeployment;
import io.zkaudit.escrow.EscrowParameters;
import io.zkaudit.escrow.GasListener;
import io.zkaudit.escrow.PredictionContest;
import io.zkaudit.escrow.PredictionOrder;
import io.zkaudit.escrow.Wei;
import io.zkaudit.escrow.chain.ChainNode;
import io.zkaudit.escrow.onchain.OnChainModelVerifier;
import io.zkaudit.floatmodel.FloatModel;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.proto.v1.SignedAnswer;
import io.zkaudit.protocols.buyer.BuyerException;
import io.zkaudit.protocols.buyer.RegisteredModel;
import io.zkaudit.protocols.chain.BuyerChain;
import io.zkaudit.protocols.chain.ChainKeys;
import io.zkaudit.protocols.chain.ChainSettings;
import io.zkaudit.protocols.chain.ContestProofs;
import io.zkaudit.protocols.chain.OnChainProofs;
import io.zkaudit.protocols.seller.AnswerProver;
import io.zkaudit.protocols.seller.SellerConfig;
import io.zkaudit.protocols.seller.SellerServer;
import io.zkaudit.protocols.seller.SellerStore;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.inference.WeightRangeProver;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.quantizer.Quantizer;
import io.zkaudit.tflite.TfliteImporter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Contests settled by the seller's own on-chain proof, no attester, end to end: the escrows
 * deployed with the on-chain verifier ({@code SessionProofVerifier}), a seller serving the MNIST
 * CNN with {@code ContestProofs.ON_CHAIN} (no attester at all) and a buyer, over real sockets, on a
 * real Anvil node. The seller records the model's verifier plans when it mirrors the model; a
 * contested answer is proven by a plain proof through the whole {@code ProofSession} in the
 * seller's transactions and the seller is paid; a seller that signs a false answer cannot prove it
 * and is slashed.
 */
class OnChainContestTest {
  private static final Duration WINDOW = Duration.ofHours(1);
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

  /** The MNIST CNN as the on-chain verifier tests quantize it, certified, and its test input. */
  private static CommittedModel mnist;

  private static int[] input;

  private static synchronized CommittedModel mnist() throws Exception {
    if (mnist == null) {
      Optional<Path> file = SharedData.resolve("models/mnist_cnn_float.tflite");
      Assumptions.assumeTrue(file.isPresent(), "no ../shared/models/mnist_cnn_float.tflite");
      FloatModel f = TfliteImporter.loadFloat(file.get());
      Path json =
          Path.of(System.getProperty("zkaudit.docs", "../docs"), "examples/mnist-test-0.json");
      float[] real = TensorFiles.toNhwc(TensorFiles.read(json), f.input().shape()).real();
      QuantizedModel q = Quantizer.quantize(f, List.of(real), PixelRange.UNIT);
      TensorSpec spec = q.input();
      input = new int[real.length];
      for (int i = 0; i < input.length; i++) {
        input[i] =
            (int)
                Math.clamp(
                    Math.round(real[i] / spec.scale()) + spec.zeroPoint(),
                    spec.type().min(),
                    spec.type().max());
      }
      mnist = WeightRangeProver.certified(ModelProver.commit(q));
    }
    return mnist;
  }

  /** A seller that signs one output off by one for every answer: its contests cannot be proven. */
  private static final AnswerProver LIAR =
      new AnswerProver() {
        @Override
        public int[] output(CommittedModel model, int[] x) {
          int[] out = HONEST.output(model, x).clone();
          out[0] += 1;
          return out;
        }

        @Override
        public io.zkaudit.inference.ModelProof prove(CommittedModel model, int[] x) {
          return HONEST.prove(model, x);
        }
      };

  private record Market(
      ChainSettings settings,
      SellerServer server,
      io.zkaudit.protocols.buyer.BuyerClient buyer,
      BuyerChain buyerChain,
      List<String> events,
      PartyKey sellerKey)
      implements AutoCloseable {
    @Override
    public void close() {
      buyerChain.close();
      buyer.close();
      server.close();
    }
  }

  private Market market(AnswerProver prover, String name) throws Exception {
    CommittedModel m = mnist();
    EscrowParameters p =
        new EscrowParameters(Wei.ether(1), WINDOW, WINDOW, WINDOW, WINDOW, WINDOW, WINDOW);
    var deployer = node.newAccount(Wei.ether(1_000_000));
    EscrowDeployment d =
        EscrowDeployer.deployWithSessionVerifier(
            node.web3j(),
            deployer,
            OnChainModelVerifier.deploy(node.web3j(), deployer).session().address(),
            p,
            GasListener.NONE);
    ChainSettings settings =
        ChainSettings.defaults(node.rpcUrl(), d)
            .withPollInterval(Duration.ofMillis(200))
            .withContestProofs(ContestProofs.ON_CHAIN);
    PartyKey sellerKey = PartyKey.generate();
    PartyKey buyerKey = PartyKey.generate();
    node.fund(ChainKeys.credentials(sellerKey), Wei.ether(1_000_000));
    node.fund(ChainKeys.credentials(buyerKey), Wei.ether(100));
    List<String> events = new CopyOnWriteArrayList<>();
    SellerServer server =
        SellerServer.start(
            sellerKey,
            SellerConfig.defaults(SellerStore.h2FileUrl(tmp.resolve(name)), 0),
            prover,
            SellerServer.Options.NONE.withChain(settings, null).withEvents(events::add));
    server.seller().serve(m, "mnist-cnn", List.of());
    var buyer =
        new io.zkaudit.protocols.buyer.BuyerClient("localhost", server.port(), buyerKey, 120);
    return new Market(
        settings, server, buyer, BuyerChain.connect(settings, buyerKey), events, sellerKey);
  }

  private static void await(BooleanSupplier condition, Duration timeout, String what)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(200);
    }
  }

  @Test
  void anHonestSellerProvesItsContestOnChainAndIsPaid() throws Exception {
    try (Market market = market(AnswerProver.HONEST, "honest")) {
      RegisteredModel m = market.buyer().models().get(0);
      long chainModel = market.buyerChain().chainModel(m);
      // The seller recorded the plans of its key; the buyer checks them before it pays.
      assertEquals(
          OnChainProofs.plansOf(m.entry().getVerifyingKey().toByteArray()),
          market.buyerChain().client().registry().verifierPlansOf(chainModel));
      long order = market.buyerChain().pay(m, 2);
      SignedAnswer a = market.buyer().predictSigned(m, input, order);
      long contest = market.buyerChain().contest(m, a);
      await(
          () ->
              market.buyerChain().contestState(contest).status() == PredictionContest.Status.PROVEN,
          Duration.ofMinutes(10),
          "the seller proves contest " + contest + " on chain (events: " + market.events() + ")");

      node.advanceTime(WINDOW.plusSeconds(10));
      assertThrows(
          io.zkaudit.escrow.EscrowException.class,
          () -> market.buyerChain().slash(contest),
          "a false accusation pays the buyer nothing");
      market.buyerChain().client().predictions().claimPayment(order);
      assertEquals(
          PredictionOrder.Status.PAID,
          market.buyerChain().client().predictions().getOrder(order).status());
      assertEquals(
          market.settings().pricePerPrediction().multiply(BigInteger.TWO),
          market
              .buyerChain()
              .client()
              .predictionCredit(ChainKeys.credentials(market.sellerKey()).getAddress()));
      assertEquals(BigInteger.ZERO, market.buyerChain().credit());
    }
  }

  @Test
  void aSellerThatSignedAFalseAnswerCannotProveItOnChainAndIsSlashed() throws Exception {
    try (Market market = market(LIAR, "liar")) {
      RegisteredModel m = market.buyer().models().get(0);
      long order = market.buyerChain().pay(m, 2);
      SignedAnswer a = market.buyer().predictSigned(m, input, order);
      long contest = market.buyerChain().contest(m, a);
      await(
          () -> market.events().stream().anyMatch(e -> e.contains("on-chain contest " + contest)),
          Duration.ofMinutes(10),
          "the seller gives up on contest " + contest + " (events: " + market.events() + ")");
      assertTrue(
          market.events().stream().anyMatch(e -> e.contains("proof's output is not the contested")),
          "refused before any transaction: " + market.events());
      assertEquals(
          PredictionContest.Status.OPEN, market.buyerChain().contestState(contest).status());
      node.advanceTime(WINDOW.plusSeconds(10));
      market.buyerChain().slash(contest);
      assertEquals(
          market
              .settings()
              .pricePerPrediction()
              .multiply(BigInteger.TWO)
              .add(market.settings().stakePerOrder()),
          market.buyerChain().credit());
    }
  }

  @Test
  void aBuyerDoesNotPayForARecordWithoutTheKeysPlans() throws Exception {
    try (Market market = market(AnswerProver.HONEST, "plans")) {
      RegisteredModel m = market.buyer().models().get(0);
      // Another seller lists the same key with other plans: a buyer of that record refuses.
      PartyKey other = PartyKey.generate();
      node.fund(ChainKeys.credentials(other), Wei.ether(100));
      var client =
          io.zkaudit.escrow.EscrowClient.connect(
              node.web3j(), ChainKeys.credentials(other), market.settings().deployment());
      long record =
          client
              .registry()
              .registerModel(
                  io.zkaudit.escrow.Bytes32.random(),
                  new io.zkaudit.escrow.Bytes32(m.id().toByteArray()),
                  Wei.ether(1));
      client.registry().setVerifierPlans(record, io.zkaudit.escrow.Bytes32.random());
      client.predictions().setOffer(record, Wei.gwei(1), Wei.ether(1));
      client.predictions().depositStake(record, Wei.ether(2));
      RegisteredModel listedByOther =
          new RegisteredModel(
              m.entry().toBuilder()
                  .setSellerSignature(
                      m.entry().getSellerSignature().toBuilder()
                          .setPublicKey(other.publicKeyBytes()))
                  .build(),
              m.vk(),
              m.verifier());
      BuyerException e =
          assertThrows(BuyerException.class, () -> market.buyerChain().pay(listedByOther, 1));
      assertTrue(e.getMessage().contains("verifier plans"), e.getMessage());
    }
  }
}
