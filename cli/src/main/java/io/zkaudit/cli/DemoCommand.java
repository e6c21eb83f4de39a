package io.zkaudit.cli;

import io.zkaudit.data.SharedData;
import io.zkaudit.proto.v1.ClaimedMetric;
import io.zkaudit.proto.v1.ItemSet;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.buyer.BuyerException;
import io.zkaudit.protocols.seller.AuditService;
import io.zkaudit.protocols.seller.RequestRejected;
import io.zkaudit.protocols.seller.SellerConfig;
import io.zkaudit.protocols.seller.SellerServer;
import io.zkaudit.protocols.seller.SellerStore;
import io.zkaudit.protocols.seller.StoreException;
import io.zkaudit.prover.inference.CommittedModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * zkaudit demo: the protocols end to end on this machine. A seller starts in this process on a free
 * localhost port (its state in a temporary H2 file), commits to a model, registers it with a
 * claimed accuracy and commits to an item set; a buyer with its own key talks to it over a real
 * gRPC socket: registry, verified and signed predictions, a contest, an accuracy audit, a
 * retrieval. Then, once the seller has closed, an accuracy audit in one proof: ResNet-8's count of
 * correct predictions on N CIFAR-10 test images, proven at once and checked against {@code zkaudit
 * eval} on the same images (DemoOneProofAudit). Last, a summary with the time of each step. Exit 0
 * when every check held (an audit below the claim is a result, not a failure), 1 if a seller answer
 * or the one proof did not verify, 2 when the shared models and data are missing or the heap is too
 * small for N.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Run the protocols end to end on localhost: a seller and a buyer, verified predictions, a"
            + " contest, an accuracy audit and a retrieval, then ResNet-8's accuracy on 64 CIFAR-10"
            + " images in one proof, with a timed transcript (MobileNet v2: about 6 minutes on 2"
            + " cores).")
