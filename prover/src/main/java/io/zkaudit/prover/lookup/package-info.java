/**
 * The logUp-GKR prover: a lookup's witness and multiplicities, one fraction tree per table and per
 * witness side (leaves p/(α − compress(row))), built bottom-up and proven top-down by one sumcheck
 * per layer shared by all trees.
 */
package io.zkaudit.prover.lookup;
