package io.zkaudit.simulations.market;

import static io.zkaudit.simulations.Format.f;

import io.zkaudit.parallel.Parallel;
import io.zkaudit.simulations.Format;
import io.zkaudit.simulations.Progress;
import io.zkaudit.simulations.audit.AuditMath;
import io.zkaudit.simulations.report.Figure;
import io.zkaudit.simulations.report.Report;
import io.zkaudit.simulations.report.Series;
import io.zkaudit.simulations.report.Table;
import io.zkaudit.simulations.scenario.MarketplaceConfig;
import io.zkaudit.simulations.scenario.MarketplaceConfig.Kind;
import io.zkaudit.simulations.scenario.MarketplaceConfig.SellerGroup;
import io.zkaudit.simulations.scenario.Scenarios;
import io.zkaudit.simulations.stats.MonteCarlo;
import io.zkaudit.simulations.stats.SpotCheck;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

/** Scenario 4: how fast cheaters lose money and customers. */
public final class MarketplaceSimulation {
  private MarketplaceSimulation() {}

  /**
   * One kind's time series, averaged over runs: per seller of the kind, cumulative profit in
   * dollars; the kind's share of this round's orders; the fraction of its sellers still trading.
   */
  public record KindSeries(
      Kind kind,
      int sellers,
      double[] profitPerSeller,
      double[] orderShare,
      double[] active,
      double slashedOrdersPerSeller,
      double failedAuditsPerSeller) {}

  public record Result(MarketplaceConfig config, List<KindSeries> kinds, Report report) {
    public KindSeries kind(Kind k) {
      return kinds.stream().filter(s -> s.kind() == k).findFirst().orElseThrow();
    }
  }

  /** One run's raw trace: [kind][round] sums over the kind's sellers. */
  private record Trace(
      double[][] profit,
      double[][] orders,
      double[][] active,
      double[] slashed,
      double[] failedAudits) {}

  public static Result compute(MarketplaceConfig c, Progress progress) {
    progress.begin("marketplace runs", c.runs());
    Trace[] traces = new Trace[(int) c.runs()];
    Parallel.forEach(
        traces.length,
        run -> {
          traces[run] = runOnce(c, MonteCarlo.random(c.seed(), run));
          progress.advance(1);
        });
    progress.end();
    int kinds = Kind.values().length;
    int[] sellersOfKind = new int[kinds];
    for (SellerGroup g : c.sellers()) sellersOfKind[g.kindValue().ordinal()] += g.count();
    double[][] profit = new double[kinds][c.rounds()],
        share = new double[kinds][c.rounds()],
        active = new double[kinds][c.rounds()];
    double[] slashed = new double[kinds], audits = new double[kinds];
    for (Trace t : traces) { // run order: the same sums whatever thread ran which run
      for (int r = 0; r < c.rounds(); r++) {
        double total = 0;
        for (int k = 0; k < kinds; k++) total += t.orders()[k][r];
        for (int k = 0; k < kinds; k++) {
          if (sellersOfKind[k] == 0) continue;
          profit[k][r] += t.profit()[k][r] / sellersOfKind[k] / traces.length;
          active[k][r] += t.active()[k][r] / sellersOfKind[k] / traces.length;
          share[k][r] += (total == 0 ? 0 : t.orders()[k][r] / total) / traces.length;
        }
      }
      for (int k = 0; k < kinds; k++) {
        if (sellersOfKind[k] == 0) continue;
        slashed[k] += t.slashed()[k] / sellersOfKind[k] / traces.length;
        audits[k] += t.failedAudits()[k] / sellersOfKind[k] / traces.length;
      }
    }
    List<KindSeries> series = new ArrayList<>();
    for (Kind k : Kind.values()) {
      if (sellersOfKind[k.ordinal()] > 0) {
        series.add(
            new KindSeries(
                k,
                sellersOfKind[k.ordinal()],
                profit[k.ordinal()],
                share[k.ordinal()],
                active[k.ordinal()],
                slashed[k.ordinal()],
                audits[k.ordinal()]));
      }
    }
    return new Result(c, List.copyOf(series), report(c, series));
  }

