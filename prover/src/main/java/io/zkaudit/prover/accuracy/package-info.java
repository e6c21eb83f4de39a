/**
 * The prover of the argmax-and-count gadget ({@code io.zkaudit.accuracy}, whose documentation
 * derives the relations): {@link ArgmaxWitness} computes the predictions with the runtime's tie
 * rule (the first maximum), the count and the committed columns (selector, maximum, gap; padding
 * uniform in zero knowledge), refusing logits wider than the 16-bit range check; {@link
 * ArgmaxCountProver} builds the public tables at the verifier's point and runs the one batched
 * sumcheck, masked with a Libra mask in zero knowledge, leaving the evaluation claims the caller
 * opens.
 */
package io.zkaudit.prover.accuracy;
