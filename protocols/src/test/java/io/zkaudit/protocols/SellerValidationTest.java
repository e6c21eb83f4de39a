package io.zkaudit.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.zkaudit.proto.v1.ContestRequest;
import io.zkaudit.proto.v1.GetModelRequest;
import io.zkaudit.proto.v1.ModelRegistryGrpc;
import io.zkaudit.proto.v1.PredictRequest;
import io.zkaudit.proto.v1.PredictionGrpc;
import io.zkaudit.proto.v1.RegisterModelRequest;
import io.zkaudit.proto.v1.SignedAnswer;
import io.zkaudit.protocols.seller.AnswerProver;
import io.zkaudit.protocols.seller.SellerStore;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The seller refuses malformed, oversized, unauthorised and replayed requests, with a clear status.
 */
class SellerValidationTest {
  @TempDir Path tmp;

  private static ManagedChannel channel(int port) {
    return NettyChannelBuilder.forAddress("localhost", port).usePlaintext().build();
  }

  private static void assertRefused(Status.Code code, String contains, Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(
        String.valueOf(e.getStatus().getDescription()).contains(contains),
        e.getStatus().toString());
  }

  /** A fresh, signed copy: new nonce, current time, the buyer's signature over it. */
  static PredictRequest signed(PredictRequest.Builder b, PartyKey buyer) {
    b.setRequestedAtMillis(System.currentTimeMillis())
        .setNonce(java.util.UUID.randomUUID().toString());
    return b.setBuyerSignature(buyer.sign(Statements.predict(b.build()))).build();
  }

