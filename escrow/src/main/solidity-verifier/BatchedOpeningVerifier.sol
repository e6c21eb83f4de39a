// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import "./Goldilocks.sol";
import "./FiatShamir.sol";
import "./BasefoldCore.sol";
import "./BatchedClaimReduction.sol";

/// @notice On-chain verifier of a batched opening: the same decisions, bit for bit, as the Java
/// `io.zkaudit.pcs.BatchedOpening.verify` on the same bytes (docs/onchain-verifier.md, docs/pcs.md
/// "Batched opening"). One opening proves the claims on m committed polynomials f_0, ..., f_{m-1}
/// of n_0 >= n_1 >= ... variables:
///   1. every commitment and claim is absorbed and rho drawn; the claims combine to
///      sum_k rho^k v_k = sum_j sum_y f_j(y) g_j(y);
///   2. a claim-reduction sumcheck of degree 2 over n = n_0 variables ends at a random r with the
///      values s_j = f_j(r_{>=t_j}), t_j = n - n_j, checked against its last round;
///   3. one Basefold opening of f_0 at r with claim s_0, where f_j joins at round t_j: a fresh
///      theta_j, the claim grows by theta_j s_j eq(r_{<t_j}, u_{<t_j}), and the queries add
///      theta_j times f_j's committed entries (its own Merkle tree's leaves) into the folded
///      cosets, then fold on.
///
/// Encodings are zkaudit's: the proof is exactly the bytes of Java's `BatchedOpeningProof.encode()`;
/// the polynomials and their claims are encoded by `BatchedOpeningEncoding.polynomials`:
///   u32 m, then m x (root: 32 bytes, u32 numVars, u32 length, claims: as BasefoldVerifier's).
/// Invalid input reverts with `Rejected(reason, detail)`; `check` turns that into a return value.
///
/// Two ways in, as for one opening: `verify` in one call, or `begin` (header, reduction, the
/// combined opening's sumcheck, final polynomial and grinding) then one `continueWith` per oracle,
/// carrying that oracle's query layer and the layers of the polynomials that join in its block.
/// The last step records keccak("zkaudit/batched-opening/v1", keccak(polynomials), stateIn,
/// stateOut) in `verified`.
contract BatchedOpeningVerifier is BasefoldCore {
    using FiatShamir for FiatShamir.Transcript;

    event BatchVerified(bytes32 indexed fact, bytes32 polynomialsHash, bytes32 stateOut);

    /// @notice Facts verified by the multi-transaction flow (see `factOf`).
    mapping(bytes32 => bool) public verified;
    /// @dev Open multi-transaction openings: id => keccak of the verifier's state.
    mapping(bytes32 => bytes32) private checkpoints;

    /// @dev A polynomial that joins the combined opening at `round` (Java: BasefoldVerifier.Injection).
    struct Join {
        uint256 round;
        uint256 numVars;
        bytes32 root;
        uint256 theta0;
        uint256 theta1;
    }

    /// @dev The verifier's state between transactions: the combined opening's, and the joins.
    struct Batch {
        State s;
        Join[] joins;
        /// Set by `preJoin`: the joining layers of the next oracle's block were opened against
        /// their roots in a transaction of their own; keccak chain of their rows.
        bytes32 joinedRows;
    }

    /// @dev Where the sections of an encoded batched opening start.
    struct Layout {
        uint256 combinedAt; // the combined opening's first byte
        uint256 combinedEnd;
        uint256 headerEnd; // the combined opening's header, relative to combinedAt
        uint256[] layers; // oracle i's layer is combined[layers[i]:layers[i + 1]]
        uint256[] joins; // joining polynomial j's layer is proof[joins[j - 1]:joins[j]]
    }

    /// @notice The contract that runs the header and the claim reduction (steps 1-2), deployed
    /// with this one under the same parameters.
    BatchedClaimReduction public immutable reducer;

    constructor(uint256 logBlowup_, uint256 foldArityLog_, uint256 finalVarsMin_, uint256 queries_, uint256 powBits_)
        BasefoldCore(logBlowup_, foldArityLog_, finalVarsMin_, queries_, powBits_)
    {
        reducer = new BatchedClaimReduction(logBlowup_, foldArityLog_, finalVarsMin_, queries_, powBits_);
    }

    // ------------------------------------------------------------------ entry points

    /// @notice Checks a whole batched opening; reverts with Rejected(reason, detail) if invalid.
    /// @return stateOut the transcript state after the opening
    function verify(bytes32 stateIn, bytes calldata polys, bytes calldata proof)
        public view returns (bytes32 stateOut)
    {
        Poly[] memory ps = _polys(polys);
        Shape memory sh = shape(ps[0].n);
        // Java decodes the whole proof before it verifies anything.
        Layout memory lay = _layout(sh, ps, proof);
        bytes calldata combined = proof[lay.combinedAt:lay.combinedEnd];
        Batch memory b = _begin(stateIn, ps, polys, proof[0:lay.combinedAt - 4], combined[0:lay.headerEnd]);
        uint256 j = 0;
        for (uint256 i = 0; i < sh.oracles; ++i) {
            uint256 first = j;
            while (j < b.joins.length && b.joins[j].round < (i + 1) * sh.arity) {
                ++j;
            }
            bytes calldata joining = proof[first == j ? 0 : lay.joins[first]:first == j ? 0 : lay.joins[j]];
            _queryOracle(b, sh, combined[lay.layers[i]:lay.layers[i + 1]], joining, j - first);
        }
        _finalFold(b.s, sh);
        return b.s.stateOut;
    }

    /// @notice `verify` as a return value, for callers that must not revert: Valid or the reason.
    function check(bytes32 stateIn, bytes calldata polys, bytes calldata proof)
        external view returns (Reason reason, uint256 detail, bytes32 stateOut)
    {
        try this.verify(stateIn, polys, proof) returns (bytes32 out) {
            return (Reason.Valid, 0, out);
        } catch (bytes memory err) {
            if (err.length == 68 && bytes4(err) == Rejected.selector) {
                assembly ("memory-safe") {
                    reason := mload(add(err, 36))
                    detail := mload(add(err, 68))
                }
                return (reason, detail, bytes32(0));
            }
            // Out of gas or an arithmetic fault: not a verdict on the proof.
            assembly ("memory-safe") {
                revert(add(err, 32), mload(err))
            }
        }
    }

    /// @notice First transaction of a multi-transaction batched opening: `reduction` is the
    /// proof's bytes before the combined opening (the reduction's rounds and the reduced values),
    /// `header` the combined opening's header (rounds, oracle roots, final polynomial, nonce).
    /// Returns the opening's id and the state to pass to `continueWith` (only its keccak is stored).
    function begin(bytes32 stateIn, bytes calldata polys, bytes calldata reduction, bytes calldata header)
        external returns (bytes32 id, bytes memory state)
    {
        Poly[] memory ps = _polys(polys);
        Shape memory sh = shape(ps[0].n);
        if (_reductionLayout(sh, ps.length, reduction) != reduction.length) {
            revert Rejected(Reason.Malformed, reduction.length);
        }
        if (_headerLayout(sh, header) != header.length) revert Rejected(Reason.Malformed, header.length);
        Batch memory b = _begin(stateIn, ps, polys, reduction, header);
        id = keccak256(abi.encode(msg.sender, stateIn, b.s.claimsHash, keccak256(reduction), keccak256(header)));
        state = abi.encode(b);
        checkpoints[id] = keccak256(state);
    }

    /// @notice First transaction of a batched opening whose statement was read in chunks by the
    /// reduction contract (`BatchedClaimReduction.stageBegin` ... `stageEvaluate`, which recorded
    /// the staged fact): the combined opening's header from where the reduction ended. The
    /// continuations are `continueWith`'s; the last records
    /// `factOf(stagedStatementHash(chain), stateIn, stateOut)`. `record` is what `stageEvaluate`
    /// returned after the statement's last claim (abi-encoded: stateIn, chain, roots, sizes, the
    /// state after the reduction, its point z, the reduced values).
    function beginStaged(bytes calldata record, bytes calldata header) external returns (bytes32 id, bytes memory state) {
        (
            bytes32 stateIn,
            bytes32 chain,
            bytes32[] memory roots,
            uint256[] memory ns,
            bytes32 afterReduction,
            uint256[] memory z,
            uint256[] memory reduced
        ) = abi.decode(record, (bytes32, bytes32, bytes32[], uint256[], bytes32, uint256[], uint256[]));
        if (!reducer.reducedFacts(reducer.stagedFact(stateIn, chain, roots, ns, afterReduction, z, reduced))) {
            revert Rejected(Reason.UnknownSession, 0);
        }
        // The staged reduction checked the sizes (`_polys`'s rules) before it recorded the fact.
        Shape memory sh = shape(ns[0]);
        if (_headerLayout(sh, header) != header.length) revert Rejected(Reason.Malformed, header.length);
        Batch memory b;
        b.s.root = roots[0];
        b.s.numVars = sh.n;
        b.s.claimsHash = stagedStatementHash(chain);
        b.s.stateIn = stateIn;
        b.joins = new Join[](roots.length - 1);
        for (uint256 j = 1; j < roots.length; ++j) {
            b.joins[j - 1] = Join(sh.n - ns[j], ns[j], roots[j], 0, 0);
        }
        _combinedHeader(b, sh, afterReduction, z, reduced, header);
        id = keccak256(abi.encode(msg.sender, stateIn, b.s.claimsHash, afterReduction, keccak256(header)));
        state = abi.encode(b);
        checkpoints[id] = keccak256(state);
    }

    /// @notice What a staged opening's fact names in place of keccak(polynomials): the chain of
    /// its statement's items (`BatchedClaimReduction._link`), tagged so it cannot be read as the
    /// keccak of an encoding.
    function stagedStatementHash(bytes32 chain) public pure returns (bytes32) {
        return keccak256(abi.encode("zkaudit/batched-statement-chain/v1", chain));
    }

    /// @notice Checks the next oracle's query layer (Java's encoding of it) and the layers of the
    /// polynomials joining in its block, concatenated in their order (empty when none joins there).
    /// After the last oracle the opening's fact is recorded.
    function continueWith(bytes32 id, bytes calldata state, bytes calldata layer, bytes calldata joining)
        external returns (bytes memory next, bytes32 fact)
    {
        if (checkpoints[id] == bytes32(0) || checkpoints[id] != keccak256(state)) {
            revert Rejected(Reason.UnknownSession, uint256(id));
        }
        Batch memory b = abi.decode(state, (Batch));
        Shape memory sh = shape(b.s.numVars);
        uint256 i = b.s.nextOracle;
        if (_layerEnd(sh, i, layer, 0) != layer.length) revert Rejected(Reason.Malformed, layer.length);
        _queryOracle(b, sh, layer, joining, _joiningCount(b, sh, i, joining));
        if (b.s.nextOracle < sh.oracles) {
            next = abi.encode(b);
            checkpoints[id] = keccak256(next);
            return (next, bytes32(0));
        }
        _finalFold(b.s, sh);
        delete checkpoints[id];
        fact = factOf(b.s.claimsHash, b.s.stateIn, b.s.stateOut);
        verified[fact] = true;
        emit BatchVerified(fact, b.s.claimsHash, b.s.stateOut);
    }

    /// @notice For an oracle whose layer and joining layers together exceed a transaction: the
    /// joining layers of the next oracle's block opened against their roots first, in a
    /// transaction of their own. The `continueWith` that follows carries the same layers with their
    /// rows only (no siblings): their rows must chain to what this step stored.
    function preJoin(bytes32 id, bytes calldata state, bytes calldata joining) external returns (bytes memory next) {
        if (checkpoints[id] == bytes32(0) || checkpoints[id] != keccak256(state)) {
            revert Rejected(Reason.UnknownSession, uint256(id));
        }
        Batch memory b = abi.decode(state, (Batch));
        Shape memory sh = shape(b.s.numVars);
        if (b.joinedRows != bytes32(0) || _joiningCount(b, sh, b.s.nextOracle, joining) == 0) {
            revert Rejected(Reason.Malformed, 0);
        }
        b.joinedRows = _joinedRows(b, sh, joining, true);
        next = abi.encode(b);
        checkpoints[id] = keccak256(next);
    }

    /// @dev How many polynomials join in oracle i's block, their layers' layout in `joining` checked.
    function _joiningCount(Batch memory b, Shape memory sh, uint256 i, bytes calldata joining)
        private view returns (uint256 count)
    {
        uint256 off = 0;
        for (uint256 j = 0; j < b.joins.length; ++j) {
            if (b.joins[j].round >= i * sh.arity && b.joins[j].round < (i + 1) * sh.arity) {
                off = _joinLayerEnd(b.joins[j].numVars, joining, off);
                ++count;
            }
        }
        if (off != joining.length) revert Rejected(Reason.Malformed, joining.length);
    }

    /// @dev The keccak chain of the rows of the joining layers of the next oracle's block, each
    /// opened against its root when `merkle`.
    function _joinedRows(Batch memory b, Shape memory sh, bytes calldata joining, bool merkle)
        private view returns (bytes32 h)
    {
        Leaves memory l = _leaves(b.s, sh);
        uint256 from = l.oracle * sh.arity;
        uint256 off = 0;
        for (uint256 j = 0; j < b.joins.length; ++j) {
            Join memory jn = b.joins[j];
            if (jn.round < from || jn.round >= from + sh.arity) continue;
            uint256 end = _layerSpanEnd(joining, off);
            if (merkle) _verifyJoin(jn, sh.arity - (jn.round - from), l, joining[off:end], true);
            h = keccak256(abi.encodePacked(h, joining[off + 4:off + 4 + 8 * _u32(joining, off)]));
            off = end;
        }
    }

    /// @notice The fact a batched opening establishes: the polynomials committed as encoded in
    /// the bytes hashing to polynomialsHash satisfy their claims, the transcript going from stateIn
    /// to stateOut.
    function factOf(bytes32 polynomialsHash, bytes32 stateIn, bytes32 stateOut) public pure returns (bytes32) {
        return keccak256(abi.encode("zkaudit/batched-opening/v1", polynomialsHash, stateIn, stateOut));
    }

    // ------------------------------------------------------------------ the statement and the layout

    /// @dev The reduction's rounds and the reduced values (exact counts, canonical); returns where
    /// they end.
    function _reductionLayout(Shape memory sh, uint256 m, bytes calldata proof) private pure returns (uint256 end) {
        uint256 rounds = _u32(proof, 0);
        if (rounds != sh.n) revert Rejected(Reason.Malformed, rounds);
        uint256 valuesAt = 4 + 48 * sh.n;
        uint256 count = _u32(proof, valuesAt);
        if (count != m) revert Rejected(Reason.Malformed, count);
        end = valuesAt + 4 + 16 * m;
        if (end > proof.length) revert Rejected(Reason.Malformed, end);
        _requireCanonical(proof, 4, 48 * sh.n, Reason.Malformed);
        _requireCanonical(proof, valuesAt + 4, 16 * m, Reason.Malformed);
    }

    /// @dev Checks the whole encoding as Java's decoder does (BatchedOpeningProof.decode).
    function _layout(Shape memory sh, Poly[] memory ps, bytes calldata proof) private view returns (Layout memory lay) {
        uint256 off = _reductionLayout(sh, ps.length, proof);
        uint256 length = _u32(proof, off);
        lay.combinedAt = off + 4;
        lay.combinedEnd = lay.combinedAt + length;
        if (lay.combinedEnd > proof.length) revert Rejected(Reason.Malformed, lay.combinedEnd);
        bytes calldata combined = proof[lay.combinedAt:lay.combinedEnd];
        lay.headerEnd = _headerLayout(sh, combined);
        uint256 nLayers = _u32(combined, lay.headerEnd);
        if (nLayers != sh.oracles) revert Rejected(Reason.Malformed, nLayers);
        lay.layers = new uint256[](sh.oracles + 1);
        lay.layers[0] = lay.headerEnd + 4;
        for (uint256 i = 0; i < sh.oracles; ++i) {
            lay.layers[i + 1] = _layerEnd(sh, i, combined, lay.layers[i]);
        }
        if (lay.layers[sh.oracles] != combined.length) {
            revert Rejected(Reason.Malformed, combined.length - lay.layers[sh.oracles]);
        }
        uint256 joining = _u32(proof, lay.combinedEnd);
        if (joining != ps.length - 1) revert Rejected(Reason.Malformed, joining);
        lay.joins = new uint256[](ps.length);
        lay.joins[0] = lay.combinedEnd + 4;
        for (uint256 j = 1; j < ps.length; ++j) {
            lay.joins[j] = _joinLayerEnd(ps[j].n, proof, lay.joins[j - 1]);
        }
        if (lay.joins[ps.length - 1] != proof.length) {
            revert Rejected(Reason.Malformed, proof.length - lay.joins[ps.length - 1]);
        }
    }

    /// @dev The end of a joining polynomial's layer at off (BatchedOpeningProof.decode's bounds:
    /// rows of its commitment's leaves, at most queries x 2^foldArityLog of them).
    function _joinLayerEnd(uint256 n, bytes calldata proof, uint256 off) private view returns (uint256) {
        uint256 leafLog = _leafLog(n);
        uint256 rowLongs = uint256(1) << leafLog;
        uint256 leavesMax = queries << foldArityLog;
        uint256 nRows = _u32(proof, off);
        if (nRows > leavesMax * rowLongs || nRows == 0 || nRows % rowLongs != 0) {
            revert Rejected(Reason.Malformed, nRows);
        }
        off += 4;
        if (off + 8 * nRows > proof.length) revert Rejected(Reason.Malformed, off);
        _requireCanonical(proof, off, 8 * nRows, Reason.Malformed);
        off += 8 * nRows;
        uint256 depth = n + logBlowup - leafLog;
        uint256 nSiblings = _u32(proof, off);
        if (nSiblings > leavesMax * (depth == 0 ? 1 : depth) || nSiblings > MAX_SIBLINGS) {
            revert Rejected(Reason.Malformed, nSiblings);
        }
        off += 4 + 32 * nSiblings;
        if (off > proof.length) revert Rejected(Reason.Malformed, off);
        return off;
    }

    /// @dev The end of the layer at off (u32 rows, rows, u32 siblings, siblings) whose layout the
    /// caller has already checked with _joinLayerEnd (in `_layout` or `continueWith`), without
    /// checking its entries again.
    function _layerSpanEnd(bytes calldata layers, uint256 off) private pure returns (uint256) {
        uint256 afterRows = off + 4 + 8 * _u32(layers, off);
        return afterRows + 4 + 32 * _u32(layers, afterRows);
    }

    /// @dev log2 of the entries per leaf of a commitment of n variables (PcsParams.arities(n)[0]).
    function _leafLog(uint256 n) private view returns (uint256) {
        return shape(n).arity;
    }

    // ------------------------------------------------------------------ steps 1-4

    /// @dev Header, claim reduction, and the combined opening up to its query positions.
    function _begin(
        bytes32 stateIn,
        Poly[] memory ps,
        bytes calldata polys,
        bytes calldata reduction,
        bytes calldata header
    ) private view returns (Batch memory b) {
        Shape memory sh = shape(ps[0].n);
        State memory s = b.s;
        s.root = ps[0].root;
        s.numVars = sh.n;
        s.claimsHash = keccak256(polys);
        s.stateIn = stateIn;
        // 1-2. Every commitment and claim, rho, and the claim reduction, in the second contract.
        (bytes32 afterReduction, uint256[] memory z, uint256[] memory reduced) =
            reducer.reduce(stateIn, polys, reduction);
        b.joins = new Join[](ps.length - 1);
        for (uint256 j = 1; j < ps.length; ++j) {
            b.joins[j - 1] = Join(sh.n - ps[j].n, ps[j].n, ps[j].root, 0, 0);
        }
        _combinedHeader(b, sh, afterReduction, z, reduced, header);
    }

    /// @dev Step 3 up to the query positions: one opening of f_0 at z with claim s_0, the others
    /// (b.joins) joining at round n - n_j.
    function _combinedHeader(
        Batch memory b,
        Shape memory sh,
        bytes32 afterReduction,
        uint256[] memory z,
        uint256[] memory reduced,
        bytes calldata header
    ) private view {
        State memory s = b.s;
        FiatShamir.Transcript memory t = FiatShamir.Transcript(afterReduction);
        s.r = new uint256[](2 * sh.folds);
        s.oracleRoots = new bytes32[](sh.oracles - 1);
        for (uint256 i = 0; i < sh.oracles - 1; ++i) {
            uint256 at = _rootsAt(sh) + 32 * i;
            s.oracleRoots[i] = bytes32(header[at:at + 32]);
        }
        uint256[2] memory claim = _sumcheckJoined(t, sh, b, header, z, reduced);
        uint256 finalAt = _finalAt(sh);
        s.fin = _readExts(header, finalAt, uint256(1) << sh.d, Reason.Malformed);
        t.absorbCalldata("pcs/final", header[finalAt:finalAt + (uint256(16) << sh.d)]);
        _finalClaimAt(sh, s, z, claim);
        _drawQueries(t, sh, s, _u64(header, finalAt + (uint256(16) << sh.d)));
    }

    /// @dev The combined opening's sumcheck interleaved with folding, the joining polynomials'
    /// thetas drawn at their rounds (BasefoldVerifier.foldAndQuery); returns the last claim.
    function _sumcheckJoined(
        FiatShamir.Transcript memory t,
        Shape memory sh,
        Batch memory b,
        bytes calldata header,
        uint256[] memory z,
        uint256[] memory reduced
    ) private pure returns (uint256[2] memory claim) {
        State memory s = b.s;
        (claim[0], claim[1]) = (reduced[0], reduced[1]);
        (uint256 q0, uint256 q1) = (1, 0); // eq(z_{<round}, u_{<round})
        for (uint256 round = 0; round < sh.folds; ++round) {
            for (uint256 j = 0; j < b.joins.length; ++j) {
                if (b.joins[j].round == round) {
                    // Drawn now, after every challenge the folded word depends on.
                    (uint256 th0, uint256 th1) = t.challengeExt("pcs/join");
                    b.joins[j].theta0 = th0;
                    b.joins[j].theta1 = th1;
                    (uint256 a0, uint256 a1) = Goldilocks.emul(th0, th1, reduced[2 * j + 2], reduced[2 * j + 3]);
                    (a0, a1) = Goldilocks.emul(a0, a1, q0, q1);
                    (claim[0], claim[1]) = Goldilocks.eadd(claim[0], claim[1], a0, a1);
                }
            }
            uint256 at = ROUNDS_AT + 48 * round;
            uint256[] memory h = _readExts(header, at, 3, Reason.Malformed);
            (uint256 s0, uint256 s1) = Goldilocks.eadd(h[0], h[1], h[2], h[3]);
            if (s0 != claim[0] || s1 != claim[1]) revert Rejected(Reason.SumcheckRound, round);
            t.absorbCalldata("pcs/round", header[at:at + 48]);
            (uint256 r0, uint256 r1) = t.challengeExt("pcs/fold");
            s.r[2 * round] = r0;
            s.r[2 * round + 1] = r1;
            (claim[0], claim[1]) = _interpolate(h, r0, r1);
            (q0, q1) = Goldilocks.emul(q0, q1, _eq1(z[2 * round], z[2 * round + 1], r0, r1), _eq1b(z[2 * round], z[2 * round + 1], r0, r1));
            if ((round + 1) % sh.arity == 0 && (round + 1) / sh.arity < sh.oracles) {
                t.absorbDigest("pcs/oracle", s.oracleRoots[(round + 1) / sh.arity - 1]);
            }
        }
    }

    /// @dev eq(z, r) = 1 - z - r + 2 z r for one coordinate: its c0 part.
    function _eq1(uint256 z0, uint256 z1, uint256 r0, uint256 r1) private pure returns (uint256) {
        uint256 P = Goldilocks.P;
        (uint256 p0,) = Goldilocks.emul(z0, z1, r0, r1);
        return addmod(addmod(1 + 2 * p0, P - z0, P), P - r0, P);
    }

    /// @dev ... and its c1 part.
    function _eq1b(uint256 z0, uint256 z1, uint256 r0, uint256 r1) private pure returns (uint256) {
        uint256 P = Goldilocks.P;
        (, uint256 p1) = Goldilocks.emul(z0, z1, r0, r1);
        return addmod(addmod(2 * p1, P - z1, P), P - r1, P);
    }

    /// @dev The final polynomial against the single claim at z with weight one:
    /// eq(z_{<folds}, u) fin(z_{>=folds}) must equal the last sumcheck claim. Java sums
    /// fin's hypercube evaluations against eq(z_tail, .); that is fin's multilinear evaluation at
    /// z_tail, computed here from the coefficients (the same field element).
    function _finalClaimAt(Shape memory sh, State memory s, uint256[] memory z, uint256[2] memory claim)
        private pure
    {
        (uint256 e0, uint256 e1) = (1, 0);
        for (uint256 j = 0; j < sh.folds; ++j) {
            (uint256 z0, uint256 z1, uint256 r0, uint256 r1) = (z[2 * j], z[2 * j + 1], s.r[2 * j], s.r[2 * j + 1]);
            (e0, e1) = Goldilocks.emul(e0, e1, _eq1(z0, z1, r0, r1), _eq1b(z0, z1, r0, r1));
        }
        uint256 size = uint256(1) << sh.d;
        // mono[c] = prod over the bits j of c of z_{folds + j}
        uint256[] memory mono = new uint256[](2 * size);
        mono[0] = 1;
        for (uint256 j = 0; j < sh.d; ++j) {
            uint256 bit = uint256(1) << j;
            (uint256 x0, uint256 x1) = (z[2 * (sh.folds + j)], z[2 * (sh.folds + j) + 1]);
            for (uint256 c = 0; c < bit; ++c) {
                (mono[2 * (c | bit)], mono[2 * (c | bit) + 1]) = Goldilocks.emul(mono[2 * c], mono[2 * c + 1], x0, x1);
            }
        }
        (uint256 v0, uint256 v1) = (0, 0);
        for (uint256 c = 0; c < size; ++c) {
            (uint256 p0, uint256 p1) = Goldilocks.emul(s.fin[2 * c], s.fin[2 * c + 1], mono[2 * c], mono[2 * c + 1]);
            (v0, v1) = Goldilocks.eadd(v0, v1, p0, p1);
        }
        (v0, v1) = Goldilocks.emul(v0, v1, e0, e1);
        if (v0 != claim[0] || v1 != claim[1]) revert Rejected(Reason.FinalClaim, 0);
    }

    // ------------------------------------------------------------------ step 5: the queries

    /// @dev A joining polynomial's opened leaves where it joins, and where its rows are.
    struct Joined {
        uint256 steps; // folds of the oracle's coset before the join
        uint256 width; // log2 of the entries per query then: a - steps
        uint256 leafLog;
        uint256 theta0;
        uint256 theta1;
        uint256[] leaves; // sorted distinct leaves of its commitment
        uint256 rowsAt; // offset of its rows in `joining`
    }

    /// @dev Oracle b.s.nextOracle's layer and the `count` joining layers of its block
    /// (concatenated in `joining`, layouts checked by the caller): Merkle openings, then per query
    /// the previous fold's check, the folds with the joins added on the way.
    function _queryOracle(Batch memory b, Shape memory sh, bytes calldata layer, bytes calldata joining, uint256 count)
        private view
    {
        State memory s = b.s;
        Leaves memory l = _leaves(s, sh);
        uint256 nRows = _u32(layer, 0) * 8 / l.rowBytes;
        if (nRows != l.count) revert Rejected(Reason.Malformed, nRows);
        _merkle(l.oracle == 0 ? s.root : s.oracleRoots[l.oracle - 1], l.logLength - sh.arity, l, layer, Reason.MerkleRoot);
        Joined[] memory joined = new Joined[](count);
        bool pre = b.joinedRows != bytes32(0);
        if (pre && _joinedRows(b, sh, joining, false) != b.joinedRows) revert Rejected(Reason.JoinMerkleRoot, 0);
        b.joinedRows = bytes32(0);
        uint256 from = l.oracle * sh.arity;
        uint256 off = 0;
        uint256 k = 0;
        for (uint256 j = 0; j < b.joins.length; ++j) {
            Join memory jn = b.joins[j];
            if (jn.round < from || jn.round >= from + sh.arity) continue;
            uint256 end = _layerSpanEnd(joining, off);
            joined[k] = _verifyJoin(jn, sh.arity - (jn.round - from), l, joining[off:end], !pre);
            joined[k].steps = jn.round - from;
            joined[k].rowsAt = off + 4;
            off = end;
            ++k;
        }
        _foldQueriesJoined(s, sh.arity, l, layer, joined, joining);
        s.nextOracle = l.oracle + 1;
    }

    /// @dev The joining polynomial's leaves holding the queries' cosets at its round
    /// (BatchedOpening.joiningLeaves), its rows' count and their Merkle opening (InjectedRows.verify).
    function _verifyJoin(Join memory jn, uint256 width, Leaves memory l, bytes calldata layer, bool merkle)
        private view returns (Joined memory out)
    {
        out.width = width;
        out.leafLog = _leafLog(jn.numVars);
        out.theta0 = jn.theta0;
        out.theta1 = jn.theta1;
        uint256 perQuery = width > out.leafLog ? uint256(1) << (width - out.leafLog) : 1;
        uint256[] memory leaves = new uint256[](l.count * perQuery);
        uint256 count = 0;
        for (uint256 q = 0; q < l.count; ++q) {
            uint256 first = l.distinct[q] << width;
            for (uint256 p = first; p < first + (uint256(1) << width); p += uint256(1) << out.leafLog) {
                uint256 leaf = p >> out.leafLog;
                if (count == 0 || leaves[count - 1] != leaf) {
                    leaves[count++] = leaf;
                }
            }
        }
        assembly ("memory-safe") {
            mstore(leaves, count) // only the distinct ones, for the binary search
        }
        out.leaves = leaves;
        Leaves memory jl;
        jl.logLength = jn.numVars + logBlowup;
        jl.rowBytes = uint256(8) << out.leafLog;
        jl.distinct = leaves;
        jl.count = count;
        uint256 nRows = _u32(layer, 0) * 8 / jl.rowBytes;
        if (nRows != count) revert Rejected(Reason.Malformed, nRows);
        if (merkle) _merkle(jn.root, jl.logLength - out.leafLog, jl, layer, Reason.JoinMerkleRoot);
    }

    function _foldQueriesJoined(
        State memory s,
        uint256 a,
        Leaves memory l,
        bytes calldata layer,
        Joined[] memory joined,
        bytes calldata joining
    ) private view {
        uint256[] memory twiddles = _twiddles(a);
        uint256[] memory coset = new uint256[](uint256(2) << a);
        uint256 rootInvL = _rootInv(l.logLength);
        bool base = l.oracle == 0;
        uint256 from = l.oracle * a;
        for (uint256 k = 0; k < s.pos.length; ++k) {
            uint256 leaf = l.ofQuery[k];
            _loadCoset(coset, layer, 4 + l.rowOfQuery[k] * l.rowBytes, a, base);
            if (!base) {
                uint256 at = s.pos[k] & ((uint256(1) << a) - 1);
                if (coset[2 * at] != s.values[2 * k] || coset[2 * at + 1] != s.values[2 * k + 1]) {
                    revert Rejected(Reason.FoldMismatch, l.oracle);
                }
            }
            uint256 yInv = _powBitReversed(rootInvL, leaf, l.logLength - a);
            uint256 done = 0;
            for (uint256 j = 0; j < joined.length; ++j) {
                yInv = _foldSteps(coset, a, done, joined[j].steps, yInv, s.r, from, twiddles);
                done = joined[j].steps;
                _addJoined(coset, leaf, joined[j], joining);
            }
            _foldSteps(coset, a, done, a, yInv, s.r, from, twiddles);
            (s.values[2 * k], s.values[2 * k + 1]) = (coset[0], coset[1]);
            s.pos[k] = leaf;
        }
    }

    /// @dev coset[m] += theta times the joining codeword's entry at (leaf << width) + m
    /// (InjectedRows.addTo); its rows are sorted by leaf, found by binary search.
    function _addJoined(uint256[] memory coset, uint256 leaf, Joined memory jd, bytes calldata joining) private pure {
        uint256 P = Goldilocks.P;
        uint256 rowLongs = uint256(1) << jd.leafLog;
        uint256 entries = uint256(1) << jd.width;
        for (uint256 m = 0; m < entries; ++m) {
            uint256 p = (leaf << jd.width) + m;
            uint256 target = p >> jd.leafLog;
            uint256 lo = 0;
            uint256 hi = jd.leaves.length;
            while (hi - lo > 1) {
                uint256 mid = (lo + hi) / 2;
                if (jd.leaves[mid] <= target) lo = mid;
                else hi = mid;
            }
            uint256 e = _u64(joining, jd.rowsAt + 8 * (lo * rowLongs + (p & (rowLongs - 1))));
            coset[2 * m] = addmod(coset[2 * m], mulmod(jd.theta0, e, P), P);
            coset[2 * m + 1] = addmod(coset[2 * m + 1], mulmod(jd.theta1, e, P), P);
        }
    }
}
