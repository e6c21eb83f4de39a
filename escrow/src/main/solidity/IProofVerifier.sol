// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @notice What the escrows ask before they release a disputed stake: is this claim about the
/// model behind `weightCommitment` proven?
///
/// Today the implementation is AttestationVerifier: a designated verifier (an off-chain service
/// running zkaudit's Java verifier) signs each claim it has checked. The escrows only see this
/// interface, so an on-chain verifier of the zkaudit proofs can replace it at deployment without
/// any change to the escrows or their callers. Implementations must return false, never revert,
/// on a malformed proof.
interface IProofVerifier {
    /// @notice True iff `proof` shows output = model(input) for the model committed to by
    /// `weightCommitment`, where input and output are identified by their hashes.
    function verifyPrediction(
        bytes32 weightCommitment,
        bytes32 inputHash,
        bytes32 outputHash,
        bytes calldata proof
    ) external view returns (bool);

    /// @notice True iff `proof` shows the committed model labels exactly `correct` of the
    /// `total` samples of the test set with hash `testSetHash` correctly.
    function verifyAccuracy(
        bytes32 weightCommitment,
        bytes32 testSetHash,
        uint32 correct,
        uint32 total,
        bytes calldata proof
    ) external view returns (bool);
}
