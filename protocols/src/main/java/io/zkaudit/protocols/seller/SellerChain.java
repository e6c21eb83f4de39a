package io.zkaudit.protocols.seller;

import com.google.protobuf.ByteString;
import io.zkaudit.escrow.Bytes32;
import io.zkaudit.escrow.EscrowClient;
import io.zkaudit.escrow.EscrowException;
import io.zkaudit.escrow.ModelRecord;
import io.zkaudit.escrow.PredictionContest;
import io.zkaudit.escrow.PredictionOrder;
import io.zkaudit.escrow.PredictionStake;
import io.zkaudit.proto.v1.ChainAnswer;
import io.zkaudit.proto.v1.ModelEntry;
import io.zkaudit.proto.v1.PredictRequest;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.chain.Attester;
import io.zkaudit.protocols.chain.ChainKeys;
import io.zkaudit.protocols.chain.ChainSettings;
import io.zkaudit.protocols.chain.ContestProofs;
import io.zkaudit.protocols.chain.OnChainProofs;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.http.HttpService;

/**
 * The seller's on-chain side. Its account is its protocol key. It mirrors each served model in
 * ModelRegistry (weight commitment = the model id, the SHA-256 of the verifying key), offers it in
 * PredictionEscrow with a stake, co-signs answers given for a buyer's on-chain order (EIP-712, what
 * the escrow checks when the buyer contests), and watches the escrow for contests of its answers:
 * each is proven and closed with {@code proveContest} before its deadline, or the buyer can slash
 * the order's stake. Proven how is the deployment's choice ({@link ContestProofs}): attested by the
 * designated verifier ({@link Attester}), or by the seller's own plain proof verified on chain
 * ({@link OnChainProofs}: the verifier plans recorded in the registry at the mirror, the proof's
 * session run in the seller's transactions).
 *
 * <p>The chain is the state of record for contests. The seller follows the escrow's Contested
 * events (eth_getLogs) from a block stored in its database: the first block holding a contest of
 * its own it has not settled (proven, closed, or past its deadline), or a few blocks back from the
 * chain's head if there is none (a reorganisation may replace the latest blocks). A restarted
 * seller reads on from there, so no contest is lost with the process, and none is read twice.
 */
public final class SellerChain implements AutoCloseable {
  private final ChainSettings settings;
  private final Web3j web3j;
  private final EscrowClient client;
  private final Attester attester;

  /**
   * The seller's client of the on-chain proof verifier ({@link ContestProofs#ON_CHAIN}); null when
   * contests end at the attester.
   */
  private final OnChainProofs onChain;

  private final SellerStore store;
  private final Consumer<String> events;

  /** On-chain model id to protocol model id, for the models this process mirrored. */
  private final Map<Long, ByteString> mirrored = new ConcurrentHashMap<>();

  /**
   * Contests seen but not settled yet, with the block each was opened in (retried at every poll
   * until proven, closed or past deadline; the stored cursor never passes one).
   */
  private final Map<Long, Long> pending = new ConcurrentHashMap<>();

  /**
   * Contests whose failed attempt was reported: a failing seller says so once, not at every poll.
   */
  private final Set<Long> reported = ConcurrentHashMap.newKeySet();

  /** Blocks read again at every poll: a reorganisation of the chain's head may replace them. */
  private static final long REORG_DEPTH = 12;

  /** Blocks per eth_getLogs call (providers cap a call's range, often at 10,000). */
  private static final long LOG_RANGE = 5_000;

  /** The next block to read contest events from (-1: not loaded from the store yet). */
  private long nextBlock = -1;

  /** The block last stored as the cursor: written again only when it moves. */
  private long storedCursor = -1;

  private volatile Thread watcher;
  private volatile boolean closed;

  /** The on-chain audits' side (AuditEscrow). */
  private final ChainAudits audits;

