// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import "./Goldilocks.sol";
import "./FiatShamir.sol";
import "./BasefoldCore.sol";

/// @notice On-chain verifier of Basefold openings: the same decisions, bit for bit, as the Java
/// `io.zkaudit.pcs.BasefoldVerifier.verify` on the same bytes (docs/onchain-verifier.md).
///
/// An opening proves claims "sum_j w_j f(z_j) = v" about the multilinear f committed by a Merkle
/// root (its Reed-Solomon codeword at rate 2^-logBlowup, in bit-reversed order, 2^foldArityLog
/// entries per leaf). The verifier (1) absorbs the parameters, the commitment and the claims and
/// draws the batching challenge rho, (2) checks the sumcheck of sum_x f(x) g(x),
/// g = sum_k rho^k sum_j w_kj eq(z_kj, .), folding one variable per round, (3) checks the final
/// polynomial against g at the folded point, (4) checks the grinding nonce and draws the query
/// positions, (5) opens every oracle at the queried cosets, checks each against the previous fold
/// and folds it, and compares the last fold with the final polynomial.
///
/// Encodings are zkaudit's (little-endian, length-prefixed): the proof is exactly the bytes of
/// Java's `OpeningProof.encode()`, and the claims are encoded by `OnChainOpening.encodeClaims`:
///   u32 count, then per claim: u32 terms, terms x (point: n x Ext2, weight: Ext2), value: Ext2.
/// Invalid input reverts with `Rejected(reason, detail)`; `check` turns that into a return value.
///
/// Two ways in. `verify` checks a whole opening in one call (an opening of up to about 100 KB
/// fits one transaction). Larger openings are checked in several transactions: `begin` runs steps
/// 1-4 and stores a checkpoint (the keccak of the verifier's state, which the caller passes back),
/// each `continueWith` checks one oracle's queries, and the last one records the verified fact
/// keccak(root, numVars, keccak(claims), stateIn, stateOut) in `verified`.
contract BasefoldVerifier is BasefoldCore {
    using FiatShamir for FiatShamir.Transcript;

    event OpeningVerified(bytes32 indexed fact, bytes32 root, uint256 numVars, bytes32 stateOut);

    /// @notice Facts verified by the multi-transaction flow (see `factOf`).
    mapping(bytes32 => bool) public verified;
    /// @dev Open multi-transaction openings: id => keccak of the verifier's state.
    mapping(bytes32 => bytes32) private checkpoints;

    constructor(uint256 logBlowup_, uint256 foldArityLog_, uint256 finalVarsMin_, uint256 queries_, uint256 powBits_)
        BasefoldCore(logBlowup_, foldArityLog_, finalVarsMin_, queries_, powBits_)
    {}

    // ------------------------------------------------------------------ entry points

    /// @notice Checks a whole opening; reverts with Rejected(reason, detail) if it is invalid.
    /// @return stateOut the transcript state after the opening (a caller's next challenges)
    function verify(bytes32 stateIn, bytes32 root, uint256 numVars, bytes calldata claims, bytes calldata proof)
        public view returns (bytes32 stateOut)
    {
        Shape memory sh = shape(numVars);
        // Java decodes the whole proof before it verifies anything: a malformed proof is reported
        // as such even when a check that comes earlier in the protocol would fail too.
        uint256 off = _headerLayout(sh, proof);
        uint256 nLayers = _u32(proof, off);
        uint256[] memory starts = new uint256[](sh.oracles + 1);
        starts[0] = off + 4;
        if (nLayers != sh.oracles) revert Rejected(Reason.Malformed, nLayers);
        for (uint256 i = 0; i < sh.oracles; ++i) {
            starts[i + 1] = _layerEnd(sh, i, proof, starts[i]);
        }
        if (starts[sh.oracles] != proof.length) revert Rejected(Reason.Malformed, proof.length - starts[sh.oracles]);
        State memory s = _header(stateIn, root, sh, claims, proof);
        for (uint256 i = 0; i < sh.oracles; ++i) {
            _queryOracle(s, sh, proof[starts[i]:starts[i + 1]]);
        }
        _finalFold(s, sh);
        return s.stateOut;
    }

    /// @notice `verify` as a return value, for callers that must not revert: Valid or the reason.
    function check(bytes32 stateIn, bytes32 root, uint256 numVars, bytes calldata claims, bytes calldata proof)
        external view returns (Reason reason, uint256 detail, bytes32 stateOut)
    {
        try this.verify(stateIn, root, numVars, claims, proof) returns (bytes32 out) {
            return (Reason.Valid, 0, out);
        } catch (bytes memory err) {
            if (err.length == 68 && bytes4(err) == Rejected.selector) {
                assembly ("memory-safe") {
                    reason := mload(add(err, 36))
                    detail := mload(add(err, 68))
                }
                return (reason, detail, bytes32(0));
            }
            // Out of gas or an arithmetic fault: not a verdict on the proof; let the caller see it.
            assembly ("memory-safe") {
                revert(add(err, 32), mload(err))
            }
        }
    }

    /// @notice First transaction of a multi-transaction opening: the header (everything of the
    /// proof before its query layers: rounds, oracle roots, final polynomial, nonce) is checked
    /// and the query positions drawn. Returns the opening's id and the state to pass to the next
    /// call (`continueWith` needs it back; only its keccak is stored).
    function begin(bytes32 stateIn, bytes32 root, uint256 numVars, bytes calldata claims, bytes calldata header)
        external returns (bytes32 id, bytes memory state)
    {
        Shape memory sh = shape(numVars);
        if (_headerLayout(sh, header) != header.length) revert Rejected(Reason.Malformed, header.length);
        State memory s = _header(stateIn, root, sh, claims, header);
        id = keccak256(abi.encode(msg.sender, stateIn, root, numVars, s.claimsHash, keccak256(header)));
        state = abi.encode(s);
        checkpoints[id] = keccak256(state);
    }

    /// @notice Checks the next oracle's query layer (the bytes Java encodes for it: u32 row count,
    /// rows, u32 sibling count, siblings). After the last oracle the opening's fact is recorded.
    function continueWith(bytes32 id, bytes calldata state, bytes calldata layer)
        external returns (bytes memory next, bytes32 fact)
    {
        if (checkpoints[id] == bytes32(0) || checkpoints[id] != keccak256(state)) {
            revert Rejected(Reason.UnknownSession, uint256(id));
        }
        State memory s = abi.decode(state, (State));
        Shape memory sh = shape(s.numVars);
        if (_layerEnd(sh, s.nextOracle, layer, 0) != layer.length) revert Rejected(Reason.Malformed, layer.length);
        _queryOracle(s, sh, layer);
        if (s.nextOracle < sh.oracles) {
            next = abi.encode(s);
            checkpoints[id] = keccak256(next);
            return (next, bytes32(0));
        }
        _finalFold(s, sh);
        delete checkpoints[id];
        fact = factOf(s.root, s.numVars, s.claimsHash, s.stateIn, s.stateOut);
        verified[fact] = true;
        emit OpeningVerified(fact, s.root, s.numVars, s.stateOut);
    }

    /// @notice The fact an opening establishes: f committed by (root, numVars) satisfies the
    /// claims whose encoding hashes to claimsHash, the transcript going from stateIn to stateOut.
    function factOf(bytes32 root, uint256 numVars, bytes32 claimsHash, bytes32 stateIn, bytes32 stateOut)
        public pure returns (bytes32)
    {
        return keccak256(abi.encode("zkaudit/basefold-opening/v1", root, numVars, claimsHash, stateIn, stateOut));
    }

}
