package io.zkaudit.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.proto.v1.PredictRequest;
import io.zkaudit.proto.v1.PredictionGrpc;
import io.zkaudit.proto.v1.ProvenAnswer;
import io.zkaudit.protocols.seller.AnswerProver;
import io.zkaudit.protocols.seller.SellerServer;
import io.zkaudit.prover.inference.CommittedModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The seller run as a service, on real sockets: the standard gRPC health service, the Prometheus
 * metrics endpoint, the request log, and a graceful shutdown that finishes the proof under way and
 * hands back the waiting ones.
 */
class SellerOperationsTest {
  @TempDir Path tmp;

  /**
   * Proves honestly, but only once the test lets it: a proof that stays "in flight" as long as
   * needed.
   */
  private static final class HeldProver implements AnswerProver {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public int[] output(CommittedModel model, int[] input) {
      return AnswerProver.HONEST.output(model, input);
    }

    @Override
    public ModelProof prove(CommittedModel model, int[] input) {
      started.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return AnswerProver.HONEST.prove(model, input);
    }
  }

  private static ManagedChannel channel(int port) {
    return NettyChannelBuilder.forAddress("localhost", port).usePlaintext().build();
  }

  private static PredictRequest request(PartyKey buyer, int seed) throws Exception {
    return SellerValidationTest.signed(
        PredictRequest.newBuilder()
            .setModelId(ByteString.copyFrom(Resnet8.model().vk().digest().bytes()))
            .setBuyer(buyer.publicKeyBytes())
            .addAllInput(Tensors.toList(Resnet8.input(seed))),
        buyer);
  }

