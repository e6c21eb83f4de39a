package io.zkaudit.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.zkaudit.proto.v1.PredictRequest;
import io.zkaudit.proto.v1.PredictionGrpc;
import io.zkaudit.proto.v1.SignedAnswer;
import io.zkaudit.protocols.seller.SellerStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * kill -9 of a real seller process under write load, again and again: every answer it acknowledged
 * is in its database after the kill (H2, and a real PostgreSQL server), and every nonce it accepted
 * stays used (a replay is refused). Before every write was checkpointed (H2Durability), about the
 * last second of acknowledged writes was lost: H2 runs here with its default WRITE_DELAY of 500 ms,
 * so this test fails without the checkpoint.
 */
class SellerCrashTest {
  @TempDir Path tmp;

  /** A request the seller acknowledged with an answer. */
  private record Acknowledged(PartyKey buyer, PredictRequest request, SignedAnswer answer) {}

  private static PredictRequest signed(ByteString model, PartyKey buyer, int[] input) {
    PredictRequest.Builder b =
        PredictRequest.newBuilder()
            .setModelId(model)
            .setBuyer(buyer.publicKeyBytes())
            .addAllInput(Tensors.toList(input))
            .setRequestedAtMillis(System.currentTimeMillis())
            .setNonce(java.util.UUID.randomUUID().toString());
    return b.setBuyerSignature(buyer.sign(Statements.predict(b.build()))).build();
  }

  @ParameterizedTest
  @EnumSource(SellerDatabase.class)
  void killedUnderLoadTheSellerLosesNoAcknowledgedAnswerOrNonce(SellerDatabase kind)
      throws Exception {
    String url = kind.newUrl(tmp.resolve("state"), "seller");
    List<String> args =
        List.of(
            "--model",
            SellerProcess.model().toString(),
            "--port",
            "0",
            "--db",
            url,
            "--key",
            tmp.resolve("seller.key").toString(),
            "--requests-per-minute",
            "1000000",
            "--request-burst",
            "1000000",
            "--answers-per-hour",
            "1000000");
    int[] input = Resnet8.input(7);
    List<PartyKey> buyers = List.of(PartyKey.generate(), PartyKey.generate(), PartyKey.generate());
    List<Acknowledged> all = new ArrayList<>();
    int loops = 3;
    for (int loop = 0; loop < loops; loop++) {
      ConcurrentLinkedQueue<Acknowledged> acked = new ConcurrentLinkedQueue<>();
      try (SellerProcess seller = SellerProcess.start(tmp, args)) {
        ManagedChannel ch =
            NettyChannelBuilder.forAddress("localhost", seller.port).usePlaintext().build();
        // The model as this seller registered it (its id depends on the seller's hiding key).
        ByteString model =
            io.zkaudit.proto.v1.ModelRegistryGrpc.newBlockingStub(ch)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .list(io.zkaudit.proto.v1.ListModelsRequest.getDefaultInstance())
                .getModels(0)
                .getModelId();
        ConcurrentLinkedQueue<String> refusals = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 6; w++) {
          PartyKey buyer = buyers.get(w % buyers.size());
          writers.add(
              Thread.ofPlatform()
                  .start(
                      () -> {
                        var stub = PredictionGrpc.newBlockingStub(ch);
                        while (!stop.get()) {
                          PredictRequest r = signed(model, buyer, input);
                          try {
                            SignedAnswer a =
                                stub.withDeadlineAfter(10, TimeUnit.SECONDS).predictSigned(r);
                            acked.add(new Acknowledged(buyer, r, a));
                          } catch (StatusRuntimeException cut) {
                            // Not acknowledged (the kill cut it): nothing to check.
                            if (cut.getStatus().getCode() == Status.Code.UNAVAILABLE) {
                              return;
                            }
                            refusals.add(cut.getStatus().toString());
                          }
                        }
                      }));
        }
        // Load long enough for H2's old 500 ms write delay to matter, then SIGKILL mid-write.
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2_500);
        while (System.nanoTime() < until && acked.size() < 400) {
          Thread.sleep(50);
        }
        seller.kill();
        stop.set(true);
        for (Thread t : writers) {
          t.join(15_000);
        }
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        assertTrue(
            acked.size() >= 10,
            "too little load to test: "
                + acked.size()
                + " answers; refusals "
                + refusals.stream().limit(3).toList()
                + "\n"
                + String.join("\n", seller.output));
      }
      // The killed seller's files, read as they are (this also checks them: SellerStore refuses
      // lost state).
      int lostAnswers = 0;
      int forgottenNonces = 0;
      try (SellerStore store = SellerStore.open(url)) {
        for (Acknowledged a : acked) {
          if (store.answer(a.answer().getStatement().getAnswerId()).isEmpty()) {
            lostAnswers++;
          }
          if (store.useNonce(
              a.buyer().publicKey(),
              a.request().getNonce(),
              a.request().getRequestedAtMillis(),
              0)) {
            forgottenNonces++;
          }
        }
      }
      assertEquals(
          0, lostAnswers, "loop " + loop + ": acknowledged answers lost, of " + acked.size());
      assertEquals(
          0, forgottenNonces, "loop " + loop + ": accepted nonces forgotten, of " + acked.size());
      System.out.printf(
          "SellerCrashTest: %s: loop %d: %d acknowledged answers, 0 lost, 0 nonces forgotten%n",
          kind, loop, acked.size());
      all.addAll(acked);
    }
    // Started again after the last kill: the seller refuses every replay of an acknowledged
    // request.
    try (SellerProcess seller = SellerProcess.start(tmp, args)) {
      ManagedChannel ch =
          NettyChannelBuilder.forAddress("localhost", seller.port).usePlaintext().build();
      try {
        var stub = PredictionGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS);
        for (Acknowledged a : all.subList(all.size() - 5, all.size())) {
          StatusRuntimeException e =
              org.junit.jupiter.api.Assertions.assertThrows(
                  StatusRuntimeException.class, () -> stub.predictSigned(a.request()));
          assertEquals(
              Status.Code.PERMISSION_DENIED, e.getStatus().getCode(), e.getStatus().toString());
        }
        assertFalse(
            seller.output.stream().anyMatch(l -> l.contains("Exception")),
            String.join("\n", seller.output));
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }
}
