/**
 * Scenario 4, a marketplace over time. Sellers are honest, lazy (a cheaper model behind a fraction
 * of their answers, so a lower true accuracy) or cheating (a fraction of answers made up). Each
 * round every buyer with budget left buys one order of signed answers from a seller it picks with
 * probability proportional to the seller's reputation, (passed + 1) / (passed + 1 + penalty ×
 * failed), among the sellers it has not caught and that still hold enough stake.
 *
 * <p>A buyer contests an order with some probability, k of its answers; answers are tampered
 * independently with the seller's fraction f, so the contest catches it with probability 1 − (1 −
 * f)^k (sampled once per contest, the exact law). A caught order is refunded and the locked stake
 * goes to the buyer, who never buys from that seller again. Each round each seller is audited with
 * some probability: N samples, Bin(N, true accuracy) correct, pass at claim − tolerance, a failed
 * audit slashes part of the stake. A seller whose stake cannot cover an order leaves. The series
 * are averages over independent runs, each with its own generator (the seed's stream for run i),
 * combined in run order.
 */
package io.zkaudit.simulations.market;
