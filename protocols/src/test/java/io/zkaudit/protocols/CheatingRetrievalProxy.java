package io.zkaudit.protocols;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.zkaudit.proto.v1.GetModelRequest;
import io.zkaudit.proto.v1.ListItemSetsRequest;
import io.zkaudit.proto.v1.ListItemSetsResponse;
import io.zkaudit.proto.v1.ListModelsRequest;
import io.zkaudit.proto.v1.ListModelsResponse;
import io.zkaudit.proto.v1.ModelEntry;
import io.zkaudit.proto.v1.ModelRegistryGrpc;
import io.zkaudit.proto.v1.QueryMessage;
import io.zkaudit.proto.v1.QueryRequest;
import io.zkaudit.proto.v1.QuerySummary;
import io.zkaudit.proto.v1.RetrievalGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A cheating seller in front of an honest one: it forwards the registry and each query, then alters
 * the honest answer before streaming it on, re-signing the list of matches with the seller's own
 * key (a cheating seller has it), so that only the proofs can give it away.
 */
final class CheatingRetrievalProxy implements AutoCloseable {
  /** How the seller alters an honest answer to a query. */
  interface Tamper {
    List<QueryMessage> apply(QueryRequest q, List<QueryMessage> honest) throws Exception;
  }

  private final ManagedChannel upstream;
  private final Server server;

  /**
   * @param sellerKey the key that re-signs the matches after tampering; null: send the tampered
   *     summary as is
   */
  CheatingRetrievalProxy(int sellerPort, PartyKey sellerKey, Tamper tamper) throws IOException {
    this.upstream =
        NettyChannelBuilder.forAddress("localhost", sellerPort)
            .usePlaintext()
            .maxInboundMessageSize(256 << 20)
            .build();
    var registry = ModelRegistryGrpc.newBlockingStub(upstream);
    var retrieval = RetrievalGrpc.newBlockingStub(upstream);
    this.server =
        NettyServerBuilder.forAddress(new InetSocketAddress("localhost", 0))
            .addService(
                new ModelRegistryGrpc.ModelRegistryImplBase() {
                  @Override
                  public void list(ListModelsRequest r, StreamObserver<ListModelsResponse> out) {
                    out.onNext(registry.list(r));
                    out.onCompleted();
                  }

                  @Override
                  public void get(GetModelRequest r, StreamObserver<ModelEntry> out) {
                    out.onNext(registry.get(r));
                    out.onCompleted();
                  }
                })
            .addService(
                new RetrievalGrpc.RetrievalImplBase() {
                  @Override
                  public void listItemSets(
                      ListItemSetsRequest r, StreamObserver<ListItemSetsResponse> out) {
                    out.onNext(retrieval.listItemSets(r));
                    out.onCompleted();
                  }

                  @Override
                  public void query(QueryRequest q, StreamObserver<QueryMessage> out) {
                    try {
                      List<QueryMessage> honest = new ArrayList<>();
                      retrieval.query(q).forEachRemaining(honest::add);
                      List<QueryMessage> tampered = tamper.apply(q, honest);
                      var call = (io.grpc.stub.ServerCallStreamObserver<QueryMessage>) out;
                      for (QueryMessage m :
                          sellerKey == null ? tampered : resign(q, tampered, sellerKey)) {
                        if (call.isCancelled()) {
                          return; // the buyer caught the cheat and hung up
                        }
                        out.onNext(m);
                      }
                      out.onCompleted();
                    } catch (StatusRuntimeException e) {
                      out.onError(e);
                    } catch (Exception e) {
                      out.onError(
                          io.grpc.Status.INTERNAL
                              .withDescription(e.toString())
                              .asRuntimeException());
                    }
                  }
                })
            .build()
            .start();
  }

  int port() {
    return server.getPort();
  }

  /** The summary made to agree with the (tampered) items' match flags, signed by the seller. */
  static List<QueryMessage> resign(
      QueryRequest q, List<QueryMessage> messages, PartyKey sellerKey) {
    List<Integer> matching = new ArrayList<>();
    List<QueryMessage> out = new ArrayList<>();
    for (QueryMessage m : messages) {
      if (m.hasItem() && m.getItem().getMatches()) {
        matching.add(m.getItem().getIndex());
      }
      if (m.hasSummary()) {
        m =
            QueryMessage.newBuilder()
                .setSummary(
                    QuerySummary.newBuilder()
                        .addAllMatchingIndexes(matching)
                        .setSellerSignature(
                            sellerKey.sign(RetrievalStatements.result(q, matching))))
                .build();
      }
      out.add(m);
    }
    return out;
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdown().awaitTermination(5, TimeUnit.SECONDS);
    upstream.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
