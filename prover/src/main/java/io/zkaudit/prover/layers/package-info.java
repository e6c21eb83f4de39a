/**
 * The prover's side of each layer kind in {@code io.zkaudit.layers}: the tables a layer's sumcheck
 * runs over (window wirings, selections, channel shifts, weight shadows, the factors of a product)
 * and the sumchecks themselves, masked in zero knowledge. In a batch proof a layer reads its input
 * as a {@link io.zkaudit.prover.layers.LayerInput}: the samples' tables folded at the batch
 * coordinates r_b by linearity (Σ_b eq(r_b, b) f(table_b) for each affine map f a prover applies),
 * except a max pool's and a product's sumchecks, which run over the batch variables.
 */
package io.zkaudit.prover.layers;
