/**
 * The sumcheck prover: one driver ({@link io.zkaudit.prover.sumcheck.SumcheckProver#run}) over a
 * {@link io.zkaudit.prover.sumcheck.RoundEngine} (f's round polynomial and the binding of a
 * variable, with its optimisations: base-field first round, Gruen's eq factoring, split eq tables)
 * and a {@link io.zkaudit.prover.sumcheck.SumcheckMasking} (nothing, or Libra's mask with an
 * optional open end).
 */
package io.zkaudit.prover.sumcheck;
