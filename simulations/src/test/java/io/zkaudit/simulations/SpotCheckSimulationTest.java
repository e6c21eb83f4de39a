package io.zkaudit.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.simulations.scenario.Scenarios;
import io.zkaudit.simulations.scenario.SpotCheckConfig;
import io.zkaudit.simulations.spotcheck.SpotCheckSimulation;
import io.zkaudit.simulations.spotcheck.SpotCheckSimulation.Row;
import io.zkaudit.simulations.stats.Proportion;
import io.zkaudit.simulations.stats.SpotCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpotCheckSimulationTest {

  static SpotCheckConfig shipped(long runs) throws Exception {
    return ((SpotCheckConfig) Scenarios.load("spot-check")).withRuns(runs);
  }

  static Row row(SpotCheckSimulation.Result r, double f) {
    return r.rows().stream().filter(x -> x.tamperFraction() == f).findFirst().orElseThrow();
  }

  @Test
  void theSeedPapersContestRowComesOutOfTheShippedScenario() throws Exception {
    var result = SpotCheckSimulation.compute(shipped(20_000), Progress.NONE);
    // 97.5% detection from 50,000 answers: exactly the paper's 72 and 366 for 5% and 1% ...
    assertEquals(
        PaperFigures.contestRow(0.05).orElseThrow().samples(), row(result, 0.05).samplesFinite());
    assertEquals(
        PaperFigures.contestRow(0.01).orElseThrow().samples(), row(result, 0.01).samplesFinite());
    // ... and its 183, which is what 2% tampering needs; 2.5% needs 146.
    assertEquals(
        PaperFigures.contestRow(0.025).orElseThrow().samples(), row(result, 0.02).samplesFinite());
    assertEquals(146, row(result, 0.025).samplesFinite());
    // Unbounded answer sets: 1 − (1 − f)^k ≥ 97.5% gives 72 / 183 / 368.
    assertEquals(
        List.of(72, 146, 183, 368), result.rows().stream().map(Row::samplesUnbounded).toList());
  }

  @Test
  void sampleSizesAreTheSmallestThatReachTheConfidence() {
    for (double f : new double[] {0.05, 0.02, 0.01, 0.001}) {
      int k = SpotCheck.samplesFor(f, 0.975);
      assertTrue(SpotCheck.detection(f, k) >= 0.975, "k = " + k + " detects");
      assertTrue(SpotCheck.detection(f, k - 1) < 0.975, "k - 1 does not");
      int h = SpotCheck.samplesFor(50_000, f, 0.975);
      long m = Math.round(f * 50_000);
      assertTrue(
          SpotCheck.detection(50_000, m, h) >= 0.975
              && SpotCheck.detection(50_000, m, h - 1) < 0.975);
    }
    assertEquals(1 - Math.pow(0.95, 72), SpotCheck.detection(0.05, 72), 1e-12);
    // Without replacement from 10 answers with 1 tampered, k of them find it with probability k/10.
    assertEquals(0.3, SpotCheck.detection(10, 1, 3), 1e-12);
  }

  @Test
  void monteCarloAgreesWithTheClosedFormsWithinTheirIntervals() throws Exception {
    for (long answers : new long[] {50_000, 0}) {
      SpotCheckConfig base = shipped(100_000);
      SpotCheckConfig c =
          new SpotCheckConfig(
              base.runs(),
              base.seed(),
              base.tamperFractions(),
              base.confidence(),
              base.maxContested(),
              answers,
              base.monteCarloContested(),
              base.targeting(),
              base.valueShape(),
              base.answerValue(),
              base.live());
      var result = SpotCheckSimulation.compute(c, Progress.NONE);
      assertTrue(result.estimates().size() >= 20, "estimates at many points");
      for (var e : result.estimates()) {
        assertTrue(
            e.monteCarlo().contains(e.closedForm(), Proportion.Z_999),
            "N="
                + answers
                + " f="
                + e.tamperFraction()
                + " k="
                + e.contested()
                + ": "
                + e.monteCarlo()
                + " vs "
                + e.closedForm());
      }
    }
  }

  @Test
  void monteCarloTellsTheTwoClosedFormsApartWhereTheyDiffer() throws Exception {
    // 400 answers, 1% tampered (4 answers), 200 contested: with and without replacement differ by
    // about 0.07; a million trials must side with the hypergeometric, so the simulation is not just
    // reproducing whichever formula it is compared with.
    SpotCheckConfig base = shipped(1_000_000);
    SpotCheckConfig c =
        new SpotCheckConfig(
            base.runs(),
            5,
            List.of(0.01),
            0.975,
            400,
            400,
            List.of(200),
            "random",
            2,
            0.05,
            base.live());
    var e =
        SpotCheckSimulation.compute(c, Progress.NONE).estimates().stream()
            .filter(x -> x.contested() == 200)
            .findFirst()
            .orElseThrow();
    double hyper = SpotCheck.detection(400, 4, 200), unbounded = SpotCheck.detection(0.01, 200);
    assertTrue(hyper - unbounded > 0.03, "the forms differ: " + hyper + " vs " + unbounded);
    assertTrue(e.monteCarlo().contains(hyper, Proportion.Z_999));
    assertTrue(!e.monteCarlo().contains(unbounded, Proportion.Z_999));
  }

  @Test
  void targetingValuableRequestsLosesTheBuyerMore() throws Exception {
    SpotCheckConfig random = shipped(1000);
    SpotCheckConfig targeted =
        new SpotCheckConfig(
            1000,
            1,
            random.tamperFractions(),
            0.975,
            400,
            50_000,
            List.of(),
            "high-value",
            2,
            0.05,
            random.live());
    for (double f : random.tamperFractions()) {
      double lossRandom = SpotCheckSimulation.expectedLoss(random, f, 72);
      double lossTargeted = SpotCheckSimulation.expectedLoss(targeted, f, 72);
      // Pareto(2): the top f of requests hold sqrt(f) of the value.
      assertEquals(Math.sqrt(f) / f, lossTargeted / lossRandom, 1e-9);
      assertTrue(lossTargeted > lossRandom);
    }
  }
}
