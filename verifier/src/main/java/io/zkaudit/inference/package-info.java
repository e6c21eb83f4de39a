/**
 * The inference statement and its verifier: what a proof of output = model(input) is ({@link
 * io.zkaudit.inference.ModelProof}, {@link io.zkaudit.inference.VerifyingKey}), the public shape
 * both sides derive from the model ({@link io.zkaudit.inference.InferenceStatement}), the reduction
 * of a proof to opening claims as named steps ({@link io.zkaudit.inference.ProofReduction}), the
 * openings that close it, and the long-lived statements beside it: weight ranges, rotation links,
 * input commitments. {@link io.zkaudit.inference.ModelVerifier} is the entry point; a buyer needs
 * nothing outside this module. docs/model-proofs.md is the walk-through. A batch proof states N
 * samples at once ({@link io.zkaudit.inference.Batch}: ceil(log2 N) variables on top of every
 * per-sample table and lookup group, each layer checked at its point's sample coordinates and its
 * activation claims lifted to the batch coordinates, Σ_b eq(r_b, b) = 1 keeping affine terms
 * single; docs/accuracy-proof.md). An accuracy proof about a buyer's test-set commitment ({@link
 * io.zkaudit.inference.TestSetCommitment}: the N' batched inputs, the label table and hiding
 * entries in one Basefold commitment) reads T through a per-proof shadow and a link, as a private
 * input's proof reads its input commitment: each claim is T's column at a random point, masked by
 * the column's uniform padding ({@link io.zkaudit.inference.TestSetOpening}, {@link
 * io.zkaudit.inference.TestSetReveal}). A chained proof ({@link io.zkaudit.inference.ProofChain})
 * joins a body's proof that commits its output ({@link io.zkaudit.inference.CommittedOutput}: the
 * output claims routed to a shadow of the commitment C, as a private input's are) to a head's proof
 * about C as its private input.
 */
package io.zkaudit.inference;
