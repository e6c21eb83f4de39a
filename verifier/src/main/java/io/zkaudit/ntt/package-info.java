/**
 * Number-theoretic transforms over Goldilocks ({@link io.zkaudit.ntt.Ntt}) and the Reed-Solomon
 * encoding of multilinear polynomials that Basefold commits to ({@link
 * io.zkaudit.ntt.ReedSolomon}). In the verifier module because a verifier handed committed values
 * recomputes their commitment ({@link io.zkaudit.pcs.Recommit}); the prover encodes with the same
 * code.
 */
package io.zkaudit.ntt;
