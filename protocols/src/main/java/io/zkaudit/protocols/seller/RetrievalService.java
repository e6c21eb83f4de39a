package io.zkaudit.protocols.seller;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.zkaudit.proto.v1.ListItemSetsRequest;
import io.zkaudit.proto.v1.ListItemSetsResponse;
import io.zkaudit.proto.v1.QueryMessage;
import io.zkaudit.proto.v1.QueryRequest;
import io.zkaudit.proto.v1.RetrievalGrpc;

/** The Retrieval service over gRPC: a unary listing and a server-streamed query. */
final class RetrievalService extends RetrievalGrpc.RetrievalImplBase {
  private final SellerRetrieval retrieval;

  RetrievalService(SellerRetrieval retrieval) {
    this.retrieval = retrieval;
  }

  @Override
  public void listItemSets(
      ListItemSetsRequest request, StreamObserver<ListItemSetsResponse> response) {
    Rpc.unary(
        response,
        () -> ListItemSetsResponse.newBuilder().addAllItemSets(retrieval.itemSets()).build());
  }

  @Override
  public void query(QueryRequest request, StreamObserver<QueryMessage> response) {
    ServerCallStreamObserver<QueryMessage> call = (ServerCallStreamObserver<QueryMessage>) response;
    SellerRetrieval.Sink sink =
        new SellerRetrieval.Sink() {
          @Override
          public void send(QueryMessage message) {
            awaitReady(call);
            call.onNext(message);
          }

          @Override
          public boolean cancelled() {
            return call.isCancelled();
          }
        };
    try {
      GrpcCaller.run(() -> retrieval.query(request, sink));
    } catch (StatusRuntimeException e) {
      // onNext on a call the buyer cancelled: nobody is listening any more.
      return;
    } catch (RuntimeException e) {
      fail(call, GrpcErrors.status(e)); // a refusal as such, any other failure recorded, INTERNAL
      return;
    }
    if (!call.isCancelled()) {
      call.onCompleted();
    }
  }

  /**
   * Flow control: a query's answer can be far larger than the buyer reads at once (stored proofs
   * stream at disk speed, the buyer verifies each), so each message waits until the transport takes
   * more instead of piling up in the seller's memory. Polled: the call's onReady callback cannot
   * run while this handler holds the call's callback thread.
   */
  private static void awaitReady(ServerCallStreamObserver<QueryMessage> call) {
    while (!call.isReady() && !call.isCancelled()) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RequestRejected(RequestRejected.Reason.UNAVAILABLE, "the seller is stopping");
      }
    }
  }

  private static void fail(ServerCallStreamObserver<QueryMessage> call, Status status) {
    if (!call.isCancelled()) {
      call.onError(status.asRuntimeException());
    }
  }
}
