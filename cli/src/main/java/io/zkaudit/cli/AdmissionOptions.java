package io.zkaudit.cli;

import io.zkaudit.protocols.seller.AdmissionLimits;
import picocli.CommandLine.Option;

/**
 * {@code seller serve}'s admission control: what buyers may demand before the seller refuses
 * (docs/operations.md).
 */
final class AdmissionOptions {
  private static final AdmissionLimits D = AdmissionLimits.defaults();

  @Option(
      names = "--max-calls",
      description = "calls handled at once; more are refused (default: 512)")
  Integer maxCalls;

  @Option(
      names = "--max-queued-proofs",
      description = "predict proofs waiting at most; more are refused (default: 16)")
  Integer queued;

  @Option(
      names = "--max-queued-proofs-per-buyer",
      description = "of those, per buyer key (default: 4)")
  Integer queuedPerBuyer;

  @Option(
      names = "--requests-per-minute",
      description = "signed requests per buyer key and minute (default: 600)")
  Integer perMinute;

  @Option(
      names = "--request-burst",
      description = "signed requests a buyer key may send at once (default: 60)")
  Integer burst;

  @Option(
      names = "--answers-per-hour",
      description = "answers per buyer key and hour (default: 600)")
  Integer answersPerHour;

  @Option(
      names = "--audit-samples-per-day",
      description = "audit samples per buyer key and day (default: 20000)")
  Integer auditSamplesPerDay;

  AdmissionLimits limits() {
    try {
      return new AdmissionLimits(
          or(maxCalls, D.maxInFlightCalls()),
          or(queued, D.queuedAnswerProofs()),
          or(queuedPerBuyer, D.queuedAnswerProofsPerBuyer()),
          or(perMinute, D.requestsPerMinute()),
          or(burst, D.requestBurst()),
          or(answersPerHour, D.answersPerHour()),
          or(auditSamplesPerDay, D.auditSamplesPerDay()));
    } catch (IllegalArgumentException e) {
      throw CliException.usage(
          "--max-calls, --max-queued-proofs*, --requests-per-minute, --request-burst,"
              + " --answers-per-hour and --audit-samples-per-day must be at least 1");
    }
  }

  private static int or(Integer value, int otherwise) {
    return value != null ? value : otherwise;
  }
}
