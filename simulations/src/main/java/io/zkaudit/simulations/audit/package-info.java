/**
 * Scenario 2, accuracy audits. A seller claims accuracy c; an audit proves the seller's predictions
 * on N private labelled samples and passes when the verified accuracy is at least c − τ (τ the
 * tolerance). The number of correct answers is Bin(N, p) for a seller whose true accuracy is p.
 *
 * <ul>
 *   <li>false fail (an honest seller, p = c, fails): P(Bin(N, c) &lt; ⌈N(c − τ)⌉); Hoeffding: ≤
 *       exp(−2Nτ²);
 *   <li>false pass (an over-claimer, p &lt; c − τ, passes): P(Bin(N, p) ≥ ⌈N(c − τ)⌉); Hoeffding: ≤
 *       exp(−2N(c − τ − p)²);
 *   <li>samples to bound accuracy to ±ε with confidence 1 − α: Hoeffding N = ln(2/α)/(2ε²) (the
 *       seed paper's 600 / 2,396 / 14,979 at α = 0.1), against the exact binomial at the worst case
 *       p = ½;
 *   <li>the stake that makes over-claiming by d unprofitable: a passed audit earns R(d) = 1 +
 *       π·100d audit payments (π the premium buyers pay per accuracy point claimed), a failed one
 *       loses the stake S. Claiming p + d instead of p pays unless S ≥ (P₊·R(d) − P₀·R(0)) / (P₀ −
 *       P₊), P₀ and P₊ the pass probabilities of the honest and the inflated claim.
 * </ul>
 *
 * Monte Carlo draws each audit's N answers; to keep a million audits of thousands of samples fast
 * it jumps from one wrong (or right, whichever is rarer) answer to the next with geometric gaps,
 * which is the same Bernoulli sequence sampled without visiting every sample.
 */
package io.zkaudit.simulations.audit;
