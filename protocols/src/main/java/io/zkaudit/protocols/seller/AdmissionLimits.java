package io.zkaudit.protocols.seller;

import java.time.Duration;

/**
 * What the seller admits before it works: the bounds that keep one caller (or a flood of them) from
 * delaying the proofs the seller owes (contests and audits, slashed when late). See
 * docs/operations.md for what each bound costs an honest buyer.
 *
 * @param maxInFlightCalls calls handled at once across every service; more are refused
 *     (RESOURCE_EXHAUSTED) before they are read
 * @param queuedAnswerProofs predict proofs waiting for the prover; more are refused rather than
 *     queued behind work nobody may still want
 * @param queuedAnswerProofsPerBuyer of those, how many one buyer key may have waiting
 * @param requestsPerMinute each buyer key's sustained rate of signed requests (predict, contest,
 *     audit commitment), refilled smoothly
 * @param requestBurst how many of those a buyer may send at once
 * @param answersPerHour answers (proven, or signed and so provable on demand in a contest) one
 *     buyer key may obtain per hour: each is a proof the seller may have to make
 * @param auditSamplesPerDay samples one buyer key may put under audit per day: each is a proof the
 *     seller must make before the audit's deadline
 */
public record AdmissionLimits(
    int maxInFlightCalls,
    int queuedAnswerProofs,
    int queuedAnswerProofsPerBuyer,
    int requestsPerMinute,
    int requestBurst,
    int answersPerHour,
    int auditSamplesPerDay) {
  public AdmissionLimits {
    if (maxInFlightCalls < 1
        || queuedAnswerProofs < 1
        || queuedAnswerProofsPerBuyer < 1
        || requestsPerMinute < 1
        || requestBurst < 1
        || answersPerHour < 1
        || auditSamplesPerDay < 1) {
      throw new IllegalArgumentException("admission limits must be at least 1");
    }
  }

  /**
   * Sized for a ResNet-class model proven in about a second on a few cores: 16 queued predict
   * proofs is a quarter of a minute's wait at most; 10 signed requests a second (60 at once) is
   * more than an interactive buyer sends; 600 answers an hour covers a 366-answer contest (the
   * paper's 1% tamper bound); 20,000 audit samples a day is one audit of the size the seed paper
   * needs (14,979 samples) per buyer per day.
   */
  public static AdmissionLimits defaults() {
    return new AdmissionLimits(512, 16, 4, 600, 60, 600, 20_000);
  }

  /** No practical limit on rates (tests that make many requests quickly), the queue bounds kept. */
  public static AdmissionLimits unlimitedRates() {
    AdmissionLimits d = defaults();
    return new AdmissionLimits(
        d.maxInFlightCalls,
        d.queuedAnswerProofs,
        d.queuedAnswerProofsPerBuyer,
        1_000_000,
        1_000_000,
        1_000_000,
        1_000_000);
  }

  public AdmissionLimits withQueue(int total, int perBuyer) {
    return new AdmissionLimits(
        maxInFlightCalls,
        total,
        perBuyer,
        requestsPerMinute,
        requestBurst,
        answersPerHour,
        auditSamplesPerDay);
  }

  public AdmissionLimits withRates(int perMinute, int burst) {
    return new AdmissionLimits(
        maxInFlightCalls,
        queuedAnswerProofs,
        queuedAnswerProofsPerBuyer,
        perMinute,
        burst,
        answersPerHour,
        auditSamplesPerDay);
  }

  public AdmissionLimits withAnswersPerHour(int answers) {
    return new AdmissionLimits(
        maxInFlightCalls,
        queuedAnswerProofs,
        queuedAnswerProofsPerBuyer,
        requestsPerMinute,
        requestBurst,
        answers,
        auditSamplesPerDay);
  }

  public AdmissionLimits withAuditSamplesPerDay(int samples) {
    return new AdmissionLimits(
        maxInFlightCalls,
        queuedAnswerProofs,
        queuedAnswerProofsPerBuyer,
        requestsPerMinute,
        requestBurst,
        answersPerHour,
        samples);
  }

  static final Duration HOUR = Duration.ofHours(1);
  static final Duration DAY = Duration.ofDays(1);
}
