package io.zkaudit.cli;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.proto.v1.PredictRequest;
import io.zkaudit.proto.v1.PredictionGrpc;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.Statements;
import io.zkaudit.protocols.Tensors;
import io.zkaudit.protocols.seller.AdmissionLimits;
import io.zkaudit.protocols.seller.AnswerProver;
import io.zkaudit.protocols.seller.SellerConfig;
import io.zkaudit.protocols.seller.SellerServer;
import io.zkaudit.protocols.seller.SellerStore;
import io.zkaudit.prover.inference.CommittedModel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code zkaudit bench serve}: a real seller on a loopback socket under load from concurrent
 * buyers, each with its own key, each request freshly signed (a new nonce), as in production:
 * signed answers per second and their latency percentiles, and optionally proven answers.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Load a seller on localhost: signed answers per second, p50/p99 latency; --proofs N: proofs"
            + " per second.")
final class BenchServeCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin ModelFileOption.Tflite model;

  @Option(
      names = "--input",
      required = true,
      description = "the input every request sends (image or tensor)")
  Path input;

  @Option(
      names = "--clients",
      defaultValue = "8",
      description = "concurrent buyers (default ${DEFAULT-VALUE})")
  int clients;

  @Option(
      names = "--seconds",
      defaultValue = "20",
      description = "measured seconds (default ${DEFAULT-VALUE})")
  int seconds;

  @Option(
      names = "--warmup-seconds",
      defaultValue = "5",
      description = "unmeasured seconds first (default ${DEFAULT-VALUE})")
  int warmup;

  @Option(
      names = "--proofs",
      defaultValue = "0",
      description = "then this many proven answers, one at a time" + " (default ${DEFAULT-VALUE})")
  int proofs;

  @Option(
      names = "--db",
      description = "the seller's database (JDBC URL; default: a temporary H2 file)")
  String db;

  /** One client's measured calls. */
  private record Calls(List<Long> nanos, Map<String, Integer> failures) {}

  @Override
  public Integer call() throws Exception {
    if (clients < 1 || clients > 256 || seconds < 1 || warmup < 0 || proofs < 0) {
      throw CliException.usage(
          "--clients must be 1 to 256, --seconds at least 1, --warmup-seconds and --proofs 0 or"
              + " more");
    }
    PrintWriter out = spec.commandLine().getOut();
    CommittedModel committed = model.commit();
    TensorSpec inSpec = committed.vk().description().tensor(committed.circuit().inputTensor());
    List<Integer> x = Tensors.toList(ProofInputs.read(input, inSpec));
    Path tmp = Files.createTempDirectory("zkaudit-bench-serve");
    String url = db != null ? db : SellerStore.h2FileUrl(tmp.resolve("seller"));
    SellerServer server =
        SellerServer.start(
            PartyKey.generate(),
            SellerConfig.defaults(url, 0),
            AnswerProver.HONEST,
            SellerServer.Options.NONE.withAdmission(AdmissionLimits.unlimitedRates()));
    ManagedChannel ch =
        NettyChannelBuilder.forAddress("localhost", server.port()).usePlaintext().build();
    try {
      ByteString modelId =
          server.seller().serve(committed, model.fileName(), List.of()).getModelId();
      long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup);
      long end = warmEnd + TimeUnit.SECONDS.toNanos(seconds);
      List<Thread> threads = new ArrayList<>();
      List<Calls> results = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        Calls calls = new Calls(new ArrayList<>(), new TreeMap<>());
        results.add(calls);
        PartyKey buyer = PartyKey.generate();
        threads.add(
            Thread.ofPlatform()
                .name("bench-buyer-" + c)
                .start(
                    () -> {
                      var stub = PredictionGrpc.newBlockingStub(ch);
                      for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
                        PredictRequest r = signed(modelId, buyer, x);
                        long t0 = System.nanoTime();
                        try {
                          stub.withDeadlineAfter(60, TimeUnit.SECONDS).predictSigned(r);
                          if (t0 >= warmEnd) {
                            calls.nanos().add(System.nanoTime() - t0);
                          }
                        } catch (StatusRuntimeException e) {
                          if (t0 >= warmEnd) {
                            calls.failures().merge(e.getStatus().getCode().name(), 1, Integer::sum);
                          }
                        }
                      }
                    }));
      }
      for (Thread t : threads) {
        t.join();
      }
      List<Long> all = results.stream().flatMap(r -> r.nanos().stream()).sorted().toList();
      Map<String, Integer> failures = new TreeMap<>();
      results.forEach(r -> r.failures().forEach((k, v) -> failures.merge(k, v, Integer::sum)));
      out.printf(
          "seller on localhost, %s, %d cores; %d buyers, %d s measured after %d s warm-up%n",
          db != null
              ? "database " + db.replaceAll("password=[^&;]*", "password=...")
              : "H2 file database",
          Runtime.getRuntime().availableProcessors(),
          clients,
          seconds,
          warmup);
      out.printf(
          "signed answers: %d in %d s = %.0f requests/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms;"
              + " failed: %s%n",
          all.size(),
          seconds,
          all.size() / (double) seconds,
          percentile(all, 50),
          percentile(all, 99),
          all.isEmpty() ? 0 : all.getLast() / 1e6,
          failures.isEmpty() ? "none" : failures);
      if (proofs > 0) {
        PartyKey buyer = PartyKey.generate();
        var stub = PredictionGrpc.newBlockingStub(ch);
        List<Long> proven = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < proofs; i++) {
          long s = System.nanoTime();
          stub.withDeadlineAfter(30, TimeUnit.MINUTES).predict(signed(modelId, buyer, x));
          proven.add(System.nanoTime() - s);
        }
        double total = (System.nanoTime() - t0) / 1e9;
        proven.sort(null);
        out.printf(
            "proven answers: %d in %.1f s = %.3f proofs/s, p50 %.1f s%n",
            proofs, total, proofs / total, percentile(proven, 50) / 1e3);
      }
      out.flush();
      return failures.isEmpty() ? Main.EXIT_OK : Main.EXIT_INVALID;
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.close();
      try (Stream<Path> files = Files.walk(tmp)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static PredictRequest signed(ByteString model, PartyKey buyer, List<Integer> input) {
    PredictRequest.Builder b =
        PredictRequest.newBuilder()
            .setModelId(model)
            .setBuyer(buyer.publicKeyBytes())
            .addAllInput(input)
            .setRequestedAtMillis(System.currentTimeMillis())
            .setNonce(java.util.UUID.randomUUID().toString());
    return b.setBuyerSignature(buyer.sign(Statements.predict(b.build()))).build();
  }

  /** The p-th percentile in milliseconds (nearest rank). */
  private static double percentile(List<Long> sortedNanos, int p) {
    if (sortedNanos.isEmpty()) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sortedNanos.size());
    return sortedNanos.get(Math.max(0, rank - 1)) / 1e6;
  }
}
