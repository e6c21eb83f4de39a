package io.zkaudit.protocols;

import static io.zkaudit.proto.v1.AuditProofKind.PER_SAMPLE_PROOFS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.proto.v1.AuditResult;
import io.zkaudit.proto.v1.BuyerAuditState;
import io.zkaudit.proto.v1.Verdict;
import io.zkaudit.protocols.buyer.AuditClient;
import io.zkaudit.protocols.buyer.AuditClient.LabelledInput;
import io.zkaudit.protocols.buyer.BuyerException;
import io.zkaudit.protocols.buyer.RegisteredModel;
import io.zkaudit.protocols.seller.AnswerProver;
import io.zkaudit.protocols.seller.AuditRecord;
import io.zkaudit.protocols.seller.AuditSample;
import io.zkaudit.protocols.seller.AuditService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The accuracy audit over real sockets and a real H2 file, with ResNet-8 on a few CIFAR-10 images.
 */
class AuditProtocolTest {
  @TempDir Path tmp;

  private static AuditRecord.State sellerState(AuditFixture f, String auditId) {
    return f.server.audits().store().audit(auditId).orElseThrow().state();
  }

  @Test
  void theVerifiedAccuracyIsTheEnginesAndBothSignIt() throws Exception {
    List<LabelledInput> set = AuditFixture.cifar(6);
    int expected = AuditFixture.engineCorrect(set);
    var p = AuditFixture.Parties.in(tmp);
    try (AuditFixture f = AuditFixture.start(p, AnswerProver.HONEST)) {
      RegisteredModel m = f.client.buyer().models().get(0);
      BuyerAuditState s = f.client.commit(m, set, 0, null, PER_SAMPLE_PROOFS);
      AtomicInteger seen = new AtomicInteger();
      AuditClient.Outcome o =
          f.client.run(
              s,
              (i, done, total, correct) -> {
                assertEquals(seen.getAndIncrement(), i);
                assertEquals(6, total);
              });
      assertEquals(6, seen.get());
      assertEquals(6, o.samples());
      assertEquals(6, o.verified());
      assertEquals(expected, o.correct());
      assertEquals(0.87, o.terms().getClaimedAccuracy());
      assertEquals(AuditStatements.verdict(expected, 6, 0.87), o.verdict());
      assertTrue(o.countersigned());
      assertTrue(
          PartyKey.verify(
              o.result().getSellerSignature(), AuditStatements.result(o.result().getStatement())));
      assertEquals(p.seller().publicKeyBytes(), o.result().getSellerSignature().getPublicKey());
      assertEquals(AuditRecord.State.SETTLED, sellerState(f, o.auditId()));
      assertEquals(o.result(), f.client.status(o.auditId()).getResult());
      // The buyer's file holds the same result, to show anyone later.
      assertEquals(o.result(), f.client.load(o.auditId()).getResult());

      // Another buyer sees nothing of it.
      try (var stranger =
          new AuditClient(
              "localhost", f.server.port(), PartyKey.generate(), 30, tmp.resolve("x"))) {
        BuyerException e = assertThrows(BuyerException.class, () -> stranger.status(o.auditId()));
        assertEquals(BuyerException.Reason.REFUSED, e.reason());
        assertTrue(e.getMessage().contains("no audit"), e.getMessage());
      }
    }
  }

  @Test
  void anAuditRunsOverTls() throws Exception {
    TestCertificates certs = TestCertificates.localhost(tmp);
    List<LabelledInput> set = AuditFixture.cifar(1);
    try (SellerFixture f =
            SellerFixture.start(
                PartyKey.generate(),
                io.zkaudit.protocols.seller.SellerStore.h2FileUrl(tmp.resolve("seller")),
                AnswerProver.HONEST,
                PartyKey.generate(),
                c -> c,
                io.zkaudit.protocols.seller.SellerServer.Options.NONE.withTls(
                    new io.zkaudit.protocols.seller.SellerServer.Tls(
                        certs.certificate(), certs.privateKey())));
        AuditClient client =
            new AuditClient(
                new io.zkaudit.protocols.buyer.BuyerClient(
                    "localhost", f.server.port(), PartyKey.generate(), 60, certs.certificate()),
                60,
                tmp.resolve("buyer"))) {
      RegisteredModel m = client.buyer().models().get(0);
      AuditClient.Outcome o =
          client.run(client.commit(m, set, 0, null, PER_SAMPLE_PROOFS), AuditClient.Progress.NONE);
      assertEquals(AuditFixture.engineCorrect(set), o.correct());
      assertTrue(o.countersigned());
    }
  }

