package io.zkaudit.simulations;

import io.zkaudit.simulations.audit.AccuracyAuditSimulation;
import io.zkaudit.simulations.economics.EconomicsSimulation;
import io.zkaudit.simulations.live.LiveSpotCheck;
import io.zkaudit.simulations.market.MarketplaceSimulation;
import io.zkaudit.simulations.report.Report;
import io.zkaudit.simulations.scenario.AccuracyAuditConfig;
import io.zkaudit.simulations.scenario.EconomicsConfig;
import io.zkaudit.simulations.scenario.MarketplaceConfig;
import io.zkaudit.simulations.scenario.ScenarioConfig;
import io.zkaudit.simulations.scenario.SpotCheckConfig;
import io.zkaudit.simulations.spotcheck.SpotCheckSimulation;

/** Runs a scenario: the same configuration (seed included) always gives the same report numbers. */
public final class Simulations {
  private Simulations() {}

  public static Report run(ScenarioConfig config, Progress progress) {
    long start = System.nanoTime();
    Report r =
        switch (config) {
          case SpotCheckConfig c -> SpotCheckSimulation.compute(c, progress).report();
          case AccuracyAuditConfig c -> AccuracyAuditSimulation.compute(c, progress).report();
          case EconomicsConfig c -> EconomicsSimulation.compute(c, progress).report();
          case MarketplaceConfig c -> MarketplaceSimulation.compute(c, progress).report();
        };
    return r.withSeconds((System.nanoTime() - start) / 1e9);
  }

  /** Scenario 1 and its live run through the real seller and buyers, in one report. */
  public record WithLive(Report report, LiveSpotCheck.Result live) {}

  public static WithLive runWithLive(SpotCheckConfig config, Progress progress)
      throws LiveSpotCheck.LiveException {
    long start = System.nanoTime();
    Report monteCarlo = SpotCheckSimulation.compute(config, progress).report();
    LiveSpotCheck.Result live = LiveSpotCheck.run(config, progress);
    return new WithLive(
        SpotCheckSimulation.withLive(monteCarlo, live)
            .withSeconds((System.nanoTime() - start) / 1e9),
        live);
  }
}