  /**
   * One look at the open on-chain audits, set by the audit service; run after each contest poll.
   */
  private volatile Runnable auditPoll = () -> {};

  private SellerChain(
      ChainSettings settings,
      Web3j web3j,
      EscrowClient client,
      Attester attester,
      OnChainProofs onChain,
      SellerStore store,
      Consumer<String> events) {
    this.settings = settings;
    this.web3j = web3j;
    this.client = client;
    this.attester = attester;
    this.onChain = onChain;
    this.store = store;
    this.events = events;
    this.audits = new ChainAudits(settings, client, attester, this::blockTime, events);
  }

  ChainAudits audits() {
    return audits;
  }

  /** Has the watch also carry the open on-chain audits on, at every poll. */
  void followAudits(Runnable poll) {
    this.auditPoll = poll;
  }

  /**
   * Connects with the seller's key; fails (EscrowException) if the node is unreachable or on
   * another chain.
   */
  public static SellerChain connect(
      ChainSettings settings,
      PartyKey key,
      Attester attester,
      SellerStore store,
      Consumer<String> events) {
    Web3j web3j = Web3j.build(new HttpService(settings.rpcUrl()));
    try {
      return new SellerChain(
          settings,
          web3j,
          EscrowClient.connect(web3j, ChainKeys.credentials(key), settings.deployment()),
          attester,
          settings.contestProofs() == ContestProofs.ON_CHAIN
              ? OnChainProofs.connect(web3j, ChainKeys.credentials(key), settings.deployment())
              : null,
          store,
          events);
    } catch (RuntimeException e) {
      web3j.shutdown();
      throw e;
    }
  }

  public String address() {
    return client.address();
  }

  public EscrowClient client() {
    return client;
  }

  /**
   * Registers the model on-chain unless this seller did so before (the on-chain id is kept in the
   * store), then makes sure the offer is set and at least one order's stake is free.
   */
  public synchronized long mirror(ModelEntry entry) {
    String registry = settings.deployment().registry().toLowerCase(java.util.Locale.ROOT);
    Bytes32 commitment = new Bytes32(entry.getModelId().toByteArray());
    Optional<Long> known = store.chainModel(registry, entry.getModelId().toByteArray());
    long chainModel;
    if (known.isPresent()) {
      chainModel = known.get();
      ModelRecord r = client.registry().getModel(chainModel);
      if (!ChainKeys.sameAddressOf(r.seller(), address())
          || !r.weightCommitment().equals(commitment)) {
        throw EscrowException.invalidArgument(
            "on-chain model "
                + chainModel
                + " is not this seller's registration of "
                + commitment.hex());
      }
    } else {
      // A previous run may have registered and stopped before storing the id (the registry
      // refuses a second registration of the same commitment by the same seller): adopt it.
      chainModel =
          findOwnRegistration(commitment)
              .orElseGet(
                  () ->
                      rotatedOnChain(registry, entry)
                          .orElseGet(
                              () -> {
                                long id =
                                    client
                                        .registry()
                                        .registerModel(
                                            new Bytes32(entry.getDescriptionDigest().toByteArray()),
                                            commitment,
                                            settings.registrationBond());
                                events.accept(
                                    "model "
                                        + commitment.hex()
                                        + " registered on-chain as model "
                                        + id);
                                return id;
                              }));
      store.putChainModel(registry, entry.getModelId().toByteArray(), chainModel);
    }
    var offer = client.predictions().getOffer(chainModel);
    if (!offer.pricePerPrediction().equals(settings.pricePerPrediction())
        || !offer.stakePerOrder().equals(settings.stakePerOrder())) {
      client
          .predictions()
          .setOffer(chainModel, settings.pricePerPrediction(), settings.stakePerOrder());
    }
    topUpStake(chainModel);
    if (onChain != null) {
      recordVerifierPlans(chainModel, entry);
    }
    // Contests of this seller's orders for models it did not serve yet stayed pending: the next
    // poll finds them.
    mirrored.put(chainModel, entry.getModelId());
    return chainModel;
  }

