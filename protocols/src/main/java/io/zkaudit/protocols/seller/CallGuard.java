package io.zkaudit.protocols.seller;

import io.grpc.BindableService;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The seller's outermost gate for every call: refuses calls beyond a bound on those in flight
 * (RESOURCE_EXHAUSTED, before any work), and answers a message that is not the method's protobuf
 * with INVALID_ARGUMENT. gRPC itself parses requests outside any handler and, on a parse failure,
 * logs a 2.4 KB stack trace and answers UNKNOWN: a flood of junk then became megabytes of log. Here
 * the service takes raw bytes and the parse happens inside this interceptor's listener, where its
 * failure is an ordinary refusal.
 */
final class CallGuard implements ServerInterceptor {
  private final int maxInFlight;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final CallRecorder recorder;

  CallGuard(int maxInFlight, CallRecorder recorder) {
    this.maxInFlight = maxInFlight;
    this.recorder = recorder;
  }

  /**
   * The service with its requests parsed under this guard, every call's outcome recorded (the
   * recorder outermost).
   */
  ServerServiceDefinition wrap(BindableService service) {
    return ServerInterceptors.intercept(
        ServerInterceptors.useInputStreamMessages(service.bindService()), this, recorder);
  }

  int inFlight() {
    return inFlight.get();
  }

  /**
   * Waits until no call is in flight, at most {@code nanos}; whether none is. For a shutdown: the
   * seller's calls, not the health service's watch streams, which stay open until cancelled.
   */
  synchronized boolean awaitIdle(long nanos) throws InterruptedException {
    long end = System.nanoTime() + nanos;
    while (inFlight.get() > 0) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      call.close(
          Status.RESOURCE_EXHAUSTED.withDescription(
              "the seller is at its limit of " + maxInFlight + " calls in flight; retry later"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    ServerCall.Listener<Q> delegate;
    try {
      delegate = next.startCall(call, headers);
    } catch (RuntimeException e) {
      inFlight.decrementAndGet();
      throw e;
    }
    return new Guarded<>(delegate, call);
  }

  /**
   * Forwards to the service until a message fails to parse; then the call is closed and the rest
   * dropped.
   */
  private final class Guarded<Q, R>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
    private final ServerCall<Q, R> call;
    private boolean refused;
    private boolean ended;

    Guarded(ServerCall.Listener<Q> delegate, ServerCall<Q, R> call) {
      super(delegate);
      this.call = call;
    }

    @Override
    public void onMessage(Q message) {
      if (refused) {
        return;
      }
      try {
        super.onMessage(message);
      } catch (RuntimeException e) {
        // The parse (ServerInterceptors' wrapper) failed: the bytes are not this method's message.
        refused = true;
        call.close(
            Status.INVALID_ARGUMENT.withDescription(
                "the request is not a valid "
                    + call.getMethodDescriptor().getBareMethodName()
                    + " message"),
            new Metadata());
      }
    }

    @Override
    public void onHalfClose() {
      if (!refused) {
        super.onHalfClose();
      }
    }

    @Override
    public void onReady() {
      if (!refused) {
        super.onReady();
      }
    }

    @Override
    public void onCancel() {
      end();
      super.onCancel();
    }

    @Override
    public void onComplete() {
      end();
      super.onComplete();
    }

    private void end() {
      if (!ended) {
        ended = true;
        if (inFlight.decrementAndGet() == 0) {
          synchronized (CallGuard.this) {
            CallGuard.this.notifyAll();
          }
        }
      }
    }
  }
}
