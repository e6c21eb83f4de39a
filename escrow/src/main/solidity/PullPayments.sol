// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import "./ReentrancyGuard.sol";

/// @notice Money owed by an escrow is credited to a ledger and withdrawn by its owner.
/// Settlement never sends ether itself, so a recipient that reverts (or re-enters) cannot block
/// a settlement or be paid twice; withdraw() is the only place ether leaves the contract.
abstract contract PullPayments is ReentrancyGuard {
    mapping(address => uint256) private credits;

    /// @notice Sum of all credits: the contract's balance never falls below it.
    uint256 public totalCredits;

    event Credited(address indexed account, uint256 amount);
    event Withdrawn(address indexed account, uint256 amount);

    /// @notice What `account` can withdraw now.
    function creditOf(address account) external view returns (uint256) {
        return credits[account];
    }

    /// @notice Sends the caller everything credited to it.
    function withdraw() external nonReentrant returns (uint256 amount) {
        amount = credits[msg.sender];
        require(amount > 0, "nothing to withdraw");
        // Effects before the interaction: a re-entrant call finds a zero credit.
        credits[msg.sender] = 0;
        totalCredits -= amount;
        emit Withdrawn(msg.sender, amount);
        (bool sent, ) = msg.sender.call{value: amount}("");
        require(sent, "transfer failed");
    }

    function _credit(address account, uint256 amount) internal {
        if (amount == 0) return;
        credits[account] += amount;
        totalCredits += amount;
        emit Credited(account, amount);
    }
}
