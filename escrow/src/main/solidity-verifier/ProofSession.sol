// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import "./StatementBinding.sol";
import "./LogUpVerifier.sol";
import "./LayerSteps.sol";

/// @notice A model proof verified over several transactions, each one step of the Java verifier's
/// reduction, each storing what it verified as a checkpoint (docs/onchain-verifier.md, "Proof
/// sessions"). The transcript state is handed from step to step on chain: no step takes a state a
/// relayer chose.
///
/// Steps so far: `open` binds the statement and the input (`StatementBinding`), `lookups` verifies
/// the logUp-GKR lookups from the state `open` ended in (`LogUpVerifier`), `rounding` verifies a
/// proven layer's rounding (`LayerSteps`), reading the lookups' claims as calldata opened against
/// their hash. Layer k's rounding is step 3 + 2k; its reduction, step 4 + 2k, and the batched
/// opening are the steps still to come (so today only layer 0's rounding follows the lookups).
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
    /// Layer k's rounding is step STEP_ROUNDING + 2k.
    uint256 public constant STEP_ROUNDING = 3;
    uint256 private constant MAX_LAYERS = 1 << 20;

    StatementBinding public immutable statements;
    LogUpVerifier public immutable lookupVerifier;
    LayerSteps public immutable layerSteps;

    error StepRejected(uint256 step, uint256 reason, uint256 detail);
    /// The checkpoint passed is not the one stored for this sender's session.
    error UnknownSession(bytes32 id);

    event SessionStep(bytes32 indexed id, uint256 indexed step, bytes32[8] checkpoint);

    /// @notice keccak(opener, checkpoint) per session id.
    mapping(bytes32 => bytes32) public checkpoints;

    /// @notice The lookups' own claims hash per session, stored by the first layer step (which
    /// opens it against the checkpoint's chained hash) for the layer steps after it.
    mapping(bytes32 => bytes32) public lookupClaims;

    constructor(StatementBinding statements_, LogUpVerifier lookupVerifier_, LayerSteps layerSteps_) {
        statements = statements_;
        lookupVerifier = lookupVerifier_;
        layerSteps = layerSteps_;
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

    /// @notice Step 3 + 2k: proven layer k's rounding (k = plan[0]) from the state of the step
    /// before (the lookups for k = 0, layer k - 1's reduction after). `claims` are the lookups'
    /// claims in `LogUpVerifier`'s item format, `lookupsHash` their chain: for k = 0 it must chain
    /// with `statementClaims` (the statement's claims hash) to the checkpoint's claims hash, and is
    /// stored; later it must be the one stored. `rangeEvals`: layer k's three range evaluations,
    /// 48 bytes as in the proof. The step's claims (`LayerSteps.rounding`) chain onto the
    /// checkpoint's.
    function rounding(
        bytes32 id,
        bytes32[8] calldata c,
        uint256[] calldata plan,
        bytes32 statementClaims,
        bytes32 lookupsHash,
        bytes calldata claims,
        bytes calldata rangeEvals
    ) external returns (bytes32[8] memory next) {
        uint256 k = plan.length == 0 ? 0 : plan[0];
        if (k >= MAX_LAYERS) revert StepRejected(STEP_ROUNDING, uint256(LayerSteps.Reason.BadStatement), 1);
        uint256 step = STEP_ROUNDING + 2 * k;
        _continue(id, c, step - 1);
        bool opened = k == 0
            ? keccak256(abi.encode(statementClaims, lookupsHash)) == c[7]
            : lookupClaims[id] == lookupsHash;
        if (!opened) revert StepRejected(step, uint256(LayerSteps.Reason.UnopenedClaims), 0);
        (LayerSteps.Reason reason, uint256 detail, bytes32 stateOut, bytes32 claimsHash) =
            layerSteps.rounding(c[6], plan, lookupsHash, claims, rangeEvals);
        if (reason != LayerSteps.Reason.Valid) revert StepRejected(step, uint256(reason), detail);
        if (k == 0) lookupClaims[id] = lookupsHash;
        next = c;
        next[0] = bytes32(step);
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