  /**
   * A rotated key whose predecessor this seller mirrored and is still the newest of its lineage
   * on-chain: {@code ModelRegistry.rotate} (the bond moves along, the old record is retired, orders
   * on it are still proven against its own commitment), and the old record's free escrow stake
   * moves to the new one. Empty otherwise (then the key is registered as a model of its own).
   */
  private Optional<Long> rotatedOnChain(String registry, ModelEntry entry) {
    if (entry.getRotatedFrom().isEmpty()) {
      return Optional.empty();
    }
    Optional<Long> old = store.chainModel(registry, entry.getRotatedFrom().toByteArray());
    if (old.isEmpty()
        || !client.registry().isActive(old.get())
        || client.registry().latestOf(old.get()) != old.get()) {
      return Optional.empty();
    }
    Bytes32 commitment = new Bytes32(entry.getModelId().toByteArray());
    Bytes32 link = new Bytes32(io.zkaudit.hash.Sha256.hash(entry.getRotationLink().toByteArray()));
    long id = client.registry().rotateModel(old.get(), commitment, link, java.math.BigInteger.ZERO);
    events.accept(
        "model "
            + commitment.hex()
            + " registered on-chain as model "
            + id
            + ", rotated from model "
            + old.get());
    java.math.BigInteger free = client.predictions().getStake(old.get()).free();
    if (free.signum() > 0) {
      client.predictions().moveStake(old.get(), id, free);
      events.accept(
          "moved " + free + " wei of free stake from model " + old.get() + " to model " + id);
    }
    return Optional.of(id);
  }

  /**
   * Contests proven on chain count only against the plans the registry holds for the model: the
   * seller records them once (from the key; anyone recomputes them to check). A model the contracts
   * cannot verify yet gets none, and its contests cannot be proven (said here, once).
   */
  private void recordVerifierPlans(long chainModel, ModelEntry entry) {
    if (!client.registry().verifierPlansOf(chainModel).isZero()) {
      return;
    }
    try {
      Bytes32 plans = OnChainProofs.plansOf(entry.getVerifyingKey().toByteArray());
      client.registry().setVerifierPlans(chainModel, plans);
      events.accept("model " + chainModel + ": verifier plans " + plans.hex() + " recorded");
    } catch (OnChainProofs.NotProvableOnChain e) {
      events.accept(
          "model "
              + chainModel
              + " cannot be proven on chain, so its contests cannot be answered: "
              + e.getMessage());
    }
  }

  private Optional<Long> findOwnRegistration(Bytes32 commitment) {
    for (long id = client.registry().modelCount(); id >= 1; id--) {
      ModelRecord r = client.registry().getModel(id);
      if (r.active()
          && ChainKeys.sameAddressOf(r.seller(), address())
          && r.weightCommitment().equals(commitment)) {
        return Optional.of(id);
      }
    }
    return Optional.empty();
  }

  /** Keeps at least one order's stake free, so buyers can keep paying (each order locks one). */
  private void topUpStake(long chainModel) {
    PredictionStake stake = client.predictions().getStake(chainModel);
    if (stake.free().compareTo(settings.stakePerOrder()) < 0) {
      client.predictions().depositStake(chainModel, settings.stakeDeposit());
      events.accept("staked " + settings.stakeDeposit() + " wei on model " + chainModel);
    }
  }