  private static Trace runOnce(MarketplaceConfig c, SplittableRandom random) {
    List<SellerGroup> groups = new ArrayList<>();
    for (SellerGroup g : c.sellers()) for (int i = 0; i < g.count(); i++) groups.add(g);
    int n = groups.size(), kinds = Kind.values().length;
    int[] kind = groups.stream().mapToInt(g -> g.kindValue().ordinal()).toArray();
    double[] stake = new double[n], profit = new double[n];
    Arrays.fill(stake, c.sellerStake());
    long[] passed = new long[n], failed = new long[n];
    boolean[] active = new boolean[n];
    Arrays.fill(active, c.sellerStake() >= c.stakePerOrder());
    double[] detect =
        groups.stream()
            .mapToDouble(g -> SpotCheck.detection(g.tamperFraction(), c.contestedPerOrder()))
            .toArray();
    double orderPrice = c.pricePerAnswer() * c.answersPerOrder();
    double[] orderCost =
        groups.stream()
            .mapToDouble(
                g ->
                    c.answersPerOrder()
                        * ((1 - g.tamperFraction()) * c.costPerAnswer()
                            + g.tamperFraction() * g.tamperedCost()))
            .toArray();
    double contestCost = c.contestedPerOrder() * c.proofCostPerAnswer();
    double[] budget = new double[c.buyers()];
    Arrays.fill(budget, c.buyerBudget());
    BitSet[] caught = new BitSet[c.buyers()];
    for (int b = 0; b < c.buyers(); b++) caught[b] = new BitSet(n);
    double[][] profitTrace = new double[kinds][c.rounds()],
        orders = new double[kinds][c.rounds()],
        activeTrace = new double[kinds][c.rounds()];
    double[] slashed = new double[kinds], failedAudits = new double[kinds];
    double[] weight = new double[n];
    for (int round = 0; round < c.rounds(); round++) {
      for (int s = 0; s < n; s++)
        weight[s] = (passed[s] + 1.0) / (passed[s] + 1.0 + c.reputationPenalty() * failed[s]);
      for (int b = 0; b < c.buyers(); b++) {
        if (budget[b] < orderPrice) continue;
        int s = pick(random, weight, active, caught[b]);
        if (s < 0) continue;
        orders[kind[s]][round]++;
        budget[b] -= orderPrice;
        profit[s] += orderPrice - orderCost[s];
        if (c.contestedPerOrder() > 0 && random.nextDouble() < c.contestProbability()) {
          profit[s] -= contestCost;
          if (random.nextDouble() < detect[s]) {
            // The order is refunded and the locked stake paid to the buyer, who leaves this seller.
            budget[b] += orderPrice + c.stakePerOrder();
            profit[s] -= orderPrice + c.stakePerOrder();
            stake[s] -= c.stakePerOrder();
            failed[s]++;
            slashed[kind[s]]++;
            caught[b].set(s);
            if (stake[s] < c.stakePerOrder()) active[s] = false;
          } else {
            passed[s]++;
          }
        }
      }
      for (int s = 0; s < n; s++) {
        if (!active[s] || random.nextDouble() >= c.auditProbability()) continue;
        SellerGroup g = groups.get(s);
        int correct = AuditMath.simulateCorrect(random, c.auditSamples(), g.trueAccuracy());
        if (correct
            >= AuditMath.passThreshold(c.auditSamples(), g.claimedAccuracy(), c.auditTolerance())) {
          passed[s]++;
        } else {
          double slash = Math.min(stake[s], c.auditSlash());
          stake[s] -= slash;
          profit[s] -= slash;
          failed[s]++;
          failedAudits[kind[s]]++;
          if (stake[s] < c.stakePerOrder()) active[s] = false;
        }
      }
      for (int s = 0; s < n; s++) {
        profitTrace[kind[s]][round] += profit[s];
        if (active[s]) activeTrace[kind[s]][round]++;
      }
    }
    return new Trace(profitTrace, orders, activeTrace, slashed, failedAudits);
  }

