/**
 * Merkle trees over rows of field elements: hashing ({@link io.zkaudit.merkle.MerkleHash}), batched
 * multi-openings ({@link io.zkaudit.merkle.MerkleMultiProof}) and their verification, and building
 * a tree ({@link io.zkaudit.merkle.MerkleTree}): by the prover when it commits, by a verifier that
 * recomputes a commitment from values it is given.
 */
package io.zkaudit.merkle;
