package io.zkaudit.escrow;

import java.math.BigInteger;

/**
 * What a buyer offers for an accuracy audit of a model.
 *
 * @param samples number of test samples (the result's total must equal it)
 * @param claimedAccuracyBps the seller's claimed accuracy in basis points (9_500 = 95%)
 * @param payment what the buyer pays (wei), sent with the request
 * @param requiredStake what the seller must stake (wei) to accept
 */
public record AuditTerms(
    long modelId,
    int samples,
    int claimedAccuracyBps,
    BigInteger payment,
    BigInteger requiredStake) {
  public static final int MAX_SAMPLES = 1_000_000;
  public static final int FULL_ACCURACY_BPS = 10_000;

  public AuditTerms {
    if (samples < 1 || samples > MAX_SAMPLES) {
      throw EscrowException.invalidArgument(
          "samples must be in 1.." + MAX_SAMPLES + ": " + samples);
    }
    if (claimedAccuracyBps < 1 || claimedAccuracyBps > FULL_ACCURACY_BPS) {
      throw EscrowException.invalidArgument(
          "claimed accuracy must be in 1..10000 bps: " + claimedAccuracyBps);
    }
    if (payment.signum() <= 0 || requiredStake.signum() <= 0) {
      throw EscrowException.invalidArgument("payment and required stake must be positive");
    }
  }
}