final class DemoCommand implements Callable<Integer> {
  /**
   * Held so that their levels stick (java.util.logging keeps loggers weakly), as in seller serve.
   */
  private static final List<java.util.logging.Logger> QUIET =
      List.of(
          java.util.logging.Logger.getLogger("org.flywaydb"),
          java.util.logging.Logger.getLogger(
              "io.grpc.netty.shaded.io.grpc.netty.NettyServerHandler"));

  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      defaultValue = "mobilenet",
      description =
          "mobilenet (MobileNet v2 on ImageNet photos) or resnet8 (ResNet-8 on CIFAR-10: about a"
              + " minute) (default ${DEFAULT-VALUE})")
  String model;

  @Option(
      names = "--audit-samples",
      defaultValue = "3",
      description = "test samples of the accuracy audit, one proof each (default ${DEFAULT-VALUE})")
  int auditSamples;

  @Option(
      names = "--retrieval-items",
      defaultValue = "3",
      description =
          "items the seller commits to for retrieval, one proof each (default ${DEFAULT-VALUE})")
  int retrievalItems;

  @Option(
      names = "--one-proof-samples",
      description =
          "CIFAR-10 test images of the last step, an accuracy audit of ResNet-8 in one proof"
              + " (0 skips it; the heap it needs is checked first: about 12 GB for 128 samples,"
              + " 4 GB for 32; default 128, or the largest power of two the heap holds)")
  Integer oneProofSamples;

  @Option(
      names = "--with-core-tour",
      description =
          "first prove and verify the proof system's primitives (commitment, sumcheck, lookup)")
  boolean coreTour;

  @Option(
      names = "--shared",
      description =
          "the shared models and data (default: ../shared found from the working directory, or"
              + " $ZKAUDIT_SHARED)")
  Path shared;

  @Option(
      names = "--keep-state",
      description =
          "keep the seller's and buyer's state directory (printed) instead of deleting it")
  boolean keepState;

  /** The class the buyer retrieves; set when the seller commits to its items. */
  private int queryClass;

  @Override
  public Integer call() throws Exception {
    if (auditSamples < 1 || auditSamples > 50) {
      throw CliException.usage("--audit-samples must be between 1 and 50");
    }
    if (retrievalItems < 1 || retrievalItems > 50) {
      throw CliException.usage("--retrieval-items must be between 1 and 50");
    }
    if (oneProofSamples != null && (oneProofSamples < 0 || oneProofSamples > 1024)) {
      throw CliException.usage("--one-proof-samples must be between 0 and 1024");
    }
    Path sharedDir = shared != null ? shared : SharedData.root().orElse(null);
    DemoData data = DemoData.of(model, sharedDir);
    // Asked for: refused if the heap cannot hold it. Not asked for: 128, or fewer on a smaller
    // heap (ZKAUDIT_HEAP=5g runs the MobileNet demo on an 8 GB machine), said in the step.
    DemoOneProofAudit oneProof =
        oneProofSamples != null && oneProofSamples == 0 ? null : DemoOneProofAudit.of(sharedDir);
    int oneProofN =
        oneProof == null
            ? 0
            : oneProofSamples != null
                ? oneProof.checkHeap(oneProofSamples)
                : oneProof.fitting(DemoOneProofAudit.DEFAULT_SAMPLES);
    if (oneProofN == 0) {
      oneProof = null;
    }
    PrintWriter out = spec.commandLine().getOut();
    QUIET.forEach(l -> l.setLevel(java.util.logging.Level.SEVERE));
    if (coreTour) {
      out.println("== The proof system's primitives ==");
      out.flush();
      CoreTour.run(20);
      out.println();
    }
    out.println("== zkaudit demo: a seller and a buyer on localhost, " + data.title() + " ==");
    out.flush();
    Path state = Files.createTempDirectory("zkaudit-demo-");
    DemoTranscript t = new DemoTranscript(out, oneProof == null ? 7 : 8);
    DemoProver prover = new DemoProver();
    // Ctrl-C mid-demo: the seller's database is closed and the temporary state removed all the
    // same.
    AtomicReference<SellerServer> running = new AtomicReference<>();
    Thread hook =
        new Thread(
            () -> {
              SellerServer s = running.get();
              if (s != null) {
                s.close();
              }
              if (!keepState) {
                delete(state);
              }
            },
            "demo-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      try (SellerServer server = startSeller(t, data, state, prover)) {
        running.set(server);
        DemoBuyer buyer =
            new DemoBuyer(
                t,
                data,
                server.port(),
                KeyFiles.loadOrCreate(state.resolve("buyer/buyer.key")),
                state.resolve("buyer"),
                prover,
                queryClass);
        buyer.run(auditSamples);
      }
      running.set(null);
      // After the seller has closed: its committed model's memory goes to the batch's witness.
      if (oneProof != null) {
        oneProof.run(
            t,
            oneProofN,
            oneProofSamples == null && oneProofN < DemoOneProofAudit.DEFAULT_SAMPLES
                ? String.format(
                    java.util.Locale.ROOT,
                    "%d samples, not %d: the most this heap holds (%d needs about %.1f GB; set"
                        + " ZKAUDIT_HEAP)",
                    oneProofN,
                    DemoOneProofAudit.DEFAULT_SAMPLES,
                    DemoOneProofAudit.DEFAULT_SAMPLES,
                    oneProof.heapMiBFor(DemoOneProofAudit.DEFAULT_SAMPLES) / 1024.0)
                : null);
      }
      t.summary();
      return Main.EXIT_OK;
    } catch (BuyerException e) {
      return BuyerFailures.exit(out, e, "the demo's buyer: " + e.getMessage());
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running and cleans up.
      }
      if (keepState) {
        out.println("state kept in " + state);
      } else {
        delete(state);
      }
      out.flush();
    }
  }

  /** Step 1: the seller commits to the model and the items, and serves them on a free port. */
  private SellerServer startSeller(DemoTranscript t, DemoData data, Path state, DemoProver prover) {
    t.begin(
        "seller up",
        "seller: commit to "
            + data.model().getFileName()
            + ", register it, commit to "
            + retrievalItems
            + " items, serve on localhost");
    PartyKey key = KeyFiles.loadOrCreate(state.resolve("seller/seller.key"));
    CommittedModel committed = ProverModels.commit(data.model());
    t.line(
        "committed to %,d weights; verifying key digest %s",
        committed.model().parameterCount(), committed.vk().digest().hex());
    String url = SellerStore.h2FileUrl(state.resolve("seller/seller"));
    SellerServer server;
    try {
      server =
          SellerServer.start(
              key, SellerConfig.defaults(url, 0), prover, AuditService.Policy.defaults());
    } catch (StoreException | UncheckedIOException | IllegalArgumentException e) {
      throw CliException.usage("cannot start the demo's seller: " + e.getMessage());
    }
    try {
      var metric =
          ClaimedMetric.newBuilder()
              .setName(AuditService.CLAIMED_METRIC)
              .setValue(data.claimedAccuracy())
              .setDataset(data.claimedOn())
              .build();
      var entry =
          server.seller().serve(committed, data.model().getFileName().toString(), List.of(metric));
      t.line(
          "seller %s listening on localhost:%d, state in %s",
          HexFormat.of().formatHex(key.publicKey()), server.port(), url);
      t.line(
          "model %s registered, claiming top-1 accuracy %.1f%% on %s",
          HexFormat.of().formatHex(entry.getModelId().toByteArray()),
          100 * data.claimedAccuracy(),
          data.claimedOn());
      var input = committed.model().description().tensor(committed.circuit().inputTensor());
      var items = data.items(auditSamples, retrievalItems, input);
      ItemSet set = server.retrieval().commit("demo items", items);
      // The buyer looks for the class of the first item (as the seller's model sees it), so that
      // something matches.
      int[] first = prover.output(committed, items.get(0).tensor());
      queryClass = io.zkaudit.engine.Predictions.topK(first, 1)[0];
      t.line(
          "item set %s: %d items committed, Merkle root %s",
          HexFormat.of().formatHex(set.getItemSetId().toByteArray()),
          set.getStatement().getCount(),
          HexFormat.of().formatHex(set.getStatement().getMerkleRoot().toByteArray()));
      t.ok(
          "seller serving "
              + data.model().getFileName()
              + " and "
              + retrievalItems
              + " committed items on port "
              + server.port());
      return server;
    } catch (RequestRejected | CliException e) {
      server.close();
      throw e instanceof CliException c
          ? c
          : CliException.usage("the demo's seller: " + e.getMessage());
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary directory left behind is harmless; the OS cleans it.
    }
  }
}
