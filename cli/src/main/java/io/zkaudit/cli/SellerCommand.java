package io.zkaudit.cli;

import io.zkaudit.proto.v1.ClaimedMetric;
import io.zkaudit.proto.v1.ModelEntry;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.seller.AnswerProver;
import io.zkaudit.protocols.seller.AuditService;
import io.zkaudit.protocols.seller.RequestRejected;
import io.zkaudit.protocols.seller.SellerConfig;
import io.zkaudit.protocols.seller.SellerServer;
import io.zkaudit.protocols.seller.SellerStore;
import io.zkaudit.protocols.seller.StoreException;
import io.zkaudit.prover.inference.CommittedModel;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code zkaudit seller ...}: the seller's side of the protocols. */
@Command(
    name = "seller",
    description = "The seller: serve committed models with proofs.",
    mixinStandardHelpOptions = true,
    subcommands = {SellerCommand.Serve.class})
final class SellerCommand implements Runnable {
  @Override
  public void run() {
    throw CliException.usage("seller needs a subcommand: serve");
  }

  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description =
          "Commit to a model, register it, and answer buyers over gRPC until stopped (Ctrl-C).")
  static final class Serve implements Callable<Integer> {
    /**
     * Held so that its level sticks (java.util.logging keeps loggers weakly): migrations log only
     * problems.
     */
    private static final java.util.logging.Logger FLYWAY_LOG =
        java.util.logging.Logger.getLogger("org.flywaydb");

    private static final java.util.logging.Logger FLYWAY_MIGRATE_LOG =
        java.util.logging.Logger.getLogger("org.flywaydb.core.internal.command.DbMigrate");
    private static final java.util.logging.Logger NETTY_LOG =
        java.util.logging.Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerHandler");

    @Spec CommandSpec spec;

    @Mixin ModelFileOption.Tflite model;

    /**
     * How images become the model's input: a float model is quantized with it, and it is registered
     * with the model (ModelEntry.input_normalization) so that buyers encode their audit images the
     * same way.
     */
    @Mixin InputNormalizationOption normalization;

    @Option(
        names = "--port",
        required = true,
        description = "TCP port to listen on (0: any free port)")
    int port;

    @Option(
        names = "--host",
        defaultValue = "localhost",
        description = "address to listen on (default ${DEFAULT-VALUE})")
    String host;

    @Option(
        names = "--db",
        description =
            "JDBC URL of the seller's state (default: an H2 file under ./zkaudit-seller/)")
    String db;

    @Option(
        names = "--key",
        defaultValue = "zkaudit-seller/seller.key",
        description =
            "the seller's secp256k1 key file, created if missing (default ${DEFAULT-VALUE})")
    Path keyFile;

    @Option(
        names = "--name",
        description = "the model's name in the registry (default: the file name)")
    String name;

    @Option(
        names = "--accuracy",
        description = "claimed top-1 accuracy, 0 to 1 (registered with the model)")
    Double accuracy;

    @Option(
        names = "--dataset",
        defaultValue = "",
        description = "the dataset the accuracy is claimed on")
    String dataset;

    @Option(
        names = "--audit-stake",
        defaultValue = "0",
        description =
            "what the seller stakes on each accuracy audit; on the chain, the most it stakes on one"
                + " on-chain audit, in wei (0: it takes none) (default ${DEFAULT-VALUE})")
    long auditStake;

    @Option(
        names = "--items",
        description =
            "commit to these items for trustless retrieval: a directory of images or"
                + " tensors, or cifar10-test:N")
    String items;

    @Option(
        names = "--items-name",
        description = "the item set's name (default: the --items value)")
    String itemsName;

    @Option(
        names = "--private-items",
        description =
            "with --items: commit to each item's input commitment (under the hiding key) for this"
                + " model, so that buyers receive only the matching items; the others are proven"
                + " without their tensors")
    boolean privateItems;

    @picocli.CommandLine.Mixin SellerNetworkOptions network;

    @picocli.CommandLine.Mixin AdmissionOptions admission;

    @picocli.CommandLine.Mixin OperationsOptions operations;

    @Override
    public Integer call() throws Exception {
      if (port < 0 || port > 65535) {
        throw CliException.usage("--port must be between 0 and 65535");
      }
      if (auditStake < 0) {
        throw CliException.usage("--audit-stake must be 0 or more");
      }
      if (accuracy != null && !(accuracy >= 0 && accuracy <= 1)) {
        throw CliException.usage("--accuracy must be between 0 and 1");
      }
      if (privateItems && items == null) {
        throw CliException.usage("--private-items needs --items");
      }
      FLYWAY_LOG.setLevel(java.util.logging.Level.WARNING);
      // Out-of-order migrations are allowed on purpose (SellerStore): not worth a warning at each
      // start.
      FLYWAY_MIGRATE_LOG.setLevel(java.util.logging.Level.SEVERE);
      // A buyer that hangs up mid-retrieval (it caught a cheat, or Ctrl-C) leaves queued writes
      // that Netty reports as a warning with a stack trace: expected, and not the seller's problem.
      NETTY_LOG.setLevel(java.util.logging.Level.SEVERE);
      PrintWriter out = spec.commandLine().getOut();
      Logs.sellerRequests();
      boolean newKey = !java.nio.file.Files.exists(keyFile);
      PartyKey key = KeyFiles.loadOrCreate(keyFile);
      var chosen = normalization.forModel(model.file());
      CommittedModel committed = ProverModels.commit(model.file(), true, chosen);
      String url = db != null ? db : SellerStore.h2FileUrl(Path.of("zkaudit-seller", "seller"));
      List<ClaimedMetric> metrics = new ArrayList<>();
      if (accuracy != null) {
        metrics.add(
            ClaimedMetric.newBuilder()
                .setName("top1_accuracy")
                .setValue(accuracy)
                .setDataset(dataset)
                .build());
      }
      SellerServer server;
      ModelEntry entry;
      SellerServer.Options options =
          network
              .options(out)
              .withAdmission(admission.limits())
              .withOperations(operations.operations());
      try {
        AuditService.Policy d = AuditService.Policy.defaults();
        server =
            SellerServer.start(
                key,
                SellerConfig.defaults(url, port).withHost(host),
                AnswerProver.HONEST,
                options,
                new AuditService.Policy(
                    d.maxSamples(), d.revealWindow(), d.proofWindow(), auditStake));
      } catch (StoreException | UncheckedIOException | IllegalArgumentException e) {
        throw CliException.usage(e.getMessage());
      } catch (io.zkaudit.escrow.EscrowException e) {
        throw ChainOptions.failure(e);
      }
      // Ctrl-C or a service manager's SIGTERM from now on: the hook shuts the server down
      // gracefully
      // (SellerServer.close) and closes the database. Registered as soon as the server listens, so
      // that a SIGTERM during the registration below is graceful too.
      java.util.concurrent.atomic.AtomicBoolean stopping =
          new java.util.concurrent.atomic.AtomicBoolean();
      Thread hook =
          new Thread(
              () -> {
                stopping.set(true);
                server.close();
              },
              "seller-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        // Rotates each key before its hiding budget runs out, and recommits to keys rotated to
        // before.
        server
            .seller()
            .rotateAutomatically(
                io.zkaudit.protocols.seller.RotationPolicy.of(HidingKeys.loadOrCreate()));
        server.seller().onEvent(e -> out.println(e));
        try {
          entry =
              server
                  .seller()
                  .serve(
                      committed,
                      name != null ? name : model.fileName(),
                      metrics,
                      chosen.map(InputNormalizationOption.Chosen::value));
        } catch (RequestRejected e) {
          throw CliException.usage("cannot register " + model.file() + ": " + e.getMessage());
        } catch (io.zkaudit.escrow.EscrowException e) {
          throw ChainOptions.failure(e);
        }
        // Audits a previous run left half proven carry on, whether or not their buyers come back.
        server.audits().resumeInBackground();
        out.printf(
            "seller %s listening on %s:%d%n",
            HexFormat.of().formatHex(key.publicKey()), host, server.port());
        // Where the key is, in full: a relative --key resolves against the working directory.
        out.printf("seller key %s%s%n", keyFile.toAbsolutePath(), newKey ? " (created now)" : "");
        server
            .metricsPort()
            .ifPresent(
                p -> out.printf("metrics on http://%s:%d/metrics%n", operations.metricsHost, p));
        out.printf(
            "model %s (%s) registered in %s%n",
            HexFormat.of().formatHex(entry.getModelId().toByteArray()), entry.getName(), url);
        CommittedModel current = server.seller().current(committed);
        out.printf(
            "its commitment %s hides the weights for about %,d zero-knowledge proofs, %,d made so"
                + " far (hiding key %s); the seller rotates it at 90%%%n",
            current.vk().digest().hex().substring(0, 16),
            current
                .layout()
                .hiddenProofs(io.zkaudit.inference.InferenceStatement.longLivedPcsParams()),
            server.seller().hidingBudgetUsed(current),
            HidingKeys.location());
        var onChain = server.seller().chain();
        if (onChain.isPresent()) {
          out.printf(
              "on-chain: account %s, model %d, watching for contests%n",
              onChain.get().address(), onChain.get().chainModel(entry.getModelId()).orElseThrow());
        }
        if (items != null) {
          RetrievalItems.commit(
              out, server, committed, items, itemsName != null ? itemsName : items, privateItems);
        }
        RetrievalItems.resumeInBackground(out, server);
        out.flush();
        try {
          server.awaitTermination();
        } catch (InterruptedException stopped) {
          out.println("seller stopping");
          out.flush();
        }
      } catch (RuntimeException e) {
        if (!stopping.get()) {
          throw e;
        }
        // Stopped while starting: the hook closed the database under the registration. Not a
        // failure of the seller's; the hook reports the stop.
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // The hook is running and closes the server.
        }
        server.close();
        if (options.attester() instanceof AutoCloseable remote) {
          remote.close();
        }
      }
      return Main.EXIT_OK;
    }
  }
}
