/**
 * The prover's eq tables: eq(r, x) for all x, built on the worker threads (the specification is
 * {@link io.zkaudit.poly.Mle#eqTable}).
 */
package io.zkaudit.prover.poly;
