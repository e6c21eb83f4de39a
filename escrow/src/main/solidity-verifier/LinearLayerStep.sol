// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import "./PackedExt2.sol";
import "./FiatShamir.sol";
import "./SumcheckVerifier.sol";
import "./LayerSteps.sol";
import "./Goldilocks.sol";

/// @notice A windowed linear layer's reduction (Java's `WindowedLinearVerifier.verify`; without zero
/// knowledge in `reduce`, with it in `reduceZk`, below, as ADDs in `add` and `addZk`): a convolution or dense layer (phase 1 over taps and channels, then phase 2 over input
/// positions), a depthwise convolution, or a sum (pools, means: phase 2 only). It reduces the claim
/// "the layer's accumulator is `value` at `rho`" that the layer's rounding left (its kind-9 item) to
/// claims on the bias, the weights and the input, from the transcript state the rounding ended in.
///
/// Inputs:
/// - `plan` (`LayerEncoding.linearPlan`, words): k, kind (0 conv, 1 depthwise, 2 sum), the input's
///   and the output's layouts (height, width, channels, hBits, wBits, cBits each), the row and
///   column windows (kernel, stride, pad, outBits, tapBits, inBits, inSize each: Java's
///   `WindowPredicate`), the input zero point (int256), where the bias, weight and input claims go
///   (per claim: kind 8 a witness column, 10 a weight column, 0 none; the column), then the weight
///   zero points, one per output channel (int256; none for a sum). Per-model public data, derived
///   from the model description like the other plans; its keccak starts the step's claims hash.
/// - `rho`, `value`: the accumulator claim (packed extension elements).
/// - `proof`: exactly Java's `WindowedLinearProof.encode()` bytes (bias, phase-1 flag and sumcheck,
///   phase-2 sumcheck, mask values).
///
/// The compositions are built here from the plan (never sent): conv W·G·M − zw(rc)·G·M, depthwise
/// E·W·G − E·Z·G, phase 2 P·In; the sumchecks run in `SumcheckVerifier`, the window wiring, channel
/// mask and zero-point tables in `LayerSteps`' pure functions (external calls: neither contract's
/// code is repeated here, EIP-170).
///
/// Output: the state after the layer and the keccak chain, from keccak(plan), of the claims Java
/// hands to the openings in its order: bias at rc, weights at rho1 (conv: rho1 ‖ rc), input at
/// rhoC ‖ sigma (each kind, column, 0, point, one value).
contract LinearLayerStep {
    using FiatShamir for FiatShamir.Transcript;

    uint256 private constant P = 0xFFFFFFFF00000001;
    uint256 private constant M64 = 0xFFFFFFFFFFFFFFFF;
    uint256 public constant CONV = 0;
    uint256 public constant DEPTHWISE = 1;
    uint256 public constant SUM = 2;
    /// Where a claim goes: a witness column (as a rounding's claims) or a weight column.
    uint256 public constant TO_WITNESS = 8;
    uint256 public constant TO_WEIGHT = 10;
    uint256 private constant HEAD = 36;
    uint256 private constant MAX_VARS = 40;

    /// Java's verdicts: Malformed (the proof's bytes are not a `WindowedLinearProof`: Java's decoding
    /// fails), BadStatement (the plan or the claim point is not a layer's), Unsupported,
    /// UnopenedClaims (the session's: the rounding's claims do not open its checkpoint), MaskValues
    /// ("layer: n mask values, expected 0"), BiasWithoutBias ("layer without bias claims a bias"),
    /// Phase1Presence ("missing phase-1 sumcheck" / "a sum layer has no phase-1 sumcheck"),
    /// Phase1Sumcheck and Phase2Sumcheck (the sumcheck's own rejection, its
    /// `SumcheckVerifier.Reason` as detail), PublicTable ("wrong channel mask evaluation",
    /// "depthwise: wrong eq evaluation", "wrong zero-point evaluation"), WindowWiring ("wrong window
    /// wiring evaluation"), WrongRescaleTag (an ADD's "wrong rescale tag").
    enum Reason {
        Valid,
        Malformed,
        BadStatement,
        Unsupported,
        UnopenedClaims,
        MaskValues,
        BiasWithoutBias,
        Phase1Presence,
        Phase1Sumcheck,
        PublicTable,
        Phase2Sumcheck,
        WindowWiring,
        WrongRescaleTag,
        // Zero knowledge (`reduceZk`, `addZk`):
        SentInZeroKnowledge,
        Degenerate,
        BiasSelector,
        AddendShape,
        AddendSelector
    }

    /// @notice The item kind of a layer's combined claim on the mask column (`MaskLedger`'s entry):
    /// keccak(h, 11, k, parts, n, the mask values' points concatenated, m, values), the values being
    /// per mask value its first block and weight, then the padding scalars' block and two weights
    /// (if any), then the claimed value.
    uint256 public constant MASK_CLAIM = 11;

    SumcheckVerifier public immutable sumchecks;
    LayerSteps public immutable layerSteps;

    constructor(SumcheckVerifier sumchecks_, LayerSteps layerSteps_) {
        sumchecks = sumchecks_;
        layerSteps = layerSteps_;
    }

    /// @dev The proof's sections: where each sumcheck starts and how long it is (0: absent).
    struct Sections {
        uint256 p1At;
        uint256 p1Len;
        uint256 p2At;
        uint256 p2Len;
        uint256 masks;
        bool hasPhase1;
    }

    /// @dev The accumulator point split by the output layout, and what the phases leave.
    struct Points {
        uint256[] rc;
        uint256[] rx;
        uint256[] ry;
        uint256[] rho1;
        uint256[] rhoC;
        uint256[] rhoJ;
        uint256[] rhoI;
        uint256[] sigma;
    }

    /// @notice The layer's reduction from `stateIn`; see the contract's comment. Never reverts on a
    /// bad proof or plan: Valid with the state and the claims hash, or the reason.
    function reduce(bytes32 stateIn, uint256[] calldata plan, uint256[] calldata rho, uint256 value, bytes calldata proof)
        external
        view
        returns (Reason reason, uint256 detail, bytes32 stateOut, bytes32 claimsHash)
    {
        (reason, detail) = _checkPlan(plan, rho, value);
        if (reason != Reason.Valid) return (reason, detail, 0, 0);
        Sections memory s;
        (reason, detail, s) = _sections(proof);
        if (reason != Reason.Valid) return (reason, detail, 0, 0);
        if (s.masks != 0) return (Reason.MaskValues, s.masks, 0, 0);
        return _reduce(stateIn, plan, rho, value, proof, s);
    }

    function _reduce(
        bytes32 stateIn,
        uint256[] calldata plan,
        uint256[] calldata rho,
        uint256 value,
        bytes calldata proof,
        Sections memory s
    ) private view returns (Reason, uint256, bytes32, bytes32) {
        Points memory pt;
        pt.rc = _slice(rho, 0, plan[13]);
        pt.rx = _slice(rho, plan[13], plan[12]);
        pt.ry = _slice(rho, plan[13] + plan[12], plan[11]);
        FiatShamir.Transcript memory t = FiatShamir.Transcript(stateIn);
        bytes32 h = keccak256(abi.encodePacked(plan));
        uint256 bias = _ext(proof, 0);
        uint256 kind = plan[1];
        if (plan[29] != 0) {
            t.absorbCalldata("layer/bias", proof[0:16]);
            h = _item(h, plan[29], plan[30], pt.rc, new uint256[](0), bias);
        } else if (bias != 0) {
            return (Reason.BiasWithoutBias, 0, 0, 0);
        }
        uint256 phase2Claim;
        if (kind == SUM) {
            if (s.hasPhase1) return (Reason.Phase1Presence, 1, 0, 0);
            pt.rhoC = pt.rc;
            (Reason why, uint256 part) = _sumZeroPart(plan, pt);
            if (why != Reason.Valid) return (why, 0, 0, 0);
            phase2Claim = PackedExt2.add(value, part);
        } else {
            if (!s.hasPhase1) return (Reason.Phase1Presence, 0, 0, 0);
            uint256[] memory evals;
            {
                uint256 zwr = 0;
                if (kind == CONV) (, zwr) = _eqAndZeroPoints(plan, pt.rc, pt.rc);
                uint256 reasonCode;
                (reasonCode, t.state, pt.rho1, evals) =
                    _sumcheck(t.state, _phase1Spec(plan, PackedExt2.sub(value, bias), zwr), proof[s.p1At:s.p1At + s.p1Len]);
                if (reasonCode != 0) return (Reason.Phase1Sumcheck, reasonCode, 0, 0);
            }
            uint256 inCBits = plan[7];
            pt.rhoC = _sliceMem(pt.rho1, 0, inCBits);
            pt.rhoJ = _sliceMem(pt.rho1, inCBits, plan[18 + 7]);
            pt.rhoI = _sliceMem(pt.rho1, inCBits + plan[25], plan[18]);
            {
                (Reason why, uint256 which) = _checkPhase1Tables(plan, pt, evals);
                if (why != Reason.Valid) return (why, which, 0, 0);
            }
            h = kind == CONV
                ? _item(h, plan[31], plan[32], pt.rho1, pt.rc, evals[0])
                : _item(h, plan[31], plan[32], pt.rho1, new uint256[](0), evals[0]);
            (Reason why2, uint256 part2) = _inputZeroPart(plan, pt);
            if (why2 != Reason.Valid) return (why2, 1, 0, 0);
            phase2Claim = PackedExt2.add(evals[1], part2);
        }
        uint256[] memory evals2;
        {
            uint256 code;
            (code, t.state, pt.sigma, evals2) =
                _sumcheck(t.state, _phase2Spec(plan[5] + plan[6], phase2Claim), proof[s.p2At:s.p2At + s.p2Len]);
            if (code != 0) return (Reason.Phase2Sumcheck, code, 0, 0);
        }
        {
            (Reason why, uint256 wiring) = _wiring(plan, pt);
            if (why != Reason.Valid) return (why, 2, 0, 0);
            if (evals2[0] != wiring) return (Reason.WindowWiring, 0, 0, 0);
        }
        h = _item(h, plan[33], plan[34], pt.rhoC, pt.sigma, evals2[1]);
        return (Reason.Valid, 0, t.state, h);
    }

    // ------------------------------------------------------------------ the plan

    /// @dev The plan's words within range and consistent (layouts, windows against them, routes,
    /// zero points), and the claim point the output layout's length; else a bad statement.
    function _checkPlan(uint256[] calldata plan, uint256[] calldata rho, uint256 value)
        private
        pure
        returns (Reason, uint256)
    {
        unchecked {
            if (plan.length < HEAD) return (Reason.BadStatement, 0);
            uint256 kind = plan[1];
            if (plan[0] >= 1 << 32 || kind > SUM) return (Reason.BadStatement, 1);
            for (uint256 d = 0; d < 6; ++d) {
                uint256 size = plan[2 + (d % 3) + 6 * (d / 3)];
                uint256 bits = plan[5 + (d % 3) + 6 * (d / 3)];
                if (bits > 20 || size < 1 || size > 1 << bits) return (Reason.BadStatement, 2 + d);
            }
            // The windows: rows over heights, columns over widths (WindowedLinear.windowed).
            for (uint256 w = 0; w < 2; ++w) {
                uint256 at = 14 + 7 * w;
                if (plan[at + 3] != plan[11 + w] || plan[at + 5] != plan[5 + w] || plan[at + 6] != plan[2 + w])
                {
                    return (Reason.BadStatement, at);
                }
                if (plan[at] >= 1 << 20 || plan[at + 1] >= 1 << 20 || plan[at + 2] >= 1 << 20 || plan[at + 4] > 20) {
                    return (Reason.BadStatement, at);
                }
            }
            if (!_signed(plan[28])) return (Reason.BadStatement, 28);
            for (uint256 j = 29; j < 35; j += 2) {
                uint256 to = plan[j];
                if ((to != 0 && to != TO_WITNESS && to != TO_WEIGHT) || plan[j + 1] >= 1 << 32) {
                    return (Reason.BadStatement, j);
                }
            }
            if (plan[33] == 0) return (Reason.BadStatement, 33);
            uint256 zps = plan[35];
            if (kind == SUM) {
                if (plan[29] != 0 || plan[31] != 0 || zps != 0) return (Reason.BadStatement, 31);
            } else if (plan[31] == 0 || zps != plan[10]) {
                return (Reason.BadStatement, 35);
            }
            if (plan.length != HEAD + zps) return (Reason.BadStatement, 0);
            for (uint256 c = 0; c < zps; ++c) {
                if (!_signed(plan[HEAD + c])) return (Reason.BadStatement, HEAD + c);
            }
            // Depthwise and sums keep the channels (and their bits: the eq of phase 1's tables).
            if (kind != CONV && (plan[4] != plan[10] || plan[7] != plan[13])) return (Reason.BadStatement, 4);
            if (plan[7] > 16 || plan[13] > 16) return (Reason.Unsupported, 4);
            if (kind != SUM && plan[7] + plan[25] + plan[18] > MAX_VARS) return (Reason.Unsupported, 1);
            if (plan[5] + plan[6] > MAX_VARS) return (Reason.Unsupported, 2);
            if (rho.length != plan[11] + plan[12] + plan[13]) return (Reason.BadStatement, 3);
            for (uint256 j = 0; j < rho.length; ++j) {
                if (!_canonical(rho[j])) return (Reason.BadStatement, 3);
            }
            if (!_canonical(value)) return (Reason.BadStatement, 3);
            return (Reason.Valid, 0);
        }
    }

    /// @dev A signed word (two's complement) of magnitude below 2^62.
    function _signed(uint256 w) private pure returns (bool) {
        int256 z = int256(w);
        return z < int256(1 << 62) && z > -int256(1 << 62);
    }

    function _fromSigned(uint256 w) private pure returns (uint256) {
        int256 z = int256(w);
        return z >= 0 ? uint256(z) : P - uint256(-z);
    }

    function _canonical(uint256 v) private pure returns (bool) {
        return v >> 128 == 0 && v & M64 < P && v >> 64 < P;
    }

    // ------------------------------------------------------------------ the proof's bytes

    /// @dev WindowedLinearProof.decode: the bias, a flag of at most 1, phase 1 if flagged, phase 2,
    /// at most four mask values, nothing after; every element canonical.
    function _sections(bytes calldata p) private pure returns (Reason, uint256, Sections memory s) {
        unchecked {
            if (p.length < 17 || !_canonicalExts(p, 0, 1)) return (Reason.Malformed, 0, s);
            uint256 flag = uint8(p[16]);
            if (flag > 1) return (Reason.Malformed, 16, s);
            uint256 at = 17;
            s.hasPhase1 = flag == 1;
            if (s.hasPhase1) {
                s.p1At = at;
                uint256 end = _sumcheckEnd(p, at);
                if (end == 0) return (Reason.Malformed, at, s);
                s.p1Len = end - at;
                at = end;
            }
            s.p2At = at;
            {
                uint256 end = _sumcheckEnd(p, at);
                if (end == 0) return (Reason.Malformed, at, s);
                s.p2Len = end - at;
                at = end;
            }
            if (p.length - at < 4) return (Reason.Malformed, at, s);
            s.masks = _u32(p, at);
            if (s.masks > 4 || p.length - at - 4 < 16 * s.masks) return (Reason.Malformed, at, s);
            if (!_canonicalExts(p, at + 4, s.masks)) return (Reason.Malformed, at, s);
            at += 4 + 16 * s.masks;
            if (at != p.length) return (Reason.Malformed, at, s);
            return (Reason.Valid, 0, s);
        }
    }

    /// @dev SumcheckProof.decode from `at`: rounds (at most 40) of at most 8 values, then at most
    /// 2^17 evaluations, all canonical; the offset after it, or 0 if it is not one.
    function _sumcheckEnd(bytes calldata p, uint256 at) private pure returns (uint256) {
        unchecked {
            if (p.length - at < 4) return 0;
            uint256 rounds = _u32(p, at);
            if (rounds > MAX_VARS) return 0;
            at += 4;
            for (uint256 i = 0; i <= rounds; ++i) {
                if (p.length < at + 4) return 0;
                uint256 m = _u32(p, at);
                if (m > (i < rounds ? 8 : 1 << 17)) return 0;
                if (p.length - at - 4 < 16 * m || !_canonicalExts(p, at + 4, m)) return 0;
                at += 4 + 16 * m;
            }
            return at;
        }
    }

    /// @dev n extension elements from `at` (bounds checked by the caller), each coordinate canonical.
    function _canonicalExts(bytes calldata p, uint256 at, uint256 n) private pure returns (bool ok) {
        ok = true;
        assembly ("memory-safe") {
            let end := add(add(p.offset, at), mul(n, 16))
            for { let q := add(p.offset, at) } lt(q, end) { q := add(q, 8) } {
                let w := shr(192, calldataload(q))
                w := or(shr(8, and(w, 0xFF00FF00FF00FF00)), shl(8, and(w, 0x00FF00FF00FF00FF)))
                w := or(shr(16, and(w, 0xFFFF0000FFFF0000)), shl(16, and(w, 0x0000FFFF0000FFFF)))
                w := or(shr(32, w), shl(32, and(w, 0xFFFFFFFF)))
                if iszero(lt(w, P)) {
                    ok := 0
                    break
                }
            }
        }
    }

    function _u32(bytes calldata b, uint256 at) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := shr(224, calldataload(add(b.offset, at)))
        }
        v = FiatShamir.bswap32(v);
    }

    /// @dev The packed extension element at `at` (two little-endian u64).
    function _ext(bytes calldata b, uint256 at) private pure returns (uint256) {
        uint256 v;
        assembly ("memory-safe") {
            v := calldataload(add(b.offset, at))
        }
        return FiatShamir.bswap64(v >> 192) | (FiatShamir.bswap64((v >> 128) & M64) << 64);
    }

    // ------------------------------------------------------------------ the sumchecks

    /// @dev Phase 1's spec (SumcheckEncoding.plain): conv tables W, G, M with terms W·G·M and
    /// −zw(rc)·G·M; depthwise W, G, E, Z with E·W·G and −E·Z·G.
    function _phase1Spec(uint256[] calldata plan, uint256 claim, uint256 zwr) private pure returns (uint256[] memory w) {
        uint256 vars = plan[7] + plan[25] + plan[18];
        if (plan[1] == CONV) {
            w = new uint256[](17);
            w[6] = 3;
            w[7] = 2;
            (w[8], w[9], w[10], w[11], w[12]) = (1, 3, 0, 1, 2);
            (w[13], w[14], w[15], w[16]) = (PackedExt2.sub(0, zwr), 2, 1, 2);
        } else {
            w = new uint256[](18);
            w[6] = 4;
            w[7] = 2;
            (w[8], w[9], w[10], w[11], w[12]) = (1, 3, 2, 0, 1);
            (w[13], w[14], w[15], w[16], w[17]) = (P - 1, 3, 2, 3, 1);
        }
        w[0] = vars;
        w[2] = claim;
    }

    /// @dev Phase 2's spec: tables P, In with the one term P·In.
    function _phase2Spec(uint256 vars, uint256 claim) private pure returns (uint256[] memory w) {
        w = new uint256[](12);
        w[0] = vars;
        w[2] = claim;
        (w[6], w[7], w[8], w[9], w[10], w[11]) = (2, 1, 1, 2, 0, 1);
    }

    /// @dev `SumcheckVerifier.verify`; a rejection comes back as its reason's ordinal (0: valid).
    function _sumcheck(bytes32 state, uint256[] memory spec, bytes calldata proof)
        private
        view
        returns (uint256 code, bytes32 out, uint256[] memory point, uint256[] memory evals)
    {
        try sumchecks.verify(state, spec, proof) returns (
            bytes32 s, uint256[] memory pt, uint256[] memory ev, uint256, uint256
        ) {
            return (0, s, pt, ev);
        } catch (bytes memory err) {
            if (err.length == 68 && bytes4(err) == SumcheckVerifier.Rejected.selector) {
                assembly ("memory-safe") {
                    code := mload(add(err, 36))
                }
                return (code, 0, point, evals);
            }
            assembly ("memory-safe") {
                revert(add(err, 32), mload(err))
            }
        }
    }

    // ------------------------------------------------------------------ the public tables

    /// @dev checkPhase1Tables: conv M(rhoC) = RangeMask(C_in); depthwise E = eq(rc, rhoC) and
    /// Z = zw(rhoC).
    function _checkPhase1Tables(uint256[] calldata plan, Points memory pt, uint256[] memory evals)
        private
        view
        returns (Reason, uint256)
    {
        if (plan[1] == CONV) {
            (Reason why, uint256 mask) = _rangeMask(plan[4], pt.rhoC);
            if (why != Reason.Valid) return (why, 0);
            if (evals[2] != mask) return (Reason.PublicTable, 2);
        } else {
            (uint256 eq, uint256 zp) = _eqAndZeroPoints(plan, pt.rc, pt.rhoC);
            if (evals[2] != eq) return (Reason.PublicTable, 2);
            if (evals[3] != zp) return (Reason.PublicTable, 3);
        }
        return (Reason.Valid, 0);
    }

    /// @dev inputZeroPart: rows.sumOverInput(ry, rhoI) cols.sumOverInput(rx, rhoJ) RangeMask(rhoC) zin.
    function _inputZeroPart(uint256[] calldata plan, Points memory pt) private view returns (Reason, uint256) {
        uint256 zin = _fromSigned(plan[28]);
        if (zin == 0) return (Reason.Valid, 0);
        (Reason a, uint256 rows) = _window(plan, 14, pt.ry, pt.rhoI, new uint256[](0), 1);
        (Reason b, uint256 cols) = _window(plan, 21, pt.rx, pt.rhoJ, new uint256[](0), 1);
        (Reason c, uint256 mask) = _rangeMask(plan[4], pt.rhoC);
        if (a != Reason.Valid) return (a, 0);
        if (b != Reason.Valid) return (b, 0);
        if (c != Reason.Valid) return (c, 0);
        return (Reason.Valid, PackedExt2.mulBase(PackedExt2.mul(PackedExt2.mul(rows, cols), mask), zin));
    }

    /// @dev sumZeroPart: rows.windowCount(ry) cols.windowCount(rx) RangeMask(rc) zin.
    function _sumZeroPart(uint256[] calldata plan, Points memory pt) private view returns (Reason, uint256) {
        uint256 zin = _fromSigned(plan[28]);
        if (zin == 0) return (Reason.Valid, 0);
        uint256[] memory none = new uint256[](0);
        (Reason a, uint256 rows) = _window(plan, 14, pt.ry, none, none, 0);
        (Reason b, uint256 cols) = _window(plan, 21, pt.rx, none, none, 0);
        (Reason c, uint256 mask) = _rangeMask(plan[4], pt.rc);
        if (a != Reason.Valid) return (a, 0);
        if (b != Reason.Valid) return (b, 0);
        if (c != Reason.Valid) return (c, 0);
        return (Reason.Valid, PackedExt2.mulBase(PackedExt2.mul(PackedExt2.mul(rows, cols), mask), zin));
    }

    /// @dev phase2End's wiring at sigma = (sx, sy): the windows with the taps at rho1's (a sum: taps
    /// summed over).
    function _wiring(uint256[] calldata plan, Points memory pt) private view returns (Reason, uint256) {
        uint256 wBits = plan[6];
        uint256[] memory sx = _sliceMem(pt.sigma, 0, wBits);
        uint256[] memory sy = _sliceMem(pt.sigma, wBits, plan[5]);
        bool sum = plan[1] == SUM;
        uint256[] memory none = new uint256[](0);
        (Reason a, uint256 rows) = _window(plan, 14, pt.ry, sum ? none : pt.rhoI, sy, sum ? 2 : 3);
        (Reason b, uint256 cols) = _window(plan, 21, pt.rx, sum ? none : pt.rhoJ, sx, sum ? 2 : 3);
        if (a != Reason.Valid) return (a, 0);
        if (b != Reason.Valid) return (b, 0);
        return (Reason.Valid, PackedExt2.mul(rows, cols));
    }

    /// @dev LayerSteps.window with the plan's seven shape words from `at`.
    function _window(
        uint256[] calldata plan,
        uint256 at,
        uint256[] memory r,
        uint256[] memory tap,
        uint256[] memory inPoint,
        uint256 mode
    ) private view returns (Reason, uint256) {
        uint256[] memory shape = new uint256[](7);
        for (uint256 j = 0; j < 7; ++j) {
            shape[j] = plan[at + j];
        }
        (LayerSteps.Reason why, uint256 v) = layerSteps.window(shape, r, tap, inPoint, mode);
        return (_carry(why), v);
    }

    function _rangeMask(uint256 n, uint256[] memory point) private view returns (Reason, uint256) {
        (LayerSteps.Reason why, uint256 v) = layerSteps.rangeMask(n, point);
        return (_carry(why), v);
    }

    /// @dev eq(a, b) and the weight zero points' MLE at b (the plan's words after the head).
    function _eqAndZeroPoints(uint256[] calldata plan, uint256[] memory a, uint256[] memory b)
        private
        view
        returns (uint256 eq, uint256 zp)
    {
        uint256 n = plan[35];
        int256[] memory zps = new int256[](n);
        for (uint256 c = 0; c < n; ++c) {
            zps[c] = int256(plan[HEAD + c]);
        }
        (, eq, zp) = layerSteps.eqAndZeroPoints(a, b, zps);
    }

    /// @dev LayerSteps' refusal of a window or table: the plan's (its points are ours, canonical).
    function _carry(LayerSteps.Reason why) private pure returns (Reason) {
        if (why == LayerSteps.Reason.Valid) return Reason.Valid;
        if (why == LayerSteps.Reason.Unsupported) return Reason.Unsupported;
        return Reason.BadStatement;
    }

    // ------------------------------------------------------------------ additions

    /// @notice A quantized ADD's reduction without zero knowledge (`ProofReduction.add`): the
    /// proof's s (`addEval`, 16 bytes) is side 0's rescaled value at rho (side 1's when side 0 is
    /// a constant), the rest of a(rho) the other side's. A constant side leaves a claim on its
    /// weight column at rho's channel coordinates; an activation side a claim on its rescaled
    /// column at rho, and its rescale row (a lookup item: kind 2, lookup 0, the plan's group; tag,
    /// x, rescale(x), 0) opened from `lookupItems` against `lookupsHash`, whose tag must be the
    /// side's with a zero last value, leaves claims on the input at the row's point and on the
    /// rescaled column there.
    ///
    /// `plan` (`LayerEncoding.addPlan`): k, kind 3, the output's channel bits, then per side:
    /// constant (1) or not (0), the column (the weight column of a constant, the rescaled column
    /// of an activation), the rescale tag, the rescale row's group, and where the input claim goes
    /// (kind, column). The claims chain from keccak(plan) in Java's order, side by side.
    function add(
        bytes32 stateIn,
        uint256[] calldata plan,
        uint256[] calldata rho,
        uint256 value,
        bytes calldata addEval,
        bytes32 lookupsHash,
        bytes calldata lookupItems
    ) public pure returns (Reason, uint256, bytes32, bytes32) {
        unchecked {
            (Reason why, uint256 detail) = _addInputs(plan, rho, value, addEval, lookupsHash, lookupItems);
            if (why != Reason.Valid) return (why, detail, 0, 0);
            FiatShamir.Transcript memory t = FiatShamir.Transcript(stateIn);
            t.absorbCalldata("add-eval", addEval);
            uint256 s = _ext(addEval, 0);
            uint256 first = plan[3] == 1 ? 1 : 0;
            uint256[2] memory parts = first == 0 ? [s, PackedExt2.sub(value, s)] : [PackedExt2.sub(value, s), s];
            bytes32 h = keccak256(abi.encodePacked(plan));
            uint256[] memory rc = _slice(rho, 0, plan[2]);
            uint256[] memory full = _slice(rho, 0, rho.length);
            uint256[] memory none = new uint256[](0);
            for (uint256 side = 0; side < 2; ++side) {
                uint256 at = 3 + 6 * side;
                if (plan[at] == 1) {
                    h = _item(h, TO_WEIGHT, plan[at + 1], rc, none, parts[side]);
                    continue;
                }
                h = _item(h, TO_WITNESS, plan[at + 1], full, none, parts[side]);
                (bool found, uint256[] memory point, uint256[4] memory v) = _rescaleRow(lookupItems, plan[at + 3]);
                if (!found) return (Reason.BadStatement, at + 3, 0, 0);
                if (v[0] != plan[at + 2] || v[3] != 0) return (Reason.WrongRescaleTag, side, 0, 0);
                h = _item(h, plan[at + 4], plan[at + 5], point, none, v[1]);
                h = _item(h, TO_WITNESS, plan[at + 1], point, none, v[2]);
            }
            return (Reason.Valid, 0, t.state, h);
        }
    }

    /// @dev `add`'s inputs: the plan's words, the claim canonical, s one canonical element, the
    /// lookups' claims opening `lookupsHash`.
    function _addInputs(
        uint256[] calldata plan,
        uint256[] calldata rho,
        uint256 value,
        bytes calldata addEval,
        bytes32 lookupsHash,
        bytes calldata lookupItems
    ) private pure returns (Reason, uint256) {
        unchecked {
            if (plan.length != 15 || plan[0] >= 1 << 32 || plan[1] != 3 || plan[2] > rho.length) {
                return (Reason.BadStatement, 0);
            }
            if (plan[3] == 1 && plan[9] == 1) return (Reason.BadStatement, 3);
            for (uint256 side = 0; side < 2; ++side) {
                uint256 at = 3 + 6 * side;
                if (plan[at] > 1 || plan[at + 1] >= 1 << 32 || plan[at + 2] >= P || plan[at + 3] >= 1 << 32) {
                    return (Reason.BadStatement, at);
                }
                if (plan[at] == 0 && (plan[at + 4] != TO_WITNESS || plan[at + 5] >= 1 << 32)) {
                    return (Reason.BadStatement, at + 4);
                }
            }
            for (uint256 j = 0; j < rho.length; ++j) {
                if (!_canonical(rho[j])) return (Reason.BadStatement, 1);
            }
            if (!_canonical(value)) return (Reason.BadStatement, 1);
            if (addEval.length != 16 || !_canonicalExts(addEval, 0, 1)) return (Reason.Malformed, 0);
            if (_chain(lookupItems) != lookupsHash) return (Reason.UnopenedClaims, 0);
            return (Reason.Valid, 0);
        }
    }

    /// @dev The keccak chain of whole items (kind, a, b, n, point, m, values) from zero, or a value
    /// no chain has (zero... the caller compares) for items that are not whole.
    function _chain(bytes calldata items) private pure returns (bytes32 h) {
        unchecked {
            uint256 len = items.length;
            if (len % 32 != 0) return bytes32(type(uint256).max);
            uint256 at = 0;
            while (at < len) {
                if (len - at < 160) return bytes32(type(uint256).max);
                uint256 n = _word(items, at + 96);
                if (n > 64 || len - at < 32 * (5 + n)) return bytes32(type(uint256).max);
                uint256 m = _word(items, at + 32 * (4 + n));
                if (m > 64 || len - at < 32 * (5 + n + m)) return bytes32(type(uint256).max);
                uint256 size = 32 * (5 + n + m);
                assembly ("memory-safe") {
                    let ptr := mload(0x40)
                    mstore(ptr, h)
                    calldatacopy(add(ptr, 32), add(items.offset, at), size)
                    h := keccak256(ptr, add(size, 32))
                }
                at += size;
            }
        }
    }

    /// @dev The last item of group g of lookup 0 with four values (the rescale row), as Java's
    /// `lookups.witnesses().get(0).get(g)`: its point and values.
    function _rescaleRow(bytes calldata items, uint256 g)
        private
        pure
        returns (bool found, uint256[] memory point, uint256[4] memory v)
    {
        unchecked {
            uint256 at = 0;
            uint256 where = type(uint256).max;
            while (at < items.length) {
                uint256 n = _word(items, at + 96);
                uint256 m = _word(items, at + 32 * (4 + n));
                if (_word(items, at) == 2 && _word(items, at + 32) == 0 && _word(items, at + 64) == g && m == 4) {
                    where = at;
                }
                at += 32 * (5 + n + m);
            }
            if (where == type(uint256).max) return (false, point, v);
            uint256 count = _word(items, where + 96);
            point = new uint256[](count);
            for (uint256 j = 0; j < count; ++j) {
                point[j] = _word(items, where + 128 + 32 * j);
            }
            for (uint256 j = 0; j < 4; ++j) {
                v[j] = _word(items, where + 32 * (5 + count + j));
            }
            return (true, point, v);
        }
    }

    function _word(bytes calldata b, uint256 at) private pure returns (uint256 w) {
        assembly ("memory-safe") {
            w := calldataload(add(b.offset, at))
        }
    }

    // ------------------------------------------------------------------ zero knowledge

    /// @dev What a masked sumcheck (open-ended or not) leaves: its reason's ordinal (0: valid), the
    /// state, the point, the evaluations sent, the mask weight and the final claim.
    struct End {
        uint256 code;
        bytes32 state;
        uint256[] point;
        uint256[] evals;
        uint256 maskWeight;
        uint256 finalClaim;
    }

    /// @dev A zero-knowledge layer's running values: the claims' chain, the padding's weights P
    /// and Q at the claim point (`VirtualPadding.at`), the layer's first mask block.
    struct Zk {
        bytes32 h;
        uint256 padP;
        uint256 padQ;
        uint256 first;
        uint256 rest;
        uint256 scaleInv;
    }

    /// @notice A windowed linear layer's reduction in a zero-knowledge proof (Java's
    /// `WindowedLinearVerifier.verify` with a mask ledger): a convolution or depthwise layer's two
    /// phases chained (`ChainedPhases`: phase 1 over the weight shadow, `ShadowPhase1`, with the
    /// bias read inside it; G(rho) never sent; both phases masked with open ends), a sum's one
    /// masked phase (`PaddedSumcheck`); the accumulator's virtual padding (`VirtualPadding`) and
    /// the masks' values leave one combined claim on the mask column, chained as a `MASK_CLAIM`
    /// item after the layer's claims.
    ///
    /// `plan`: `LayerEncoding.linearPlan` of the layer, then one word, the layer's first block in
    /// the mask column (its padding scalars; phase 1's mask follows, then phase 2's), which the
    /// model fixes (`MaskSchedule`). `proof`: Java's `WindowedLinearProof.encode()` bytes, with the
    /// two mask sums (one for a sum) and a zero bias. The claims chain from keccak(plan): weights
    /// at (tau, rho1[, rc]), bias at (tau, rc), input at rhoC ‖ sigma (a sum: the input only), then
    /// the mask claim.
    function reduceZk(bytes32 stateIn, uint256[] calldata plan, uint256[] calldata rho, uint256 value, bytes calldata proof)
        external
        view
        returns (Reason reason, uint256 detail, bytes32 stateOut, bytes32 claimsHash)
    {
        if (plan.length <= HEAD || plan[plan.length - 1] >= 1 << 32) return (Reason.BadStatement, 0, 0, 0);
        (reason, detail) = _checkPlan(plan[:plan.length - 1], rho, value);
        if (reason != Reason.Valid) return (reason, detail, 0, 0);
        Sections memory s;
        (reason, detail, s) = _sections(proof);
        if (reason != Reason.Valid) return (reason, detail, 0, 0);
        if (_ext(proof, 0) != 0) return (Reason.SentInZeroKnowledge, 0, 0, 0);
        Zk memory z;
        z.h = keccak256(abi.encodePacked(plan));
        z.first = plan[plan.length - 1];
        (reason, z.padP, z.padQ) = _padding(plan, rho);
        if (reason != Reason.Valid) return (reason, 4, 0, 0);
        return plan[1] == SUM ? _zkSum(stateIn, plan, rho, value, proof, s, z) : _chained(stateIn, plan, rho, value, proof, s, z);
    }

    /// @dev `ChainedPhases.verify` after the padding: phase 1 open-ended over the shadow, its
    /// public tables and claims (`ShadowPhase1.finish`), phase 2 from (F1 - rest) / (k (1 - tau)),
    /// its wiring and the input claim, then the combined mask claim.
    function _chained(
        bytes32 stateIn,
        uint256[] calldata plan,
        uint256[] calldata rho,
        uint256 value,
        bytes calldata proof,
        Sections memory s,
        Zk memory z
    ) private view returns (Reason, uint256, bytes32, bytes32) {
        if (s.masks != 2) return (Reason.MaskValues, s.masks, 0, 0);
        if (!s.hasPhase1) return (Reason.Phase1Presence, 0, 0, 0);
        Points memory pt = _outputPoint(plan, rho);
        uint256 n1 = plan[7] + plan[25] + plan[18] + 1;
        End memory e1;
        {
            uint256 zwr = 0;
            if (plan[1] == CONV) (, zwr) = _eqAndZeroPoints(plan, pt.rc, pt.rc);
            uint256 sent = (plan[1] == CONV ? 2 : 3) + (plan[29] != 0 ? 2 : 0);
            e1 = _sumcheckOpen(
                stateIn, _openSpec(n1, 3, value, _ext(proof, proof.length - 32), sent), proof[s.p1At:s.p1At + s.p1Len]
            );
            if (e1.code != 0) return (Reason.Phase1Sumcheck, e1.code, 0, 0);
            (Reason why, uint256 which) = _shadowFinish(plan, pt, e1, zwr, z);
            if (why != Reason.Valid) return (why, which, 0, 0);
        }
        uint256 phase2Claim;
        {
            (Reason why, uint256 part) = _inputZeroPart(plan, pt);
            if (why != Reason.Valid) return (why, 1, 0, 0);
            phase2Claim = PackedExt2.add(PackedExt2.mul(PackedExt2.sub(e1.finalClaim, z.rest), z.scaleInv), part);
        }
        uint256 n2 = plan[5] + plan[6];
        End memory e2 =
            _sumcheckOpen(e1.state, _openSpec(n2, 2, phase2Claim, _ext(proof, proof.length - 16), 2), proof[s.p2At:s.p2At + s.p2Len]);
        if (e2.code != 0) return (Reason.Phase2Sumcheck, e2.code, 0, 0);
        pt.sigma = e2.point;
        {
            (Reason why, uint256 wiring) = _wiring(plan, pt);
            if (why != Reason.Valid) return (why, 2, 0, 0);
            if (e2.evals[0] != wiring) return (Reason.WindowWiring, 0, 0, 0);
        }
        z.h = _item(z.h, plan[33], plan[34], pt.rhoC, pt.sigma, e2.evals[1]);
        // The parts: phase 1's mask (its weight carried through phase 2's start), phase 2's, the
        // padding scalars' share K / (2^n1 k (1 - tau) 2^n2).
        uint256 spread2 = PackedExt2.mulBase(z.scaleInv, Goldilocks.inv(1 << n2));
        uint256 k = PackedExt2.mulBase(spread2, Goldilocks.inv(1 << n1));
        uint256[] memory values = new uint256[](n2 == 0 ? 6 : 8);
        (values[0], values[1]) = (z.first + 1, PackedExt2.mul(e1.maskWeight, spread2));
        uint256 at = 2;
        if (n2 != 0) {
            (values[2], values[3]) = (z.first + 1 + n1, e2.maskWeight);
            at = 4;
        }
        (values[at], values[at + 1], values[at + 2]) = (z.first, PackedExt2.mul(z.padP, k), PackedExt2.mul(z.padQ, k));
        values[at + 3] = PackedExt2.sub(e2.finalClaim, PackedExt2.mul(e2.evals[0], e2.evals[1]));
        z.h = _maskItem(z.h, plan[0], n2 == 0 ? 1 : 2, e1.point, n2 == 0 ? new uint256[](0) : e2.point, values);
        return (Reason.Valid, 0, e2.state, z.h);
    }

    /// @dev `ShadowPhase1.finish` at phase 1's end (tau, rho1): tau not 1, the public tables, the
    /// weights' claim on the shadow, the bias selector T = (1 - tau) 2^-(n1 - 1) and the bias's
    /// claim; the final value's part without G~ (`rest`) and 1 / (k (1 - tau)).
    function _shadowFinish(uint256[] calldata plan, Points memory pt, End memory e1, uint256 zwr, Zk memory z)
        private
        view
        returns (Reason, uint256)
    {
        uint256 tau = e1.point[0];
        uint256 keep = PackedExt2.sub(1, tau);
        if (keep == 0) return (Reason.Degenerate, 0);
        uint256 n1 = e1.point.length;
        pt.rho1 = _sliceMem(e1.point, 1, n1 - 1);
        uint256 inCBits = plan[7];
        pt.rhoC = _sliceMem(pt.rho1, 0, inCBits);
        pt.rhoJ = _sliceMem(pt.rho1, inCBits, plan[25]);
        pt.rhoI = _sliceMem(pt.rho1, inCBits + plan[25], plan[18]);
        uint256[] memory ev = e1.evals;
        bool conv = plan[1] == CONV;
        bool bias = plan[29] != 0;
        z.rest = bias ? PackedExt2.mul(ev[ev.length - 2], ev[ev.length - 1]) : 0;
        uint256 coefficient;
        uint256[] memory full = new uint256[](4);
        (full[0], full[2]) = (ev[0], ev[1]);
        if (conv) {
            coefficient = PackedExt2.mul(PackedExt2.sub(ev[0], zwr), ev[1]);
        } else {
            full[3] = ev[2];
            coefficient = PackedExt2.sub(PackedExt2.mul(ev[1], ev[0]), PackedExt2.mul(ev[1], ev[2]));
        }
        {
            (Reason why, uint256 which) = _checkPhase1Tables(plan, pt, full);
            if (why != Reason.Valid) return (why, which);
        }
        z.h = _item(z.h, plan[31], plan[32], e1.point, conv ? pt.rc : new uint256[](0), ev[0]);
        if (bias) {
            uint256 b = conv ? 2 : 3;
            if (ev[b + 1] != PackedExt2.mulBase(keep, Goldilocks.inv(1 << (n1 - 1)))) return (Reason.BiasSelector, 0);
            uint256[] memory at = new uint256[](1);
            at[0] = tau;
            z.h = _item(z.h, plan[29], plan[30], at, pt.rc, ev[b]);
        }
        uint256 scale = PackedExt2.mul(coefficient, keep);
        if (scale == 0) return (Reason.Degenerate, 1);
        z.scaleInv = PackedExt2.inv(scale);
        return (Reason.Valid, 0);
    }

    /// @dev `WindowedLinearVerifier.zeroKnowledgeSum`: phase 2 alone, masked and open-ended, from
    /// the accumulator plus the zero point's part; the mask claim (its mask and the padding
    /// scalars' share K / 2^n2), then the wiring and the input claim.
    function _zkSum(
        bytes32 stateIn,
        uint256[] calldata plan,
        uint256[] calldata rho,
        uint256 value,
        bytes calldata proof,
        Sections memory s,
        Zk memory z
    ) private view returns (Reason, uint256, bytes32, bytes32) {
        if (s.hasPhase1) return (Reason.Phase1Presence, 1, 0, 0);
        if (s.masks != 1) return (Reason.MaskValues, s.masks, 0, 0);
        Points memory pt = _outputPoint(plan, rho);
        pt.rhoC = pt.rc;
        uint256 claim;
        {
            (Reason why, uint256 part) = _sumZeroPart(plan, pt);
            if (why != Reason.Valid) return (why, 0, 0, 0);
            claim = PackedExt2.add(value, part);
        }
        uint256 n2 = plan[5] + plan[6];
        End memory e =
            _sumcheckOpen(stateIn, _openSpec(n2, 2, claim, _ext(proof, proof.length - 16), 2), proof[s.p2At:s.p2At + s.p2Len]);
        if (e.code != 0) return (Reason.Phase2Sumcheck, e.code, 0, 0);
        pt.sigma = e.point;
        {
            (Reason why, uint256 wiring) = _wiring(plan, pt);
            if (why != Reason.Valid) return (why, 2, 0, 0);
            if (e.evals[0] != wiring) return (Reason.WindowWiring, 0, 0, 0);
        }
        z.h = _item(z.h, plan[33], plan[34], pt.rhoC, pt.sigma, e.evals[1]);
        uint256 spread = Goldilocks.inv(1 << n2);
        uint256[] memory values = new uint256[](n2 == 0 ? 4 : 6);
        uint256 at = 0;
        if (n2 != 0) {
            (values[0], values[1]) = (z.first + 1, e.maskWeight);
            at = 2;
        }
        (values[at], values[at + 1], values[at + 2]) =
            (z.first, PackedExt2.mulBase(z.padP, spread), PackedExt2.mulBase(z.padQ, spread));
        values[at + 3] = PackedExt2.sub(e.finalClaim, PackedExt2.mul(e.evals[0], e.evals[1]));
        z.h = _maskItem(z.h, plan[0], n2 == 0 ? 0 : 1, e.point, new uint256[](0), values);
        return (Reason.Valid, 0, e.state, z.h);
    }

    /// @notice An ADD in a zero-knowledge proof (`ProofReduction.add` with a mask ledger). Without
    /// a constant side it is `add` (its 15-word plan). With one (`ConstantAddend`), `addEval` is
    /// the proof's s for this ADD, which must be zero, followed by the constant addend's sumcheck
    /// (the proof's next `WindowedLinearProof`, phase 2 only, its mask sum and value), and the plan
    /// has a 16th word, the sumcheck's first mask block. The masked sumcheck of E·S + E·Q over
    /// (t, x), E's value (1 - tau) eq(rho, sigma) checked, leaves the claims on the other side's
    /// rescaled column at sigma and on the addend's weight shadow at (tau, sigma's channels); then
    /// the activation side's rescale row as in `add`, and the mask claim (its value g(point)).
    function addZk(
        bytes32 stateIn,
        uint256[] calldata plan,
        uint256[] calldata rho,
        uint256 value,
        bytes calldata addEval,
        bytes32 lookupsHash,
        bytes calldata lookupItems
    ) external view returns (Reason, uint256, bytes32, bytes32) {
        if (plan.length == 15) {
            if (plan[3] == 1 || plan[9] == 1) return (Reason.BadStatement, 15, 0, 0);
            return add(stateIn, plan, rho, value, addEval, lookupsHash, lookupItems);
        }
        if (plan.length != 16 || plan[15] >= 1 << 32) return (Reason.BadStatement, 15, 0, 0);
        if (addEval.length < 16) return (Reason.Malformed, 0, 0, 0);
        {
            (Reason why, uint256 detail) = _addInputs(plan[:15], rho, value, addEval[:16], lookupsHash, lookupItems);
            if (why != Reason.Valid) return (why, detail, 0, 0);
        }
        if (plan[3] != 1 && plan[9] != 1) return (Reason.BadStatement, 3, 0, 0);
        bytes calldata proof = addEval[16:];
        Sections memory s;
        {
            Reason why;
            uint256 detail;
            (why, detail, s) = _sections(proof);
            if (why != Reason.Valid) return (why, detail, 0, 0);
        }
        FiatShamir.Transcript memory t = FiatShamir.Transcript(stateIn);
        t.absorbCalldata("add-eval", addEval[:16]);
        if (_ext(addEval, 0) != 0) return (Reason.SentInZeroKnowledge, 1, 0, 0);
        if (s.hasPhase1 || _ext(proof, 0) != 0 || s.masks != 2) return (Reason.AddendShape, 0, 0, 0);
        uint256 maskEval = _ext(proof, proof.length - 16);
        End memory e = _sumcheckOpen(
            t.state, _addendSpec(rho.length + 1, value, _ext(proof, proof.length - 32), maskEval), proof[s.p2At:s.p2At + s.p2Len]
        );
        if (e.code != 0) return (Reason.Phase2Sumcheck, e.code, 0, 0);
        return _addendEnd(plan, rho, e, maskEval, lookupItems);
    }

    /// @dev `ConstantAddend.finish` and the claims after it, in Java's order.
    function _addendEnd(uint256[] calldata plan, uint256[] calldata rho, End memory e, uint256 maskEval, bytes calldata lookupItems)
        private
        view
        returns (Reason, uint256, bytes32, bytes32)
    {
        uint256 tau = e.point[0];
        uint256[] memory sigma = _sliceMem(e.point, 1, rho.length);
        {
            (, uint256 eq,) = layerSteps.eqAndZeroPoints(_slice(rho, 0, rho.length), sigma, new int256[](0));
            if (e.evals[0] != PackedExt2.mul(PackedExt2.sub(1, tau), eq)) return (Reason.AddendSelector, 0, 0, 0);
        }
        uint256 side = plan[3] == 1 ? 1 : 0; // the activation side
        uint256[] memory none = new uint256[](0);
        bytes32 h = keccak256(abi.encodePacked(plan));
        h = _item(h, TO_WITNESS, plan[4 + 6 * side], sigma, none, e.evals[1]);
        {
            uint256[] memory at = new uint256[](1);
            at[0] = tau;
            h = _item(h, TO_WEIGHT, plan[4 + 6 * (1 - side)], at, _sliceMem(sigma, 0, plan[2]), e.evals[2]);
        }
        {
            uint256 at = 3 + 6 * side;
            (bool found, uint256[] memory point, uint256[4] memory v) = _rescaleRow(lookupItems, plan[at + 3]);
            if (!found) return (Reason.BadStatement, at + 3, 0, 0);
            if (v[0] != plan[at + 2] || v[3] != 0) return (Reason.WrongRescaleTag, side, 0, 0);
            h = _item(h, plan[at + 4], plan[at + 5], point, none, v[1]);
            h = _item(h, TO_WITNESS, plan[at + 1], point, none, v[2]);
        }
        uint256[] memory values = new uint256[](3);
        (values[0], values[1], values[2]) = (plan[15], 1, maskEval);
        h = _maskItem(h, plan[0], 1, e.point, none, values);
        return (Reason.Valid, 0, e.state, h);
    }

    /// @dev The output point split by the output layout: channels, width, height.
    function _outputPoint(uint256[] calldata plan, uint256[] calldata rho) private pure returns (Points memory pt) {
        pt.rc = _slice(rho, 0, plan[13]);
        pt.rx = _slice(rho, plan[13], plan[12]);
        pt.ry = _slice(rho, plan[13] + plan[12], plan[11]);
    }

    /// @dev `VirtualPadding.at(out, rho)`: P = 1 - box(rho), Q = rho_0 (1 - box(1, rho_1, ...)),
    /// box the product of the output's ranges (channels, width, height); zero without variables.
    function _padding(uint256[] calldata plan, uint256[] calldata rho) private view returns (Reason, uint256 p, uint256 q) {
        if (rho.length == 0) return (Reason.Valid, 0, 0);
        uint256[] memory point = _slice(rho, 0, rho.length);
        (Reason a, uint256 box) = _box(plan, point);
        point[0] = 1;
        (Reason b, uint256 boxOne) = _box(plan, point);
        if (a != Reason.Valid) return (a, 0, 0);
        if (b != Reason.Valid) return (b, 0, 0);
        return (Reason.Valid, PackedExt2.sub(1, box), PackedExt2.mul(rho[0], PackedExt2.sub(1, boxOne)));
    }

    function _box(uint256[] calldata plan, uint256[] memory point) private view returns (Reason, uint256) {
        (uint256 cBits, uint256 wBits, uint256 hBits) = (plan[13], plan[12], plan[11]);
        (Reason a, uint256 c) = _rangeMask(plan[10], _sliceMem(point, 0, cBits));
        (Reason b, uint256 w) = _rangeMask(plan[9], _sliceMem(point, cBits, wBits));
        (Reason d, uint256 h) = _rangeMask(plan[8], _sliceMem(point, cBits + wBits, hBits));
        if (a != Reason.Valid) return (a, 0);
        if (b != Reason.Valid) return (b, 0);
        if (d != Reason.Valid) return (d, 0);
        return (Reason.Valid, PackedExt2.mul(PackedExt2.mul(c, w), h));
    }

    /// @dev An open-ended masked sumcheck's spec (`SumcheckEncoding.openEnd`).
    function _openSpec(uint256 vars, uint256 degree, uint256 claim, uint256 maskSum, uint256 sent)
        private
        pure
        returns (uint256[] memory w)
    {
        w = new uint256[](8);
        (w[0], w[1], w[2], w[3], w[6], w[7]) = (vars, 2, claim, maskSum, degree, sent);
    }

    /// @dev The constant addend's masked sumcheck (`SumcheckEncoding.masked`): tables E, S, Q with
    /// the terms E·S and E·Q.
    function _addendSpec(uint256 vars, uint256 claim, uint256 maskSum, uint256 maskEval)
        private
        pure
        returns (uint256[] memory w)
    {
        w = new uint256[](16);
        (w[0], w[1], w[2], w[3], w[4]) = (vars, 1, claim, maskSum, maskEval);
        (w[6], w[7], w[8], w[9], w[10], w[11]) = (3, 2, 1, 2, 0, 1);
        (w[12], w[13], w[14], w[15]) = (1, 2, 0, 2);
    }

    /// @dev `SumcheckVerifier.verify` with everything it returns; a rejection as its ordinal.
    function _sumcheckOpen(bytes32 state, uint256[] memory spec, bytes calldata proof) private view returns (End memory e) {
        try sumchecks.verify(state, spec, proof) returns (
            bytes32 out, uint256[] memory pt, uint256[] memory ev, uint256 maskWeight, uint256 finalClaim
        ) {
            (e.state, e.point, e.evals, e.maskWeight, e.finalClaim) = (out, pt, ev, maskWeight, finalClaim);
        } catch (bytes memory err) {
            if (err.length == 68 && bytes4(err) == SumcheckVerifier.Rejected.selector) {
                uint256 code;
                assembly ("memory-safe") {
                    code := mload(add(err, 36))
                }
                e.code = code;
                return e;
            }
            assembly ("memory-safe") {
                revert(add(err, 32), mload(err))
            }
        }
    }

    /// @dev h' = keccak(h, MASK_CLAIM, k, parts, |a| + |b|, a ‖ b, |values|, values).
    function _maskItem(bytes32 h, uint256 k, uint256 parts, uint256[] memory a, uint256[] memory b, uint256[] memory values)
        private
        pure
        returns (bytes32)
    {
        return keccak256(
            abi.encodePacked(h, MASK_CLAIM, k, parts, a.length + b.length, a, b, values.length, values)
        );
    }

    // ------------------------------------------------------------------ claims and points

    /// @dev h' = keccak(h, kind, column, 0, n, a ‖ b, 1, value).
    function _item(bytes32 h, uint256 kind, uint256 column, uint256[] memory a, uint256[] memory b, uint256 value)
        private
        pure
        returns (bytes32)
    {
        return keccak256(abi.encodePacked(h, kind, column, uint256(0), a.length + b.length, a, b, uint256(1), value));
    }

    function _slice(uint256[] calldata v, uint256 from, uint256 n) private pure returns (uint256[] memory out) {
        out = new uint256[](n);
        for (uint256 j = 0; j < n; ++j) {
            out[j] = v[from + j];
        }
    }

    function _sliceMem(uint256[] memory v, uint256 from, uint256 n) private pure returns (uint256[] memory out) {
        out = new uint256[](n);
        for (uint256 j = 0; j < n; ++j) {
            out[j] = v[from + j];
        }
    }
}
