package io.zkaudit.simulations.spotcheck;

import static io.zkaudit.simulations.Format.f;

import io.zkaudit.simulations.Format;
import io.zkaudit.simulations.PaperFigures;
import io.zkaudit.simulations.Progress;
import io.zkaudit.simulations.economics.Calibration;
import io.zkaudit.simulations.live.LiveSpotCheck;
import io.zkaudit.simulations.report.Figure;
import io.zkaudit.simulations.report.Report;
import io.zkaudit.simulations.report.Series;
import io.zkaudit.simulations.report.Table;
import io.zkaudit.simulations.scenario.Scenarios;
import io.zkaudit.simulations.scenario.SpotCheckConfig;
import io.zkaudit.simulations.stats.MonteCarlo;
import io.zkaudit.simulations.stats.Proportion;
import io.zkaudit.simulations.stats.SpotCheck;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Scenario 1: detection probability and expected loss against the tamper fraction and the contested
 * sample.
 */
public final class SpotCheckSimulation {
  private SpotCheckSimulation() {}

  /**
   * One tamper fraction's figures.
   *
   * @param samplesUnbounded smallest k reaching the confidence with draws with replacement
   * @param samplesFinite the same for the finite answer set (0 when it is unbounded)
   * @param paper the seed paper's row for this f, if it has one
   * @param monteCarlo the Monte Carlo estimate at the k the scenario recommends
   */
  public record Row(
      double tamperFraction,
      int samplesUnbounded,
      int samplesFinite,
      Optional<PaperFigures.Row> paper,
      int recommended,
      double detectionClosedForm,
      Proportion monteCarlo,
      double expectedLoss) {}

  /** A Monte Carlo estimate at one (f, k) next to its closed form. */
  public record Estimate(
      double tamperFraction, int contested, double closedForm, Proportion monteCarlo) {}

  public record Result(
      SpotCheckConfig config, List<Row> rows, List<Estimate> estimates, Report report) {}

