package io.zkaudit.protocols.seller;

import io.grpc.Context;
import java.util.function.Supplier;

/**
 * The edge's side of {@link Caller}: a gRPC call's caller is gone when its context is cancelled
 * (the buyer cancelled, its deadline passed, or the connection dropped).
 */
final class GrpcCaller {
  private GrpcCaller() {}

  /** The caller of the gRPC call whose context is {@code context}. */
  static Caller of(Context context) {
    return onGone -> {
      Context.CancellationListener listener = c -> onGone.run();
      context.addListener(listener, Runnable::run); // at once if the call is cancelled already
      return () -> context.removeListener(listener);
    };
  }

  /** Runs a handler with the current gRPC call bound as its {@link Caller}. */
  static <T> T handle(Supplier<T> handler) {
    return ScopedValue.where(Caller.CURRENT, of(Context.current())).call(handler::get);
  }

  /** Runs a handler with the current gRPC call bound as its {@link Caller}. */
  static void run(Runnable handler) {
    ScopedValue.where(Caller.CURRENT, of(Context.current())).run(handler);
  }
}
