package io.zkaudit.protocols;

import io.zkaudit.proto.v1.ClaimedMetric;
import io.zkaudit.protocols.buyer.BuyerClient;
import io.zkaudit.protocols.seller.AnswerProver;
import io.zkaudit.protocols.seller.SellerConfig;
import io.zkaudit.protocols.seller.SellerServer;
import io.zkaudit.protocols.seller.SellerStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/** A seller on a real socket and a real H2 file, serving ResNet-8, and a buyer connected to it. */
final class SellerFixture implements AutoCloseable {
  static final List<ClaimedMetric> METRICS =
      List.of(
          ClaimedMetric.newBuilder()
              .setName("top1_accuracy")
              .setValue(0.87)
              .setDataset("cifar10-test")
              .build());

  final PartyKey sellerKey;
  final String jdbcUrl;
  final SellerServer server;
  final BuyerClient buyer;

  private SellerFixture(
      PartyKey sellerKey, String jdbcUrl, SellerServer server, PartyKey buyerKey) {
    this.sellerKey = sellerKey;
    this.jdbcUrl = jdbcUrl;
    this.server = server;
    this.buyer = new BuyerClient("localhost", server.port(), buyerKey, 120);
  }

  static SellerFixture start(Path dir, AnswerProver prover) throws Exception {
    return start(
        PartyKey.generate(),
        SellerStore.h2FileUrl(dir.resolve("seller")),
        prover,
        PartyKey.generate(),
        c -> c);
  }

  static SellerFixture start(
      PartyKey sellerKey,
      String jdbcUrl,
      AnswerProver prover,
      PartyKey buyerKey,
      UnaryOperator<SellerConfig> configure)
      throws Exception {
    return start(sellerKey, jdbcUrl, prover, buyerKey, configure, SellerServer.Options.NONE);
  }

  static SellerFixture start(
      PartyKey sellerKey,
      String jdbcUrl,
      AnswerProver prover,
      PartyKey buyerKey,
      UnaryOperator<SellerConfig> configure,
      SellerServer.Options options)
      throws Exception {
    SellerServer server =
        SellerServer.start(
            sellerKey, configure.apply(SellerConfig.defaults(jdbcUrl, 0)), prover, options);
    server.seller().serve(Resnet8.model(), "resnet8-cifar10", METRICS);
    return new SellerFixture(sellerKey, jdbcUrl, server, buyerKey);
  }

  static UnaryOperator<SellerConfig> contestWindow(Duration window) {
    return c ->
        new SellerConfig(
            c.jdbcUrl(),
            c.host(),
            c.port(),
            c.maxRequestBytes(),
            window,
            c.maxContestAnswers(),
            c.clockSkew(),
            c.clock());
  }

  static UnaryOperator<SellerConfig> maxRequestBytes(int bytes) {
    return c ->
        new SellerConfig(
            c.jdbcUrl(),
            c.host(),
            c.port(),
            bytes,
            c.contestWindow(),
            c.maxContestAnswers(),
            c.clockSkew(),
            c.clock());
  }

  @Override
  public void close() {
    buyer.close();
    server.close();
  }
}
