/**
 * SHA-256, the hash of Merkle trees and of the Fiat–Shamir transcript (docs/hash-choice.md says why
 * not keccak-256), and its 32-byte digest value.
 */
package io.zkaudit.hash;
