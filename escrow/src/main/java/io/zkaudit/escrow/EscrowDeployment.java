package io.zkaudit.escrow;

/**
 * Where the contracts live: what a party needs (besides a node and a key) to use them.
 *
 * @param proofVerifier the IProofVerifier the escrows consult (today an AttestationVerifier)
 */
public record EscrowDeployment(
    long chainId,
    String registry,
    String proofVerifier,
    String predictionEscrow,
    String auditEscrow) {}
