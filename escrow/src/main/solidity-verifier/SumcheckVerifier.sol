// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import "./PackedExt2.sol";
import "./Goldilocks.sol";
import "./FiatShamir.sol";

/// @notice The generic sumcheck of zkaudit's layer reductions on chain: the same decisions, bit for
/// bit, as the Java `io.zkaudit.sumcheck.SumcheckVerifier` (`verify`, `verifyMasked`,
/// `verifyMaskedOpenEnd`) on the same bytes (docs/onchain-verifier.md, "The layer sumcheck").
/// Every layer of a model (convolutions' two phases, dense, pools and means, products, max pools,
/// concatenations, constant addends) proves its reduction with this sumcheck over a composition
/// the verifier rebuilds from the model: a sum of products of at most four tables, with or without
/// an eq factor. The composition is an input here (`spec`), so one contract serves every layer of
/// every model: the building block of the layer verifiers still to come.
///
/// Inputs:
///  - `stateIn`: the transcript state before the sumcheck;
///  - `spec` (`SumcheckEncoding.spec` in Java, 32-byte words): variables, mode (0 plain, 1 masked,
///    2 masked with an open end), the claim, the mask's sum and value, the eq point if any, then
///    the composition (tables; per term its coefficient and factors) or, with an open end, the
///    round degree and the number of evaluations sent. Extension elements are packed
///    c0 | c1 << 64;
///  - `proof`: exactly the bytes of Java's `SumcheckProof.encode()`.
///
/// Outputs: the transcript state after it, the point, the evaluations (the caller's claims on its
/// tables), and for an open end the mask weight and the final claim, which the caller checks.
contract SumcheckVerifier {
    using FiatShamir for FiatShamir.Transcript;

    enum Reason {
        Valid,
        /// The proof's encoding: a count over Java's decoding limit, a short read, a non-canonical
        /// element, trailing bytes.
        Malformed,
        /// The spec is not a statement this contract reads.
        BadStatement,
        /// The proof has another number of rounds than the statement's variables.
        Rounds,
        /// A round message has another number of values than the round degree.
        RoundShape,
        /// The proof sends another number of final evaluations than the statement's tables.
        EvaluationCount,
        /// A sumcheck without variables carries a mask.
        EmptyMask,
        /// The final claim does not match the claimed evaluations.
        FinalClaim
    }

    error Rejected(Reason reason, uint256 detail);

    uint256 private constant P = 0xFFFFFFFF00000001;
    uint256 private constant M64 = 0xFFFFFFFFFFFFFFFF;
    // SumcheckProof.decode, RoundPolynomial, Composition.
    uint256 private constant MAX_ROUNDS = 40;
    uint256 private constant MAX_DEGREE = 8;
    uint256 private constant MAX_TABLES = 1 << 17;
    uint256 private constant MAX_FACTORS = 4;
    uint256 private constant MAX_TERMS = 64;

    struct Spec {
        uint256 numVars;
        uint256 mode;
        uint256 claim;
        uint256 maskSum;
        uint256 maskEval;
        uint256 eqAt; // where the eq point starts in the spec, 0 for none
        uint256 degree; // the round degree
        uint256 tables; // the evaluations the proof sends
        uint256 termsAt; // where the terms start (modes 0 and 1)
        uint256 terms;
    }

    // ------------------------------------------------------------------ entry points

    /// @notice Verifies one sumcheck; reverts with Rejected(reason, detail) if it is invalid.
    function verify(bytes32 stateIn, uint256[] calldata spec, bytes calldata proof)
        public
        pure
        returns (bytes32 stateOut, uint256[] memory point, uint256[] memory evals, uint256 maskWeight, uint256 finalClaim)
    {
        Spec memory s = _spec(spec);
        uint256 rounds = _layout(proof);
        if (rounds != s.numVars) revert Rejected(Reason.Rounds, rounds);
        FiatShamir.Transcript memory t;
        t.state = stateIn;
        {
            bytes memory shape = new bytes(16);
            bytes8 a = FiatShamir.le64(s.numVars);
            bytes8 b = FiatShamir.le64(s.degree);
            assembly ("memory-safe") {
                mstore(add(shape, 32), a)
                mstore(add(shape, 40), b)
            }
            t.absorb("sumcheck/shape", shape);
        }
        t.absorb("sumcheck/claim", _extBytes(s.claim));
        uint256 current = s.claim;
        if (s.mode != 0) {
            if (s.numVars == 0 && s.maskSum != 0) revert Rejected(Reason.EmptyMask, 0);
            t.absorb("sumcheck/mask-sum", _extBytes(s.maskSum));
            (uint256 w0, uint256 w1) = t.challengeExt("sumcheck/mask-weight");
            maskWeight = w0 | (w1 << 64);
            current = PackedExt2.add(current, PackedExt2.mul(maskWeight, s.maskSum));
        }
        uint256[] memory inv = _lagrangeDenominators(s.degree);
        point = new uint256[](s.numVars);
        uint256 at = 4;
        for (uint256 i = 0; i < s.numVars; ++i) {
            uint256 m = _u32(proof, at);
            if (m != s.degree) revert Rejected(Reason.RoundShape, i);
            t.absorbCalldata("sumcheck/round", proof[at + 4:at + 4 + 16 * m]);
            (uint256 r0, uint256 r1) = t.challengeExt("sumcheck/r");
            uint256 r = r0 | (r1 << 64);
            point[i] = r;
            current = _evaluateRound(proof, at + 4, m, current, r, inv);
            at += 4 + 16 * m;
        }
        uint256 n = _u32(proof, at);
        if (n != s.tables) revert Rejected(Reason.EvaluationCount, n);
        t.absorbCalldata("sumcheck/evaluations", proof[at + 4:at + 4 + 16 * n]);
        evals = new uint256[](n);
        for (uint256 k = 0; k < n; ++k) {
            evals[k] = _ext(proof, at + 4 + 16 * k);
        }
        if (s.mode == 2) {
            return (t.state, point, evals, maskWeight, current);
        }
        uint256 expected = _composition(spec, s, evals);
        if (s.eqAt != 0) {
            expected = PackedExt2.mul(expected, _eq(spec, s.eqAt, point));
        }
        if (s.mode == 1) {
            if (s.numVars == 0 && s.maskEval != 0) revert Rejected(Reason.EmptyMask, 1);
            t.absorb("sumcheck/mask-eval", _extBytes(s.maskEval));
            expected = PackedExt2.add(expected, PackedExt2.mul(maskWeight, s.maskEval));
        }
        if (expected != current) revert Rejected(Reason.FinalClaim, 0);
        return (t.state, point, evals, maskWeight, current);
    }

    /// @notice `verify` as a return value, for callers that must not revert: Valid or the reason,
    /// and the transcript state after it.
    function check(bytes32 stateIn, uint256[] calldata spec, bytes calldata proof)
        external
        view
        returns (Reason reason, uint256 detail, bytes32 stateOut)
    {
        try this.verify(stateIn, spec, proof) returns (bytes32 out, uint256[] memory, uint256[] memory, uint256, uint256) {
            return (Reason.Valid, 0, out);
        } catch (bytes memory err) {
            if (err.length == 68 && bytes4(err) == Rejected.selector) {
                assembly ("memory-safe") {
                    reason := mload(add(err, 36))
                    detail := mload(add(err, 68))
                }
                return (reason, detail, bytes32(0));
            }
            assembly ("memory-safe") {
                revert(add(err, 32), mload(err))
            }
        }
    }

    // ------------------------------------------------------------------ the statement

    function _word(uint256[] calldata spec, uint256 i, uint256 max) private pure returns (uint256 v) {
        if (i >= spec.length) revert Rejected(Reason.BadStatement, i);
        v = spec[i];
        if (v > max) revert Rejected(Reason.BadStatement, i);
    }

    /// @dev A packed extension element with both coordinates canonical.
    function _extWord(uint256[] calldata spec, uint256 i) private pure returns (uint256 v) {
        v = _word(spec, i, type(uint128).max);
        if (v & M64 >= P || v >> 64 >= P) revert Rejected(Reason.BadStatement, i);
    }

    /// @dev Words: variables, mode, claim, mask sum, mask value, eq flag, the eq point (one word
    /// per variable) if the flag is 1; then for modes 0 and 1: tables, terms and per term its
    /// coefficient, its factor count and its factors; for mode 2: the round degree and the number
    /// of evaluations sent.
    function _spec(uint256[] calldata spec) private pure returns (Spec memory s) {
        unchecked {
            s.numVars = _word(spec, 0, MAX_ROUNDS);
            s.mode = _word(spec, 1, 2);
            s.claim = _extWord(spec, 2);
            s.maskSum = _extWord(spec, 3);
            s.maskEval = _extWord(spec, 4);
            if (s.mode == 0 && (s.maskSum != 0 || s.maskEval != 0)) revert Rejected(Reason.BadStatement, 3);
            uint256 at = 6;
            if (_word(spec, 5, 1) == 1) {
                s.eqAt = at;
                for (uint256 j = 0; j < s.numVars; ++j) {
                    _extWord(spec, at + j);
                }
                at += s.numVars;
            }
            if (s.mode == 2) {
                s.degree = _word(spec, at, MAX_DEGREE);
                if (s.degree == 0) revert Rejected(Reason.BadStatement, at);
                s.tables = _word(spec, at + 1, MAX_TABLES);
                at += 2;
            } else {
                s.tables = _word(spec, at, MAX_TABLES);
                s.terms = _word(spec, at + 1, MAX_TERMS);
                at += 2;
                s.termsAt = at;
                uint256 longest = 0;
                for (uint256 k = 0; k < s.terms; ++k) {
                    _extWord(spec, at);
                    uint256 f = _word(spec, at + 1, MAX_FACTORS);
                    if (f > longest) longest = f;
                    for (uint256 j = 0; j < f; ++j) {
                        if (_word(spec, at + 2 + j, type(uint256).max) >= s.tables) {
                            revert Rejected(Reason.BadStatement, at + 2 + j);
                        }
                    }
                    at += 2 + f;
                }
                // Composition.roundDegree: at least 1.
                s.degree = longest + (s.eqAt != 0 ? 1 : 0);
                if (s.degree == 0) s.degree = 1;
            }
            if (at != spec.length) revert Rejected(Reason.BadStatement, at);
        }
    }

    // ------------------------------------------------------------------ the proof

    function _u32(bytes calldata b, uint256 at) private pure returns (uint256 v) {
        if (at + 4 > b.length) revert Rejected(Reason.Malformed, at);
        assembly ("memory-safe") {
            v := shr(224, calldataload(add(b.offset, at)))
        }
        v = FiatShamir.bswap32(v);
    }

    /// @dev SumcheckProof.decode (and fromBytes' end): returns the number of rounds.
    function _layout(bytes calldata b) private pure returns (uint256 rounds) {
        unchecked {
            rounds = _u32(b, 0);
            if (rounds > MAX_ROUNDS) revert Rejected(Reason.Malformed, 0);
            uint256 at = 4;
            for (uint256 i = 0; i < rounds; ++i) {
                uint256 m = _u32(b, at);
                if (m > MAX_DEGREE) revert Rejected(Reason.Malformed, at);
                at = _exts(b, at + 4, m);
            }
            uint256 n = _u32(b, at);
            if (n > MAX_TABLES) revert Rejected(Reason.Malformed, at);
            at = _exts(b, at + 4, n);
            if (at != b.length) revert Rejected(Reason.Malformed, at);
        }
    }

    /// @dev n extension elements from `at`, each coordinate canonical: the offset after them.
    function _exts(bytes calldata b, uint256 at, uint256 n) private pure returns (uint256) {
        unchecked {
            if (at + 16 * n > b.length) revert Rejected(Reason.Malformed, at);
            uint256 bad = type(uint256).max;
            assembly ("memory-safe") {
                let end := add(add(b.offset, at), mul(n, 16))
                for { let q := add(b.offset, at) } lt(q, end) { q := add(q, 8) } {
                    let w := shr(192, calldataload(q))
                    w := or(shr(8, and(w, 0xFF00FF00FF00FF00)), shl(8, and(w, 0x00FF00FF00FF00FF)))
                    w := or(shr(16, and(w, 0xFFFF0000FFFF0000)), shl(16, and(w, 0x0000FFFF0000FFFF)))
                    w := or(shr(32, w), shl(32, and(w, 0xFFFFFFFF)))
                    if iszero(lt(w, P)) {
                        bad := sub(q, b.offset)
                        break
                    }
                }
            }
            if (bad != type(uint256).max) revert Rejected(Reason.Malformed, bad);
            return at + 16 * n;
        }
    }

    /// @dev The packed extension element at `at` (two little-endian u64).
    function _ext(bytes calldata b, uint256 at) private pure returns (uint256 e) {
        uint256 v;
        assembly ("memory-safe") {
            v := calldataload(add(b.offset, at))
        }
        e = FiatShamir.bswap64(v >> 192) | (FiatShamir.bswap64((v >> 128) & M64) << 64);
    }

    function _extBytes(uint256 a) private pure returns (bytes memory) {
        return abi.encodePacked(FiatShamir.le64(a & M64), FiatShamir.le64(a >> 64));
    }

    // ------------------------------------------------------------------ rounds and the end

    /// @dev 1 / k! for k = 0..8, packed 64 bits each from the low end (checked by the tests
    /// through every degree's sumchecks).
    function _invFactorial(uint256 k) private pure returns (uint256) {
        if (k < 4) return [uint256(1), 1, 0x7fffffff80000001, 0xd555555480000001][k];
        return [uint256(0xf555555460000001), 0xfddddddce0000001, 0xaa4fa4f9a5555556, 0x61791791179e79e8, 0x0c2f22f222f3cf3d][k - 4];
    }

    /// @dev 1 / prod_{j != i} (i - j) for the nodes 0..d (RoundPolynomial's INV_DENOM): the product
    /// is (-1)^(d - i) i! (d - i)!, so its inverse is a product of two inverse factorials.
    function _lagrangeDenominators(uint256 d) private pure returns (uint256[] memory inv) {
        unchecked {
            inv = new uint256[](d + 1);
            for (uint256 i = 0; i <= d; ++i) {
                uint256 v = mulmod(_invFactorial(i), _invFactorial(d - i), P);
                inv[i] = (d - i) & 1 == 1 ? (P - v) % P : v;
            }
        }
    }

    /// @dev g(r) for g given by the message [g(0), g(2), .., g(m)] at `at` and g(1) = claim - g(0)
    /// (RoundPolynomial.withDerivedOne, then evaluate: a node's value directly, else Lagrange).
    function _evaluateRound(bytes calldata proof, uint256 at, uint256 m, uint256 claim, uint256 r, uint256[] memory inv)
        private
        pure
        returns (uint256 result)
    {
        unchecked {
            uint256[] memory v = new uint256[](m + 1);
            v[0] = _ext(proof, at);
            v[1] = PackedExt2.sub(claim, v[0]);
            for (uint256 k = 2; k <= m; ++k) {
                v[k] = _ext(proof, at + 16 * (k - 1));
            }
            if (r >> 64 == 0 && r <= m) return v[r];
            uint256[] memory diff = new uint256[](m + 1);
            for (uint256 j = 0; j <= m; ++j) {
                diff[j] = PackedExt2.sub(r, j);
            }
            uint256[] memory prefix = new uint256[](m + 1);
            uint256 acc = 1;
            for (uint256 i = 0; i <= m; ++i) {
                prefix[i] = acc;
                acc = PackedExt2.mul(acc, diff[i]);
            }
            uint256 suffix = 1;
            for (uint256 i = m + 1; i > 0; --i) {
                uint256 basis = PackedExt2.mulBase(PackedExt2.mul(prefix[i - 1], suffix), inv[i - 1]);
                result = PackedExt2.add(result, PackedExt2.mul(basis, v[i - 1]));
                suffix = PackedExt2.mul(suffix, diff[i - 1]);
            }
        }
    }

    /// @dev C(evaluations) = sum over terms of coefficient * product of factors.
    function _composition(uint256[] calldata spec, Spec memory s, uint256[] memory evals)
        private
        pure
        returns (uint256 acc)
    {
        unchecked {
            uint256 at = s.termsAt;
            for (uint256 k = 0; k < s.terms; ++k) {
                uint256 prod = spec[at];
                uint256 f = spec[at + 1];
                for (uint256 j = 0; j < f; ++j) {
                    prod = PackedExt2.mul(prod, evals[spec[at + 2 + j]]);
                }
                acc = PackedExt2.add(acc, prod);
                at += 2 + f;
            }
        }
    }

    /// @dev eq(z, r) = prod_j (z_j r_j + (1 - z_j)(1 - r_j)) (Mle.eq).
    function _eq(uint256[] calldata spec, uint256 zAt, uint256[] memory r) private pure returns (uint256 acc) {
        unchecked {
            acc = 1;
            for (uint256 j = 0; j < r.length; ++j) {
                uint256 z = spec[zAt + j];
                uint256 zr = PackedExt2.mul(z, r[j]);
                uint256 term = PackedExt2.add(PackedExt2.sub(PackedExt2.sub(1, z), r[j]), PackedExt2.add(zr, zr));
                acc = PackedExt2.mul(acc, term);
            }
        }
    }
}