  private static String scrape(int port) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
      return r.body();
    }
  }

  /** The value of one sample line of a scrape ("name{labels} value"), or -1 if there is none. */
  private static double sample(String scrape, String nameAndLabels) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(nameAndLabels) + " (\\S+)$").matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  private static SellerServer.Options options(List<String> events, Duration grace) {
    return SellerServer.Options.NONE
        .withEvents(events::add)
        .withOperations(
            SellerServer.Operations.DEFAULTS.withMetrics("localhost", 0).withShutdownGrace(grace));
  }

  @Test
  void healthMetricsAndTheRequestLogDescribeTheSeller() throws Exception {
    Logger requests = (Logger) LoggerFactory.getLogger("io.zkaudit.seller.requests");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    Level before = requests.getLevel();
    requests.addAppender(lines);
    requests.setLevel(Level.INFO);
    requests.setAdditive(false); // to the list only, not the test output
    List<String> events = new CopyOnWriteArrayList<>();
    PartyKey buyer = PartyKey.generate();
    try (SellerFixture f =
        SellerFixture.start(
            PartyKey.generate(),
            SellerDatabase.H2.newUrl(tmp, "seller"),
            AnswerProver.HONEST,
            buyer,
            c -> c,
            options(events, Duration.ofSeconds(30)))) {
      ManagedChannel ch = channel(f.server.port());
      try {
        assertEquals(
            HealthCheckResponse.ServingStatus.SERVING,
            HealthGrpc.newBlockingStub(ch)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus());
        int port = f.server.metricsPort().orElseThrow();
        String idle = scrape(port);
        assertEquals(0, sample(idle, "zkaudit_proofs_waiting"), idle);
        assertEquals(0, sample(idle, "zkaudit_proofs_in_flight"), idle);
        assertEquals(0, sample(idle, "zkaudit_owed_proofs_at_risk"), idle);
        String model = Resnet8.model().vk().digest().hex();
        long budget = f.server.seller().hidingBudgetLeft().get(model);
        assertTrue(budget > 0);
        assertEquals(
            budget, sample(idle, "zkaudit_hiding_budget_left{model=\"" + model + "\"}"), idle);

        var prediction =
            PredictionGrpc.newBlockingStub(ch).withDeadlineAfter(300, TimeUnit.SECONDS);
        ProvenAnswer proven = prediction.predict(request(buyer, 40));
        assertFalse(proven.getProof().isEmpty());
        PredictRequest signed = request(buyer, 41);
        prediction.predictSigned(signed);
        StatusRuntimeException replay =
            org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class, () -> prediction.predictSigned(signed));
        assertEquals(Status.Code.PERMISSION_DENIED, replay.getStatus().getCode());

        String busy = scrape(port);
        String predict = "method=\"zkaudit.v1.Prediction/Predict\"";
        String signedMethod = "method=\"zkaudit.v1.Prediction/PredictSigned\"";
        assertEquals(
            1, sample(busy, "zkaudit_requests_total{" + predict + ",status=\"OK\"}"), busy);
        assertEquals(
            1, sample(busy, "zkaudit_requests_total{" + signedMethod + ",status=\"OK\"}"), busy);
        assertEquals(
            1,
            sample(
                busy,
                "zkaudit_requests_rejected_total{"
                    + signedMethod
                    + ",status=\"PERMISSION_DENIED\"}"),
            busy);
        assertEquals(1, sample(busy, "zkaudit_proof_seconds_count{kind=\"answer\"}"), busy);
        assertTrue(sample(busy, "zkaudit_proof_seconds_sum{kind=\"answer\"}") > 0.1, busy);
        assertEquals(
            budget - 1, sample(busy, "zkaudit_hiding_budget_left{model=\"" + model + "\"}"), busy);

        // One line per call, with its buyer's fingerprint, never the key or the payload.
        List<String> logged = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        String fp =
            HexFormat.of()
                .formatHex(
                    java.security.MessageDigest.getInstance("SHA-256")
                        .digest(buyer.publicKeyBytes().toByteArray()),
                    0,
                    8);
        assertTrue(
            logged.stream()
                .anyMatch(
                    l -> l.matches("Prediction/Predict buyer=" + fp + " status=OK [0-9.]+ ms")),
            logged.toString());
        assertEquals(
            2,
            logged.stream()
                .filter(l -> l.startsWith("Prediction/PredictSigned buyer=" + fp))
                .count(),
            logged.toString());
        assertTrue(
            logged.stream().anyMatch(l -> l.contains("status=PERMISSION_DENIED")),
            logged.toString());
        String key = HexFormat.of().formatHex(buyer.publicKey());
        assertTrue(
            logged.stream().noneMatch(l -> l.contains(key) || l.contains(signed.getNonce())),
            logged.toString());
        // Health checks are not requests to the seller: not logged.
        assertTrue(logged.stream().noneMatch(l -> l.contains("Health")), logged.toString());
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      requests.detachAppender(lines);
      requests.setLevel(before);
      requests.setAdditive(true);
    }
  }

  @Test
  void aShutdownFinishesTheProofUnderWayAndHandsBackTheWaitingOnes() throws Exception {
    HeldProver prover = new HeldProver();
    List<String> events = new CopyOnWriteArrayList<>();
    PartyKey buyer = PartyKey.generate();
    SellerFixture f =
        SellerFixture.start(
            PartyKey.generate(),
            SellerDatabase.H2.newUrl(tmp, "seller"),
            prover,
            PartyKey.generate(),
            c -> c,
            options(events, Duration.ofSeconds(120)));
    ManagedChannel ch = channel(f.server.port());
    try {
      var prediction = PredictionGrpc.newStub(ch).withDeadlineAfter(300, TimeUnit.SECONDS);
      CompletableFuture<ProvenAnswer> underWay = call(prediction, request(buyer, 50));
      assertTrue(prover.started.await(60, TimeUnit.SECONDS), "the first proof did not start");
      CompletableFuture<ProvenAnswer> waiting = call(prediction, request(buyer, 51));
      int metrics = f.server.metricsPort().orElseThrow();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (sample(scrape(metrics), "zkaudit_proofs_waiting") != 1) {
        assertTrue(System.nanoTime() < until, "the second proof never waited");
        Thread.sleep(50);
      }
      assertEquals(1, sample(scrape(metrics), "zkaudit_proofs_in_flight"));
      List<HealthCheckResponse.ServingStatus> health = watchHealth(ch);

      CompletableFuture<Void> stopping = CompletableFuture.runAsync(f::close);
      // The waiting proof is handed back at once; the server takes no new call.
      StatusRuntimeException handedBack = failure(waiting);
      assertEquals(
          Status.Code.UNAVAILABLE,
          handedBack.getStatus().getCode(),
          handedBack.getStatus().toString());
      until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!health.contains(HealthCheckResponse.ServingStatus.NOT_SERVING)) {
        assertTrue(System.nanoTime() < until, "health never said NOT_SERVING: " + health);
        Thread.sleep(20);
      }
      assertEquals(
          List.of(
              HealthCheckResponse.ServingStatus.SERVING,
              HealthCheckResponse.ServingStatus.NOT_SERVING),
          health);
      ManagedChannel late = channel(f.server.port());
      try {
        StatusRuntimeException refused =
            org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class,
                () ->
                    PredictionGrpc.newBlockingStub(late)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .predictSigned(request(buyer, 52)));
        assertEquals(
            Status.Code.UNAVAILABLE, refused.getStatus().getCode(), refused.getStatus().toString());
      } finally {
        late.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      assertFalse(stopping.isDone(), "the shutdown did not wait for the proof under way");
      // The proof under way is finished and answered within the grace period.
      prover.release.countDown();
      ProvenAnswer finished = underWay.get(300, TimeUnit.SECONDS);
      assertFalse(finished.getProof().isEmpty());
      stopping.get(60, TimeUnit.SECONDS);
      assertTrue(
          events.stream()
              .anyMatch(
                  e ->
                      e.matches(
                          "seller stopped in [0-9.]+ s: 2 calls were in flight, 1 waiting"
                              + " proofs handed back \\(UNAVAILABLE\\)")),
          events.toString());
    } finally {
      prover.release.countDown();
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      f.close();
    }
  }

  @Test
  void aProofBeyondTheGracePeriodIsCancelled() throws Exception {
    HeldProver prover = new HeldProver();
    List<String> events = new CopyOnWriteArrayList<>();
    PartyKey buyer = PartyKey.generate();
    SellerFixture f =
        SellerFixture.start(
            PartyKey.generate(),
            SellerDatabase.H2.newUrl(tmp, "seller"),
            prover,
            PartyKey.generate(),
            c -> c,
            options(events, Duration.ofSeconds(1)));
    ManagedChannel ch = channel(f.server.port());
    try {
      CompletableFuture<ProvenAnswer> underWay =
          call(
              PredictionGrpc.newStub(ch).withDeadlineAfter(300, TimeUnit.SECONDS),
              request(buyer, 60));
      assertTrue(prover.started.await(60, TimeUnit.SECONDS), "the proof did not start");
      long start = System.nanoTime();
      f.close();
      double seconds = (System.nanoTime() - start) / 1e9;
      assertTrue(
          seconds >= 1 && seconds < 10, "closed in " + seconds + " s with a grace period of 1 s");
      StatusRuntimeException cut = failure(underWay);
      assertTrue(
          cut.getStatus().getCode() == Status.Code.CANCELLED
              || cut.getStatus().getCode() == Status.Code.UNAVAILABLE,
          cut.getStatus().toString());
      assertTrue(
          events.stream()
              .anyMatch(e -> e.contains("still running after the 1 s grace period were cancelled")),
          events.toString());
    } finally {
      prover.release.countDown();
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      f.close();
    }
  }

  private static CompletableFuture<ProvenAnswer> call(
      PredictionGrpc.PredictionStub stub, PredictRequest r) {
    CompletableFuture<ProvenAnswer> done = new CompletableFuture<>();
    stub.predict(
        r,
        new StreamObserver<>() {
          @Override
          public void onNext(ProvenAnswer value) {
            done.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {}
        });
    return done;
  }

  private static StatusRuntimeException failure(CompletableFuture<?> call) throws Exception {
    try {
      call.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException s) {
        return s;
      }
      throw e;
    }
    throw new AssertionError("the call succeeded");
  }

  /** Every status the standard Health/Watch stream reports for the whole server, as they come. */
  private static List<HealthCheckResponse.ServingStatus> watchHealth(ManagedChannel ch)
      throws Exception {
    List<HealthCheckResponse.ServingStatus> seen = new CopyOnWriteArrayList<>();
    CountDownLatch first = new CountDownLatch(1);
    HealthGrpc.newStub(ch)
        .watch(
            HealthCheckRequest.getDefaultInstance(),
            new StreamObserver<>() {
              @Override
              public void onNext(HealthCheckResponse r) {
                seen.add(r.getStatus());
                first.countDown();
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            });
    assertTrue(first.await(10, TimeUnit.SECONDS), "no health status");
    return seen;
  }
}