  /** The on-chain id of a mirrored model. */
  public Optional<Long> chainModel(ByteString modelId) {
    return mirrored.entrySet().stream()
        .filter(e -> e.getValue().equals(modelId))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  /** Refuses a request naming an order that is not this buyer's open order for this model. */
  void checkOrder(PredictRequest r) {
    long orderId = r.getOrderId();
    long chainModel =
        chainModel(r.getModelId())
            .orElseThrow(
                () ->
                    new RequestRejected(
                        RequestRejected.Reason.NOT_READY,
                        "order_id: the model is not offered on-chain by this seller"));
    PredictionOrder order;
    try {
      order = client.predictions().getOrder(orderId);
    } catch (EscrowException e) {
      if (e.revertReason().isPresent()) {
        throw RequestRejected.notFound(
            "order_id: no order " + Long.toUnsignedString(orderId) + " on-chain");
      }
      throw new RequestRejected(
          RequestRejected.Reason.UNAVAILABLE, "the seller cannot reach the chain");
    }
    if (!ChainKeys.sameAddressOf(order.buyer(), ChainKeys.address(r.getBuyer().toByteArray()))) {
      throw RequestRejected.denied(
          "order_id: order " + orderId + " was paid by another account than the buyer's key");
    }
    if (order.modelId() != chainModel) {
      throw RequestRejected.invalid("order_id: order " + orderId + " is for another model");
    }
    if (order.status() != PredictionOrder.Status.OPEN) {
      throw new RequestRejected(
          RequestRejected.Reason.NOT_READY,
          "order_id: order " + orderId + " is closed (" + order.status() + ")");
    }
  }

  /** The seller's EIP-712 answer signature for the order (no transaction: signing is local). */
  ChainAnswer cosign(long orderId, byte[] inputHash, byte[] outputHash) {
    byte[] sig =
        client
            .predictions()
            .signAnswer(orderId, new Bytes32(inputHash), new Bytes32(outputHash))
            .signature();
    return ChainAnswer.newBuilder()
        .setOrderId(orderId)
        .setSignature(ByteString.copyFrom(sig))
        .build();
  }

  String escrow() {
    return settings.deployment().predictionEscrow().toLowerCase(java.util.Locale.ROOT);
  }

  /** Starts watching the escrow for contests, proving them with {@code contests}. */
  synchronized void watch(SellerContests contests) {
    if (watcher != null) {
      return;
    }
    watcher =
        Thread.ofPlatform()
            .daemon()
            .name("seller-chain-contests")
            .start(
                () -> {
                  while (!closed) {
                    try {
                      pollOnce(contests);
                    } catch (RuntimeException e) {
                      events.accept("on-chain contest watch failed, retrying: " + e.getMessage());
                    }
                    try {
                      auditPoll.run();
                    } catch (RuntimeException e) {
                      events.accept("on-chain audit watch failed, retrying: " + e.getMessage());
                    }
                    try {
                      Thread.sleep(settings.pollInterval());
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
  }

  /**
   * One look at the escrow: new contests join the pending set; each pending one is proven if it can
   * be.
   */
  synchronized void pollOnce(SellerContests contests) {
    long head = client.predictions().latestBlock();
    if (nextBlock < 0) {
      // A seller's first watch reads from the chain's first block, once.
      Optional<Long> known = store.chainCursor(escrow());
      nextBlock = known.orElse(0L);
      storedCursor = known.orElse(-1L);
    }
    for (long from = nextBlock; from <= head; from += LOG_RANGE) {
      for (var c :
          client.predictions().contestsOpened(from, Math.min(head, from + LOG_RANGE - 1))) {
        pending.putIfAbsent(c.contestId(), c.block());
      }
    }
    nextBlock = Math.max(nextBlock, head + 1 - REORG_DEPTH);
    try {
      settle(contests);
    } finally {
      // Stored after the contests were looked at: a crash before reads them again, never skips
      // them.
      long cursor =
          Math.min(
              nextBlock,
              pending.values().stream().mapToLong(Long::longValue).min().orElse(nextBlock));
      if (cursor != storedCursor) {
        store.setChainCursor(escrow(), cursor);
        storedCursor = cursor;
      }
    }
  }

  /**
   * Each pending contest: dropped if it is not this seller's to prove any more, proven if it can
   * be.
   */
  private void settle(SellerContests contests) {
    for (long chainModel : mirrored.keySet()) {
      // A retired record (rotated to a new key) takes no new orders: its stake moved along the
      // lineage.
      if (client.registry().isActive(chainModel)) {
        topUpStake(chainModel);
      }
    }
    Instant now = null;
    for (Long id : pending.keySet().stream().sorted().toList()) {
      if (closed) {
        return;
      }
      PredictionContest c = client.predictions().getContest(id);
      if (c.status() != PredictionContest.Status.OPEN) {
        pending.remove(id);
        continue;
      }
      PredictionOrder order = client.predictions().getOrder(c.orderId());
      ByteString modelId = mirrored.get(order.modelId());
      if (modelId == null && !ChainKeys.sameAddressOf(order.seller(), address())) {
        pending.remove(id); // another seller's
        continue;
      }
      if (order.status() != PredictionOrder.Status.OPEN) {
        pending.remove(id); // slashed through another contest, or paid: nothing left to prove
        continue;
      }
      now = now != null ? now : blockTime();
      if (now.isAfter(c.proofDeadline())) {
        pending.remove(id);
        events.accept(
            "on-chain contest "
                + id
                + " passed its proof deadline unproven: the order's stake is lost");
        continue;
      }
      if (modelId == null) {
        continue; // this seller's, for a model this process does not serve (yet): kept until its
        // deadline
      }
      Optional<String> answerId =
          store.chainAnswerId(escrow(), c.orderId(), c.inputHash().bytes(), c.outputHash().bytes());
      if (answerId.isEmpty()) {
        pending.remove(id);
        events.accept(
            "on-chain contest "
                + id
                + " names no answer this seller gave for order "
                + c.orderId());
        continue;
      }
      try {
        int[] input = store.answer(answerId.get()).orElseThrow().input();
        byte[] vk =
            store.model(modelId.toByteArray()).orElseThrow().getVerifyingKey().toByteArray();
        byte[] attestation;
        if (onChain != null) {
          // A plain proof through the deployment's ProofSession, in the seller's own
          // transactions: the bytes name the fact the session concluded.
          byte[] plain = contests.plainProofFor(answerId.get(), c.proofDeadline().toEpochMilli());
          attestation =
              onChain.prove(
                  vk,
                  plain,
                  input,
                  new Bytes32(modelId.toByteArray()),
                  c.inputHash(),
                  c.outputHash());
        } else {
          // Ordered by the contest's on-chain deadline among the other owed proofs (earliest
          // first).
          byte[] proof = contests.proofFor(answerId.get(), c.proofDeadline().toEpochMilli());
          attestation =
              attester.attestPrediction(
                  vk,
                  proof,
                  input,
                  new Bytes32(modelId.toByteArray()),
                  c.inputHash(),
                  c.outputHash());
        }
        client.predictions().proveContest(id, attestation);
        pending.remove(id);
        events.accept("on-chain contest " + id + " (answer " + answerId.get() + ") proven");
      } catch (Attester.AttestationRefused e) {
        pending.remove(id);
        events.accept(
            "on-chain contest " + id + ": the verifier refused the proof: " + e.getMessage());
      } catch (RuntimeException e) {
        if (reported.add(id)) {
          events.accept(
              "on-chain contest "
                  + id
                  + " not proven yet (retrying until "
                  + c.proofDeadline()
                  + "): "
                  + e.getMessage());
        }
      }
    }
  }

  private Instant blockTime() {
    try {
      return Instant.ofEpochSecond(
          web3j
              .ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
              .send()
              .getBlock()
              .getTimestamp()
              .longValueExact());
    } catch (java.io.IOException | RuntimeException e) {
      throw EscrowException.failed("eth_getBlockByNumber", e);
    }
  }

  @Override
  public void close() {
    closed = true;
    Thread w = watcher;
    if (w != null) {
      w.interrupt();
      try {
        w.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    web3j.shutdown();
  }
}
