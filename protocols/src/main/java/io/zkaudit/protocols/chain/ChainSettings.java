package io.zkaudit.protocols.chain;

import io.zkaudit.escrow.EscrowDeployment;
import io.zkaudit.escrow.Wei;
import java.math.BigInteger;
import java.time.Duration;

/**
 * Where a party finds the chain and, for a seller, what it puts at stake.
 *
 * @param rpcUrl the node's JSON-RPC endpoint
 * @param deployment the contracts' addresses (see {@link DeploymentFile})
 * @param registrationBond the bond sent with the on-chain registration (at least the registry's
 *     minimum)
 * @param pricePerPrediction the seller's price per answer in PredictionEscrow (wei)
 * @param stakePerOrder what the seller loses to the buyer if it fails to prove a contested answer
 *     of an order
 * @param stakeDeposit how much stake the seller deposits when it starts (covers that many open
 *     orders)
 * @param pollInterval how often the seller looks for new on-chain contests and audits to settle
 * @param auditPricePerSample the least payment per sample the seller accepts for an on-chain audit
 *     (wei)
 * @param auditSettleMargin how long before an on-chain audit's result deadline the seller stops
 *     waiting for the buyer's signature and settles with proof (the attester's verification and the
 *     transaction must fit in it)
 * @param contestProofs how the seller answers on-chain contests: through the attester (default) or
 *     with its own on-chain proof; it must match the deployment's proof verifier
 */
public record ChainSettings(
    String rpcUrl,
    EscrowDeployment deployment,
    BigInteger registrationBond,
    BigInteger pricePerPrediction,
    BigInteger stakePerOrder,
    BigInteger stakeDeposit,
    Duration pollInterval,
    BigInteger auditPricePerSample,
    Duration auditSettleMargin,
    ContestProofs contestProofs) {
  public ChainSettings {
    if (contestProofs == null) {
      throw new IllegalArgumentException("how contests are proven: ATTESTER or ON_CHAIN");
    }
    if (rpcUrl == null || !(rpcUrl.startsWith("http://") || rpcUrl.startsWith("https://"))) {
      throw new IllegalArgumentException(
          "the chain's RPC URL is http:// or https://, not " + rpcUrl);
    }
    if (registrationBond.signum() < 0
        || pricePerPrediction.signum() < 0
        || stakePerOrder.signum() <= 0
        || stakeDeposit.compareTo(stakePerOrder) < 0) {
      throw new IllegalArgumentException(
          "chain amounts: bond and price >= 0, stake per order > 0,"
              + " deposit >= stake per order");
    }
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("the contest poll interval must be positive");
    }
    if (auditPricePerSample.signum() < 0 || auditSettleMargin.isNegative()) {
      throw new IllegalArgumentException(
          "the audit price per sample and settle margin must not be negative");
    }
  }

  /** A buyer's settings: only the node and the contracts matter to it. */
  public static ChainSettings forBuyer(String rpcUrl, EscrowDeployment deployment) {
    return defaults(rpcUrl, deployment);
  }

  /**
   * A seller's defaults: a 1-ether bond, 0.001 ether per answer, 1 ether at stake per order, 10
   * deposited; audits at 0.0001 ether per sample at least, settled with proof 10 minutes before
   * their result deadline when the buyer has not signed.
   */
  public static ChainSettings defaults(String rpcUrl, EscrowDeployment deployment) {
    return new ChainSettings(
        rpcUrl,
        deployment,
        Wei.ether(1),
        Wei.ether(1).divide(BigInteger.valueOf(1000)),
        Wei.ether(1),
        Wei.ether(10),
        Duration.ofSeconds(2),
        Wei.ether(1).divide(BigInteger.valueOf(10_000)),
        Duration.ofMinutes(10),
        ContestProofs.ATTESTER);
  }

  public ChainSettings withPollInterval(Duration interval) {
    return new ChainSettings(
        rpcUrl,
        deployment,
        registrationBond,
        pricePerPrediction,
        stakePerOrder,
        stakeDeposit,
        interval,
        auditPricePerSample,
        auditSettleMargin,
        contestProofs);
  }

  public ChainSettings withAuditPricePerSample(BigInteger price) {
    return new ChainSettings(
        rpcUrl,
        deployment,
        registrationBond,
        pricePerPrediction,
        stakePerOrder,
        stakeDeposit,
        pollInterval,
        price,
        auditSettleMargin,
        contestProofs);
  }

  /** The same settings, contests answered {@code how}. */
  public ChainSettings withContestProofs(ContestProofs how) {
    return new ChainSettings(
        rpcUrl,
        deployment,
        registrationBond,
        pricePerPrediction,
        stakePerOrder,
        stakeDeposit,
        pollInterval,
        auditPricePerSample,
        auditSettleMargin,
        how);
  }
}
