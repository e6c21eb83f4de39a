/**
 * The multilinear polynomial commitment (Basefold over Goldilocks, challenges in the quadratic
 * extension): parameters and security estimates ({@link io.zkaudit.pcs.PcsParams}), commitments,
 * evaluation claims, packed multi-column layouts, the opening proof format and its verifier ({@link
 * io.zkaudit.pcs.BasefoldVerifier}). The prover is {@code io.zkaudit.prover.pcs.BasefoldProver};
 * docs/pcs.md describes the protocol, the parameters and what the security rests on.
 */
package io.zkaudit.pcs;
