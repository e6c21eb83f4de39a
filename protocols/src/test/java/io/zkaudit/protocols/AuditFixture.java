package io.zkaudit.protocols;

import io.zkaudit.data.SharedData;
import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.protocols.buyer.AuditClient;
import io.zkaudit.protocols.buyer.AuditClient.LabelledInput;
import io.zkaudit.protocols.seller.AnswerProver;
import io.zkaudit.protocols.seller.AuditService;
import io.zkaudit.protocols.seller.SellerConfig;
import io.zkaudit.protocols.seller.SellerServer;
import io.zkaudit.prover.inference.CommittedModel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * A seller serving ResNet-8 on a real socket and H2 file, and a buyer's AuditClient keeping its
 * state in a directory; both keys and both stores outlive a fixture, so a test can stop the seller
 * and start another over the same database (a restart).
 */
final class AuditFixture implements AutoCloseable {
  final SellerServer server;
  final AuditClient client;

  private AuditFixture(SellerServer server, AuditClient client) {
    this.server = server;
    this.client = client;
  }

  /** The parties and their storage, kept across restarts. */
  record Parties(PartyKey seller, PartyKey buyer, String jdbcUrl, Path buyerDir, TestClock clock) {
    static Parties in(Path dir) {
      return in(dir, SellerDatabase.H2);
    }

    static Parties in(Path dir, SellerDatabase kind) {
      return new Parties(
          PartyKey.generate(),
          PartyKey.generate(),
          kind.newUrl(dir, "seller"),
          dir.resolve("buyer"),
          new TestClock());
    }
  }

  static AuditFixture start(Parties p, AnswerProver prover) throws Exception {
    return start(p, prover, AuditService.Policy.defaults());
  }

  static AuditFixture start(Parties p, AnswerProver prover, AuditService.Policy policy)
      throws Exception {
    SellerConfig c = SellerConfig.defaults(p.jdbcUrl(), 0);
    c =
        new SellerConfig(
            c.jdbcUrl(),
            c.host(),
            c.port(),
            c.maxRequestBytes(),
            c.contestWindow(),
            c.maxContestAnswers(),
            c.clockSkew(),
            p.clock());
    SellerServer server = SellerServer.start(p.seller(), c, prover, policy);
    server.seller().serve(Resnet8.model(), "resnet8-cifar10", SellerFixture.METRICS);
    return new AuditFixture(
        server, new AuditClient("localhost", server.port(), p.buyer(), 120, p.buyerDir()));
  }

  /** The first n CIFAR-10 test images, encoded as the CLI encodes them. */
  static List<LabelledInput> cifar(int n) throws Exception {
    Assumptions.assumeTrue(
        SharedData.resolve("data/cifar10/test_batch.bin").isPresent(),
        "skipped: ../shared/data/cifar10 is not present (it is in CI)");
    CommittedModel m = Resnet8.model();
    TensorSpec in = m.model().description().tensor(m.circuit().inputTensor());
    int classes = m.model().description().tensor(m.circuit().outputTensor()).size();
    return AuditDatasets.load("cifar10", n, in, classes).samples();
  }

  /** How many of the samples the integer engine (no proofs) classifies correctly. */
  static int engineCorrect(List<LabelledInput> samples) throws Exception {
    CommittedModel m = Resnet8.model();
    int correct = 0;
    for (LabelledInput s : samples) {
      int[] out = new IntegerEngine(m.model()).trace(s.input()).tensor(m.circuit().outputTensor());
      if (AuditStatements.predictedClass(out, 0) == s.label()) {
        correct++;
      }
    }
    return correct;
  }

  @Override
  public void close() {
    client.close();
    server.close();
  }

  /** The seller's clock, which a test moves forward (past a deadline). */
  static final class TestClock extends Clock {
    private volatile Duration ahead = Duration.ZERO;

    void advance(Duration d) {
      ahead = ahead.plus(d);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(ahead);
    }
  }
}
