/**
 * A model compiled into what its proof checks ({@link io.zkaudit.layers.ModelCircuit}) and each
 * layer kind's reduction: tensors laid out on the Boolean hypercube ({@link
 * io.zkaudit.layers.TensorLayout}), windowed linear layers (convolution, depthwise, dense, sums) as
 * two-phase sumchecks over window predicates, max pools as lookup chains with a selection sumcheck,
 * concatenations as channel shifts, additions with constants, products of two activations as one
 * degree-3 sumcheck ({@link io.zkaudit.layers.Product}), elementwise 8-bit functions as one lookup
 * into a table the key defines ({@link io.zkaudit.layers.UnaryTableLayer}), and the zero-knowledge
 * padding of virtual columns. Each verifier takes a claim "tensor MLE at ρ = v" and leaves claims
 * on its inputs and weights (docs/model-proofs.md).
 */
package io.zkaudit.layers;