  private void assertSellerCaught(AnswerProver cheat, String reason) throws Exception {
    var p = AuditFixture.Parties.in(tmp.resolve(reason.replace(' ', '-')));
    try (AuditFixture f = AuditFixture.start(p, cheat)) {
      RegisteredModel m = f.client.buyer().models().get(0);
      AuditClient.Outcome o =
          f.client.run(
              f.client.commit(m, AuditFixture.cifar(2), 0, null, PER_SAMPLE_PROOFS),
              AuditClient.Progress.NONE);
      assertEquals(Verdict.PROOF_FAILED, o.verdict());
      assertTrue(
          o.result().getStatement().getReason().contains(reason),
          o.result().getStatement().getReason());
      assertEquals(0, o.verified());
      assertFalse(o.countersigned());
      // The seller stored the buyer's signed accusation with its reason.
      AuditRecord a = f.server.audits().store().audit(o.auditId()).orElseThrow();
      assertEquals(AuditRecord.State.FAILED, a.state());
      assertEquals(o.result().getStatement().getReason(), a.result().reason());
    }
  }

  @Test
  void aCheatingSellerFailsTheAudit() throws Exception {
    assertSellerCaught(CheatingProvers.PROOF_WITH_TAMPERED_OUTPUT, "invalid proof");
    assertSellerCaught(CheatingProvers.PROVES_ANOTHER_INPUT, "another input");
    assertSellerCaught(CheatingProvers.PROVES_ANOTHER_MODEL, "another model");
  }

  @Test
  void proofsMadeAfterTheDeadlineFailTheAudit() throws Exception {
    var p = AuditFixture.Parties.in(tmp);
    // One minute to reveal, no time to prove: the seller's clock then jumps two minutes ahead.
    var policy = new AuditService.Policy(100, Duration.ofMinutes(1), Duration.ZERO, 5);
    try (AuditFixture f = AuditFixture.start(p, AnswerProver.HONEST, policy)) {
      RegisteredModel m = f.client.buyer().models().get(0);
      BuyerAuditState s = f.client.commit(m, AuditFixture.cifar(1), 0, null, PER_SAMPLE_PROOFS);
      s = f.client.reveal(f.client.open(s, m));
      assertEquals(5, s.getTerms().getStake());
      p.clock().advance(Duration.ofMinutes(2));
      AuditClient.Outcome o = f.client.run(s, AuditClient.Progress.NONE);
      assertEquals(Verdict.PROOF_FAILED, o.verdict());
      assertTrue(
          o.result().getStatement().getReason().contains("after the deadline"),
          o.result().toString());
    }
  }

  @ParameterizedTest
  @EnumSource(SellerDatabase.class)
  void anAuditSurvivesASellerRestartAtEachStep(SellerDatabase kind) throws Exception {
    List<LabelledInput> set = AuditFixture.cifar(3);
    int expected = AuditFixture.engineCorrect(set);
    var p = AuditFixture.Parties.in(tmp, kind);
    for (AuditRecord.State stopAt :
        List.of(
            AuditRecord.State.COMMITTED,
            AuditRecord.State.TERMS_SIGNED,
            AuditRecord.State.REVEALED,
            AuditRecord.State.PROVING)) {
      String id;
      AtomicInteger before = new AtomicInteger();
      try (AuditFixture f = AuditFixture.start(p, CheatingProvers.diesAfter(1, before))) {
        RegisteredModel m = f.client.buyer().models().get(0);
        BuyerAuditState s = f.client.commit(m, set, 0, null, PER_SAMPLE_PROOFS);
        id = s.getCommitment().getAuditId();
        switch (stopAt) {
          case COMMITTED -> f.server.audits().commit(s.getCommitment());
          case TERMS_SIGNED -> f.client.open(s, m);
          case REVEALED -> f.client.reveal(f.client.open(s, m));
          default -> {
            BuyerException e =
                assertThrows(
                    BuyerException.class, () -> f.client.run(s, AuditClient.Progress.NONE));
            assertEquals(BuyerException.Reason.REFUSED, e.reason(), e.getMessage());
            assertEquals(1, f.client.load(id).getVerifiedCount());
          }
        }
        assertEquals(stopAt, sellerState(f, id));
      }
      // A new seller process over the same database, and a buyer that reads its audit back from its
      // file.
      AtomicInteger after = new AtomicInteger();
      try (AuditFixture f = AuditFixture.start(p, CheatingProvers.diesAfter(100, after))) {
        AuditClient.Outcome o = f.client.run(f.client.load(id), AuditClient.Progress.NONE);
        assertEquals(expected, o.correct(), stopAt.name());
        assertEquals(3, o.verified());
        assertTrue(o.countersigned());
        assertEquals(AuditRecord.State.SETTLED, sellerState(f, id));
        // Only the missing samples were proven again.
        assertEquals(3 - before.get(), after.get(), stopAt.name());
        List<AuditSample> stored = f.server.audits().store().outline(id);
        assertTrue(stored.stream().allMatch(AuditSample::proven));
        assertTrue(f.server.audits().store().sample(id, 2).proof().length > 0);
      }
    }
  }

