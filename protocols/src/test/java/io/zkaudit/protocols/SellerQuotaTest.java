package io.zkaudit.protocols;

import static io.zkaudit.proto.v1.AuditProofKind.PER_SAMPLE_PROOFS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.zkaudit.proto.v1.ContestRequest;
import io.zkaudit.proto.v1.PredictRequest;
import io.zkaudit.proto.v1.PredictionGrpc;
import io.zkaudit.protocols.buyer.AuditClient;
import io.zkaudit.protocols.buyer.BuyerException;
import io.zkaudit.protocols.buyer.RegisteredModel;
import io.zkaudit.protocols.seller.AdmissionLimits;
import io.zkaudit.protocols.seller.AnswerProver;
import io.zkaudit.protocols.seller.AuditService;
import io.zkaudit.protocols.seller.SellerConfig;
import io.zkaudit.protocols.seller.SellerServer;
import io.zkaudit.protocols.seller.SellerStore;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-buyer-key quotas and the caps on work a buyer can demand for free: charged only once the
 * buyer's signature verified, answered RESOURCE_EXHAUSTED (or INVALID_ARGUMENT for a cap) with what
 * to do.
 */
class SellerQuotaTest {
  @TempDir Path tmp;

  private static SellerServer.Options limits(AdmissionLimits l) {
    return SellerServer.Options.NONE.withAdmission(l);
  }

  private static void assertRefused(Status.Code code, String contains, Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(
        String.valueOf(e.getStatus().getDescription()).contains(contains),
        e.getStatus().toString());
  }

  @Test
  void aBuyerKeyOverItsRateIsRefusedAndNobodyElseCanSpendItsQuota() throws Exception {
    PartyKey buyer = PartyKey.generate();
    try (SellerFixture f =
        SellerFixture.start(
            PartyKey.generate(),
            SellerStore.h2FileUrl(tmp.resolve("s")),
            AnswerProver.HONEST,
            buyer,
            c -> c,
            limits(AdmissionLimits.defaults().withRates(60, 3)))) {
      ManagedChannel ch =
          NettyChannelBuilder.forAddress("localhost", f.server.port()).usePlaintext().build();
      try {
        var stub = PredictionGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS);
        RegisteredModel m = f.buyer.models().get(0);
        // Requests in the buyer's name signed by someone else: refused, and the buyer's quota
        // untouched.
        PartyKey impostor = PartyKey.generate();
        for (int i = 0; i < 5; i++) {
          PredictRequest.Builder b =
              PredictRequest.newBuilder()
                  .setModelId(m.id())
                  .setBuyer(buyer.publicKeyBytes())
                  .addAllInput(Tensors.toList(Resnet8.input(i)))
                  .setRequestedAtMillis(System.currentTimeMillis())
                  .setNonce(UUID.randomUUID().toString());
          PredictRequest forged =
              b.setBuyerSignature(impostor.sign(Statements.predict(b.build()))).build();
          assertRefused(
              Status.Code.PERMISSION_DENIED, "buyer_signature", () -> stub.predictSigned(forged));
        }
        for (int i = 0; i < 3; i++) {
          f.buyer.predictSigned(m, Resnet8.input(i));
        }
        BuyerException over =
            assertThrows(BuyerException.class, () -> f.buyer.predictSigned(m, Resnet8.input(9)));
        assertTrue(
            over.getMessage().contains("60 requests a minute")
                && over.getMessage().contains("retry in"),
            over.getMessage());
        // Another buyer key has its own quota.
        try (var other =
            new io.zkaudit.protocols.buyer.BuyerClient(
                "localhost", f.server.port(), PartyKey.generate(), 60)) {
          other.predictSigned(other.models().get(0), Resnet8.input(1));
        }
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aContestOfMoreThan400AnswersIsRefused() throws Exception {
    PartyKey buyer = PartyKey.generate();
    try (SellerFixture f =
        SellerFixture.start(
            PartyKey.generate(),
            SellerStore.h2FileUrl(tmp.resolve("s")),
            AnswerProver.HONEST,
            buyer,
            c -> c)) {
      ManagedChannel ch =
          NettyChannelBuilder.forAddress("localhost", f.server.port()).usePlaintext().build();
      try {
        ContestRequest.Builder c =
            ContestRequest.newBuilder()
                .setContestId("big")
                .setRequestedAtMillis(System.currentTimeMillis());
        for (int i = 0; i < 401; i++) {
          c.addAnswerIds(UUID.randomUUID().toString());
        }
        ContestRequest signed =
            c.setBuyerSignature(buyer.sign(Statements.contest(c.build()))).build();
        assertRefused(
            Status.Code.INVALID_ARGUMENT,
            "answer_ids: 1 to 400",
            () ->
                PredictionGrpc.newBlockingStub(ch)
                    .withDeadlineAfter(60, TimeUnit.SECONDS)
                    .contest(signed));
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void anAuditBeyondTheBuyersDailySamplesIsRefusedBeforeAnythingIsStored() throws Exception {
    PartyKey buyer = PartyKey.generate();
    try (SellerServer server =
        SellerServer.start(
            PartyKey.generate(),
            SellerConfig.defaults(SellerStore.h2FileUrl(tmp.resolve("s")), 0),
            AnswerProver.HONEST,
            limits(AdmissionLimits.defaults().withAuditSamplesPerDay(3)),
            AuditService.Policy.defaults())) {
      server.seller().serve(Resnet8.model(), "resnet8-cifar10", SellerFixture.METRICS);
      AuditClient client =
          new AuditClient("localhost", server.port(), buyer, 60, tmp.resolve("buyer"));
      try {
        RegisteredModel m = client.buyer().models().get(0);
        var samples = AuditFixture.cifar(4);
        // Four samples: more than the three a day this buyer key may put under audit.
        var big = client.commit(m, samples, 0, null, PER_SAMPLE_PROOFS);
        BuyerException e = assertThrows(BuyerException.class, () -> client.open(big, m));
        assertTrue(e.getMessage().contains("sample_count"), e.getMessage());
        assertTrue(server.audits().store().audit(big.getCommitment().getAuditId()).isEmpty());
        // Two, then two more: the second audit is over the day's three.
        client.open(client.commit(m, samples.subList(0, 2), 0, null, PER_SAMPLE_PROOFS), m);
        var second = client.commit(m, samples.subList(2, 4), 0, null, PER_SAMPLE_PROOFS);
        BuyerException again = assertThrows(BuyerException.class, () -> client.open(second, m));
        assertTrue(again.getMessage().contains("audit samples a day"), again.getMessage());
      } finally {
        client.close();
      }
    }
  }
}
