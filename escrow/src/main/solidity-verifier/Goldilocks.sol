// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @notice Arithmetic in the Goldilocks field F_p, p = 2^64 - 2^32 + 1, and in its quadratic
/// extension F_p[u] / (u^2 - 7): the same fields as the Java verifier (io.zkaudit.field.Goldilocks
/// and Ext2). Elements are canonical uint256 values below p; an extension element is a pair
/// (c0, c1) meaning c0 + c1 u. A 256-bit word holds a sum of several 128-bit products, so the
/// extension product reduces once per coordinate instead of once per multiplication.
library Goldilocks {
    uint256 internal constant P = 0xFFFFFFFF00000001;
    /// @dev The non-residue W with u^2 = W (Ext2.W in Java).
    uint256 internal constant W = 7;
    /// @dev 1/2 mod p.
    uint256 internal constant INV2 = 0x7FFFFFFF80000001;
    /// @dev A generator of the multiplicative group; its ((p-1)/2^32)-th power has order 2^32.
    uint256 internal constant GENERATOR = 7;
    uint256 internal constant TWO_ADICITY = 32;

    function add(uint256 a, uint256 b) internal pure returns (uint256) {
        return addmod(a, b, P);
    }

    /// @dev b must be canonical: P - b is then in [1, P].
    function sub(uint256 a, uint256 b) internal pure returns (uint256) {
        unchecked {
            return addmod(a, P - b, P);
        }
    }

    function mul(uint256 a, uint256 b) internal pure returns (uint256) {
        return mulmod(a, b, P);
    }

    function pow(uint256 base, uint256 e) internal pure returns (uint256 acc) {
        acc = 1;
        uint256 b = base;
        while (e != 0) {
            if (e & 1 == 1) {
                acc = mulmod(acc, b, P);
            }
            b = mulmod(b, b, P);
            e >>= 1;
        }
    }

    function inv(uint256 a) internal pure returns (uint256) {
        return pow(a, P - 2);
    }

    /// @dev x / 2 for canonical x (Basefold.half in Java).
    function half(uint256 x) internal pure returns (uint256) {
        unchecked {
            return x & 1 == 0 ? x >> 1 : (x >> 1) + INV2;
        }
    }

    /// @dev A primitive 2^k-th root of unity, the same one Java's Goldilocks.rootOfUnity(k) returns.
    function rootOfUnity(uint256 k) internal pure returns (uint256 w) {
        w = pow(GENERATOR, (P - 1) >> TWO_ADICITY);
        for (uint256 i = k; i < TWO_ADICITY; ++i) {
            w = mulmod(w, w, P);
        }
    }

    // ---- the quadratic extension ----

    function eadd(uint256 a0, uint256 a1, uint256 b0, uint256 b1) internal pure returns (uint256, uint256) {
        return (addmod(a0, b0, P), addmod(a1, b1, P));
    }

    function esub(uint256 a0, uint256 a1, uint256 b0, uint256 b1) internal pure returns (uint256, uint256) {
        unchecked {
            return (addmod(a0, P - b0, P), addmod(a1, P - b1, P));
        }
    }

    /// @dev (a0 + a1 u)(b0 + b1 u) = (a0 b0 + 7 a1 b1) + (a0 b1 + a1 b0) u; each coordinate is below
    /// 8 p^2 < 2^131 before its single reduction.
    function emul(uint256 a0, uint256 a1, uint256 b0, uint256 b1) internal pure returns (uint256, uint256) {
        unchecked {
            return ((a0 * b0 + W * a1 * b1) % P, (a0 * b1 + a1 * b0) % P);
        }
    }

    /// @dev An extension element times a base element.
    function emulBase(uint256 a0, uint256 a1, uint256 b) internal pure returns (uint256, uint256) {
        return (mulmod(a0, b, P), mulmod(a1, b, P));
    }
}
