package io.zkaudit.protocols.chain;

/**
 * How a seller answers an on-chain contest of one of its answers: it must match the proof verifier
 * the escrows were deployed with (docs/escrow.md, "Settled by an on-chain proof").
 */
public enum ContestProofs {
  /**
   * The designated verifier checks the seller's (zero-knowledge) proof off chain and signs it: the
   * escrows consult an {@code AttestationVerifier}. Trusted: the attester must be honest and
   * available. The default, because it is the one that covers every model and audits settled with
   * proof, and keeps the answer's proof zero knowledge.
   */
  ATTESTER,

  /**
   * The seller proves the contested answer itself, a plain proof through the deployment's {@code
   * ProofSession} in its own transactions ({@link OnChainProofs}): the escrows consult a {@code
   * SessionProofVerifier}. No attester; but the plain proof's intermediate values become public,
   * only models whose every layer the contracts verify qualify, and the lookups' rounding-table
   * values are not checked on chain yet (docs/onchain-verifier.md, "Wiring").
   */
  ON_CHAIN
}
