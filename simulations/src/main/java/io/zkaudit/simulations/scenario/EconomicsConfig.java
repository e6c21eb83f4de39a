package io.zkaudit.simulations.scenario;

import java.util.List;

/**
 * The economics of each protocol: what proving costs per model, from the measured calibration
 * (resource {@code /calibration/costs.json}, from docs/benchmarks.md and docs/escrow-gas.md).
 *
 * @param models calibration model names (mnist-cnn, resnet8, mobilenet-v2)
 * @param pricePerCoreHour dollars per vCPU-hour the prover rents
 * @param gasPriceGwei gas price for the escrow operations
 * @param ethUsd dollars per ether
 * @param contestSamples contested answers per contest (the paper's 72 / 183 / 366)
 * @param auditSamples samples per audit (the paper's 600 / 2,396 / 14,979)
 */
public record EconomicsConfig(
    long runs,
    long seed,
    List<String> models,
    double pricePerCoreHour,
    double gasPriceGwei,
    double ethUsd,
    List<Integer> contestSamples,
    List<Integer> auditSamples)
    implements ScenarioConfig {
  public static final String NAME = "economics";

  public EconomicsConfig {
    ScenarioConfig.checkRunsAndSeed(runs);
    ScenarioConfig.check(
        models != null && !models.isEmpty(), "models must list at least one model");
    ScenarioConfig.check(
        pricePerCoreHour >= 0, "pricePerCoreHour must be >= 0, got " + pricePerCoreHour);
    ScenarioConfig.check(gasPriceGwei >= 0, "gasPriceGwei must be >= 0, got " + gasPriceGwei);
    ScenarioConfig.check(ethUsd >= 0, "ethUsd must be >= 0, got " + ethUsd);
    ScenarioConfig.check(
        contestSamples != null && !contestSamples.isEmpty(),
        "contestSamples must list at least one k");
    ScenarioConfig.check(
        auditSamples != null && !auditSamples.isEmpty(), "auditSamples must list at least one N");
    for (int k : contestSamples)
      ScenarioConfig.check(k >= 1, "contestSamples must be >= 1, got " + k);
    for (int n : auditSamples) ScenarioConfig.check(n >= 1, "auditSamples must be >= 1, got " + n);
    models = List.copyOf(models);
    contestSamples = List.copyOf(contestSamples);
    auditSamples = List.copyOf(auditSamples);
  }

  @Override
  public EconomicsConfig withRuns(long r) {
    return new EconomicsConfig(
        r, seed, models, pricePerCoreHour, gasPriceGwei, ethUsd, contestSamples, auditSamples);
  }

  @Override
  public EconomicsConfig withSeed(long s) {
    return new EconomicsConfig(
        runs, s, models, pricePerCoreHour, gasPriceGwei, ethUsd, contestSamples, auditSamples);
  }
}
