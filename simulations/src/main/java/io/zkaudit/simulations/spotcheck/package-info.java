/**
 * Scenario 1, spot-checked predictions. A seller signs every answer; a fraction f of them are not
 * its committed model's (made up, or from a cheaper model). The buyer contests k answers drawn at
 * random; the seller must prove each, so one tampered answer among the k is enough to catch it.
 *
 * <p>P(detect) = 1 − (1 − f)^k for an unbounded answer set (draws with replacement), and 1 − C(N −
 * m, k)/C(N, k) with m = round(fN) for N answers (without replacement). The sample size for a
 * confidence c is the smallest k with P(detect) ≥ c. The buyer's expected undetected loss per order
 * is P(miss) × (value share of the tampered answers) × answers × value per answer, where the value
 * share is f for random tampering and f^(1 − 1/α) when the seller tampers with the most valuable
 * requests first and values are Pareto(α) (the top f of a Pareto population holds that share of its
 * total). Monte Carlo draws the k contested answers one by one.
 */
package io.zkaudit.simulations.spotcheck;
