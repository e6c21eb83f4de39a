// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @notice EIP-712 typed-data digests: a signature is bound to one contract on one chain, so it
/// cannot be replayed against another deployment or another network.
abstract contract Eip712 {
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

    bytes32 private immutable nameHash;
    bytes32 private immutable versionHash;

    constructor(string memory name, string memory version) {
        nameHash = keccak256(bytes(name));
        versionHash = keccak256(bytes(version));
    }

    /// @notice The EIP-712 domain separator (recomputed so a chain fork gets a fresh one).
    function domainSeparator() public view returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, nameHash, versionHash, block.chainid, address(this)));
    }

    function _typedDigest(bytes32 structHash) internal view returns (bytes32) {
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator(), structHash));
    }
}
