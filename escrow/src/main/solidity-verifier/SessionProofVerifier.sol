// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import "./IProofVerifier.sol";

/// @notice What SessionProofVerifier reads of ModelRegistry: the plans hash its seller recorded.
interface IVerifierPlans {
    function verifierPlansOf(uint256 modelId) external view returns (bytes32);
}

/// @notice What SessionProofVerifier reads of ProofSession: the inference facts `conclude` recorded.
interface IInferenceFacts {
    function verifiedInferences(bytes32 fact) external view returns (bool);

    function inferenceFact(bytes32 plans, bytes32 inputHash, bytes32 outputHash, bytes32 tables)
        external
        pure
        returns (bytes32);
}

/// @notice The escrows' IProofVerifier backed by the on-chain proof verifier: a contested
/// prediction counts as proven iff a ProofSession verified a proof of it, step by step in its own
/// transactions, and `conclude` recorded the inference fact (docs/onchain-verifier.md, "Wiring").
/// No attester: the fact exists only if the session's contracts accepted every step of the proof.
///
/// `verifyPrediction(modelId, weightCommitment, inputHash, outputHash, proof)` is true iff
/// - `proof` is exactly `tables ‖ lookupPlanHash ‖ layerPlans ‖ statementPlan` (32-byte words, the
///   statement plan at least one word and at most MAX_STATEMENT_WORDS);
/// - keccak(keccak(statementPlan), lookupPlanHash, layerPlans), the plans hash a session computes
///   (`ProofSession.sessionPlans`), is the one the registry holds for `modelId`
///   (`ModelRegistry.verifierPlansOf`, set once by the model's seller; zero: never true);
/// - the statement plan's first word, the key's digest every session step binds the proof to
///   (`StatementBinding`: "another model" otherwise), is `weightCommitment` (the registry's
///   commitment is that digest, as the protocols register it);
/// - `ProofSession.verifiedInferences(inferenceFact(plans, inputHash, outputHash, tables))`: a
///   session of these plans concluded about exactly this input and output (the SHA-256 of their
///   little-endian int32 values, `StatementBinding` computes both from the values themselves).
/// Each word of `proof` is thus bound: the plan words by the registry's hash, `tables` by the fact.
/// Anything else (other lengths, other words) is false; nothing here reverts.
///
/// The fact's `tables` word is the chain of the lookups' deferred rounding-table values
/// (`ProofSession.deferredTables`). Today no contract checks those values against the model's
/// table: `conclude` records the fact with whatever values the session's relayer sent, so a fact
/// is the chain's verdict only together with that table check (docs/onchain-verifier.md, "The
/// finish step"). This verifier takes the session's own record for it and adds no shortcut of its
/// own: once the table check is a session step that `conclude` requires, every fact it reads is
/// fully checked, with no change here. Until then that gap is the remaining assumption of this
/// verifier (docs/escrow.md, "Trust assumptions").
///
/// `verifyAccuracy` is false: accuracy proofs are not verified on chain yet (audits settle by the
/// parties' signatures, by deadline, or through an AttestationVerifier deployment).
contract SessionProofVerifier is IProofVerifier {
    /// @notice A statement plan is 22 words for the MNIST CNN and ResNet-8; this bounds the
    /// calldata a caller can make this verifier hash.
    uint256 public constant MAX_STATEMENT_WORDS = 256;

    IVerifierPlans public immutable registry;
    IInferenceFacts public immutable sessions;

    constructor(IVerifierPlans registry_, IInferenceFacts sessions_) {
        require(address(registry_) != address(0) && address(sessions_) != address(0), "zero address");
        registry = registry_;
        sessions = sessions_;
    }

    function verifyPrediction(
        uint256 modelId,
        bytes32 weightCommitment,
        bytes32 inputHash,
        bytes32 outputHash,
        bytes calldata proof
    ) external view returns (bool) {
        uint256 n = proof.length;
        if (n < 128 || n > 96 + 32 * MAX_STATEMENT_WORDS || n % 32 != 0) return false;
        bytes32 registered = registry.verifierPlansOf(modelId);
        if (registered == bytes32(0)) return false;
        if (bytes32(proof[96:128]) != weightCommitment) return false;
        bytes32 plans = keccak256(abi.encode(keccak256(proof[96:]), bytes32(proof[32:64]), bytes32(proof[64:96])));
        if (plans != registered) return false;
        return sessions.verifiedInferences(sessions.inferenceFact(plans, inputHash, outputHash, bytes32(proof[0:32])));
    }

    /// @notice False: no accuracy proof is verified on chain yet.
    function verifyAccuracy(uint256, bytes32, bytes32, uint32, uint32, bytes calldata)
        external
        pure
        returns (bool)
    {
        return false;
    }
}
