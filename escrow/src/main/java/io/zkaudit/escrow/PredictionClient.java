package io.zkaudit.escrow;

import static io.zkaudit.escrow.AbiValues.id;
import static io.zkaudit.escrow.AbiValues.time;

import io.zkaudit.escrow.contracts.PredictionEscrow;
import java.math.BigInteger;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.RemoteCall;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthBlockNumber;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The prediction escrow, as one party sees it (verified prediction with contested samples). Obtain
 * through {@link EscrowClient#predictions()}.
 */
public final class PredictionClient {
  private static final BigInteger UINT128_LIMIT = BigInteger.ONE.shiftLeft(128);

  private final ChainSession session;
  private final PredictionEscrow contract;
  private final EscrowDeployment deployment;
  private final RegistryClient registry;

  PredictionClient(
      ChainSession session,
      PredictionEscrow contract,
      EscrowDeployment deployment,
      RegistryClient registry) {
    this.session = session;
    this.contract = contract;
    this.deployment = deployment;
    this.registry = registry;
  }

  // ---- seller ----

  /** Seller: sets the price per prediction and the stake locked for each order of the model. */
  public void setOffer(long modelId, BigInteger pricePerPrediction, BigInteger stakePerOrder) {
    session.send(
        "predictions.setOffer",
        contract.setOffer(
            id(modelId),
            uint128(pricePerPrediction, "price"),
            uint128(stakePerOrder, "stake per order")));
  }

  /** Seller: adds to the model's stake in this escrow. */
  public void depositStake(long modelId, BigInteger amount) {
    session.send(
        "predictions.depositStake",
        contract.depositStake(id(modelId), AbiValues.positive(amount, "amount")));
  }

  /**
   * Seller: moves free stake to its withdrawable credit (see {@link
   * EscrowClient#withdrawPredictionCredit()}).
   */
  public void withdrawStake(long modelId, BigInteger amount) {
    session.send(
        "predictions.withdrawStake",
        contract.withdrawStake(id(modelId), AbiValues.positive(amount, "amount")));
  }

  /**
   * Seller: moves free stake to a record of the same lineage (the key the model was rotated to).
   */
  public void moveStake(long fromModelId, long toModelId, BigInteger amount) {
    session.send(
        "predictions.moveStake",
        contract.moveStake(id(fromModelId), id(toModelId), AbiValues.positive(amount, "amount")));
  }

  /** Seller: signs one answer of an order; the buyer can contest it with this signature. */
  public SignedAnswer signAnswer(long orderId, Bytes32 inputHash, Bytes32 outputHash) {
    Bytes32 digest = TypedDigests.answer(deployment, orderId, inputHash, outputHash);
    return new SignedAnswer(
        orderId, inputHash, outputHash, Signatures.sign(session.credentials, digest));
  }

  /** Anyone (usually the seller): answers a contest with a proof the proof verifier accepts. */
  public void proveContest(long contestId, byte[] proof) {
    session.send("predictions.proveContest", contract.proveContest(id(contestId), proof.clone()));
  }

  /** Anyone: after the contest window, with every contest proven, credits the seller. */
  public void claimPayment(long orderId) {
    session.send("predictions.claimPayment", contract.claimPayment(id(orderId)));
  }

  // ---- buyer ----

  /**
   * Buyer: pays the current offer's price for {@code predictions} answers; returns the order id.
   * The transaction fails if the seller changes the price or lowers the stake in between.
   */
  public long pay(long modelId, int predictions) {
    if (predictions < 1)
      throw EscrowException.invalidArgument("predictions must be >= 1: " + predictions);
    PredictionOffer offer = getOffer(modelId);
    return payExactly(modelId, predictions, offer.priceOf(predictions), offer.stakePerOrder());
  }

  /** Buyer: like {@link #pay} with an explicit amount and minimum stake per order. */
  public long payExactly(
      long modelId, int predictions, BigInteger amount, BigInteger minStakePerOrder) {
    TransactionReceipt receipt =
        session.send(
            "predictions.pay",
            contract.pay(
                id(modelId),
                BigInteger.valueOf(predictions),
                uint128(minStakePerOrder, "minimum stake per order"),
                AbiValues.nonNegative(amount, "amount")));
    return id(PredictionEscrow.getOrderPaidEvents(receipt).getFirst().orderId);
  }

  /** Buyer: contests a signed answer; returns the contest id. */
  public long contest(SignedAnswer answer) {
    TransactionReceipt receipt =
        session.send(
            "predictions.contest",
            contract.contest(
                id(answer.orderId()),
                answer.inputHash().bytes(),
                answer.outputHash().bytes(),
                answer.signature()));
    return id(PredictionEscrow.getContestedEvents(receipt).getFirst().contestId);
  }

  /**
   * Anyone (usually the buyer): after an unproven contest's deadline, refunds and compensates the
   * buyer.
   */
  public void slash(long contestId) {
    session.send("predictions.slash", contract.slash(id(contestId)));
  }

  // ---- views ----

  /**
   * How many contests were ever opened: contest ids are 1 to this (for a seller watching for its
   * contests).
   */
  public long contestCount() {
    return id(session.call("predictions.contestCount", contract.contestCount()));
  }

  /** A contest as its Contested event says: its id and the block it was opened in. */
  public record OpenedContest(long contestId, long block) {}

  /**
   * The contests opened in blocks {@code fromBlock} to {@code toBlock} (both included), from this
   * escrow's Contested events (eth_getLogs), in log order: a watcher follows the chain from a block
   * it stored instead of reading every contest ever opened.
   */
  public java.util.List<OpenedContest> contestsOpened(long fromBlock, long toBlock) {
    EthFilter filter =
        new EthFilter(
                DefaultBlockParameter.valueOf(BigInteger.valueOf(fromBlock)),
                DefaultBlockParameter.valueOf(BigInteger.valueOf(toBlock)),
                deployment.predictionEscrow())
            .addSingleTopic(EventEncoder.encode(PredictionEscrow.CONTESTED_EVENT));
    EthLog logs =
        session.call(
            "eth_getLogs", new RemoteCall<>(() -> session.web3j.ethGetLogs(filter).send()));
    if (logs.hasError()) {
      throw EscrowException.failed(
          "eth_getLogs", new java.io.IOException(logs.getError().getMessage()));
    }
    java.util.List<OpenedContest> opened = new java.util.ArrayList<>();
    for (EthLog.LogResult<?> r : logs.getLogs()) {
      if (r.get() instanceof Log log) {
        opened.add(
            new OpenedContest(
                id(PredictionEscrow.getContestedEventFromLog(log).contestId),
                log.getBlockNumber().longValueExact()));
      }
    }
    return opened;
  }

  /** The number of the chain's latest block. */
  public long latestBlock() {
    EthBlockNumber n =
        session.call(
            "eth_blockNumber", new RemoteCall<>(() -> session.web3j.ethBlockNumber().send()));
    return n.getBlockNumber().longValueExact();
  }

  public PredictionOffer getOffer(long modelId) {
    PredictionEscrow.Offer offer =
        session.call("predictions.getOffer", contract.getOffer(id(modelId)));
    return new PredictionOffer(offer.pricePerPrediction, offer.stakePerOrder);
  }

  public PredictionStake getStake(long modelId) {
    PredictionEscrow.Stake stake =
        session.call("predictions.getStake", contract.getStake(id(modelId)));
    return new PredictionStake(stake.free, stake.locked);
  }

  public PredictionOrder getOrder(long orderId) {
    PredictionEscrow.Order o = session.call("predictions.getOrder", contract.getOrder(id(orderId)));
    long modelId = id(o.modelId);
    return new PredictionOrder(
        orderId,
        modelId,
        o.buyer,
        registry.sellerOf(modelId),
        registry.commitmentOf(modelId),
        o.predictions.intValueExact(),
        o.contests.intValueExact(),
        o.openContests.intValueExact(),
        time(o.contestDeadline),
        AbiValues.enumValue(PredictionOrder.Status.class, o.status),
        o.payment,
        o.lockedStake);
  }

  public PredictionContest getContest(long contestId) {
    PredictionEscrow.Contest c =
        session.call("predictions.getContest", contract.getContest(id(contestId)));
    return new PredictionContest(
        contestId,
        id(c.orderId),
        new Bytes32(c.inputHash),
        new Bytes32(c.outputHash),
        time(c.proofDeadline),
        AbiValues.enumValue(PredictionContest.Status.class, c.status));
  }

  /** The answer digest as the contract computes it (to cross-check {@link TypedDigests#answer}). */
  public Bytes32 answerDigestOnChain(long orderId, Bytes32 inputHash, Bytes32 outputHash) {
    return new Bytes32(
        session.call(
            "predictions.answerDigest",
            contract.answerDigest(id(orderId), inputHash.bytes(), outputHash.bytes())));
  }

  PredictionEscrow contract() {
    return contract;
  }

  private static BigInteger uint128(BigInteger value, String what) {
    AbiValues.nonNegative(value, what);
    if (value.compareTo(UINT128_LIMIT) >= 0)
      throw EscrowException.invalidArgument(what + " exceeds uint128: " + value);
    return value;
  }
}
