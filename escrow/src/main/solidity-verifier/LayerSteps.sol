// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import "./PackedExt2.sol";
import "./FiatShamir.sol";
import "./Goldilocks.sol";

/// @notice The layer reductions of a model proof (`ProofReduction.verifyLayer` in Java), one piece
/// at a time, each from the transcript state the step before it ended in. So far: a proven layer's
/// rounding (`ProofReduction.rounding`), with the lookup claims it reads opened against their hash:
/// all of them once (`rounding`, the session's first layer step, which also outputs the hash of
/// every layer's rounding row and range pair), then only the layer's own two items (`roundingAt`).
///
/// `rounding(stateIn, plan, lookupClaims, claims, rangeEvals)`:
/// - `claims`: the lookups' claims in `LogUpVerifier`'s item format (each item the words kind, a,
///   b, n, point[n], m, values[m], extension elements packed c0 + 2^64 c1), the very items whose
///   keccak chain `LogUpVerifier` output; the contract recomputes the chain and requires it to be
///   `lookupClaims`. From them it reads layer k's rounding row (kind 2, lookup 0, group k: point
///   rho; tag, output, a - c1, a + c2 + 1) and its range pair (kind 2, lookup 1, group k).
/// - `plan` (`LayerEncoding.roundingPlan`): k, the layer's tag base, whether its tags are per
///   channel, its channel bits, and the columns of its output, c1 and c2. Per-model public data,
///   like the other plans: its keccak starts the step's claims hash.
/// - `rangeEvals`: the proof's three extension elements of layer k, c1(rho), c2(rho), c1 at the
///   pair's point, as the proof encodes them (and the transcript absorbs them).
/// - `output`: for the model's output layer (plan column PUBLIC_OUTPUT, the output's layout after
///   the seven words), the public output as little-endian int32 (the caller checks its SHA-256
///   against the statement's); its extension at rho must be the row's output value, which is then
///   not chained. Empty for every other layer.
///
/// Checks, in Java's order: the tag against the plan's at rho; "range-evals" absorbed; the rounding
/// tuple (a + c2 + 1 = (a - c1) + c1 + c2 + 1); a non-zero last coordinate b of the pair's point;
/// then c2 at the pair's point from the pair's value, (v - (1 - b) c1') / b. Output: the state and
/// the keccak chain, from keccak(plan), over the claims Java adds, in its order: the output column
/// at rho (kind 8, a = column), c1 and c2 at rho, the accumulator a(rho) (kind 9, a = k: what the
/// layer's own reduction starts from), c1 and c2 at the pair's point without b.
contract LayerSteps {
    using FiatShamir for FiatShamir.Transcript;

    uint256 private constant P = 0xFFFFFFFF00000001;
    uint256 private constant M64 = 0xFFFFFFFFFFFFFFFF;
    /// A plan's output column for the model's output layer, whose claim is checked against the
    /// public output instead of going to a column; its plan has six more words, the output's
    /// layout (height, width, channels, hBits, wBits, cBits).
    uint256 public constant PUBLIC_OUTPUT = M64;
    uint256 private constant PLAN_WORDS = 7;
    uint256 private constant OUTPUT_PLAN_WORDS = 13;
    /// At most this many output values are evaluated (the models' outputs are logits).
    uint256 private constant MAX_OUTPUT = 1 << 12;
    uint256 private constant MAX_POINT = 64;
    uint256 private constant MAX_VALUES = 64;
    uint256 private constant NONE = type(uint256).max;

    /// Java's reasons (`LayerStepRejection`). WrongTag, RoundingTuple and DegenerateRangePoint are
    /// `ProofReduction`'s "wrong table tag", "the rounding tuple is inconsistent" and "degenerate
    /// range point"; Malformed is a range evaluation that is not canonical or not 48 bytes, or
    /// claims that are not whole items; UnopenedClaims are claims whose chain is not the hash;
    /// OutputMismatch is `ProofReduction`'s "the claimed output does not match the proof" (the
    /// output layer's row against the public output's extension at rho).
    enum Reason {
        Valid,
        Malformed,
        BadStatement,
        Unsupported,
        UnopenedClaims,
        WrongTag,
        RoundingTuple,
        DegenerateRangePoint,
        OutputMismatch
    }

    struct Row {
        uint256 rowAt; // the rounding row's item: its offset in `claims`
        uint256 rowN;
        uint256 pairAt;
        uint256 pairN;
    }

    /// @notice Layer k's rounding from `stateIn` with all the lookups' claims (the session's first
    /// layer step); see the contract's comment. Also returns `rowsHash`, keccak of the per-layer
    /// hashes that `roundingAt` opens a later layer's two items against: for each group g = 0, 1,
    /// ... with both a rounding row (kind 2, lookup 0, group g, four values) and a range pair
    /// (kind 2, lookup 1, group g, one value), keccak of the two items' words, row first; the list
    /// stops at the first group missing either (past the proven layers, whose groups all have
    /// both: an ADD's rescale row may pair with another range claim there, harmlessly).
    function rounding(
        bytes32 stateIn,
        uint256[] calldata plan,
        bytes32 lookupClaims,
        bytes calldata claims,
        bytes calldata rangeEvals,
        bytes calldata output
    ) external pure returns (Reason reason, uint256 detail, bytes32 stateOut, bytes32 claimsHash, bytes32 rowsHash) {
        (reason, detail) = _checkInputs(plan, rangeEvals);
        if (reason != Reason.Valid) return (reason, detail, 0, 0, 0);
        Row memory r;
        uint256 rows;
        uint256 pairs;
        (reason, detail, r, rows, pairs) = _open(claims, lookupClaims, plan[0]);
        if (reason != Reason.Valid) return (reason, detail, 0, 0, 0);
        (reason, detail, stateOut, claimsHash) = _round(stateIn, plan, claims, r, rangeEvals, output);
        if (reason != Reason.Valid) return (reason, detail, 0, 0, 0);
        rowsHash = keccak256(abi.encodePacked(_rowHashes(claims, rows, pairs)));
    }

    /// @notice Layer k's rounding (k = plan[0]) from `stateIn` with only its own two items: `items`
    /// is layer k's rounding row then its range pair, in the item format, whose keccak must be
    /// `rowHashes[k]` (the caller opens `rowHashes` against what the first layer step stored).
    function roundingAt(
        bytes32 stateIn,
        uint256[] calldata plan,
        bytes32[] calldata rowHashes_,
        bytes calldata items,
        bytes calldata rangeEvals,
        bytes calldata output
    ) external pure returns (Reason reason, uint256 detail, bytes32 stateOut, bytes32 claimsHash) {
        (reason, detail) = _checkInputs(plan, rangeEvals);
        if (reason != Reason.Valid) return (reason, detail, 0, 0);
        uint256 k = plan[0];
        if (k >= rowHashes_.length) return (Reason.BadStatement, 2, 0, 0);
        Row memory r;
        (reason, detail, r) = _two(items, k);
        if (reason != Reason.Valid) return (reason, detail, 0, 0);
        bytes32 h;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, items.offset, items.length)
            h := keccak256(ptr, items.length)
        }
        if (h != rowHashes_[k]) return (Reason.UnopenedClaims, 1, 0, 0);
        return _round(stateIn, plan, items, r, rangeEvals, output);
    }

    function _checkInputs(uint256[] calldata plan, bytes calldata rangeEvals) private pure returns (Reason, uint256) {
        unchecked {
            if (rangeEvals.length != 48) return (Reason.Malformed, 0);
            for (uint256 j = 0; j < 6; ++j) {
                if (_le64(rangeEvals, 8 * j) >= P) return (Reason.Malformed, 1 + j);
            }
            return _checkPlan(plan);
        }
    }

    /// @dev The rounding proper, from the row and pair found in `claims`.
    function _round(
        bytes32 stateIn,
        uint256[] calldata plan,
        bytes calldata claims,
        Row memory r,
        bytes calldata rangeEvals,
        bytes calldata output
    ) private pure returns (Reason, uint256, bytes32, bytes32) {
        unchecked {
            // Channel bits beyond the row's point: a plan about another layout.
            if (plan[2] == 1 && plan[3] > r.rowN) return (Reason.BadStatement, 3, 0, 0);
            bool isOutput = plan[4] == PUBLIC_OUTPUT;
            if (!isOutput && output.length != 0) return (Reason.Malformed, 7, 0, 0);
            // The row's values: tag, output, a - c1, a + c2 + 1.
            uint256 v = r.rowAt + 32 * (5 + r.rowN);
            if (_word(claims, v) != _tag(plan, claims, r.rowAt + 128)) return (Reason.WrongTag, plan[0], 0, 0);
            if (isOutput) {
                // ProofReduction's Claims.tensor: the public output's extension at rho.
                Reason why = _checkOutput(plan, claims, r, output, _word(claims, v + 32));
                if (why != Reason.Valid) return (why, plan[0], 0, 0);
            }
            FiatShamir.Transcript memory t = FiatShamir.Transcript(stateIn);
            t.absorbCalldata("range-evals", rangeEvals);
            uint256 c1 = _ext(rangeEvals, 0);
            uint256 c2 = _ext(rangeEvals, 16);
            uint256 c1Pair = _ext(rangeEvals, 32);
            uint256 acc = PackedExt2.add(_word(claims, v + 64), c1);
            if (_word(claims, v + 96) != PackedExt2.add(PackedExt2.add(acc, c2), 1)) return (Reason.RoundingTuple, plan[0], 0, 0);
            uint256 pairPoint = r.pairAt + 128;
            uint256 b = _word(claims, pairPoint + 32 * (r.pairN - 1));
            if (b == 0) return (Reason.DegenerateRangePoint, plan[0], 0, 0);
            uint256 pairValue = _word(claims, r.pairAt + 32 * (5 + r.pairN));
            uint256 c2Pair = PackedExt2.mul(PackedExt2.sub(pairValue, PackedExt2.mul(PackedExt2.sub(1, b), c1Pair)), _inv(b));

            bytes32 h = keccak256(abi.encodePacked(plan));
            uint256 rho = r.rowAt + 128;
            if (!isOutput) h = _item(h, 8, plan[4], claims, rho, r.rowN, _word(claims, v + 32));
            h = _item(h, 8, plan[5], claims, rho, r.rowN, c1);
            h = _item(h, 8, plan[6], claims, rho, r.rowN, c2);
            h = _item(h, 9, plan[0], claims, rho, r.rowN, acc);
            h = _item(h, 8, plan[5], claims, pairPoint, r.pairN - 1, c1Pair);
            h = _item(h, 8, plan[6], claims, pairPoint, r.pairN - 1, c2Pair);
            return (Reason.Valid, 0, t.state, h);
        }
    }

    /// @dev The output layer's row against the public output (little-endian int32, row-major
    /// NHWC): its layout's extension at rho (TensorLayout.place: channel in the low bits, then
    /// width, then height; values embedded signed) must be the row's output value.
    function _checkOutput(uint256[] calldata plan, bytes calldata claims, Row memory r, bytes calldata output, uint256 claimed)
        private
        pure
        returns (Reason)
    {
        unchecked {
            uint256 height = plan[7];
            uint256 width = plan[8];
            uint256 channels = plan[9];
            uint256 wBits = plan[11];
            uint256 cBits = plan[12];
            if (r.rowN != plan[10] + wBits + cBits) return Reason.BadStatement;
            uint256 count = height * width * channels;
            if (count > MAX_OUTPUT) return Reason.Unsupported;
            if (output.length != 4 * count) return Reason.Malformed;
            uint256 rho = r.rowAt + 128;
            uint256 acc = 0;
            uint256 k = 0;
            for (uint256 y = 0; y < height; ++y) {
                for (uint256 x = 0; x < width; ++x) {
                    for (uint256 c = 0; c < channels; ++c) {
                        uint256 raw = FiatShamir.bswap32(_word(output, 4 * k) >> 224);
                        ++k;
                        if (raw == 0) continue;
                        uint256 f = raw >= 1 << 31 ? P - ((1 << 32) - raw) : raw;
                        uint256 index = c + ((x + (y << wBits)) << cBits);
                        uint256 e = 1;
                        for (uint256 j = 0; j < r.rowN; ++j) {
                            e = PackedExt2.mul(e, _factor(_word(claims, rho + 32 * j), (index >> j) & 1));
                        }
                        acc = PackedExt2.add(acc, PackedExt2.mulBase(e, f));
                    }
                }
            }
            return acc == claimed ? Reason.Valid : Reason.OutputMismatch;
        }
    }

    /// @dev The size of the item at `at` (5 + n + m words), bounds-checked; 0 if it does not fit.
    function _itemSize(bytes calldata claims, uint256 at) private pure returns (uint256) {
        unchecked {
            uint256 len = claims.length;
            if (len - at < 160) return 0;
            uint256 n = _word(claims, at + 96);
            if (n > MAX_POINT || len - at < 32 * (5 + n)) return 0;
            uint256 m = _word(claims, at + 32 * (4 + n));
            if (m > MAX_VALUES || len - at < 32 * (5 + n + m)) return 0;
            return 32 * (5 + n + m);
        }
    }

    /// @dev Exactly two items: layer k's rounding row (kind 2, lookup 0, group k, four values), then
    /// its range pair (kind 2, lookup 1, group k, one value at a point of at least one coordinate).
    function _two(bytes calldata items, uint256 k) private pure returns (Reason, uint256, Row memory r) {
        unchecked {
            if (items.length % 32 != 0) return (Reason.Malformed, items.length, r);
            uint256 first = _itemSize(items, 0);
            if (first == 0) return (Reason.Malformed, 0, r);
            uint256 second = _itemSize(items, first);
            if (second == 0 || first + second != items.length) return (Reason.Malformed, first, r);
            if (!_isRow(items, 0, k) || !_isPair(items, first, k)) return (Reason.UnopenedClaims, 2, r);
            r.rowAt = 0;
            r.rowN = _word(items, 96);
            r.pairAt = first;
            r.pairN = _word(items, first + 96);
            return (Reason.Valid, 0, r);
        }
    }

    function _isRow(bytes calldata claims, uint256 at, uint256 g) private pure returns (bool) {
        return _word(claims, at) == 2 && _word(claims, at + 32) == 0 && _word(claims, at + 64) == g
            && _word(claims, at + 32 * (4 + _word(claims, at + 96))) == 4;
    }

    function _isPair(bytes calldata claims, uint256 at, uint256 g) private pure returns (bool) {
        uint256 n = _word(claims, at + 96);
        return _word(claims, at) == 2 && _word(claims, at + 32) == 1 && _word(claims, at + 64) == g && n > 0
            && _word(claims, at + 32 * (4 + n)) == 1;
    }

    /// @dev The per-layer hashes (see `rowHashes`) of claims `_open` walked (whole items), with at
    /// most `rows` rows and `pairs` pairs. The last item of a group wins, as in `_open`.
    function _rowHashes(bytes calldata claims, uint256 rows, uint256 pairs) private pure returns (bytes32[] memory out) {
        unchecked {
            uint256[] memory rowAt = new uint256[](rows);
            uint256[] memory pairAt = new uint256[](pairs);
            for (uint256 g = 0; g < rows; ++g) rowAt[g] = NONE;
            for (uint256 g = 0; g < pairs; ++g) pairAt[g] = NONE;
            uint256 at = 0;
            while (at < claims.length) {
                uint256 g = _word(claims, at + 64);
                if (g < rows && _isRow(claims, at, g)) rowAt[g] = at;
                else if (g < pairs && _isPair(claims, at, g)) pairAt[g] = at;
                at += _itemSize(claims, at);
            }
            uint256 count = 0;
            while (count < rows && count < pairs && rowAt[count] != NONE && pairAt[count] != NONE) ++count;
            out = new bytes32[](count);
            for (uint256 g = 0; g < count; ++g) {
                uint256 a = rowAt[g];
                uint256 b = pairAt[g];
                uint256 sa = _itemSize(claims, a);
                uint256 sb = _itemSize(claims, b);
                bytes32 h;
                assembly ("memory-safe") {
                    let ptr := mload(0x40)
                    calldatacopy(ptr, add(claims.offset, a), sa)
                    calldatacopy(add(ptr, sa), add(claims.offset, b), sb)
                    h := keccak256(ptr, add(sa, sb))
                }
                out[g] = h;
            }
        }
    }

    /// @notice The window wiring of a windowed linear layer along one dimension, at a point: Java's
    /// `WindowPredicate`, shape = (kernel, stride, pad, outBits, tapBits, inBits, inSize), the
    /// predicate S(y, i, y') = [y' = stride y + i - pad][i < kernel][0 <= y' < inSize] summed with
    /// eq(r, y) and with eq(tap, i) when `mode` bit 0 is set (else summed over the taps), eq(in, y')
    /// when bit 1 is (else over the inputs): `evaluate` is mode 3, `sumOverInput` 1,
    /// `evaluateSummedTaps` 2, `windowCount` 0. A power-of-two stride walks the bits from the
    /// lowest with 16 carry and comparison states (O(bits)); another stride sums over the output
    /// positions and taps, as Java's fallback (at most 2^16 of them here, else unsupported).
    /// Points are packed extension elements; a shape Java's constructor refuses, or a point of the
    /// wrong length, is a bad statement.
    function window(
        uint256[] calldata shape,
        uint256[] calldata r,
        uint256[] calldata tap,
        uint256[] calldata inPoint,
        uint256 mode
    ) external pure returns (Reason, uint256) {
        unchecked {
            if (shape.length != 7 || mode > 3) return (Reason.BadStatement, 0);
            for (uint256 j = 0; j < 7; ++j) {
                if (shape[j] >= 1 << 30) return (Reason.BadStatement, 1);
            }
            Window memory w = Window(shape[0], shape[1], shape[2], shape[3], shape[4], shape[5], shape[6], mode & 1 != 0, mode & 2 != 0);
            if (
                w.kernel < 1 || w.stride < 1 || w.outBits > 30 || w.tapBits > 30 || w.inBits > 30
                    || w.kernel > 1 << w.tapBits || w.inSize > 1 << w.inBits || w.inSize < 1
            ) return (Reason.BadStatement, 1);
            if (r.length != w.outBits || (w.hasTap && tap.length != w.tapBits) || (w.hasIn && inPoint.length != w.inBits)) {
                return (Reason.BadStatement, 2);
            }
            if (!_canonical(r) || !_canonical(tap) || !_canonical(inPoint)) return (Reason.Malformed, 0);
            if (w.stride & (w.stride - 1) == 0) return (Reason.Valid, _bitwise(w, r, tap, inPoint));
            if ((w.kernel << w.outBits) > 1 << 16) return (Reason.Unsupported, 0);
            return (Reason.Valid, _direct(w, r, tap, inPoint));
        }
    }

    /// @notice The public tables of a windowed linear layer's phase 1 at its end point, Java's
    /// `checkPhase1Tables` pieces: `RangeMask.evaluate(n, point)`, the MLE of [x < n] over
    /// x in {0,1}^bits (the channel mask of a convolution), walking n's bits from the top; n over
    /// 2^bits is a bad statement.
    function rangeMask(uint256 n, uint256[] calldata point) external pure returns (Reason, uint256) {
        if (point.length > 30 || n > 1 << point.length) return (Reason.BadStatement, 0);
        if (!_canonical(point)) return (Reason.Malformed, 0);
        return (Reason.Valid, _rangeMask(n, point));
    }

    function _rangeMask(uint256 n, uint256[] calldata point) private pure returns (uint256 less) {
        unchecked {
            if (n == 1 << point.length) return 1;
            uint256 equal = 1;
            for (uint256 j = point.length; j > 0; --j) {
                uint256 x = point[j - 1];
                if ((n >> (j - 1)) & 1 == 1) {
                    less = PackedExt2.add(less, PackedExt2.mul(equal, PackedExt2.sub(1, x)));
                    equal = PackedExt2.mul(equal, x);
                } else {
                    equal = PackedExt2.mul(equal, PackedExt2.sub(1, x));
                }
            }
        }
    }

    /// @notice `Mle.eq(a, b)` = prod_j (a_j b_j + (1 - a_j)(1 - b_j)) (a depthwise layer's eq(rc, c)
    /// at phase 1's end); and with `zeroPoints` given, the MLE of the per-channel weight zero points
    /// at `b` (`WindowedLinearVerifier.zeroPointMle`: sum over c of zp_c eq(b, c), zero on the
    /// padding channels), the zero points as signed words.
    function eqAndZeroPoints(uint256[] calldata a, uint256[] calldata b, int256[] calldata zeroPoints)
        external
        pure
        returns (Reason, uint256 eq, uint256 zeroPoint)
    {
        unchecked {
            if (a.length != b.length || b.length > 16 || zeroPoints.length > 1 << b.length) {
                return (Reason.BadStatement, 0, 0);
            }
            if (!_canonical(a) || !_canonical(b)) return (Reason.Malformed, 0, 0);
            eq = 1;
            for (uint256 j = 0; j < a.length; ++j) {
                uint256 x = a[j];
                uint256 y = b[j];
                eq = PackedExt2.mul(eq, PackedExt2.add(PackedExt2.mul(x, y), PackedExt2.mul(PackedExt2.sub(1, x), PackedExt2.sub(1, y))));
            }
            for (uint256 c = 0; c < zeroPoints.length; ++c) {
                int256 z = zeroPoints[c];
                if (z == 0) continue;
                if (z >= int256(1 << 63) || z < -int256(1 << 63)) return (Reason.BadStatement, 1, 0);
                uint256 f = z >= 0 ? uint256(z) % P : P - uint256(-z) % P;
                zeroPoint = PackedExt2.add(zeroPoint, PackedExt2.mulBase(_eq(b, c), f % P));
            }
            return (Reason.Valid, eq, zeroPoint);
        }
    }

    struct Window {
        uint256 kernel;
        uint256 stride;
        uint256 pad;
        uint256 outBits;
        uint256 tapBits;
        uint256 inBits;
        uint256 inSize;
        bool hasTap;
        bool hasIn;
    }

    function _canonical(uint256[] calldata p) private pure returns (bool) {
        for (uint256 j = 0; j < p.length; ++j) {
            uint256 v = p[j];
            if (v >> 128 != 0 || v & M64 >= P || v >> 64 >= P) return false;
        }
        return true;
    }

    /// @dev WindowPredicate.bitwise: state = carryL | carryR << 1 | (i < kernel so far) << 2 |
    /// (y' < inSize so far) << 3, from the low bits; y + pad ... as y' + pad = stride y + i.
    function _bitwise(Window memory w, uint256[] calldata r, uint256[] calldata tap, uint256[] calldata inPoint)
        private pure returns (uint256)
    {
        unchecked {
            uint256 shift = 0;
            while (w.stride >> shift != 1) shift++;
            uint256 padLen = 0;
            while (w.pad >> padLen != 0) padLen++;
            uint256 positions = _max(_max(w.inBits, w.outBits + shift), _max(w.tapBits, padLen)) + 2;
            uint256[16] memory weight;
            weight[0] = 1;
            for (uint256 j = 0; j < positions; ++j) {
                uint256[16] memory next;
                uint256 padBit = (w.pad >> j) & 1;
                uint256 kBit = (w.kernel >> j) & 1;
                uint256 nBit = (w.inSize >> j) & 1;
                bool yHere = j >= shift && j - shift < w.outBits;
                for (uint256 yp = 0; yp <= (j < w.inBits ? 1 : 0); ++yp) {
                    uint256 wyp = j < w.inBits && w.hasIn ? _factor(inPoint[j], yp) : 1;
                    for (uint256 yb = 0; yb <= (yHere ? 1 : 0); ++yb) {
                        uint256 wy = yHere ? _factor(r[j - shift], yb) : 1;
                        for (uint256 ib = 0; ib <= (j < w.tapBits ? 1 : 0); ++ib) {
                            uint256 wi = j < w.tapBits && w.hasTap ? _factor(tap[j], ib) : 1;
                            uint256 f = PackedExt2.mul(PackedExt2.mul(wyp, wy), wi);
                            if (f == 0) continue;
                            for (uint256 state = 0; state < 16; ++state) {
                                uint256 ws = weight[state];
                                if (ws == 0) continue;
                                uint256 left = yp + padBit + (state & 1);
                                uint256 right = yb + ib + ((state >> 1) & 1);
                                if ((left & 1) != (right & 1)) continue;
                                uint256 ltI = ib < kBit ? 1 : ib > kBit ? 0 : (state >> 2) & 1;
                                uint256 ltY = yp < nBit ? 1 : yp > nBit ? 0 : (state >> 3) & 1;
                                uint256 to = (left >> 1) | ((right >> 1) << 1) | (ltI << 2) | (ltY << 3);
                                next[to] = PackedExt2.add(next[to], PackedExt2.mul(ws, f));
                            }
                        }
                    }
                }
                weight = next;
            }
            return weight[12];
        }
    }

    /// @dev WindowPredicate.direct: sum over y and i < kernel of eq(r, y) w_tap(i) w_in(y') where
    /// y' = stride y + i - pad falls inside the input.
    function _direct(Window memory w, uint256[] calldata r, uint256[] calldata tap, uint256[] calldata inPoint)
        private pure returns (uint256 acc)
    {
        unchecked {
            for (uint256 y = 0; y < 1 << w.outBits; ++y) {
                uint256 perY = 0;
                for (uint256 i = 0; i < w.kernel; ++i) {
                    uint256 at = w.stride * y + i;
                    if (at < w.pad || at - w.pad >= w.inSize) continue;
                    uint256 v = w.hasTap ? _eq(tap, i) : 1;
                    perY = PackedExt2.add(perY, w.hasIn ? PackedExt2.mul(v, _eq(inPoint, at - w.pad)) : v);
                }
                acc = PackedExt2.add(acc, PackedExt2.mul(perY, _eq(r, y)));
            }
        }
    }

    /// @dev eq(p, x) = prod_j (bit j of x ? p_j : 1 - p_j).
    function _eq(uint256[] calldata p, uint256 x) private pure returns (uint256 e) {
        e = 1;
        for (uint256 j = 0; j < p.length; ++j) {
            e = PackedExt2.mul(e, _factor(p[j], (x >> j) & 1));
        }
    }

    function _factor(uint256 p, uint256 bit) private pure returns (uint256) {
        return bit == 1 ? p : PackedExt2.sub(1, p);
    }

    function _max(uint256 a, uint256 b) private pure returns (uint256) {
        return a > b ? a : b;
    }

    /// @dev The plan's words within their ranges (k and the columns below 2^32, a canonical tag
    /// base, a flag, at most 32 channel bits); the output layer's plan (column PUBLIC_OUTPUT) has its
    /// layout after them, each dimension at least 1 and inside its bits, at most 20 bits each.
    function _checkPlan(uint256[] calldata plan) private pure returns (Reason, uint256) {
        bool isOutput = plan.length == OUTPUT_PLAN_WORDS && plan[4] == PUBLIC_OUTPUT;
        if (plan.length != PLAN_WORDS && !isOutput) return (Reason.BadStatement, 0);
        if (plan[0] >= 1 << 32 || plan[1] >= P || plan[2] > 1 || plan[3] > 32) return (Reason.BadStatement, 1);
        for (uint256 j = isOutput ? 5 : 4; j < PLAN_WORDS; ++j) {
            if (plan[j] >= 1 << 32) return (Reason.BadStatement, j);
        }
        if (isOutput) {
            for (uint256 d = 0; d < 3; ++d) {
                uint256 size = plan[7 + d];
                uint256 bits = plan[10 + d];
                if (bits > 20 || size < 1 || size > 1 << bits) return (Reason.BadStatement, 7 + d);
            }
        }
        return (Reason.Valid, 0);
    }

    /// @dev Walks the items, chaining their keccak from zero, finds layer k's rounding row and range
    /// pair, counts the rows and pairs of every group, and requires the chain to be `expected`
    /// (k = NONE: only the walk, no row sought and no hash required).
    function _open(bytes calldata claims, bytes32 expected, uint256 k)
        private pure returns (Reason, uint256, Row memory r, uint256 rows, uint256 pairs)
    {
        unchecked {
            r.rowAt = NONE;
            r.pairAt = NONE;
            uint256 len = claims.length;
            if (len % 32 != 0) return (Reason.Malformed, len, r, 0, 0);
            bytes32 h = 0;
            uint256 at = 0;
            while (at < len) {
                uint256 size = _itemSize(claims, at);
                if (size == 0) return (Reason.Malformed, at, r, 0, 0);
                assembly ("memory-safe") {
                    let ptr := mload(0x40)
                    mstore(ptr, h)
                    calldatacopy(add(ptr, 32), add(claims.offset, at), size)
                    h := keccak256(ptr, add(size, 32))
                }
                uint256 g = _word(claims, at + 64);
                if (_isRow(claims, at, g)) {
                    ++rows;
                    if (g == k) {
                        r.rowAt = at;
                        r.rowN = _word(claims, at + 96);
                    }
                } else if (_isPair(claims, at, g)) {
                    ++pairs;
                    if (g == k) {
                        r.pairAt = at;
                        r.pairN = _word(claims, at + 96);
                    }
                }
                at += size;
            }
            if (k == NONE) return (Reason.Valid, 0, r, rows, pairs);
            if (h != expected) return (Reason.UnopenedClaims, 0, r, 0, 0);
            // The chain is the lookups' own: a missing row is a plan about a layer they do not have.
            if (r.rowAt == NONE || r.pairAt == NONE) return (Reason.BadStatement, 2, r, 0, 0);
            return (Reason.Valid, 0, r, rows, pairs);
        }
    }

    /// @dev InferenceStatement.tag: the tag base, plus the channel sum_j 2^j rho_j when per channel.
    function _tag(uint256[] calldata plan, bytes calldata claims, uint256 rho) private pure returns (uint256 acc) {
        unchecked {
            acc = plan[1];
            if (plan[2] == 1) {
                for (uint256 j = 0; j < plan[3]; ++j) {
                    acc = PackedExt2.add(acc, PackedExt2.mulBase(_word(claims, rho + 32 * j), 1 << j));
                }
            }
        }
    }

    /// @dev h' = keccak(h, kind, a, 0, n, point (n words of `claims` at `at`), 1, value).
    function _item(bytes32 h, uint256 kind, uint256 a, bytes calldata claims, uint256 at, uint256 n, uint256 value)
        private pure returns (bytes32 out)
    {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, h)
            mstore(add(ptr, 32), kind)
            mstore(add(ptr, 64), a)
            mstore(add(ptr, 96), 0)
            mstore(add(ptr, 128), n)
            calldatacopy(add(ptr, 160), add(claims.offset, at), mul(32, n))
            let end := add(add(ptr, 160), mul(32, n))
            mstore(end, 1)
            mstore(add(end, 32), value)
            out := keccak256(ptr, add(224, mul(32, n)))
        }
    }

    function _word(bytes calldata b, uint256 at) private pure returns (uint256 w) {
        assembly ("memory-safe") {
            w := calldataload(add(b.offset, at))
        }
    }

    function _le64(bytes calldata b, uint256 at) private pure returns (uint256) {
        return FiatShamir.bswap64(_word(b, at) >> 192);
    }

    /// @dev The extension element c0 || c1 (little-endian each) at `at`, packed.
    function _ext(bytes calldata b, uint256 at) private pure returns (uint256) {
        return _le64(b, at) | (_le64(b, at + 8) << 64);
    }

    /// @dev (a0 - a1 u) / (a0^2 - 7 a1^2), for a non-zero a.
    function _inv(uint256 a) private pure returns (uint256) {
        uint256 a0 = a & M64;
        uint256 a1 = a >> 64;
        uint256 norm = addmod(mulmod(a0, a0, P), P - mulmod(7, mulmod(a1, a1, P), P), P);
        uint256 ni = Goldilocks.inv(norm);
        return mulmod(a0, ni, P) | ((mulmod(P - a1, ni, P) << 64));
    }
}
