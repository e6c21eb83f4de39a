package io.zkaudit.escrow;

import java.math.BigInteger;
import java.time.Duration;

/**
 * The constants fixed when the contracts are deployed.
 *
 * @param minRegistrationStake smallest bond (wei) a model registration must carry
 * @param registryWithdrawDelay how long after retiring a model its bond stays locked
 * @param contestWindow how long after paying a buyer may contest answers of an order
 * @param proofWindow how long the seller has to prove a contested answer
 * @param auditStakeWindow how long the seller has to accept (stake on) an audit request
 * @param auditRevealWindow how long the buyer has to reveal its test set after the stake
 * @param auditResultWindow how long the parties have to settle after the reveal
 */
public record EscrowParameters(
    BigInteger minRegistrationStake,
    Duration registryWithdrawDelay,
    Duration contestWindow,
    Duration proofWindow,
    Duration auditStakeWindow,
    Duration auditRevealWindow,
    Duration auditResultWindow) {

  public EscrowParameters {
    if (minRegistrationStake == null || minRegistrationStake.signum() < 0) {
      throw EscrowException.invalidArgument("minimum registration stake must be >= 0");
    }
    for (Duration window :
        new Duration[] {
          registryWithdrawDelay,
          contestWindow,
          proofWindow,
          auditStakeWindow,
          auditRevealWindow,
          auditResultWindow
        }) {
      if (window == null || window.isNegative() || window.toSeconds() < 1) {
        throw EscrowException.invalidArgument(
            "every window must be at least one second: " + window);
      }
    }
  }

  /** Windows long enough for a person in the loop; a demo may shorten them. */
  public static EscrowParameters defaults() {
    return new EscrowParameters(
        Wei.ether(1),
        Duration.ofDays(7),
        Duration.ofDays(1),
        Duration.ofDays(1),
        Duration.ofDays(1),
        Duration.ofDays(1),
        Duration.ofDays(2));
  }
}