  public static Result compute(SpotCheckConfig c, Progress progress) {
    List<Double> fs = c.tamperFractions();
    List<Row> rows = new ArrayList<>();
    List<TreeSet<Integer>> mcPoints = new ArrayList<>();
    for (double tf : fs) {
      int unbounded = SpotCheck.samplesFor(tf, c.confidence());
      int finite = c.answers() > 0 ? SpotCheck.samplesFor(c.answers(), tf, c.confidence()) : 0;
      TreeSet<Integer> ks = new TreeSet<>(c.monteCarloContested());
      ks.add(Math.min(c.maxContested(), finite > 0 ? finite : unbounded));
      mcPoints.add(ks);
      rows.add(
          new Row(
              tf,
              unbounded,
              finite,
              PaperFigures.contestRow(tf),
              finite > 0 ? finite : unbounded,
              0,
              null,
              0));
    }
    long totalTrials = c.runs() * mcPoints.stream().mapToLong(TreeSet::size).sum();
    progress.begin("spot-check Monte Carlo", totalTrials);
    MonteCarlo mc = new MonteCarlo(c.seed(), progress::advance);
    List<Estimate> estimates = new ArrayList<>();
    for (int i = 0; i < fs.size(); i++) {
      double tf = fs.get(i);
      for (int k : mcPoints.get(i)) {
        Proportion p = mc.proportion(c.runs(), salt(i, k), trial(c.answers(), tf, k));
        estimates.add(new Estimate(tf, k, detection(c, tf, k), p));
      }
    }
    progress.end();
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      int k = r.recommended();
      Proportion p =
          estimates.stream()
              .filter(e -> e.tamperFraction() == r.tamperFraction() && e.contested() == k)
              .findFirst()
              .orElseThrow()
              .monteCarlo();
      rows.set(
          i,
          new Row(
              r.tamperFraction(),
              r.samplesUnbounded(),
              r.samplesFinite(),
              r.paper(),
              k,
              detection(c, r.tamperFraction(), k),
              p,
              expectedLoss(c, r.tamperFraction(), k)));
    }
    return new Result(c, List.copyOf(rows), List.copyOf(estimates), report(c, rows, estimates));
  }

  /** The closed form this scenario's answer set calls for. */
  public static double detection(SpotCheckConfig c, double tamperFraction, int k) {
    return c.answers() > 0
        ? SpotCheck.detection(c.answers(), Math.round(tamperFraction * c.answers()), k)
        : SpotCheck.detection(tamperFraction, k);
  }

  /** Answers per order the loss is counted over: the answer set, or 1,000 when it is unbounded. */
  public static long lossAnswers(SpotCheckConfig c) {
    return c.answers() > 0 ? c.answers() : 1000;
  }

  /** The share of the order's value that is tampered with. */
  public static double valueShare(SpotCheckConfig c, double tamperFraction) {
    return c.targeting().equals("high-value")
        ? Math.pow(tamperFraction, 1 - 1 / c.valueShape())
        : tamperFraction;
  }

  public static double expectedLoss(SpotCheckConfig c, double tamperFraction, int k) {
    return (1 - detection(c, tamperFraction, k))
        * valueShare(c, tamperFraction)
        * lossAnswers(c)
        * c.answerValue();
  }

  /** One contest: draws k answers one at a time and stops at the first tampered one. */
  static MonteCarlo.Trial trial(long answers, double tamperFraction, int k) {
    if (answers > 0) {
      long tampered = Math.round(tamperFraction * answers);
      // Without replacement: the i-th draw sees answers − i left, all m tampered ones among them
      // (the run stops at the first tampered draw, so none has been removed yet).
      return random -> {
        for (int i = 0; i < k; i++) if (random.nextLong(answers - i) < tampered) return true;
        return false;
      };
    }
    return random -> {
      for (int i = 0; i < k; i++) if (random.nextDouble() < tamperFraction) return true;
      return false;
    };
  }

  /** The live run's table: outcomes next to the model, measured costs next to the calibration. */
  public static Table liveTable(LiveSpotCheck.Result live) {
    SpotCheckConfig.Live c = live.config();
    Calibration calibration = Calibration.shipped();
    Calibration.Model calibrated = calibration.model(c.model()).orElseThrow();
    int cores = calibration.coresPerProof();
    Proportion caught = live.detection();
    long tampered = live.orders().stream().mapToLong(LiveSpotCheck.Order::tampered).sum();
    long answers = live.orders().stream().mapToLong(LiveSpotCheck.Order::answers).sum();
    long tamperedContested =
        live.orders().stream().filter(LiveSpotCheck.Order::tamperedContested).count();
    return new Table(
        f(
            "Live run: the real seller and %d buyers (ResNet-8, gRPC on loopback, H2), %d orders of"
                + " %d answers, %d contested each",
            c.buyers(), c.orders(), c.answersPerOrder(), c.contested()),
        List.of("what", "live", "model or calibration"),
        List.of(
            List.of(
                "tampered answers",
                f("%d of %d (%s)", tampered, answers, Format.percent((double) tampered / answers)),
                "f = " + Format.percent(c.tamperFraction())),
            List.of(
                "orders caught",
                f(
                    "%d of %d: %s [%s, %s]",
                    live.caught(),
                    live.orders().size(),
                    Format.prob(caught.mean()),
                    Format.prob(caught.lower(Proportion.Z_999)),
                    Format.prob(caught.upper(Proportion.Z_999))),
                "1-(1-f)^k = " + Format.prob(live.predicted())),
            List.of(
                "orders with a tampered answer contested",
                Long.toString(tamperedContested),
                "all caught, no honest order accused"),
            List.of("wrong verdicts", Long.toString(live.wrongVerdicts()), "0"),
            List.of(
                "prove, per contested answer (wall, " + c.buyers() + " buyers at once)",
                f("%.2f s (%d proofs)", live.proveSecondsPerProof(), live.proofs()),
                f("%.2f s (docs/benchmarks.md, one at a time)", calibrated.proveSeconds())),
            List.of(
                "CPU per proof (whole process)",
                f("%.2f core-s", live.cpuSecondsPerProof()),
                f("%.2f core-s (wall x %d cores)", calibrated.coreSeconds(cores), cores)),
            List.of(
                "proof size",
                f("%.0f KB", live.proofBytesPerProof() / 1000),
                f("%.0f KB", calibrated.proofBytes() / 1000.0)),
            List.of(
                "commit with weight range proof",
                f("%.1f s", live.commitSeconds()),
                "once per model"),
            List.of("whole live run", f("%.1f s", live.seconds()), "")));
  }

  /**
   * The report with the live run's table, a chart of its detection rate against the model, and a
   * note.
   */
  public static Report withLive(Report r, LiveSpotCheck.Result live) {
    int n = live.orders().size();
    double[] x = new double[n],
        caught = new double[n],
        contested = new double[n],
        model = new double[n];
    int c = 0, t = 0;
    for (int i = 0; i < n; i++) {
      LiveSpotCheck.Order o = live.orders().get(i);
      c += o.caught() ? 1 : 0;
      t += o.tamperedContested() ? 1 : 0;
      x[i] = i + 1;
      caught[i] = (double) c / (i + 1);
      contested[i] = (double) t / (i + 1);
      model[i] = live.predicted();
    }
    Figure fig =
        new Figure(
            "live-detection",
            "Live run: share of orders caught so far, against the model",
            "orders",
            "share of orders",
            Figure.Scale.LINEAR,
            x,
            List.of(
                Series.line("live: caught", caught).points(),
                Series.line("live: a tampered answer was contested", contested).dashed(),
                Series.line("model 1-(1-f)^k", model)));
    List<Table> tables = new ArrayList<>();
    tables.add(liveTable(live));
    tables.addAll(r.tables());
    List<Figure> figures = new ArrayList<>(r.figures());
    figures.add(fig);
    List<String> notes = new ArrayList<>(r.notes());
    notes.add(
        "Live run: a seller tampering with a fraction f of its signed answers ran in this process"
            + " behind a gRPC socket with its state in H2; buyers bought orders and contested k"
            + " answers each, the seller proved them with real ResNet-8 proofs, and a contest with"
            + " a tampered answer failed in the buyer's client. Its detection rate and its measured"
            + " prove time and proof size are shown next to the model and the calibration the Monte"
            + " Carlo scenarios use.");
    return new Report(
        r.scenario(),
        r.title() + " (with a live run)",
        r.seed(),
        r.runs(),
        r.configJson(),
        r.summary(),
        tables,
        figures,
        notes,
        r.seconds());
  }

  private static long salt(int fIndex, int k) {
    return ((long) fIndex << 32) | k;
  }

  private static Report report(SpotCheckConfig c, List<Row> rows, List<Estimate> estimates) {
    int kMax = c.maxContested();
    double[] x = new double[kMax];
    for (int k = 1; k <= kMax; k++) x[k - 1] = k;
    List<Series> detect = new ArrayList<>();
    List<Series> loss = new ArrayList<>();
    for (double tf : c.tamperFractions()) {
      String label = "f=" + Format.percent(tf);
      double[] unbounded = new double[kMax],
          finite = new double[kMax],
          mc = new double[kMax],
          l = new double[kMax];
      Arrays.fill(mc, Double.NaN);
      for (int k = 1; k <= kMax; k++) {
        unbounded[k - 1] = SpotCheck.detection(tf, k);
        if (c.answers() > 0)
          finite[k - 1] = SpotCheck.detection(c.answers(), Math.round(tf * c.answers()), k);
        l[k - 1] = expectedLoss(c, tf, k);
      }
      for (Estimate e : estimates)
        if (e.tamperFraction() == tf) mc[e.contested() - 1] = e.monteCarlo().mean();
      detect.add(Series.line(label + " 1-(1-f)^k", unbounded).inGroup(label));
      if (c.answers() > 0)
        detect.add(
            Series.line(label + " hypergeometric N=" + c.answers(), finite)
                .inGroup(label)
                .dashed());
      detect.add(Series.line(label + " Monte Carlo", mc).inGroup(label).points());
      loss.add(Series.line(label, l));
    }
    // How many contests each tamper fraction needs, from 0.5% to 20%.
    int grid = 40;
    double[] fx = new double[grid];
    double[] need = new double[grid], needFinite = new double[grid];
    for (int i = 0; i < grid; i++) {
      fx[i] = 0.005 * (i + 1);
      need[i] = SpotCheck.samplesFor(fx[i], c.confidence());
      needFinite[i] =
          c.answers() > 0 ? SpotCheck.samplesFor(c.answers(), fx[i], c.confidence()) : Double.NaN;
    }
    List<Series> needSeries =
        new ArrayList<>(
            List.of(Series.line("k for " + Format.percent(c.confidence()) + ", unbounded", need)));
    if (c.answers() > 0)
      needSeries.add(
          Series.line("k for " + Format.percent(c.confidence()) + ", N=" + c.answers(), needFinite)
              .dashed());
    List<Figure> figures =
        List.of(
            new Figure(
                "detection",
                "Detection probability vs contested answers",
                "contested answers k",
                "P(detect)",
                Figure.Scale.LINEAR,
                x,
                detect),
            new Figure(
                "expected-loss",
                "Buyer's expected undetected loss per order ("
                    + lossAnswers(c)
                    + " answers, "
                    + c.targeting()
                    + " tampering)",
                "contested answers k",
                "expected loss ($)",
                Figure.Scale.LOG,
                x,
                loss),
            new Figure(
                "samples-needed",
                "Contested answers needed for " + Format.percent(c.confidence()) + " detection",
                "tamper fraction f",
                "contested answers k",
                Figure.Scale.LOG,
                fx,
                needSeries));
    List<List<String>> summaryRows = new ArrayList<>();
    for (Row r : rows) {
      summaryRows.add(
          List.of(
              Format.percent(r.tamperFraction()),
              Integer.toString(r.samplesUnbounded()),
              r.samplesFinite() > 0 ? Integer.toString(r.samplesFinite()) : "—",
              r.paper().map(p -> Integer.toString(p.samples())).orElse("—"),
              Format.prob(r.detectionClosedForm()),
              f(
                  "%s [%s, %s]",
                  Format.prob(r.monteCarlo().mean()),
                  Format.prob(r.monteCarlo().lower(Proportion.Z_999)),
                  Format.prob(r.monteCarlo().upper(Proportion.Z_999))),
              Format.dollars(r.expectedLoss())));
    }
    Table summary =
        new Table(
            "Contested answers needed for " + Format.percent(c.confidence()) + " detection",
            List.of(
                "tamper f",
                "k, 1-(1-f)^k",
                c.answers() > 0 ? "k, N=" + Format.integer(c.answers()) : "k, finite N",
                "paper",
                "P(detect) closed form",
                "Monte Carlo [99.9% CI]",
                "expected loss"),
            summaryRows);
    List<List<String>> estRows =
        estimates.stream()
            .map(
                e ->
                    List.of(
                        Format.percent(e.tamperFraction()),
                        Integer.toString(e.contested()),
                        Format.prob(e.closedForm()),
                        Format.prob(e.monteCarlo().mean()),
                        Format.prob(e.monteCarlo().lower(Proportion.Z_999)),
                        Format.prob(e.monteCarlo().upper(Proportion.Z_999)),
                        e.monteCarlo().contains(e.closedForm(), Proportion.Z_999) ? "yes" : "NO"))
            .toList();
    Table est =
        new Table(
            "Closed form vs Monte Carlo (" + Format.integer(c.runs()) + " trials per point)",
            List.of("f", "k", "closed form", "Monte Carlo", "99.9% low", "99.9% high", "inside"),
            estRows);
    List<String> notes =
        List.of(
            "A seller signs every answer and a fraction f of them are not its committed model's."
                + " The buyer contests k answers drawn at random; one tampered answer among them"
                + " cannot be proven, which slashes the order. Detection = 1 − (1 − f)^k for an"
                + " unbounded answer set, the hypergeometric 1 − C(N−m,k)/C(N,k) for N answers of"
                + " which m = fN are tampered.",
            "The seed paper's 72 / 183 / 366 contested samples are the smallest k that detect with"
                + " probability 97.5% tampering of 5%, 2% and 1% from a set of 50,000 answers"
                + " (unbounded: 72 / 183 / 368). Its middle label, 2.5%, would need 146: the"
                + " paper's 183 matches f = 2%, not 2.5% (docs/simulations.md).");
    return new Report(
        SpotCheckConfig.NAME,
        "Spot-checked predictions",
        c.seed(),
        c.runs(),
        Scenarios.toJson(c),
        summary,
        List.of(est),
        figures,
        notes,
        0);
  }
}
