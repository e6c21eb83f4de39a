// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import "./StatementBinding.sol";
import "./LogUpVerifier.sol";
import "./LayerSteps.sol";
import "./LinearLayerStep.sol";

/// @notice RoundingTables.sol's facts, as `tables` reads them.
interface ITableFacts {
    function verified(bytes32 fact) external view returns (bool);
    function tableFact(bytes32 planHash, bytes32 pointHash, uint256[4] memory values) external pure returns (bytes32);
}

/// @notice A model proof verified over several transactions, each one step of the Java verifier's
/// reduction, each storing what it verified as a checkpoint (docs/onchain-verifier.md, "Proof
/// sessions"). The transcript state is handed from step to step on chain: no step takes a state a
/// relayer chose.
///
/// Steps: `open` binds the statement and the input (`StatementBinding`), `lookups` verifies the
/// logUp-GKR lookups from the state `open` ended in (`LogUpVerifier`), `rounding` verifies proven
/// layer 0's rounding (`LayerSteps`), reading all the lookups' claims as calldata opened against
/// their hash and storing a hash of every layer's rounding row and range pair, and `roundingAt` a
/// later layer's rounding from its two items alone (layer k's rounding is step 3 + 2k); `linear`
/// and `addition` a layer's reduction (step 4 + 2k, `LinearLayerStep`); `finish` routes every claim
/// the steps chained into the batched opening's statement (STEP_OPENING), in one transaction or,
/// through `finishSteps`, in several; `opened` reads the
/// opening's fact (STEP_OPENED); `tables` checks the lookups' deferred table values against
/// RoundingTables' fact; `conclude` records the inference fact (STEP_VERIFIED). Plain
/// proofs; of a zero-knowledge proof the layer reductions so far (its finish and shadow link are
/// still to come).
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
/// @notice What `ProofSession.opened` reads of `BatchedOpeningVerifier`.
interface IOpeningFacts {
    function verified(bytes32 fact) external view returns (bool);
    function factOf(bytes32 polynomialsHash, bytes32 stateIn, bytes32 stateOut) external pure returns (bytes32);
    function stagedStatementHash(bytes32 chain) external pure returns (bytes32);
}

