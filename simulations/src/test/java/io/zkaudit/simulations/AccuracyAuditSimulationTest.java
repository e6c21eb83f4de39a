package io.zkaudit.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.simulations.audit.AccuracyAuditSimulation;
import io.zkaudit.simulations.audit.AuditMath;
import io.zkaudit.simulations.scenario.AccuracyAuditConfig;
import io.zkaudit.simulations.scenario.Scenarios;
import io.zkaudit.simulations.stats.Binomial;
import io.zkaudit.simulations.stats.MonteCarlo;
import io.zkaudit.simulations.stats.Proportion;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AccuracyAuditSimulationTest {

  static AccuracyAuditConfig shipped(long runs) throws Exception {
    return ((AccuracyAuditConfig) Scenarios.load("accuracy-audit")).withRuns(runs);
  }

  @Test
  void theSeedPapersAuditRowComesOutOfTheShippedScenario() throws Exception {
    var result = AccuracyAuditSimulation.compute(shipped(200), Progress.NONE);
    assertEquals(
        List.of(600, 2397, 14979),
        result.bounds().stream().map(AccuracyAuditSimulation.Bound::hoeffding).toList());
    for (var b : result.bounds()) {
      int paper = b.paper().orElseThrow().samples();
      // The paper's numbers are ln(20)/(2ε²) rounded: 600 and 14,979 up, 2,396 down (from
      // 2,396.59).
      assertTrue(
          Math.abs(paper - b.hoeffdingExact()) < 1, "paper " + paper + " vs " + b.hoeffdingExact());
      assertTrue(paper == b.hoeffding() || paper == b.hoeffding() - 1);
      // The exact binomial needs far fewer: Hoeffding is the price of a bound that holds for every
      // p.
      assertTrue(
          b.exactBinomial() < 0.5 * b.hoeffding(), b.exactBinomial() + " vs " + b.hoeffding());
    }
    assertEquals(600, result.bounds().get(0).paper().orElseThrow().samples());
  }

  @Test
  void exactBinomialSampleSizeIsTheSmallestThatBoundsTheError() {
    int n = AuditMath.exactSamplesWorstCase(0.05, 0.1);
    double at = 2 * Binomial.cdf(n, 0.5, (int) Math.floor(n * 0.45 + 1e-9));
    double before = 2 * Binomial.cdf(n - 1, 0.5, (int) Math.floor((n - 1) * 0.45 + 1e-9));
    assertTrue(at <= 0.1 && before > 0.1, at + " " + before);
  }

  @Test
  void binomialTailsMatchADirectSum() {
    // Bin(10, 0.3): P(X ≤ 2) from the textbook terms.
    double direct = 0;
    for (int k = 0; k <= 2; k++) {
      double choose = k == 0 ? 1 : k == 1 ? 10 : 45;
      direct += choose * Math.pow(0.3, k) * Math.pow(0.7, 10 - k);
    }
    assertEquals(direct, Binomial.cdf(10, 0.3, 2), 1e-12);
    assertEquals(1 - direct, Binomial.upperTail(10, 0.3, 3), 1e-12);
    assertEquals(Math.log(3628800), Binomial.logFactorial(10), 1e-12);
    // Stirling above the table agrees with the table's sum.
    double sum = 0;
    for (int i = 1; i <= 2000; i++) sum += Math.log(i);
    assertEquals(sum, Binomial.logFactorial(2000), 1e-8);
  }

  @Test
  void wrongVerdictsAgreeWithTheExactBinomialAndHoeffdingBoundsThem() throws Exception {
    var result = AccuracyAuditSimulation.compute(shipped(20_000), Progress.NONE);
    assertEquals(
        shipped(1).sampleSizes().size() * shipped(1).trueAccuracies().size(),
        result.points().size());
    for (var p : result.points()) {
      assertTrue(
          p.monteCarlo().contains(p.exact(), Proportion.Z_999), p + " vs exact " + p.exact());
      assertTrue(p.hoeffding() >= p.exact() - 1e-12, "Hoeffding bounds the exact rate: " + p);
    }
    // An over-claimer 10 points below the claim almost never passes 2,396 samples.
    var far =
        result.points().stream()
            .filter(p -> p.samples() == 2396 && p.trueAccuracy() == 0.80)
            .findFirst()
            .orElseThrow();
    assertTrue(far.exact() < 1e-20);
  }

  @Test
  void simulatedAuditsHaveTheBinomialMeanAndVariance() {
    for (double p : new double[] {0.02, 0.5, 0.9, 0.999}) {
      SplittableRandom r = MonteCarlo.random(3, 7);
      int n = 500, trials = 20_000;
      double sum = 0, sq = 0;
      for (int t = 0; t < trials; t++) {
        int x = AuditMath.simulateCorrect(r, n, p);
        sum += x;
        sq += (double) x * x;
      }
      double mean = sum / trials, var = sq / trials - mean * mean;
      assertEquals(n * p, mean, 5 * Math.sqrt(n * p * (1 - p) / trials) + 1e-9, "mean at p=" + p);
      assertEquals(n * p * (1 - p), var, 0.1 * n * p * (1 - p) + 0.05, "variance at p=" + p);
    }
  }

  @Test
  void theDeterrentStakeMakesOverClaimingExactlyBreakEven() {
    int n = 50;
    double p = 0.85, d = 0.03, tol = 0.025, premium = 0.2;
    double stake = AuditMath.unprofitableStake(n, p, d, tol, premium);
    assertTrue(stake > 0 && Double.isFinite(stake), "a small audit needs a stake: " + stake);
    double honest = AuditMath.passProbability(n, p, p, tol),
        inflated = AuditMath.passProbability(n, p, p + d, tol);
    double rHonest = AuditMath.revenue(0, premium), rInflated = AuditMath.revenue(d, premium);
    assertEquals(
        honest * rHonest - (1 - honest) * stake,
        inflated * rInflated - (1 - inflated) * stake,
        1e-9);
    double more = stake * 1.01 + 1e-6, less = stake * 0.99;
    assertTrue(
        inflated * rInflated - (1 - inflated) * more < honest * rHonest - (1 - honest) * more,
        "above it over-claiming loses");
    assertTrue(
        inflated * rInflated - (1 - inflated) * less > honest * rHonest - (1 - honest) * less,
        "below it over-claiming pays");
    // Larger audits catch an over-claim beyond the tolerance reliably enough that it does not pay
    // at all.
    for (int big : new int[] {100, 600, 2396, 5000})
      assertEquals(0, AuditMath.unprofitableStake(big, p, d, tol, premium), "N = " + big);
    // One within the tolerance passes more and more often as N grows, and needs more and more
    // stake.
    assertTrue(
        AuditMath.unprofitableStake(5000, p, 0.02, tol, premium)
            > AuditMath.unprofitableStake(2396, p, 0.02, tol, premium));
    assertTrue(
        AuditMath.unprofitableStake(20000, p, 0.02, tol, premium)
            > 2 * AuditMath.unprofitableStake(5000, p, 0.02, tol, premium));
  }
}
