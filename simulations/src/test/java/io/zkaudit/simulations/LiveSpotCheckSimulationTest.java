package io.zkaudit.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.data.SharedData;
import io.zkaudit.simulations.live.LiveSpotCheck;
import io.zkaudit.simulations.report.ReportWriter;
import io.zkaudit.simulations.scenario.Scenarios;
import io.zkaudit.simulations.scenario.SpotCheckConfig;
import io.zkaudit.simulations.stats.Proportion;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenario 1 through the real seller and buyers: a cheating seller is caught as the model says. */
class LiveSpotCheckSimulationTest {

  @Test
  void aCheatingSellerIsCaughtAsOftenAsTheModelPredictsAndOnlyWhenItCheated(@TempDir Path dir)
      throws Exception {
    Assumptions.assumeTrue(
        SharedData.resolve("models/resnet8_cifar10_int8.tflite").isPresent(),
        "skipped: ../shared/models/resnet8_cifar10_int8.tflite is not present (it is in CI)");
    SpotCheckConfig shipped = (SpotCheckConfig) Scenarios.load("spot-check");
    // Half the answers tampered, one contested per order: P(caught) = 1/2, from 12 orders by 3
    // buyers at once.
    SpotCheckConfig c =
        new SpotCheckConfig(
            2000,
            11,
            shipped.tamperFractions(),
            shipped.confidence(),
            shipped.maxContested(),
            shipped.answers(),
            shipped.monteCarloContested(),
            shipped.targeting(),
            shipped.valueShape(),
            shipped.answerValue(),
            new SpotCheckConfig.Live("resnet8", 12, 4, 0.5, 1, 3));
    Simulations.WithLive both = Simulations.runWithLive(c, Progress.NONE);
    LiveSpotCheck.Result live = both.live();

    assertEquals(12, live.orders().size());
    assertEquals(
        0, live.wrongVerdicts(), "caught exactly the orders whose contest held a tampered answer");
    for (LiveSpotCheck.Order o : live.orders()) {
      if (o.caught()) assertTrue(o.tampered() > 0, "an honest order is never caught: " + o);
      else assertTrue(o.proofBytes() > 100_000, "an honest contest returns its proof: " + o);
    }
    assertEquals(0.5, live.predicted(), 1e-12);
    assertTrue(
        live.detection().contains(live.predicted(), Proportion.Z_999),
        live.detection() + " vs " + live.predicted());
    long tampered = live.orders().stream().mapToLong(LiveSpotCheck.Order::tampered).sum();
    assertTrue(
        new Proportion(tampered, 48).contains(0.5, Proportion.Z_999),
        tampered + " of 48 answers tampered");
    assertEquals(12, live.proofs(), "one real proof per contest");
    assertTrue(live.proofBytesPerProof() > 100_000 && live.cpuSecondsPerProof() > 0);

    var files = ReportWriter.write(both.report(), dir);
    assertTrue(
        Files.readString(files.getFirst()).contains("Live run: the real seller and 3 buyers"));
    assertTrue(Files.exists(dir.resolve("live-detection.csv")));
  }
}
