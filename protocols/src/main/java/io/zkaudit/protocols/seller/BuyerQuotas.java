package io.zkaudit.protocols.seller;

import com.google.protobuf.ByteString;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-buyer-key token buckets (Bucket4j): a rate of signed requests, answers per hour and audit
 * samples per day. Charged only after the buyer's signature verified, so that nobody can spend
 * another buyer's quota by naming its key. Keys are free, so these bound what one key demands, not
 * a crowd of them: the bounded proof queue ({@link ProofQueue}) bounds the crowd.
 */
final class BuyerQuotas {
  /**
   * Buckets of idle keys are forgotten beyond this many keys (a forgotten key starts full again).
   */
  private static final int MAX_KEYS = 100_000;

  private record Buckets(Bucket requests, Bucket answers, Bucket auditSamples) {}

  private final AdmissionLimits limits;
  private final Map<ByteString, Buckets> byBuyer =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteString, Buckets> eldest) {
          return size() > MAX_KEYS;
        }
      };

  BuyerQuotas(AdmissionLimits limits) {
    this.limits = limits;
  }

  AdmissionLimits limits() {
    return limits;
  }

  private synchronized Buckets of(ByteString buyer) {
    return byBuyer.computeIfAbsent(
        buyer,
        k ->
            new Buckets(
                bucket(limits.requestBurst(), limits.requestsPerMinute(), Duration.ofMinutes(1)),
                bucket(limits.answersPerHour(), limits.answersPerHour(), AdmissionLimits.HOUR),
                bucket(
                    limits.auditSamplesPerDay(),
                    limits.auditSamplesPerDay(),
                    AdmissionLimits.DAY)));
  }

  private static Bucket bucket(long capacity, long refill, Duration period) {
    return Bucket.builder()
        .addLimit(l -> l.capacity(capacity).refillGreedy(refill, period))
        .build();
  }

  /** One signed request from this buyer, or RESOURCE_EXHAUSTED with when to retry. */
  void request(ByteString buyer) {
    // Every signed request is charged here once its signature verified: the request log names its
    // buyer.
    CallRecorder.buyer(buyer);
    take(
        of(buyer).requests(),
        1,
        "requests: this buyer key is over its "
            + limits.requestsPerMinute()
            + " requests a minute");
  }

  /** One answer (a proof made now, or owed on demand), or RESOURCE_EXHAUSTED. */
  void answer(ByteString buyer) {
    take(
        of(buyer).answers(),
        1,
        "answers: this buyer key is over its " + limits.answersPerHour() + " answers an hour");
  }

  /**
   * {@code samples} audit proofs, or RESOURCE_EXHAUSTED (an audit larger than the daily quota never
   * fits).
   */
  void auditSamples(ByteString buyer, long samples) {
    if (samples > limits.auditSamplesPerDay()) {
      throw new RequestRejected(
          RequestRejected.Reason.OVER_LIMIT,
          "sample_count: this seller audits at most "
              + limits.auditSamplesPerDay()
              + " samples per buyer per day");
    }
    take(
        of(buyer).auditSamples(),
        samples,
        "sample_count: this buyer key is over its "
            + limits.auditSamplesPerDay()
            + " audit samples a day");
  }

  private static void take(Bucket b, long n, String why) {
    ConsumptionProbe p = b.tryConsumeAndReturnRemaining(n);
    if (!p.isConsumed()) {
      long seconds = Math.max(1, Duration.ofNanos(p.getNanosToWaitForRefill()).toSeconds());
      throw new RequestRejected(
          RequestRejected.Reason.OVER_LIMIT, why + "; retry in " + seconds + " s");
    }
  }
}
