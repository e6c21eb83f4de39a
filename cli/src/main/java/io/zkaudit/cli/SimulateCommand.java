package io.zkaudit.cli;

import io.zkaudit.simulations.Simulations;
import io.zkaudit.simulations.live.LiveSpotCheck;
import io.zkaudit.simulations.report.Report;
import io.zkaudit.simulations.report.ReportWriter;
import io.zkaudit.simulations.report.Table;
import io.zkaudit.simulations.scenario.ConfigException;
import io.zkaudit.simulations.scenario.ScenarioConfig;
import io.zkaudit.simulations.scenario.Scenarios;
import io.zkaudit.simulations.scenario.SpotCheckConfig;
import io.zkaudit.simulations.spotcheck.SpotCheckSimulation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code zkaudit simulate}: a protocol simulation run, its report and a terminal summary
 * (docs/simulations.md).
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Simulate a protocol scenario: closed forms and seeded Monte Carlo, an HTML report with"
          + " charts, a CSV per series.",
      "SCENARIO is spot-check, accuracy-audit, economics, marketplace, or a JSON configuration file"
          + " (docs/simulations.md)."
    })
final class SimulateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "SCENARIO",
      description = "a shipped scenario name or a JSON configuration file")
  String scenario;

  @Option(
      names = "--runs",
      description =
          "Monte Carlo trials per point, or marketplace runs (default: the configuration's)")
  Long runs;

  @Option(
      names = "--seed",
      description = "the seed; the same seed gives the same numbers (default: the configuration's)")
  Long seed;

  @Option(
      names = "--live",
      description =
          "spot-check only: also run it through the real seller and buyers (gRPC on loopback, H2,"
              + " real ResNet-8 proofs; the configuration's \"live\" settings) and show the"
              + " measured outcomes and costs next to the model")
  boolean live;

  @Option(
      names = "--out",
      description =
          "directory for report.html, the charts and the CSVs (default:"
              + " simulations-out/SCENARIO-SEED)")
  Path out;

  @Override
  public Integer call() throws Exception {
    ScenarioConfig config;
    try {
      config = Scenarios.load(scenario);
      if (runs != null) config = config.withRuns(runs);
      if (seed != null) config = config.withSeed(seed);
    } catch (ConfigException e) {
      throw CliException.usage(e.getMessage());
    } catch (IllegalArgumentException e) {
      throw CliException.usage(
          e.getMessage().startsWith("runs") ? "--" + e.getMessage() : e.getMessage());
    }
    if (live && !(config instanceof SpotCheckConfig)) {
      throw CliException.usage("--live runs the spot-check scenario only, not " + config.name());
    }
    Path dir = out != null ? out : Path.of("simulations-out", config.name() + "-" + config.seed());
    Report report;
    Table liveTable = null;
    try (StderrProgress progress = new StderrProgress()) {
      if (live) {
        Simulations.WithLive both = Simulations.runWithLive((SpotCheckConfig) config, progress);
        report = both.report();
        liveTable = SpotCheckSimulation.liveTable(both.live());
      } else {
        report = Simulations.run(config, progress);
      }
    } catch (IllegalArgumentException e) {
      throw CliException.usage(e.getMessage());
    } catch (LiveSpotCheck.LiveException e) {
      throw CliException.usage(e.getMessage());
    }
    List<Path> files = ReportWriter.write(report, dir);
    PrintWriter w = spec.commandLine().getOut();
    w.println(
        report.title()
            + " — seed "
            + report.seed()
            + ", runs "
            + report.runs()
            + String.format(Locale.ROOT, ", %.2f s", report.seconds()));
    w.println();
    w.print(report.summary().toText());
    w.println();
    if (liveTable != null) {
      w.print(liveTable.toText());
      w.println();
    }
    w.println("report: " + files.getFirst().toAbsolutePath());
    w.println(
        "series: "
            + (files.size() - 1)
            + " more files in "
            + dir.toAbsolutePath()
            + " (PNG charts, one CSV per chart, summary.csv, config.json)");
    w.flush();
    return Main.EXIT_OK;
  }

  /**
   * The run's progress on stderr, one line redrawn at most five times a second; the scenarios
   * advance it from several threads.
   */
  private static final class StderrProgress
      implements io.zkaudit.simulations.Progress, AutoCloseable {
    private final java.util.concurrent.atomic.AtomicLong done =
        new java.util.concurrent.atomic.AtomicLong();
    private volatile String task = "";
    private volatile long total;
    private volatile long start;
    // Read without the lock by advance() to skip most redraws; draw() checks again under it.
    private volatile long lastDraw;
    private boolean drawn;

    @Override
    public synchronized void begin(String task, long total) {
      this.task = task;
      this.total = total;
      done.set(0);
      start = System.nanoTime();
      lastDraw = 0;
    }

    @Override
    public void advance(long units) {
      long d = done.addAndGet(units);
      long now = System.nanoTime();
      if (now - lastDraw >= 200_000_000L || d >= total) draw(d, now);
    }

    private synchronized void draw(long d, long now) {
      if (now - lastDraw < 200_000_000L && d < total) return;
      lastDraw = now;
      double secs = Math.max((now - start) / 1e9, 1e-9);
      int width = 30;
      int filled = total <= 0 ? width : (int) Math.min(width, d * width / total);
      double eta = d == 0 ? 0 : secs / d * Math.max(0, total - d);
      System.err.printf(
          Locale.ROOT,
          "\r%s [%s%s] %d%% %,.0f/s eta %ds   ",
          task,
          "=".repeat(filled),
          " ".repeat(width - filled),
          total <= 0 ? 100 : d * 100 / total,
          d / secs,
          (long) eta);
      System.err.flush();
      drawn = true;
    }

    @Override
    public synchronized void end() {
      if (drawn) System.err.println();
      drawn = false;
    }

    @Override
    public synchronized void close() {
      end();
    }
  }
}
