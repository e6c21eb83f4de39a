package io.zkaudit.protocols.seller;

import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/**
 * One unary call: its answer, or the error the buyer should see (never a stack trace), mapped from
 * the domain's failure by {@link GrpcErrors}.
 */
final class Rpc {
  private Rpc() {}

  static <T> void unary(StreamObserver<T> response, Supplier<T> handler) {
    T result;
    try {
      result = GrpcCaller.handle(handler);
    } catch (RuntimeException e) {
      response.onError(GrpcErrors.status(e).asRuntimeException());
      return;
    }
    response.onNext(result);
    response.onCompleted();
  }
}
