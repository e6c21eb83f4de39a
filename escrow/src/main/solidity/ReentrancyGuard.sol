// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @notice Blocks a function from being entered again while it runs. Every function that sends
/// ether is also written checks-effects-interactions; the guard is the second line of defence.
abstract contract ReentrancyGuard {
    // 1/2 rather than false/true: a non-zero slot is cheaper to flip back and forth.
    uint256 private constant NOT_ENTERED = 1;
    uint256 private constant ENTERED = 2;
    uint256 private guardState = NOT_ENTERED;

    modifier nonReentrant() {
        require(guardState == NOT_ENTERED, "reentrant call");
        guardState = ENTERED;
        _;
        guardState = NOT_ENTERED;
    }
}
