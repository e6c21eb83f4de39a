// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import "AuditEscrow.sol";
import "ModelRegistry.sol";

/// @notice Test-only attacker: a buyer / seller contract whose receive() re-enters the contract
/// paying it (the classic DAO drain), so tests can show it gets paid exactly once.
contract ReentrancyAttacker {
    enum Mode { Idle, EscrowWithdraw, RegistryWithdraw }

    AuditEscrow public immutable escrow;
    ModelRegistry public immutable registry;
    Mode private mode;
    uint256 private targetId;

    uint256 public reentryAttempts;
    uint256 public reentrySuccesses;
    string[] private revertReasons;

    constructor(AuditEscrow escrow_, ModelRegistry registry_) {
        escrow = escrow_;
        registry = registry_;
    }

    function requestAudit(uint256 modelId, bytes32 commitment, uint32 samples, uint16 claimedBps, uint256 requiredStake)
        external payable returns (uint256)
    {
        return escrow.requestAudit{value: msg.value}(modelId, commitment, samples, claimedBps, requiredStake);
    }

    function cancelAudit(uint256 auditId) external {
        escrow.cancel(auditId);
    }

    /// @notice Withdraws its escrow credit; receive() then tries to withdraw again and to cancel
    /// the (already refunded) audit `auditId` a second time.
    function attackEscrowWithdraw(uint256 auditId) external {
        mode = Mode.EscrowWithdraw;
        targetId = auditId;
        escrow.withdraw();
        mode = Mode.Idle;
    }

    function registerModel(bytes32 descriptionDigest, bytes32 weightCommitment) external payable returns (uint256) {
        return registry.register{value: msg.value}(descriptionDigest, weightCommitment);
    }

    function retireModel(uint256 modelId) external {
        registry.retire(modelId);
    }

    /// @notice Withdraws a retired model's bond; receive() tries to withdraw it again.
    function attackRegistryWithdraw(uint256 modelId) external {
        mode = Mode.RegistryWithdraw;
        targetId = modelId;
        registry.withdrawStake(modelId);
        mode = Mode.Idle;
    }

    function revertReasonCount() external view returns (uint256) {
        return revertReasons.length;
    }

    function revertReason(uint256 index) external view returns (string memory) {
        return revertReasons[index];
    }

    receive() external payable {
        if (mode == Mode.EscrowWithdraw) {
            mode = Mode.Idle; // one round of re-entry is enough to show the guard
            reentryAttempts += 2;
            try escrow.withdraw() {
                reentrySuccesses += 1;
            } catch Error(string memory reason) {
                revertReasons.push(reason);
            }
            try escrow.cancel(targetId) {
                reentrySuccesses += 1;
            } catch Error(string memory reason) {
                revertReasons.push(reason);
            }
        } else if (mode == Mode.RegistryWithdraw) {
            mode = Mode.Idle;
            reentryAttempts += 1;
            try registry.withdrawStake(targetId) {
                reentrySuccesses += 1;
            } catch Error(string memory reason) {
                revertReasons.push(reason);
            }
        }
    }
}
