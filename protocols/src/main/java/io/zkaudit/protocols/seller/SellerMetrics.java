package io.zkaudit.protocols.seller;

import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The seller's metrics in Prometheus' text format (Micrometer), for its metrics endpoint:
 *
 * <ul>
 *   <li>{@code zkaudit_proofs_waiting}, {@code zkaudit_proofs_in_flight}: the proof queue;
 *   <li>{@code zkaudit_proof_seconds{kind}}: how long each proof took (a histogram: contest, audit,
 *       answer, retrieval);
 *   <li>{@code zkaudit_proofs_dropped_total}: waiting proofs dropped because their callers left;
 *   <li>{@code zkaudit_requests_total{method,status}} and {@code
 *       zkaudit_requests_rejected_total{method,status}} (every status but OK and CANCELLED), {@code
 *       zkaudit_request_seconds{method}};
 *   <li>{@code zkaudit_hiding_budget_left{model}}: zero-knowledge proofs each model key can still
 *       make;
 *   <li>{@code zkaudit_owed_proofs_at_risk}: contest and audit proofs that will miss their deadline
 *       at the mean proof time so far (ProofQueue.owedAtRisk): alert on anything above 0.
 * </ul>
 */
public final class SellerMetrics implements Consumer<CallRecorder.Outcome> {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Seller seller;
  private final MultiGauge budget;
  private final Timer anyProof;

  SellerMetrics(Seller seller, Clock clock) {
    this.seller = seller;
    ProofQueue q = seller.proving().queue();
    Gauge.builder("zkaudit.proofs.waiting", q, ProofQueue::waiting)
        .description("proofs waiting for the prover (all kinds)")
        .register(registry);
    Gauge.builder("zkaudit.proofs.in.flight", q, ProofQueue::inFlight)
        .description("proofs being made now")
        .register(registry);
    FunctionCounter.builder("zkaudit.proofs.dropped", q, ProofQueue::dropped)
        .description("waiting proofs dropped because their callers went away")
        .register(registry);
    this.anyProof =
        Timer.builder("zkaudit.proof.all")
            .description("every proof, for the at-risk estimate")
            .register(registry);
    q.onFinished(
        f -> {
          Timer.builder("zkaudit.proof")
              .tag("kind", f.kind().name().toLowerCase(Locale.ROOT))
              .description("time the prover took per proof")
              .publishPercentileHistogram()
              .minimumExpectedValue(Duration.ofMillis(100))
              .maximumExpectedValue(Duration.ofMinutes(10))
              .register(registry)
              .record(f.nanos(), TimeUnit.NANOSECONDS);
          anyProof.record(f.nanos(), TimeUnit.NANOSECONDS);
        });
    Gauge.builder(
            "zkaudit.owed.proofs.at.risk",
            q,
            queue -> queue.owedAtRisk(clock.millis(), (long) anyProof.mean(TimeUnit.MILLISECONDS)))
        .description(
            "contest and audit proofs expected to miss their deadline at the mean proof time")
        .register(registry);
    this.budget =
        MultiGauge.builder("zkaudit.hiding.budget.left")
            .description(
                "zero-knowledge proofs each model key can still make before its commitment should"
                    + " be rotated")
            .register(registry);
  }

  @Override
  public void accept(CallRecorder.Outcome o) {
    Tags tags = Tags.of("method", o.method(), "status", o.status().name());
    Counter.builder("zkaudit.requests")
        .tags(tags)
        .description("calls by outcome")
        .register(registry)
        .increment();
    if (o.status() != Status.Code.OK && o.status() != Status.Code.CANCELLED) {
      Counter.builder("zkaudit.requests.rejected")
          .tags(tags)
          .description("calls refused or failed")
          .register(registry)
          .increment();
    }
    Timer.builder("zkaudit.request")
        .tag("method", o.method())
        .description("call latency")
        .register(registry)
        .record(o.nanos(), TimeUnit.NANOSECONDS);
  }

  /** Every metric now, in Prometheus' text exposition format. */
  public String scrape() {
    // Read at each scrape: the store holds the counts, and keys come and go with rotations.
    budget.register(
        seller.hidingBudgetLeft().entrySet().stream()
            .map(e -> MultiGauge.Row.of(Tags.of("model", e.getKey()), e.getValue()))
            .toList(),
        true);
    return registry.scrape();
  }

  /** The content type of {@link #scrape()}. */
  public static String contentType() {
    return "text/plain; version=0.0.4; charset=utf-8";
  }
}
