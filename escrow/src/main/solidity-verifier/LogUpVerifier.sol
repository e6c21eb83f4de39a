// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import "./PackedExt2.sol";
import "./Goldilocks.sol";
import "./FiatShamir.sol";

/// @notice On-chain verifier of zkaudit's logUp-GKR lookup argument: the same decisions, bit for
/// bit, as the Java `io.zkaudit.lookup.LogUpVerifier.verify` on the same bytes
/// (docs/onchain-verifier.md, "The lookup verifier").
///
/// Inputs:
///  - `stateIn`: the transcript state before the lookups (the caller has absorbed the commitments);
///  - `plan`: the public statement as words (`LogUpEncoding.plan` in Java): the shape the
///    transcript absorbs, every table column (an identity column's offset, an explicit column's
///    SHA-256), and what Java derives from the statement: the witness trees with their groups'
///    placements and, blinded, each group's blinding rows. The plan's keccak is part of the fact,
///    so whoever reads the fact compares it with the plan of the statement it expects;
///  - `tables`: per explicit table column, in plan order, either its values (little-endian words,
///    which must hash to the SHA-256 in the plan; a column the plan marks inline) or, for a column
///    the plan marks deferred (too large for calldata: a model's rounding table has 2^16 rows of
///    4 columns), the value its MLE takes at the GKR's point. A deferred column's value is not
///    checked here: it becomes a claim among the output claims ("the column with this SHA-256 is v
///    at this point"), which whoever reads the fact must discharge (an opening of the table's
///    commitment), exactly like the claims on committed columns;
///  - `proof`: exactly the bytes of Java's `LogUpProof.encode()`.
///
/// Output: the transcript state after the lookups and the keccak of the claims Java's verifier
/// leaves to the rest of the proof (evaluation claims on the multiplicity, witness, blinding and
/// mask columns, `LogUpEncoding.claimsHash`). `record` stores the fact
/// keccak("zkaudit/logup/v1", keccak(plan), stateIn, stateOut, claimsHash) for a later contract.
///
/// Extension elements are held packed in one word, c0 | c1 << 64 (both canonical), which keeps the
/// GKR's bookkeeping to one stack slot per value. The functions run unchecked: their integers are
/// offsets and counters bounded by the calldata's length, and field arithmetic is addmod/mulmod;
/// checked arithmetic was a tenth of the gas.
contract LogUpVerifier {
    using FiatShamir for FiatShamir.Transcript;

    enum Reason {
        Valid,
        /// The proof's encoding: a count over Java's decoding limit, a short read, a non-canonical
        /// element, trailing bytes.
        Malformed,
        /// The plan or the table values are not a statement this contract reads.
        BadStatement,
        /// A statement the contract does not verify on chain: an inline explicit table column over
        /// 2^MAX_EXPLICIT_VARS rows (its values would not fit a transaction; such a column is
        /// deferred instead).
        Unsupported,
        /// A list of the proof has another length than the statement fixes.
        Shape,
        /// The root fractions of a lookup's witness trees do not sum to its table tree's, or a root
        /// denominator is zero.
        RootSum,
        /// A GKR layer's sumcheck ends in a claim its evaluations do not give.
        LayerSumcheck,
        /// A sumcheck without variables carries a nonzero mask value.
        EmptyMask,
        /// A table tree's leaf denominator is not the table's at the GKR's point.
        TableLeaf,
        /// A witness tree's leaf numerator or denominator does not match the groups' evaluations.
        WitnessLeaf,
        /// A group without blinding rows has a nonzero blinding sum.
        BlindingSum
    }

    error Rejected(Reason reason, uint256 detail);

    event LookupsVerified(bytes32 indexed fact, bytes32 planHash, bytes32 stateIn, bytes32 stateOut, bytes32 claimsHash);

    /// @notice Facts recorded by `record` (see `factOf`).
    mapping(bytes32 => bool) public verified;

    /// @notice Inline explicit table columns up to 2^14 rows: 128 KiB of values for such a column
    /// is already a transaction's size limit (larger ones are deferred, see `tables`).
    uint256 public constant MAX_EXPLICIT_VARS = 14;

    uint256 private constant P = 0xFFFFFFFF00000001;
    uint256 private constant M64 = 0xFFFFFFFFFFFFFFFF;
    // Java's decoding limits (LogUpProof.decode, SumcheckProof.decode).
    uint256 private constant MAX_TREES = 512;
    uint256 private constant MAX_LAYERS = 32;
    uint256 private constant MAX_ROUNDS = 40;
    uint256 private constant MAX_DEGREE = 8;
    uint256 private constant MAX_TABLES = 1 << 17;
    uint256 private constant MAX_LOOKUPS = 256;
    uint256 private constant MAX_GROUPS_PER_LOOKUP = 1024;
    uint256 private constant MAX_GROUPS = MAX_LOOKUPS * MAX_GROUPS_PER_LOOKUP;
    uint256 private constant MAX_WIDTH = 8;
    uint256 private constant MAX_MASKS = 2 * MAX_LAYERS;
    // The statement's limits (LookupStatement, LookupTable, LogUpBlinding).
    uint256 private constant MAX_TABLE_VARS = 22;
    uint256 private constant MAX_WITNESS_VARS = 30;
    uint256 private constant MAX_BLINDING_ROWS = 16;
    uint256 private constant MAX_WITNESS_TREES = 3;
    // Lagrange denominators of the nodes 0..3: 1/(-6), 1/2, 1/(-2), 1/6.
    uint256 private constant INV_M6 = 0x2aaaaaaa80000000;
    uint256 private constant INV_2 = 0x7fffffff80000001;
    uint256 private constant INV_M2 = 0x7fffffff80000000;
    uint256 private constant INV_6 = 0xd555555480000001;

    struct Column {
        // 1: identity (value = its offset); 2: explicit, inline (value = the SHA-256 of its values);
        // 3: explicit, deferred (value = the SHA-256 of its values)
        uint256 kind;
        uint256 value;
        uint256 at; // explicit: where its values (inline) or its claimed evaluation (deferred) are
    }

    struct Lookup {
        uint256 tableVars;
        uint256 width;
        Column[] columns;
        uint256 firstGroup; // ordinal of its first group among all groups
        uint256 groups;
        uint256 tupleVars; // blinded: variables of its blinding tuple columns
    }

    struct Group {
        uint256 lookup;
        uint256 index; // within its lookup
        uint256 numVars;
        uint256[] bits;
        uint256[] sizes;
        uint256[] rows; // blinded: its blinding rows
        bool full;
        uint256 tree; // the tree that holds it
    }

    struct Tree {
        bool table;
        uint256 lookup;
        uint256 numVars;
        uint256[] groups; // ordinals, increasing
        uint256[] offsets; // leaf offsets
        bool leafOne; // full groups fill the tree: the leaf layer omits p
    }

    struct Statement {
        bool blinded;
        bool masked;
        Lookup[] lookups;
        Group[] groups;
        Tree[] trees;
        uint256 maxN;
        bytes shape; // the words `logup/shape` absorbs
    }

    /// @dev Where the proof's sections start (after their counts).
    struct Proof {
        uint256 nTrees;
        uint256 roots;
        uint256 nLayers;
        uint256 layers;
        uint256 nGroups;
        uint256 groups;
        uint256 nMasks;
        uint256 masks;
        uint256 nSums;
        uint256 sums;
        uint256 nTuples;
        uint256 tuples;
    }

    struct Run {
        FiatShamir.Transcript t;
        uint256 alpha;
        uint256 beta;
        uint256[] p; // per tree: its current claim p, q
        uint256[] q;
        uint256[][] pts; // pts[l]: the point after GKR layer l (l coordinates)
        uint256[] mult; // per lookup: the multiplicity claim's value
        uint256[] groupAt; // per group: offset of its evaluation list (at its count)
        uint256[] tupleAt; // per lookup: offset of its blinding tuple (at its count)
    }

    // ------------------------------------------------------------------ entry points

    /// @notice Verifies a logUp-GKR proof; reverts with Rejected(reason, detail) if it is invalid.
    /// @return stateOut the transcript state after the lookups
    /// @return claimsHash the keccak of the claims left to the rest of the proof
    function verify(bytes32 stateIn, uint256[] calldata plan, bytes calldata tables, bytes calldata proof)
        public pure returns (bytes32 stateOut, bytes32 claimsHash)
    {
        Statement memory s = _statement(plan, tables);
        // Java decodes the whole proof before it verifies anything.
        Proof memory f = _layout(proof);
        _checkShape(s, f);
        Run memory r;
        r.t.state = stateIn;
        _start(s, r, f, proof);
        for (uint256 i = 0; i < s.trees.length; ++i) {
            if (s.trees[i].numVars == 0) _leaf(s, r, f, tables, proof, i);
        }
        uint256 at = f.layers;
        for (uint256 l = 1; l <= s.maxN; ++l) {
            at = _layer(s, r, f, proof, l, at);
            for (uint256 i = 0; i < s.trees.length; ++i) {
                if (s.trees[i].numVars == l) _leaf(s, r, f, tables, proof, i);
            }
        }
        return (r.t.state, _claimsHash(s, r, f, proof, tables));
    }

    /// @notice `verify` as a return value, for callers that must not revert: Valid or the reason.
    function check(bytes32 stateIn, uint256[] calldata plan, bytes calldata tables, bytes calldata proof)
        external view returns (Reason reason, uint256 detail, bytes32 stateOut, bytes32 claimsHash)
    {
        try this.verify(stateIn, plan, tables, proof) returns (bytes32 out, bytes32 h) {
            return (Reason.Valid, 0, out, h);
        } catch (bytes memory err) {
            if (err.length == 68 && bytes4(err) == Rejected.selector) {
                assembly ("memory-safe") {
                    reason := mload(add(err, 36))
                    detail := mload(add(err, 68))
                }
                return (reason, detail, bytes32(0), bytes32(0));
            }
            assembly ("memory-safe") {
                revert(add(err, 32), mload(err))
            }
        }
    }

    /// @notice Verifies in a transaction and records the fact (a transaction completes or reverts
    /// as a whole, so a recorded fact was verified with all the gas it needed).
    function record(bytes32 stateIn, uint256[] calldata plan, bytes calldata tables, bytes calldata proof)
        external returns (bytes32 fact)
    {
        (bytes32 stateOut, bytes32 claimsHash) = verify(stateIn, plan, tables, proof);
        bytes32 planHash = keccak256(abi.encodePacked(plan));
        fact = factOf(planHash, stateIn, stateOut, claimsHash);
        verified[fact] = true;
        emit LookupsVerified(fact, planHash, stateIn, stateOut, claimsHash);
    }

    /// @notice The fact a verified proof establishes: the lookups of the statement whose plan
    /// hashes to planHash hold, the transcript going from stateIn to stateOut, leaving the claims
    /// that hash to claimsHash.
    function factOf(bytes32 planHash, bytes32 stateIn, bytes32 stateOut, bytes32 claimsHash)
        public pure returns (bytes32)
    {
        return keccak256(abi.encode("zkaudit/logup/v1", planHash, stateIn, stateOut, claimsHash));
    }

    // ------------------------------------------------------------------ the statement

    function _word(uint256[] calldata plan, uint256 i, uint256 max) private pure returns (uint256 v) {
        if (i >= plan.length) revert Rejected(Reason.BadStatement, i);
        v = plan[i];
        if (v > max) revert Rejected(Reason.BadStatement, i);
    }

    /// @dev Appends one little-endian u64 word to the shape bytes (allocated large enough).
    function _shapeWord(bytes memory shape, uint256 n, uint256 v) private pure returns (uint256) {
        bytes8 w = FiatShamir.le64(v);
        assembly ("memory-safe") {
            mstore(add(add(shape, 32), mul(n, 8)), w)
        }
        return n + 1;
    }

    /// @dev Reads the plan: lookups (table, groups with extents and blinding rows), then each
    /// lookup's witness trees with their placements. Checks the values Java's statement types
    /// check, the table values against their digests, and that every group sits once, aligned, in
    /// its lookup's trees without overlap.
    function _statement(uint256[] calldata plan, bytes calldata tables) private pure returns (Statement memory s) {
        unchecked {
            uint256 c = 0;
            uint256 nL = _word(plan, c++, MAX_LOOKUPS);
            if (nL == 0) revert Rejected(Reason.BadStatement, 0);
            s.blinded = _word(plan, c++, 1) == 1;
            s.masked = _word(plan, c++, 1) == 1;
            s.lookups = new Lookup[](nL);
            s.shape = new bytes(8 * plan.length + 32);
            uint256 sw = _shapeWord(s.shape, 0, nL);
            sw = _shapeWord(s.shape, sw, s.blinded ? 1 : 0);
            // Upper bounds for the allocations: every group and tree takes at least two plan words.
            Group[] memory groups = new Group[](plan.length / 2);
            Tree[] memory trees = new Tree[](plan.length / 2);
            uint256 nG = 0;
            uint256 nT = 0;
            uint256 tableAt = 0;
            for (uint256 l = 0; l < nL; ++l) {
                Lookup memory lk = s.lookups[l];
                lk.tableVars = _word(plan, c++, MAX_TABLE_VARS);
                lk.width = _word(plan, c++, MAX_WIDTH);
                lk.groups = _word(plan, c++, MAX_GROUPS_PER_LOOKUP);
                if (lk.width == 0 || lk.groups == 0) revert Rejected(Reason.BadStatement, c);
                sw = _shapeWord(s.shape, sw, lk.tableVars);
                sw = _shapeWord(s.shape, sw, lk.width);
                sw = _shapeWord(s.shape, sw, lk.groups);
                lk.columns = new Column[](lk.width);
                for (uint256 k = 0; k < lk.width; ++k) {
                    uint256 kind = _word(plan, c++, 3);
                    uint256 value = _word(plan, c++, type(uint256).max);
                    if (kind == 1) {
                        if (value >= P) revert Rejected(Reason.BadStatement, c - 1);
                    } else if (kind == 2) {
                        if (lk.tableVars > MAX_EXPLICIT_VARS) revert Rejected(Reason.Unsupported, lk.tableVars);
                        uint256 len = 8 << lk.tableVars;
                        if (tableAt + len > tables.length) revert Rejected(Reason.BadStatement, tableAt);
                        if (uint256(sha256(tables[tableAt:tableAt + len])) != value) {
                            revert Rejected(Reason.BadStatement, tableAt);
                        }
                        _checkCanonical(tables, tableAt, len / 8, Reason.BadStatement);
                        lk.columns[k].at = tableAt;
                        tableAt += len;
                    } else if (kind == 3) {
                        _checkCanonical(tables, tableAt, 2, Reason.BadStatement);
                        lk.columns[k].at = tableAt;
                        tableAt += 16;
                    } else {
                        revert Rejected(Reason.BadStatement, c - 2);
                    }
                    lk.columns[k].kind = kind;
                    lk.columns[k].value = value;
                }
                lk.firstGroup = nG;
                uint256 blindingRows = 0;
                for (uint256 g = 0; g < lk.groups; ++g) {
                    if (nG == groups.length) revert Rejected(Reason.BadStatement, c);
                    (groups[nG], c, sw) = _group(plan, c, s.shape, sw, s.blinded);
                    groups[nG].lookup = l;
                    groups[nG].index = g;
                    blindingRows += groups[nG].rows.length;
                    nG++;
                }
                while ((1 << lk.tupleVars) < blindingRows) lk.tupleVars++;
                if (s.blinded && lk.tupleVars > lk.tableVars) revert Rejected(Reason.BadStatement, l);
                if (nT == trees.length) revert Rejected(Reason.BadStatement, c);
                trees[nT].table = true;
                trees[nT].lookup = l;
                trees[nT].numVars = lk.tableVars + (s.blinded ? 1 : 0);
                nT++;
                uint256 nW = _word(plan, c++, MAX_WITNESS_TREES);
                if (nW == 0) revert Rejected(Reason.BadStatement, c - 1);
                bool[] memory placed = new bool[](lk.groups);
                for (uint256 w = 0; w < nW; ++w) {
                    if (nT == trees.length) revert Rejected(Reason.BadStatement, c);
                    c = _tree(plan, c, groups, trees, nT, lk, l, placed);
                    nT++;
                }
                for (uint256 g = 0; g < lk.groups; ++g) {
                    if (!placed[g]) revert Rejected(Reason.BadStatement, lk.firstGroup + g);
                }
            }
            if (c != plan.length) revert Rejected(Reason.BadStatement, c);
            if (tableAt != tables.length) revert Rejected(Reason.BadStatement, tableAt);
            bytes memory shape = s.shape;
            // Shrink the arrays to what was read, and the shape to the words written.
            assembly ("memory-safe") {
                mstore(groups, nG)
                mstore(trees, nT)
                mstore(shape, mul(sw, 8))
            }
            s.groups = groups;
            s.trees = trees;
            for (uint256 i = 0; i < nT; ++i) {
                if (trees[i].numVars > s.maxN) s.maxN = trees[i].numVars;
            }
        }
    }

    function _group(uint256[] calldata plan, uint256 c, bytes memory shape, uint256 sw, bool blinded)
        private pure returns (Group memory g, uint256, uint256)
    {
        unchecked {
            g.numVars = _word(plan, c++, MAX_WITNESS_VARS);
            uint256 nE = _word(plan, c++, MAX_WITNESS_VARS);
            if (nE == 0) revert Rejected(Reason.BadStatement, c - 1);
            sw = _shapeWord(shape, sw, g.numVars);
            sw = _shapeWord(shape, sw, nE);
            g.bits = new uint256[](nE);
            g.sizes = new uint256[](nE);
            g.full = true;
            uint256 total = 0;
            for (uint256 e = 0; e < nE; ++e) {
                uint256 bits = _word(plan, c++, MAX_WITNESS_VARS);
                uint256 size = _word(plan, c++, 1 << bits);
                if (size == 0) revert Rejected(Reason.BadStatement, c - 1);
                g.bits[e] = bits;
                g.sizes[e] = size;
                g.full = g.full && size == 1 << bits;
                total += bits;
                sw = _shapeWord(shape, sw, bits);
                sw = _shapeWord(shape, sw, size);
            }
            if (total != g.numVars) revert Rejected(Reason.BadStatement, c);
            if (blinded) {
                uint256 nR = _word(plan, c++, MAX_BLINDING_ROWS);
                g.rows = new uint256[](nR);
                for (uint256 k = 0; k < nR; ++k) {
                    // In residue-class order, not necessarily increasing (LookupStatement.Group.blindingRows).
                    g.rows[k] = _word(plan, c++, (1 << g.numVars) - 1);
                }
            }
            return (g, c, sw);
        }
    }

    function _tree(
        uint256[] calldata plan,
        uint256 c,
        Group[] memory groups,
        Tree[] memory trees,
        uint256 ti,
        Lookup memory lk,
        uint256 l,
        bool[] memory placed
    ) private pure returns (uint256) {
        unchecked {
            Tree memory t = trees[ti];
            t.lookup = l;
            t.numVars = _word(plan, c++, MAX_WITNESS_VARS);
            uint256 nP = _word(plan, c++, lk.groups);
            if (nP == 0) revert Rejected(Reason.BadStatement, c - 1);
            t.groups = new uint256[](nP);
            t.offsets = new uint256[](nP);
            uint256 used = 0;
            bool allFull = true;
            for (uint256 k = 0; k < nP; ++k) {
                uint256 g = _word(plan, c++, lk.groups - 1);
                uint256 offset = _word(plan, c++, (1 << t.numVars) - 1);
                if (placed[g] || (k > 0 && lk.firstGroup + g <= t.groups[k - 1])) revert Rejected(Reason.BadStatement, c - 2);
                placed[g] = true;
                Group memory gr = groups[lk.firstGroup + g];
                uint256 size = 1 << gr.numVars;
                if (gr.numVars > t.numVars || offset % size != 0 || offset + size > 1 << t.numVars) {
                    revert Rejected(Reason.BadStatement, c - 1);
                }
                for (uint256 j = 0; j < k; ++j) {
                    uint256 o = t.offsets[j];
                    uint256 z = 1 << groups[t.groups[j]].numVars;
                    if (offset < o + z && o < offset + size) revert Rejected(Reason.BadStatement, c - 1);
                }
                t.groups[k] = lk.firstGroup + g;
                t.offsets[k] = offset;
                gr.tree = ti;
                used += size;
                allFull = allFull && gr.full;
            }
            t.leafOne = allFull && used == 1 << t.numVars;
            return c;
        }
    }

    // ------------------------------------------------------------------ the proof's layout

    function _u32(bytes calldata b, uint256 at) private pure returns (uint256 v) {
        if (at + 4 > b.length) revert Rejected(Reason.Malformed, at);
        assembly ("memory-safe") {
            v := shr(224, calldataload(add(b.offset, at)))
        }
        v = FiatShamir.bswap32(v);
    }

    function _count(bytes calldata b, uint256 at, uint256 max) private pure returns (uint256 n) {
        n = _u32(b, at);
        if (n > max) revert Rejected(Reason.Malformed, at);
    }

    /// @dev Checks that n little-endian words from `at` are canonical field elements.
    function _checkCanonical(bytes calldata b, uint256 at, uint256 n, Reason reason) private pure {
        unchecked {
            if (at + 8 * n > b.length) revert Rejected(reason, at);
            // Every word of a proof passes here: a Yul loop with the byte swap inline.
            uint256 bad = type(uint256).max;
            assembly ("memory-safe") {
                let end := add(add(b.offset, at), mul(n, 8))
                for { let p := add(b.offset, at) } lt(p, end) { p := add(p, 8) } {
                    let w := shr(192, calldataload(p))
                    w := or(shr(8, and(w, 0xFF00FF00FF00FF00)), shl(8, and(w, 0x00FF00FF00FF00FF)))
                    w := or(shr(16, and(w, 0xFFFF0000FFFF0000)), shl(16, and(w, 0x0000FFFF0000FFFF)))
                    w := or(shr(32, w), shl(32, and(w, 0xFFFFFFFF)))
                    if iszero(lt(w, P)) {
                        bad := sub(p, b.offset)
                        break
                    }
                }
            }
            if (bad != type(uint256).max) revert Rejected(reason, bad);
        }
    }

    /// @dev n extension elements from `at`: returns the offset after them.
    function _exts(bytes calldata b, uint256 at, uint256 n) private pure returns (uint256) {
        unchecked {
            _checkCanonical(b, at, 2 * n, Reason.Malformed);
            return at + 16 * n;
        }
    }

    function _layout(bytes calldata b) private pure returns (Proof memory f) {
        unchecked {
            uint256 at = 0;
            f.nTrees = _count(b, at, MAX_TREES);
            f.roots = at + 4;
            at = _exts(b, f.roots, 2 * f.nTrees);
            f.nLayers = _count(b, at, MAX_LAYERS);
            at += 4;
            f.layers = at;
            for (uint256 l = 0; l < f.nLayers; ++l) {
                uint256 rounds = _count(b, at, MAX_ROUNDS);
                at += 4;
                for (uint256 i = 0; i < rounds; ++i) {
                    uint256 n = _count(b, at, MAX_DEGREE);
                    at = _exts(b, at + 4, n);
                }
                uint256 evals = _count(b, at, MAX_TABLES);
                at = _exts(b, at + 4, evals);
            }
            f.nGroups = _count(b, at, MAX_GROUPS);
            at += 4;
            f.groups = at;
            for (uint256 g = 0; g < f.nGroups; ++g) {
                uint256 n = _count(b, at, MAX_WIDTH);
                at = _exts(b, at + 4, n);
            }
            f.nMasks = _count(b, at, MAX_MASKS);
            f.masks = at + 4;
            at = _exts(b, f.masks, f.nMasks);
            f.nSums = _count(b, at, MAX_GROUPS);
            f.sums = at + 4;
            at = _exts(b, f.sums, f.nSums);
            f.nTuples = _count(b, at, MAX_LOOKUPS);
            at += 4;
            f.tuples = at;
            for (uint256 l = 0; l < f.nTuples; ++l) {
                uint256 n = _count(b, at, MAX_WIDTH);
                at = _exts(b, at + 4, n);
            }
            if (at != b.length) revert Rejected(Reason.Malformed, at);
        }
    }

    /// @dev LogUpVerifier.checkShape, in its order.
    function _checkShape(Statement memory s, Proof memory f) private pure {
        if (f.nMasks != (s.masked ? 2 * s.maxN : 0)) revert Rejected(Reason.Shape, 0);
        if (f.nTrees != s.trees.length) revert Rejected(Reason.Shape, 1);
        if (f.nLayers != s.maxN) revert Rejected(Reason.Shape, 2);
        if (f.nGroups != s.groups.length) revert Rejected(Reason.Shape, 3);
        if (f.nSums != (s.blinded ? s.groups.length : 0)) revert Rejected(Reason.Shape, 4);
        if (f.nTuples != (s.blinded ? s.lookups.length : 0)) revert Rejected(Reason.Shape, 5);
    }

    // ------------------------------------------------------------------ the protocol

    /// @dev The statement into the transcript, beta and alpha, the roots and their balance.
    function _start(Statement memory s, Run memory r, Proof memory f, bytes calldata proof) private pure {
        unchecked {
            r.t.absorb("logup/shape", s.shape);
            for (uint256 l = 0; l < s.lookups.length; ++l) {
                Column[] memory cols = s.lookups[l].columns;
                for (uint256 k = 0; k < cols.length; ++k) {
                    r.t.absorb(
                        "logup/table-column",
                        // TableColumn.descriptor: an explicit column is bound by its SHA-256, inline or not.
                        cols[k].kind == 1
                            ? abi.encodePacked(bytes1(0x01), FiatShamir.le64(cols[k].value))
                            : abi.encodePacked(bytes1(0x02), bytes32(cols[k].value))
                    );
                }
            }
            r.beta = _challenge(r.t, "logup/beta");
            r.alpha = _challenge(r.t, "logup/alpha");
            uint256 n = s.trees.length;
            r.t.absorbCalldata("logup/roots", proof[f.roots:f.roots + 32 * n]);
            r.p = new uint256[](n);
            r.q = new uint256[](n);
            for (uint256 i = 0; i < n; ++i) {
                r.p[i] = _ext(proof, f.roots + 32 * i);
                r.q[i] = _ext(proof, f.roots + 32 * i + 16);
                if (r.q[i] == 0) revert Rejected(Reason.RootSum, i);
            }
            // Per lookup: sum_w P_w / Q_w = P_t / Q_t, cross-multiplied (every Q is nonzero).
            for (uint256 i = 0; i < n;) {
                uint256 t = i++;
                uint256 num = 0;
                uint256 den = 1;
                while (i < n && !s.trees[i].table) {
                    num = PackedExt2.add(PackedExt2.mul(num, r.q[i]), PackedExt2.mul(r.p[i], den));
                    den = PackedExt2.mul(den, r.q[i]);
                    ++i;
                }
                if (PackedExt2.mul(num, r.q[t]) != PackedExt2.mul(r.p[t], den)) revert Rejected(Reason.RootSum, s.trees[t].lookup);
            }
            r.pts = new uint256[][](s.maxN + 1);
            r.pts[0] = new uint256[](0);
            r.mult = new uint256[](s.lookups.length);
            r.groupAt = new uint256[](s.groups.length);
            uint256 at = f.groups;
            for (uint256 g = 0; g < s.groups.length; ++g) {
                r.groupAt[g] = at;
                at += 4 + 16 * _u32(proof, at);
            }
            if (s.blinded) {
                r.tupleAt = new uint256[](s.lookups.length);
                at = f.tuples;
                for (uint256 l = 0; l < s.lookups.length; ++l) {
                    r.tupleAt[l] = at;
                    at += 4 + 16 * _u32(proof, at);
                }
            }
        }
    }

    function _omitsP(Tree memory t, uint256 layer) private pure returns (bool) {
        return !t.table && layer == t.numVars && t.leafOne;
    }

    /// @dev GKR layer l: its sumcheck over l - 1 variables (SumcheckVerifier, masked when the
    /// statement is), then rho and the claims on layer l. Returns the offset after its proof.
    function _layer(Statement memory s, Run memory r, Proof memory f, bytes calldata proof, uint256 l, uint256 at)
        private pure returns (uint256)
    {
        unchecked {
            uint256 lambda = _challenge(r.t, "logup/lambda");
            uint256 current = 0;
            uint256 tables = 0;
            {
                uint256 c = 1;
                for (uint256 i = 0; i < s.trees.length; ++i) {
                    if (s.trees[i].numVars < l) continue;
                    current = PackedExt2.add(current, PackedExt2.mul(c, r.p[i]));
                    c = PackedExt2.mul(c, lambda);
                    current = PackedExt2.add(current, PackedExt2.mul(c, r.q[i]));
                    c = PackedExt2.mul(c, lambda);
                    tables += _omitsP(s.trees[i], l) ? 2 : 4;
                }
            }
            uint256 n = l - 1;
            if (_u32(proof, at) != n) revert Rejected(Reason.Shape, 100 + l);
            at += 4;
            r.t.absorb("sumcheck/shape", abi.encodePacked(FiatShamir.le64(n), FiatShamir.le64(3)));
            r.t.absorb("sumcheck/claim", _extBytes(current));
            uint256 weight = 0;
            if (s.masked) {
                uint256 maskAt = f.masks + 32 * n;
                if (n == 0 && _ext(proof, maskAt) != 0) revert Rejected(Reason.EmptyMask, l);
                r.t.absorbCalldata("sumcheck/mask-sum", proof[maskAt:maskAt + 16]);
                weight = _challenge(r.t, "sumcheck/mask-weight");
                current = PackedExt2.add(current, PackedExt2.mul(weight, _ext(proof, maskAt)));
            }
            uint256[] memory point = new uint256[](l);
            for (uint256 i = 0; i < n; ++i) {
                if (_u32(proof, at) != 3) revert Rejected(Reason.Shape, 100 + l);
                at += 4;
                r.t.absorbCalldata("sumcheck/round", proof[at:at + 48]);
                point[i] = _challenge(r.t, "sumcheck/r");
                current = _round(_ext(proof, at), current, _ext(proof, at + 16), _ext(proof, at + 32), point[i]);
                at += 48;
            }
            if (_u32(proof, at) != tables) revert Rejected(Reason.Shape, 100 + l);
            at += 4;
            r.t.absorbCalldata("sumcheck/evaluations", proof[at:at + 16 * tables]);
            uint256 expected = PackedExt2.mul(_composition(s, l, lambda, proof, at), _eq(r.pts[n], point, n));
            if (s.masked) {
                uint256 maskAt = f.masks + 32 * n + 16;
                if (n == 0 && _ext(proof, maskAt) != 0) revert Rejected(Reason.EmptyMask, l);
                r.t.absorbCalldata("sumcheck/mask-eval", proof[maskAt:maskAt + 16]);
                expected = PackedExt2.add(expected, PackedExt2.mul(weight, _ext(proof, maskAt)));
            }
            if (expected != current) revert Rejected(Reason.LayerSumcheck, l);
            uint256 rho = _challenge(r.t, "logup/rho");
            // LogUpLayout.bindSibling: the claims p(r, rho), q(r, rho) on layer l.
            uint256 e = at;
            for (uint256 i = 0; i < s.trees.length; ++i) {
                if (s.trees[i].numVars < l) continue;
                uint256 p0 = 1;
                uint256 p1 = 1;
                if (!_omitsP(s.trees[i], l)) {
                    p0 = _ext(proof, e);
                    p1 = _ext(proof, e + 16);
                    e += 32;
                }
                uint256 q0 = _ext(proof, e);
                uint256 q1 = _ext(proof, e + 16);
                e += 32;
                r.p[i] = PackedExt2.add(p0, PackedExt2.mul(rho, PackedExt2.sub(p1, p0)));
                r.q[i] = PackedExt2.add(q0, PackedExt2.mul(rho, PackedExt2.sub(q1, q0)));
            }
            point[n] = rho;
            r.pts[l] = point;
            return at + 16 * tables;
        }
    }

    /// @dev The layer's composition (LogUpLayout.layerComposition) at the proof's evaluations.
    function _composition(Statement memory s, uint256 l, uint256 lambda, bytes calldata proof, uint256 e)
        private pure returns (uint256 acc)
    {
        unchecked {
            uint256 cp = 1;
            for (uint256 i = 0; i < s.trees.length; ++i) {
                if (s.trees[i].numVars < l) continue;
                uint256 cq = PackedExt2.mul(cp, lambda);
                if (_omitsP(s.trees[i], l)) {
                    uint256 q0 = _ext(proof, e);
                    uint256 q1 = _ext(proof, e + 16);
                    acc = PackedExt2.add(acc, PackedExt2.add(PackedExt2.mul(cp, PackedExt2.add(q0, q1)), PackedExt2.mul(cq, PackedExt2.mul(q0, q1))));
                    e += 32;
                } else {
                    uint256 p0 = _ext(proof, e);
                    uint256 p1 = _ext(proof, e + 16);
                    uint256 q0 = _ext(proof, e + 32);
                    uint256 q1 = _ext(proof, e + 48);
                    acc = PackedExt2.add(acc, PackedExt2.add(PackedExt2.mul(cp, PackedExt2.add(PackedExt2.mul(p0, q1), PackedExt2.mul(p1, q0))), PackedExt2.mul(cq, PackedExt2.mul(q0, q1))));
                    e += 64;
                }
                cp = PackedExt2.mul(cq, lambda);
            }
        }
    }

    /// @dev g(x) for the cubic g with g(0) = v0, g(1) = claim - v0, g(2) = v2, g(3) = v3.
    function _round(uint256 v0, uint256 claim, uint256 v2, uint256 v3, uint256 x) private pure returns (uint256) {
        uint256 d1 = PackedExt2.sub(x, 1);
        uint256 d2 = PackedExt2.sub(x, 2);
        uint256 d3 = PackedExt2.sub(x, 3);
        uint256 d01 = PackedExt2.mul(x, d1);
        uint256 d23 = PackedExt2.mul(d2, d3);
        uint256 acc = PackedExt2.mulBase(PackedExt2.mul(PackedExt2.mul(d1, d23), v0), INV_M6);
        acc = PackedExt2.add(acc, PackedExt2.mulBase(PackedExt2.mul(PackedExt2.mul(x, d23), PackedExt2.sub(claim, v0)), INV_2));
        acc = PackedExt2.add(acc, PackedExt2.mulBase(PackedExt2.mul(PackedExt2.mul(d01, d3), v2), INV_M2));
        return PackedExt2.add(acc, PackedExt2.mulBase(PackedExt2.mul(PackedExt2.mul(d01, d2), v3), INV_6));
    }

    /// @dev eq(a, b) over their first n coordinates.
    function _eq(uint256[] memory a, uint256[] memory b, uint256 n) private pure returns (uint256 acc) {
        unchecked {
            acc = 1;
            for (uint256 j = 0; j < n; ++j) {
                uint256 ab = PackedExt2.mul(a[j], b[j]);
                // a b + (1 - a)(1 - b) = 1 - a - b + 2 a b
                acc = PackedExt2.mul(acc, PackedExt2.add(PackedExt2.sub(PackedExt2.sub(1, a[j]), b[j]), PackedExt2.add(ab, ab)));
            }
        }
    }

    // ------------------------------------------------------------------ the leaves

    function _leaf(
        Statement memory s,
        Run memory r,
        Proof memory f,
        bytes calldata tables,
        bytes calldata proof,
        uint256 i
    ) private pure {
        if (s.trees[i].table) {
            _tableLeaf(s, r, tables, proof, i);
        } else {
            _witnessLeaf(s, r, f, proof, i);
        }
    }

    function _tableLeaf(Statement memory s, Run memory r, bytes calldata tables, bytes calldata proof, uint256 i)
        private pure
    {
        unchecked {
            Tree memory t = s.trees[i];
            Lookup memory lk = s.lookups[t.lookup];
            uint256[] memory point = r.pts[t.numVars];
            uint256 expected;
            if (!s.blinded) {
                expected = PackedExt2.sub(r.alpha, _table(lk, r.beta, point, tables));
            } else {
                // Top variable b: the table at b = 0, the blinding half (u', tagged) at b = 1.
                uint256 b = point[lk.tableVars];
                uint256 at = r.tupleAt[t.lookup];
                if (_u32(proof, at) != lk.width) revert Rejected(Reason.Shape, 200 + t.lookup);
                r.t.absorbCalldata("logup/blinding-tuple", proof[at + 4:at + 4 + 16 * lk.width]);
                uint256 ext = 1;
                for (uint256 j = lk.tupleVars; j < lk.tableVars; ++j) {
                    ext = PackedExt2.mul(ext, PackedExt2.sub(1, point[j]));
                }
                (uint256 u, uint256 betaW) = _compress(r.beta, proof, at + 4, lk.width);
                uint256 tagged = PackedExt2.add(PackedExt2.mul(u, ext), betaW);
                expected = PackedExt2.add(
                    PackedExt2.mul(PackedExt2.sub(1, b), PackedExt2.sub(r.alpha, _table(lk, r.beta, point, tables))), PackedExt2.mul(b, PackedExt2.sub(r.alpha, tagged))
                );
            }
            if (r.q[i] != expected) revert Rejected(Reason.TableLeaf, t.lookup);
            r.mult[t.lookup] = r.p[i];
        }
    }

    /// @dev sum_c beta^c t_c(point), t over the first tableVars coordinates of point.
    function _table(Lookup memory lk, uint256 beta, uint256[] memory point, bytes calldata tables)
        private pure returns (uint256 acc)
    {
        unchecked {
            uint256 pow = 1;
            uint256[] memory lo;
            uint256[] memory hi;
            for (uint256 c = 0; c < lk.width; ++c) {
                uint256 v;
                if (lk.columns[c].kind == 1) {
                    // offset + sum_j 2^j r_j: the index's MLE is linear.
                    v = lk.columns[c].value;
                    for (uint256 j = 0; j < lk.tableVars; ++j) {
                        v = PackedExt2.add(v, PackedExt2.mulBase(point[j], 1 << j));
                    }
                } else if (lk.columns[c].kind == 3) {
                    v = _ext(tables, lk.columns[c].at);
                } else {
                    if (lo.length == 0) {
                        // Split eq tables shared by the explicit columns: 2^(k/2) + 2^(k - k/2) entries.
                        lo = _eqTable(point, 0, lk.tableVars / 2);
                        hi = _eqTable(point, lk.tableVars / 2, lk.tableVars - lk.tableVars / 2);
                    }
                    v = _explicit(tables, lk.columns[c].at, lo, hi);
                }
                acc = PackedExt2.add(acc, PackedExt2.mul(pow, v));
                pow = PackedExt2.mul(pow, beta);
            }
        }
    }

    /// @dev eq(x, point[from .. from + n)) for every x in {0,1}^n, bit j of x for coordinate j.
    function _eqTable(uint256[] memory point, uint256 from, uint256 n) private pure returns (uint256[] memory e) {
        unchecked {
            e = new uint256[](1 << n);
            e[0] = 1;
            for (uint256 j = 0; j < n; ++j) {
                uint256 half = 1 << j;
                uint256 x = point[from + j];
                for (uint256 k = 0; k < half; ++k) {
                    uint256 v = PackedExt2.mul(e[k], x);
                    e[k + half] = v;
                    e[k] = PackedExt2.sub(e[k], v);
                }
            }
        }
    }

    /// @dev sum_{h, l} hi[h] lo[l] v[l + h |lo|] for the column's values in calldata: per value two
    /// base products, accumulated unreduced (each below 2^128; 2^14 of them stay below 2^142).
    function _explicit(bytes calldata tables, uint256 at, uint256[] memory lo, uint256[] memory hi)
        private pure returns (uint256 acc)
    {
        unchecked {
            uint256 nLo = lo.length;
            for (uint256 h = 0; h < hi.length; ++h) {
                uint256 s0 = 0;
                uint256 s1 = 0;
                assembly ("memory-safe") {
                    let base := add(tables.offset, add(at, mul(mul(h, nLo), 8)))
                    let e := add(lo, 32)
                    for { let k := 0 } lt(k, nLo) { k := add(k, 1) } {
                        let w := shr(192, calldataload(add(base, mul(k, 8))))
                        // byte swap of the little-endian word
                        w := or(shr(8, and(w, 0xFF00FF00FF00FF00)), shl(8, and(w, 0x00FF00FF00FF00FF)))
                        w := or(shr(16, and(w, 0xFFFF0000FFFF0000)), shl(16, and(w, 0x0000FFFF0000FFFF)))
                        w := or(shr(32, w), shl(32, and(w, 0xFFFFFFFF)))
                        let x := mload(add(e, mul(k, 32)))
                        s0 := add(s0, mul(and(x, 0xFFFFFFFFFFFFFFFF), w))
                        s1 := add(s1, mul(shr(64, x), w))
                    }
                }
                acc = PackedExt2.add(acc, PackedExt2.mul(hi[h], (s0 % P) | ((s1 % P) << 64)));
            }
        }
    }

    /// @dev The witness tree's leaf MLE at its point from its groups' evaluations
    /// (LogUpVerifier.Leaves.witnessTree), absorbing them in group order.
    function _witnessLeaf(Statement memory s, Run memory r, Proof memory f, bytes calldata proof, uint256 i)
        private pure
    {
        unchecked {
            Tree memory t = s.trees[i];
            uint256[] memory point = r.pts[t.numVars];
            uint256 width = s.lookups[t.lookup].width;
            uint256 num = 0;
            uint256 den = 0;
            uint256 used = 0;
            for (uint256 k = 0; k < t.groups.length; ++k) {
                uint256 o = t.groups[k];
                (uint256 numerator, uint256 denominator) = _group(s, r, f, proof, o, point, width);
                Group memory g = s.groups[o];
                uint256 weight = 1;
                uint256 subCube = t.offsets[k] >> g.numVars;
                for (uint256 j = g.numVars; j < t.numVars; ++j) {
                    weight = PackedExt2.mul(weight, (subCube >> (j - g.numVars)) & 1 == 1 ? point[j] : PackedExt2.sub(1, point[j]));
                }
                num = PackedExt2.add(num, PackedExt2.mul(weight, numerator));
                den = PackedExt2.add(den, PackedExt2.mul(weight, denominator));
                used = PackedExt2.add(used, weight);
            }
            den = PackedExt2.add(den, PackedExt2.sub(1, used));
            if (r.p[i] != num) revert Rejected(Reason.WitnessLeaf, t.lookup);
            if (r.q[i] != den) revert Rejected(Reason.WitnessLeaf, t.lookup);
        }
    }

    /// @dev One group's leaf numerator and denominator at its prefix of the point.
    function _group(
        Statement memory s,
        Run memory r,
        Proof memory f,
        bytes calldata proof,
        uint256 o,
        uint256[] memory point,
        uint256 width
    ) private pure returns (uint256 numerator, uint256 denominator) {
        unchecked {
            Group memory g = s.groups[o];
            uint256 at = r.groupAt[o];
            if (_u32(proof, at) != width) revert Rejected(Reason.Shape, 1000 + o);
            r.t.absorbCalldata("logup/witness-evaluations", proof[at + 4:at + 4 + 16 * width]);
            // The active-row selector: a product of prefix indicators, one per extent.
            numerator = 1;
            uint256 from = 0;
            for (uint256 e = 0; e < g.bits.length; ++e) {
                numerator = PackedExt2.mul(numerator, _prefix(g.sizes[e], point, from, g.bits[e]));
                from += g.bits[e];
            }
            (uint256 w, uint256 betaW) = _compress(r.beta, proof, at + 4, width);
            denominator = PackedExt2.sub(r.alpha, w);
            if (s.blinded) {
                uint256 sumAt = f.sums + 16 * o;
                uint256 sum = _ext(proof, sumAt);
                r.t.absorbCalldata("logup/blinding-sum", proof[sumAt:sumAt + 16]);
                if (g.rows.length == 0) {
                    if (sum != 0) revert Rejected(Reason.BlindingSum, o);
                } else {
                    numerator = PackedExt2.add(numerator, sum);
                    denominator = PackedExt2.sub(denominator, PackedExt2.mul(_tag(g, point), betaW));
                }
            }
        }
    }

    /// @dev The group's tag at its point: sum over its blinding rows of eq(point, row)
    /// (LogUpBlinding.tag). A row is its residue class in the low bits and a pattern of ones above
    /// them shared by the rows of one extent: eq splits into a table over the low (up to 4)
    /// coordinates and a high product computed once per distinct pattern.
    function _tag(Group memory g, uint256[] memory point) private pure returns (uint256 tag) {
        unchecked {
            uint256 low = g.numVars < 4 ? g.numVars : 4;
            uint256[] memory eqLow = _eqTable(point, 0, low);
            uint256 lastHigh = type(uint256).max;
            uint256 high = 0;
            for (uint256 k = 0; k < g.rows.length; ++k) {
                uint256 row = g.rows[k];
                if (row >> low != lastHigh) {
                    lastHigh = row >> low;
                    high = 1;
                    for (uint256 j = low; j < g.numVars; ++j) {
                        high = PackedExt2.mul(high, (row >> j) & 1 == 1 ? point[j] : PackedExt2.sub(1, point[j]));
                    }
                }
                tag = PackedExt2.add(tag, PackedExt2.mul(eqLow[row & ((1 << low) - 1)], high));
            }
        }
    }

    /// @dev [x < count] over {0,1}^n at point[from .. from + n) (LogUpLayout.prefixIndicator).
    function _prefix(uint256 count, uint256[] memory point, uint256 from, uint256 n)
        private pure returns (uint256 acc)
    {
        unchecked {
            if (count >= 1 << n) return 1;
            uint256 prefix = 1;
            for (uint256 j = n; j > 0; --j) {
                uint256 x = point[from + j - 1];
                if ((count >> (j - 1)) & 1 == 1) {
                    acc = PackedExt2.add(acc, PackedExt2.mul(prefix, PackedExt2.sub(1, x)));
                    prefix = PackedExt2.mul(prefix, x);
                } else {
                    prefix = PackedExt2.mul(prefix, PackedExt2.sub(1, x));
                }
            }
        }
    }

    /// @dev sum_c beta^c v_c over n extension elements at `at`, and beta^n.
    function _compress(uint256 beta, bytes calldata proof, uint256 at, uint256 n)
        private pure returns (uint256 acc, uint256 pow)
    {
        unchecked {
            pow = 1;
            for (uint256 c = 0; c < n; ++c) {
                acc = PackedExt2.add(acc, PackedExt2.mul(pow, _ext(proof, at + 16 * c)));
                pow = PackedExt2.mul(pow, beta);
            }
        }
    }

    // ------------------------------------------------------------------ the claims

    /// @dev keccak chain over the claims in LookupClaims' order, then the mask values of the
    /// layers that have variables, then the deferred table columns' values
    /// (LogUpEncoding.claimsHash in Java).
    function _claimsHash(Statement memory s, Run memory r, Proof memory f, bytes calldata proof, bytes calldata tables)
        private pure returns (bytes32 h)
    {
        unchecked {
            uint256 tree = 0;
            for (uint256 l = 0; l < s.lookups.length; ++l) {
                while (!s.trees[tree].table || s.trees[tree].lookup != l) tree++;
                uint256[] memory pt = r.pts[s.trees[tree].numVars];
                h = _item(h, 1, l, 0, pt, pt.length, _one(r.mult[l]), proof, 0, 0);
            }
            for (uint256 o = 0; o < s.groups.length; ++o) {
                Group memory g = s.groups[o];
                uint256 width = s.lookups[g.lookup].width;
                h = _item(h, 2, g.lookup, g.index, r.pts[s.trees[g.tree].numVars], g.numVars, new uint256[](0), proof, r.groupAt[o] + 4, width);
            }
            if (s.blinded) {
                for (uint256 o = 0; o < s.groups.length; ++o) {
                    Group memory g = s.groups[o];
                    if (g.rows.length == 0) continue;
                    h = _item(h, 3, g.lookup, g.index, r.pts[s.trees[g.tree].numVars], g.numVars, new uint256[](0), proof, f.sums + 16 * o, 1);
                }
                tree = 0;
                for (uint256 l = 0; l < s.lookups.length; ++l) {
                    while (!s.trees[tree].table || s.trees[tree].lookup != l) tree++;
                    h = _item(h, 4, l, 0, r.pts[s.trees[tree].numVars], s.lookups[l].tupleVars, new uint256[](0), proof, r.tupleAt[l] + 4, s.lookups[l].width);
                }
            }
            if (s.masked) {
                for (uint256 l = 2; l <= s.maxN; ++l) {
                    h = _item(h, 5, l, 0, r.pts[l], l - 1, new uint256[](0), proof, f.masks + 32 * (l - 1) + 16, 1);
                }
            }
            h = _deferredClaims(s, r, tables, h);
        }
    }

    /// @dev The deferred table columns' values (kind 6: lookup, column, the table's point without
    /// the blinding variable, the value), by lookup and column.
    function _deferredClaims(Statement memory s, Run memory r, bytes calldata tables, bytes32 h)
        private pure returns (bytes32)
    {
        unchecked {
            uint256 tree = 0;
            for (uint256 l = 0; l < s.lookups.length; ++l) {
                while (!s.trees[tree].table || s.trees[tree].lookup != l) tree++;
                Lookup memory lk = s.lookups[l];
                for (uint256 c = 0; c < lk.width; ++c) {
                    if (lk.columns[c].kind != 3) continue;
                    h = _item(h, 6, l, c, r.pts[s.trees[tree].numVars], lk.tableVars, new uint256[](0), tables, lk.columns[c].at, 1);
                }
            }
            return h;
        }
    }

    function _one(uint256 v) private pure returns (uint256[] memory a) {
        a = new uint256[](1);
        a[0] = v;
    }

    /// @dev h' = keccak(h, kind, a, b, n, point[0..n), m, values): values from memory, or m
    /// extension elements of `proof` (or `tables`) at `at`. Every element is one packed word.
    function _item(
        bytes32 h,
        uint256 kind,
        uint256 a,
        uint256 b,
        uint256[] memory point,
        uint256 n,
        uint256[] memory values,
        bytes calldata proof,
        uint256 at,
        uint256 m
    ) private pure returns (bytes32) {
        unchecked {
            uint256 count = values.length > 0 ? values.length : m;
            uint256[] memory buf = new uint256[](6 + n + count);
            buf[0] = uint256(h);
            buf[1] = kind;
            buf[2] = a;
            buf[3] = b;
            buf[4] = n;
            for (uint256 j = 0; j < n; ++j) {
                buf[5 + j] = point[j];
            }
            buf[5 + n] = count;
            for (uint256 k = 0; k < count; ++k) {
                buf[6 + n + k] = values.length > 0 ? values[k] : _ext(proof, at + 16 * k);
            }
            return keccak256(abi.encodePacked(buf));
        }
    }


    /// @dev The extension element encoded at `at` (two little-endian words), packed.
    function _ext(bytes calldata b, uint256 at) private pure returns (uint256 e) {
        assembly ("memory-safe") {
            // The 16 bytes c0 || c1, each little-endian: swap the bytes within both 64-bit lanes at
            // once, then exchange the lanes.
            let v := shr(128, calldataload(add(b.offset, at)))
            v := or(shr(8, and(v, 0xFF00FF00FF00FF00FF00FF00FF00FF00)), shl(8, and(v, 0x00FF00FF00FF00FF00FF00FF00FF00FF)))
            v := or(shr(16, and(v, 0xFFFF0000FFFF0000FFFF0000FFFF0000)), shl(16, and(v, 0x0000FFFF0000FFFF0000FFFF0000FFFF)))
            v := or(shr(32, and(v, 0xFFFFFFFF00000000FFFFFFFF00000000)), shl(32, and(v, 0x00000000FFFFFFFF00000000FFFFFFFF)))
            e := or(shr(64, v), shl(64, and(v, 0xFFFFFFFFFFFFFFFF)))
        }
    }

    function _extBytes(uint256 a) private pure returns (bytes memory) {
        return abi.encodePacked(FiatShamir.le64(a & M64), FiatShamir.le64(a >> 64));
    }

    function _challenge(FiatShamir.Transcript memory t, string memory label) private pure returns (uint256) {
        (uint256 c0, uint256 c1) = t.challengeExt(label);
        return c0 | (c1 << 64);
    }
}
