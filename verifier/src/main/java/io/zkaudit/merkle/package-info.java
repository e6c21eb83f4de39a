/**
 * Merkle trees over rows of field elements: hashing ({@link io.zkaudit.merkle.MerkleHash}),
 * batched multi-openings ({@link io.zkaudit.merkle.MerkleMultiProof}) and their verification.
 * Trees are built by {@code io.zkaudit.prover.merkle.MerkleTree}.
 */
package io.zkaudit.merkle;
