package io.zkaudit.protocols;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.zkaudit.proto.v1.AccuracyAuditGrpc;
import java.util.concurrent.TimeUnit;

/**
 * A plaintext gRPC channel to a seller's audit service with none of AuditClient's steps around it:
 * for tests that send a request the buyer's library would not (a malformed field, a replay, or part
 * of a reveal only).
 */
final class RawAuditChannel implements AutoCloseable {
  private final ManagedChannel ch;

  RawAuditChannel(int port) {
    ch =
        NettyChannelBuilder.forAddress("localhost", port)
            .usePlaintext()
            .maxInboundMessageSize(64 << 20)
            .build();
  }

  AccuracyAuditGrpc.AccuracyAuditBlockingStub stub() {
    return AccuracyAuditGrpc.newBlockingStub(ch).withDeadlineAfter(120, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
