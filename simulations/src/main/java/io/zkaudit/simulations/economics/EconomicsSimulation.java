package io.zkaudit.simulations.economics;

import static io.zkaudit.simulations.Format.f;

import io.zkaudit.simulations.Format;
import io.zkaudit.simulations.PaperFigures;
import io.zkaudit.simulations.Progress;
import io.zkaudit.simulations.report.Figure;
import io.zkaudit.simulations.report.Report;
import io.zkaudit.simulations.report.Series;
import io.zkaudit.simulations.report.Table;
import io.zkaudit.simulations.scenario.EconomicsConfig;
import io.zkaudit.simulations.scenario.Scenarios;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Scenario 3: what each protocol costs per model, in core-seconds, dollars, proof bytes and gas.
 */
public final class EconomicsSimulation {
  private EconomicsSimulation() {}

  public enum Protocol {
    PROOF,
    CONTEST,
    AUDIT
  }

  /** One protocol run's cost for one model. */
  public record Cost(
      String model,
      Protocol protocol,
      int samples,
      double coreSeconds,
      double proverDollars,
      long proofBytes,
      long gas,
      double gasDollars,
      Optional<Double> paperDollars) {
    public double totalDollars() {
      return proverDollars + gasDollars;
    }
  }

  public record Result(
      EconomicsConfig config, Calibration calibration, List<Cost> costs, Report report) {}

  public static Result compute(EconomicsConfig c, Progress progress) {
    Calibration cal = Calibration.shipped();
    for (String m : c.models()) {
      if (cal.model(m).isEmpty()) {
        throw new IllegalArgumentException(
            "unknown model '"
                + m
                + "' in models: the calibration has "
                + String.join(", ", cal.models().stream().map(Calibration.Model::name).toList()));
      }
    }
    progress.begin("economics", c.models().size());
    List<Cost> costs = new ArrayList<>();
    for (String name : c.models()) {
      Calibration.Model m = cal.model(name).orElseThrow();
      costs.add(cost(c, cal, m, Protocol.PROOF, 1, 0, Optional.of(PaperFigures.DOLLARS_PER_PROOF)));
      for (int k : c.contestSamples()) {
        Optional<Double> paper =
            PaperFigures.CONTESTS.stream()
                .filter(r -> r.samples() == k)
                .map(PaperFigures.Row::dollars)
                .findFirst();
        costs.add(cost(c, cal, m, Protocol.CONTEST, k, k * cal.gas().contestedAnswer(), paper));
      }
      for (int n : c.auditSamples()) {
        Optional<Double> paper =
            PaperFigures.AUDITS.stream()
                .filter(r -> r.samples() == n)
                .map(PaperFigures.Row::dollars)
                .findFirst();
        costs.add(cost(c, cal, m, Protocol.AUDIT, n, cal.gas().auditSettled(), paper));
      }
      progress.advance(1);
    }
    progress.end();
    return new Result(c, cal, List.copyOf(costs), report(c, cal, costs));
  }

  static Cost cost(
      EconomicsConfig c,
      Calibration cal,
      Calibration.Model m,
      Protocol p,
      int proofs,
      long gas,
      Optional<Double> paper) {
    double coreSeconds = proofs * m.coreSeconds(cal.coresPerProof());
    double prover = coreSeconds / 3600 * c.pricePerCoreHour();
    double gasDollars = gas * c.gasPriceGwei() * 1e-9 * c.ethUsd();
    return new Cost(
        m.name(), p, proofs, coreSeconds, prover, proofs * m.proofBytes(), gas, gasDollars, paper);
  }