contract ProofSession {
    uint256 public constant STEP_STATEMENT = 1;
    uint256 public constant STEP_LOOKUPS = 2;
    /// Layer k's rounding is step STEP_ROUNDING + 2k.
    uint256 public constant STEP_ROUNDING = 3;
    uint256 private constant MAX_LAYERS = 1 << 20;

    StatementBinding public immutable statements;
    LogUpVerifier public immutable lookupVerifier;
    LayerSteps public immutable layerSteps;
    LinearLayerStep public immutable linearSteps;

    error StepRejected(uint256 step, uint256 reason, uint256 detail);
    /// The checkpoint passed is not the one stored for this sender's session.
    error UnknownSession(bytes32 id);

    event SessionStep(bytes32 indexed id, uint256 indexed step, bytes32[8] checkpoint);

    /// @notice keccak(opener, checkpoint) per session id.
    mapping(bytes32 => bytes32) public checkpoints;

    /// @notice Per session, keccak(the lookups' own claims hash, keccak of the layers' row hashes),
    /// stored by the first layer step (which opens all the lookups' claims against the checkpoint's
    /// chained hash): a later rounding step opens only its layer's row and range pair against it
    /// (`LayerSteps.roundingAt`), and later steps can still open the lookups' claims by their hash.
    mapping(bytes32 => bytes32) public layerClaims;

    /// @notice Per session, keccak of the model's layer plan hashes (one word per proven layer,
    /// keccak(keccak(rounding plan), keccak(reduction plan))), fixed by the session's first layer
    /// reduction and required of every later one. It names the model description the layer steps
    /// read: a reader compares it with the model's registered `ModelRegistry.verifierPlansOf`.
    mapping(bytes32 => bytes32) public layerPlans;

    /// @notice Per session, keccak of the proof's witness commitments as its header holds them (33
    /// bytes each: root, numVars), stored by `open` for `finish`, which names them in the opening's
    /// statement.
    mapping(bytes32 => bytes32) public commitments;

    /// @notice Per session, the keccak chain (from 0, `LogUpVerifier`'s item format) of the
    /// lookups' deferred table values (kind 6: a table column with this SHA-256 is v at this point),
    /// set by `finish`: the claims the batched opening does not discharge, which the reader of a
    /// finished session must (docs/onchain-verifier.md, "The finish step").
    mapping(bytes32 => bytes32) public deferredTables;

    constructor(
        StatementBinding statements_,
        LogUpVerifier lookupVerifier_,
        LayerSteps layerSteps_,
        LinearLayerStep linearSteps_
    ) {
        statements = statements_;
        lookupVerifier = lookupVerifier_;
        layerSteps = layerSteps_;
        linearSteps = linearSteps_;
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
        commitments[id] = keccak256(_binsOf(header));
        _store(id, c);
    }

    /// @dev The witness commitments of a header `StatementBinding` accepted: 33 bytes each (root,
    /// numVars), after the u32 count that follows the output.
    function _binsOf(bytes calldata header) private pure returns (bytes calldata) {
        uint256 outputs = _le32(header, 41);
        uint256 at = 45 + 4 * outputs;
        uint256 bins = _le32(header, at);
        return header[at + 4:at + 4 + 33 * bins];
    }

    function _le32(bytes calldata b, uint256 at) private pure returns (uint256) {
        return uint256(uint8(b[at])) | uint256(uint8(b[at + 1])) << 8 | uint256(uint8(b[at + 2])) << 16
            | uint256(uint8(b[at + 3])) << 24;
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

    /// @notice Step 3: proven layer 0's rounding from the lookups' state. `claims` are the lookups'
    /// claims in `LogUpVerifier`'s item format, `lookupsHash` their chain, which must chain with
    /// `statementClaims` (the statement's claims hash) to the checkpoint's claims hash.
    /// `rangeEvals`: layer 0's three range evaluations, 48 bytes as in the proof; `output`: the
    /// public output (little-endian int32) for the model's output layer, whose SHA-256 must be the
    /// checkpoint's, else empty. The step's claims
    /// (`LayerSteps.rounding`) chain onto the checkpoint's; it stores `layerClaims` for the later
    /// rounding steps.
    function rounding(
        bytes32 id,
        bytes32[8] calldata c,
        uint256[] calldata plan,
        bytes32 statementClaims,
        bytes32 lookupsHash,
        bytes calldata claims,
        bytes calldata rangeEvals,
        bytes calldata output
    ) external returns (bytes32[8] memory next) {
        if (plan.length != 0 && plan[0] != 0) revert StepRejected(STEP_ROUNDING, uint256(LayerSteps.Reason.BadStatement), 1);
        _continue(id, c, STEP_LOOKUPS);
        if (keccak256(abi.encode(statementClaims, lookupsHash)) != c[7]) {
            revert StepRejected(STEP_ROUNDING, uint256(LayerSteps.Reason.UnopenedClaims), 0);
        }
        _outputOf(STEP_ROUNDING, c, output);
        (LayerSteps.Reason reason, uint256 detail, bytes32 stateOut, bytes32 claimsHash, bytes32 rowsHash) =
            layerSteps.rounding(c[6], plan, lookupsHash, claims, rangeEvals, output);
        if (reason != LayerSteps.Reason.Valid) revert StepRejected(STEP_ROUNDING, uint256(reason), detail);
        layerClaims[id] = keccak256(abi.encode(lookupsHash, rowsHash));
        next = _advance(id, c, STEP_ROUNDING, stateOut, claimsHash);
    }

    /// @notice Step 3 + 2k, k >= 1: proven layer k's rounding (k = plan[0]) from the state of layer
    /// k - 1's reduction, with only layer k's rounding row and range pair (`items`) opened against
    /// what the first layer step stored: `lookupsHash` and `rowHashes` (one per layer) must hash to
    /// `layerClaims`, `items` to `rowHashes[k]`; `output` as for `rounding`.
    function roundingAt(
        bytes32 id,
        bytes32[8] calldata c,
        uint256[] calldata plan,
        bytes32 lookupsHash,
        bytes32[] calldata rowHashes,
        bytes calldata items,
        bytes calldata rangeEvals,
        bytes calldata output
    ) external returns (bytes32[8] memory next) {
        uint256 k = plan.length == 0 ? 0 : plan[0];
        if (k == 0 || k >= MAX_LAYERS) revert StepRejected(STEP_ROUNDING, uint256(LayerSteps.Reason.BadStatement), 1);
        uint256 step = STEP_ROUNDING + 2 * k;
        _continue(id, c, step - 1);
        if (layerClaims[id] != keccak256(abi.encode(lookupsHash, keccak256(abi.encodePacked(rowHashes))))) {
            revert StepRejected(step, uint256(LayerSteps.Reason.UnopenedClaims), 0);
        }
        _outputOf(step, c, output);
        (LayerSteps.Reason reason, uint256 detail, bytes32 stateOut, bytes32 claimsHash) =
            layerSteps.roundingAt(c[6], plan, rowHashes, items, rangeEvals, output);
        if (reason != LayerSteps.Reason.Valid) revert StepRejected(step, uint256(reason), detail);
        next = _advance(id, c, step, stateOut, claimsHash);
    }

    /// @notice Step 4 + 2k: proven layer k's reduction (k = plan[0]) when it is a windowed linear
    /// layer (`LinearLayerStep`: convolutions, dense layers, depthwise convolutions, pools and
    /// means as sums), from the state of layer k's rounding. Its claim, the accumulator a(rho), is
    /// opened from the checkpoint: `roundingItems` are the rounding's claims in the item format
    /// (`LayerEncoding.roundingItems`), whose chain from keccak(`roundingPlan`) must chain with
    /// `previous` (the claims hash before the rounding) to the checkpoint's claims hash; the kind-9
    /// item with a = k among them is the claim. `planHashes` has one word per proven layer,
    /// keccak(keccak(rounding plan), keccak(reduction plan)); word k must be these plans', and
    /// their keccak the session's `layerPlans` (fixed here by the session's first reduction).
    function linear(
        bytes32 id,
        bytes32[8] calldata c,
        uint256[] calldata plan,
        bytes32[] calldata planHashes,
        bytes32 previous,
        uint256[] calldata roundingPlan,
        bytes calldata roundingItems,
        bytes calldata proof
    ) external returns (bytes32[8] memory next) {
        uint256 k = plan.length == 0 ? MAX_LAYERS : plan[0];
        if (k >= MAX_LAYERS) revert StepRejected(STEP_ROUNDING + 1, uint256(LinearLayerStep.Reason.BadStatement), 0);
        uint256 step = STEP_ROUNDING + 2 * k + 1;
        _continue(id, c, step - 1);
        _checkPlans(id, step, k, plan, planHashes, roundingPlan);
        (uint256[] memory rho, uint256 value) = _accumulator(step, k, c[7], previous, roundingPlan, roundingItems);
        // A zero-knowledge session's layers are masked and chained (`reduceZk`; its plan has the
        // layer's first mask block after the plain plan's words).
        (LinearLayerStep.Reason reason, uint256 detail, bytes32 stateOut, bytes32 claimsHash) = c[1] != 0
            ? linearSteps.reduceZk(c[6], plan, rho, value, proof)
            : linearSteps.reduce(c[6], plan, rho, value, proof);
        if (reason != LinearLayerStep.Reason.Valid) revert StepRejected(step, uint256(reason), detail);
        next = _advance(id, c, step, stateOut, claimsHash);
    }

    /// @notice Step 4 + 2k: proven layer k's reduction when it is a quantized ADD
    /// (`LinearLayerStep.add`, or `addZk` in a zero-knowledge session): the accumulator claim and
    /// the plans as for `linear`; `addEval` the proof's s for this ADD (16 bytes; in zero knowledge
    /// with a constant side, followed by the constant addend's sumcheck); the lookups' claims (`lookupItems`, their
    /// hash `lookupsHash`), opened against what the first layer step stored with `rowHashes`, for
    /// the ADD's rescale rows.
    function addition(
        bytes32 id,
        bytes32[8] calldata c,
        uint256[] calldata plan,
        bytes32[] calldata planHashes,
        bytes32 previous,
        uint256[] calldata roundingPlan,
        bytes calldata roundingItems,
        bytes calldata addEval,
        bytes32 lookupsHash,
        bytes32[] calldata rowHashes,
        bytes calldata lookupItems
    ) external returns (bytes32[8] memory next) {
        uint256 k = plan.length == 0 ? MAX_LAYERS : plan[0];
        if (k >= MAX_LAYERS) revert StepRejected(STEP_ROUNDING + 1, uint256(LinearLayerStep.Reason.BadStatement), 0);
        uint256 step = STEP_ROUNDING + 2 * k + 1;
        _continue(id, c, step - 1);
        _checkPlans(id, step, k, plan, planHashes, roundingPlan);
        if (layerClaims[id] != keccak256(abi.encode(lookupsHash, keccak256(abi.encodePacked(rowHashes))))) {
            revert StepRejected(step, uint256(LinearLayerStep.Reason.UnopenedClaims), 1);
        }
        (uint256[] memory rho, uint256 value) = _accumulator(step, k, c[7], previous, roundingPlan, roundingItems);
        // In a zero-knowledge session an ADD with a constant side proves it through the weight
        // shadow (`addZk`: `addEval` is s followed by the constant addend's sumcheck).
        (LinearLayerStep.Reason reason, uint256 detail, bytes32 stateOut, bytes32 claimsHash) = c[1] != 0
            ? linearSteps.addZk(c[6], plan, rho, value, addEval, lookupsHash, lookupItems)
            : linearSteps.add(c[6], plan, rho, value, addEval, lookupsHash, lookupItems);
        if (reason != LinearLayerStep.Reason.Valid) revert StepRejected(step, uint256(reason), detail);
        next = _advance(id, c, step, stateOut, claimsHash);
    }

    /// @dev The layer's plans against the session's plan hashes (fixed by its first reduction).
    function _checkPlans(
        bytes32 id,
        uint256 step,
        uint256 k,
        uint256[] calldata plan,
        bytes32[] calldata planHashes,
        uint256[] calldata roundingPlan
    ) private {
        bytes32 all = keccak256(abi.encodePacked(planHashes));
        bytes32 stored = layerPlans[id];
        if (stored == 0) {
            layerPlans[id] = all;
        } else if (stored != all) {
            revert StepRejected(step, uint256(LinearLayerStep.Reason.BadStatement), 1);
        }
        bytes32 mine = keccak256(abi.encode(keccak256(abi.encodePacked(roundingPlan)), keccak256(abi.encodePacked(plan))));
        if (k >= planHashes.length || planHashes[k] != mine || roundingPlan.length == 0 || roundingPlan[0] != k) {
            revert StepRejected(step, uint256(LinearLayerStep.Reason.BadStatement), 2);
        }
    }

    /// @dev Opens the rounding's claims against the checkpoint's claims hash and returns its
    /// accumulator item's point and value (kind 9, a = k, one value).
    function _accumulator(
        uint256 step,
        uint256 k,
        bytes32 claimsHash,
        bytes32 previous,
        uint256[] calldata roundingPlan,
        bytes calldata items
    ) private pure returns (uint256[] memory rho, uint256 value) {
        bytes32 h = keccak256(abi.encodePacked(roundingPlan));
        uint256 at = 0;
        uint256 found = type(uint256).max;
        uint256 len = items.length;
        while (at < len) {
            if (len - at < 160) revert StepRejected(step, uint256(LinearLayerStep.Reason.Malformed), at);
            uint256 n = uint256(bytes32(items[at + 96:at + 128]));
            if (n > 64 || len - at < 32 * (5 + n)) revert StepRejected(step, uint256(LinearLayerStep.Reason.Malformed), at);
            uint256 m = uint256(bytes32(items[at + 32 * (4 + n):at + 32 * (5 + n)]));
            if (m > 64 || len - at < 32 * (5 + n + m)) revert StepRejected(step, uint256(LinearLayerStep.Reason.Malformed), at);
            uint256 size = 32 * (5 + n + m);
            h = keccak256(abi.encodePacked(h, items[at:at + size]));
            if (uint256(bytes32(items[at:at + 32])) == 9 && uint256(bytes32(items[at + 32:at + 64])) == k && m == 1) {
                found = at;
            }
            at += size;
        }
        if (keccak256(abi.encode(previous, h)) != claimsHash || found == type(uint256).max) {
            revert StepRejected(step, uint256(LinearLayerStep.Reason.UnopenedClaims), 0);
        }
        uint256 count = uint256(bytes32(items[found + 96:found + 128]));
        rho = new uint256[](count);
        for (uint256 j = 0; j < count; ++j) {
            rho[j] = uint256(bytes32(items[found + 128 + 32 * j:found + 160 + 32 * j]));
        }
        value = uint256(bytes32(items[found + 32 * (5 + count):found + 32 * (6 + count)]));
    }

    // ------------------------------------------------------------------ the batched opening

    /// @notice The checkpoint the layer steps end in (`finish`): every claim the proof
    /// leaves is routed into the batched opening's statement, and the checkpoint's claims hash
    /// (word 7) is that statement's chain (`BatchedClaimReduction._link`, Java's
    /// `BatchedOpeningEncoding.statementChain`), its state (word 6) the transcript before the
    /// opening. This is the seam between the layer steps and the opening: whatever step comes
    /// last before the opening stores its checkpoint with this step number and these two words.
    uint256 public constant STEP_OPENING = 1 << 30;
    /// @notice The checkpoint after the batched opening: state (word 6) after it, no claims left
    /// to the opening (word 7 zero); `conclude` follows (a zero-knowledge proof's shadow link, to
    /// come, before it).
    uint256 public constant STEP_OPENED = (1 << 30) + 1;
    /// @notice The opening step's own rejection reason: no verified opening of the session's
    /// statement from the session's state ends in the state given.
    uint256 public constant OPENING_NOT_VERIFIED = 1;

    /// @notice The batched-opening verifier whose facts `opened` reads, set once by the deployer
    /// (`bindOpenings`), so that the constructor, which other steps' deployments share, is unchanged.
    IOpeningFacts public openings;
    address private immutable deployer = msg.sender;

    function bindOpenings(IOpeningFacts openings_) external {
        require(msg.sender == deployer && address(openings) == address(0), "bound once, by the deployer");
        openings = openings_;
    }

    // ------------------------------------------------------------------ finish

    /// @notice `finish`'s rejection reasons (`StepRejected(STEP_OPENING, reason, detail)`).
    uint256 public constant FINISH_MALFORMED = 1; // an item list that does not parse
    uint256 public constant FINISH_UNOPENED = 2; // claims or plans that do not open against the session
    uint256 public constant FINISH_BAD_PLAN = 3; // a finish plan that is not well formed
    uint256 public constant FINISH_BAD_CLAIMS = 4; // a claim the plan cannot place, a polynomial without one
    uint256 public constant FINISH_UNSUPPORTED = 5; // zero knowledge's claims (blinding, masks): not on chain yet

    /// @dev A finish plan's source word for the weight commitment (else a witness bin's index).
    uint256 private constant WEIGHTS = 1 << 32;

    /// @dev A claim placed in the opening's statement: its polynomial, its column's variables and
    /// fixed high bits (`PackedLayout.packedPoint`), and where its item starts in calldata.
    struct Placed {
        uint256 poly;
        uint256 vars;
        uint256 high;
        uint256 at;
    }

    /// @dev Where a finish over several transactions stands between them (abi-encoded, handed back
    /// by the caller, only keccak(sender, state) stored in `finishing`): the finish plan's keccak
    /// (a part routed by another plan would place claims where the plan the session records at the
    /// close does not say), the next step whose claims come, the steps' chains chained so far (as the steps chained them), the deferred tables'
    /// chain, and per batched polynomial the chain of its packed claims so far (from 0, in the
    /// session's order) and their count.
    struct Finishing {
        bytes32 plan; // keccak of the finish plan every part must route by
        uint256 next;
        bytes32 acc;
        bytes32 tables;
        bytes32[] chains;
        uint256[] counts;
    }

    /// @notice Per session, keccak(sender, state) of a finish under way over several transactions
    /// (`finishSteps`); zero when none is.
    mapping(bytes32 => bytes32) public finishing;

    /// @notice Step STEP_OPENING, after the last proven layer's reduction (step 2 + 2L): every claim
    /// the session's steps left, opened against the checkpoint's claims hash, routed as
    /// `ProofReduction.Claims` and `ModelVerifier.openingEntries` route them (witness claims to
    /// their bins, weight claims to the weight commitment, `ColumnBins.split`), packed
    /// (`PackedLayout.toPacked`) and chained into the batched opening's statement chain
    /// (`BatchedOpeningEncoding.statementChain`: per polynomial the chain of its packed claims,
    /// then per polynomial keccak(chain, keccak(header), its claims' chain)): the checkpoint
    /// `opened` continues. A plain proof only (Java's `finish` adds nothing to the transcript then:
    /// the state is the last layer's). In one transaction; `finishSteps` is the same over several.
    ///
    /// `plan` (`FinishEncoding.plan`, per model): L, the witness and weight column counts, the two
    /// multiplicity columns, the batched polynomials in opening order (source: a witness bin or the
    /// weights; numVars), per witness column (bin, variables, offset / 2^variables), per weight
    /// column (variables, offset / 2^variables). Its keccak is folded into the session's
    /// `layerPlans`. `statementPlan`: the session's (word 2), for the weight commitment's root and
    /// size. `bins`: the header's witness commitments (`commitments`). `stepPlans`: per layer the
    /// keccak of its rounding and reduction plans (their keccak pairs are the session's
    /// `layerPlans`): where those steps' claim chains start. `steps`: per step its claims in the
    /// item format (the statement's, the lookups', then per layer its rounding's and its
    /// reduction's).
    function finish(
        bytes32 id,
        bytes32[8] calldata c,
        uint256[] calldata plan,
        uint256[] calldata statementPlan,
        bytes calldata bins,
        bytes32[] calldata stepPlans,
        bytes[] calldata steps
    ) external returns (bytes32[8] memory next) {
        uint256 layers = _finishPlan(id, c, plan, stepPlans);
        if (steps.length != 2 + 2 * layers) revert StepRejected(STEP_OPENING, FINISH_BAD_PLAN, 0);
        Finishing memory st = _freshFinishing(plan);
        _finishWalk(plan, stepPlans, st, steps, layers);
        next = _finishClose(id, c, plan, statementPlan, bins, st);
    }

    /// @notice `finish` over several transactions, for a session whose claims exceed one (ResNet-8:
    /// its lookups' items alone are ~60 KB): each transaction takes the claims of the next steps
    /// (`steps`, whole steps in the session's order from the state's `next`; `state` empty for the
    /// first, else the state the previous one returned), opens their chains as `finish` does and
    /// chains each claim into its polynomial's chain; the transaction whose steps reach the last
    /// step closes the finish as `finish` does (every step's chain against the checkpoint's claims
    /// hash, the statement's chain from the polynomials' chains) and stores the STEP_OPENING
    /// checkpoint, returning it (and an empty state); the others return the checkpoint unchanged
    /// and the state to continue from. Only the session's opener continues its finish, and only
    /// from its latest state (else `UnknownSession`): a replayed, skipped or reordered part, a
    /// claim moved between parts, or parts missing leave a chain that does not open the
    /// checkpoint's (unopened claims, at the close). An empty `state` starts the finish afresh.
    function finishSteps(
        bytes32 id,
        bytes32[8] calldata c,
        uint256[] calldata plan,
        uint256[] calldata statementPlan,
        bytes calldata bins,
        bytes32[] calldata stepPlans,
        bytes calldata state,
        bytes[] calldata steps
    ) external returns (bytes memory nextState, bytes32[8] memory next) {
        uint256 layers = _finishPlan(id, c, plan, stepPlans);
        Finishing memory st;
        if (state.length == 0) {
            st = _freshFinishing(plan);
        } else {
            if (finishing[id] != keccak256(abi.encodePacked(msg.sender, state))) revert UnknownSession(id);
            st = abi.decode(state, (Finishing));
            if (st.plan != keccak256(abi.encodePacked(plan))) revert StepRejected(STEP_OPENING, FINISH_UNOPENED, 4);
        }
        if (steps.length == 0 || st.next + steps.length > 2 + 2 * layers) {
            revert StepRejected(STEP_OPENING, FINISH_BAD_PLAN, 4);
        }
        _finishWalk(plan, stepPlans, st, steps, layers);
        if (st.next == 2 + 2 * layers) {
            delete finishing[id];
            next = _finishClose(id, c, plan, statementPlan, bins, st);
        } else {
            nextState = abi.encode(st);
            finishing[id] = keccak256(abi.encodePacked(msg.sender, nextState));
            next = c;
        }
    }

    /// @dev The checks every finish transaction makes before reading claims: the plan's shape, the
    /// session at the last layer's reduction (its opener's, a plain proof), the layers' plan hashes
    /// the session's. Returns L.
    function _finishPlan(bytes32 id, bytes32[8] calldata c, uint256[] calldata plan, bytes32[] calldata stepPlans)
        private
        view
        returns (uint256 layers)
    {
        layers = plan.length < 6 ? 0 : plan[0];
        if (layers == 0 || layers >= MAX_LAYERS || stepPlans.length != 2 * layers) {
            revert StepRejected(STEP_OPENING, FINISH_BAD_PLAN, 0);
        }
        if (plan[1] > MAX_LAYERS || plan[2] > MAX_LAYERS || plan[5] == 0 || plan[5] > 16
            || plan.length != 6 + 2 * plan[5] + 3 * plan[1] + 2 * plan[2]) {
            revert StepRejected(STEP_OPENING, FINISH_BAD_PLAN, 1);
        }
        _continue(id, c, STEP_ROUNDING + 2 * layers - 1);
        if (c[1] != 0) revert StepRejected(STEP_OPENING, FINISH_UNSUPPORTED, 0);
        bytes32[] memory hashes = new bytes32[](layers);
        for (uint256 k = 0; k < layers; ++k) {
            hashes[k] = keccak256(abi.encode(stepPlans[2 * k], stepPlans[2 * k + 1]));
        }
        if (keccak256(abi.encodePacked(hashes)) != layerPlans[id]) revert StepRejected(STEP_OPENING, FINISH_UNOPENED, 3);
    }

    function _freshFinishing(uint256[] calldata plan) private pure returns (Finishing memory st) {
        st.plan = keccak256(abi.encodePacked(plan));
        st.chains = new bytes32[](plan[5]);
        st.counts = new uint256[](plan[5]);
    }

    /// @dev Steps st.next, st.next + 1, ...: each one's chain recomputed from its start (0 for the
    /// statement and the lookups, the rounding or reduction plan's keccak for a layer's) and
    /// chained as the steps chained them; each claim on a column chained into its polynomial's.
    function _finishWalk(
        uint256[] calldata plan,
        bytes32[] calldata stepPlans,
        Finishing memory st,
        bytes[] calldata steps,
        uint256 layers
    ) private pure {
        for (uint256 i = 0; i < steps.length; ++i) {
            uint256 s = st.next + i;
            if (s >= 2 + 2 * layers) revert StepRejected(STEP_OPENING, FINISH_BAD_PLAN, 4);
            bytes32 h = _walk(plan, steps[i], s < 2 ? bytes32(0) : stepPlans[s - 2], st);
            st.acc = s == 0 ? h : keccak256(abi.encode(st.acc, h));
        }
        st.next += steps.length;
    }

    /// @dev After every step's claims: their chain must be the checkpoint's claims hash; the
    /// statement's chain from the polynomials' (each with a claim: Java's "has no claim to open"),
    /// the plan folded into the session's plans, the deferred tables stored, STEP_OPENING stored.
    function _finishClose(
        bytes32 id,
        bytes32[8] calldata c,
        uint256[] calldata plan,
        uint256[] calldata statementPlan,
        bytes calldata bins,
        Finishing memory st
    ) private returns (bytes32[8] memory next) {
        if (st.acc != c[7]) revert StepRejected(STEP_OPENING, FINISH_UNOPENED, 0);
        if (statementPlan.length < 3 || keccak256(abi.encodePacked(statementPlan)) != c[2]) {
            revert StepRejected(STEP_OPENING, FINISH_UNOPENED, 1);
        }
        if (keccak256(bins) != commitments[id]) revert StepRejected(STEP_OPENING, FINISH_UNOPENED, 2);
        bytes32 chain = _statementChain(plan, statementPlan, bins, st);
        layerPlans[id] = keccak256(abi.encode(layerPlans[id], st.plan));
        deferredTables[id] = st.tables;
        next = c;
        next[0] = bytes32(STEP_OPENING);
        next[7] = chain;
        _store(id, next);
    }

    /// @dev One step's items: chained from `h`; each claim on a column (kinds 1: a lookup's
    /// multiplicity column, 7 and 8: a witness column, 10: a weight column) packed and chained
    /// into its polynomial's chain, a deferred table value (6) chained into `st.tables`, the
    /// lookup rows and the accumulators (2, 9) used by the layer steps already, anything else
    /// (zero knowledge's) refused.
    function _walk(uint256[] calldata plan, bytes calldata items, bytes32 h, Finishing memory st)
        private
        pure
        returns (bytes32)
    {
        uint256 at = 0;
        uint256 len = items.length;
        while (at < len) {
            if (len - at < 160) revert StepRejected(STEP_OPENING, FINISH_MALFORMED, at);
            uint256 n = uint256(bytes32(items[at + 96:at + 128]));
            if (n > 64 || len - at < 32 * (5 + n)) revert StepRejected(STEP_OPENING, FINISH_MALFORMED, at);
            uint256 m = uint256(bytes32(items[at + 32 * (4 + n):at + 32 * (5 + n)]));
            if (m > 64 || len - at < 32 * (5 + n + m)) revert StepRejected(STEP_OPENING, FINISH_MALFORMED, at);
            uint256 size = 32 * (5 + n + m);
            bytes calldata item = items[at:at + size];
            h = keccak256(abi.encodePacked(h, item));
            uint256 kind = uint256(bytes32(item[0:32]));
            if (kind == 6) {
                st.tables = keccak256(abi.encodePacked(st.tables, item));
            } else if (kind == 1 || kind == 7 || kind == 8 || kind == 10) {
                Placed memory p = _place(plan, item, kind, n, m);
                st.chains[p.poly] = _chainClaim(st.chains[p.poly], p, plan[7 + 2 * p.poly]);
                st.counts[p.poly] += 1;
            } else if (kind != 2 && kind != 9) {
                revert StepRejected(STEP_OPENING, FINISH_UNSUPPORTED, kind);
            }
            at += size;
        }
        return h;
    }

    /// @dev Where a column claim goes: its polynomial, its column's size and fixed high bits. Its
    /// point must have the column's variables and it must hold one value (Java: a malformed
    /// column claim).
    function _place(uint256[] calldata plan, bytes calldata item, uint256 kind, uint256 n, uint256 m)
        private
        pure
        returns (Placed memory p)
    {
        uint256 a = uint256(bytes32(item[32:64]));
        uint256 witness = plan[1];
        uint256 polys = plan[5];
        uint256 wAt = 6 + 2 * polys;
        uint256 source;
        if (kind == 1) {
            if (a > 1) revert StepRejected(STEP_OPENING, FINISH_BAD_CLAIMS, a);
            a = plan[3 + a];
        }
        if (kind == 10) {
            if (a >= plan[2]) revert StepRejected(STEP_OPENING, FINISH_BAD_CLAIMS, a);
            uint256 gAt = wAt + 3 * witness + 2 * a;
            source = WEIGHTS;
            (p.vars, p.high) = (plan[gAt], plan[gAt + 1]);
        } else {
            if (a >= witness) revert StepRejected(STEP_OPENING, FINISH_BAD_CLAIMS, a);
            uint256 cAt = wAt + 3 * a;
            source = plan[cAt];
            (p.vars, p.high) = (plan[cAt + 1], plan[cAt + 2]);
        }
        if (n != p.vars || m != 1) revert StepRejected(STEP_OPENING, FINISH_BAD_CLAIMS, a);
        p.poly = polys;
        for (uint256 q = 0; q < polys; ++q) {
            if (plan[6 + 2 * q] == source) p.poly = q;
        }
        if (p.poly == polys) revert StepRejected(STEP_OPENING, FINISH_BAD_PLAN, source);
        p.at = _offset(item);
    }

    function _offset(bytes calldata item) private pure returns (uint256 at) {
        assembly ("memory-safe") {
            at := item.offset
        }
    }

    /// @dev The statement's chain (`BatchedOpeningEncoding.statementChain`): per polynomial in the
    /// plan's order keccak(chain, keccak(its header: root, u32 numVars, u32 length, u32 count),
    /// the chain of its claims), each claim packed (its point, then the column's fixed high bits as
    /// 0/1 coordinates; one term of weight one; the value) as `BatchedOpeningEncoding.polynomials`
    /// encodes it.
    function _statementChain(
        uint256[] calldata plan,
        uint256[] calldata statementPlan,
        bytes calldata bins,
        Finishing memory st
    ) private pure returns (bytes32 chain) {
        uint256 polys = plan[5];
        for (uint256 q = 0; q < polys; ++q) {
            uint256 source = plan[6 + 2 * q];
            uint256 vars = plan[7 + 2 * q];
            bytes32 root;
            if (source == WEIGHTS) {
                root = bytes32(statementPlan[1]);
                if (vars != statementPlan[2]) revert StepRejected(STEP_OPENING, FINISH_BAD_PLAN, 2);
            } else {
                if (33 * source + 33 > bins.length || uint8(bins[33 * source + 32]) != vars) {
                    revert StepRejected(STEP_OPENING, FINISH_BAD_PLAN, 3);
                }
                root = bytes32(bins[33 * source:33 * source + 32]);
            }
            uint256 claims = st.counts[q];
            if (claims == 0) revert StepRejected(STEP_OPENING, FINISH_BAD_CLAIMS, MAX_LAYERS + q);
            uint256 length = 4 + claims * (16 * vars + 36);
            bytes32 head = keccak256(abi.encodePacked(root, _le32Word(vars), _le32Word(length), _le32Word(claims)));
            chain = keccak256(abi.encode(chain, head, st.chains[q]));
        }
    }

    /// @dev u32 little-endian, as 4 bytes.
    function _le32Word(uint256 v) private pure returns (bytes4) {
        return bytes4(uint32((v & 0xff) << 24 | (v & 0xff00) << 8 | (v >> 8 & 0xff00) | (v >> 24 & 0xff)));
    }

    /// @dev keccak(chain, u32 1, the packed point's coordinates, weight one, value), each extension
    /// element as two little-endian u64 words.
    function _chainClaim(bytes32 chain, Placed memory p, uint256 vars) private pure returns (bytes32 out) {
        uint256 at = p.at;
        uint256 own = p.vars;
        uint256 high = p.high;
        assembly ("memory-safe") {
            function le64(x) -> y {
                y := or(shr(8, and(x, 0xFF00FF00FF00FF00)), shl(8, and(x, 0x00FF00FF00FF00FF)))
                y := or(shr(16, and(y, 0xFFFF0000FFFF0000)), shl(16, and(y, 0x0000FFFF0000FFFF)))
                y := or(shr(32, y), shl(32, and(y, 0xFFFFFFFF)))
            }
            function ext(w) -> v {
                v := or(shl(64, le64(and(w, 0xFFFFFFFFFFFFFFFF))), le64(shr(64, w)))
            }
            let buf := mload(0x40)
            mstore(buf, chain)
            let ptr := add(buf, 32)
            mstore(ptr, shl(224, 0x01000000))
            ptr := add(ptr, 4)
            let one := shl(248, 1)
            for { let j := 0 } lt(j, own) { j := add(j, 1) } {
                mstore(ptr, shl(128, ext(calldataload(add(at, mul(32, add(4, j)))))))
                ptr := add(ptr, 16)
            }
            for { let j := own } lt(j, vars) { j := add(j, 1) } {
                mstore(ptr, mul(and(shr(sub(j, own), high), 1), one))
                ptr := add(ptr, 16)
            }
            mstore(ptr, one)
            ptr := add(ptr, 16)
            mstore(ptr, shl(128, ext(calldataload(add(at, mul(32, add(5, own)))))))
            ptr := add(ptr, 16)
            out := keccak256(buf, sub(ptr, buf))
        }
    }

    /// @notice Step STEP_OPENED: the batched opening of the statement the session's checkpoint
    /// names, from the session's state. The opening is verified beforehand in its own transactions
    /// by anyone (`BatchedClaimReduction.stageBegin` ... `BatchedOpeningVerifier.continueWith`),
    /// which records a fact; this step only reads `verified[factOf(stagedStatementHash(c[7]), c[6],
    /// stateOut)]`. The caller chooses no claim and no point: a fact about another statement or
    /// another starting state is another fact.
    function opened(bytes32 id, bytes32[8] calldata c, bytes32 stateOut) external returns (bytes32[8] memory next) {
        _continue(id, c, STEP_OPENING);
        IOpeningFacts o = openings;
        if (address(o) == address(0) || !o.verified(o.factOf(o.stagedStatementHash(c[7]), c[6], stateOut))) {
            revert StepRejected(STEP_OPENED, OPENING_NOT_VERIFIED, 0);
        }
        next = c;
        next[0] = bytes32(STEP_OPENED);
        next[6] = stateOut;
        next[7] = bytes32(0);
        _store(id, next);
    }

    /// @notice The checkpoint `conclude` stores: word 7 the fact it recorded.
    uint256 public constant STEP_VERIFIED = (1 << 30) + 2;

    /// @notice Inference facts recorded by `conclude`: `inferenceFact(plans, inputHash, outputHash,
    /// tables)` of every session that reached STEP_OPENED.
    mapping(bytes32 => bool) public verifiedInferences;

    event InferenceVerified(bytes32 indexed fact, bytes32 plans, bytes32 inputHash, bytes32 outputHash, bytes32 tables);

    /// @notice Step STEP_VERIFIED, after STEP_OPENED: records the session's verdict as a fact naming
    /// the model (its plans hash, `sessionPlans`, which `ModelRegistry.verifierPlansOf` holds per
    /// model; the statement plan in it names the key's digest and weight commitment), the input's
    /// and the output's SHA-256 (the escrows' hashes), and the chain of the lookups' deferred table
    /// values (`deferredTables`), which `tables` checked against the model's table plan: refused
    /// (TABLES_UNCHECKED) before that. A plain proof only: a zero-knowledge session still owes its
    /// weight shadow's link after the opening.
    function conclude(bytes32 id, bytes32[8] calldata c) external returns (bytes32[8] memory next) {
        _continue(id, c, STEP_OPENED);
        if (c[1] != 0) revert StepRejected(STEP_VERIFIED, FINISH_UNSUPPORTED, 0);
        if (deferredTables[id] != 0 && !tablesChecked[id]) revert StepRejected(STEP_VERIFIED, TABLES_UNCHECKED, 0);
        bytes32 plans = keccak256(abi.encode(c[2], c[3], layerPlans[id]));
        bytes32 tables = deferredTables[id];
        bytes32 fact = inferenceFact(plans, c[4], c[5], tables);
        verifiedInferences[fact] = true;
        emit InferenceVerified(fact, plans, c[4], c[5], tables);
        next = c;
        next[0] = bytes32(STEP_VERIFIED);
        next[7] = fact;
        _store(id, next);
    }

    // ------------------------------------------------------------------ tables

    /// @notice The step number in `tables`' rejections (it stores no checkpoint of its own).
    uint256 public constant STEP_TABLES = (1 << 30) + 3;
    /// @notice `tables`' rejection reasons (`StepRejected(STEP_TABLES, reason, detail)`), and
    /// `conclude`'s when the tables were not checked (`StepRejected(STEP_VERIFIED, ...)`).
    uint256 public constant TABLES_MALFORMED = 1; // not one table's four columns at one point
    uint256 public constant TABLES_UNOPENED = 2; // items whose chain is not `deferredTables`, or checked already
    uint256 public constant TABLES_NOT_EVALUATED = 3; // no RoundingTables fact of the plan, point and values
    uint256 public constant TABLES_UNCHECKED = 4; // `conclude` before `tables`

    /// @notice RoundingTables.sol, whose facts `tables` reads, set once by the deployer.
    ITableFacts public tableFacts;
    /// @notice Sessions whose deferred table values `tables` checked.
    mapping(bytes32 => bool) public tablesChecked;

    event TablesChecked(bytes32 indexed id, bytes32 planHash, bytes32 pointHash);

    function bindTables(ITableFacts tableFacts_) external {
        require(msg.sender == deployer && address(tableFacts) == address(0), "bound once, by the deployer");
        tableFacts = tableFacts_;
    }

    /// @notice After `opened` (STEP_OPENED), before `conclude`: discharges the lookups' deferred
    /// table values that `finish` chained into `deferredTables`. `items` are those kind-6 items,
    /// as `finish` read them (kind 6, lookup 0, column 0..3, the table's point, one value each);
    /// their chain must be `deferredTables[id]`. `planHash` names the table plan
    /// (`TableEncoding.planHash`); RoundingTables must hold the fact that the plan's four columns
    /// are these values at this point (evaluated beforehand, in its own transactions). The plan's
    /// hash is folded into the session's `layerPlans`, so the session's plans hash, which the
    /// registry fixes per model, names the table the values were checked against. Stores no new
    /// checkpoint: it returns `c`.
    function tables(bytes32 id, bytes32[8] calldata c, bytes32 planHash, bytes calldata items)
        external
        returns (bytes32[8] memory next)
    {
        _continue(id, c, STEP_OPENED);
        bytes32 chain = deferredTables[id];
        if (chain == 0 || tablesChecked[id]) revert StepRejected(STEP_TABLES, TABLES_UNOPENED, 0);
        uint256 n = items.length < 128 ? 0 : uint256(bytes32(items[96:128]));
        if (n == 0 || n > 64 || items.length != 4 * 32 * (6 + n)) revert StepRejected(STEP_TABLES, TABLES_MALFORMED, 0);
        uint256 size = 32 * (6 + n);
        bytes32 pointHash = keccak256(items[128:128 + 32 * n]);
        uint256[4] memory values;
        bytes32 h;
        for (uint256 col = 0; col < 4; ++col) {
            bytes calldata item = items[col * size:(col + 1) * size];
            if (
                uint256(bytes32(item[0:32])) != 6 || uint256(bytes32(item[32:64])) != 0
                    || uint256(bytes32(item[64:96])) != col || uint256(bytes32(item[96:128])) != n
                    || uint256(bytes32(item[32 * (4 + n):32 * (5 + n)])) != 1
                    || keccak256(item[128:128 + 32 * n]) != pointHash
            ) revert StepRejected(STEP_TABLES, TABLES_MALFORMED, col + 1);
            values[col] = uint256(bytes32(item[32 * (5 + n):size]));
            h = keccak256(abi.encodePacked(h, item));
        }
        if (h != chain) revert StepRejected(STEP_TABLES, TABLES_UNOPENED, 1);
        ITableFacts t = tableFacts;
        if (address(t) == address(0) || !t.verified(t.tableFact(planHash, pointHash, values))) {
            revert StepRejected(STEP_TABLES, TABLES_NOT_EVALUATED, 0);
        }
        layerPlans[id] = keccak256(abi.encode(layerPlans[id], planHash));
        tablesChecked[id] = true;
        emit TablesChecked(id, planHash, pointHash);
        next = c;
    }

    function inferenceFact(bytes32 plans, bytes32 inputHash, bytes32 outputHash, bytes32 tables)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode("zkaudit/verified-inference/v1", plans, inputHash, outputHash, tables));
    }

    /// @dev The public output given to the output layer's rounding must be the statement's: its
    /// SHA-256 is the checkpoint's word 5 (another layer's step takes none, LayerSteps checks).
    function _outputOf(uint256 step, bytes32[8] calldata c, bytes calldata output) private pure {
        if (output.length != 0 && sha256(output) != c[5]) {
            revert StepRejected(step, uint256(LayerSteps.Reason.UnopenedClaims), 3);
        }
    }

    function _advance(bytes32 id, bytes32[8] calldata c, uint256 step, bytes32 stateOut, bytes32 claimsHash)
        private
        returns (bytes32[8] memory next)
    {
        next = c;
        next[0] = bytes32(step);
        next[6] = stateOut;
        next[7] = keccak256(abi.encode(c[7], claimsHash));
        _store(id, next);
    }

    /// @notice The hash of the plans session `id`'s steps read, to compare with the model's
    /// `ModelRegistry.verifierPlansOf`: keccak(statement plan's keccak, lookup plan's keccak, the
    /// session's layer plans), from checkpoint `c` (words 2 and 3), which must be the stored one of
    /// `opener`.
    function sessionPlans(bytes32 id, address opener, bytes32[8] calldata c) external view returns (bytes32) {
        if (checkpoints[id] != keccak256(abi.encode(opener, c))) revert UnknownSession(id);
        return keccak256(abi.encode(c[2], c[3], layerPlans[id]));
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
