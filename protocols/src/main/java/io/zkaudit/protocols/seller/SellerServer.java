package io.zkaudit.protocols.seller;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.zkaudit.protocols.PartyKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A running seller: its store opened (and migrated), its gRPC server listening. Closing stops the
 * server, waiting for calls in flight, then closes the store, so a seller can be stopped and
 * started again on the same database.
 */
public final class SellerServer implements AutoCloseable {
  private final SellerStore store;
  private final AuditStore auditStore;
  private final Seller seller;
  private final AuditService audits;
  private final Server server;
  private boolean closed;

  private SellerServer(SellerStore store, AuditStore auditStore, Seller seller, AuditService audits, Server server) {
    this.store = store;
    this.auditStore = auditStore;
    this.seller = seller;
    this.audits = audits;
    this.server = server;
  }

  public static SellerServer start(PartyKey key, SellerConfig config, AnswerProver prover) {
    return start(key, config, prover, AuditService.Policy.defaults());
  }

  public static SellerServer start(PartyKey key, SellerConfig config, AnswerProver prover, AuditService.Policy audit) {
    SellerStore store = SellerStore.open(config.jdbcUrl());
    AuditStore auditStore;
    try {
      auditStore = AuditStore.open(config.jdbcUrl());
    } catch (StoreException e) {
      store.close();
      throw e;
    }
    Seller seller = new Seller(key, store, config, prover);
    AuditService audits = new AuditService(seller, auditStore, audit);
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.port()))
        .maxInboundMessageSize(config.maxRequestBytes())
        .maxInboundMetadataSize(16 << 10)
        .addService(new RegistryService(seller))
        .addService(new PredictionService(seller))
        .addService(new AuditGrpcService(audits))
        .build();
    try {
      server.start();
    } catch (IOException e) {
      auditStore.close();
      store.close();
      throw new UncheckedIOException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
    }
    return new SellerServer(store, auditStore, seller, audits, server);
  }

  public Seller seller() {
    return seller;
  }

  public AuditService audits() {
    return audits;
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
    audits.stop();
    server.shutdown();
    try {
      if (!server.awaitTermination(30, TimeUnit.SECONDS)) {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      auditStore.close();
      store.close();
    }
  }
}
