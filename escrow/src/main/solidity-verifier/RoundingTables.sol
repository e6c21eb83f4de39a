// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @notice The multilinear extensions of a model's rounding table at a point, computed on chain
/// from the model's table plan (`TableEncoding` in Java), so that the lookups' deferred table
/// values (LogUpVerifier's kind-6 claims, which `ProofSession.finish` chains into
/// `deferredTables`) are checked by a contract (docs/onchain-verifier.md, "The table step").
///
/// The table (tag, out, low, high) is not a function of its row index with a closed form: its
/// low and high columns hold each rounding map's thresholds, one per output level. The plan holds
/// them as 32-bit entries (step segments: level increment and width; ramp segments: increments
/// of an ADD operand's rescale), the contract expands the rows in order and sums each value
/// times eq(row, point), with eq split in a table of the low half of the row index (summed
/// unreduced within a block of equal high half) and one of the high half (once per block). The
/// padding rows (the last row repeated to 2^variables) cost one product per block: the low eq
/// table sums to one over a whole block. A level of several rows (the clamped ends, 64 rows of
/// 2^16 each, and levels wider than 2^16) costs O(1) per block it spans: its rows are
/// (tag, k, low + 2^16 j, low + 2^16 (j + 1)) but for a shorter last one, so its sums need only
/// the sum of eq and of j eq over the rows, from prefix tables of the low eq table. A run of
/// one-row levels each one level up (the thresholds: most rows) within a block needs per row only
/// the low and high columns (the high is the next row's low): tag and out come from the same
/// prefix sums once per run, and k, the end and the row count, which only grow, are checked at the
/// run's end.
///
/// A plan may exceed a transaction (the MNIST CNN's is 153 KB, ResNet-8's 402 KB), so the
/// evaluation is staged: `begin` takes the plan's header, the point and some segments, each
/// `continueWith` more segments from the stored stage; the call that consumes the last segment
/// records the fact `tableFact(planHash, keccak(point), values)` in `verified`. The plan's hash
/// is a chain over its segments (h = keccak(header), then h = keccak(h, segment) per segment), so
/// it does not depend on how the segments are split over transactions. A malformed plan is
/// `Rejected(reason, detail)`; nothing else is stored.
contract RoundingTables {
    uint256 private constant P = 0xFFFFFFFF00000001;
    uint256 private constant CHUNK = 1 << 16;
    uint256 private constant MAX_VARS = 20;

    enum Reason {
        Valid,
        Malformed,
        BadPlan,
        UnknownStage
    }

    error Rejected(Reason reason, uint256 detail);

    /// @notice Stored stages: keccak(abi.encode(stage)).
    mapping(bytes32 => bool) public stages;
    /// @notice Recorded facts: `tableFact(planHash, pointHash, values)`.
    mapping(bytes32 => bool) public verified;

    /// A stage's words: 0 the plan's chain so far, 1 variables, 2 segments left, 3 rows so far,
    /// 4..7 the last row (field elements), 8..12 the current block's sums (per column, then of
    /// the eq entries; packed c0 + 2^128 c1, unreduced), 13..15 zero (scratch during a call: the
    /// eq tables' addresses, the low half's bits), 16..23 the columns' sums
    /// (c0, c1 each, reduced), 24 keccak of the point.
    uint256 private constant STAGE = 25;

    event Staged(bytes32 indexed stage, uint256[25] words);
    event TableEvaluated(bytes32 indexed fact, bytes32 planHash, bytes32 pointHash, uint256[4] values);

    /// @notice The fact of a table plan (its chain hash) evaluated at a point (keccak of its packed
    /// coordinates): the four columns' values, packed c0 + 2^64 c1.
    function tableFact(bytes32 planHash, bytes32 pointHash, uint256[4] memory values) public pure returns (bytes32) {
        return keccak256(abi.encode("zkaudit/table/v1", planHash, pointHash, values));
    }

    /// @notice Starts an evaluation: `header` (variables, lookup, width 4, segment count), the
    /// point (one packed extension element per variable), and the first `segments` of the plan.
    function begin(uint256[] calldata header, uint256[] calldata point, uint256[] calldata segments)
        external
        returns (uint256[25] memory stage, bytes32 fact)
    {
        if (header.length != 4 || header[2] != 4 || header[0] == 0 || header[0] > MAX_VARS || header[3] == 0) {
            revert Rejected(Reason.BadPlan, 0);
        }
        if (point.length != header[0]) revert Rejected(Reason.Malformed, point.length);
        for (uint256 j = 0; j < point.length; ++j) {
            uint256 w = point[j];
            if (w >> 128 != 0 || (w & 0xFFFFFFFFFFFFFFFF) >= P || (w >> 64) >= P) revert Rejected(Reason.Malformed, j);
        }
        stage[0] = uint256(keccak256(abi.encodePacked(header)));
        stage[1] = header[0];
        stage[2] = header[3];
        stage[24] = uint256(keccak256(abi.encodePacked(point)));
        return _run(stage, point, segments);
    }

    /// @notice Continues a stored stage with the plan's next segments.
    function continueWith(uint256[25] calldata from, uint256[] calldata point, uint256[] calldata segments)
        external
        returns (uint256[25] memory stage, bytes32 fact)
    {
        if (!stages[keccak256(abi.encode(from))]) revert Rejected(Reason.UnknownStage, 0);
        if (uint256(keccak256(abi.encodePacked(point))) != from[24]) revert Rejected(Reason.UnknownStage, 1);
        stage = from;
        return _run(stage, point, segments);
    }

    function _run(uint256[25] memory stage, uint256[] calldata point, uint256[] calldata segments)
        private
        returns (uint256[25] memory, bytes32 fact)
    {
        uint256 vars = stage[1];
        uint256 lowBits = (vars + 1) / 2;
        // The eq tables (c0, c1 per entry), then the walk over the segments.
        uint256 eqLo = _eqTable(point, 0, lowBits);
        uint256 eqHi = _eqTable(point, lowBits, vars);
        stage[13] = eqLo;
        stage[14] = eqHi;
        stage[15] = lowBits | (_prefixTable(eqLo, lowBits) << 8);
        (uint256 ok, uint256 detail) = _walk(stage, segments, eqLo, eqHi, lowBits);
        (stage[13], stage[14], stage[15]) = (0, 0, 0);
        if (ok != 0) revert Rejected(Reason(ok), detail);
        if (stage[2] != 0) {
            bytes32 key = keccak256(abi.encode(stage));
            stages[key] = true;
            emit Staged(key, stage);
            return (stage, bytes32(0));
        }
        _pad(stage, eqLo, eqHi, lowBits);
        uint256[4] memory values;
        for (uint256 c = 0; c < 4; ++c) {
            values[c] = stage[16 + 2 * c] | (stage[17 + 2 * c] << 64);
        }
        fact = tableFact(bytes32(stage[0]), bytes32(stage[24]), values);
        verified[fact] = true;
        emit TableEvaluated(fact, bytes32(stage[0]), bytes32(stage[24]), values);
        return (stage, fact);
    }

    /// @dev eq(x, point[from..to)) for every x of to - from bits, in memory: one word per entry,
    /// c0 + 2^128 c1.
    function _eqTable(uint256[] calldata point, uint256 from, uint256 to) private pure returns (uint256 t) {
        uint256 size = 1 << (to - from);
        assembly ("memory-safe") {
            t := mload(0x40)
            mstore(0x40, add(t, mul(size, 32)))
            mstore(t, 1)
            let n := 1
            for { let j := from } lt(j, to) { j := add(j, 1) } {
                let r := calldataload(add(point.offset, mul(j, 32)))
                let r0 := and(r, 0xFFFFFFFFFFFFFFFF)
                let r1 := shr(64, r)
                for { let x := 0 } lt(x, n) { x := add(x, 1) } {
                    let at := add(t, shl(5, x))
                    let a := mload(at)
                    let a0 := and(a, 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF)
                    let a1 := shr(128, a)
                    let h0 := addmod(mulmod(a0, r0, P), mulmod(7, mulmod(a1, r1, P), P), P)
                    let h1 := addmod(mulmod(a0, r1, P), mulmod(a1, r0, P), P)
                    mstore(add(t, shl(5, add(x, n))), or(h0, shl(128, h1)))
                    mstore(at, or(addmod(a0, sub(P, h0), P), shl(128, addmod(a1, sub(P, h1), P))))
                }
                n := add(n, n)
            }
        }
    }

    /// @dev Prefix sums of the low eq table, for i = 0..2^bits: P0[i] = sum of e_j and P1[i] = sum
    /// of j e_j over j < i, two words per i (packed c0 + 2^128 c1, reduced).
    function _prefixTable(uint256 eqLo, uint256 bits) private pure returns (uint256 t) {
        uint256 size = 1 << bits;
        assembly ("memory-safe") {
            t := mload(0x40)
            mstore(0x40, add(t, mul(add(size, 1), 64)))
            let m := 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF
            let a0 := 0
            let a1 := 0
            let b0 := 0
            let b1 := 0
            mstore(t, 0)
            mstore(add(t, 32), 0)
            for { let i := 0 } lt(i, size) { i := add(i, 1) } {
                let e := mload(add(eqLo, shl(5, i)))
                a0 := addmod(a0, and(e, m), P)
                a1 := addmod(a1, shr(128, e), P)
                b0 := addmod(b0, mulmod(i, and(e, m), P), P)
                b1 := addmod(b1, mulmod(i, shr(128, e), P), P)
                let at := add(t, shl(6, add(i, 1)))
                mstore(at, or(a0, shl(128, a1)))
                mstore(add(at, 32), or(b0, shl(128, b1)))
            }
        }
    }

    /// @dev Expands the segments' rows into the stage's sums. Returns (0, 0), or a Reason and a
    /// detail (the word at fault).
    ///
    /// The hot path: a step or ramp row's values are integers v with |v| <= 2^41, summed as
    /// v + 2^42 (positive, < 2^43) times the packed eq entry e0 + 2^128 e1 in one multiplication
    /// per column, unreduced (2^11 rows of products < 2^107 stay under 2^128 per half); the block
    /// also sums the packed entries, so that the offset is taken off once per block (`_fold`).
    function _walk(uint256[25] memory stage, uint256[] calldata segments, uint256 eqLo, uint256 eqHi, uint256 lowBits)
        private
        pure
        returns (uint256 bad, uint256 detail)
    {
        assembly ("memory-safe") {
            let len := segments.length
            let base := segments.offset
            let size := shl(mload(add(stage, 32)), 1)
            let mask := sub(shl(lowBits, 1), 1)
            let r := mload(add(stage, 96))
            let left := mload(add(stage, 64))
            let h := mload(stage)
            let acc := add(stage, 256) // words 8..12: the block's four column sums and its eq sum
            let at := 0

            function _fold(ac, q, st) {
                let p := 0xFFFFFFFF00000001
                let m := 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF
                let qw := mload(q)
                let q0 := and(qw, m)
                let q1 := shr(128, qw)
                let ew := mload(add(ac, 128))
                let off0 := mulmod(0x40000000000, mod(and(ew, m), p), p)
                let off1 := mulmod(0x40000000000, mod(shr(128, ew), p), p)
                for { let c := 0 } lt(c, 4) { c := add(c, 1) } {
                    let a := add(ac, shl(5, c))
                    let w := mload(a)
                    let a0 := addmod(mod(and(w, m), p), sub(p, off0), p)
                    let a1 := addmod(mod(shr(128, w), p), sub(p, off1), p)
                    let s := add(st, add(512, shl(6, c)))
                    mstore(s, addmod(mload(s), addmod(mulmod(a0, q0, p), mulmod(7, mulmod(a1, q1, p), p), p), p))
                    mstore(add(s, 32), addmod(mload(add(s, 32)), addmod(mulmod(a0, q1, p), mulmod(a1, q0, p), p), p))
                    mstore(a, 0)
                }
                mstore(add(ac, 128), 0)
            }
            function _direct(st, e, q) {
                let p := 0xFFFFFFFF00000001
                let m := 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF
                let e0 := and(e, m)
                let e1 := shr(128, e)
                let q0 := and(q, m)
                let q1 := shr(128, q)
                let w0 := addmod(mulmod(e0, q0, p), mulmod(7, mulmod(e1, q1, p), p), p)
                let w1 := addmod(mulmod(e0, q1, p), mulmod(e1, q0, p), p)
                for { let c := 0 } lt(c, 4) { c := add(c, 1) } {
                    let v := mload(add(st, add(128, shl(5, c))))
                    let s := add(st, add(512, shl(6, c)))
                    mstore(s, addmod(mload(s), mulmod(v, w0, p), p))
                    mstore(add(s, 32), addmod(mload(add(s, 32)), mulmod(v, w1, p), p))
                }
            }
            function emit(v0, v1, v2, v3, e, ac) {
                mstore(ac, add(mload(ac), mul(v0, e)))
                mstore(add(ac, 32), add(mload(add(ac, 32)), mul(v1, e)))
                mstore(add(ac, 64), add(mload(add(ac, 64)), mul(v2, e)))
                mstore(add(ac, 96), add(mload(add(ac, 96)), mul(v3, e)))
                mstore(add(ac, 128), add(mload(add(ac, 128)), e))
            }
            // A level's rows (tag, k, x, min(x + 2^16, end)) for x = low, low + 2^16, ... < end,
            // the hot loop: few variables, so that they stay on the stack. The eq tables and the
            // low half's bit count are in the stage's scratch words 13..15.
            function rowsOf(st_, tagOff_, kOff_, x_, end_, r_) -> r2_, lastX_ {
                let lowTable_ := mload(add(st_, 416))
                let bits_ := and(mload(add(st_, 480)), 0xFF)
                let mask_ := sub(shl(bits_, 1), 1)
                let ac_ := add(st_, 256)
                for {} slt(x_, end_) { x_ := add(x_, 0x10000) } {
                    let top_ := add(x_, 0x10000)
                    if sgt(top_, end_) { top_ := end_ }
                    let e_ := mload(add(lowTable_, shl(5, and(r_, mask_))))
                    mstore(ac_, add(mload(ac_), mul(tagOff_, e_)))
                    mstore(add(ac_, 32), add(mload(add(ac_, 32)), mul(kOff_, e_)))
                    mstore(add(ac_, 64), add(mload(add(ac_, 64)), mul(add(x_, 0x40000000000), e_)))
                    mstore(add(ac_, 96), add(mload(add(ac_, 96)), mul(add(top_, 0x40000000000), e_)))
                    mstore(add(ac_, 128), add(mload(add(ac_, 128)), e_))
                    if eq(and(r_, mask_), mask_) { _fold(ac_, add(mload(add(st_, 448)), shl(5, shr(bits_, r_))), st_) }
                    lastX_ := x_
                    r_ := add(r_, 1)
                }
                r2_ := r_
            }
            // A level's rows (tag, k, x, min(x + 2^16, end)) for x = low, low + 2^16, ... < end,
            // in O(1) per block they fall in: with S = sum of e and J = sum of (row - first row)
            // e over the rows (prefix tables P0, P1 of the low eq table), the columns add tag S,
            // k S, low S + 2^16 J and (low + 2^16) S + 2^16 J - d e_last (d: how much the last
            // row is shorter than 2^16). Values are offset by 2^42 and products packed, as per
            // row. The stage's scratch words: 13 the low eq table, 14 the high one, 15 the low
            // half's bits | the prefix table's address << 8.
            function level(st_, tagOff_, kOff_, x_, end_, r_) -> r2_ {
                let p_ := 0xFFFFFFFF00000001
                let m_ := 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF
                let bits_ := and(mload(add(st_, 480)), 0xFF)
                let pre_ := shr(8, mload(add(st_, 480)))
                let mask_ := sub(shl(bits_, 1), 1)
                let ac_ := add(st_, 256)
                for {} slt(x_, end_) {} {
                    let lo_ := and(r_, mask_)
                    let c_ := sub(add(mask_, 1), lo_)
                    {
                        let rem_ := shr(16, add(sub(end_, x_), 0xFFFF))
                        if lt(rem_, c_) { c_ := rem_ }
                    }
                    let a_ := add(pre_, shl(6, lo_))
                    let b_ := add(pre_, shl(6, add(lo_, c_)))
                    let pa_ := mload(a_)
                    let pb_ := mload(b_)
                    let s0_ := addmod(and(pb_, m_), sub(p_, and(pa_, m_)), p_)
                    let s1_ := addmod(shr(128, pb_), sub(p_, shr(128, pa_)), p_)
                    pa_ := mload(add(a_, 32))
                    pb_ := mload(add(b_, 32))
                    let j_ := or(
                        addmod(addmod(and(pb_, m_), sub(p_, and(pa_, m_)), p_), sub(p_, mulmod(lo_, s0_, p_)), p_),
                        shl(128, addmod(addmod(shr(128, pb_), sub(p_, shr(128, pa_)), p_), sub(p_, mulmod(lo_, s1_, p_)), p_))
                    )
                    let s_ := or(s0_, shl(128, s1_))
                    let xo_ := add(x_, 0x40000000000)
                    mstore(ac_, add(mload(ac_), mul(tagOff_, s_)))
                    mstore(add(ac_, 32), add(mload(add(ac_, 32)), mul(kOff_, s_)))
                    let lowPart_ := add(mul(xo_, s_), shl(16, j_))
                    mstore(add(ac_, 64), add(mload(add(ac_, 64)), lowPart_))
                    let next_ := add(x_, shl(16, c_))
                    let high_ := add(lowPart_, shl(16, s_))
                    if sgt(next_, end_) {
                        // The level's last row is short by d: take d e_last off (as d (p - e)).
                        let e_ := mload(add(mload(add(st_, 416)), shl(5, add(lo_, sub(c_, 1)))))
                        let neg_ := or(sub(p_, and(e_, m_)), shl(128, sub(p_, shr(128, e_))))
                        high_ := add(high_, mul(sub(next_, end_), neg_))
                        next_ := end_
                    }
                    mstore(add(ac_, 96), add(mload(add(ac_, 96)), high_))
                    mstore(add(ac_, 128), add(mload(add(ac_, 128)), s_))
                    r_ := add(r_, c_)
                    if iszero(and(r_, mask_)) { _fold(ac_, add(mload(add(st_, 448)), shl(5, sub(shr(bits_, r_), 1))), st_) }
                    x_ := next_
                }
                r2_ := r_
            }
            // A step segment's levels from its entries; the last row into the stage's words 4..7.
            function stepSegment(st_, entries_, n_, tag_, k_, low_, r_) -> r2_, failed_ {
                let lastLow_ := 0
                for { let e_ := 0 } lt(e_, n_) { e_ := add(e_, 1) } {
                    let entry_ := and(shr(shl(5, and(e_, 7)), calldataload(add(entries_, shl(5, shr(3, e_))))), 0xFFFFFFFF)
                    // A run of one-row levels each one level up (entry in [2^24 + 1, 2^24 + 2^16]:
                    // increment 1, width 1..2^16), the thresholds' common case: see `run`.
                    if lt(sub(entry_, 0x01000001), 0x10000) {
                        let r0_ := r_
                        let x_ := add(low_, 0x40000000000)
                        let aL_ := 0
                        let aH_ := 0
                        {
                            // The run ends at the segment's end or its block's at the latest.
                            let mask_ := sub(shl(and(mload(add(st_, 480)), 0xFF), 1), 1)
                            let rEnd_ := add(r_, sub(n_, e_))
                            if gt(rEnd_, add(or(r_, mask_), 1)) { rEnd_ := add(or(r_, mask_), 1) }
                            x_, r_, aL_, aH_ := run(mload(add(st_, 416)), mask_, entries_, sub(r_, e_), rEnd_, x_, r_)
                        }
                        e_ := sub(sub(r_, r0_), sub(1, e_))
                        // The last row's low: its end less its width (the entry re-read).
                        lastLow_ := sub(sub(x_, 0x40000000000), sub(and(shr(shl(5, and(e_, 7)), calldataload(add(entries_, shl(5, shr(3, e_))))), 0xFFFFFFFF), 0x01000000))
                        low_ := sub(x_, 0x40000000000)
                        let c_ := sub(r_, r0_)
                        k_ := add(k_, c_)
                        // k, the end and the row count only grow along the run: checking them
                        // at its end is checking every level's.
                        if or(gt(r_, shl(mload(add(st_, 32)), 1)), iszero(and(small(k_), small(low_)))) {
                            failed_ := 1
                            break
                        }
                        runSums(st_, r0_, c_, add(tag_, 0x40000000000), add(sub(k_, c_), 0x40000000001), aL_, aH_)
                        continue
                    }
                    k_ := add(k_, shr(24, entry_))
                    let end_ := add(low_, and(entry_, 0xFFFFFF))
                    // A level ends inside the table (at most 2^v - r rows) and inside 2^41.
                    if or(or(iszero(and(entry_, 0xFFFFFF)), gt(shr(16, add(and(entry_, 0xFFFFFF), 0xFFFF)), sub(shl(mload(add(st_, 32)), 1), r_))), iszero(and(small(k_), small(end_)))) {
                        failed_ := 1
                        break
                    }
                    switch gt(and(entry_, 0xFFFFFF), 0x10000)
                    case 0 {
                        // One row (tag, k, low, end): inline, the common case (a level per row).
                        let ac_ := add(st_, 256)
                        let q_ := mload(add(mload(add(st_, 416)), shl(5, and(r_, sub(shl(and(mload(add(st_, 480)), 0xFF), 1), 1)))))
                        mstore(ac_, add(mload(ac_), mul(add(tag_, 0x40000000000), q_)))
                        mstore(add(ac_, 32), add(mload(add(ac_, 32)), mul(add(k_, 0x40000000000), q_)))
                        mstore(add(ac_, 64), add(mload(add(ac_, 64)), mul(add(low_, 0x40000000000), q_)))
                        mstore(add(ac_, 96), add(mload(add(ac_, 96)), mul(add(end_, 0x40000000000), q_)))
                        mstore(add(ac_, 128), add(mload(add(ac_, 128)), q_))
                        r_ := add(r_, 1)
                        if iszero(and(r_, sub(shl(and(mload(add(st_, 480)), 0xFF), 1), 1))) {
                            _fold(ac_, add(mload(add(st_, 448)), shl(5, sub(shr(and(mload(add(st_, 480)), 0xFF), r_), 1))), st_)
                        }
                        lastLow_ := low_
                    }
                    default {
                        // Several rows of one level: in closed form per block.
                        r_ := level(st_, add(tag_, 0x40000000000), add(k_, 0x40000000000), low_, end_, r_)
                        lastLow_ := add(low_, shl(16, shr(16, sub(sub(end_, low_), 1))))
                    }
                    low_ := end_
                }
                r2_ := r_
                mstore(add(st_, 128), tag_)
                mstore(add(st_, 160), field(k_))
                mstore(add(st_, 192), field(lastLow_))
                mstore(add(st_, 224), field(low_))
            }
            // The rows of a run of one-row levels, while each is one level up (increment 1, width
            // 1..2^16; the first is), before rEnd (the segment's or the eq block's end; row r's
            // entry is r - rBase): per row only the low and high columns, x the row's low and
            // x + width its high (the next row's low), offset by 2^42 and times the packed eq
            // entry, summed on the stack. Returns the end (offset), the next row, the two sums.
            // No bounds checks per row: the caller checks the run's end (values only grow, by at
            // most 2^16 a row and 2^10 rows a block, so the sums stay packed until it does).
            function run(lowTable_, mask_, entries_, rBase_, rEnd_, x_, r_) -> x2_, r2_, aL_, aH_ {
                for {} lt(r_, rEnd_) { r_ := add(r_, 1) } {
                    let i_ := sub(r_, rBase_)
                    let w_ := sub(and(shr(shl(5, and(i_, 7)), calldataload(add(entries_, shl(5, shr(3, i_))))), 0xFFFFFFFF), 0x01000000)
                    if gt(sub(w_, 1), 0xFFFF) { break }
                    let q_ := mload(add(lowTable_, shl(5, and(r_, mask_))))
                    aL_ := add(aL_, mul(x_, q_))
                    x_ := add(x_, w_)
                    aH_ := add(aH_, mul(x_, q_))
                }
                // Never taken (a run has a row): a recursive function is never inlined, and inlined
                // into `_walk` this loop's variables spilled to memory (~400 gas a row).
                if iszero(rEnd_) { x_, r_, aL_, aH_ := run(lowTable_, mask_, entries_, rBase_, rEnd_, x_, r_) }
                x2_ := x_
                r2_ := r_
            }
            // A run's c rows from row r0 (all in one block) into the block's sums: tag S, out
            // (k + 2^42) S + J for the first level k (S = sum of e, J = sum of (row - r0) e, from
            // the prefix tables as in `level`), the low and high columns' sums, S; then the fold
            // if the run ended its block.
            function runSums(st_, r0_, c_, tagOff_, kOff_, aL_, aH_) {
                let p_ := 0xFFFFFFFF00000001
                let m_ := 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF
                let bits_ := and(mload(add(st_, 480)), 0xFF)
                let mask_ := sub(shl(bits_, 1), 1)
                let lo_ := and(r0_, mask_)
                let a_ := add(shr(8, mload(add(st_, 480))), shl(6, lo_))
                let b_ := add(a_, shl(6, c_))
                let pa_ := mload(a_)
                let pb_ := mload(b_)
                let s0_ := addmod(and(pb_, m_), sub(p_, and(pa_, m_)), p_)
                let s1_ := addmod(shr(128, pb_), sub(p_, shr(128, pa_)), p_)
                pa_ := mload(add(a_, 32))
                pb_ := mload(add(b_, 32))
                let j_ := or(
                    addmod(addmod(and(pb_, m_), sub(p_, and(pa_, m_)), p_), sub(p_, mulmod(lo_, s0_, p_)), p_),
                    shl(128, addmod(addmod(shr(128, pb_), sub(p_, shr(128, pa_)), p_), sub(p_, mulmod(lo_, s1_, p_)), p_))
                )
                let s_ := or(s0_, shl(128, s1_))
                let ac_ := add(st_, 256)
                mstore(ac_, add(mload(ac_), mul(tagOff_, s_)))
                mstore(add(ac_, 32), add(mload(add(ac_, 32)), add(mul(kOff_, s_), j_)))
                mstore(add(ac_, 64), add(mload(add(ac_, 64)), aL_))
                mstore(add(ac_, 96), add(mload(add(ac_, 96)), aH_))
                mstore(add(ac_, 128), add(mload(add(ac_, 128)), s_))
                let r_ := add(r0_, c_)
                if iszero(and(r_, mask_)) { _fold(ac_, add(mload(add(st_, 448)), shl(5, sub(shr(bits_, r_), 1))), st_) }
            }
            // Unsigned 42-bit-or-less magnitudes: |v| <= 2^41.
            function small(v) -> ok {
                ok := iszero(gt(add(v, 0x20000000000), 0x40000000000))
            }
            function field(x) -> f {
                f := x
                if slt(x, 0) { f := add(x, 0xFFFFFFFF00000001) }
            }

            for {} lt(at, len) {} {
                if iszero(left) {
                    bad := 2
                    detail := at
                    break
                }
                let kind := calldataload(add(base, shl(5, at)))
                let words := 0
                switch kind
                case 1 {
                    // STEP: tag, k0, low, n, then ceil(n / 8) words of entries.
                    if gt(add(at, 5), len) {
                        bad := 1
                        detail := at
                        break
                    }
                    let tag := calldataload(add(base, shl(5, add(at, 1))))
                    let k := calldataload(add(base, shl(5, add(at, 2))))
                    let low := calldataload(add(base, shl(5, add(at, 3))))
                    let n := calldataload(add(base, shl(5, add(at, 4))))
                    if or(or(iszero(n), gt(n, size)), iszero(and(gt(0x20000000000, tag), and(small(k), small(low))))) {
                        bad := 2
                        detail := at
                        break
                    }
                    words := add(5, shr(3, add(n, 7)))
                    if gt(add(at, words), len) {
                        bad := 1
                        detail := at
                        break
                    }
                    let failed := 0
                    r, failed := stepSegment(stage, add(base, shl(5, add(at, 5))), n, tag, k, low, r)
                    if failed {
                        bad := 2
                        detail := add(at, 5)
                        break
                    }
                }
                case 2 {
                    // RAMP: tag, out0, low0, high, n, then ceil(n / 8) words of increments.
                    if gt(add(at, 6), len) {
                        bad := 1
                        detail := at
                        break
                    }
                    let tag := calldataload(add(base, shl(5, add(at, 1))))
                    let out := calldataload(add(base, shl(5, add(at, 2))))
                    let low := calldataload(add(base, shl(5, add(at, 3))))
                    let high := calldataload(add(base, shl(5, add(at, 4))))
                    let n := calldataload(add(base, shl(5, add(at, 5))))
                    if or(or(iszero(n), gt(n, sub(size, r))), iszero(and(and(gt(0x20000000000, tag), small(low)), and(small(high), and(small(out), small(add(out, n))))))) {
                        bad := 2
                        detail := at
                        break
                    }
                    words := add(6, shr(3, add(n, 7)))
                    if gt(add(at, words), len) {
                        bad := 1
                        detail := at
                        break
                    }
                    let entries := add(base, shl(5, add(at, 6)))
                    let tagOff := add(tag, 0x40000000000)
                    let highOff := add(high, 0x40000000000)
                    for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                        low := add(low, signextend(3, shr(shl(5, and(i, 7)), calldataload(add(entries, shl(5, shr(3, i)))))))
                        if iszero(small(low)) {
                            bad := 2
                            detail := add(at, 6)
                            break
                        }
                        emit(tagOff, add(add(out, i), 0x40000000000), add(low, 0x40000000000), highOff, mload(add(eqLo, shl(5, and(r, mask)))), acc)
                        if eq(and(r, mask), mask) { _fold(acc, add(eqHi, shl(5, shr(lowBits, r))), stage) }
                        r := add(r, 1)
                    }
                    if bad { break }
                    mstore(add(stage, 128), tag)
                    mstore(add(stage, 160), field(add(out, sub(n, 1))))
                    mstore(add(stage, 192), field(low))
                    mstore(add(stage, 224), field(high))
                }
                case 3 {
                    // LITERAL: n, then n rows of four canonical field elements, each added to the
                    // sums with its full eq (rare: no real model has one).
                    if gt(add(at, 2), len) {
                        bad := 1
                        detail := at
                        break
                    }
                    let n := calldataload(add(base, shl(5, add(at, 1))))
                    if or(iszero(n), gt(n, sub(size, r))) {
                        bad := 2
                        detail := at
                        break
                    }
                    words := add(2, shl(2, n))
                    if gt(add(at, words), len) {
                        bad := 1
                        detail := at
                        break
                    }
                    for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                        let row := add(base, shl(5, add(at, add(2, shl(2, i)))))
                        for { let c := 0 } lt(c, 4) { c := add(c, 1) } {
                            let v := calldataload(add(row, shl(5, c)))
                            if iszero(lt(v, 0xFFFFFFFF00000001)) {
                                bad := 2
                                detail := add(at, add(2, shl(2, i)))
                            }
                            mstore(add(stage, add(128, shl(5, c))), v)
                        }
                        if bad { break }
                        _direct(stage, mload(add(eqLo, shl(5, and(r, mask)))), mload(add(eqHi, shl(5, shr(lowBits, r)))))
                        if eq(and(r, mask), mask) { _fold(acc, add(eqHi, shl(5, shr(lowBits, r))), stage) }
                        r := add(r, 1)
                    }
                    if bad { break }
                }
                default {
                    bad := 2
                    detail := at
                    break
                }
                // The segment's words join the plan's chain.
                let buf := mload(0x40)
                mstore(buf, h)
                calldatacopy(add(buf, 32), add(base, shl(5, at)), shl(5, words))
                h := keccak256(buf, add(32, shl(5, words)))
                at := add(at, words)
                left := sub(left, 1)
            }
            mstore(stage, h)
            mstore(add(stage, 64), left)
            mstore(add(stage, 96), r)
        }
    }

    /// @dev The end: the block of the last real row folded (if partial), then the padding rows, the
    /// last row repeated to 2^variables: that row times W = (the rest of the block's low eq sum)
    /// times eq(its high half) + the sum of eq(high half) over the later whole blocks (the low eq
    /// table sums to one over a whole block).
    function _pad(uint256[25] memory stage, uint256 eqLo, uint256 eqHi, uint256 lowBits) private pure {
        assembly ("memory-safe") {
            let m := 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF
            let size := shl(mload(add(stage, 32)), 1)
            let mask := sub(shl(lowBits, 1), 1)
            let r := mload(add(stage, 96))
            let acc := add(stage, 256)
            let w0 := 0
            let w1 := 0
            let b := shr(lowBits, r)
            if and(r, mask) {
                // The partial block's real rows, as a whole block's would be folded.
                {
                    let qw := mload(add(eqHi, shl(5, b)))
                    let q0 := and(qw, m)
                    let q1 := shr(128, qw)
                    let ew := mload(add(acc, 128))
                    let off0 := mulmod(0x40000000000, mod(and(ew, m), P), P)
                    let off1 := mulmod(0x40000000000, mod(shr(128, ew), P), P)
                    for { let c := 0 } lt(c, 4) { c := add(c, 1) } {
                        let a := add(acc, shl(5, c))
                        let w := mload(a)
                        let a0 := addmod(mod(and(w, m), P), sub(P, off0), P)
                        let a1 := addmod(mod(shr(128, w), P), sub(P, off1), P)
                        let s := add(stage, add(512, shl(6, c)))
                        mstore(s, addmod(mload(s), addmod(mulmod(a0, q0, P), mulmod(7, mulmod(a1, q1, P), P), P), P))
                        mstore(add(s, 32), addmod(mload(add(s, 32)), addmod(mulmod(a0, q1, P), mulmod(a1, q0, P), P), P))
                        mstore(a, 0)
                    }
                    mstore(add(acc, 128), 0)
                }
                let e0 := 0
                let e1 := 0
                for { let lo := and(r, mask) } iszero(gt(lo, mask)) { lo := add(lo, 1) } {
                    let e := mload(add(eqLo, shl(5, lo)))
                    e0 := addmod(e0, and(e, m), P)
                    e1 := addmod(e1, shr(128, e), P)
                }
                let qw := mload(add(eqHi, shl(5, b)))
                let q0 := and(qw, m)
                let q1 := shr(128, qw)
                w0 := addmod(mulmod(e0, q0, P), mulmod(7, mulmod(e1, q1, P), P), P)
                w1 := addmod(mulmod(e0, q1, P), mulmod(e1, q0, P), P)
                b := add(b, 1)
            }
            for {} lt(b, shr(lowBits, size)) { b := add(b, 1) } {
                let q := mload(add(eqHi, shl(5, b)))
                w0 := addmod(w0, and(q, m), P)
                w1 := addmod(w1, shr(128, q), P)
            }
            for { let c := 0 } lt(c, 4) { c := add(c, 1) } {
                let v := mload(add(stage, add(128, shl(5, c))))
                let s := add(stage, add(512, shl(6, c)))
                mstore(s, addmod(mload(s), mulmod(v, w0, P), P))
                mstore(add(s, 32), addmod(mload(add(s, 32)), mulmod(v, w1, P), P))
            }
            mstore(add(stage, 96), size)
        }
    }
}
