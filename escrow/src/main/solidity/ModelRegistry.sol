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
///
/// A seller rotates a model's weight commitment (a fresh hiding commitment to the same weights,
/// whose zero-knowledge rotation link buyers verify off-chain: docs/zero-knowledge.md, "Rotation")
/// with `rotate`: a new record with the same description and the old bond, the old one retired, and
/// the lineage recorded, so that anything keyed by a model id is looked up through `rootOf` (the
/// same model) and `latestOf` (the key to order against).
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
    /// @notice The model a rotated record replaced (0 for a model's first record).
    mapping(uint256 => uint256) public rotatedFrom;
    /// @notice The record a model was rotated to (0 while it is the newest of its lineage).
    mapping(uint256 => uint256) public rotatedTo;
    // The first record of a rotated record's lineage (0: the record is its own root), and the
    // newest record of each root's lineage (0: the root itself): O(1) lookups either way.
    mapping(uint256 => uint256) private roots;
    mapping(uint256 => uint256) private latest;
    /// @notice Per model, the hash of the plans the on-chain verifier's steps read (the statement,
    /// lookup and layer plans, derived from the public description: docs/onchain-verifier.md,
    /// "Proof sessions"), set once by the seller; 0 until then. A proof session about the model
    /// counts only if its plans hash (`ProofSession.sessionPlans`) is this one (SessionProofVerifier).
    mapping(uint256 => bytes32) public verifierPlansOf;

    event ModelRegistered(
        uint256 indexed modelId,
        address indexed seller,
        bytes32 descriptionDigest,
        bytes32 weightCommitment,
        uint256 stake
    );
    event ModelRetired(uint256 indexed modelId, uint64 retiredAt);
    event ModelRotated(
        uint256 indexed oldModelId,
        uint256 indexed newModelId,
        uint256 indexed rootModelId,
        bytes32 weightCommitment,
        bytes32 linkDigest
    );
    event VerifierPlansSet(uint256 indexed modelId, bytes32 plansHash);
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

    /// @notice Rotates the seller's active model `oldModelId` to `weightCommitment`, a fresh commitment
    /// to the same weights; `linkDigest` is the SHA-256 of the rotation link that proves it (checked
    /// by buyers off-chain; the link itself is in the seller's registry). The new record takes the
    /// description and the old bond (plus msg.value); the old one is retired, with nothing left to
    /// withdraw, and orders already placed on it are still contested and proven against its own
    /// commitment. A model is rotated once: its lineage is a chain.
    function rotate(uint256 oldModelId, bytes32 weightCommitment, bytes32 linkDigest)
        external
        payable
        returns (uint256 newModelId)
    {
        Model storage old = _existing(oldModelId);
        require(msg.sender == old.seller, "not the seller");
        require(rotatedTo[oldModelId] == 0, "already rotated");
        require(old.retiredAt == 0, "model retired");
        require(weightCommitment != bytes32(0), "empty weight commitment");
        require(linkDigest != bytes32(0), "empty rotation link");
        bytes32 key = keccak256(abi.encode(msg.sender, weightCommitment));
        require(!listed[key], "commitment already registered");
        listed[key] = true;
        uint256 stake = uint256(old.stake) + msg.value;
        require(stake <= type(uint128).max, "stake too large");
        bytes32 description = old.descriptionDigest;
        newModelId = ++modelCount;
        models[newModelId] = Model({
            seller: msg.sender,
            registeredAt: uint64(block.timestamp),
            retiredAt: 0,
            stake: uint128(stake),
            descriptionDigest: description,
            weightCommitment: weightCommitment
        });
        old.stake = 0; // the bond moved with the lineage
        old.retiredAt = uint64(block.timestamp);
        uint256 root = rootOf(oldModelId);
        rotatedFrom[newModelId] = oldModelId;
        rotatedTo[oldModelId] = newModelId;
        roots[newModelId] = root;
        latest[root] = newModelId;
        emit ModelRegistered(newModelId, msg.sender, description, weightCommitment, stake);
        emit ModelRetired(oldModelId, old.retiredAt);
        emit ModelRotated(oldModelId, newModelId, root, weightCommitment, linkDigest);
    }

    /// @notice Seller: records the hash of the model's verifier plans, once (a record is never
    /// edited). Nothing here checks it against the description (a contract cannot compile the
    /// circuit): anyone recomputes it from the verifying key, and a buyer must before it pays, since
    /// a contest of this record counts as proven by any concluded session of these plans
    /// (SessionProofVerifier): plans of another circuit would let its seller prove false answers.
    function setVerifierPlans(uint256 modelId, bytes32 plansHash) external {
        Model storage model = _existing(modelId);
        require(msg.sender == model.seller, "not the seller");
        require(plansHash != bytes32(0), "empty plans hash");
        require(verifierPlansOf[modelId] == bytes32(0), "plans already set");
        verifierPlansOf[modelId] = plansHash;
        emit VerifierPlansSet(modelId, plansHash);
    }

    /// @notice The first record of the model's lineage: the same weights under every rotation, so
    /// audits, reputation and stakes of any record in it belong to this id.
    function rootOf(uint256 modelId) public view returns (uint256) {
        _existing(modelId);
        uint256 root = roots[modelId];
        return root == 0 ? modelId : root;
    }

    /// @notice The newest record of the model's lineage: the one new orders go to.
    function latestOf(uint256 modelId) external view returns (uint256) {
        uint256 root = rootOf(modelId);
        uint256 newest = latest[root];
        return newest == 0 ? root : newest;
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
