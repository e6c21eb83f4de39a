// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import "./Goldilocks.sol";

/// @notice The quadratic extension F_p[u] / (u^2 - 7) of Goldilocks (Java's Ext2) with an element
/// packed in one word, c0 | c1 << 64 (both canonical), as the layer steps, the lookup verifier and
/// the sumcheck verifier keep their claims and points: one stack slot per element instead of two
/// (`Goldilocks.e*` works on pairs). Internal functions, inlined into each contract, so sharing them
/// costs no call.
library PackedExt2 {
    uint256 internal constant P = 0xFFFFFFFF00000001;
    uint256 internal constant M64 = 0xFFFFFFFFFFFFFFFF;

    function add(uint256 a, uint256 b) internal pure returns (uint256) {
        return addmod(a & M64, b & M64, P) | (addmod(a >> 64, b >> 64, P) << 64);
    }

    /// @dev b's coordinates must be canonical: P - b_i is then in [1, P].
    function sub(uint256 a, uint256 b) internal pure returns (uint256) {
        unchecked {
            return addmod(a & M64, P - (b & M64), P) | (addmod(a >> 64, P - (b >> 64), P) << 64);
        }
    }

    /// @dev (a0 + a1 u)(b0 + b1 u) with u^2 = 7; each coordinate below 8 p^2 before one reduction.
    function mul(uint256 a, uint256 b) internal pure returns (uint256) {
        unchecked {
            uint256 a0 = a & M64;
            uint256 a1 = a >> 64;
            uint256 b0 = b & M64;
            uint256 b1 = b >> 64;
            return ((a0 * b0 + 7 * a1 * b1) % P) | (((a0 * b1 + a1 * b0) % P) << 64);
        }
    }

    /// @dev An extension element times a base-field element k (canonical).
    function mulBase(uint256 a, uint256 k) internal pure returns (uint256) {
        return mulmod(a & M64, k, P) | (mulmod(a >> 64, k, P) << 64);
    }

    /// @dev (a0 - a1 u) / (a0^2 - 7 a1^2) for a non-zero a (Java's Ext2.inv).
    function inv(uint256 a) internal pure returns (uint256) {
        uint256 a0 = a & M64;
        uint256 a1 = a >> 64;
        uint256 norm = addmod(mulmod(a0, a0, P), P - mulmod(7, mulmod(a1, a1, P), P), P);
        uint256 ni = Goldilocks.inv(norm);
        return mulmod(a0, ni, P) | (mulmod(P - a1, ni, P) << 64);
    }
}
