// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @notice What the escrows ask before they release a disputed stake: is this claim about the
/// model behind `weightCommitment` proven?
///
/// Two implementations: AttestationVerifier, a designated verifier (an off-chain service running
/// zkaudit's Java verifier) that signs each claim it has checked, and SessionProofVerifier, which
/// reads the facts the on-chain proof verifier (ProofSession) recorded. The escrows only see this
/// interface; the one they consult is fixed at their deployment. Implementations must return
/// false, never revert, on a malformed proof.
///
/// Both calls name the registry's `modelId` as well as its `weightCommitment`: several records may
/// carry one commitment (different sellers may list the same weights), and what a proof is checked
/// against beyond the commitment (the on-chain verifier's plans, `ModelRegistry.verifierPlansOf`)
/// is per record, so a verifier must know which record the escrow means.
interface IProofVerifier {
    /// @notice True iff `proof` shows output = model(input) for model `modelId` of the registry,
    /// whose weight commitment is `weightCommitment`, where input and output are identified by
    /// their hashes (SHA-256 of their values as little-endian int32).
    function verifyPrediction(
        uint256 modelId,
        bytes32 weightCommitment,
        bytes32 inputHash,
        bytes32 outputHash,
        bytes calldata proof
    ) external view returns (bool);

    /// @notice True iff `proof` shows model `modelId` (weight commitment `weightCommitment`)
    /// labels exactly `correct` of the `total` samples of the test set with hash `testSetHash`
    /// correctly.
    function verifyAccuracy(
        uint256 modelId,
        bytes32 weightCommitment,
        bytes32 testSetHash,
        uint32 correct,
        uint32 total,
        bytes calldata proof
    ) external view returns (bool);
}
