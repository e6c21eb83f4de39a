/**
 * Benchmarks of the building blocks (field, sumcheck, lookups, commitment, hashes): each prints a
 * table of medians; {@code zkaudit bench} runs them (docs/benchmarks.md).
 */
package io.zkaudit.prover.bench;
