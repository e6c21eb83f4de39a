/**
 * The probability the scenarios rest on, exact where it can be and seeded where it is simulated.
 *
 * <ul>
 *   <li>{@link io.zkaudit.simulations.stats.Binomial}: exact binomial tails, from log-factorials,
 *       so that N in the tens of thousands neither overflows nor underflows.
 *   <li>{@link io.zkaudit.simulations.stats.SpotCheck}: the probability that k contested answers
 *       miss every tampered one: (1 − f)^k when answers are drawn with replacement (an unbounded
 *       answer set), and the hypergeometric C(N − m, k) / C(N, k) for a finite set of N answers of
 *       which m are tampered.
 *   <li>{@link io.zkaudit.simulations.stats.Hoeffding}: P(|p̂ − p| ≥ ε) ≤ 2·exp(−2Nε²), hence N =
 *       ln(2/α) / (2ε²) samples bound an accuracy to ±ε with confidence 1 − α.
 *   <li>{@link io.zkaudit.simulations.stats.MonteCarlo}: trials split into fixed chunks, each with
 *       its own {@link java.util.SplittableRandom} seeded from (seed, chunk index), and summed in
 *       chunk order, so a result depends on the seed only, never on the number of threads.
 *   <li>{@link io.zkaudit.simulations.stats.Proportion}: a Monte Carlo estimate with its Wilson
 *       score interval, the interval the closed forms are checked against.
 * </ul>
 */
package io.zkaudit.simulations.stats;
