package io.zkaudit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulateCommandTest {

  /** The error output is one line, "zkaudit: ...", and no stack trace. */
  static void oneLine(CliRuns.Run r, String expected) {
    assertEquals(Main.EXIT_USAGE, r.code(), r.err());
    String err = r.err().strip();
    assertTrue(
        err.startsWith("zkaudit: ") && !err.contains("\n") && !err.contains("Exception"),
        "one clear line: " + r.err());
    assertTrue(err.contains(expected), err);
  }

  @Test
  void aShippedScenarioRunsAndWritesItsReport(@TempDir Path dir) throws Exception {
    var r =
        CliRuns.run(
            "simulate", "spot-check", "--runs", "5000", "--seed", "3", "--out", dir.toString());
    assertEquals(Main.EXIT_OK, r.code(), r.err());
    assertTrue(r.out().contains("Spot-checked predictions — seed 3, runs 5000"), r.out());
    assertTrue(r.out().contains("Contested answers needed for 97.50% detection"), r.out());
    assertTrue(r.out().contains("report: " + dir.resolve("report.html").toAbsolutePath()), r.out());
    assertTrue(Files.readString(dir.resolve("config.json")).contains("\"seed\" : 3"));
    assertTrue(Files.size(dir.resolve("detection.png")) > 1000);
  }

  @Test
  void aConfigurationFileRuns(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("economics.json");
    Files.writeString(
        config,
        """
        {"scenario": "economics", "runs": 1, "seed": 1, "models": ["resnet8"], "pricePerCoreHour": 0.10,
         "gasPriceGwei": 0.05, "ethUsd": 3000, "contestSamples": [72], "auditSamples": [600]}
        """);
    var r = CliRuns.run("simulate", config.toString(), "--out", dir.resolve("out").toString());
    assertEquals(Main.EXIT_OK, r.code(), r.err());
    assertTrue(r.out().contains("resnet8") && !r.out().contains("mobilenet-v2"), r.out());
  }

  @Test
  void anUnknownScenarioExitsTwoWithOneLine() {
    oneLine(
        CliRuns.run("simulate", "poker"),
        "unknown scenario 'poker': name one of spot-check, accuracy-audit, economics, marketplace");
  }

  @Test
  void aMalformedConfigurationExitsTwoWithOneLine(@TempDir Path dir) throws Exception {
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"scenario\": \"spot-check\", \"runs\": ");
    oneLine(CliRuns.run("simulate", broken.toString()), broken + ": ");
    Path invalid = dir.resolve("invalid.json");
    Files.writeString(
        invalid,
        """
        {"scenario": "accuracy-audit", "runs": 10, "seed": 1, "claimedAccuracy": 1.7, "trueAccuracies": [0.9], "tolerance": 0.02,
         "sampleSizes": [100], "boundEpsilons": [0.05], "boundAlpha": 0.1, "overclaimMargins": [0.03], "sellerAccuracy": 0.85, "premiumPerPoint": 0.2}
        """);
    oneLine(
        CliRuns.run("simulate", invalid.toString()), "claimedAccuracy must be in (0, 1], got 1.7");
    oneLine(
        CliRuns.run("simulate", "spot-check", "--runs", "0"), "--runs must be in [1, 10^9], got 0");
    oneLine(
        CliRuns.run("simulate", "economics", "--live"),
        "--live runs the spot-check scenario only, not economics");
  }
}
