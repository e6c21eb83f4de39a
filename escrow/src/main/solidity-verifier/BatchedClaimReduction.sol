// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import "./Goldilocks.sol";
import "./FiatShamir.sol";
import "./BasefoldCore.sol";

/// @notice The first phase of a batched opening (Java: `BatchedOpening.verify`, steps 1 and 2), a
/// contract of its own so that `BatchedOpeningVerifier` stays under EIP-170's 24 KB: absorbs the
/// parameters, the number of polynomials, every commitment with its claims, draws rho, checks the
/// claim-reduction sumcheck (n rounds of degree 2) and the reduced values s_j = f_j(r_{>=t_j})
/// against its last round, and absorbs them. `BatchedOpeningVerifier` deploys it and calls it;
/// a rejection reverts with the same `Rejected(reason, detail)`, which the caller passes on.
contract BatchedClaimReduction is BasefoldCore {
    using FiatShamir for FiatShamir.Transcript;

    constructor(uint256 logBlowup_, uint256 foldArityLog_, uint256 finalVarsMin_, uint256 queries_, uint256 powBits_)
        BasefoldCore(logBlowup_, foldArityLog_, finalVarsMin_, queries_, powBits_)
    {}

    /// @notice Runs the header and the claim reduction from stateIn. `polys` is the statement
    /// (checked by the caller as well), `reduction` the proof's bytes before the combined opening,
    /// whose layout the caller has checked.
    /// @return state the transcript state after the reduced values
    /// @return z the reduction's point r (interleaved extension coordinates)
    /// @return reduced the values s_j, interleaved
    function reduce(bytes32 stateIn, bytes calldata polys, bytes calldata reduction)
        external view returns (bytes32 state, uint256[] memory z, uint256[] memory reduced)
    {
        Poly[] memory ps = _polys(polys);
        uint256 n = ps[0].n;
        FiatShamir.Transcript memory t = FiatShamir.Transcript(stateIn);
        _absorbParams(t);
        t.absorbLong("pcs/batched", ps.length);
        uint256[][] memory values = new uint256[][](ps.length);
        uint256 total = 0;
        for (uint256 j = 0; j < ps.length; ++j) {
            values[j] = _absorbClaims(t, ps[j].n, ps[j].root, polys[ps[j].at:ps[j].at + ps[j].len]);
            total += values[j].length;
        }
        uint256[2] memory rho;
        (rho[0], rho[1]) = t.challengeExt("pcs/batch");
        uint256[] memory all = new uint256[](total);
        total = 0;
        for (uint256 j = 0; j < ps.length; ++j) {
            for (uint256 k = 0; k < values[j].length; ++k) {
                all[total++] = values[j][k];
            }
        }
        uint256[2] memory last;
        (z, last) = _reduce(t, n, reduction, _combine(all, rho));
        uint256 valuesAt = 4 + 48 * n + 4;
        t.absorbCalldata("pcs/reduced", reduction[valuesAt:valuesAt + 16 * ps.length]);
        reduced = _readExts(reduction, valuesAt, ps.length, Reason.Malformed);
        _checkReduced(n, ps, polys, rho, z, reduced, last);
        state = t.state;
    }

    /// @dev The reduction's rounds: each sums to the running claim; returns the point r.
    function _reduce(FiatShamir.Transcript memory t, uint256 n, bytes calldata reduction, uint256[2] memory claim)
        private pure returns (uint256[] memory r, uint256[2] memory last)
    {
        r = new uint256[](2 * n);
        for (uint256 i = 0; i < n; ++i) {
            uint256 at = 4 + 48 * i;
            uint256[] memory h = _readExts(reduction, at, 3, Reason.Malformed);
            (uint256 s0, uint256 s1) = Goldilocks.eadd(h[0], h[1], h[2], h[3]);
            if (s0 != claim[0] || s1 != claim[1]) revert Rejected(Reason.ReductionRound, i);
            t.absorbCalldata("pcs/reduce-round", reduction[at:at + 48]);
            (uint256 r0, uint256 r1) = t.challengeExt("pcs/reduce");
            r[2 * i] = r0;
            r[2 * i + 1] = r1;
            (claim[0], claim[1]) = _interpolate(h, r0, r1);
        }
        last = claim;
    }

    /// @dev sum_j 2^-t_j s_j g_j(r_{>=t_j}), g_j = sum over f_j's claims of rho^k sum_terms w
    /// eq(z, r_{>=t_j}), must equal the reduction's last claim.
    function _checkReduced(
        uint256 n,
        Poly[] memory ps,
        bytes calldata polys,
        uint256[2] memory rho,
        uint256[] memory z,
        uint256[] memory reduced,
        uint256[2] memory last
    ) private pure {
        (uint256 e0, uint256 e1) = (0, 0);
        (uint256 rk0, uint256 rk1) = (1, 0);
        for (uint256 j = 0; j < ps.length; ++j) {
            bytes calldata claims = polys[ps[j].at:ps[j].at + ps[j].len];
            uint256 nj = ps[j].n;
            (uint256 g0, uint256 g1) = (0, 0);
            uint256 count = _claimU32(claims, 0);
            uint256 off = 4;
            for (uint256 k = 0; k < count; ++k) {
                uint256 terms = _claimU32(claims, off);
                off += 4;
                (uint256 c0, uint256 c1) = (0, 0);
                for (uint256 q = 0; q < terms; ++q) {
                    (uint256 w0, uint256 w1) = _eqAt(claims, off, z, n - nj, nj);
                    (w0, w1) = Goldilocks.emul(w0, w1, _u64(claims, off + 16 * nj), _u64(claims, off + 16 * nj + 8));
                    (c0, c1) = Goldilocks.eadd(c0, c1, w0, w1);
                    off += 16 * nj + 16;
                }
                off += 16;
                (c0, c1) = Goldilocks.emul(c0, c1, rk0, rk1);
                (g0, g1) = Goldilocks.eadd(g0, g1, c0, c1);
                (rk0, rk1) = Goldilocks.emul(rk0, rk1, rho[0], rho[1]);
            }
            (g0, g1) = Goldilocks.emul(g0, g1, reduced[2 * j], reduced[2 * j + 1]);
            (g0, g1) = Goldilocks.emulBase(g0, g1, Goldilocks.pow(Goldilocks.INV2, n - nj));
            (e0, e1) = Goldilocks.eadd(e0, e1, g0, g1);
        }
        if (e0 != last[0] || e1 != last[1]) revert Rejected(Reason.ReducedValues, 0);
    }


    // ------------------------------------------------------------------ the staged statement

    /// @notice Reductions whose statement was read in chunks and checked (`stageEvaluate`), by
    /// `stagedFact`: what `BatchedOpeningVerifier.beginStaged` starts the combined opening from.
    mapping(bytes32 => bool) public reducedFacts;
    /// @dev Open staged reductions: id => keccak of the state between transactions.
    mapping(bytes32 => bytes32) private stages;

    event StatementStaged(bytes32 indexed fact, bytes32 chain, bytes32 stateOut);

    /// @notice Where a staged reduction stands between transactions (abi-encoded, handed back by
    /// the caller, only its keccak stored). The statement is read twice, in the same chunks or
    /// others: pass 1 absorbs it into the transcript and collects the claimed values (rho is drawn
    /// after the last claim, so nothing can be combined before); `stageReduce` draws rho, combines
    /// the values and checks the reduction's rounds; pass 2 evaluates each g_j at the reduction's
    /// point. Both passes chain the items they read (`chain`, `chainAgain`), which must agree.
    struct Staged {
        bytes32 stateIn;
        bytes32 transcript;
        bytes32 chain; // pass 1's chain of the items read
        bytes32 chainAgain; // pass 2's
        uint256 m;
        uint256 poly; // the polynomial being read (m once all are)
        uint256 claimsLeft; // its claims still to read (0: its header is next)
        uint256 bytesLeft; // its claims' bytes still to read
        uint256 total; // claims read in pass 1
        bytes32[] roots;
        uint256[] ns;
        bytes values; // pass 1: the claimed values as encoded, 16 bytes each
        uint256[] z; // the reduction's point, after stageReduce
        uint256[] reduced; // the reduced values s_j
        uint256[8] acc; // rho (0, 1), the reduction's last claim (2, 3), the sum e (4, 5), g_j so far (6, 7)
        uint256[2] rk; // rho^k for the next claim in pass 2
        bytes32 head; // keccak of the header of the polynomial being read
        bytes32 claimsChain; // the chain of its claims read so far (from 0)
    }

    /// @notice The chain of a statement (boundary-free: the same for any cut into chunks): per
    /// polynomial, the chain of its claims as encoded (u32 terms, the terms' points and weights,
    /// the value), p = keccak(p, claim) from p = 0; then c = keccak(c, keccak(header), p) from c = 0
    /// over the polynomials in order, the header being root, u32 numVars, u32 length, u32 count (44
    /// bytes as encoded). Two levels so that a step that produces the claims of several
    /// polynomials interleaved (`ProofSession.finishSteps`) can chain each polynomial's separately
    /// and combine them at the end. `BatchedOpeningEncoding.statementChain` computes it in Java.
    function _link(bytes32 chain, bytes calldata item) private pure returns (bytes32) {
        return keccak256(abi.encodePacked(chain, item));
    }

    /// @notice Pass 1's first transaction: the parameters, m, then the first chunk of the statement
    /// (its encoding after u32 m, cut at a polynomial's header or a claim by the caller).
    function stageBegin(bytes32 stateIn, uint256 m, bytes calldata chunk)
        external returns (bytes32 id, bytes memory state)
    {
        if (m == 0 || m > MAX_POLYNOMIALS) revert Rejected(Reason.BadClaims, m);
        Staged memory s;
        s.stateIn = stateIn;
        s.m = m;
        s.roots = new bytes32[](m);
        s.ns = new uint256[](m);
        FiatShamir.Transcript memory t = FiatShamir.Transcript(stateIn);
        _absorbParams(t);
        t.absorbLong("pcs/batched", m);
        s.transcript = t.state;
        _absorbChunk(s, chunk);
        id = keccak256(abi.encode("zkaudit/staged-statement/v1", msg.sender, stateIn, keccak256(chunk)));
        state = abi.encode(s);
        stages[id] = _held(state);
    }

    /// @notice Pass 1's next chunk.
    function stageAbsorb(bytes32 id, bytes calldata state, bytes calldata chunk) external returns (bytes memory next) {
        Staged memory s = _stage(id, state);
        if (s.z.length != 0) revert Rejected(Reason.UnknownSession, 1);
        _absorbChunk(s, chunk);
        next = abi.encode(s);
        stages[id] = _held(next);
    }

    /// @notice After pass 1: rho, the reduction's rounds (the proof's bytes before the combined
    /// opening, as `reduce` takes them) and the reduced values absorbed.
    function stageReduce(bytes32 id, bytes calldata state, bytes calldata reduction)
        external returns (bytes memory next)
    {
        Staged memory s = _stage(id, state);
        if (s.z.length != 0) revert Rejected(Reason.UnknownSession, 1);
        // The statement must be whole: every polynomial read, the last to its end.
        if (s.poly != s.m) revert Rejected(Reason.BadClaims, s.poly);
        uint256 n = s.ns[0];
        uint256 valuesAt = 4 + 48 * n;
        if (_u32(reduction, 0) != n) revert Rejected(Reason.Malformed, _u32(reduction, 0));
        if (_u32(reduction, valuesAt) != s.m) revert Rejected(Reason.Malformed, _u32(reduction, valuesAt));
        if (reduction.length != valuesAt + 4 + 16 * s.m) revert Rejected(Reason.Malformed, reduction.length);
        _requireCanonical(reduction, 4, 48 * n, Reason.Malformed);
        _requireCanonical(reduction, valuesAt + 4, 16 * s.m, Reason.Malformed);
        FiatShamir.Transcript memory t = FiatShamir.Transcript(s.transcript);
        uint256[2] memory rho;
        (rho[0], rho[1]) = t.challengeExt("pcs/batch");
        uint256[2] memory claim;
        for (uint256 k = s.total; k > 0; --k) {
            (claim[0], claim[1]) = Goldilocks.emul(claim[0], claim[1], rho[0], rho[1]);
            (uint256 v0, uint256 v1) = _memU64Pair(s.values, 16 * (k - 1));
            (claim[0], claim[1]) = Goldilocks.eadd(claim[0], claim[1], v0, v1);
        }
        uint256[2] memory last;
        (s.z, last) = _reduce(t, n, reduction, claim);
        t.absorbCalldata("pcs/reduced", reduction[valuesAt + 4:valuesAt + 4 + 16 * s.m]);
        s.reduced = _readExts(reduction, valuesAt + 4, s.m, Reason.Malformed);
        s.transcript = t.state;
        (s.acc[0], s.acc[1], s.acc[2], s.acc[3]) = (rho[0], rho[1], last[0], last[1]);
        s.rk = [uint256(1), 0];
        s.values = "";
        (s.poly, s.claimsLeft, s.bytesLeft) = (0, 0, 0);
        next = abi.encode(s);
        stages[id] = _held(next);
    }

    /// @notice Pass 2: the statement again, in chunks, each g_j evaluated at the reduction's point.
    /// After its last claim: the chains of both passes agree, sum_j 2^-t_j s_j g_j(r_{>=t_j}) is the
    /// reduction's last claim, and the fact is recorded; `next` is then the record
    /// `BatchedOpeningVerifier.beginStaged` starts from.
    function stageEvaluate(bytes32 id, bytes calldata state, bytes calldata chunk)
        external returns (bytes memory next, bytes32 fact)
    {
        Staged memory s = _stage(id, state);
        if (s.z.length == 0) revert Rejected(Reason.UnknownSession, 2);
        _evaluateChunk(s, chunk);
        if (s.poly < s.m) {
            next = abi.encode(s);
            stages[id] = _held(next);
            return (next, bytes32(0));
        }
        if (s.chainAgain != s.chain) revert Rejected(Reason.BadClaims, 0);
        if (s.acc[4] != s.acc[2] || s.acc[5] != s.acc[3]) revert Rejected(Reason.ReducedValues, 0);
        delete stages[id];
        fact = stagedFact(s.stateIn, s.chain, s.roots, s.ns, s.transcript, s.z, s.reduced);
        reducedFacts[fact] = true;
        // What `BatchedOpeningVerifier.beginStaged` takes.
        next = abi.encode(s.stateIn, s.chain, s.roots, s.ns, s.transcript, s.z, s.reduced);
        emit StatementStaged(fact, s.chain, s.transcript);
    }

    /// @notice What a staged reduction establishes: the statement whose items chain to `chain`, on
    /// the polynomials with these roots and sizes, reduces from stateIn to the values `reduced` at
    /// the point z, the transcript then being `stateOut`.
    function stagedFact(
        bytes32 stateIn,
        bytes32 chain,
        bytes32[] memory roots,
        uint256[] memory ns,
        bytes32 stateOut,
        uint256[] memory z,
        uint256[] memory reduced
    ) public pure returns (bytes32) {
        return keccak256(abi.encode("zkaudit/staged-reduction/v1", stateIn, chain, roots, ns, stateOut, z, reduced));
    }

    /// @dev What is stored of a stage: keccak(sender, state), so that only the sender who began a
    /// staged reduction continues it (nobody can move its state under it).
    function _held(bytes memory state) private view returns (bytes32) {
        return keccak256(abi.encodePacked(msg.sender, state));
    }

    function _stage(bytes32 id, bytes calldata state) private view returns (Staged memory s) {
        if (stages[id] == bytes32(0) || stages[id] != keccak256(abi.encodePacked(msg.sender, state))) {
            revert Rejected(Reason.UnknownSession, uint256(id));
        }
        s = abi.decode(state, (Staged));
    }

    /// @dev Pass 1 over one chunk: headers checked as `_polys` checks them, claims as
    /// `_absorbClaims` absorbs them (a claim may not straddle chunks).
    function _absorbChunk(Staged memory s, bytes calldata chunk) private view {
        FiatShamir.Transcript memory t = FiatShamir.Transcript(s.transcript);
        // The values kept so far, with room for every claim the chunk can hold (each at least 36
        // bytes): written in place, not re-concatenated per claim (whose copies grow memory
        // quadratically).
        uint256 used = s.values.length;
        bytes memory vals = new bytes(used + 16 * (chunk.length / 36 + 1));
        {
            bytes memory old = s.values;
            assembly ("memory-safe") {
                for { let i := 0 } lt(i, used) { i := add(i, 32) } {
                    mstore(add(add(vals, 32), i), mload(add(add(old, 32), i)))
                }
            }
        }
        uint256 off = 0;
        while (off < chunk.length) {
            if (s.claimsLeft == 0) {
                if (s.poly >= s.m) revert Rejected(Reason.BadClaims, off);
                uint256 j = s.poly;
                if (off + 44 > chunk.length) revert Rejected(Reason.BadClaims, off);
                bytes32 root = bytes32(chunk[off:off + 32]);
                uint256 n = _claimU32(chunk, off + 32);
                uint256 len = _claimU32(chunk, off + 36);
                uint256 count = _claimU32(chunk, off + 40);
                if (n > MAX_NUM_VARS) revert Rejected(Reason.BadClaims, n);
                if (j > 0 && (n > s.ns[j - 1] || s.ns[0] - n >= shape(s.ns[0]).folds)) revert Rejected(Reason.BadClaims, j);
                if (count == 0 || count > MAX_CLAIMS || len < 4) revert Rejected(Reason.BadClaims, count);
                s.total += count;
                if (s.total > MAX_CLAIMS) revert Rejected(Reason.BadClaims, s.total);
                (s.roots[j], s.ns[j]) = (root, n);
                t.absorbDigest("pcs/commitment", root);
                t.absorbLong("pcs/num-vars", n);
                t.absorbLong("pcs/claims", count);
                (s.head, s.claimsChain) = (keccak256(chunk[off:off + 44]), bytes32(0));
                (s.claimsLeft, s.bytesLeft) = (count, len - 4);
                off += 44;
            } else {
                uint256 size = _claimSize(s, chunk, off);
                bytes calldata claim = chunk[off:off + size];
                _requireCanonical(claim, 4, size - 4, Reason.BadClaims);
                uint256 pointBytes = 16 * s.ns[s.poly];
                uint256 terms = _claimU32(claim, 0);
                if (terms == 1 && _u64(claim, 4 + pointBytes) == 1 && _u64(claim, 12 + pointBytes) == 0) {
                    t.absorbCalldata("pcs/claim-point", claim[4:4 + pointBytes]);
                } else {
                    t.absorbLong("pcs/claim-terms", terms);
                    for (uint256 q = 0; q < terms; ++q) {
                        uint256 at = 4 + q * (pointBytes + 16);
                        t.absorbCalldata("pcs/claim-point", claim[at:at + pointBytes]);
                        t.absorbCalldata("pcs/claim-weight", claim[at + pointBytes:at + pointBytes + 16]);
                    }
                }
                t.absorbCalldata("pcs/claim-value", claim[size - 16:size]);
                assembly ("memory-safe") {
                    calldatacopy(add(add(vals, 32), used), add(claim.offset, sub(size, 16)), 16)
                }
                used += 16;
                s.claimsChain = _link(s.claimsChain, claim);
                _claimRead(s, size);
                off += size;
            }
        }
        s.transcript = t.state;
        assembly ("memory-safe") {
            mstore(vals, used)
        }
        s.values = vals;
    }

    /// @dev The size of the claim at off in pass 1 or 2, checked against what is left of its
    /// polynomial's claims and of the chunk.
    function _claimSize(Staged memory s, bytes calldata chunk, uint256 off) private pure returns (uint256 size) {
        uint256 terms = _claimU32(chunk, off);
        if (terms == 0 || terms > MAX_TERMS) revert Rejected(Reason.BadClaims, terms);
        size = 4 + terms * (16 * s.ns[s.poly] + 16) + 16;
        if (size > s.bytesLeft || off + size > chunk.length) revert Rejected(Reason.BadClaims, off);
    }

    function _claimRead(Staged memory s, uint256 size) private pure {
        s.bytesLeft -= size;
        s.claimsLeft -= 1;
        if (s.claimsLeft == 0) {
            if (s.bytesLeft != 0) revert Rejected(Reason.BadClaims, s.bytesLeft);
            s.poly += 1;
            // The polynomial is read: its header and claims' chain join the pass's chain.
            bytes32 joined = keccak256(abi.encode(s.z.length == 0 ? s.chain : s.chainAgain, s.head, s.claimsChain));
            if (s.z.length == 0) s.chain = joined;
            else s.chainAgain = joined;
        }
    }

    /// @dev Pass 2 over one chunk: the same items, chained again; per claim rho^k sum_terms w
    /// eq(point, r_{>=t_j}) added into g_j; at the end of polynomial j, 2^-t_j s_j g_j into e.
    function _evaluateChunk(Staged memory s, bytes calldata chunk) private pure {
        uint256 off = 0;
        uint256 n = s.ns[0];
        while (off < chunk.length) {
            if (s.claimsLeft == 0) {
                if (s.poly >= s.m || off + 44 > chunk.length) revert Rejected(Reason.BadClaims, off);
                uint256 len = _claimU32(chunk, off + 36);
                uint256 count = _claimU32(chunk, off + 40);
                // Pass 1 checked these items; a different one breaks the chain, checked at the end.
                if (count == 0 || len < 4 || _claimU32(chunk, off + 32) != s.ns[s.poly]) revert Rejected(Reason.BadClaims, off);
                (s.head, s.claimsChain) = (keccak256(chunk[off:off + 44]), bytes32(0));
                (s.claimsLeft, s.bytesLeft) = (count, len - 4);
                off += 44;
            } else {
                uint256 size = _claimSize(s, chunk, off);
                bytes calldata claim = chunk[off:off + size];
                uint256 nj = s.ns[s.poly];
                uint256 terms = _claimU32(claim, 0);
                (uint256 c0, uint256 c1) = (0, 0);
                for (uint256 q = 0; q < terms; ++q) {
                    uint256 at = 4 + q * (16 * nj + 16);
                    (uint256 w0, uint256 w1) = _eqAt(claim, at, s.z, n - nj, nj);
                    (w0, w1) = Goldilocks.emul(w0, w1, _u64(claim, at + 16 * nj), _u64(claim, at + 16 * nj + 8));
                    (c0, c1) = Goldilocks.eadd(c0, c1, w0, w1);
                }
                (c0, c1) = Goldilocks.emul(c0, c1, s.rk[0], s.rk[1]);
                (s.acc[6], s.acc[7]) = Goldilocks.eadd(s.acc[6], s.acc[7], c0, c1);
                (s.rk[0], s.rk[1]) = Goldilocks.emul(s.rk[0], s.rk[1], s.acc[0], s.acc[1]);
                s.claimsChain = _link(s.claimsChain, claim);
                uint256 j = s.poly;
                _claimRead(s, size);
                if (s.poly != j) {
                    (uint256 g0, uint256 g1) = Goldilocks.emul(s.acc[6], s.acc[7], s.reduced[2 * j], s.reduced[2 * j + 1]);
                    (g0, g1) = Goldilocks.emulBase(g0, g1, Goldilocks.pow(Goldilocks.INV2, n - nj));
                    (s.acc[4], s.acc[5]) = Goldilocks.eadd(s.acc[4], s.acc[5], g0, g1);
                    (s.acc[6], s.acc[7]) = (0, 0);
                }
                off += size;
            }
        }
    }

    /// @dev The extension element at off of memory bytes b (two little-endian u64).
    function _memU64Pair(bytes memory b, uint256 off) private pure returns (uint256 v0, uint256 v1) {
        assembly ("memory-safe") {
            let w := mload(add(add(b, 32), off))
            v0 := shr(192, w)
            v1 := and(shr(128, w), 0xFFFFFFFFFFFFFFFF)
        }
        (v0, v1) = (FiatShamir.bswap64(v0), FiatShamir.bswap64(v1));
    }
}
