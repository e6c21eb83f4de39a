package io.zkaudit.protocols.seller;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.zkaudit.protocols.PartyKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import io.zkaudit.protocols.chain.Attester;
import io.zkaudit.protocols.chain.ChainSettings;

/**
 * A running seller: its store opened (and migrated), its gRPC server listening. Closing stops the
 * server, waiting for calls in flight, then closes the store, so a seller can be stopped and
 * started again on the same database.
 */
public final class SellerServer implements AutoCloseable {
  /** One virtual thread per call, shared by every server in the process (it holds no threads when idle). */
  private static final java.util.concurrent.Executor CALL_THREADS =
      java.util.concurrent.Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("seller-call-", 0).factory());
  private final SellerStore store;
  private final AuditStore auditStore;
  private final Seller seller;
  private final AuditService audits;
  private final SellerRetrieval retrieval;
  private final Server server;
  private final SellerChain chain;
  private boolean closed;

  private SellerServer(SellerStore store, AuditStore auditStore, Seller seller, AuditService audits,
      SellerRetrieval retrieval, Server server, SellerChain chain) {
    this.store = store;
    this.auditStore = auditStore;
    this.seller = seller;
    this.audits = audits;
    this.retrieval = retrieval;
    this.server = server;
    this.chain = chain;
  }

  /**
   * What a seller may run with besides its configuration: a chain (with the designated verifier
   * that attests its proofs there), TLS, and where it reports what it does by itself.
   *
   * @param chain null for none
   * @param attester required with a chain
   * @param tls null for plaintext
   */
  public record Options(ChainSettings chain, Attester attester, Tls tls, Consumer<String> events,
      AdmissionLimits admission) {
    public static final Options NONE = new Options(null, null, null, e -> {}, AdmissionLimits.defaults());

    public Options withChain(ChainSettings settings, Attester verifier) {
      return new Options(settings, verifier, tls, events, admission);
    }

    public Options withTls(Tls files) {
      return new Options(chain, attester, files, events, admission);
    }

    public Options withEvents(Consumer<String> listener) {
      return new Options(chain, attester, tls, listener, admission);
    }

    public Options withAdmission(AdmissionLimits limits) {
      return new Options(chain, attester, tls, events, limits);
    }
  }

  /** The server's certificate chain and its private key (PKCS#8), both PEM files. */
  public record Tls(Path certificateChain, Path privateKey) {}

  public static SellerServer start(PartyKey key, SellerConfig config, AnswerProver prover) {
    return start(key, config, prover, Options.NONE);
  }

  public static SellerServer start(PartyKey key, SellerConfig config, AnswerProver prover, Options options) {
    return start(key, config, prover, options, AuditService.Policy.defaults());
  }

  public static SellerServer start(PartyKey key, SellerConfig config, AnswerProver prover, AuditService.Policy audit) {
    return start(key, config, prover, Options.NONE, audit);
  }

  public static SellerServer start(PartyKey key, SellerConfig config, AnswerProver prover, Options options,
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
        if (options.attester() == null) {
          throw new IllegalArgumentException("a seller on a chain needs the designated verifier (attester)");
        }
        chain = SellerChain.connect(options.chain(), key, options.attester(), store, options.events());
        seller.useChain(chain);
      }
      CallGuard guard = new CallGuard(options.admission().maxInFlightCalls());
      NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.port()))
          .maxInboundMessageSize(config.maxRequestBytes())
          .maxInboundMetadataSize(16 << 10)
          // Handlers wait for proofs; on virtual threads a burst of waiting calls costs no OS threads
          // (gRPC's default cached pool grew to 1,172 threads under 1,500 cheap requests), and the
          // guard bounds how many are in flight at all.
          .executor(CALL_THREADS)
          .addService(guard.wrap(new RegistryService(seller)))
          .addService(guard.wrap(new PredictionService(seller)))
          .addService(guard.wrap(new AuditGrpcService(audits)))
          .addService(guard.wrap(new RetrievalService(retrieval)));
      if (options.tls() != null) {
        builder.useTransportSecurity(options.tls().certificateChain().toFile(), options.tls().privateKey().toFile());
      }
      Server server = builder.build();
      try {
        server.start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
      }
      return new SellerServer(store, auditStore, seller, audits, retrieval, server, chain);
    } catch (RuntimeException e) {
      seller.stopProving();
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

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /** Idempotent: a shutdown hook and the main thread may both close. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    audits.stop(); // as the chain: no audit proof is half-made while the store closes
    if (chain != null) {
      chain.close(); // first: no contest is half-proven while the store closes
    }
    server.shutdown();
    // Proofs still waiting fail (UNAVAILABLE): their callers retry, contests and audits resume at
    // the next start; the proof under way finishes.
    seller.stopProving();
    try {
      if (!server.awaitTermination(30, TimeUnit.SECONDS)) {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      auditStore.close();
      retrieval.store().close();
      store.close();
    }
  }
}
