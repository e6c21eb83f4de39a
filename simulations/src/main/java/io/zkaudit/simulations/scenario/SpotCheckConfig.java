package io.zkaudit.simulations.scenario;

import java.util.List;

/**
 * Spot-checked predictions: the seller tampers with a fraction f of its signed answers, the buyer
 * contests k of them at random.
 *
 * @param tamperFractions the f values, one curve each
 * @param confidence the detection probability the sample sizes are computed for (0.975: the seed
 *     paper's row)
 * @param maxContested the largest k on the curves
 * @param answers the size of the answer set contests are drawn from (hypergeometric), 0 for
 *     unbounded
 * @param monteCarloContested the k at which Monte Carlo estimates are made (runs trials each)
 * @param targeting "random" (tampered answers are a uniform fraction) or "high-value" (the seller
 *     tampers with the most valuable requests first; values are Pareto with shape valueShape)
 * @param valueShape Pareto shape α &gt; 1 of request values (only for "high-value")
 * @param answerValue mean value, in dollars, a buyer loses per tampered answer it acts on
 * @param live what {@code zkaudit simulate spot-check --live} runs through the real seller and
 *     buyer
 */
public record SpotCheckConfig(
    long runs,
    long seed,
    List<Double> tamperFractions,
    double confidence,
    int maxContested,
    long answers,
    List<Integer> monteCarloContested,
    String targeting,
    double valueShape,
    double answerValue,
    Live live)
    implements ScenarioConfig {
  public static final String NAME = "spot-check";

  /**
   * A live run: a seller that tampers with a fraction of its signed answers, served over gRPC on
   * loopback with its state in H2, real proofs of a small model, and buyers that contest.
   *
   * @param model the model the seller commits to (resnet8: ResNet-8 on CIFAR-10, about a second a
   *     proof)
   * @param orders orders in all, each with its own contest
   * @param answersPerOrder signed answers per order
   * @param tamperFraction the probability that the seller tampers with an answer
   * @param contested answers contested per order (each one a real proof)
   * @param buyers buyers running their orders at once, each with its own key and connection
   */
  public record Live(
      String model,
      int orders,
      int answersPerOrder,
      double tamperFraction,
      int contested,
      int buyers) {
    public Live {
      ScenarioConfig.check("resnet8".equals(model), "live.model must be resnet8, got " + model);
      ScenarioConfig.check(
          orders >= 1 && orders <= 10_000, "live.orders must be in [1, 10000], got " + orders);
      ScenarioConfig.check(
          answersPerOrder >= 1 && answersPerOrder <= 1000,
          "live.answersPerOrder must be in [1, 1000], got " + answersPerOrder);
      ScenarioConfig.check(
          tamperFraction >= 0 && tamperFraction <= 1,
          "live.tamperFraction must be in [0, 1], got " + tamperFraction);
      ScenarioConfig.check(
          contested >= 1 && contested <= answersPerOrder,
          "live.contested must be in [1, answersPerOrder], got " + contested);
      ScenarioConfig.check(
          buyers >= 1 && buyers <= 64, "live.buyers must be in [1, 64], got " + buyers);
    }
  }

  public SpotCheckConfig {
    ScenarioConfig.checkRunsAndSeed(runs);
    ScenarioConfig.check(
        tamperFractions != null && !tamperFractions.isEmpty(),
        "tamperFractions must list at least one f");
    for (double f : tamperFractions)
      ScenarioConfig.check(f > 0 && f < 1, "tamperFractions must be in (0, 1), got " + f);
    ScenarioConfig.check(
        confidence > 0 && confidence < 1, "confidence must be in (0, 1), got " + confidence);
    ScenarioConfig.check(
        maxContested >= 1 && maxContested <= 100_000,
        "maxContested must be in [1, 100000], got " + maxContested);
    ScenarioConfig.check(
        answers == 0 || answers >= maxContested,
        "answers must be 0 (unbounded) or at least maxContested, got " + answers);
    monteCarloContested =
        monteCarloContested == null ? List.of() : List.copyOf(monteCarloContested);
    for (int k : monteCarloContested)
      ScenarioConfig.check(
          k >= 1 && k <= maxContested,
          "monteCarloContested must be in [1, maxContested], got " + k);
    targeting = targeting == null ? "random" : targeting;
    ScenarioConfig.check(
        targeting.equals("random") || targeting.equals("high-value"),
        "targeting must be random or high-value, got " + targeting);
    ScenarioConfig.check(
        !targeting.equals("high-value") || valueShape > 1,
        "valueShape must be > 1 for high-value targeting, got " + valueShape);
    ScenarioConfig.check(answerValue >= 0, "answerValue must be >= 0, got " + answerValue);
    ScenarioConfig.check(live != null, "live is required (the --live run's settings)");
    tamperFractions = List.copyOf(tamperFractions);
  }

  @Override
  public SpotCheckConfig withRuns(long r) {
    return new SpotCheckConfig(
        r,
        seed,
        tamperFractions,
        confidence,
        maxContested,
        answers,
        monteCarloContested,
        targeting,
        valueShape,
        answerValue,
        live);
  }

  @Override
  public SpotCheckConfig withSeed(long s) {
    return new SpotCheckConfig(
        runs,
        s,
        tamperFractions,
        confidence,
        maxContested,
        answers,
        monteCarloContested,
        targeting,
        valueShape,
        answerValue,
        live);
  }
}
