/**
 * The seller's model: {@link io.zkaudit.prover.model.QuantizedModel}, the public {@link
 * io.zkaudit.model.ModelDescription} (verifier module) together with the private integer values of
 * its weights and biases. Importers and the quantizer make one, the integer engine runs it, the
 * model prover commits to it. {@link io.zkaudit.prover.model.ModelSplit} cuts one in two at a layer
 * for chained proofs.
 */
package io.zkaudit.prover.model;
