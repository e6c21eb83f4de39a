package io.zkaudit.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.zkaudit.proto.v1.PredictRequest;
import io.zkaudit.proto.v1.PredictionGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code zkaudit seller serve} as an operator runs it, with the command line's own logging
 * configuration (logback.xml, not the tests' one): health SERVING, metrics served on
 * --metrics-port, one request-log line per call and no other log line, and SIGTERM stops it
 * gracefully.
 */
class SellerServiceProcessTest {
  private static final Pattern METRICS =
      Pattern.compile("metrics on http://localhost:(\\d+)/metrics");

  @TempDir Path tmp;

  @Test
  void anOperatorsSellerReportsHealthMetricsAndOneLinePerRequest() throws Exception {
    Path logback = Path.of(SellerServiceProcessTest.class.getResource("/logback.xml").toURI());
    List<String> args =
        List.of(
            "--model",
            SellerProcess.model().toString(),
            "--port",
            "0",
            "--db",
            SellerDatabase.H2.newUrl(tmp, "seller"),
            "--key",
            tmp.resolve("seller.key").toString(),
            "--metrics-port",
            "0",
            "--shutdown-grace",
            "5");
    SellerProcess seller =
        SellerProcess.start(tmp, List.of("-Dlogback.configurationFile=" + logback), args);
    try {
      int metricsPort =
          awaitLine(seller, METRICS)
              .map(m -> Integer.parseInt(m.group(1)))
              .orElseThrow(() -> new AssertionError("no metrics line: " + seller.output));
      ManagedChannel ch =
          NettyChannelBuilder.forAddress("localhost", seller.port).usePlaintext().build();
      try {
        assertEquals(
            HealthCheckResponse.ServingStatus.SERVING,
            HealthGrpc.newBlockingStub(ch)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus());
        ByteString model =
            io.zkaudit.proto.v1.ModelRegistryGrpc.newBlockingStub(ch)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .list(io.zkaudit.proto.v1.ListModelsRequest.getDefaultInstance())
                .getModels(0)
                .getModelId();
        PartyKey buyer = PartyKey.generate();
        PredictRequest.Builder b =
            PredictRequest.newBuilder()
                .setModelId(model)
                .setBuyer(buyer.publicKeyBytes())
                .addAllInput(Tensors.toList(Resnet8.input(3)))
                .setRequestedAtMillis(System.currentTimeMillis())
                .setNonce(java.util.UUID.randomUUID().toString());
        PredictionGrpc.newBlockingStub(ch)
            .withDeadlineAfter(60, TimeUnit.SECONDS)
            .predictSigned(b.setBuyerSignature(buyer.sign(Statements.predict(b.build()))).build());
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      try (HttpClient http = HttpClient.newHttpClient()) {
        String scrape =
            http.send(
                    HttpRequest.newBuilder(
                            URI.create("http://localhost:" + metricsPort + "/metrics"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        assertTrue(
            scrape.contains(
                "zkaudit_requests_total{method=\"zkaudit.v1.Prediction/PredictSigned\",status=\"OK\"}"
                    + " 1.0"),
            scrape);
      }
      int code = seller.terminate();
      assertTrue(
          code == 0 || code == 143, "exit code " + code + "\n" + String.join("\n", seller.output));
      List<String> out = List.copyOf(seller.output);
      String all = "exit code " + code + "\n" + String.join("\n", out);
      assertTrue(
          out.stream()
              .anyMatch(
                  l ->
                      l.matches(
                          ".* INFO +requests ModelRegistry/List buyer=- status=OK [0-9.]+ ms")),
          all);
      assertTrue(
          out.stream()
              .anyMatch(
                  l ->
                      l.matches(
                          ".* INFO +requests Prediction/PredictSigned buyer=[0-9a-f]{16} status=OK"
                              + " [0-9.]+ ms")),
          all);
      assertTrue(
          out.stream()
              .anyMatch(
                  l ->
                      l.matches(
                          "seller: seller stopped in [0-9.]+ s: 0 calls were in flight, 0"
                              + " waiting proofs handed back \\(UNAVAILABLE\\)")),
          all);
      // Nothing else is logged: no migration chatter, no warnings, no stack traces.
      assertTrue(
          out.stream()
              .noneMatch(
                  l -> l.matches(".* (DEBUG|INFO|WARN|ERROR) .*") && !l.contains(" requests ")),
          all);
      assertTrue(out.stream().noneMatch(l -> l.contains("Exception") || l.contains("SLF4J")), all);
    } finally {
      seller.close();
    }
  }

  private static Optional<Matcher> awaitLine(SellerProcess p, Pattern pattern)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < end) {
      for (String line : List.copyOf(p.output)) {
        Matcher m = pattern.matcher(line);
        if (m.find()) {
          return Optional.of(m);
        }
      }
      Thread.sleep(50);
    }
    return Optional.empty();
  }
}
