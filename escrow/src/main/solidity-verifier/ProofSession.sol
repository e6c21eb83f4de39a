// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import "./StatementBinding.sol";
import "./LogUpVerifier.sol";

/// @notice A model proof verified over several transactions, each one step of the Java verifier's
/// reduction, each storing what it verified as a checkpoint (docs/onchain-verifier.md, "Proof
/// sessions"). The transcript state is handed from step to step on chain: no step takes a state a
/// relayer chose.
///
/// Steps so far: `open` binds the statement and the input (`StatementBinding`), `lookups` verifies
/// the logUp-GKR lookups from the state `open` ended in (`LogUpVerifier`). The layer reductions and
/// the batched opening are the steps still to come.
///
/// A checkpoint is eight words: step, zero-knowledge flag, keccak of the statement plan, keccak of
/// the lookup plan (0 before the lookups), the input's and the output's SHA-256, the transcript
/// state, and the claims hash (keccak(previous, step's claims hash) for each step after the
/// first). The contract stores keccak(opener, checkpoint) under the session's id, keccak(opener,
/// state after `open`): only its opener continues a session, and a step continues only the
/// checkpoint stored, which the caller passes back (its words are public, in the step's event).
///
/// A step's rejection is `StepRejected(step, reason, detail)` with the step's verifier's reason
/// (`StatementBinding.Reason`, `LogUpVerifier.Reason`).
contract ProofSession {
    uint256 public constant STEP_STATEMENT = 1;
    uint256 public constant STEP_LOOKUPS = 2;

    StatementBinding public immutable statements;
    LogUpVerifier public immutable lookupVerifier;

    error StepRejected(uint256 step, uint256 reason, uint256 detail);
    /// The checkpoint passed is not the one stored for this sender's session.
    error UnknownSession(bytes32 id);

    event SessionStep(bytes32 indexed id, uint256 indexed step, bytes32[8] checkpoint);

    /// @notice keccak(opener, checkpoint) per session id.
    mapping(bytes32 => bytes32) public checkpoints;

    constructor(StatementBinding statements_, LogUpVerifier lookupVerifier_) {
        statements = statements_;
        lookupVerifier = lookupVerifier_;
    }

    /// @notice Step 1: the statement and the input binding.
    function open(uint256[] calldata plan, bytes calldata input, bytes calldata header)
        external
        returns (bytes32 id, bytes32[8] memory c)
    {
        (
            StatementBinding.Reason reason,
            uint256 detail,
            bytes32 stateOut,
            bytes32 inputHash,
            bytes32 outputHash,
            bytes32 claimsHash
        ) = statements.check(plan, input, header);
        if (reason != StatementBinding.Reason.Valid) revert StepRejected(STEP_STATEMENT, uint256(reason), detail);
        c[0] = bytes32(STEP_STATEMENT);
        c[1] = bytes32(uint256(uint8(header[8]) & 1)); // the header's zero-knowledge flag
        c[2] = keccak256(abi.encodePacked(plan));
        c[4] = inputHash;
        c[5] = outputHash;
        c[6] = stateOut;
        c[7] = claimsHash;
        id = sessionId(msg.sender, stateOut);
        _store(id, c);
    }

    /// @notice Step 2: the lookups, from the transcript state of step 1.
    function lookups(
        bytes32 id,
        bytes32[8] calldata c,
        uint256[] calldata plan,
        bytes calldata tables,
        bytes calldata proof
    ) external returns (bytes32[8] memory next) {
        _continue(id, c, STEP_STATEMENT);
        (LogUpVerifier.Reason reason, uint256 detail, bytes32 stateOut, bytes32 claimsHash) =
            lookupVerifier.check(c[6], plan, tables, proof);
        if (reason != LogUpVerifier.Reason.Valid) revert StepRejected(STEP_LOOKUPS, uint256(reason), detail);
        next = c;
        next[0] = bytes32(STEP_LOOKUPS);
        next[3] = keccak256(abi.encodePacked(plan));
        next[6] = stateOut;
        next[7] = keccak256(abi.encode(c[7], claimsHash));
        _store(id, next);
    }

    /// @notice The session of `opener` whose statement binding ended in `state`.
    function sessionId(address opener, bytes32 state) public pure returns (bytes32) {
        return keccak256(abi.encode("zkaudit/proof-session/v1", opener, state));
    }

    /// @notice Whether `c` is the checkpoint stored for session `id` of `opener`.
    function isCheckpoint(bytes32 id, address opener, bytes32[8] calldata c) external view returns (bool) {
        return checkpoints[id] == keccak256(abi.encode(opener, c));
    }

    /// @dev The checkpoint must be the one stored after the step before, by this sender: the hash
    /// stored covers the opener, so nobody else advances a session.
    function _continue(bytes32 id, bytes32[8] calldata c, uint256 step) private view {
        if (uint256(c[0]) != step || checkpoints[id] != keccak256(abi.encode(msg.sender, c))) {
            revert UnknownSession(id);
        }
    }

    function _store(bytes32 id, bytes32[8] memory c) private {
        checkpoints[id] = keccak256(abi.encode(msg.sender, c));
        emit SessionStep(id, uint256(c[0]), c);
    }
}
