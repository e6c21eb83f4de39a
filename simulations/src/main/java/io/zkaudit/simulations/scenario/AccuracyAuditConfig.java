package io.zkaudit.simulations.scenario;

import java.util.List;

/**
 * Accuracy audits: a seller claims accuracy c; a buyer checks it on N private labelled samples and
 * the audit passes when the verified accuracy is at least c − tolerance.
 *
 * @param claimedAccuracy c
 * @param trueAccuracies the sellers' real accuracies: c itself (honest) and lower values
 *     (over-claimers)
 * @param tolerance how far below the claim a measured accuracy may fall and still pass
 * @param sampleSizes the N on the curves (Monte Carlo at each, runs trials)
 * @param boundEpsilons the ±ε of the "samples to bound accuracy" table (the seed paper's row)
 * @param boundAlpha 1 − confidence for that table (0.1 gives the paper's numbers)
 * @param overclaimMargins how far above its true accuracy a seller claims, for the stake that makes
 *     it unprofitable
 * @param sellerAccuracy the true accuracy of that seller
 * @param premiumPerPoint the extra revenue, in audit payments, per accuracy point claimed (0.2:
 *     each point earns 20% more)
 */
public record AccuracyAuditConfig(
    long runs,
    long seed,
    double claimedAccuracy,
    List<Double> trueAccuracies,
    double tolerance,
    List<Integer> sampleSizes,
    List<Double> boundEpsilons,
    double boundAlpha,
    List<Double> overclaimMargins,
    double sellerAccuracy,
    double premiumPerPoint)
    implements ScenarioConfig {
  public static final String NAME = "accuracy-audit";

  public AccuracyAuditConfig {
    ScenarioConfig.checkRunsAndSeed(runs);
    ScenarioConfig.check(
        claimedAccuracy > 0 && claimedAccuracy <= 1,
        "claimedAccuracy must be in (0, 1], got " + claimedAccuracy);
    ScenarioConfig.check(
        trueAccuracies != null && !trueAccuracies.isEmpty(),
        "trueAccuracies must list at least one accuracy");
    for (double p : trueAccuracies) ScenarioConfig.checkProbability(p, "trueAccuracies");
    ScenarioConfig.check(
        tolerance >= 0 && tolerance < claimedAccuracy,
        "tolerance must be in [0, claimedAccuracy), got " + tolerance);
    ScenarioConfig.check(
        sampleSizes != null && !sampleSizes.isEmpty(), "sampleSizes must list at least one N");
    for (int n : sampleSizes)
      ScenarioConfig.check(n >= 1 && n <= 200_000, "sampleSizes must be in [1, 200000], got " + n);
    ScenarioConfig.check(boundEpsilons != null, "boundEpsilons is required");
    for (double e : boundEpsilons)
      ScenarioConfig.check(e > 0 && e < 0.5, "boundEpsilons must be in (0, 0.5), got " + e);
    ScenarioConfig.check(
        boundAlpha > 0 && boundAlpha < 1, "boundAlpha must be in (0, 1), got " + boundAlpha);
    ScenarioConfig.check(overclaimMargins != null, "overclaimMargins is required");
    for (double d : overclaimMargins)
      ScenarioConfig.check(
          d > 0 && sellerAccuracy + d <= 1,
          "overclaimMargins must be > 0 and keep the claim <= 1, got " + d);
    ScenarioConfig.check(
        sellerAccuracy > 0 && sellerAccuracy < 1,
        "sellerAccuracy must be in (0, 1), got " + sellerAccuracy);
    ScenarioConfig.check(
        premiumPerPoint >= 0, "premiumPerPoint must be >= 0, got " + premiumPerPoint);
    trueAccuracies = List.copyOf(trueAccuracies);
    sampleSizes = sampleSizes.stream().sorted().distinct().toList();
    boundEpsilons = List.copyOf(boundEpsilons);
    overclaimMargins = List.copyOf(overclaimMargins);
  }

  @Override
  public AccuracyAuditConfig withRuns(long r) {
    return new AccuracyAuditConfig(
        r,
        seed,
        claimedAccuracy,
        trueAccuracies,
        tolerance,
        sampleSizes,
        boundEpsilons,
        boundAlpha,
        overclaimMargins,
        sellerAccuracy,
        premiumPerPoint);
  }

  @Override
  public AccuracyAuditConfig withSeed(long s) {
    return new AccuracyAuditConfig(
        runs,
        s,
        claimedAccuracy,
        trueAccuracies,
        tolerance,
        sampleSizes,
        boundEpsilons,
        boundAlpha,
        overclaimMargins,
        sellerAccuracy,
        premiumPerPoint);
  }
}
