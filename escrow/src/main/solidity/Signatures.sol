// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @notice secp256k1 signature recovery that never accepts a malformed or malleable signature.
library Signatures {
    // n/2 for secp256k1: a signature with a higher s is the malleable twin of a valid one.
    uint256 private constant HALF_ORDER =
        0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    /// @notice The signer of `digest`, or address(0) if `signature` is not a well-formed 65-byte
    /// (r, s, v) signature with low s and v in {27, 28} (0/1 are accepted as 27/28).
    function tryRecover(bytes32 digest, bytes memory signature) internal pure returns (address) {
        if (signature.length != 65) return address(0);
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly {
            r := mload(add(signature, 32))
            s := mload(add(signature, 64))
            v := byte(0, mload(add(signature, 96)))
        }
        if (v < 27) v += 27;
        if (v != 27 && v != 28) return address(0);
        if (uint256(s) > HALF_ORDER) return address(0);
        return ecrecover(digest, v, r, s);
    }

    /// @notice True iff `signature` over `digest` is by `signer` (never true for address(0)).
    function isSignedBy(bytes32 digest, bytes memory signature, address signer) internal pure returns (bool) {
        address recovered = tryRecover(digest, signature);
        return recovered != address(0) && recovered == signer;
    }
}
