// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import "./ReentrancyGuard.sol";

/// @notice Public record of models on sale: who sells each, its description digest and its weight
/// commitment. The commitment registered here is the one the escrows snapshot and every proof
/// about the model is checked against. A record is never edited: a new model (or new weights)
/// is a new registration, so a commitment cannot be swapped under a buyer.
///
/// Each registration carries a bond (at least `minStake`), which makes registering models in
/// bulk costly and stays locked for `withdrawDelay` after the seller retires the model, so the
/// record cannot vanish under orders placed just before. The escrows hold their own, slashable
/// stakes; this bond is not slashed.
contract ModelRegistry is ReentrancyGuard {
    // Field order packs the record into four storage slots.
    struct Model {
        address seller;
        uint64 registeredAt;
        uint64 retiredAt; // 0 while the model is on sale
        uint128 stake;
        bytes32 descriptionDigest; // digest of the public model description (the "circuit")
        bytes32 weightCommitment; // binds every weight; proofs are checked against it
    }

    uint256 public immutable minStake;
    uint256 public immutable withdrawDelay;

    /// @notice Number of models registered; ids run from 1 to modelCount.
    uint256 public modelCount;

    mapping(uint256 => Model) private models;
    // keccak256(seller, weightCommitment): one seller cannot list the same weights twice.
    mapping(bytes32 => bool) private listed;

    event ModelRegistered(
        uint256 indexed modelId,
        address indexed seller,
        bytes32 descriptionDigest,
        bytes32 weightCommitment,
        uint256 stake
    );
    event ModelRetired(uint256 indexed modelId, uint64 retiredAt);
    event StakeWithdrawn(uint256 indexed modelId, address indexed seller, uint256 amount);

    constructor(uint256 minStake_, uint256 withdrawDelay_) {
        minStake = minStake_;
        withdrawDelay = withdrawDelay_;
    }

    /// @notice Registers a model with msg.value as its bond and returns its id.
    function register(bytes32 descriptionDigest, bytes32 weightCommitment) external payable returns (uint256 modelId) {
        require(descriptionDigest != bytes32(0), "empty description digest");
        require(weightCommitment != bytes32(0), "empty weight commitment");
        require(msg.value >= minStake, "stake below minimum");
        require(msg.value <= type(uint128).max, "stake too large");
        bytes32 key = keccak256(abi.encode(msg.sender, weightCommitment));
        require(!listed[key], "commitment already registered");
        listed[key] = true;
        modelId = ++modelCount;
        models[modelId] = Model({
            seller: msg.sender,
            registeredAt: uint64(block.timestamp),
            retiredAt: 0,
            stake: uint128(msg.value),
            descriptionDigest: descriptionDigest,
            weightCommitment: weightCommitment
        });
        emit ModelRegistered(modelId, msg.sender, descriptionDigest, weightCommitment, msg.value);
    }

    function getModel(uint256 modelId) external view returns (Model memory) {
        return _existing(modelId);
    }

    /// @notice The model's seller (a record never changes, so escrows read it rather than copy it).
    function sellerOf(uint256 modelId) external view returns (address) {
        return _existing(modelId).seller;
    }

    /// @notice The model's weight commitment, which proofs about the model are checked against.
    function commitmentOf(uint256 modelId) external view returns (bytes32) {
        return _existing(modelId).weightCommitment;
    }

    /// @notice True iff the model exists and is not retired: only active models take new orders.
    function isActive(uint256 modelId) external view returns (bool) {
        Model storage model = models[modelId];
        return model.seller != address(0) && model.retiredAt == 0;
    }

    /// @notice Takes the model off sale; the bond can be withdrawn `withdrawDelay` later.
    function retire(uint256 modelId) external {
        Model storage model = _existing(modelId);
        require(msg.sender == model.seller, "not the seller");
        require(model.retiredAt == 0, "already retired");
        model.retiredAt = uint64(block.timestamp);
        emit ModelRetired(modelId, model.retiredAt);
    }

    /// @notice Sends the bond back to the seller once the model has been retired long enough.
    function withdrawStake(uint256 modelId) external nonReentrant {
        Model storage model = _existing(modelId);
        require(msg.sender == model.seller, "not the seller");
        require(model.retiredAt != 0, "model not retired");
        require(block.timestamp >= uint256(model.retiredAt) + withdrawDelay, "withdraw delay not over");
        uint256 amount = model.stake;
        require(amount > 0, "stake already withdrawn");
        model.stake = 0; // effect before the transfer
        emit StakeWithdrawn(modelId, msg.sender, amount);
        (bool sent, ) = msg.sender.call{value: amount}("");
        require(sent, "transfer failed");
    }

    function _existing(uint256 modelId) private view returns (Model storage model) {
        model = models[modelId];
        require(model.seller != address(0), "unknown model");
    }
}
