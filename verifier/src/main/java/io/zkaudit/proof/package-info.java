/**
 * The verifier's one error type ({@link io.zkaudit.proof.InvalidProofException}): whatever a proof,
 * key or encoding fails, the caller gets this with the reason, never another exception.
 */
package io.zkaudit.proof;
