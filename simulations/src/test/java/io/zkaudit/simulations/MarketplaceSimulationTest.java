package io.zkaudit.simulations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.simulations.market.MarketplaceSimulation;
import io.zkaudit.simulations.scenario.MarketplaceConfig;
import io.zkaudit.simulations.scenario.MarketplaceConfig.Kind;
import io.zkaudit.simulations.scenario.Scenarios;
import org.junit.jupiter.api.Test;

class MarketplaceSimulationTest {

  static MarketplaceConfig shipped(long runs) throws Exception {
    return ((MarketplaceConfig) Scenarios.load("marketplace")).withRuns(runs);
  }

  @Test
  void cheatersLoseMoneyAndCustomersHonestSellersKeepBoth() throws Exception {
    var r = MarketplaceSimulation.compute(shipped(60), Progress.NONE);
    var honest = r.kind(Kind.HONEST);
    int last = r.config().rounds() - 1;
    for (Kind bad : new Kind[] {Kind.LAZY, Kind.CHEATING}) {
      var k = r.kind(bad);
      assertTrue(
          k.profitPerSeller()[last] < 0.1 * honest.profitPerSeller()[last],
          bad + " earns far less than honest sellers");
      assertTrue(k.orderShare()[last] < 0.1 * k.orderShare()[0], bad + " loses its customers");
      assertTrue(k.active()[last] < 0.5, bad + " mostly leaves the market");
      assertTrue(MarketplaceSimulation.firstRoundAtMost(k.active(), 0.5) > 0);
    }
    assertTrue(
        r.kind(Kind.CHEATING).slashedOrdersPerSeller() > 1, "cheaters are caught by contests");
    assertTrue(r.kind(Kind.LAZY).failedAuditsPerSeller() > 1, "lazy sellers are caught by audits");
    assertEquals(
        0, honest.slashedOrdersPerSeller(), "an honest seller proves every contested answer");
    assertEquals(1.0, honest.active()[last], 1e-12);
    // Order shares sum to one while orders are placed.
    double first = r.kinds().stream().mapToDouble(k -> k.orderShare()[0]).sum();
    assertEquals(1.0, first, 1e-9);
  }

  @Test
  void withoutContestsOrAuditsCheatingPays() throws Exception {
    MarketplaceConfig c = shipped(20);
    MarketplaceConfig blind =
        new MarketplaceConfig(
            c.runs(),
            c.seed(),
            c.rounds(),
            c.sellers(),
            c.buyers(),
            c.buyerBudget(),
            c.answersPerOrder(),
            c.pricePerAnswer(),
            c.costPerAnswer(),
            c.proofCostPerAnswer(),
            0,
            c.contestedPerOrder(),
            c.stakePerOrder(),
            c.sellerStake(),
            0,
            c.auditSamples(),
            c.auditTolerance(),
            c.auditSlash(),
            c.reputationPenalty());
    var r = MarketplaceSimulation.compute(blind, Progress.NONE);
    int last = c.rounds() - 1;
    assertTrue(
        r.kind(Kind.CHEATING).profitPerSeller()[last] > r.kind(Kind.HONEST).profitPerSeller()[last],
        "with nobody checking, serving made-up answers is cheaper");
  }

  @Test
  void theSameSeedGivesTheSameSeries() throws Exception {
    var a = MarketplaceSimulation.compute(shipped(16), Progress.NONE);
    var b = MarketplaceSimulation.compute(shipped(16), Progress.NONE);
    var other = MarketplaceSimulation.compute(shipped(16).withSeed(18), Progress.NONE);
    assertArrayEquals(
        a.kind(Kind.CHEATING).profitPerSeller(), b.kind(Kind.CHEATING).profitPerSeller());
    assertTrue(
        !java.util.Arrays.equals(
            a.kind(Kind.CHEATING).profitPerSeller(), other.kind(Kind.CHEATING).profitPerSeller()));
  }
}
