package io.zkaudit.simulations.scenario;

import java.util.List;

/**
 * A marketplace over time: sellers of three kinds, buyers with budgets, orders of signed answers of
 * which some are contested, random accuracy audits, stakes and reputation.
 *
 * @param rounds time steps (a round: every buyer with budget left places one order)
 * @param sellers the seller population, by group
 * @param buyers number of buyers
 * @param buyerBudget each buyer's budget in dollars
 * @param answersPerOrder signed answers per order
 * @param pricePerAnswer what a buyer pays per answer
 * @param costPerAnswer what a genuine answer costs the seller to serve (inference)
 * @param proofCostPerAnswer what proving one contested answer costs the seller
 * @param contestProbability the fraction of orders a buyer contests
 * @param contestedPerOrder answers contested in a contested order (k)
 * @param stakePerOrder stake locked per order, paid to the buyer when a contest is not proven
 * @param sellerStake each seller's stake at the start; a seller whose stake falls below
 *     stakePerOrder leaves
 * @param auditProbability per seller and round, the chance that some buyer audits it
 * @param auditSamples N of an audit
 * @param auditTolerance an audit passes when the measured accuracy is at least claimed − tolerance
 * @param auditSlash stake lost on a failed audit
 * @param reputationPenalty how much one failure weighs against a passed check in a buyer's choice
 */
public record MarketplaceConfig(
    long runs,
    long seed,
    int rounds,
    List<SellerGroup> sellers,
    int buyers,
    double buyerBudget,
    int answersPerOrder,
    double pricePerAnswer,
    double costPerAnswer,
    double proofCostPerAnswer,
    double contestProbability,
    int contestedPerOrder,
    double stakePerOrder,
    double sellerStake,
    double auditProbability,
    int auditSamples,
    double auditTolerance,
    double auditSlash,
    double reputationPenalty)
    implements ScenarioConfig {
  public static final String NAME = "marketplace";

  /** The kinds the report groups sellers by. */
  public enum Kind {
    HONEST,
    LAZY,
    CHEATING
  }

  /**
   * @param kind honest, lazy (serves a cheaper model on a fraction of answers) or cheating (makes
   *     up a fraction of answers)
   * @param tamperFraction the fraction of answers that are not the committed model's (0 for honest)
   * @param tamperedCost what such an answer costs the seller (the cheaper model's inference, or 0)
   * @param trueAccuracy the accuracy an audit measures
   * @param claimedAccuracy the accuracy the seller registered
   */
  public record SellerGroup(
      String kind,
      int count,
      double tamperFraction,
      double tamperedCost,
      double trueAccuracy,
      double claimedAccuracy) {
    public SellerGroup {
      ScenarioConfig.check(kind != null, "sellers[].kind is required (honest, lazy or cheating)");
      kindOf(kind);
      ScenarioConfig.check(
          count >= 0 && count <= 10_000, "sellers[].count must be in [0, 10000], got " + count);
      ScenarioConfig.checkProbability(tamperFraction, "sellers[].tamperFraction");
      ScenarioConfig.check(
          tamperedCost >= 0, "sellers[].tamperedCost must be >= 0, got " + tamperedCost);
      ScenarioConfig.checkProbability(trueAccuracy, "sellers[].trueAccuracy");
      ScenarioConfig.checkProbability(claimedAccuracy, "sellers[].claimedAccuracy");
    }

    public Kind kindValue() {
      return kindOf(kind);
    }

    private static Kind kindOf(String kind) {
      return switch (kind) {
        case "honest" -> Kind.HONEST;
        case "lazy" -> Kind.LAZY;
        case "cheating" -> Kind.CHEATING;
        default ->
            throw new IllegalArgumentException(
                "sellers[].kind must be honest, lazy or cheating, got " + kind);
      };
    }
  }

  public MarketplaceConfig {
    ScenarioConfig.checkRunsAndSeed(runs);
    ScenarioConfig.check(
        rounds >= 1 && rounds <= 100_000, "rounds must be in [1, 100000], got " + rounds);
    ScenarioConfig.check(
        sellers != null && sellers.stream().mapToInt(SellerGroup::count).sum() > 0,
        "sellers must hold at least one seller");
    ScenarioConfig.check(
        buyers >= 1 && buyers <= 1_000_000, "buyers must be in [1, 10^6], got " + buyers);
    ScenarioConfig.check(buyerBudget > 0, "buyerBudget must be > 0, got " + buyerBudget);
    ScenarioConfig.check(
        answersPerOrder >= 1, "answersPerOrder must be >= 1, got " + answersPerOrder);
    ScenarioConfig.check(pricePerAnswer > 0, "pricePerAnswer must be > 0, got " + pricePerAnswer);
    ScenarioConfig.check(
        costPerAnswer >= 0 && proofCostPerAnswer >= 0,
        "costPerAnswer and proofCostPerAnswer must be >= 0");
    ScenarioConfig.checkProbability(contestProbability, "contestProbability");
    ScenarioConfig.check(
        contestedPerOrder >= 0 && contestedPerOrder <= answersPerOrder,
        "contestedPerOrder must be in [0, answersPerOrder], got " + contestedPerOrder);
    ScenarioConfig.check(
        stakePerOrder >= 0 && sellerStake >= 0 && auditSlash >= 0, "stakes must be >= 0");
    ScenarioConfig.checkProbability(auditProbability, "auditProbability");
    ScenarioConfig.check(
        auditSamples >= 1 && auditSamples <= 200_000,
        "auditSamples must be in [1, 200000], got " + auditSamples);
    ScenarioConfig.check(
        auditTolerance >= 0 && auditTolerance < 1,
        "auditTolerance must be in [0, 1), got " + auditTolerance);
    ScenarioConfig.check(
        reputationPenalty >= 0, "reputationPenalty must be >= 0, got " + reputationPenalty);
    sellers = List.copyOf(sellers);
  }

  @Override
  public MarketplaceConfig withRuns(long r) {
    return new MarketplaceConfig(
        r,
        seed,
        rounds,
        sellers,
        buyers,
        buyerBudget,
        answersPerOrder,
        pricePerAnswer,
        costPerAnswer,
        proofCostPerAnswer,
        contestProbability,
        contestedPerOrder,
        stakePerOrder,
        sellerStake,
        auditProbability,
        auditSamples,
        auditTolerance,
        auditSlash,
        reputationPenalty);
  }

  @Override
  public MarketplaceConfig withSeed(long s) {
    return new MarketplaceConfig(
        runs,
        s,
        rounds,
        sellers,
        buyers,
        buyerBudget,
        answersPerOrder,
        pricePerAnswer,
        costPerAnswer,
        proofCostPerAnswer,
        contestProbability,
        contestedPerOrder,
        stakePerOrder,
        sellerStake,
        auditProbability,
        auditSamples,
        auditTolerance,
        auditSlash,
        reputationPenalty);
  }
}
