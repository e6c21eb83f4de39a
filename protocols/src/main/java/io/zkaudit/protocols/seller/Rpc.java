package io.zkaudit.protocols.seller;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/** One unary call: its answer, or the error the buyer should see (never a stack trace). */
final class Rpc {
  private Rpc() {}

  static <T> void unary(StreamObserver<T> response, Supplier<T> handler) {
    T result;
    try {
      result = handler.get();
    } catch (RequestRejected e) {
      response.onError(e.status().asRuntimeException());
      return;
    } catch (StoreException e) {
      CallRecorder.failed(e);
      response.onError(
          Status.INTERNAL.withDescription("the seller's database failed").asRuntimeException());
      return;
    } catch (RuntimeException e) {
      CallRecorder.failed(e);
      response.onError(
          Status.INTERNAL
              .withDescription("the seller failed: " + e.getClass().getSimpleName())
              .asRuntimeException());
      return;
    }
    response.onNext(result);
    response.onCompleted();
  }
}
