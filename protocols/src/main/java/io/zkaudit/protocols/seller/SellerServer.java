package io.zkaudit.protocols.seller;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.chain.Attester;
import io.zkaudit.protocols.chain.ChainSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A running seller: its store opened (and migrated), its gRPC server listening, the standard gRPC
 * health service saying SERVING, its metrics kept (and served over HTTP if asked). Closing is a
 * graceful shutdown (see {@link #close()}), so a seller can be stopped and started again on the
 * same database.
 */
public final class SellerServer implements AutoCloseable {
  /**
   * One virtual thread per call, shared by every server in the process (it holds no threads when
   * idle).
   */
  private static final java.util.concurrent.Executor CALL_THREADS =
      java.util.concurrent.Executors.newThreadPerTaskExecutor(
          Thread.ofVirtual().name("seller-call-", 0).factory());

  private final SellerStore store;
  private final AuditStore auditStore;
  private final Seller seller;
  private final AuditService audits;
  private final SellerRetrieval retrieval;
  private final Server server;
  private final SellerChain chain;
  private final HealthStatusManager health;
  private final SellerMetrics metrics;
  private final MetricsEndpoint metricsEndpoint;
  private final CallGuard guard;
  private final Options options;
  private boolean closed;

  private SellerServer(
      SellerStore store,
      AuditStore auditStore,
      Seller seller,
      AuditService audits,
      SellerRetrieval retrieval,
      Server server,
      SellerChain chain,
      HealthStatusManager health,
      SellerMetrics metrics,
      MetricsEndpoint metricsEndpoint,
      CallGuard guard,
      Options options) {
    this.store = store;
    this.auditStore = auditStore;
    this.seller = seller;
    this.audits = audits;
    this.retrieval = retrieval;
    this.server = server;
    this.chain = chain;
    this.health = health;
    this.metrics = metrics;
    this.metricsEndpoint = metricsEndpoint;
    this.guard = guard;
    this.options = options;
  }

  /**
   * What a seller may run with besides its configuration: a chain (with the designated verifier
   * that attests its proofs there), TLS, and where it reports what it does by itself.
   *
   * @param chain null for none
   * @param attester required with a chain
   * @param tls null for plaintext
   * @param operations the metrics endpoint and the shutdown grace period
   */
  public record Options(
      ChainSettings chain,
      Attester attester,
      Tls tls,
      Consumer<String> events,
      AdmissionLimits admission,
      Operations operations) {
    public static final Options NONE =
        new Options(null, null, null, e -> {}, AdmissionLimits.defaults(), Operations.DEFAULTS);

    public Options withChain(ChainSettings settings, Attester verifier) {
      return new Options(settings, verifier, tls, events, admission, operations);
    }

    public Options withTls(Tls files) {
      return new Options(chain, attester, files, events, admission, operations);
    }

    public Options withEvents(Consumer<String> listener) {
      return new Options(chain, attester, tls, listener, admission, operations);
    }

    public Options withAdmission(AdmissionLimits limits) {
      return new Options(chain, attester, tls, events, limits, operations);
    }

    public Options withOperations(Operations ops) {
      return new Options(chain, attester, tls, events, admission, ops);
    }
  }

  /**
   * How the seller is run as a service.
   *
   * @param metricsHost the address of the metrics endpoint
   * @param metricsPort its port (0: any free one), or -1 for no endpoint
   * @param shutdownGrace how long a shutdown waits for calls in flight before cancelling them
   */
  public record Operations(String metricsHost, int metricsPort, java.time.Duration shutdownGrace) {
    public static final Operations DEFAULTS =
        new Operations("localhost", -1, java.time.Duration.ofSeconds(30));

    public Operations {
      if (metricsPort < -1 || metricsPort > 65535) {
        throw new IllegalArgumentException("the metrics port must be between 0 and 65535");
      }
      if (shutdownGrace.isNegative()) {
        throw new IllegalArgumentException("the shutdown grace period must not be negative");
      }
    }

    public Operations withMetrics(String host, int port) {
      return new Operations(host, port, shutdownGrace);
    }

    public Operations withShutdownGrace(java.time.Duration grace) {
      return new Operations(metricsHost, metricsPort, grace);
    }
  }

  /** The server's certificate chain and its private key (PKCS#8), both PEM files. */
  public record Tls(Path certificateChain, Path privateKey) {}

  public static SellerServer start(PartyKey key, SellerConfig config, AnswerProver prover) {
    return start(key, config, prover, Options.NONE);
  }

  public static SellerServer start(
      PartyKey key, SellerConfig config, AnswerProver prover, Options options) {
    return start(key, config, prover, options, AuditService.Policy.defaults());
  }

  public static SellerServer start(
      PartyKey key, SellerConfig config, AnswerProver prover, AuditService.Policy audit) {
    return start(key, config, prover, Options.NONE, audit);
  }

  public static SellerServer start(
      PartyKey key,
      SellerConfig config,
      AnswerProver prover,
      Options options,
      AuditService.Policy audit) {
    return start(socket(config, options), key, config, prover, options, audit);
  }

  /**
   * The transport of a seller on a socket: Netty listening on the configuration's host and port,
   * over TLS if the options name its files.
   */
  public static ServerBuilder<?> socket(SellerConfig config, Options options) {
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.port()));
    if (options.tls() != null) {
      builder.useTransportSecurity(
          options.tls().certificateChain().toFile(), options.tls().privateKey().toFile());
    }
    return builder;
  }

  /**
   * A seller served over {@code transport}: a socket ({@link #socket}) or any other gRPC transport
   * (in-process, for tests). The seller's services, its call guard, executor and message bounds are
   * added to it here; the configuration's host and port are used only by {@link #socket}.
   */
  public static SellerServer start(
      ServerBuilder<?> transport,
      PartyKey key,
      SellerConfig config,
      AnswerProver prover,
      Options options,
      AuditService.Policy audit) {
    SellerStore store = SellerStore.open(config.jdbcUrl());
    AuditStore auditStore;
    try {
      store.bindSeller(key.publicKeyBytes().toByteArray(), () -> config.clock().millis());
      auditStore = AuditStore.open(config.jdbcUrl());
    } catch (StoreException e) {
      store.close();
      throw e;
    }
    Seller seller = new Seller(key, store, config, prover, options.admission());
    AuditService audits = new AuditService(seller, auditStore, audit);
    seller.onEvent(options.events());
    SellerChain chain = null;
    RetrievalStore retrievalStore = null;
    try {
      retrievalStore = RetrievalStore.open(config.jdbcUrl());
      SellerRetrieval retrieval = new SellerRetrieval(seller, retrievalStore);
      if (options.chain() != null) {
        if (options.attester() == null
            && options.chain().contestProofs()
                == io.zkaudit.protocols.chain.ContestProofs.ATTESTER) {
          throw new IllegalArgumentException(
              "a seller on a chain needs the designated verifier (attester), unless it proves"
                  + " contests on chain");
        }
        chain =
            SellerChain.connect(options.chain(), key, options.attester(), store, options.events());
        seller.useChain(chain);
        audits.followChain();
      }
      SellerMetrics metrics = new SellerMetrics(seller, config.clock());
      CallGuard guard =
          new CallGuard(
              options.admission().maxInFlightCalls(),
              new CallRecorder(List.of(new RequestLog(), metrics)));
      // Not behind the guard: a health check must answer when the seller is at its call limit.
      HealthStatusManager health = new HealthStatusManager();
      transport.maxInboundMessageSize(config.maxRequestBytes());
      transport.maxInboundMetadataSize(16 << 10);
      // Handlers wait for proofs; on virtual threads a burst of waiting calls costs no OS threads
      // (gRPC's default cached pool grew to 1,172 threads under 1,500 cheap requests), and the
      // guard bounds how many are in flight at all.
      transport.executor(CALL_THREADS);
      transport.addService(guard.wrap(new RegistryService(seller)));
      transport.addService(guard.wrap(new PredictionService(seller)));
      transport.addService(guard.wrap(new AuditGrpcService(audits)));
      transport.addService(guard.wrap(new RetrievalService(retrieval)));
      transport.addService(health.getHealthService());
      Server server = transport.build();
      try {
        server.start();
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
      }
      MetricsEndpoint endpoint = null;
      Operations ops = options.operations();
      if (ops.metricsPort() >= 0) {
        try {
          endpoint = MetricsEndpoint.start(ops.metricsHost(), ops.metricsPort(), metrics);
        } catch (RuntimeException e) {
          server.shutdownNow();
          throw e;
        }
      }
      // "": the whole server, as load balancers ask by default.
      health.setStatus("", HealthCheckResponse.ServingStatus.SERVING);
      return new SellerServer(
          store,
          auditStore,
          seller,
          audits,
          retrieval,
          server,
          chain,
          health,
          metrics,
          endpoint,
          guard,
          options);
    } catch (RuntimeException e) {
      seller.proving().stop();
      if (chain != null) {
        chain.close();
      }
      auditStore.close();
      if (retrievalStore != null) {
        retrievalStore.close();
      }
      store.close();
      throw e;
    }
  }

  public Seller seller() {
    return seller;
  }

  public AuditService audits() {
    return audits;
  }

  public SellerRetrieval retrieval() {
    return retrieval;
  }

  public int port() {
    return server.getPort();
  }

  /** The seller's metrics (what its metrics endpoint serves). */
  public SellerMetrics metrics() {
    return metrics;
  }

  /** The metrics endpoint's port, if it serves one. */
  public java.util.OptionalInt metricsPort() {
    return metricsEndpoint == null
        ? java.util.OptionalInt.empty()
        : java.util.OptionalInt.of(metricsEndpoint.port());
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /**
   * A graceful shutdown, idempotent (a shutdown hook and the main thread may both close):
   *
   * <ol>
   *   <li>health says NOT_SERVING, and the server takes no new call (they get UNAVAILABLE);
   *   <li>waiting proofs are handed back: their calls fail UNAVAILABLE at once (the buyer retries;
   *       open contests and audits are in the database and resume at the next start);
   *   <li>calls in flight, the proof under way among them, get the grace period to finish; those
   *       still running then are cancelled;
   *   <li>the databases close.
   * </ol>
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long start = System.nanoTime();
    health.enterTerminalState(); // NOT_SERVING for every service, for good
    audits.stop(); // as the chain: no audit proof is half-made while the store closes
    if (chain != null) {
      chain.close(); // first: no contest is half-proven while the store closes
    }
    server.shutdown();
    int inFlight = guard.inFlight();
    int handedBack = seller.proving().queue().waiting();
    seller.proving().stop();
    java.time.Duration grace = options.operations().shutdownGrace();
    boolean finished = false;
    try {
      // The seller's own calls, not every call: health watch streams stay open until cancelled.
      finished = guard.awaitIdle(grace.toNanos());
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      if (metricsEndpoint != null) {
        metricsEndpoint.close();
      }
      StoreException failed = null;
      for (AutoCloseable db : List.<AutoCloseable>of(auditStore, retrieval.store(), store)) {
        try {
          db.close();
        } catch (Exception e) {
          // Each is closed whatever the others do; the first failure is reported after.
          failed =
              failed != null
                  ? failed
                  : new StoreException("cannot close the seller database: " + e.getMessage(), e);
        }
      }
      options
          .events()
          .accept(
              String.format(
                  java.util.Locale.ROOT,
                  "seller stopped in %.1f s: %d calls were in flight,"
                      + " %d waiting proofs handed back (UNAVAILABLE)%s",
                  (System.nanoTime() - start) / 1e9,
                  inFlight,
                  handedBack,
                  finished
                      ? ""
                      : "; calls still running after the "
                          + grace.toSeconds()
                          + " s grace period were cancelled"));
      if (failed != null) {
        throw failed;
      }
    }
  }
}