  @ParameterizedTest
  @EnumSource(SellerDatabase.class)
  void predictRequestsMustBeSignedByTheBuyerAndAreSingleUse(SellerDatabase kind) throws Exception {
    try (SellerFixture f =
        SellerFixture.start(
            PartyKey.generate(),
            kind.newUrl(tmp, "seller"),
            AnswerProver.HONEST,
            PartyKey.generate(),
            c -> c)) {
      ManagedChannel ch = channel(f.server.port());
      try {
        var prediction = PredictionGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS);
        PartyKey buyer = PartyKey.generate();
        PredictRequest.Builder base =
            PredictRequest.newBuilder()
                .setModelId(ByteString.copyFrom(Resnet8.model().vk().digest().bytes()))
                .setBuyer(buyer.publicKeyBytes())
                .addAllInput(Tensors.toList(Resnet8.input(30)));
        PredictRequest good = signed(base.clone(), buyer);

        assertRefused(
            Status.Code.PERMISSION_DENIED,
            "must be signed",
            () -> prediction.predictSigned(good.toBuilder().clearBuyerSignature().build()));
        // Someone else asking in the buyer's name.
        PredictRequest.Builder impostor = good.toBuilder();
        impostor.setBuyerSignature(PartyKey.generate().sign(Statements.predict(impostor.build())));
        assertRefused(
            Status.Code.PERMISSION_DENIED,
            "another key",
            () -> prediction.predictSigned(impostor.build()));
        // The buyer's signature on another input.
        assertRefused(
            Status.Code.PERMISSION_DENIED,
            "not over this request",
            () ->
                prediction.predictSigned(
                    good.toBuilder().setInput(0, good.getInput(0) == 0 ? 1 : 0).build()));
        PredictRequest.Builder stale =
            base.clone()
                .setRequestedAtMillis(System.currentTimeMillis() - 3_600_000)
                .setNonce("an-old-request-0001");
        assertRefused(
            Status.Code.INVALID_ARGUMENT,
            "requested_at_millis",
            () ->
                prediction.predictSigned(
                    stale
                        .setBuyerSignature(buyer.sign(Statements.predict(stale.build())))
                        .build()));
        PredictRequest.Builder shortNonce =
            base.clone().setRequestedAtMillis(System.currentTimeMillis()).setNonce("1");
        assertRefused(
            Status.Code.INVALID_ARGUMENT,
            "nonce",
            () ->
                prediction.predictSigned(
                    shortNonce
                        .setBuyerSignature(buyer.sign(Statements.predict(shortNonce.build())))
                        .build()));

        SignedAnswer a = prediction.predictSigned(good);
        assertEquals(buyer.publicKeyBytes(), a.getStatement().getBuyer());
        // The same signed request again: a replay, refused (also after a restart: nonces are in
        // H2).
        assertRefused(
            Status.Code.PERMISSION_DENIED, "replayed", () -> prediction.predictSigned(good));
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void malformedRequestsAreRefusedWithTheFieldNamed() throws Exception {
    try (SellerFixture f =
        SellerFixture.start(
            PartyKey.generate(),
            SellerStore.h2FileUrl(tmp.resolve("s")),
            AnswerProver.HONEST,
            PartyKey.generate(),
            SellerFixture.maxRequestBytes(64 << 10))) {
      ManagedChannel ch = channel(f.server.port());
      try {
        var prediction = PredictionGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS);
        var registry =
            ModelRegistryGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS);
        ByteString model = ByteString.copyFrom(Resnet8.model().vk().digest().bytes());
        PartyKey buyerKey = PartyKey.generate();
        ByteString buyer = buyerKey.publicKeyBytes();
        int[] x = Resnet8.input(20);
        PredictRequest good =
            signed(
                PredictRequest.newBuilder()
                    .setModelId(model)
                    .setBuyer(buyer)
                    .addAllInput(Tensors.toList(x)),
                buyerKey);

        assertRefused(
            Status.Code.NOT_FOUND,
            "model_id",
            () ->
                registry.get(
                    GetModelRequest.newBuilder()
                        .setModelId(ByteString.copyFrom(new byte[32]))
                        .build()));
        assertRefused(
            Status.Code.INVALID_ARGUMENT,
            "model_id",
            () -> registry.get(GetModelRequest.getDefaultInstance()));
        assertRefused(
            Status.Code.INVALID_ARGUMENT,
            "input",
            () ->
                prediction.predictSigned(
                    signed(good.toBuilder().clearInput().addInput(1), buyerKey)));
        assertRefused(
            Status.Code.INVALID_ARGUMENT,
            "input[3]",
            () -> prediction.predictSigned(signed(good.toBuilder().setInput(3, 1000), buyerKey)));
        assertRefused(
            Status.Code.INVALID_ARGUMENT,
            "buyer",
            () ->
                prediction.predictSigned(
                    good.toBuilder().setBuyer(ByteString.copyFrom(new byte[33])).build()));
        // 40,000 sint32 values of 4 bytes each: over the 64 KiB limit, refused before it is parsed.
        PredictRequest.Builder big = good.toBuilder();
        for (int i = 0; i < 40_000; i++) big.addInput(-10_000_000);
        assertRefused(
            Status.Code.RESOURCE_EXHAUSTED, "", () -> prediction.predictSigned(big.build()));

        // Registering is for the seller alone.
        PartyKey other = PartyKey.generate();
        RegisterModelRequest.Builder reg =
            RegisterModelRequest.newBuilder()
                .setName("mine")
                // The key without its range proof: a certified key (~370 KB) is above the request
                // limit, and
                // this is about who may register.
                .setVerifyingKey(
                    ByteString.copyFrom(
                        new io.zkaudit.inference.VerifyingKey(
                                Resnet8.model().vk().description(), Resnet8.model().vk().weights())
                            .encode()));
        assertRefused(
            Status.Code.PERMISSION_DENIED,
            "only this seller",
            () ->
                registry.register(
                    reg.setSellerSignature(other.sign(Statements.register(reg.build()))).build()));
        // The seller's own registration with an input normalization that does not fit the model's
        // three input channels (issue 18): refused with the field named, before anything else.
        RegisterModelRequest.Builder misfit =
            reg.clone()
                .setInputNormalization(
                    ServedNormalization.toProto(
                        new io.zkaudit.data.InputNormalization.MeanStd(
                            new double[] {0.5, 0.5}, new double[] {0.25, 0.25})));
        assertRefused(
            Status.Code.INVALID_ARGUMENT,
            "input_normalization: input mean/std give 2 channels, the model's input has 3",
            () ->
                registry.register(
                    misfit
                        .setSellerSignature(f.sellerKey.sign(Statements.register(misfit.build())))
                        .build()));

        // A contest: unsigned, then replayed.
        SignedAnswer a = prediction.predictSigned(good);
        PartyKey wrong = PartyKey.generate();
        ContestRequest.Builder c =
            ContestRequest.newBuilder()
                .setContestId("c1")
                .addAnswerIds(a.getStatement().getAnswerId())
                .setRequestedAtMillis(System.currentTimeMillis());
        assertRefused(
            Status.Code.PERMISSION_DENIED, "buyer_signature", () -> prediction.contest(c.build()));
        ContestRequest signedByOther =
            c.setBuyerSignature(wrong.sign(Statements.contest(c.build()))).build();
        assertRefused(Status.Code.NOT_FOUND, "no answer", () -> prediction.contest(signedByOther));
        ContestRequest stale =
            c.setRequestedAtMillis(System.currentTimeMillis() - 3_600_000)
                .setBuyerSignature(
                    wrong.sign(
                        Statements.contest(
                            c.setRequestedAtMillis(System.currentTimeMillis() - 3_600_000)
                                .build())))
                .build();
        assertRefused(
            Status.Code.INVALID_ARGUMENT, "requested_at_millis", () -> prediction.contest(stale));
        // Long.MIN_VALUE + now: now minus it overflows, and Math.abs of the wrapped difference
        // passed as fresh.
        long wrapping = Long.MIN_VALUE + System.currentTimeMillis();
        ContestRequest.Builder w = c.clone().setContestId("c2").setRequestedAtMillis(wrapping);
        assertRefused(
            Status.Code.INVALID_ARGUMENT,
            "requested_at_millis",
            () ->
                prediction.contest(
                    w.setBuyerSignature(
                            buyerKey.sign(Statements.contest(w.clearBuyerSignature().build())))
                        .build()));
        PredictRequest.Builder wp =
            good.toBuilder().setRequestedAtMillis(wrapping).setNonce("wrapping-time-0001");
        assertRefused(
            Status.Code.INVALID_ARGUMENT,
            "requested_at_millis",
            () ->
                prediction.predictSigned(
                    wp.setBuyerSignature(
                            buyerKey.sign(Statements.predict(wp.clearBuyerSignature().build())))
                        .build()));
        // An answer id of any length is refused by its form, and not echoed back.
        String junk = "x".repeat(10_000);
        ContestRequest.Builder j =
            c.clone()
                .setContestId("c3")
                .setAnswerIds(0, junk)
                .setRequestedAtMillis(System.currentTimeMillis());
        StatusRuntimeException refused =
            assertThrows(
                StatusRuntimeException.class,
                () ->
                    prediction.contest(
                        j.setBuyerSignature(
                                buyerKey.sign(Statements.contest(j.clearBuyerSignature().build())))
                            .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
        assertTrue(
            refused.getStatus().getDescription().length() < 200,
            refused.getStatus().getDescription());
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  /** A marshaller that sends bytes as they are: a request no protobuf parser accepts. */
  private static final io.grpc.MethodDescriptor.Marshaller<byte[]> RAW =
      new io.grpc.MethodDescriptor.Marshaller<>() {
        @Override
        public java.io.InputStream stream(byte[] value) {
          return new java.io.ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(java.io.InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      };

  @Test
  void malformedMessagesAreRefusedWithoutAStackTraceEach() throws Exception {
    var logged = new java.util.concurrent.atomic.AtomicLong();
    java.util.logging.Handler capture =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord r) {
            StringBuilder b = new StringBuilder(String.valueOf(r.getMessage()));
            for (Throwable t = r.getThrown(); t != null; t = t.getCause()) {
              for (StackTraceElement e : t.getStackTrace()) {
                b.append(e).append('\n');
              }
            }
            logged.addAndGet(b.length());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    root.addHandler(capture);
    try (SellerFixture f = SellerFixture.start(tmp, AnswerProver.HONEST)) {
      ManagedChannel ch = channel(f.server.port());
      try {
        var method =
            io.grpc.MethodDescriptor.newBuilder(RAW, RAW)
                .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(PredictionGrpc.getPredictSignedMethod().getFullMethodName())
                .build();
        java.util.Random random = new java.util.Random(20);
        int calls = 40;
        for (int i = 0; i < calls; i++) {
          byte[] junk = new byte[64];
          random.nextBytes(junk);
          junk[0] = (byte) 0xff; // an invalid field tag: never a valid protobuf message
          StatusRuntimeException e =
              assertThrows(
                  StatusRuntimeException.class,
                  () ->
                      io.grpc.stub.ClientCalls.blockingUnaryCall(
                          ch,
                          method,
                          io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                          junk));
          assertTrue(
              e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT
                  || e.getStatus().getCode() == Status.Code.INTERNAL,
              e.getStatus().toString());
        }
        // Today: a 2.4 KB stack trace per call (4.75 MB of log in 7.7 s under a flood).
        assertTrue(
            logged.get() < calls * 200L,
            "logged " + logged.get() + " characters for " + calls + " malformed calls");
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      root.removeHandler(capture);
    }
  }
}