  /**
   * A seller drawn with probability proportional to its weight, among those trading and not caught
   * by this buyer; −1 if none.
   */
  private static int pick(
      SplittableRandom random, double[] weight, boolean[] active, BitSet caught) {
    double total = 0;
    for (int s = 0; s < weight.length; s++) if (active[s] && !caught.get(s)) total += weight[s];
    if (total <= 0) return -1;
    double u = random.nextDouble() * total;
    int last = -1;
    for (int s = 0; s < weight.length; s++) {
      if (!active[s] || caught.get(s)) continue;
      last = s;
      u -= weight[s];
      if (u < 0) return s;
    }
    return last;
  }

  /** The first round (1-based) at which {@code series} is at most {@code level}, or −1. */
  public static int firstRoundAtMost(double[] series, double level) {
    for (int r = 0; r < series.length; r++) if (series[r] <= level) return r + 1;
    return -1;
  }

  private static Report report(MarketplaceConfig c, List<KindSeries> kinds) {
    double[] x = new double[c.rounds()];
    for (int r = 0; r < x.length; r++) x[r] = r + 1;
    List<Figure> figures =
        List.of(
            new Figure(
                "profit",
                "Cumulative profit per seller",
                "round",
                "dollars",
                Figure.Scale.LINEAR,
                x,
                kinds.stream().map(k -> Series.line(name(k.kind()), k.profitPerSeller())).toList()),
            new Figure(
                "order-share",
                "Share of each round's orders",
                "round",
                "share of orders",
                Figure.Scale.LINEAR,
                x,
                kinds.stream().map(k -> Series.line(name(k.kind()), k.orderShare())).toList()),
            new Figure(
                "active-sellers",
                "Sellers still trading (stake left)",
                "round",
                "fraction of the kind",
                Figure.Scale.LINEAR,
                x,
                kinds.stream().map(k -> Series.line(name(k.kind()), k.active())).toList()));
    int last = c.rounds() - 1;
    Table summary =
        new Table(
            f("Marketplace after %d rounds (%s runs)", c.rounds(), Format.integer(c.runs())),
            List.of(
                "sellers",
                "count",
                "profit per seller",
                "share, round 1",
                "share, last round",
                "still trading",
                "half gone by round",
                "slashed orders / seller",
                "failed audits / seller"),
            kinds.stream()
                .map(
                    k -> {
                      int half = firstRoundAtMost(k.active(), 0.5);
                      return List.of(
                          name(k.kind()),
                          Integer.toString(k.sellers()),
                          Format.dollars(k.profitPerSeller()[last]),
                          Format.percent(k.orderShare()[0]),
                          Format.percent(k.orderShare()[last]),
                          Format.percent(k.active()[last]),
                          half < 0 ? "—" : Integer.toString(half),
                          f("%.2f", k.slashedOrdersPerSeller()),
                          f("%.2f", k.failedAuditsPerSeller()));
                    })
                .toList());
    double orderPrice = c.pricePerAnswer() * c.answersPerOrder();
    List<String> notes =
        List.of(
            f(
                "%d buyers with %s each buy orders of %,d answers at %s (%s per order) from %d"
                    + " sellers. %s of orders are contested on %d answers; a caught order costs the"
                    + " seller the order and %s of stake, and the buyer leaves it. Each seller is"
                    + " audited on %,d samples with probability %s per round.",
                c.buyers(),
                Format.dollars(c.buyerBudget()),
                c.answersPerOrder(),
                Format.dollars(c.pricePerAnswer()),
                Format.dollars(orderPrice),
                c.sellers().stream().mapToInt(SellerGroup::count).sum(),
                Format.percent(c.contestProbability()),
                c.contestedPerOrder(),
                Format.dollars(c.stakePerOrder()),
                c.auditSamples(),
                Format.percent(c.auditProbability())),
            "Profit is per seller of the kind, cumulative, including slashed stakes; shares are of"
                + " the orders placed in the round. When buyers run out of budget orders stop, so"
                + " late rounds may carry few orders.");
    return new Report(
        MarketplaceConfig.NAME,
        "Marketplace over time",
        c.seed(),
        c.runs(),
        Scenarios.toJson(c),
        summary,
        List.of(),
        figures,
        notes,
        0);
  }

  private static String name(Kind k) {
    return k.name().toLowerCase(java.util.Locale.ROOT);
  }
}