  @Test
  void aRestartedSellerFinishesProvingByItself() throws Exception {
    List<LabelledInput> set = AuditFixture.cifar(3);
    var p = AuditFixture.Parties.in(tmp);
    String id;
    try (AuditFixture f =
        AuditFixture.start(p, CheatingProvers.diesAfter(1, new AtomicInteger()))) {
      RegisteredModel m = f.client.buyer().models().get(0);
      BuyerAuditState s = f.client.commit(m, set, 0, null, PER_SAMPLE_PROOFS);
      id = s.getCommitment().getAuditId();
      assertThrows(BuyerException.class, () -> f.client.run(s, AuditClient.Progress.NONE));
      assertEquals(AuditRecord.State.PROVING, sellerState(f, id));
    }
    AtomicInteger after = new AtomicInteger();
    try (AuditFixture f = AuditFixture.start(p, CheatingProvers.diesAfter(100, after))) {
      f.server.audits().resumeInBackground().join(120_000);
      // Proven with no buyer connected: only the two missing samples.
      assertEquals(AuditRecord.State.PROVEN, sellerState(f, id));
      assertEquals(2, after.get());
      AuditClient.Outcome o = f.client.run(f.client.load(id), AuditClient.Progress.NONE);
      assertEquals(AuditFixture.engineCorrect(set), o.correct());
      assertEquals(2, after.get());
    }
  }

  @Test
  void aBuyerCannotClaimAnotherAccuracyThanTheVerifiedOne() throws Exception {
    var p = AuditFixture.Parties.in(tmp);
    try (AuditFixture f = AuditFixture.start(p, AnswerProver.HONEST)) {
      RegisteredModel m = f.client.buyer().models().get(0);
      BuyerAuditState s = f.client.commit(m, AuditFixture.cifar(2), 0, null, PER_SAMPLE_PROOFS);
      s = f.client.reveal(f.client.open(s, m));
      BuyerAuditState proven = f.client.proveAndVerify(s, m, AuditClient.Progress.NONE);
      AuditResult honest = proven.getResult();
      var st = honest.getStatement();
      // One fewer correct (to avoid paying), or a failure claimed although every proof verified.
      var fewer = st.toBuilder().setCorrect((st.getCorrect() + 1) % 3).build();
      var failed =
          st.toBuilder()
              .setVerdict(
                  Verdict.BELOW_CLAIM == st.getVerdict() ? Verdict.PASSED : Verdict.BELOW_CLAIM)
              .build();
      // Or a false accusation: every proof verified.
      var accusation =
          st.toBuilder()
              .setVerdict(Verdict.PROOF_FAILED)
              .setReason("sample 1: invalid proof")
              .build();
      var ch =
          io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress(
                  "localhost", f.server.port())
              .usePlaintext()
              .build();
      try {
        var stub = io.zkaudit.proto.v1.AccuracyAuditGrpc.newBlockingStub(ch);
        for (var lie : List.of(fewer, failed, accusation)) {
          AuditResult signed =
              AuditResult.newBuilder()
                  .setStatement(lie)
                  .setBuyerSignature(p.buyer().sign(AuditStatements.result(lie)))
                  .build();
          var e = assertThrows(io.grpc.StatusRuntimeException.class, () -> stub.settle(signed));
          assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
          assertTrue(
              e.getStatus()
                  .getDescription()
                  .startsWith(lie == fewer ? "statement.correct" : "statement.verdict"),
              e.getStatus().getDescription());
        }
      } finally {
        ch.shutdownNow();
      }
      assertEquals(AuditRecord.State.PROVEN, sellerState(f, st.getAuditId()));
      BuyerAuditState settled = f.client.settle(proven);
      assertTrue(settled.getResult().hasSellerSignature());
      assertEquals(AuditRecord.State.SETTLED, sellerState(f, st.getAuditId()));
    }
  }
}