  private static Report report(EconomicsConfig c, Calibration cal, List<Cost> costs) {
    Table summary =
        new Table(
            f(
                "Proving cost per protocol run (%s per core-hour) next to the seed paper's",
                Format.dollars(c.pricePerCoreHour())),
            List.of(
                "model",
                "protocol",
                "proofs",
                "prover core-s",
                "prover $",
                "proof bytes",
                "paper $",
                "paper / ours (MobileNet)"),
            costs.stream()
                .map(
                    x ->
                        List.of(
                            x.model(),
                            x.protocol().name().toLowerCase(java.util.Locale.ROOT),
                            Format.integer(x.samples()),
                            f("%,.1f", x.coreSeconds()),
                            Format.dollars(x.proverDollars()),
                            bytes(x.proofBytes()),
                            x.paperDollars().map(Format::dollars).orElse("—"),
                            // Only MobileNet v2 is the paper's model family (it proved 0.75/192, we
                            // prove 1.0/224).
                            x.model().startsWith("mobilenet")
                                ? x.paperDollars()
                                    .map(p -> f("%,.0f×", p / x.proverDollars()))
                                    .orElse("—")
                                : "—"))
                .toList());
    Table chain =
        new Table(
            f(
                "On-chain gas per protocol run (%s gwei, ETH at %s; the same for every model)",
                f("%.2f", c.gasPriceGwei()), Format.dollars(c.ethUsd())),
            List.of("protocol", "samples", "gas", "gas $", "what"),
            costs.stream()
                .filter(
                    x -> x.model().equals(c.models().getFirst()) && x.protocol() != Protocol.PROOF)
                .map(
                    x ->
                        List.of(
                            x.protocol().name().toLowerCase(java.util.Locale.ROOT),
                            Format.integer(x.samples()),
                            Format.integer(x.gas()),
                            Format.dollars(x.gasDollars()),
                            x.protocol() == Protocol.CONTEST
                                ? "contest + proveContest per answer"
                                : "one audit flow, settled by both signatures"))
                .toList());
    Table sources =
        new Table(
            "Where each measured figure comes from",
            List.of("what", "figure", "source"),
            concat(
                cal.models().stream()
                    .map(
                        m ->
                            List.of(
                                m.title(),
                                f(
                                    "prove %.2f s, proof %s, verify %.0f ms",
                                    m.proveSeconds(),
                                    bytes(m.proofBytes()),
                                    1000 * m.verifySeconds()),
                                m.source()))
                    .toList(),
                List.of(
                    List.of(
                        "escrow gas",
                        f(
                            "contested answer %,d; audit %,d; order %,d",
                            cal.gas().contestedAnswer(),
                            cal.gas().auditSettled(),
                            cal.gas().predictionOrder()),
                        cal.gas().source()),
                    List.of("cores", Integer.toString(cal.coresPerProof()), cal.coresSource()))));
    // Proving cost against samples: ours per model, and the paper's $0.1666 per proof.
    double[] x = {1, 10, 72, 183, 366, 600, 1000, 2396, 5000, 14979, 20000};
    List<Series> series = new ArrayList<>();
    for (String name : c.models()) {
      Calibration.Model m = cal.model(name).orElseThrow();
      double perProof = m.coreSeconds(cal.coresPerProof()) / 3600 * c.pricePerCoreHour();
      double[] y = new double[x.length];
      for (int i = 0; i < x.length; i++) y[i] = x[i] * perProof;
      series.add(Series.line(name + " (zkaudit, proving)", y));
    }
    double paperPerProof =
        PaperFigures.AUDITS.getLast().dollars() / PaperFigures.AUDITS.getLast().samples();
    double[] paper = new double[x.length];
    for (int i = 0; i < x.length; i++) paper[i] = x[i] * paperPerProof;
    series.add(Series.line("seed paper (MobileNet v2 0.75/192)", paper));
    double gasPerAnswer = cal.gas().contestedAnswer() * c.gasPriceGwei() * 1e-9 * c.ethUsd();
    double[] gas = new double[x.length];
    for (int i = 0; i < x.length; i++) gas[i] = x[i] * gasPerAnswer;
    series.add(Series.line("on-chain contest gas", gas));
    List<Figure> figures =
        List.of(
            new Figure(
                "cost-vs-samples",
                "Dollars per protocol run vs samples proven",
                "proofs (contested answers or audit samples)",
                "dollars",
                Figure.Scale.LOG,
                x,
                series));
    List<String> notes =
        List.of(
            "Proving is priced as the 2-vCPU machine's time: a proof's wall seconds times its"
                + " cores, at the configured price per core-hour. The seed paper's dollar figures"
                + " are samples × $0.1666 (its ~$0.17 per MobileNet v2 0.75/192 proof on a 128-vCPU"
                + " instance).",
            "A contest over gRPC (zkaudit buyer contest) costs the proofs only. Through the escrow"
                + " (zkaudit buyer escrow contest) each contested answer also costs a contest and a"
                + " proveContest transaction: at mainnet-like gas prices that is far more than"
                + " proving the answer, so the gas price, not the prover, sets the cost of on-chain"
                + " contests.");
    return new Report(
        EconomicsConfig.NAME,
        "Economics of the protocols",
        c.seed(),
        c.runs(),
        Scenarios.toJson(c),
        summary,
        List.of(chain, sources),
        figures,
        notes,
        0);
  }

  private static List<List<String>> concat(List<List<String>> a, List<List<String>> b) {
    List<List<String>> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static String bytes(long b) {
    return b >= 1_000_000_000
        ? f("%.2f GB", b / 1e9)
        : b >= 1_000_000 ? f("%.1f MB", b / 1e6) : f("%.0f KB", b / 1e3);
  }
}
