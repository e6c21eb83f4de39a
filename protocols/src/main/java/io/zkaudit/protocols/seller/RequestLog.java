package io.zkaudit.protocols.seller;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seller's request log: one line per call with its outcome (logger {@value #REQUESTS}, INFO),
 * e.g. {@code Prediction/PredictSigned buyer=3f9a0c1d22e4b7a0 status=OK 41.2 ms}. It names the
 * buyer by a fingerprint of its key and never carries a payload, a signature or a key.
 *
 * <p>A call the seller failed (INTERNAL) is logged at ERROR with its exception, but the stack trace
 * only once a minute per exception class and method: a fault that every request hits would
 * otherwise write a trace per request (issue 20 measured 4.75 MB of traces in 7.7 s of junk).
 */
final class RequestLog implements Consumer<CallRecorder.Outcome> {
  static final String REQUESTS = "io.zkaudit.seller.requests";
  static final long TRACE_EVERY_NANOS = 60_000_000_000L;

  private final Logger log;
  private final LongSupplier nanoClock;
  private final Map<String, Long> lastTrace = new ConcurrentHashMap<>();

  RequestLog() {
    this(LoggerFactory.getLogger(REQUESTS), System::nanoTime);
  }

  RequestLog(Logger log, LongSupplier nanoClock) {
    this.log = log;
    this.nanoClock = nanoClock;
  }

  @Override
  public void accept(CallRecorder.Outcome o) {
    String line =
        String.format(
            Locale.ROOT,
            "%s buyer=%s status=%s %.1f ms",
            shortName(o.method()),
            o.buyer(),
            o.status(),
            o.nanos() / 1e6);
    if (o.failure() == null) {
      log.info(line);
      return;
    }
    Throwable t = o.failure();
    String key = o.method() + " " + t.getClass().getName();
    long now = nanoClock.getAsLong();
    Long last = lastTrace.get(key);
    // One thread wins each minute's trace, even when many calls fail at once.
    boolean trace =
        last == null
            ? lastTrace.putIfAbsent(key, now) == null
            : now - last >= TRACE_EVERY_NANOS && lastTrace.replace(key, last, now);
    if (trace) {
      log.error(line, t);
    } else {
      log.error(
          "{} ({}: {}; stack trace logged at most once a minute)",
          line,
          t.getClass().getName(),
          t.getMessage());
    }
  }

  /** "zkaudit.v1.Prediction/PredictSigned" is logged as "Prediction/PredictSigned". */
  private static String shortName(String fullMethod) {
    int slash = fullMethod.indexOf('/');
    int dot = fullMethod.lastIndexOf('.', slash < 0 ? fullMethod.length() : slash);
    return fullMethod.substring(dot + 1);
  }
}
