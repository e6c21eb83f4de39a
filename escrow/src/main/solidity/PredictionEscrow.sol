// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import "./ModelRegistry.sol";
import "./IProofVerifier.sol";
import "./PullPayments.sol";
import "./Eip712.sol";
import "./Signatures.sol";

/// @notice Escrow for verified predictions with contested samples.
///
/// The seller of a registered model posts an offer (price per prediction, stake locked per order)
/// and a stake. A buyer pays for a batch of predictions; the seller answers off-chain and signs
/// each answer as (order, input hash, output hash). Until the order's contest deadline the buyer
/// may contest any signed answer; the seller must then prove it (through the proof verifier)
/// within `proofWindow`, or anyone can slash the order: the buyer gets the payment back plus the
/// stake locked for the order. An order with no unproven contest pays the seller after its
/// contest deadline.
///
/// The model's seller and weight commitment are read from the registry when needed: registry
/// records never change, so copying them into every order would only cost gas.
///
/// Order:   Open --claimPayment (after contestDeadline, no open contest)--> Paid
///          Open --slash (a contest passed its proof deadline unproven)-->   Slashed
/// Contest: Open --proveContest (before proofDeadline)--> Proven
///          Open --slash (after proofDeadline)-->          Expired
contract PredictionEscrow is PullPayments, Eip712 {
    bytes32 public constant ANSWER_TYPEHASH =
        keccak256("Answer(uint256 orderId,bytes32 inputHash,bytes32 outputHash)");
    uint32 public constant MAX_PREDICTIONS_PER_ORDER = 1_000_000;

    enum OrderStatus { None, Open, Paid, Slashed }
    enum ContestStatus { None, Open, Proven, Expired }

    struct Offer {
        uint128 pricePerPrediction;
        uint128 stakePerOrder; // locked from the seller's stake for every open order
    }

    struct Stake {
        uint256 free;
        uint256 locked;
    }

    // Field order packs an order into three storage slots.
    struct Order {
        address buyer;
        uint32 predictions;
        uint32 contests; // contests opened so far (at most `predictions`)
        uint32 openContests;
        uint64 modelId;
        uint64 contestDeadline;
        OrderStatus status;
        uint128 payment;
        uint128 lockedStake;
    }

    struct Contest {
        uint64 orderId;
        uint64 proofDeadline;
        ContestStatus status;
        bytes32 inputHash;
        bytes32 outputHash;
    }

    ModelRegistry public immutable registry;
    IProofVerifier public immutable proofVerifier;
    uint64 public immutable contestWindow;
    uint64 public immutable proofWindow;

    uint256 public orderCount;
    uint256 public contestCount;
    mapping(uint256 => Offer) private offers;
    mapping(uint256 => Stake) private stakes;
    mapping(uint256 => Order) private orders;
    mapping(uint256 => Contest) private contests;
    mapping(bytes32 => bool) private contested; // keccak256(orderId, inputHash, outputHash)

    event OfferSet(uint256 indexed modelId, uint128 pricePerPrediction, uint128 stakePerOrder);
    event StakeDeposited(uint256 indexed modelId, uint256 amount);
    event StakeWithdrawn(uint256 indexed modelId, uint256 amount);
    event OrderPaid(uint256 indexed orderId, uint256 indexed modelId, address indexed buyer, uint32 predictions, uint256 payment, uint64 contestDeadline);
    event Contested(uint256 indexed contestId, uint256 indexed orderId, bytes32 inputHash, bytes32 outputHash, uint64 proofDeadline);
    event ContestProven(uint256 indexed contestId, uint256 indexed orderId);
    event OrderSlashed(uint256 indexed orderId, uint256 indexed contestId, uint256 refund, uint256 slashed);
    event PaymentReleased(uint256 indexed orderId, uint256 amount);

    constructor(ModelRegistry registry_, IProofVerifier proofVerifier_, uint64 contestWindow_, uint64 proofWindow_)
        Eip712("zkaudit.PredictionEscrow", "1")
    {
        require(address(registry_) != address(0) && address(proofVerifier_) != address(0), "zero address");
        require(contestWindow_ > 0 && proofWindow_ > 0, "zero window");
        registry = registry_;
        proofVerifier = proofVerifier_;
        contestWindow = contestWindow_;
        proofWindow = proofWindow_;
    }

    // ---- seller: offer and stake ----

    function setOffer(uint256 modelId, uint128 pricePerPrediction, uint128 stakePerOrder) external {
        require(msg.sender == registry.sellerOf(modelId), "not the seller");
        require(registry.isActive(modelId), "model not active");
        require(stakePerOrder > 0, "stake per order is zero");
        offers[modelId] = Offer(pricePerPrediction, stakePerOrder);
        emit OfferSet(modelId, pricePerPrediction, stakePerOrder);
    }

    function depositStake(uint256 modelId) external payable {
        require(msg.value > 0, "no stake sent");
        require(msg.sender == registry.sellerOf(modelId), "not the seller");
        stakes[modelId].free += msg.value;
        emit StakeDeposited(modelId, msg.value);
    }

    /// @notice Moves unlocked stake to the seller's withdrawable credit.
    function withdrawStake(uint256 modelId, uint256 amount) external {
        require(msg.sender == registry.sellerOf(modelId), "not the seller");
        Stake storage stake = stakes[modelId];
        require(amount > 0 && amount <= stake.free, "amount exceeds free stake");
        stake.free -= amount;
        _credit(msg.sender, amount);
        emit StakeWithdrawn(modelId, amount);
    }

    /// @notice Moves free stake to another record of the same lineage (the key the model was
    /// rotated to, ModelRegistry.rotate): it backs the same weights, so it carries over.
    function moveStake(uint256 fromModelId, uint256 toModelId, uint256 amount) external {
        require(msg.sender == registry.sellerOf(fromModelId), "not the seller");
        require(
            fromModelId != toModelId && registry.rootOf(fromModelId) == registry.rootOf(toModelId),
            "not the same lineage"
        );
        Stake storage from = stakes[fromModelId];
        require(amount > 0 && amount <= from.free, "amount exceeds free stake");
        from.free -= amount;
        stakes[toModelId].free += amount;
        emit StakeWithdrawn(fromModelId, amount);
        emit StakeDeposited(toModelId, amount);
    }

    // ---- buyer: pay and contest ----

    /// @notice Pays for `predictions` answers of the model at its offered price (exact amount).
    /// `minStakePerOrder` is the stake the buyer saw in the offer: a seller who lowers it just
    /// before this transaction makes it fail instead of weakening the buyer's protection.
    function pay(uint256 modelId, uint32 predictions, uint128 minStakePerOrder) external payable returns (uint256 orderId) {
        require(registry.isActive(modelId), "model not active");
        Offer memory offer = offers[modelId];
        require(offer.stakePerOrder > 0, "no offer for model");
        require(offer.stakePerOrder >= minStakePerOrder, "stake per order below expected");
        require(predictions > 0 && predictions <= MAX_PREDICTIONS_PER_ORDER, "bad prediction count");
        require(msg.value == uint256(offer.pricePerPrediction) * predictions, "wrong payment");
        require(msg.value <= type(uint128).max && modelId <= type(uint64).max, "value out of range");
        Stake storage stake = stakes[modelId];
        require(stake.free >= offer.stakePerOrder, "seller stake too low");
        stake.free -= offer.stakePerOrder;
        stake.locked += offer.stakePerOrder;

        orderId = ++orderCount;
        uint64 deadline = uint64(block.timestamp) + contestWindow;
        orders[orderId] = Order({
            buyer: msg.sender,
            predictions: predictions,
            contests: 0,
            openContests: 0,
            modelId: uint64(modelId),
            contestDeadline: deadline,
            status: OrderStatus.Open,
            payment: uint128(msg.value),
            lockedStake: offer.stakePerOrder
        });
        emit OrderPaid(orderId, modelId, msg.sender, predictions, msg.value, deadline);
    }

    /// @notice Contests an answer the seller signed for this order; the seller must prove it.
    function contest(uint256 orderId, bytes32 inputHash, bytes32 outputHash, bytes calldata sellerSignature)
        external returns (uint256 contestId)
    {
        Order storage order = _existingOrder(orderId);
        require(msg.sender == order.buyer, "not the buyer");
        require(order.status == OrderStatus.Open, "order closed");
        require(block.timestamp <= order.contestDeadline, "contest window over");
        require(order.contests < order.predictions, "more contests than predictions");
        require(
            Signatures.isSignedBy(answerDigest(orderId, inputHash, outputHash), sellerSignature, registry.sellerOf(order.modelId)),
            "answer not signed by seller"
        );
        bytes32 key = keccak256(abi.encode(orderId, inputHash, outputHash));
        require(!contested[key], "answer already contested");
        contested[key] = true;

        order.contests += 1;
        order.openContests += 1;
        contestId = ++contestCount;
        uint64 deadline = uint64(block.timestamp) + proofWindow;
        contests[contestId] = Contest(uint64(orderId), deadline, ContestStatus.Open, inputHash, outputHash);
        emit Contested(contestId, orderId, inputHash, outputHash, deadline);
    }

    // ---- resolution ----

    /// @notice Closes a contest with a proof accepted by the proof verifier. Anyone may submit it.
    function proveContest(uint256 contestId, bytes calldata proof) external {
        Contest storage c = _existingContest(contestId);
        require(c.status == ContestStatus.Open, "contest not open");
        require(block.timestamp <= c.proofDeadline, "proof deadline passed");
        Order storage order = orders[c.orderId];
        require(order.status == OrderStatus.Open, "order closed");
        // An attestation check or an on-chain proof's fact, whichever verifier this escrow was
        // deployed with; both are told the record the order is about.
        require(
            proofVerifier.verifyPrediction(
                order.modelId, registry.commitmentOf(order.modelId), c.inputHash, c.outputHash, proof
            ),
            "proof rejected"
        );
        c.status = ContestStatus.Proven;
        order.openContests -= 1;
        emit ContestProven(contestId, c.orderId);
    }

    /// @notice After an unproven contest's deadline: refunds the buyer and gives it the order's
    /// locked stake. Anyone may call it; the money goes to the buyer's credit.
    function slash(uint256 contestId) external {
        Contest storage c = _existingContest(contestId);
        require(c.status == ContestStatus.Open, "contest not open");
        require(block.timestamp > c.proofDeadline, "proof deadline not passed");
        Order storage order = orders[c.orderId];
        require(order.status == OrderStatus.Open, "order closed");
        c.status = ContestStatus.Expired;
        order.status = OrderStatus.Slashed;
        order.openContests = 0; // other open contests of this order are moot now
        stakes[order.modelId].locked -= order.lockedStake;
        _credit(order.buyer, uint256(order.payment) + order.lockedStake);
        emit OrderSlashed(c.orderId, contestId, order.payment, order.lockedStake);
    }

    /// @notice After the contest deadline, with every contest proven: pays the seller and
    /// unlocks the order's stake. Anyone may call it; the money goes to the seller's credit.
    function claimPayment(uint256 orderId) external {
        Order storage order = _existingOrder(orderId);
        require(order.status == OrderStatus.Open, "order closed");
        require(block.timestamp > order.contestDeadline, "contest window not over");
        require(order.openContests == 0, "unproven contests");
        order.status = OrderStatus.Paid;
        Stake storage stake = stakes[order.modelId];
        stake.locked -= order.lockedStake;
        stake.free += order.lockedStake;
        _credit(registry.sellerOf(order.modelId), order.payment);
        emit PaymentReleased(orderId, order.payment);
    }

    // ---- views ----

    /// @notice The EIP-712 digest the seller signs for each answer.
    function answerDigest(uint256 orderId, bytes32 inputHash, bytes32 outputHash) public view returns (bytes32) {
        return _typedDigest(keccak256(abi.encode(ANSWER_TYPEHASH, orderId, inputHash, outputHash)));
    }

    function getOffer(uint256 modelId) external view returns (Offer memory) {
        return offers[modelId];
    }

    function getStake(uint256 modelId) external view returns (Stake memory) {
        return stakes[modelId];
    }

    function getOrder(uint256 orderId) external view returns (Order memory) {
        return _existingOrder(orderId);
    }

    function getContest(uint256 contestId) external view returns (Contest memory) {
        return _existingContest(contestId);
    }

    function _existingOrder(uint256 orderId) private view returns (Order storage order) {
        order = orders[orderId];
        require(order.status != OrderStatus.None, "unknown order");
    }

    function _existingContest(uint256 contestId) private view returns (Contest storage c) {
        c = contests[contestId];
        require(c.status != ContestStatus.None, "unknown contest");
    }
}
