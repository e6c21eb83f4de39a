/**
 * The inference prover: a model committed once ({@link
 * io.zkaudit.prover.inference.CommittedModel}), then per input a proof as the named rounds of a
 * {@link io.zkaudit.prover.inference.ProofRun} (infer, witness, blind, commit, lookups, layers,
 * open) mirroring the verifier's reduction, with zero knowledge as a {@link
 * io.zkaudit.prover.inference.Hiding} around the plain proof. Also the long-lived proofs: weight
 * ranges, rotation links, private input commitments. {@link
 * io.zkaudit.prover.inference.ModelProver#proveBatch} runs the same rounds over N samples (one
 * witness per sample, joined with the sample index on top; docs/accuracy-proof.md); {@link
 * io.zkaudit.prover.inference.TestSets} commits a buyer's test set and opens it from the reveal for
 * an accuracy proof about it.
 */
package io.zkaudit.prover.inference;
