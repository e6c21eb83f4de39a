/**
 * The prover's side of each layer kind in {@code io.zkaudit.layers}: the tables a layer's sumcheck
 * runs over (window wirings, selections, channel shifts, weight shadows, the factors of a product)
 * and the sumchecks themselves, masked in zero knowledge.
 */
package io.zkaudit.prover.layers;
