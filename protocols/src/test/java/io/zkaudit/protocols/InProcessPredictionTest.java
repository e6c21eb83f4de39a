package io.zkaudit.protocols;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.proto.v1.PredictRequest;
import io.zkaudit.proto.v1.PredictionGrpc;
import io.zkaudit.protocols.buyer.BuyerClient;
import io.zkaudit.protocols.buyer.RegisteredModel;
import io.zkaudit.protocols.buyer.VerifiedAnswer;
import io.zkaudit.protocols.seller.AdmissionLimits;
import io.zkaudit.protocols.seller.AnswerProver;
import io.zkaudit.protocols.seller.AuditService;
import io.zkaudit.protocols.seller.SellerConfig;
import io.zkaudit.protocols.seller.SellerServer;
import io.zkaudit.protocols.seller.SellerStore;
import io.zkaudit.protocols.seller.StoredAnswer;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real seller (its services, call guard and a real H2 file) and the real buyer client over
 * gRPC's in-process transport instead of a socket: the same round trip as {@link
 * PredictionProtocolTest}, and a domain refusal reaching the client as its status.
 */
class InProcessPredictionTest {
  @TempDir Path tmp;

  private static SellerServer inProcess(String name, Path dir, AdmissionLimits limits) {
    SellerConfig config = SellerConfig.defaults(SellerStore.h2FileUrl(dir.resolve("seller")), 0);
    return SellerServer.start(
        InProcessServerBuilder.forName(name),
        PartyKey.generate(),
        config,
        AnswerProver.HONEST,
        SellerServer.Options.NONE.withAdmission(limits),
        AuditService.Policy.defaults());
  }

  @Test
  void aPredictRoundTripIsProvenVerifiedAndStored() throws Exception {
    String name = "seller-" + UUID.randomUUID();
    try (SellerServer server = inProcess(name, tmp, AdmissionLimits.defaults())) {
      server.seller().serve(Resnet8.model(), "resnet8-cifar10", SellerFixture.METRICS);
      try (BuyerClient buyer =
          new BuyerClient(
              InProcessChannelBuilder.forName(name).build(), name, PartyKey.generate(), 120)) {
        RegisteredModel m = buyer.models().get(0);
        assertArrayEquals(Resnet8.model().vk().digest().bytes(), m.id().toByteArray());
        assertEquals(server.seller().key().publicKeyBytes(), m.sellerKey());

        int[] x = Resnet8.input(5);
        VerifiedAnswer a = buyer.predict(m, x);
        var model = Resnet8.model();
        int[] expected =
            new IntegerEngine(model.model()).trace(x).tensor(model.circuit().outputTensor());
        assertArrayEquals(expected, a.output());
        StoredAnswer stored = server.seller().store().answer(a.id()).orElseThrow();
        assertArrayEquals(x, stored.input());
        assertArrayEquals(a.proof(), stored.proof());
      }
    }
  }

  @Test
  void aBuyerOverItsRateGetsResourceExhaustedWithTheSellersMessage() throws Exception {
    String name = "seller-" + UUID.randomUUID();
    PartyKey buyerKey = PartyKey.generate();
    try (SellerServer server = inProcess(name, tmp, AdmissionLimits.defaults().withRates(60, 2))) {
      server.seller().serve(Resnet8.model(), "resnet8-cifar10", SellerFixture.METRICS);
      ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
      try {
        var stub = PredictionGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        var modelId =
            com.google.protobuf.ByteString.copyFrom(Resnet8.model().vk().digest().bytes());
        for (int i = 0; i < 3; i++) {
          PredictRequest.Builder b =
              PredictRequest.newBuilder()
                  .setModelId(modelId)
                  .setBuyer(buyerKey.publicKeyBytes())
                  .addAllInput(Tensors.toList(Resnet8.input(i)))
                  .setRequestedAtMillis(System.currentTimeMillis())
                  .setNonce(UUID.randomUUID().toString());
          PredictRequest signed =
              b.setBuyerSignature(buyerKey.sign(Statements.predict(b.build()))).build();
          if (i < 2) {
            assertEquals(modelId, stub.predictSigned(signed).getStatement().getModelId());
            continue;
          }
          StatusRuntimeException e =
              assertThrows(StatusRuntimeException.class, () -> stub.predictSigned(signed));
          assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e.toString());
          String message = String.valueOf(e.getStatus().getDescription());
          assertTrue(
              message.contains("60 requests a minute") && message.contains("retry in"), message);
        }
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }
}
