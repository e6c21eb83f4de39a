// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import "./Goldilocks.sol";
import "./FiatShamir.sol";

/// @notice What the Basefold verifiers share: the parameters, the shape of an opening, the
/// transcript steps, Merkle openings, coset folding and the final codeword. `BasefoldVerifier`
/// (one opening) and `BatchedOpeningVerifier` (one opening of several polynomials) are the
/// deployable contracts; each carries only the internal functions it reaches, so splitting them
/// keeps both under EIP-170's 24 KB.
abstract contract BasefoldCore {
    using FiatShamir for FiatShamir.Transcript;

    enum Reason {
        Valid,
        /// The proof's encoding: a count, a length, a non-canonical element, trailing bytes.
        Malformed,
        /// The claims' encoding or shape.
        BadClaims,
        /// A sumcheck round polynomial does not sum to the running claim.
        SumcheckRound,
        /// The final polynomial does not give the last sumcheck claim.
        FinalClaim,
        /// The grinding nonce does not meet the proof-of-work predicate.
        ProofOfWork,
        /// Opened rows and siblings do not rebuild an oracle's Merkle root.
        MerkleRoot,
        /// An opened coset disagrees with the fold of the previous oracle.
        FoldMismatch,
        /// The last fold disagrees with the final polynomial.
        FinalFold,
        /// A multi-transaction opening's state does not match its checkpoint.
        UnknownSession,
        /// A batched opening's claim-reduction round does not sum to the running claim.
        ReductionRound,
        /// A batched opening's reduced values do not give the reduction's last claim.
        ReducedValues,
        /// A joining polynomial's opened rows do not rebuild its commitment's root.
        JoinMerkleRoot
    }

    error Rejected(Reason reason, uint256 detail);


    uint256 public constant MAX_NUM_VARS = 27;
    uint256 public constant MAX_CLAIMS = 1 << 16;
    uint256 public constant MAX_TERMS = 1 << 16;
    uint256 internal constant MAX_SIBLINGS = 1 << 21;

    uint256 public immutable logBlowup;
    uint256 public immutable foldArityLog;
    uint256 public immutable finalVarsMin;
    uint256 public immutable queries;
    uint256 public immutable powBits;
    /// @dev A primitive 2^32-th root of unity and its inverse; the 2^k-th ones are their powers.
    uint256 internal immutable root32;
    uint256 internal immutable rootInv32;


    /// @dev The shape of an opening of a polynomial in n variables (Java: PcsParams).
    struct Shape {
        uint256 n;
        uint256 d; // variables left after folding: the final polynomial has 2^d coefficients
        uint256 folds; // sumcheck = folding rounds
        uint256 arity; // log2 entries per leaf (0 when nothing is folded)
        uint256 oracles; // the commitment and the folded oracles that are committed
    }

    /// @dev Where the verifier stands between the header and the queries, and between oracles.
    struct State {
        bytes32 root;
        uint256 numVars;
        bytes32 claimsHash;
        bytes32 stateIn;
        bytes32 stateOut; // the transcript state after the query positions were drawn
        uint256[] r; // folding challenges, interleaved (c0, c1)
        bytes32[] oracleRoots;
        uint256[] fin; // final polynomial coefficients, interleaved
        uint256[] pos; // query positions in the next oracle's codeword, sorted
        uint256[] values; // per query: the value its position must hold in the next oracle
        uint256 nextOracle;
    }

    constructor(uint256 logBlowup_, uint256 foldArityLog_, uint256 finalVarsMin_, uint256 queries_, uint256 powBits_) {
        // The ranges of Java's PcsParams.
        require(logBlowup_ >= 1 && logBlowup_ <= 4, "logBlowup must be in [1, 4]");
        require(foldArityLog_ >= 1 && foldArityLog_ <= 5, "foldArityLog must be in [1, 5]");
        require(finalVarsMin_ <= 10, "finalVarsMin must be in [0, 10]");
        require(queries_ >= 1 && queries_ <= 1000, "queries must be in [1, 1000]");
        require(powBits_ <= 30, "powBits must be in [0, 30]");
        logBlowup = logBlowup_;
        foldArityLog = foldArityLog_;
        finalVarsMin = finalVarsMin_;
        queries = queries_;
        powBits = powBits_;
        uint256 w = Goldilocks.rootOfUnity(32);
        root32 = w;
        rootInv32 = Goldilocks.inv(w);
    }

    // ------------------------------------------------------------------ shape (PcsParams)

    function shape(uint256 n) public view returns (Shape memory sh) {
        if (n > MAX_NUM_VARS) revert Rejected(Reason.BadClaims, n);
        sh.n = n;
        sh.d = n < finalVarsMin + foldArityLog ? n : finalVarsMin + (n - finalVarsMin) % foldArityLog;
        sh.folds = n - sh.d;
        sh.arity = sh.folds == 0 ? 0 : foldArityLog;
        sh.oracles = sh.folds == 0 ? 1 : sh.folds / foldArityLog;
    }

    /// @dev log2 of oracle i's codeword length.
    function _oracleLog(Shape memory sh, uint256 i) internal view returns (uint256) {
        return sh.n + logBlowup - i * sh.arity;
    }

    // ------------------------------------------------------------------ steps 1-4: the header

    /// @dev Checks the header's layout as Java's decoder does (exact counts, canonical elements)
    /// and returns where it ends: after the grinding nonce.
    function _headerLayout(Shape memory sh, bytes calldata proof) internal pure returns (uint256 end) {
        uint256 nRounds = _u32(proof, 0);
        if (nRounds != sh.folds) revert Rejected(Reason.Malformed, nRounds);
        uint256 nRoots = _u32(proof, ROUNDS_AT + 48 * sh.folds);
        if (nRoots != sh.oracles - 1) revert Rejected(Reason.Malformed, nRoots);
        uint256 nFinal = _u32(proof, _rootsAt(sh) + 32 * nRoots);
        if (nFinal != uint256(1) << sh.d) revert Rejected(Reason.Malformed, nFinal);
        end = _finalAt(sh) + 16 * nFinal + 8;
        if (end > proof.length) revert Rejected(Reason.Malformed, end);
        _requireCanonical(proof, ROUNDS_AT, 48 * sh.folds, Reason.Malformed);
        _requireCanonical(proof, _finalAt(sh), 16 * nFinal, Reason.Malformed);
    }

    uint256 internal constant ROUNDS_AT = 4;

    function _rootsAt(Shape memory sh) internal pure returns (uint256) {
        return ROUNDS_AT + 48 * sh.folds + 4;
    }

    function _finalAt(Shape memory sh) internal pure returns (uint256) {
        return _rootsAt(sh) + 32 * (sh.oracles - 1) + 4;
    }

    /// @dev Steps 1-4 on a header whose layout _headerLayout has checked.
    function _header(bytes32 stateIn, bytes32 root, Shape memory sh, bytes calldata claims, bytes calldata proof)
        internal view returns (State memory s)
    {
        s.root = root;
        s.numVars = sh.n;
        s.claimsHash = keccak256(claims);
        s.stateIn = stateIn;
        FiatShamir.Transcript memory t = FiatShamir.Transcript(stateIn);

        // 1. Header and batching.
        (uint256[2] memory rho, uint256[2] memory claim) = _absorbHeader(t, sh, root, claims);

        // 2. Sumcheck rounds interleaved with folding; one oracle root per arity block.
        s.r = new uint256[](2 * sh.folds);
        s.oracleRoots = new bytes32[](sh.oracles - 1);
        for (uint256 i = 0; i < sh.oracles - 1; ++i) {
            uint256 at = _rootsAt(sh) + 32 * i;
            s.oracleRoots[i] = bytes32(proof[at:at + 32]);
        }
        _sumcheck(t, sh, s, proof, claim);

        // 3. The final polynomial against g at the folded point.
        uint256 finalAt = _finalAt(sh);
        s.fin = _readExts(proof, finalAt, uint256(1) << sh.d, Reason.Malformed);
        t.absorbCalldata("pcs/final", proof[finalAt:finalAt + (uint256(16) << sh.d)]);
        _finalClaim(sh, s, claims, rho, claim);

        // 4. Grinding, then the query positions, drawn after everything they must bind.
        _drawQueries(t, sh, s, _u64(proof, finalAt + (uint256(16) << sh.d)));
    }

    /// @dev Step 4: checks the grinding nonce, draws the query positions (sorted) and records the
    /// transcript state after them.
    function _drawQueries(FiatShamir.Transcript memory t, Shape memory sh, State memory s, uint256 nonce)
        internal view
    {
        if (!_powOk(t.state, nonce)) revert Rejected(Reason.ProofOfWork, nonce);
        t.absorbLong("pcs/pow", nonce);
        s.pos = t.challengeFields("pcs/queries", queries);
        uint256 mask = (uint256(1) << (sh.n + logBlowup - sh.arity)) - 1;
        for (uint256 k = 0; k < s.pos.length; ++k) {
            s.pos[k] &= mask;
        }
        // Queries are independent; sorted, each oracle's opened leaves come out sorted and the
        // duplicates adjacent.
        _sort(s.pos, sh.n + logBlowup - sh.arity);
        s.values = new uint256[](2 * queries);
        s.stateOut = t.state;
    }

    function _absorbHeader(FiatShamir.Transcript memory t, Shape memory sh, bytes32 root, bytes calldata claims)
        internal view returns (uint256[2] memory rho, uint256[2] memory claim)
    {
        _absorbParams(t);
        uint256[] memory values = _absorbClaims(t, sh.n, root, claims);
        (rho[0], rho[1]) = t.challengeExt("pcs/batch");
        claim = _combine(values, rho);
    }

    /// @dev The parameters (PcsParams.absorb).
    function _absorbParams(FiatShamir.Transcript memory t) internal view {
        uint256[] memory params = new uint256[](5);
        (params[0], params[1], params[2], params[3], params[4]) =
            (logBlowup, foldArityLog, finalVarsMin, queries, powBits);
        t.absorbFields("pcs/params", params);
    }

    /// @dev A commitment of n variables and its claims (Basefold.absorbClaims), checking the
    /// claims' encoding; returns the claimed values, interleaved.
    function _absorbClaims(FiatShamir.Transcript memory t, uint256 n, bytes32 root, bytes calldata claims)
        internal pure returns (uint256[] memory values)
    {
        t.absorbDigest("pcs/commitment", root);
        t.absorbLong("pcs/num-vars", n);
        uint256 count = _claimU32(claims, 0);
        if (count == 0 || count > MAX_CLAIMS) revert Rejected(Reason.BadClaims, count);
        t.absorbLong("pcs/claims", count);
        uint256 off = 4;
        uint256 pointBytes = 16 * n;
        values = new uint256[](2 * count);
        for (uint256 k = 0; k < count; ++k) {
            uint256 terms = _claimU32(claims, off);
            if (terms == 0 || terms > MAX_TERMS) revert Rejected(Reason.BadClaims, terms);
            off += 4;
            if (off + terms * (pointBytes + 16) + 16 > claims.length) revert Rejected(Reason.BadClaims, off);
            _requireCanonical(claims, off, terms * (pointBytes + 16) + 16, Reason.BadClaims);
            // A single term of weight one is absorbed as its point alone (Basefold.absorbClaims).
            if (terms == 1 && _u64(claims, off + pointBytes) == 1 && _u64(claims, off + pointBytes + 8) == 0) {
                t.absorbCalldata("pcs/claim-point", claims[off:off + pointBytes]);
                off += pointBytes + 16;
            } else {
                t.absorbLong("pcs/claim-terms", terms);
                for (uint256 j = 0; j < terms; ++j) {
                    t.absorbCalldata("pcs/claim-point", claims[off:off + pointBytes]);
                    t.absorbCalldata("pcs/claim-weight", claims[off + pointBytes:off + pointBytes + 16]);
                    off += pointBytes + 16;
                }
            }
            t.absorbCalldata("pcs/claim-value", claims[off:off + 16]);
            values[2 * k] = _u64(claims, off);
            values[2 * k + 1] = _u64(claims, off + 8);
            off += 16;
        }
        if (off != claims.length) revert Rejected(Reason.BadClaims, claims.length - off);
    }

    /// @dev sum_k rho^k v_k (Horner from the last value).
    function _combine(uint256[] memory values, uint256[2] memory rho) internal pure returns (uint256[2] memory claim) {
        for (uint256 k = values.length / 2; k > 0; --k) {
            (claim[0], claim[1]) = Goldilocks.emul(claim[0], claim[1], rho[0], rho[1]);
            (claim[0], claim[1]) = Goldilocks.eadd(claim[0], claim[1], values[2 * k - 2], values[2 * k - 1]);
        }
    }

    function _sumcheck(
        FiatShamir.Transcript memory t,
        Shape memory sh,
        State memory s,
        bytes calldata proof,
        uint256[2] memory claim
    ) internal pure {
        for (uint256 round = 0; round < sh.folds; ++round) {
            uint256 at = ROUNDS_AT + 48 * round;
            uint256[] memory h = _readExts(proof, at, 3, Reason.Malformed);
            (uint256 s0, uint256 s1) = Goldilocks.eadd(h[0], h[1], h[2], h[3]);
            if (s0 != claim[0] || s1 != claim[1]) revert Rejected(Reason.SumcheckRound, round);
            t.absorbCalldata("pcs/round", proof[at:at + 48]);
            (uint256 r0, uint256 r1) = t.challengeExt("pcs/fold");
            s.r[2 * round] = r0;
            s.r[2 * round + 1] = r1;
            (claim[0], claim[1]) = _interpolate(h, r0, r1);
            if ((round + 1) % sh.arity == 0 && (round + 1) / sh.arity < sh.oracles) {
                t.absorbDigest("pcs/oracle", s.oracleRoots[(round + 1) / sh.arity - 1]);
            }
        }
    }

    /// @dev The degree-2 round polynomial through (0, h0), (1, h1), (2, h2), at r:
    /// h0 (r-1)(r-2)/2 - h1 r(r-2) + h2 r(r-1)/2.
    function _interpolate(uint256[] memory h, uint256 r0, uint256 r1) internal pure returns (uint256 o0, uint256 o1) {
        uint256 P = Goldilocks.P;
        (uint256 m10, uint256 m11) = (addmod(r0, P - 1, P), r1);
        (uint256 m20, uint256 m21) = (addmod(r0, P - 2, P), r1);
        (uint256 a0, uint256 a1) = Goldilocks.emul(m10, m11, m20, m21);
        (a0, a1) = Goldilocks.emul(h[0], h[1], a0, a1);
        (a0, a1) = Goldilocks.emulBase(a0, a1, Goldilocks.INV2);
        (uint256 b0, uint256 b1) = Goldilocks.emul(r0, r1, m20, m21);
        (b0, b1) = Goldilocks.emul(h[2], h[3], b0, b1);
        (uint256 c0, uint256 c1) = Goldilocks.emul(r0, r1, m10, m11);
        (c0, c1) = Goldilocks.emul(h[4], h[5], c0, c1);
        (c0, c1) = Goldilocks.emulBase(c0, c1, Goldilocks.INV2);
        (o0, o1) = Goldilocks.esub(a0, a1, b0, b1);
        (o0, o1) = Goldilocks.eadd(o0, o1, c0, c1);
    }

    /// @dev Step 3: sum_{x in {0,1}^d} fin(x) g(r, x) must equal the last sumcheck claim, where
    /// g(r, x) = sum_k rho^k sum_j w_kj eq(z_kj[..folds], r) eq(z_kj[folds..], x).
    function _finalClaim(
        Shape memory sh,
        State memory s,
        bytes calldata claims,
        uint256[2] memory rho,
        uint256[2] memory claim
    ) internal pure {
        uint256 size = uint256(1) << sh.d;
        uint256[] memory g = new uint256[](2 * size);
        // Tails that are not Boolean, each with the sum of its terms' weights (many claims share a
        // point, and the 2^d expansion of eq is the expensive part).
        bytes32[] memory tailKeys = new bytes32[](_totalTerms(claims, sh.n));
        uint256[] memory tailAt = new uint256[](tailKeys.length);
        uint256[] memory tailW = new uint256[](2 * tailKeys.length);
        uint256 tails = 0;
        uint256 off = 4;
        uint256 pointBytes = 16 * sh.n;
        (uint256 rk0, uint256 rk1) = (1, 0);
        uint256 count = _claimU32(claims, 0);
        for (uint256 k = 0; k < count; ++k) {
            uint256 terms = _claimU32(claims, off);
            off += 4;
            for (uint256 j = 0; j < terms; ++j) {
                (uint256 w0, uint256 w1) = _eqPrefix(claims, off, s.r, sh.folds);
                (w0, w1) = Goldilocks.emul(w0, w1, rk0, rk1);
                (w0, w1) = Goldilocks.emul(w0, w1, _u64(claims, off + pointBytes), _u64(claims, off + pointBytes + 8));
                uint256 tailOff = off + 16 * sh.folds;
                (bool boolean, uint256 corner) = _booleanIndex(claims, tailOff, sh.d);
                if (boolean) {
                    (g[2 * corner], g[2 * corner + 1]) = Goldilocks.eadd(g[2 * corner], g[2 * corner + 1], w0, w1);
                } else {
                    bytes32 key = keccak256(claims[tailOff:tailOff + 16 * sh.d]);
                    uint256 t = 0;
                    while (t < tails && tailKeys[t] != key) {
                        ++t;
                    }
                    if (t == tails) {
                        tailKeys[t] = key;
                        tailAt[t] = tailOff;
                        ++tails;
                    }
                    (tailW[2 * t], tailW[2 * t + 1]) = Goldilocks.eadd(tailW[2 * t], tailW[2 * t + 1], w0, w1);
                }
                off += pointBytes + 16;
            }
            off += 16;
            (rk0, rk1) = Goldilocks.emul(rk0, rk1, rho[0], rho[1]);
        }
        for (uint256 t = 0; t < tails; ++t) {
            _addScaledEq(g, claims, tailAt[t], sh.d, tailW[2 * t], tailW[2 * t + 1]);
        }
        (uint256 sum0, uint256 sum1) = _innerProduct(_coeffsToEvals(s.fin), g);
        if (sum0 != claim[0] || sum1 != claim[1]) revert Rejected(Reason.FinalClaim, 0);
    }

    function _totalTerms(bytes calldata claims, uint256 n) internal pure returns (uint256 total) {
        uint256 count = _claimU32(claims, 0);
        uint256 off = 4;
        for (uint256 k = 0; k < count; ++k) {
            uint256 terms = _claimU32(claims, off);
            total += terms;
            off += 4 + terms * (16 * n + 16) + 16;
        }
    }

    /// @dev eq(z[0..folds), r) = prod_j (1 - z_j - r_j + 2 z_j r_j), z read from calldata.
    function _eqPrefix(bytes calldata claims, uint256 off, uint256[] memory r, uint256 folds)
        internal pure returns (uint256 e0, uint256 e1)
    {
        return _eqAt(claims, off, r, 0, folds);
    }

    /// @dev eq(z[0..count), r[rFrom..rFrom + count)), z read from calldata at off (interleaved r).
    function _eqAt(bytes calldata claims, uint256 off, uint256[] memory r, uint256 rFrom, uint256 count)
        internal pure returns (uint256 e0, uint256 e1)
    {
        uint256 P = Goldilocks.P;
        (e0, e1) = (1, 0);
        for (uint256 j = 0; j < count; ++j) {
            uint256 z0 = _u64(claims, off + 16 * j);
            uint256 z1 = _u64(claims, off + 16 * j + 8);
            (uint256 x0, uint256 x1) = (r[2 * (rFrom + j)], r[2 * (rFrom + j) + 1]);
            (uint256 p0, uint256 p1) = Goldilocks.emul(z0, z1, x0, x1);
            // 1 - z - r + 2 z r
            uint256 t0 = addmod(addmod(1 + 2 * p0, P - z0, P), P - x0, P);
            uint256 t1 = addmod(addmod(2 * p1, P - z1, P), P - x1, P);
            (e0, e1) = Goldilocks.emul(e0, e1, t0, t1);
        }
    }

    /// @dev (true, index) when every coordinate of the d-coordinate tail at off is 0 or 1.
    function _booleanIndex(bytes calldata claims, uint256 off, uint256 d) internal pure returns (bool, uint256 index) {
        for (uint256 j = 0; j < d; ++j) {
            uint256 c0 = _u64(claims, off + 16 * j);
            uint256 c1 = _u64(claims, off + 16 * j + 8);
            if (c1 != 0 || c0 > 1) return (false, 0);
            index |= c0 << j;
        }
        return (true, index);
    }

    /// @dev g[x] += w eq(tail, x) for every x in {0,1}^d (bit j of x is coordinate j): the eq
    /// table is built from e = [w] by doubling, entries with bit j set getting tail_j, the others
    /// 1 - tail_j (Mle.eqTable in Java).
    function _addScaledEq(uint256[] memory g, bytes calldata claims, uint256 off, uint256 d, uint256 w0, uint256 w1)
        internal pure
    {
        uint256[] memory e = new uint256[](uint256(2) << d);
        e[0] = w0;
        e[1] = w1;
        uint256[] memory tail = new uint256[](2 * d);
        for (uint256 j = 0; j < 2 * d; ++j) {
            tail[j] = _u64(claims, off + 8 * j);
        }
        assembly ("memory-safe") {
            let P := 0xFFFFFFFF00000001
            let ep := add(e, 32)
            let size := 1
            for { let j := 0 } lt(j, d) { j := add(j, 1) } {
                let c0 := mload(add(tail, add(32, shl(6, j))))
                let c1 := mload(add(tail, add(64, shl(6, j))))
                for { let i := 0 } lt(i, size) { i := add(i, 1) } {
                    let lo := add(ep, shl(6, i))
                    let hi := add(ep, shl(6, add(i, size)))
                    let a0 := mload(lo)
                    let a1 := mload(add(lo, 32))
                    let h0 := mod(add(mul(a0, c0), mul(7, mul(a1, c1))), P)
                    let h1 := mod(add(mul(a0, c1), mul(a1, c0)), P)
                    mstore(hi, h0)
                    mstore(add(hi, 32), h1)
                    mstore(lo, addmod(a0, sub(P, h0), P))
                    mstore(add(lo, 32), addmod(a1, sub(P, h1), P))
                }
                size := shl(1, size)
            }
            let gp := add(g, 32)
            for { let x := 0 } lt(x, shl(1, size)) { x := add(x, 1) } {
                let at := add(gp, shl(5, x))
                mstore(at, addmod(mload(at), mload(add(ep, shl(5, x))), P))
            }
        }
    }

    /// @dev Coefficient form to hypercube evaluations: e[i] = sum over subsets j of i of c[j].
    function _coeffsToEvals(uint256[] memory c) internal pure returns (uint256[] memory e) {
        uint256 words = c.length;
        e = new uint256[](words);
        assembly ("memory-safe") {
            let P := 0xFFFFFFFF00000001
            let cp := add(c, 32)
            let ep := add(e, 32)
            for { let i := 0 } lt(i, words) { i := add(i, 1) } {
                mstore(add(ep, shl(5, i)), mload(add(cp, shl(5, i))))
            }
            let len := shr(1, words)
            for { let bit := 1 } lt(bit, len) { bit := shl(1, bit) } {
                for { let i := 0 } lt(i, len) { i := add(i, 1) } {
                    if and(i, bit) {
                        let dst := add(ep, shl(6, i))
                        let src := add(ep, shl(6, xor(i, bit)))
                        mstore(dst, addmod(mload(dst), mload(src), P))
                        mstore(add(dst, 32), addmod(mload(add(dst, 32)), mload(add(src, 32)), P))
                    }
                }
            }
        }
    }

    /// @dev sum_x a[x] b[x] over interleaved extension vectors of equal length.
    function _innerProduct(uint256[] memory a, uint256[] memory b) internal pure returns (uint256 s0, uint256 s1) {
        assembly ("memory-safe") {
            let P := 0xFFFFFFFF00000001
            let ap := add(a, 32)
            let bp := add(b, 32)
            for { let x := 0 } lt(x, shr(1, mload(a))) { x := add(x, 1) } {
                let a0 := mload(add(ap, shl(6, x)))
                let a1 := mload(add(ap, add(shl(6, x), 32)))
                let b0 := mload(add(bp, shl(6, x)))
                let b1 := mload(add(bp, add(shl(6, x), 32)))
                s0 := addmod(s0, mod(add(mul(a0, b0), mul(7, mul(a1, b1))), P), P)
                s1 := addmod(s1, mod(add(mul(a0, b1), mul(a1, b0)), P), P)
            }
        }
    }

    /// @dev The grinding predicate: the low powBits bits of the little-endian first word of
    /// H("zkaudit/pcs/pow/v1" || state || u64 nonce) are zero.
    function _powOk(bytes32 state, uint256 nonce) internal view returns (bool) {
        if (powBits == 0) return true;
        bytes32 h = sha256(abi.encodePacked("zkaudit/pcs/pow/v1", state, FiatShamir.le64(nonce)));
        uint256 w = FiatShamir.bswap64(uint256(h) >> 192);
        return w & ((uint256(1) << powBits) - 1) == 0;
    }

    // ------------------------------------------------------------------ step 5: the queries

    /// @dev The end offset of oracle i's query layer starting at off, after checking its encoding
    /// as Java's decoder does (counts within bounds, whole rows, canonical entries).
    function _layerEnd(Shape memory sh, uint256 i, bytes calldata proof, uint256 off) internal view returns (uint256) {
        uint256 rowLongs = i == 0 ? uint256(1) << sh.arity : uint256(2) << sh.arity;
        uint256 depth = _oracleLog(sh, i) - sh.arity;
        uint256 nRows = _u32(proof, off);
        if (nRows > queries * rowLongs || nRows == 0 || nRows % rowLongs != 0) revert Rejected(Reason.Malformed, nRows);
        off += 4;
        if (off + 8 * nRows > proof.length) revert Rejected(Reason.Malformed, off);
        _requireCanonical(proof, off, 8 * nRows, Reason.Malformed);
        off += 8 * nRows;
        uint256 nSiblings = _u32(proof, off);
        uint256 maxSiblings = queries * (depth == 0 ? 1 : depth);
        if (nSiblings > maxSiblings || nSiblings > MAX_SIBLINGS) revert Rejected(Reason.Malformed, nSiblings);
        off += 4 + 32 * nSiblings;
        if (off > proof.length) revert Rejected(Reason.Malformed, off);
        return off;
    }

    /// @dev Oracle i's queried leaves.
    struct Leaves {
        uint256 oracle;
        uint256 logLength; // log2 of the oracle's codeword length
        uint256 rowBytes; // bytes of one opened row (2^a entries)
        uint256[] ofQuery; // per query: the leaf holding its position
        uint256[] rowOfQuery; // per query: the index of that leaf's row among the opened ones
        uint256[] distinct; // the opened leaves, sorted, without repetition
        uint256 count; // how many of `distinct` are used
    }

    /// @dev Opens oracle s.nextOracle at the queried cosets (layer: its encoding, checked by
    /// _layerEnd), checks each coset against the previous fold and folds it.
    function _queryOracle(State memory s, Shape memory sh, bytes calldata layer) internal view {
        Leaves memory l = _leaves(s, sh);
        uint256 nRows = _u32(layer, 0) * 8 / l.rowBytes;
        if (nRows != l.count) revert Rejected(Reason.Malformed, nRows);
        _merkle(l.oracle == 0 ? s.root : s.oracleRoots[l.oracle - 1], l.logLength - sh.arity, l, layer, Reason.MerkleRoot);
        _foldQueries(s, sh.arity, l, layer);
        s.nextOracle = l.oracle + 1;
    }

    function _leaves(State memory s, Shape memory sh) internal view returns (Leaves memory l) {
        uint256 q = s.pos.length;
        l.oracle = s.nextOracle;
        l.logLength = _oracleLog(sh, l.oracle);
        l.rowBytes = (l.oracle == 0 ? uint256(8) : uint256(16)) << sh.arity;
        l.ofQuery = new uint256[](q);
        l.rowOfQuery = new uint256[](q);
        l.distinct = new uint256[](q);
        for (uint256 k = 0; k < q; ++k) {
            uint256 leaf = l.oracle == 0 ? s.pos[k] : s.pos[k] >> sh.arity;
            l.ofQuery[k] = leaf;
            if (l.count == 0 || l.distinct[l.count - 1] != leaf) {
                l.distinct[l.count++] = leaf;
            }
            l.rowOfQuery[k] = l.count - 1;
        }
    }

    function _foldQueries(State memory s, uint256 a, Leaves memory l, bytes calldata layer) internal view {
        uint256[] memory twiddles = _twiddles(a);
        uint256[] memory coset = new uint256[](uint256(2) << a);
        uint256 rootInvL = _rootInv(l.logLength);
        uint256 leafBits = l.logLength - a;
        bool base = l.oracle == 0;
        uint256 mask = (uint256(1) << a) - 1;
        uint256 q = s.pos.length;
        for (uint256 k = 0; k < q; ++k) {
            uint256 leaf = l.ofQuery[k];
            _loadCoset(coset, layer, 4 + l.rowOfQuery[k] * l.rowBytes, a, base);
            if (!base) {
                uint256 at = s.pos[k] & mask;
                if (coset[2 * at] != s.values[2 * k] || coset[2 * at + 1] != s.values[2 * k + 1]) {
                    revert Rejected(Reason.FoldMismatch, l.oracle);
                }
            }
            uint256 yInv = _powBitReversed(rootInvL, leaf, leafBits);
            (s.values[2 * k], s.values[2 * k + 1]) = _foldCoset(coset, a, yInv, s.r, l.oracle * a, twiddles);
            s.pos[k] = leaf;
        }
    }

    /// @dev Copies the 2^a entries of the row at rowAt into coset (interleaved extension
    /// coordinates; base rows get c1 = 0). The layer's bounds were checked by _layerEnd.
    function _loadCoset(uint256[] memory coset, bytes calldata layer, uint256 rowAt, uint256 a, bool base)
        internal pure
    {
        // Yul functions are local to their assembly block: bswap64 is FiatShamir.bswap64, repeated
        // here and in _requireCanonical, the two loops over every word of a proof.
        assembly ("memory-safe") {
            function bswap64(v) -> r {
                v := or(shr(8, and(v, 0xFF00FF00FF00FF00)), shl(8, and(v, 0x00FF00FF00FF00FF)))
                v := or(shr(16, and(v, 0xFFFF0000FFFF0000)), shl(16, and(v, 0x0000FFFF0000FFFF)))
                r := or(shr(32, v), shl(32, and(v, 0xFFFFFFFF)))
            }
            let src := add(layer.offset, rowAt)
            let dst := add(coset, 32)
            let n := shl(a, 1)
            switch base
            case 1 {
                for { let e := 0 } lt(e, n) { e := add(e, 1) } {
                    mstore(add(dst, shl(6, e)), bswap64(shr(192, calldataload(add(src, shl(3, e))))))
                    mstore(add(dst, add(shl(6, e), 32)), 0)
                }
            }
            default {
                for { let e := 0 } lt(e, shl(1, n)) { e := add(e, 1) } {
                    mstore(add(dst, shl(5, e)), bswap64(shr(192, calldataload(add(src, shl(3, e))))))
                }
            }
        }
    }

    /// @dev base^bitrev(x, bits) mod p.
    function _powBitReversed(uint256 base, uint256 x, uint256 bits) internal pure returns (uint256 acc) {
        assembly ("memory-safe") {
            let P := 0xFFFFFFFF00000001
            let e := 0
            for { let i := 0 } lt(i, bits) { i := add(i, 1) } {
                e := or(shl(1, e), and(shr(i, x), 1))
            }
            acc := 1
            for { } e { e := shr(1, e) } {
                if and(e, 1) { acc := mulmod(acc, base, P) }
                base := mulmod(base, base, P)
            }
        }
    }

    /// @dev The entry at a leaf of the a-times folded codeword, from the coset of 2^a entries the
    /// leaf holds (Basefold.foldCoset), given yInv = 1/y for the leaf's point y. Folds in place.
    function _foldCoset(
        uint256[] memory v,
        uint256 a,
        uint256 yInv,
        uint256[] memory r,
        uint256 from,
        uint256[] memory twiddles
    ) internal pure returns (uint256 c0, uint256 c1) {
        _foldSteps(v, a, 0, a, yInv, r, from, twiddles);
        c0 = v[0];
        c1 = v[1];
    }

    /// @dev Steps [s0, s1) of folding a coset of 2^a entries (Basefold.foldCosetPartially): each
    /// step maps P(x), P(-x) to (P(x) + P(-x))/2 + r (P(x) - P(-x))/(2x), in place, so after step s
    /// the first 2^(a-s-1) entries are the coset the leaf holds in the codeword folded s + 1 times
    /// (a batched opening adds a joining codeword there, then folds on). yInv is 1/y at step s0
    /// (y the leaf's point then); returns it at step s1.
    function _foldSteps(
        uint256[] memory v,
        uint256 a,
        uint256 s0,
        uint256 s1,
        uint256 yInv,
        uint256[] memory r,
        uint256 from,
        uint256[] memory twiddles
    ) internal pure returns (uint256) {
        assembly ("memory-safe") {
            let P := 0xFFFFFFFF00000001
            let INV2 := 0x7FFFFFFF80000001
            let vp := add(v, 32)
            let rp := add(add(r, 32), shl(6, from))
            let tp := add(twiddles, 32)
            // Level s's twiddles start after those of the levels before: 2^a - 2^(a-s).
            let at := sub(shl(a, 1), shl(sub(a, s0), 1))
            for { let s := s0 } lt(s, s1) { s := add(s, 1) } {
                let half := shl(sub(sub(a, s), 1), 1)
                let r0 := mload(add(rp, shl(6, s)))
                let r1 := mload(add(rp, add(shl(6, s), 32)))
                let yHalf := mulmod(yInv, INV2, P)
                for { let m := 0 } lt(m, half) { m := add(m, 1) } {
                    let src := add(vp, shl(7, m))
                    let xh := mulmod(yHalf, mload(add(tp, shl(5, add(at, m)))), P)
                    let d0 := mulmod(add(mload(src), sub(P, mload(add(src, 64)))), xh, P)
                    let d1 := mulmod(add(mload(add(src, 32)), sub(P, mload(add(src, 96)))), xh, P)
                    let e0 := addmod(mload(src), mload(add(src, 64)), P)
                    let e1 := addmod(mload(add(src, 32)), mload(add(src, 96)), P)
                    let dst := add(vp, shl(6, m))
                    mstore(dst, addmod(add(shr(1, e0), mul(and(e0, 1), INV2)), mod(add(mul(d0, r0), mul(7, mul(d1, r1))), P), P))
                    mstore(add(dst, 32), addmod(add(shr(1, e1), mul(and(e1, 1), INV2)), mod(add(mul(d0, r1), mul(d1, r0)), P), P))
                }
                at := add(at, half)
                yInv := mulmod(yInv, yInv, P)
            }
        }
        return yInv;
    }

    /// @dev Checks the batched Merkle opening of the layer's rows at the sorted distinct leaves
    /// against root (MerkleVerifier.root in Java: height by height, left to right, a sibling is
    /// taken from the proof only when it is not itself opened).
    function _merkle(bytes32 root, uint256 depth, Leaves memory l, bytes calldata layer, Reason reason) internal view {
        uint256 count = l.count;
        bytes32[] memory cur = new bytes32[](count);
        uint256[] memory idx = new uint256[](count);
        for (uint256 k = 0; k < count; ++k) {
            cur[k] = _hashCalldata(layer, 4 + k * l.rowBytes, l.rowBytes);
            idx[k] = l.distinct[k];
        }
        uint256 sibAt = 4 + count * l.rowBytes;
        uint256 nSiblings = _u32(layer, sibAt);
        sibAt += 4;
        uint256 used = 0;
        uint256 len = count;
        for (uint256 h = 0; h < depth; ++h) {
            uint256 out = 0;
            for (uint256 k = 0; k < len; ++k) {
                uint256 x = idx[k];
                bytes32 parent;
                if (x & 1 == 0 && k + 1 < len && idx[k + 1] == x | 1) {
                    parent = _node(cur[k], cur[k + 1]);
                    ++k;
                } else {
                    if (used >= nSiblings) revert Rejected(reason, h);
                    bytes32 sib = bytes32(layer[sibAt + 32 * used:sibAt + 32 * used + 32]);
                    ++used;
                    parent = x & 1 == 0 ? _node(cur[k], sib) : _node(sib, cur[k]);
                }
                idx[out] = x >> 1;
                cur[out++] = parent;
            }
            len = out;
        }
        if (used != nSiblings) revert Rejected(reason, nSiblings - used);
        if (cur[0] != root) revert Rejected(reason, depth);
    }

    /// @dev twiddles for folding a coset of 2^a entries: level s (0 <= s < a) holds, for
    /// m < 2^(a-s-1), rootInv(a - s)^bitrev(m, a - s - 1), at offset 2^a - 2^(a-s) + m.
    function _twiddles(uint256 a) internal view returns (uint256[] memory t) {
        t = new uint256[](a == 0 ? 0 : (uint256(1) << a) - 1);
        uint256 at = 0;
        for (uint256 s = 0; s < a; ++s) {
            uint256 small = _rootInv(a - s);
            for (uint256 m = 0; m < (uint256(1) << (a - s - 1)); ++m) {
                t[at++] = Goldilocks.pow(small, _bitReverse(m, a - s - 1));
            }
        }
    }

    /// @dev After the last oracle: each query's fold must be the final polynomial at its point.
    function _finalFold(State memory s, Shape memory sh) internal view {
        uint256[] memory codeword = _encodeFinal(s.fin, sh.d + logBlowup);
        for (uint256 k = 0; k < s.pos.length; ++k) {
            uint256 p = s.pos[k];
            if (s.values[2 * k] != codeword[2 * p] || s.values[2 * k + 1] != codeword[2 * p + 1]) {
                revert Rejected(Reason.FinalFold, k);
            }
        }
    }

    /// @dev The final polynomial's codeword: entry p is P(w^bitrev(p)) for w a primitive
    /// 2^logLength-th root of unity, i.e. the decimation-in-frequency NTT of the zero-padded
    /// coefficients, whose output comes in bit-reversed order. Cheaper than evaluating the
    /// polynomial at each queried point once the queries cover a good part of the domain.
    function _encodeFinal(uint256[] memory fin, uint256 logLength) internal view returns (uint256[] memory a) {
        uint256 n = uint256(1) << logLength;
        a = new uint256[](2 * n);
        for (uint256 i = 0; i < fin.length; ++i) {
            a[i] = fin[i];
        }
        for (uint256 half = n >> 1; half > 0; half >>= 1) {
            uint256 w = _root(_log2(2 * half));
            assembly ("memory-safe") {
                let P := 0xFFFFFFFF00000001
                let ap := add(a, 32)
                let t := 1
                for { let j := 0 } lt(j, half) { j := add(j, 1) } {
                    for { let start := 0 } lt(start, n) { start := add(start, shl(1, half)) } {
                        let u := add(ap, shl(6, add(start, j)))
                        let v := add(ap, shl(6, add(add(start, j), half)))
                        let u0 := mload(u)
                        let u1 := mload(add(u, 32))
                        let v0 := mload(v)
                        let v1 := mload(add(v, 32))
                        mstore(u, addmod(u0, v0, P))
                        mstore(add(u, 32), addmod(u1, v1, P))
                        mstore(v, mulmod(add(u0, sub(P, v0)), t, P))
                        mstore(add(v, 32), mulmod(add(u1, sub(P, v1)), t, P))
                    }
                    t := mulmod(t, w, P)
                }
            }
        }
    }

    function _log2(uint256 x) internal pure returns (uint256 k) {
        while (x > 1) {
            x >>= 1;
            ++k;
        }
    }

    // ------------------------------------------------------------------ batched openings' statement

    /// @notice The most polynomials one batched opening carries (BatchedOpening.MAX_POLYNOMIALS).
    uint256 internal constant MAX_POLYNOMIALS = 16;

    /// @dev One committed polynomial of the statement: its claims are polys[at:at + len].
    struct Poly {
        bytes32 root;
        uint256 n;
        uint256 at;
        uint256 len;
    }

    /// @dev The polynomials and their claims' places (BatchedOpening.checkSizes and the claims'
    /// counts): 1 to 16, largest first, each joining while the largest still folds.
    function _polys(bytes calldata polys) internal view returns (Poly[] memory ps) {
        uint256 m = _claimU32(polys, 0);
        if (m == 0 || m > MAX_POLYNOMIALS) revert Rejected(Reason.BadClaims, m);
        ps = new Poly[](m);
        uint256 off = 4;
        uint256 total = 0;
        for (uint256 j = 0; j < m; ++j) {
            if (off + 40 > polys.length) revert Rejected(Reason.BadClaims, off);
            ps[j].root = bytes32(polys[off:off + 32]);
            ps[j].n = _claimU32(polys, off + 32);
            ps[j].len = _claimU32(polys, off + 36);
            ps[j].at = off + 40;
            off = ps[j].at + ps[j].len;
            if (off > polys.length) revert Rejected(Reason.BadClaims, off);
            if (ps[j].n > MAX_NUM_VARS) revert Rejected(Reason.BadClaims, ps[j].n);
            if (j > 0 && (ps[j].n > ps[j - 1].n || ps[0].n - ps[j].n >= shape(ps[0].n).folds)) {
                revert Rejected(Reason.BadClaims, j);
            }
            total += _claimU32(polys, ps[j].at);
        }
        if (off != polys.length) revert Rejected(Reason.BadClaims, polys.length - off);
        if (total > MAX_CLAIMS) revert Rejected(Reason.BadClaims, total);
    }

    // ------------------------------------------------------------------ helpers

    function _root(uint256 k) internal view returns (uint256 w) {
        w = root32;
        for (uint256 i = k; i < 32; ++i) {
            w = mulmod(w, w, Goldilocks.P);
        }
    }

    function _rootInv(uint256 k) internal view returns (uint256 w) {
        w = rootInv32;
        for (uint256 i = k; i < 32; ++i) {
            w = mulmod(w, w, Goldilocks.P);
        }
    }

    function _bitReverse(uint256 x, uint256 bits) internal pure returns (uint256 y) {
        unchecked {
            for (uint256 i = 0; i < bits; ++i) {
                y = (y << 1) | (x & 1);
                x >>= 1;
            }
        }
    }

    /// @dev Sorts positions below 2^bits: a counting pass on the top 7 bits, then insertion sort,
    /// which has little left to do (the positions are uniform).
    function _sort(uint256[] memory a, uint256 bits) internal pure {
        uint256 shift = bits > 7 ? bits - 7 : 0;
        uint256[] memory count = new uint256[](129);
        uint256[] memory copy = new uint256[](a.length);
        assembly ("memory-safe") {
            let n := mload(a)
            let ap := add(a, 32)
            let cp := add(count, 64) // count[b + 1] += 1, so count becomes the bucket starts
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                let at := add(cp, shl(5, shr(shift, mload(add(ap, shl(5, i))))))
                mstore(at, add(mload(at), 1))
            }
            let c0 := add(count, 32)
            for { let b := 1 } lt(b, 129) { b := add(b, 1) } {
                let at := add(c0, shl(5, b))
                mstore(at, add(mload(at), mload(sub(at, 32))))
            }
            let yp := add(copy, 32)
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                let v := mload(add(ap, shl(5, i)))
                let at := add(c0, shl(5, shr(shift, v)))
                let slot := mload(at)
                mstore(add(yp, shl(5, slot)), v)
                mstore(at, add(slot, 1))
            }
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                mstore(add(ap, shl(5, i)), mload(add(yp, shl(5, i))))
            }
        }
        assembly ("memory-safe") {
            let base := add(a, 32)
            let n := mload(a)
            for { let i := 1 } lt(i, n) { i := add(i, 1) } {
                let v := mload(add(base, shl(5, i)))
                let j := i
                for { } and(gt(j, 0), gt(mload(add(base, shl(5, sub(j, 1)))), v)) { j := sub(j, 1) } {
                    mstore(add(base, shl(5, j)), mload(add(base, shl(5, sub(j, 1)))))
                }
                mstore(add(base, shl(5, j)), v)
            }
        }
    }

    function _u32(bytes calldata b, uint256 off) internal pure returns (uint256 v) {
        if (off + 4 > b.length) revert Rejected(Reason.Malformed, off);
        assembly ("memory-safe") {
            v := shr(224, calldataload(add(b.offset, off)))
        }
        v = FiatShamir.bswap32(v);
    }

    function _claimU32(bytes calldata b, uint256 off) internal pure returns (uint256 v) {
        if (off + 4 > b.length) revert Rejected(Reason.BadClaims, off);
        assembly ("memory-safe") {
            v := shr(224, calldataload(add(b.offset, off)))
        }
        v = FiatShamir.bswap32(v);
    }

    /// @dev A little-endian u64 at off; the caller has checked the bounds.
    function _u64(bytes calldata b, uint256 off) internal pure returns (uint256 v) {
        if (off + 8 > b.length) revert Rejected(Reason.Malformed, off);
        assembly ("memory-safe") {
            v := shr(192, calldataload(add(b.offset, off)))
        }
        v = FiatShamir.bswap64(v);
    }

    /// @dev Every 8-byte word of b[off, off + len) is a canonical field element (the caller has
    /// checked the bounds).
    function _requireCanonical(bytes calldata b, uint256 off, uint256 len, Reason reason) internal pure {
        uint256 bad = type(uint256).max;
        assembly ("memory-safe") {
            function bswap64(v) -> r {
                v := or(shr(8, and(v, 0xFF00FF00FF00FF00)), shl(8, and(v, 0x00FF00FF00FF00FF)))
                v := or(shr(16, and(v, 0xFFFF0000FFFF0000)), shl(16, and(v, 0x0000FFFF0000FFFF)))
                r := or(shr(32, v), shl(32, and(v, 0xFFFFFFFF)))
            }
            let P := 0xFFFFFFFF00000001
            let base := add(b.offset, off)
            for { let x := 0 } lt(x, len) { x := add(x, 8) } {
                if iszero(lt(bswap64(shr(192, calldataload(add(base, x)))), P)) {
                    bad := add(off, x)
                    x := len
                }
            }
        }
        if (bad != type(uint256).max) revert Rejected(reason, bad);
    }

    /// @dev count extension elements at off, canonical, interleaved.
    function _readExts(bytes calldata b, uint256 off, uint256 count, Reason reason)
        internal pure returns (uint256[] memory out)
    {
        out = new uint256[](2 * count);
        for (uint256 i = 0; i < 2 * count; ++i) {
            uint256 v = _u64(b, off + 8 * i);
            if (v >= Goldilocks.P) revert Rejected(reason, off + 8 * i);
            out[i] = v;
        }
    }

    /// @dev SHA-256 of b[off, off + len), through scratch memory above the free pointer.
    function _hashCalldata(bytes calldata b, uint256 off, uint256 len) internal view returns (bytes32 h) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, add(b.offset, off), len)
            if iszero(staticcall(gas(), 0x02, ptr, len, 0x00, 0x20)) { revert(0, 0) }
            h := mload(0x00)
        }
    }

    /// @dev A Merkle node: SHA-256(left || right).
    function _node(bytes32 left, bytes32 right) internal view returns (bytes32 h) {
        assembly ("memory-safe") {
            mstore(0x00, left)
            mstore(0x20, right)
            if iszero(staticcall(gas(), 0x02, 0x00, 0x40, 0x00, 0x20)) { revert(0, 0) }
            h := mload(0x00)
        }
    }
}
