package io.zkaudit.simulations.live;

import io.zkaudit.data.SharedData;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.proto.v1.ClaimedMetric;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.Tensors;
import io.zkaudit.protocols.buyer.BuyerClient;
import io.zkaudit.protocols.buyer.BuyerException;
import io.zkaudit.protocols.buyer.HeldAnswer;
import io.zkaudit.protocols.buyer.RegisteredModel;
import io.zkaudit.protocols.buyer.VerifiedAnswer;
import io.zkaudit.protocols.seller.AdmissionLimits;
import io.zkaudit.protocols.seller.AnswerProver;
import io.zkaudit.protocols.seller.SellerConfig;
import io.zkaudit.protocols.seller.SellerServer;
import io.zkaudit.protocols.seller.SellerStore;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.inference.WeightRangeProver;
import io.zkaudit.simulations.Progress;
import io.zkaudit.simulations.scenario.SpotCheckConfig;
import io.zkaudit.simulations.stats.MonteCarlo;
import io.zkaudit.simulations.stats.Proportion;
import io.zkaudit.simulations.stats.SpotCheck;
import io.zkaudit.tflite.TfliteImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/** Runs scenario 1 through the real seller and buyers (see the package description). */
public final class LiveSpotCheck {
  private LiveSpotCheck() {}

  /**
   * Why a live run could not run (the model is absent, the seller failed): one line for the user.
   */
  public static final class LiveException extends Exception {
    public LiveException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * One order: its answers, how many were tampered, whether a tampered one was among the contested
   * (what the protocol must catch) and whether the buyer caught the seller.
   */
  public record Order(
      int index,
      int buyer,
      int answers,
      int tampered,
      int contested,
      boolean tamperedContested,
      boolean caught,
      double contestSeconds,
      long proofBytes) {}

  /**
   * The run's outcome and measured costs.
   *
   * @param proveSecondsPerProof the seller's wall time per contested proof, on this machine now
   *     (proofs of concurrent contests overlap, so this is not a proof's cost on an idle machine)
   * @param cpuSecondsPerProof the whole process's CPU time over the orders, per proof: seller,
   *     buyers, signatures and verification included, so an upper bound on the prover's
   *     core-seconds
   * @param proofBytesPerProof mean size of the proofs of honest contests
   */
  public record Result(
      SpotCheckConfig.Live config,
      List<Order> orders,
      double commitSeconds,
      long proofs,
      double proveSecondsPerProof,
      double cpuSecondsPerProof,
      double proofBytesPerProof,
      double seconds) {
    public long caught() {
      return orders.stream().filter(Order::caught).count();
    }

    /** The closed form for these settings: 1 − (1 − f)^k. */
    public double predicted() {
      return SpotCheck.detection(config.tamperFraction(), config.contested());
    }

    public Proportion detection() {
      return new Proportion(caught(), orders.size());
    }

    /**
     * Orders where the verdict is not the truth: caught without a tampered answer contested, or the
     * reverse.
     */
    public long wrongVerdicts() {
      return orders.stream().filter(o -> o.caught() != o.tamperedContested()).count();
    }
  }

