/**
 * The Basefold prover: {@link io.zkaudit.prover.pcs.BasefoldProver#commit(long[])} / {@link
 * io.zkaudit.prover.pcs.BasefoldProver#commit(java.util.List)} and {@link
 * io.zkaudit.prover.pcs.BasefoldProver#open}. See docs/pcs.md.
 */
package io.zkaudit.prover.pcs;
