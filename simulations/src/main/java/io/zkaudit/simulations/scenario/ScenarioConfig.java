package io.zkaudit.simulations.scenario;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One scenario's configuration. {@code runs} and {@code seed} are the command line's to override.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "scenario")
@JsonSubTypes({
  @JsonSubTypes.Type(value = SpotCheckConfig.class, name = SpotCheckConfig.NAME),
  @JsonSubTypes.Type(value = AccuracyAuditConfig.class, name = AccuracyAuditConfig.NAME),
  @JsonSubTypes.Type(value = EconomicsConfig.class, name = EconomicsConfig.NAME),
  @JsonSubTypes.Type(value = MarketplaceConfig.class, name = MarketplaceConfig.NAME)
})
public sealed interface ScenarioConfig
    permits SpotCheckConfig, AccuracyAuditConfig, EconomicsConfig, MarketplaceConfig {
  /** Monte Carlo trials per estimated point, or market replications. */
  long runs();

  long seed();

  ScenarioConfig withRuns(long runs);

  ScenarioConfig withSeed(long seed);

  /** The name the "scenario" field and the command line use. */
  default String name() {
    return switch (this) {
      case SpotCheckConfig c -> SpotCheckConfig.NAME;
      case AccuracyAuditConfig c -> AccuracyAuditConfig.NAME;
      case EconomicsConfig c -> EconomicsConfig.NAME;
      case MarketplaceConfig c -> MarketplaceConfig.NAME;
    };
  }

  static void check(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(message);
  }

  static void checkProbability(double p, String field) {
    check(p >= 0 && p <= 1, field + " must be in [0, 1], got " + p);
  }

  static void checkRunsAndSeed(long runs) {
    check(runs >= 1 && runs <= 1_000_000_000L, "runs must be in [1, 10^9], got " + runs);
  }
}