  public static Result run(SpotCheckConfig config, Progress progress) throws LiveException {
    SpotCheckConfig.Live live = config.live();
    long start = System.nanoTime();
    Path modelFile =
        SharedData.resolve("models/resnet8_cifar10_int8.tflite")
            .orElseThrow(
                () ->
                    new LiveException(
                        "--live needs ../shared/models/resnet8_cifar10_int8.tflite (set"
                            + " ZKAUDIT_SHARED)",
                        null));
    progress.begin("live: committing ResNet-8 (weights and range proof)", 1);
    CommittedModel model;
    try {
      model =
          WeightRangeProver.certified(ModelProver.commit(TfliteImporter.loadQuantized(modelFile)));
    } catch (IOException e) {
      throw new LiveException("cannot read " + modelFile + ": " + e.getMessage(), e);
    }
    double commitSeconds = (System.nanoTime() - start) / 1e9;
    progress.advance(1);
    progress.end();
    TamperingProver prover = new TamperingProver(live.tamperFraction(), config.seed());
    Path dir;
    try {
      dir = Files.createTempDirectory("zkaudit-live-");
    } catch (IOException e) {
      throw new LiveException(
          "cannot create a directory for the seller's database: " + e.getMessage(), e);
    }
    SellerConfig sellerConfig =
        SellerConfig.defaults(SellerStore.h2FileUrl(dir.resolve("seller")), 0)
            .withHost("localhost");
    // Unlimited rates: the buyers are this run's own, asking as fast as the seller answers.
    SellerServer.Options options =
        SellerServer.Options.NONE.withAdmission(AdmissionLimits.unlimitedRates());
    List<Order> orders = new ArrayList<>();
    double cpuStart;
    double cpuEnd;
    try (SellerServer server =
        SellerServer.start(PartyKey.generate(), sellerConfig, prover, options)) {
      server
          .seller()
          .serve(
              model,
              "resnet8-cifar10",
              List.of(
                  ClaimedMetric.newBuilder()
                      .setName("top1_accuracy")
                      .setValue(0.87)
                      .setDataset("cifar10-test")
                      .build()));
      progress.begin("live: orders through the real seller and buyers", live.orders());
      cpuStart = processCpuSeconds();
      TensorSpec input = model.model().description().tensor(model.circuit().inputTensor());
      ExecutorService pool = Executors.newFixedThreadPool(live.buyers());
      try {
        List<Future<List<Order>>> work = new ArrayList<>();
        for (int b = 0; b < live.buyers(); b++) {
          int buyer = b;
          work.add(
              pool.submit(
                  () -> buyerOrders(server.port(), buyer, config, input, model, prover, progress)));
        }
        for (Future<List<Order>> f : work) orders.addAll(f.get());
      } catch (java.util.concurrent.ExecutionException e) {
        Throwable cause = e.getCause();
        throw new LiveException("live run failed: " + cause.getMessage(), cause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LiveException("live run interrupted", e);
      } finally {
        pool.shutdownNow();
        progress.end();
      }
      cpuEnd = processCpuSeconds();
    } finally {
      deleteQuietly(dir);
    }
    orders.sort(Comparator.comparingInt(Order::index));
    long provenBytes = orders.stream().filter(o -> !o.caught()).mapToLong(Order::proofBytes).sum();
    long provenProofs = orders.stream().filter(o -> !o.caught()).mapToLong(Order::contested).sum();
    return new Result(
        live,
        List.copyOf(orders),
        commitSeconds,
        prover.proofs(),
        prover.proofs() == 0 ? 0 : prover.proveSeconds() / prover.proofs(),
        prover.proofs() == 0 ? 0 : (cpuEnd - cpuStart) / prover.proofs(),
        provenProofs == 0 ? 0 : (double) provenBytes / provenProofs,
        (System.nanoTime() - start) / 1e9);
  }

  /**
   * One buyer's orders (every buyers-th order, so the orders split evenly), each bought and
   * contested in turn.
   */
  private static List<Order> buyerOrders(
      int port,
      int buyer,
      SpotCheckConfig config,
      TensorSpec input,
      CommittedModel model,
      TamperingProver prover,
      Progress progress)
      throws Exception {
    SpotCheckConfig.Live live = config.live();
    List<Order> out = new ArrayList<>();
    try (BuyerClient client = new BuyerClient("localhost", port, PartyKey.generate(), 600)) {
      RegisteredModel registered = client.models().getFirst();
      for (int order = buyer; order < live.orders(); order += live.buyers()) {
        // Stream 2·order draws the inputs, 2·order + 1 the contested sample: both fixed by the
        // seed.
        SplittableRandom inputs = MonteCarlo.random(config.seed(), 2L * order);
        List<HeldAnswer> held = new ArrayList<>();
        int tampered = 0;
        for (int a = 0; a < live.answersPerOrder(); a++) {
          int[] x = randomInput(inputs, input);
          HeldAnswer h = client.predictHeld(registered, x);
          held.add(h);
          if (!Arrays.equals(
              Tensors.fromList(h.answer().getOutputList()), AnswerProver.HONEST.output(model, x)))
            tampered++;
        }
        List<HeldAnswer> sample =
            sample(held, live.contested(), MonteCarlo.random(config.seed(), 2L * order + 1));
        boolean tamperedContested = sample.stream().anyMatch(h -> prover.tampers(h.input()));
        long t0 = System.nanoTime();
        boolean caught;
        long bytes = 0;
        try {
          List<VerifiedAnswer> proven = client.contest(sample);
          caught = false;
          for (VerifiedAnswer v : proven) bytes += v.proof().length;
        } catch (BuyerException e) {
          if (e.reason() != BuyerException.Reason.INVALID_ANSWER) throw e;
          caught = true;
        }
        out.add(
            new Order(
                order,
                buyer,
                held.size(),
                tampered,
                sample.size(),
                tamperedContested,
                caught,
                (System.nanoTime() - t0) / 1e9,
                bytes));
        progress.advance(1);
      }
    }
    return out;
  }

  private static double processCpuSeconds() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun
        ? sun.getProcessCpuTime() / 1e9
        : Double.NaN;
  }

  private static int[] randomInput(SplittableRandom random, TensorSpec spec) {
    int[] x = new int[spec.size()];
    int lo = spec.type().min(), hi = spec.type().max();
    for (int i = 0; i < x.length; i++) x[i] = lo + random.nextInt(hi - lo + 1);
    return x;
  }

  /** k of the answers, uniformly without replacement (a partial Fisher–Yates shuffle). */
  private static List<HeldAnswer> sample(List<HeldAnswer> answers, int k, SplittableRandom random) {
    List<HeldAnswer> pool = new ArrayList<>(answers);
    for (int i = 0; i < k; i++)
      java.util.Collections.swap(pool, i, i + random.nextInt(pool.size() - i));
    return List.copyOf(pool.subList(0, k));
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary directory left behind is harmless; the run's result stands.
    }
  }
}
