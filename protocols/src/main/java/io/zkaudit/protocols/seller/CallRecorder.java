package io.zkaudit.protocols.seller;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Records how every call to the seller ended, once: its method, the buyer key whose signature it
 * carried (once verified), its status and latency, and the exception behind an INTERNAL. The
 * outermost interceptor, so that calls refused before any work (too many in flight, a message that
 * does not parse) are recorded too; the request log and the metrics read the outcomes.
 */
final class CallRecorder implements ServerInterceptor {
  /**
   * How a call ended. {@code buyer} is a fingerprint or "-"; {@code failure} is null unless the
   * seller failed.
   */
  record Outcome(String method, String buyer, Status.Code status, long nanos, Throwable failure) {}

  /** What a call learns about itself while it runs; read when it ends. */
  private static final class Facts {
    volatile ByteString buyer;
    volatile Throwable failure;
  }

  private static final Context.Key<Facts> FACTS = Context.key("zkaudit-call-facts");

  private final List<Consumer<Outcome>> listeners;

  CallRecorder(List<Consumer<Outcome>> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  /** The buyer key whose signature the current call carries (called once it verified). */
  static void buyer(ByteString key) {
    Facts f = FACTS.get();
    if (f != null) {
      f.buyer = key;
    }
  }

  /** The exception behind the INTERNAL the current call is about to return. */
  static void failed(Throwable t) {
    Facts f = FACTS.get();
    if (f != null) {
      f.failure = t;
    }
  }

  /**
   * A short, stable name for a buyer key: the first 8 bytes of its SHA-256, never the key itself.
   */
  static String fingerprint(ByteString key) {
    if (key == null) {
      return "-";
    }
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(key.toByteArray());
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always present", e);
    }
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    long start = System.nanoTime();
    Facts facts = new Facts();
    AtomicBoolean recorded = new AtomicBoolean();
    String method = call.getMethodDescriptor().getFullMethodName();
    Consumer<Status.Code> end =
        code -> {
          if (recorded.compareAndSet(false, true)) {
            // An exception matters only behind a failure of the seller's, not behind a call its
            // client cancelled.
            Throwable failure =
                code == Status.Code.INTERNAL || code == Status.Code.UNKNOWN ? facts.failure : null;
            Outcome o =
                new Outcome(
                    method, fingerprint(facts.buyer), code, System.nanoTime() - start, failure);
            for (Consumer<Outcome> l : listeners) {
              l.accept(o);
            }
          }
        };
    ServerCall<Q, R> recording =
        new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            end.accept(status.getCode());
            super.close(status, trailers);
          }
        };
    ServerCall.Listener<Q> listener =
        Contexts.interceptCall(Context.current().withValue(FACTS, facts), recording, headers, next);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onCancel() {
        // The client went away (its deadline passed, or it hung up) before an answer was sent.
        end.accept(Status.Code.CANCELLED);
        super.onCancel();
      }
    };
  }
}
