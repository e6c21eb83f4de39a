package io.zkaudit.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.proto.v1.ContestRequest;
import io.zkaudit.proto.v1.ContestResponse;
import io.zkaudit.proto.v1.PredictRequest;
import io.zkaudit.proto.v1.PredictionGrpc;
import io.zkaudit.proto.v1.SignedAnswer;
import io.zkaudit.protocols.buyer.RegisteredModel;
import io.zkaudit.protocols.seller.AdmissionLimits;
import io.zkaudit.protocols.seller.AnswerProver;
import io.zkaudit.protocols.seller.ContestRecord;
import io.zkaudit.protocols.seller.SellerConfig;
import io.zkaudit.protocols.seller.SellerServer;
import io.zkaudit.protocols.seller.SellerStore;
import io.zkaudit.prover.inference.CommittedModel;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood on loopback against a seller with an open contest (issue 20): predict requests whose
 * clients give up after 2 s, from several keys, while an honest buyer contests and asks. The
 * contest is proven before its deadline, honest requests are answered in bounded time, the flooder
 * gets RESOURCE_EXHAUSTED, and abandoned requests are not proven.
 */
class SellerFloodTest {
  @TempDir Path tmp;

  /** The honest prover, counting the proofs it makes. */
  private static AnswerProver counting(AtomicInteger proofs) {
    return new AnswerProver() {
      @Override
      public int[] output(CommittedModel model, int[] input) {
        return AnswerProver.HONEST.output(model, input);
      }

      @Override
      public ModelProof prove(CommittedModel model, int[] input) {
        proofs.incrementAndGet();
        return AnswerProver.HONEST.prove(model, input);
      }
    };
  }

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

