package io.zkaudit.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.simulations.economics.Calibration;
import io.zkaudit.simulations.economics.EconomicsSimulation;
import io.zkaudit.simulations.economics.EconomicsSimulation.Protocol;
import io.zkaudit.simulations.scenario.EconomicsConfig;
import io.zkaudit.simulations.scenario.Scenarios;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class EconomicsSimulationTest {

  /** The repository's docs/ (tests run in the module's directory). */
  static Path docs(String name) {
    return Path.of("..", "docs", name);
  }

  @Test
  void everyCalibratedFigureIsInTheDocumentItCites() throws Exception {
    Calibration cal = Calibration.shipped();
    String bench = Files.readString(docs("benchmarks.md"));
    String gas = Files.readString(docs("escrow-gas.md"));
    for (Calibration.Model m : cal.models()) {
      assertTrue(
          bench.contains(String.format(java.util.Locale.ROOT, "%.2f s", m.proveSeconds())),
          m.name() + " prove time in benchmarks.md");
      assertTrue(
          bench.contains((m.proofBytes() / 1000) + " KB"),
          m.name() + " proof size in benchmarks.md");
    }
    for (long g :
        List.of(
            cal.gas().contestedAnswer(), cal.gas().auditSettled(), cal.gas().predictionOrder())) {
      assertTrue(
          gas.contains(String.format(java.util.Locale.ROOT, "%,d", g)), g + " in escrow-gas.md");
    }
  }

  @Test
  void costsFollowFromTheCalibration() throws Exception {
    EconomicsConfig c = (EconomicsConfig) Scenarios.load("economics");
    var result = EconomicsSimulation.compute(c, Progress.NONE);
    Calibration.Model mobilenet = result.calibration().model("mobilenet-v2").orElseThrow();
    var audit =
        result.costs().stream()
            .filter(
                x ->
                    x.model().equals("mobilenet-v2")
                        && x.protocol() == Protocol.AUDIT
                        && x.samples() == 14979)
            .findFirst()
            .orElseThrow();
    double coreSeconds = 14979 * mobilenet.proveSeconds() * result.calibration().coresPerProof();
    assertEquals(coreSeconds, audit.coreSeconds(), 1e-6);
    assertEquals(coreSeconds / 3600 * c.pricePerCoreHour(), audit.proverDollars(), 1e-9);
    assertEquals(
        result.calibration().gas().auditSettled() * c.gasPriceGwei() * 1e-9 * c.ethUsd(),
        audit.gasDollars(),
        1e-9);
    assertEquals(2494.90, audit.paperDollars().orElseThrow(), 1e-9);
    // A contest pays gas per contested answer.
    var contest =
        result.costs().stream()
            .filter(x -> x.protocol() == Protocol.CONTEST && x.samples() == 72)
            .findFirst()
            .orElseThrow();
    assertEquals(72 * result.calibration().gas().contestedAnswer(), contest.gas());
    assertEquals(
        c.models().size() * (1 + c.contestSamples().size() + c.auditSamples().size()),
        result.costs().size());
  }

  @Test
  void thePapersDollarsAreSamplesTimesOnePricePerProof() {
    for (PaperFigures.Row r : PaperFigures.CONTESTS)
      assertEquals(0.1666, r.dollars() / r.samples(), 0.0002, r.toString());
    for (PaperFigures.Row r : PaperFigures.AUDITS)
      assertEquals(0.1666, r.dollars() / r.samples(), 0.0002, r.toString());
  }

  @Test
  void anUnknownModelIsRefusedByName() throws Exception {
    EconomicsConfig c = (EconomicsConfig) Scenarios.load("economics");
    EconomicsConfig bad =
        new EconomicsConfig(1, 1, List.of("vgg16"), 0.04, 20, 3000, List.of(72), List.of(600));
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> EconomicsSimulation.compute(bad, Progress.NONE));
    assertTrue(
        e.getMessage().contains("vgg16") && e.getMessage().contains("mobilenet-v2"),
        e.getMessage());
    assertEquals(3, c.models().size());
  }
}
