/**
 * The multilinear polynomial commitment (Basefold over Goldilocks, challenges in the quadratic
 * extension): parameters and security estimates ({@link io.zkaudit.pcs.PcsParams}), commitments,
 * evaluation claims, packed multi-column layouts, the opening proof format and its verifier ({@link
 * io.zkaudit.pcs.BasefoldVerifier}). The prover is {@code io.zkaudit.prover.pcs.BasefoldProver};
 * docs/pcs.md describes the protocol, the parameters and what the security rests on. {@link
 * io.zkaudit.pcs.ListDecodingCandidate} grades candidate parameters in the list-decoding (Johnson)
 * regime for the v2 study in docs/pcs.md; no proof uses it.
 */
package io.zkaudit.pcs;