  @Test
  void anAbandonedFloodNeitherDelaysAContestNorHonestBuyers() throws Exception {
    AtomicInteger proofs = new AtomicInteger();
    Duration window = Duration.ofSeconds(150);
    PartyKey honestKey = PartyKey.generate();
    try (SellerFixture f =
        SellerFixture.start(
            PartyKey.generate(),
            SellerStore.h2FileUrl(tmp.resolve("s")),
            counting(proofs),
            honestKey,
            SellerFixture.contestWindow(window))) {
      RegisteredModel m = f.buyer.models().get(0);
      ByteString model = m.entry().getModelId();
      List<SignedAnswer> held =
          List.of(
              f.buyer.predictSigned(m, Resnet8.input(1)),
              f.buyer.predictSigned(m, Resnet8.input(2)));
      ManagedChannel ch =
          NettyChannelBuilder.forAddress("localhost", f.server.port()).usePlaintext().build();
      try {
        // The flood: 60 proof requests from 6 keys, each abandoned after 2 s.
        int flood = 60;
        List<PartyKey> flooders = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
          flooders.add(PartyKey.generate());
        }
        List<ListenableFuture<?>> floodCalls = new ArrayList<>();
        for (int i = 0; i < flood; i++) {
          floodCalls.add(
              PredictionGrpc.newFutureStub(ch)
                  .withDeadlineAfter(2, TimeUnit.SECONDS)
                  .predict(
                      signed(model, flooders.get(i % flooders.size()), Resnet8.input(100 + i))));
        }
        Thread.sleep(200);
        // The contest, sent into the flood: its proofs go first. Built here, signed by the buyer's
        // key.
        ContestRequest.Builder cb =
            ContestRequest.newBuilder()
                .setContestId("flood-contest")
                .setRequestedAtMillis(System.currentTimeMillis());
        held.forEach(a -> cb.addAnswerIds(a.getStatement().getAnswerId()));
        ContestRequest contest =
            cb.setBuyerSignature(honestKey.sign(Statements.contest(cb.build()))).build();
        long contestSent = System.nanoTime();
        ContestResponse proven =
            PredictionGrpc.newBlockingStub(ch)
                .withDeadlineAfter(240, TimeUnit.SECONDS)
                .contest(contest);
        double contestSeconds = (System.nanoTime() - contestSent) / 1e9;
        assertTrue(proven.getProvenAtMillis() <= proven.getDeadlineMillis(), proven.toString());
        assertEquals(
            ContestRecord.Status.PROVEN,
            f.server.seller().store().contest(contest.getContestId()).orElseThrow().status());

        int exhausted = 0;
        int cut = 0;
        for (ListenableFuture<?> call : floodCalls) {
          try {
            call.get(30, TimeUnit.SECONDS);
          } catch (ExecutionException e) {
            Status.Code code = ((StatusRuntimeException) e.getCause()).getStatus().getCode();
            if (code == Status.Code.RESOURCE_EXHAUSTED) {
              exhausted++;
            } else if (code == Status.Code.DEADLINE_EXCEEDED) {
              cut++;
            }
          }
        }
        assertTrue(exhausted > 0, "the flooder was never told RESOURCE_EXHAUSTED");
        assertTrue(
            exhausted + cut >= flood - 4,
            exhausted + " refused and " + cut + " abandoned of " + flood);

        // Honest requests after the flood: answered in bounded time.
        long worst = 0;
        for (int i = 0; i < 3; i++) {
          long t0 = System.nanoTime();
          f.buyer.predict(m, Resnet8.input(10 + i));
          worst = Math.max(worst, System.nanoTime() - t0);
        }
        assertTrue(
            worst < TimeUnit.SECONDS.toNanos(60), "an honest predict took " + worst / 1e9 + " s");
        // Abandoned requests were dropped, not proven: the queue held at most 16 and dropped them
        // at 2 s.
        int made = proofs.get();
        assertTrue(
            made <= 2 + 3 + 8,
            made
                + " proofs made for 2 contested answers, 3 honest requests and a flood of "
                + flood
                + " abandoned ones");
        System.out.printf(
            "SellerFloodTest: contest proven in %.1f s (window %d s), %d of %d flood calls"
                + " RESOURCE_EXHAUSTED, %d abandoned, %d proofs made in all, worst honest predict"
                + " %.1f s; queue: %s%n",
            contestSeconds,
            window.toSeconds(),
            exhausted,
            flood,
            cut,
            made,
            worst / 1e9,
            f.server.seller().queueState());
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aBurstOfCheapRequestsIsServedOnAFewThreads() throws Exception {
    try (SellerServer server =
        SellerServer.start(
            PartyKey.generate(),
            SellerConfig.defaults(SellerStore.h2FileUrl(tmp.resolve("b")), 0),
            AnswerProver.HONEST,
            SellerServer.Options.NONE.withAdmission(AdmissionLimits.defaults()))) {
      server.seller().serve(Resnet8.model(), "resnet8", SellerFixture.METRICS);
      ByteString model = ByteString.copyFrom(Resnet8.model().vk().digest().bytes());
      ManagedChannel ch =
          NettyChannelBuilder.forAddress("localhost", server.port())
              .usePlaintext()
              .directExecutor()
              .build();
      var threads = ManagementFactory.getThreadMXBean();
      int before = threads.getThreadCount();
      try {
        // 1,500 cheap requests at once: signed by another key than the buyer's (refused after one
        // check).
        PartyKey buyer = PartyKey.generate();
        PredictRequest wrong =
            signed(model, buyer, Resnet8.input(3)).toBuilder()
                .setBuyer(PartyKey.generate().publicKeyBytes())
                .build();
        List<ListenableFuture<?>> calls = new ArrayList<>();
        int peak = before;
        for (int i = 0; i < 1_500; i++) {
          calls.add(
              PredictionGrpc.newFutureStub(ch)
                  .withDeadlineAfter(60, TimeUnit.SECONDS)
                  .predictSigned(wrong));
          if (i % 100 == 0) {
            peak = Math.max(peak, threads.getThreadCount());
          }
        }
        int refused = 0;
        for (ListenableFuture<?> c : calls) {
          while (!c.isDone()) {
            peak = Math.max(peak, threads.getThreadCount());
            Thread.sleep(1);
          }
          try {
            c.get();
          } catch (ExecutionException e) {
            Status.Code code = ((StatusRuntimeException) e.getCause()).getStatus().getCode();
            assertTrue(
                code == Status.Code.PERMISSION_DENIED || code == Status.Code.RESOURCE_EXHAUSTED,
                code.toString());
            refused++;
          }
        }
        assertEquals(1_500, refused);
        // The old cached pool grew by a thread per concurrent call (1,172 threads for 1,500 calls).
        assertTrue(
            peak - before < 64, "the process grew from " + before + " to " + peak + " threads");
        System.out.printf(
            "SellerFloodTest: 1,500 cheap calls: threads %d before, %d at peak%n", before, peak);
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }
}
