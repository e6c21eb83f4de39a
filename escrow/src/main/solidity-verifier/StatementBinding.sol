// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import "./Goldilocks.sol";
import "./FiatShamir.sol";

/// @notice The first steps of a zkaudit model proof on chain: the statement and the commitments
/// into the transcript, then the input binding, in the order and with the decisions of the Java
/// verifier's `ProofReduction.bindStatement` and `bindInput` (docs/onchain-verifier.md, "The
/// statement binding"). It ends in the transcript state the lookup verifier (`LogUpVerifier`)
/// starts from, so that no later contract takes a transcript state on trust.
///
/// Inputs:
///  - `plan`: the model's public statement as words (`StatementEncoding.plan` in Java): the key's
///    digest and weight commitment, the input's shape, proof layout and type, the output's size
///    and type, the weight shadow's size, and per kind of proof (plain, zero-knowledge) the input
///    layout's height bits, the input column and the witness commitments' sizes. All of it derives
///    from the verifying key; the fact holds keccak(plan), which its reader compares with the
///    registered model's;
///  - `input`: the input values as little-endian int32, the bytes whose SHA-256 is the input hash
///    of the transcript and of the escrows' answers (`ModelVerifier.inputHash`);
///  - `header`: exactly the first bytes of Java's `ModelProof.encode()`: magic, version, flags,
///    model digest, output, witness commitments, weight shadow, input evaluation (the lookup proof
///    follows them in the file and goes to `LogUpVerifier`).
///
/// Outputs: the transcript state after the input binding; the SHA-256 of the input and of the
/// output (as the escrows name them); and the keccak of the claim the input binding leaves to the
/// batched opening (the committed input column at the challenge point), in `LogUpVerifier`'s
/// claim format. Proofs about a private input (flags 3) are refused as such: their input is a
/// commitment that no registry holds yet.
contract StatementBinding {
    using FiatShamir for FiatShamir.Transcript;

    enum Reason {
        Valid,
        /// The header's encoding: magic, version, flags, a count over Java's limit, a short read,
        /// a non-canonical element, trailing bytes.
        Malformed,
        /// The plan is not a statement this contract reads.
        BadStatement,
        /// The proof is about a committed, private input (not verified on chain yet).
        PrivateInput,
        /// The proof names another model than the plan's key.
        WrongModel,
        /// The input has the wrong number of values or a value outside the input's type.
        BadInput,
        /// The output has the wrong number of values or a value outside the output's type.
        BadOutput,
        /// A commitment count or size differs from the model's layout.
        Commitments,
        /// The committed input column is not the given input at the challenge point.
        InputEvaluation
    }

    error Rejected(Reason reason, uint256 detail);

    event StatementBound(
        bytes32 indexed fact, bytes32 planHash, bytes32 inputHash, bytes32 outputHash, bytes32 stateOut, bytes32 claimsHash
    );

    /// @notice Facts recorded by `record` (see `factOf`).
    mapping(bytes32 => bool) public verified;

    uint256 private constant P = 0xFFFFFFFF00000001;
    // ModelProof: format version, decoding limits; PcsParams.MAX_NUM_VARS.
    uint256 private constant VERSION = 9;
    uint256 private constant MAX_OUTPUT = 1 << 20;
    uint256 private constant MAX_BINS = 8;
    uint256 private constant MAX_NUM_VARS = 27;
    // The largest input the plan may describe: 2^20 values (4 MB, far beyond a transaction).
    uint256 private constant MAX_INPUT_VARS = 20;

    /// @dev The plan, decoded. Signed bounds are held as int256.
    struct Plan {
        bytes32 key;
        bytes32 weightRoot;
        uint256 weightVars;
        uint256 height;
        uint256 width;
        uint256 channels;
        uint256 wBits;
        uint256 cBits;
        int256 inMin;
        int256 inMax;
        uint256 outSize;
        int256 outMin;
        int256 outMax;
        uint256 shadowVars;
        // per kind (0 plain, 1 zero-knowledge): the input layout's height bits, the input column,
        // where its witness commitments' sizes start in the plan and how many there are
        uint256[2] hBits;
        uint256[2] inputColumn;
        uint256[2] binsAt;
        uint256[2] bins;
    }

    /// @dev Where the header's sections are.
    struct Header {
        bool zk;
        uint256 outputAt; // the output values (after their count)
        uint256 outputs;
        uint256 binsAt; // the witness commitments (after their count)
        uint256 bins;
        uint256 shadowAt;
        uint256 evalAt;
    }

    // ------------------------------------------------------------------ entry points

    /// @notice Binds the statement and the input; reverts with Rejected(reason, detail) if the
    /// header, the input or the plan is refused.
    /// @return stateOut the transcript state after the input binding (where the lookups start)
    /// @return inputHash SHA-256 of the input's little-endian int32 values
    /// @return outputHash SHA-256 of the output's little-endian int32 values
    /// @return claimsHash the keccak of the input claim left to the batched opening
    function bind(uint256[] calldata plan, bytes calldata input, bytes calldata header)
        public
        pure
        returns (bytes32 stateOut, bytes32 inputHash, bytes32 outputHash, bytes32 claimsHash)
    {
        Plan memory s = _plan(plan);
        // Java decodes the whole proof before it checks anything.
        Header memory h = _header(header);
        // ModelVerifier.verify refuses a proof about a private input before its reduction.
        if (uint8(header[8]) & 2 != 0) revert Rejected(Reason.PrivateInput, 0);
        if (bytes32(header[9:41]) != s.key) revert Rejected(Reason.WrongModel, 0);
        uint256 kind = h.zk ? 1 : 0;
        _input(s, input);
        _output(s, h, header);
        inputHash = sha256(input);
        outputHash = sha256(header[h.outputAt:h.outputAt + 4 * h.outputs]);

        FiatShamir.Transcript memory t = _statement(s, h, header, inputHash);
        // The witness commitments and the weight shadow, each against the size the model gives it.
        if (h.bins != s.bins[kind]) revert Rejected(Reason.Commitments, h.bins);
        for (uint256 b = 0; b < h.bins; ++b) {
            uint256 at = h.binsAt + 33 * b;
            uint256 numVars = uint8(header[at + 32]);
            if (numVars != plan[s.binsAt[kind] + b]) revert Rejected(Reason.Commitments, b);
            _absorbCommitment(t, bytes32(header[at:at + 32]), numVars);
        }
        if (h.zk) {
            uint256 numVars = uint8(header[h.shadowAt + 32]);
            if (numVars != s.shadowVars) revert Rejected(Reason.Commitments, MAX_BINS);
            _absorbCommitment(t, bytes32(header[h.shadowAt:h.shadowAt + 32]), numVars);
        }

        // The input binding: the committed input column at a random point must be the input's
        // own multilinear extension there (Schwartz-Zippel).
        uint256 n = s.hBits[kind] + s.wBits + s.cBits;
        uint256[] memory point = t.challengeFields("input-point", 2 * n);
        t.absorbCalldata("input-eval", header[h.evalAt:h.evalAt + 16]);
        (uint256 e0, uint256 e1) = _evaluate(s, kind, input, point);
        (uint256 c0, uint256 c1) = _ext(header, h.evalAt);
        if (e0 != c0 || e1 != c1) revert Rejected(Reason.InputEvaluation, 0);
        claimsHash = _inputClaim(s.inputColumn[kind], point, c0, c1);
        stateOut = t.state;
    }

    /// @notice `bind` as a return value, for callers that must not revert: Valid or the reason.
    function check(uint256[] calldata plan, bytes calldata input, bytes calldata header)
        external
        view
        returns (
            Reason reason,
            uint256 detail,
            bytes32 stateOut,
            bytes32 inputHash,
            bytes32 outputHash,
            bytes32 claimsHash
        )
    {
        try this.bind(plan, input, header) returns (bytes32 s, bytes32 i, bytes32 o, bytes32 c) {
            return (Reason.Valid, 0, s, i, o, c);
        } catch (bytes memory err) {
            if (err.length == 68 && bytes4(err) == Rejected.selector) {
                assembly ("memory-safe") {
                    reason := mload(add(err, 36))
                    detail := mload(add(err, 68))
                }
                return (reason, detail, bytes32(0), bytes32(0), bytes32(0), bytes32(0));
            }
            assembly ("memory-safe") {
                revert(add(err, 32), mload(err))
            }
        }
    }

    /// @notice Binds in a transaction and records the fact.
    function record(uint256[] calldata plan, bytes calldata input, bytes calldata header)
        external
        returns (bytes32 fact)
    {
        (bytes32 stateOut, bytes32 inputHash, bytes32 outputHash, bytes32 claimsHash) = bind(plan, input, header);
        bytes32 planHash = keccak256(abi.encodePacked(plan));
        fact = factOf(planHash, inputHash, outputHash, stateOut, claimsHash);
        verified[fact] = true;
        emit StatementBound(fact, planHash, inputHash, outputHash, stateOut, claimsHash);
    }

    /// @notice The fact a bound statement establishes: a proof of the model whose plan hashes to
    /// planHash, about the input and output with these SHA-256 hashes, whose transcript is at
    /// stateOut after its commitments and input binding, leaving the input claim that hashes to
    /// claimsHash.
    function factOf(bytes32 planHash, bytes32 inputHash, bytes32 outputHash, bytes32 stateOut, bytes32 claimsHash)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode("zkaudit/statement/v1", planHash, inputHash, outputHash, stateOut, claimsHash));
    }

    // ------------------------------------------------------------------ the plan

    function _word(uint256[] calldata plan, uint256 i, uint256 max) private pure returns (uint256 v) {
        if (i >= plan.length) revert Rejected(Reason.BadStatement, i);
        v = plan[i];
        if (v > max) revert Rejected(Reason.BadStatement, i);
    }

    /// @dev A signed 32-bit bound, written as its 64-bit two's complement.
    function _signed(uint256[] calldata plan, uint256 i) private pure returns (int256 v) {
        uint256 w = _word(plan, i, type(uint64).max);
        assembly ("memory-safe") {
            v := signextend(7, w)
        }
        if (v < type(int32).min || v > type(int32).max) revert Rejected(Reason.BadStatement, i);
    }

    /// @dev Words: key digest, weight root, weight variables, input height, width, channels,
    /// width bits, channel bits, input min, max, output size, min, max, shadow variables; then per
    /// kind (plain, zero-knowledge): height bits, input column, witness commitments' count and
    /// their variables.
    function _plan(uint256[] calldata plan) private pure returns (Plan memory s) {
        unchecked {
            s.key = bytes32(_word(plan, 0, type(uint256).max));
            s.weightRoot = bytes32(_word(plan, 1, type(uint256).max));
            s.weightVars = _word(plan, 2, MAX_NUM_VARS);
            s.height = _word(plan, 3, 1 << MAX_INPUT_VARS);
            s.width = _word(plan, 4, 1 << MAX_INPUT_VARS);
            s.channels = _word(plan, 5, 1 << MAX_INPUT_VARS);
            s.wBits = _word(plan, 6, MAX_INPUT_VARS);
            s.cBits = _word(plan, 7, MAX_INPUT_VARS);
            s.inMin = _signed(plan, 8);
            s.inMax = _signed(plan, 9);
            s.outSize = _word(plan, 10, MAX_OUTPUT);
            s.outMin = _signed(plan, 11);
            s.outMax = _signed(plan, 12);
            s.shadowVars = _word(plan, 13, MAX_NUM_VARS);
            if (s.height == 0 || s.width == 0 || s.channels == 0 || s.outSize == 0) {
                revert Rejected(Reason.BadStatement, 3);
            }
            if (s.inMin > s.inMax || s.outMin > s.outMax) revert Rejected(Reason.BadStatement, 8);
            if (s.width > 1 << s.wBits || s.channels > 1 << s.cBits) revert Rejected(Reason.BadStatement, 6);
            uint256 at = 14;
            for (uint256 kind = 0; kind < 2; ++kind) {
                s.hBits[kind] = _word(plan, at, MAX_INPUT_VARS);
                if (s.height > 1 << s.hBits[kind] || s.hBits[kind] + s.wBits + s.cBits > MAX_INPUT_VARS) {
                    revert Rejected(Reason.BadStatement, at);
                }
                s.inputColumn[kind] = _word(plan, at + 1, type(uint32).max);
                s.bins[kind] = _word(plan, at + 2, MAX_BINS);
                if (s.bins[kind] == 0) revert Rejected(Reason.BadStatement, at + 2);
                s.binsAt[kind] = at + 3;
                for (uint256 b = 0; b < s.bins[kind]; ++b) {
                    _word(plan, at + 3 + b, MAX_NUM_VARS);
                }
                at += 3 + s.bins[kind];
            }
            if (at != plan.length) revert Rejected(Reason.BadStatement, at);
        }
    }

    // ------------------------------------------------------------------ the header

    function _need(bytes calldata b, uint256 at, uint256 n) private pure {
        if (at + n > b.length) revert Rejected(Reason.Malformed, at);
    }

    function _u32(bytes calldata b, uint256 at) private pure returns (uint256 v) {
        _need(b, at, 4);
        assembly ("memory-safe") {
            v := shr(224, calldataload(add(b.offset, at)))
        }
        v = FiatShamir.bswap32(v);
    }

    /// @dev A commitment: its root, then u8 variables at most PcsParams.MAX_NUM_VARS.
    function _commitment(bytes calldata b, uint256 at) private pure returns (uint256) {
        _need(b, at, 33);
        if (uint8(b[at + 32]) > MAX_NUM_VARS) revert Rejected(Reason.Malformed, at + 32);
        return at + 33;
    }

    /// @dev ModelProof.decode up to the input evaluation, which must end the header.
    function _header(bytes calldata b) private pure returns (Header memory h) {
        unchecked {
            _need(b, 0, 41);
            if (bytes4(b[0:4]) != "ZKPF") revert Rejected(Reason.Malformed, 0);
            if (_u32(b, 4) != VERSION) revert Rejected(Reason.Malformed, 4);
            uint256 flags = uint8(b[8]);
            if (flags > 1 && flags != 3) revert Rejected(Reason.Malformed, 8);
            h.zk = flags & 1 == 1;
            h.outputs = _u32(b, 41);
            if (h.outputs > MAX_OUTPUT) revert Rejected(Reason.Malformed, 41);
            h.outputAt = 45;
            uint256 at = h.outputAt + 4 * h.outputs;
            h.bins = _u32(b, at);
            if (h.bins > MAX_BINS) revert Rejected(Reason.Malformed, at);
            h.binsAt = at + 4;
            at = h.binsAt;
            for (uint256 i = 0; i < h.bins; ++i) {
                at = _commitment(b, at);
            }
            h.shadowAt = at;
            if (h.zk) at = _commitment(b, at);
            if (flags == 3) at = _commitment(b, at); // a private input's shadow
            h.evalAt = at;
            _need(b, at, 16);
            (uint256 c0, uint256 c1) = _ext(b, at);
            if (c0 >= P || c1 >= P) revert Rejected(Reason.Malformed, at);
            if (at + 16 != b.length) revert Rejected(Reason.Malformed, at + 16);
        }
    }

    /// @dev Two little-endian u64 words (unchecked: the caller checks canonicity).
    function _ext(bytes calldata b, uint256 at) private pure returns (uint256 c0, uint256 c1) {
        uint256 v;
        assembly ("memory-safe") {
            v := calldataload(add(b.offset, at))
        }
        c0 = FiatShamir.bswap64(v >> 192);
        c1 = FiatShamir.bswap64((v >> 128) & 0xFFFFFFFFFFFFFFFF);
    }

    // ------------------------------------------------------------------ input and output

    /// @dev Java's checkValues on the input: its number of values and each within the input's
    /// type. One pass in Yul over the calldata; the values are read again where they are
    /// evaluated (`_evaluate`), after the transcript, as Java's order of checks has it.
    function _input(Plan memory s, bytes calldata input) private pure {
        unchecked {
            uint256 count = s.height * s.width * s.channels;
            if (input.length != 4 * count) revert Rejected(Reason.BadInput, input.length / 4);
            int256 lo = s.inMin;
            int256 hi = s.inMax;
            uint256 bad = 0; // 1 + the first value outside [lo, hi]
            assembly ("memory-safe") {
                let at := input.offset
                for { let k := 0 } lt(k, count) { k := add(k, 1) } {
                    let w := shr(224, calldataload(add(at, shl(2, k))))
                    w := or(or(shl(24, and(w, 0xFF)), shl(8, and(w, 0xFF00))), or(and(shr(8, w), 0xFF00), shr(24, w)))
                    let v := signextend(3, w)
                    if or(slt(v, lo), sgt(v, hi)) {
                        bad := add(k, 1)
                        break
                    }
                }
            }
            if (bad != 0) revert Rejected(Reason.BadInput, bad - 1);
        }
    }

    function _output(Plan memory s, Header memory h, bytes calldata header) private pure {
        unchecked {
            if (h.outputs != s.outSize) revert Rejected(Reason.BadOutput, h.outputs);
            for (uint256 k = 0; k < h.outputs; ++k) {
                int256 v = _int32(header, h.outputAt + 4 * k);
                if (v < s.outMin || v > s.outMax) revert Rejected(Reason.BadOutput, k);
            }
        }
    }

    /// @dev A little-endian int32, sign-extended.
    function _int32(bytes calldata b, uint256 at) private pure returns (int256 v) {
        uint256 w;
        assembly ("memory-safe") {
            w := shr(224, calldataload(add(b.offset, at)))
        }
        w = FiatShamir.bswap32(w);
        assembly ("memory-safe") {
            v := signextend(3, w)
        }
    }

    // ------------------------------------------------------------------ the transcript

    /// @dev InferenceStatement.transcript: domain, format version, zero-knowledge flag, model
    /// digest, weight commitment, input hash, output (as field elements).
    function _statement(Plan memory s, Header memory h, bytes calldata header, bytes32 inputHash)
        private
        pure
        returns (FiatShamir.Transcript memory t)
    {
        unchecked {
            string memory domain = "zkaudit/inference/v1";
            t.state = sha256(abi.encodePacked("zkaudit/transcript/v1", FiatShamir.le32(bytes(domain).length), domain));
            t.absorbLong("proof-version", VERSION);
            t.absorbLong("zero-knowledge", h.zk ? 1 : 0);
            t.absorbCalldata("model", header[9:41]);
            _absorbCommitment(t, s.weightRoot, s.weightVars);
            t.absorbDigest("input-hash", inputHash);
            bytes memory f = new bytes(8 * h.outputs);
            for (uint256 k = 0; k < h.outputs; ++k) {
                int256 v = _int32(header, h.outputAt + 4 * k);
                bytes8 w = FiatShamir.le64(v < 0 ? uint256(int256(P) + v) : uint256(v));
                assembly ("memory-safe") {
                    mstore(add(add(f, 32), mul(k, 8)), w)
                }
            }
            t.absorb("output", f);
        }
    }

    /// @dev Commitment.absorb.
    function _absorbCommitment(FiatShamir.Transcript memory t, bytes32 root, uint256 numVars) private pure {
        t.absorbDigest("pcs/commitment", root);
        t.absorbLong("pcs/num-vars", numVars);
    }

    // ------------------------------------------------------------------ the input's extension

    /// @dev The input placed in its layout (TensorLayout.place: channel in the low bits, then
    /// width, then height; padding zero) evaluated at `point` (2n words, (c0, c1) per coordinate,
    /// coordinate j the index's bit j). eq factors over the three groups of bits, so the sum is
    /// sum_y eqY[y] sum_(x,c) eqXC[c + 2^cBits x] v(y, x, c): base-by-extension products inside.
    function _evaluate(Plan memory s, uint256 kind, bytes calldata input, uint256[] memory point)
        private
        pure
        returns (uint256 r0, uint256 r1)
    {
        unchecked {
            uint256 low = s.cBits + s.wBits;
            (uint256[] memory xc0, uint256[] memory xc1) = _eqTable(point, 0, low);
            (uint256[] memory y0, uint256[] memory y1) = _eqTable(point, low, low + s.hBits[kind]);
            uint256 cBits = s.cBits;
            uint256 width = s.width;
            uint256 channels = s.channels;
            uint256 at;
            assembly ("memory-safe") {
                at := input.offset
            }
            for (uint256 y = 0; y < s.height; ++y) {
                uint256 a0;
                uint256 a1;
                assembly ("memory-safe") {
                    // Sums of at most 2^20 products below p^2 < 2^128 fit a word: reduce once per
                    // row. A value is its signed embedding, p + v for v < 0.
                    let t0 := add(xc0, 32)
                    let t1 := add(xc1, 32)
                    for { let x := 0 } lt(x, width) { x := add(x, 1) } {
                        let e := shl(5, shl(cBits, x))
                        for { let c := 0 } lt(c, channels) { c := add(c, 1) } {
                            let w := shr(224, calldataload(at))
                            at := add(at, 4)
                            w := or(or(shl(24, and(w, 0xFF)), shl(8, and(w, 0xFF00))), or(and(shr(8, w), 0xFF00), shr(24, w)))
                            let v := signextend(3, w)
                            if slt(v, 0) { v := add(P, v) }
                            a0 := add(a0, mul(v, mload(add(t0, e))))
                            a1 := add(a1, mul(v, mload(add(t1, e))))
                            e := add(e, 32)
                        }
                    }
                    a0 := mod(a0, P)
                    a1 := mod(a1, P)
                }
                (a0, a1) = Goldilocks.emul(a0, a1, y0[y], y1[y]);
                r0 = addmod(r0, a0, P);
                r1 = addmod(r1, a1, P);
            }
        }
    }

    /// @dev eq(r, i) for i over the bits [from, to) of the point (Mle.eqTable: each coordinate is
    /// the new high bit).
    function _eqTable(uint256[] memory point, uint256 from, uint256 to)
        private
        pure
        returns (uint256[] memory t0, uint256[] memory t1)
    {
        unchecked {
            t0 = new uint256[](1 << (to - from));
            t1 = new uint256[](1 << (to - from));
            t0[0] = 1;
            uint256 size = 1;
            for (uint256 j = from; j < to; ++j) {
                uint256 c0 = point[2 * j];
                uint256 c1 = point[2 * j + 1];
                for (uint256 i = 0; i < size; ++i) {
                    (uint256 h0, uint256 h1) = Goldilocks.emul(t0[i], t1[i], c0, c1);
                    t0[i + size] = h0;
                    t1[i + size] = h1;
                    t0[i] = addmod(t0[i], P - h0, P);
                    t1[i] = addmod(t1[i], P - h1, P);
                }
                size <<= 1;
            }
        }
    }

    /// @dev The input claim, as LogUpVerifier hashes its claims: keccak(0, kind 7, column, 0,
    /// n, point (packed c0 | c1 << 64 per coordinate), 1, value).
    function _inputClaim(uint256 column, uint256[] memory point, uint256 c0, uint256 c1)
        private
        pure
        returns (bytes32)
    {
        unchecked {
            uint256 n = point.length / 2;
            uint256[] memory buf = new uint256[](7 + n);
            buf[1] = 7;
            buf[2] = column;
            buf[4] = n;
            for (uint256 j = 0; j < n; ++j) {
                buf[5 + j] = point[2 * j] | (point[2 * j + 1] << 64);
            }
            buf[5 + n] = 1;
            buf[6 + n] = c0 | (c1 << 64);
            return keccak256(abi.encodePacked(buf));
        }
    }
}
