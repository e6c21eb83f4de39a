// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import "./Goldilocks.sol";

/// @notice zkaudit's Fiat-Shamir transcript (version 1), byte for byte the Java one
/// (io.zkaudit.transcript.Transcript): a SHA-256 hash chain over a 32-byte state.
///   absorb:    state = H(state || 0x01 || u32 len || label || u64 len || data)
///   challenge: state = H(state || 0x02 || u32 len || label); words are then drawn as
///              H(state || 0x03 || u32 counter), four little-endian u64 per block, and words >= p
///              are rejected, so every challenge is uniform.
/// Integers are little-endian, as in every zkaudit encoding. Field elements and extension
/// elements in a proof are encoded exactly as the transcript absorbs them, so a proof's bytes are
/// absorbed straight from calldata.
library FiatShamir {
    struct Transcript {
        bytes32 state;
    }

    function absorb(Transcript memory t, string memory label, bytes memory data) internal pure {
        t.state = sha256(abi.encodePacked(t.state, bytes1(0x01), le32(bytes(label).length), label, le64(data.length), data));
    }

    /// @dev The same bytes as `absorb`, assembled in one buffer at the free memory pointer and
    /// released after the hash (the pointer set back): a statement's thousands of absorbs (the
    /// batched opening's claims) no longer grow memory by their total size, whose expansion cost is
    /// quadratic.
    function absorbCalldata(Transcript memory t, string memory label, bytes calldata data) internal pure {
        bytes memory m;
        bytes32 s = t.state;
        assembly ("memory-safe") {
            m := mload(0x40)
            let buf := add(m, 32)
            let ll := mload(label)
            mstore(buf, s)
            // 0x01, then u32 little-endian label length
            let l32 := or(or(shl(24, and(ll, 0xFF)), shl(8, and(ll, 0xFF00))), or(and(shr(8, ll), 0xFF00), and(shr(24, ll), 0xFF)))
            mstore(add(buf, 32), or(shl(248, 1), shl(216, l32)))
            for { let i := 0 } lt(i, ll) { i := add(i, 32) } {
                mstore(add(add(buf, 37), i), mload(add(add(label, 32), i)))
            }
            // u64 little-endian data length (calldata is far below 2^32 bytes)
            let n := data.length
            let n64 := or(or(shl(56, and(n, 0xFF)), shl(40, and(n, 0xFF00))), or(shl(24, and(n, 0xFF0000)), shl(8, and(n, 0xFF000000))))
            let at := add(add(buf, 37), ll)
            mstore(at, shl(192, n64))
            calldatacopy(add(at, 8), data.offset, n)
            let total := add(45, add(ll, n))
            mstore(m, total)
            mstore(0x40, add(buf, and(add(total, 31), not(31))))
        }
        t.state = sha256(m);
        assembly ("memory-safe") {
            // The buffer and the hash's temporaries are free again.
            mstore(0x40, m)
        }
    }

    function absorbLong(Transcript memory t, string memory label, uint256 value) internal pure {
        absorb(t, label, abi.encodePacked(le64(value)));
    }

    function absorbDigest(Transcript memory t, string memory label, bytes32 digest) internal pure {
        absorb(t, label, abi.encodePacked(digest));
    }

    /// @dev Absorbs base field elements, each as 8 little-endian bytes.
    function absorbFields(Transcript memory t, string memory label, uint256[] memory values) internal pure {
        bytes memory data = new bytes(8 * values.length);
        for (uint256 i = 0; i < values.length; ++i) {
            bytes8 w = le64(values[i]);
            for (uint256 j = 0; j < 8; ++j) {
                data[8 * i + j] = w[j];
            }
        }
        absorb(t, label, data);
    }

    /// @dev Draws count uniform base field elements.
    function challengeFields(Transcript memory t, string memory label, uint256 count)
        internal pure returns (uint256[] memory out)
    {
        bytes32 s = sha256(abi.encodePacked(t.state, bytes1(0x02), le32(bytes(label).length), label));
        t.state = s;
        out = new uint256[](count);
        uint256 filled = 0;
        uint256 counter = 0;
        while (filled < count) {
            uint256 block_ = uint256(sha256(abi.encodePacked(s, bytes1(0x03), le32(counter))));
            counter++;
            for (uint256 k = 0; k < 4 && filled < count; ++k) {
                uint256 w = bswap64((block_ >> (192 - 64 * k)) & 0xFFFFFFFFFFFFFFFF);
                if (w < Goldilocks.P) {
                    out[filled++] = w;
                }
            }
        }
    }

    /// @dev One uniform extension element (c0, c1).
    function challengeExt(Transcript memory t, string memory label) internal pure returns (uint256, uint256) {
        uint256[] memory w = challengeFields(t, label, 2);
        return (w[0], w[1]);
    }

    // ---- little-endian encodings ----

    function le32(uint256 v) internal pure returns (bytes4) {
        return bytes4(uint32(bswap32(v & 0xFFFFFFFF)));
    }

    function le64(uint256 v) internal pure returns (bytes8) {
        return bytes8(uint64(bswap64(v & 0xFFFFFFFFFFFFFFFF)));
    }

    function bswap32(uint256 v) internal pure returns (uint256) {
        return ((v & 0xFF) << 24) | ((v & 0xFF00) << 8) | ((v >> 8) & 0xFF00) | (v >> 24);
    }

    /// @dev Reverses the byte order of a 64-bit value.
    function bswap64(uint256 v) internal pure returns (uint256) {
        v = ((v & 0xFF00FF00FF00FF00) >> 8) | ((v & 0x00FF00FF00FF00FF) << 8);
        v = ((v & 0xFFFF0000FFFF0000) >> 16) | ((v & 0x0000FFFF0000FFFF) << 16);
        return (v >> 32) | ((v & 0xFFFFFFFF) << 32);
    }
}
