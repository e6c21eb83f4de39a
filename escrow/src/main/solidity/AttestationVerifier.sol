// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import "./IProofVerifier.sol";
import "./Eip712.sol";
import "./Signatures.sol";

/// @notice Interim IProofVerifier: a claim counts as proven when the designated verifier (the
/// `attester` key, held by a service that checked the zero-knowledge proof off-chain) signed it.
/// Trust assumption: the attester is honest and available. SessionProofVerifier (the on-chain proof
/// verifier's facts) removes it; this one stays as the documented fallback (docs/escrow.md).
contract AttestationVerifier is IProofVerifier, Eip712 {
    bytes32 public constant PREDICTION_TYPEHASH =
        keccak256("PredictionVerified(bytes32 weightCommitment,bytes32 inputHash,bytes32 outputHash)");
    bytes32 public constant ACCURACY_TYPEHASH =
        keccak256("AccuracyVerified(bytes32 weightCommitment,bytes32 testSetHash,uint32 correct,uint32 total)");

    address public immutable attester;

    constructor(address attester_) Eip712("zkaudit.AttestationVerifier", "1") {
        require(attester_ != address(0), "attester is zero");
        attester = attester_;
    }

    function predictionDigest(bytes32 weightCommitment, bytes32 inputHash, bytes32 outputHash)
        public view returns (bytes32)
    {
        return _typedDigest(keccak256(abi.encode(PREDICTION_TYPEHASH, weightCommitment, inputHash, outputHash)));
    }

    function accuracyDigest(bytes32 weightCommitment, bytes32 testSetHash, uint32 correct, uint32 total)
        public view returns (bytes32)
    {
        return _typedDigest(keccak256(abi.encode(ACCURACY_TYPEHASH, weightCommitment, testSetHash, correct, total)));
    }

    /// @dev The attester's statement names the commitment only: the attester checks the proof
    /// against the verifying key whose digest the commitment is, which fixes the model whatever
    /// record lists it (`modelId` adds nothing it could check).
    function verifyPrediction(uint256, bytes32 weightCommitment, bytes32 inputHash, bytes32 outputHash, bytes calldata proof)
        external view returns (bool)
    {
        return Signatures.isSignedBy(predictionDigest(weightCommitment, inputHash, outputHash), proof, attester);
    }

    function verifyAccuracy(uint256, bytes32 weightCommitment, bytes32 testSetHash, uint32 correct, uint32 total, bytes calldata proof)
        external view returns (bool)
    {
        return Signatures.isSignedBy(accuracyDigest(weightCommitment, testSetHash, correct, total), proof, attester);
    }
}
