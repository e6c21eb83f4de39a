// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import "./ModelRegistry.sol";
import "./IProofVerifier.sol";
import "./PullPayments.sol";
import "./Eip712.sol";
import "./Signatures.sol";

/// @notice Escrow for a verified accuracy audit on a held-out test set.
///
/// 1. The buyer requests an audit with the payment and a commitment to its test set,
///    keccak256(abi.encode(testSetHash, salt)), plus the terms: sample count, the seller's
///    claimed accuracy (basis points) and the stake the seller must put up.
/// 2. The seller accepts by staking before the stake deadline: it is bound to its claim before
///    it can see the test set.
/// 3. The buyer hands the test set over off-chain (its hash binds it); the seller, having checked
///    every sample against the commitment, signs a receipt, TestSetReceived(auditId, testSetHash);
///    with it the buyer reveals (testSetHash, salt) before the reveal deadline. The receipt is what
///    lets the result deadline run against the seller: without it a buyer could reveal the hash and
///    withhold the samples, and the seller, unable to prove anything, would lose its stake.
/// 4. Settlement, before the result deadline: a result (correct, total) signed by both parties,
///    or a result the proof verifier accepts (anyone may submit). Accuracy >= claim: the seller
///    gets payment and stake; below: the buyer gets its payment back plus the stake.
/// Deadline rules (settleByDeadline, anyone may call): no stake in time -> buyer refunded;
/// no reveal in time -> both get their money back (the buyer its payment, the seller its stake:
/// either the buyer withheld the test set or the seller withheld its receipt, and the chain cannot
/// tell which); no result in time -> the seller could not prove its claim, the buyer gets payment
/// and stake.
///
/// Requested --stake--> Staked --revealTestSet--> Revealed --settle/settleWithProof--> Settled
/// Requested --cancel / settleByDeadline--> Settled (refund); Staked|Revealed --settleByDeadline--> Settled
contract AuditEscrow is PullPayments, Eip712 {
    bytes32 public constant RESULT_TYPEHASH =
        keccak256("AuditResult(uint256 auditId,bytes32 testSetHash,uint32 correct,uint32 total)");
    bytes32 public constant RECEIPT_TYPEHASH = keccak256("TestSetReceived(uint256 auditId,bytes32 testSetHash)");
    uint32 public constant MAX_SAMPLES = 1_000_000;
    uint16 public constant FULL_ACCURACY_BPS = 10_000;

    enum Status { None, Requested, Staked, Revealed, Settled }
    enum Outcome { None, SellerPaid, BuyerCompensated, Refunded, Unrevealed }

    // Field order packs an audit into five storage slots. The seller and the weight commitment
    // are read from the registry, whose records never change.
    struct Audit {
        address buyer;
        uint64 deadline; // of the current phase
        Status status;
        Outcome outcome;
        uint64 modelId;
        uint32 samples;
        uint16 claimedAccuracyBps;
        uint128 payment;
        uint128 requiredStake;
        bytes32 testSetCommitment;
        bytes32 testSetHash; // zero until revealed
    }

    ModelRegistry public immutable registry;
    IProofVerifier public immutable proofVerifier;
    uint64 public immutable stakeWindow;
    uint64 public immutable revealWindow;
    uint64 public immutable resultWindow;

    uint256 public auditCount;
    mapping(uint256 => Audit) private audits;

    event AuditRequested(uint256 indexed auditId, uint256 indexed modelId, address indexed buyer, bytes32 testSetCommitment, uint32 samples, uint16 claimedAccuracyBps, uint256 payment, uint256 requiredStake);
    event AuditStaked(uint256 indexed auditId, uint256 stake, uint64 revealDeadline);
    event TestSetRevealed(uint256 indexed auditId, bytes32 testSetHash, uint64 resultDeadline);
    event AuditSettled(uint256 indexed auditId, Outcome outcome, uint32 correct, uint32 total);

    constructor(
        ModelRegistry registry_,
        IProofVerifier proofVerifier_,
        uint64 stakeWindow_,
        uint64 revealWindow_,
        uint64 resultWindow_
    ) Eip712("zkaudit.AuditEscrow", "1") {
        require(address(registry_) != address(0) && address(proofVerifier_) != address(0), "zero address");
        require(stakeWindow_ > 0 && revealWindow_ > 0 && resultWindow_ > 0, "zero window");
        registry = registry_;
        proofVerifier = proofVerifier_;
        stakeWindow = stakeWindow_;
        revealWindow = revealWindow_;
        resultWindow = resultWindow_;
    }

    /// @notice Buyer: pays (msg.value) for an audit of `modelId` and commits to its test set.
    function requestAudit(
        uint256 modelId,
        bytes32 testSetCommitment,
        uint32 samples,
        uint16 claimedAccuracyBps,
        uint256 requiredStake
    ) external payable returns (uint256 auditId) {
        require(registry.isActive(modelId), "model not active");
        require(testSetCommitment != bytes32(0), "empty test set commitment");
        require(samples > 0 && samples <= MAX_SAMPLES, "bad sample count");
        require(claimedAccuracyBps > 0 && claimedAccuracyBps <= FULL_ACCURACY_BPS, "bad claimed accuracy");
        require(msg.value > 0, "no payment");
        require(requiredStake > 0, "required stake is zero");
        require(
            msg.value <= type(uint128).max && requiredStake <= type(uint128).max && modelId <= type(uint64).max,
            "value out of range"
        );
        auditId = ++auditCount;
        audits[auditId] = Audit({
            buyer: msg.sender,
            deadline: uint64(block.timestamp) + stakeWindow,
            status: Status.Requested,
            outcome: Outcome.None,
            modelId: uint64(modelId),
            samples: samples,
            claimedAccuracyBps: claimedAccuracyBps,
            payment: uint128(msg.value),
            requiredStake: uint128(requiredStake),
            testSetCommitment: testSetCommitment,
            testSetHash: bytes32(0)
        });
        emit AuditRequested(auditId, modelId, msg.sender, testSetCommitment, samples, claimedAccuracyBps, msg.value, requiredStake);
    }

    /// @notice Buyer: withdraws a request the seller has not staked on yet.
    function cancel(uint256 auditId) external {
        Audit storage audit = _existing(auditId);
        require(msg.sender == audit.buyer, "not the buyer");
        require(audit.status == Status.Requested, "audit not awaiting stake");
        _close(audit, auditId, Outcome.Refunded, 0, 0);
    }

    /// @notice Seller: accepts the terms by staking exactly the required stake.
    function stake(uint256 auditId) external payable {
        Audit storage audit = _existing(auditId);
        require(msg.sender == registry.sellerOf(audit.modelId), "not the seller");
        require(audit.status == Status.Requested, "audit not awaiting stake");
        require(block.timestamp <= audit.deadline, "stake deadline passed");
        require(msg.value == audit.requiredStake, "wrong stake");
        audit.status = Status.Staked;
        audit.deadline = uint64(block.timestamp) + revealWindow;
        emit AuditStaked(auditId, msg.value, audit.deadline);
    }

    /// @notice Buyer: opens its test-set commitment, with the seller's receipt for the test set
    /// (EIP-712 TestSetReceived, see receiptDigest): the seller holds the samples it must prove.
    function revealTestSet(uint256 auditId, bytes32 testSetHash, bytes32 salt, bytes calldata sellerReceipt) external {
        Audit storage audit = _existing(auditId);
        require(msg.sender == audit.buyer, "not the buyer");
        require(audit.status == Status.Staked, "audit not awaiting reveal");
        require(block.timestamp <= audit.deadline, "reveal deadline passed");
        require(keccak256(abi.encode(testSetHash, salt)) == audit.testSetCommitment, "reveal does not match commitment");
        require(
            Signatures.isSignedBy(receiptDigest(auditId, testSetHash), sellerReceipt, registry.sellerOf(audit.modelId)),
            "test set not received by seller"
        );
        audit.testSetHash = testSetHash;
        audit.status = Status.Revealed;
        audit.deadline = uint64(block.timestamp) + resultWindow;
        emit TestSetRevealed(auditId, testSetHash, audit.deadline);
    }

    /// @notice Settles with a result both parties signed (EIP-712, see resultDigest).
    function settle(uint256 auditId, uint32 correct, uint32 total, bytes calldata buyerSignature, bytes calldata sellerSignature)
        external nonReentrant
    {
        Audit storage audit = _existing(auditId);
        _requireResultAcceptable(audit, correct, total);
        bytes32 digest = resultDigest(auditId, audit.testSetHash, correct, total);
        require(Signatures.isSignedBy(digest, buyerSignature, audit.buyer), "result not signed by buyer");
        require(
            Signatures.isSignedBy(digest, sellerSignature, registry.sellerOf(audit.modelId)),
            "result not signed by seller"
        );
        _close(audit, auditId, _judge(audit, correct, total), correct, total);
    }

    /// @notice Settles with a result the proof verifier accepts; anyone may submit it.
    function settleWithProof(uint256 auditId, uint32 correct, uint32 total, bytes calldata proof) external nonReentrant {
        Audit storage audit = _existing(auditId);
        _requireResultAcceptable(audit, correct, total);
        require(block.timestamp <= audit.deadline, "result deadline passed");
        // An attestation check today (SessionProofVerifier returns false: accuracy proofs are not
        // verified on chain yet); the verifier is told the record the audit is about.
        require(
            proofVerifier.verifyAccuracy(
                audit.modelId, registry.commitmentOf(audit.modelId), audit.testSetHash, correct, total, proof
            ),
            "proof rejected"
        );
        _close(audit, auditId, _judge(audit, correct, total), correct, total);
    }

    /// @notice Applies the deadline rules once the current phase's deadline has passed.
    function settleByDeadline(uint256 auditId) external nonReentrant returns (Outcome outcome) {
        Audit storage audit = _existing(auditId);
        require(audit.status != Status.Settled, "audit already settled");
        require(block.timestamp > audit.deadline, "deadline not passed");
        if (audit.status == Status.Requested) outcome = Outcome.Refunded;
        else if (audit.status == Status.Staked) outcome = Outcome.Unrevealed;
        else outcome = Outcome.BuyerCompensated;
        _close(audit, auditId, outcome, 0, 0);
    }

    /// @notice The EIP-712 digest the seller signs once it holds the whole test set.
    function receiptDigest(uint256 auditId, bytes32 testSetHash) public view returns (bytes32) {
        return _typedDigest(keccak256(abi.encode(RECEIPT_TYPEHASH, auditId, testSetHash)));
    }

    /// @notice The EIP-712 digest both parties sign for a result.
    function resultDigest(uint256 auditId, bytes32 testSetHash, uint32 correct, uint32 total) public view returns (bytes32) {
        return _typedDigest(keccak256(abi.encode(RESULT_TYPEHASH, auditId, testSetHash, correct, total)));
    }

    function getAudit(uint256 auditId) external view returns (Audit memory) {
        return _existing(auditId);
    }

    function _requireResultAcceptable(Audit storage audit, uint32 correct, uint32 total) private view {
        require(audit.status == Status.Revealed, "audit not awaiting result");
        require(total == audit.samples, "total is not the sample count");
        require(correct <= total, "more correct than total");
    }

    function _judge(Audit storage audit, uint32 correct, uint32 total) private view returns (Outcome) {
        bool claimHolds = uint256(correct) * FULL_ACCURACY_BPS >= uint256(audit.claimedAccuracyBps) * total;
        return claimHolds ? Outcome.SellerPaid : Outcome.BuyerCompensated;
    }

    function _existing(uint256 auditId) private view returns (Audit storage audit) {
        audit = audits[auditId];
        require(audit.status != Status.None, "unknown audit");
    }

    // The single place money moves for an audit: the status flips to Settled first, so a second
    // settlement of any kind fails its status check.
    function _close(Audit storage audit, uint256 auditId, Outcome outcome, uint32 correct, uint32 total) private {
        bool staked = audit.status != Status.Requested;
        audit.status = Status.Settled;
        audit.outcome = outcome;
        uint256 amount = uint256(audit.payment) + (staked ? audit.requiredStake : 0);
        if (outcome == Outcome.SellerPaid) {
            _credit(registry.sellerOf(audit.modelId), amount);
        } else if (outcome == Outcome.Unrevealed) {
            _credit(audit.buyer, audit.payment);
            _credit(registry.sellerOf(audit.modelId), audit.requiredStake);
        } else {
            _credit(audit.buyer, amount);
        }
        emit AuditSettled(auditId, outcome, correct, total);
    }
}
