/**
 * The Java side of zkaudit's on-chain proof verification (escrow/src/main/solidity-verifier): the
 * encodings the contracts read, their typed rejection reasons, and a client that checks a proof in
 * one call or in several transactions and reports the gas. A model proof goes through {@link
 * io.zkaudit.escrow.onchain.OnChainProofSession} step by step: the statement, the lookups, then per
 * proven layer its rounding and its reduction ({@link io.zkaudit.escrow.onchain.LayerEncoding}'s
 * plans; windowed linear layers and ADDs so far, of plain and zero-knowledge proofs, the other
 * kinds refused with a typed {@link io.zkaudit.escrow.onchain.LayerEncoding.NotOnChain} reason). A
 * zero-knowledge layer's reduction also leaves one combined claim on the mask column (the mask
 * values of its masked sumchecks and its accumulator's padding scalars, each weighted, summing to a
 * value the verifier computes), chained as an item ({@link
 * io.zkaudit.escrow.onchain.LayerEncoding#maskItemHash}). A batched opening whose statement is
 * larger than a transaction is read in chunks the client cuts between the statement's items ({@link
 * io.zkaudit.escrow.onchain.BatchedOpeningEncoding#statementChunks}, {@link
 * io.zkaudit.escrow.onchain.OnChainBatchedVerifier#verifyStaged}); its fact names the statement by
 * a two-level keccak chain of those items (per polynomial the chain of its claims, then the
 * polynomials' headers and chains in order: {@link
 * io.zkaudit.escrow.onchain.BatchedOpeningEncoding#statementChain}), which a proof session's last
 * checkpoint before the opening holds: the session's {@code finish} step builds it on chain from
 * the claims every step chained, in one transaction or in parts of whole steps ({@code
 * finishSteps}, {@link io.zkaudit.escrow.onchain.FinishEncoding#parts}), chaining each polynomial's
 * claims apart as they come interleaved ({@link io.zkaudit.escrow.onchain.FinishEncoding}: the
 * model's finish plan, where each column claim goes, and the steps' claims as items), each claim
 * placed in its packed polynomial, column c of 2^m entries at offset o being the polynomial at (z,
 * bits of o / 2^m). {@link io.zkaudit.escrow.onchain.OnChainModelVerifier} relays a whole plain
 * proof through a session ({@code zkaudit chain verify}), and a zero-knowledge one through its
 * layers; its {@code conclude} records the inference fact keccak("zkaudit/verified-inference/v1",
 * plans, SHA-256(input), SHA-256(output), tables), which the escrows' {@code SessionProofVerifier}
 * reads to settle a contested prediction: the plans recomputed from the contest proof's bytes
 * ({@link io.zkaudit.escrow.onchain.OnChainModelVerifier.ModelPlans#contestProof}) must be the
 * registry's for the contested record and name the escrow's weight commitment as their key. Before
 * {@code conclude}, after the opening, the lookups' deferred table values are checked on chain
 * ({@link io.zkaudit.escrow.onchain.TableEncoding}: the model's rounding table as a plan of step
 * and ramp segments, whose rows RoundingTables.sol expands and sums against eq(row, point), the MLE
 * being sum_r t(r) eq(r, point) with eq split into the low and the high half of the row index;
 * {@link io.zkaudit.escrow.onchain.OnChainRoundingTables}, the session's {@code tables} step).
 *
 * <p>The contracts make the same decisions as the Java verifier on the same bytes; the differential
 * tests in this module hold them to it (docs/onchain-verifier.md).
 */
package io.zkaudit.escrow.onchain;
