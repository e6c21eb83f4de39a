/**
 * The inference statement and its verifier: what a proof of output = model(input) is ({@link
 * io.zkaudit.inference.ModelProof}, {@link io.zkaudit.inference.VerifyingKey}), the public shape
 * both sides derive from the model ({@link io.zkaudit.inference.InferenceStatement}), the reduction
 * of a proof to opening claims as named steps ({@link io.zkaudit.inference.ProofReduction}), the
 * openings that close it, and the long-lived statements beside it: weight ranges, rotation links,
 * input commitments. {@link io.zkaudit.inference.ModelVerifier} is the entry point; a buyer needs
 * nothing outside this module. docs/model-proofs.md is the walk-through.
 */
package io.zkaudit.inference;
