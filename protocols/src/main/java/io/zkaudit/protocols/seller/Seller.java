package io.zkaudit.protocols.seller;

import com.google.protobuf.ByteString;
import io.zkaudit.hash.Digest32;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.proto.v1.AnswerStatement;
import io.zkaudit.proto.v1.ClaimedMetric;
import io.zkaudit.proto.v1.ContestRequest;
import io.zkaudit.proto.v1.ContestResponse;
import io.zkaudit.proto.v1.ModelEntry;
import io.zkaudit.proto.v1.PredictRequest;
import io.zkaudit.proto.v1.ProvenAnswer;
import io.zkaudit.proto.v1.RegisterModelRequest;
import io.zkaudit.proto.v1.SignedAnswer;
import io.zkaudit.protocols.Hex;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.Statements;
import io.zkaudit.protocols.Tensors;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ProverException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The seller's protocol logic, independent of the transport: validates every request field,
 * answers, signs, proves and records. The gRPC services only translate to and from it.
 */
public final class Seller {
  static final int MAX_NAME = 200;
  static final int MAX_METRICS = 32;
  private static final Pattern CONTEST_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{16,64}");

  /** The answer ids this seller gives: UUIDs (see answer()). */
  private static final Pattern ANSWER_ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final PartyKey key;
  private final SellerStore store;
  private final SellerConfig config;
  private final AnswerProver prover;

  /**
   * One proof at a time (a proof takes all cores and, for MobileNet, 7 GB of heap), owed proofs
   * first, predict proofs bounded: see ProofQueue.
   */
  private final ProofQueue proofs;

  /** Per-buyer-key rates and quotas, charged once a request's signature verified. */
  private final BuyerQuotas quotas;

  /** The models whose weights this process holds, by model id: only these can be proven. */
  private final Map<Digest32, CommittedModel> loaded = new ConcurrentHashMap<>();

  /**
   * Set when the seller is on a chain: registrations mirrored, orders co-signed, contests watched.
   */
  private volatile SellerChain chain;

  /**
   * One lock per contest being proven, so a resumed contest and a buyer's resend never prove it
   * twice.
   */
  private final Map<String, Object> contestLocks = new ConcurrentHashMap<>();

  private volatile java.util.function.Consumer<String> events = e -> {};

  /**
   * Rotated keys: old model id -> the id it was rotated to (loaded, and in the store's lineage).
   */
  private final Map<Digest32, Digest32> successors = new ConcurrentHashMap<>();

  /** Null: the seller only warns when a budget is spent; else it rotates by itself. */
  private volatile RotationPolicy rotation;

  public Seller(PartyKey key, SellerStore store, SellerConfig config, AnswerProver prover) {
    this(key, store, config, prover, AdmissionLimits.defaults());
  }

  public Seller(
      PartyKey key,
      SellerStore store,
      SellerConfig config,
      AnswerProver prover,
      AdmissionLimits limits) {
    this.key = key;
    this.store = store;
    this.config = config;
    this.prover = prover;
    this.proofs = new ProofQueue(limits);
    this.quotas = new BuyerQuotas(limits);
  }

  BuyerQuotas quotas() {
    return quotas;
  }

  /**
   * Proofs waiting for the prover now, and those dropped since start because their callers gave up.
   */
  public String queueState() {
    return proofs.waiting() + " waiting, " + proofs.dropped() + " dropped (callers gone)";
  }

  ProofQueue proofQueue() {
    return proofs;
  }

  /**
   * Zero-knowledge proofs each loaded model key can still make before its commitment's hiding
   * budget is spent (negative: spent beyond it), by model id in hex.
   */
  public Map<String, Long> hidingBudgetLeft() {
    Map<String, Long> left = new java.util.TreeMap<>();
    for (CommittedModel m : loaded.values()) {
      long budget =
          m.layout().hiddenProofs(io.zkaudit.inference.InferenceStatement.longLivedPcsParams());
      left.put(m.vk().digest().hex(), budget - hidingBudgetUsed(m));
    }
    return left;
  }

  /** Stops proving: waiting proofs fail (UNAVAILABLE), the one under way finishes. */
  void stopProving() {
    proofs.close();
  }

  public SellerStore store() {
    return store;
  }

  public PartyKey key() {
    return key;
  }

  SellerConfig config() {
    return config;
  }

  /**
   * Puts the seller on a chain: models served from now on are mirrored there, and its contests
   * watched.
   */
  public void useChain(SellerChain c) {
    this.chain = c;
    for (ModelEntry m : store.models()) {
      if (loaded.containsKey(new Digest32(m.getModelId().toByteArray()))) {
        c.mirror(m);
      }
    }
    c.watch(this);
  }

  public java.util.Optional<SellerChain> chain() {
    return java.util.Optional.ofNullable(chain);
  }

  /**
   * Rotates by itself from now on (docs/zero-knowledge.md, "Rotation"); set before {@link #serve},
   * so that a restarted seller also recommits to the keys it rotated to before.
   */
  public void rotateAutomatically(RotationPolicy policy) {
    this.rotation = policy;
  }

  /** Where the seller reports what it does by itself (contests resumed or proven on-chain). */
  public void onEvent(java.util.function.Consumer<String> listener) {
    this.events = listener;
  }

  /**
   * The key a registration ships: with its range proof, which buyers check before trusting it (made
   * here, once per registration, when the committed model's key has none).
   */
  private static io.zkaudit.inference.VerifyingKey certified(CommittedModel model) {
    return model.vk().rangeProof() != null
        ? model.vk()
        : io.zkaudit.prover.inference.WeightRangeProver.certify(model);
  }

  /**
   * Loads a committed model and registers it unless it already is (a restarted seller loads the
   * same weights again and finds its registration in the store).
   */
  public ModelEntry serve(CommittedModel model, String name, List<ClaimedMetric> metrics) {
    loaded.put(model.vk().digest(), model);
    var existing = store.model(model.vk().digest().bytes());
    ModelEntry entry;
    if (existing.isPresent()) {
      entry = existing.get();
    } else {
      RegisterModelRequest.Builder r =
          RegisterModelRequest.newBuilder()
              .setName(name)
              .setVerifyingKey(ByteString.copyFrom(certified(model).encode()))
              .addAllMetrics(metrics);
      entry = register(r.setSellerSignature(key.sign(Statements.register(r.build()))).build());
    }
    SellerChain c = chain;
    if (c != null) {
      c.mirror(entry);
    }
    loadLineage(model);
    resumeOpenContestsInBackground();
    return entry;
  }

  /**
   * Recommits to the keys a previous run rotated this model to (their generations are in the store,
   * the hiding key in the policy), so requests go on under the newest key after a restart.
   */
  private void loadLineage(CommittedModel first) {
    CommittedModel current = first;
    java.util.Optional<byte[]> next;
    while ((next = store.rotatedTo(current.vk().digest().bytes())).isPresent()) {
      Digest32 id = new Digest32(next.get());
      RotationPolicy p = rotation;
      if (p == null) {
        events.accept(
            "model "
                + current.vk().digest().hex()
                + " was rotated to "
                + id.hex()
                + ": serving the old key (give the seller its hiding key to serve the new one)");
        return;
      }
      CommittedModel c =
          io.zkaudit.prover.inference.ModelProver.commit(
              current.model(), p.hidingKey(), store.generation(id.bytes()));
      if (!c.vk().digest().equals(id)) {
        events.accept(
            "model "
                + current.vk().digest().hex()
                + " was rotated to "
                + id.hex()
                + ", which this hiding key does not recommit to: serving the old key");
        return;
      }
      loaded.put(id, c);
      successors.put(current.vk().digest(), id);
      current = c;
      SellerChain chainNow = chain;
      if (chainNow != null) {
        store.model(id.bytes()).ifPresent(chainNow::mirror);
      }
    }
  }

  /**
   * The newest key of a model's lineage that this process holds (the model itself if never
   * rotated).
   */
  public CommittedModel current(CommittedModel model) {
    Digest32 id = model.vk().digest();
    for (Digest32 next = successors.get(id); next != null; next = successors.get(id)) {
      id = next;
    }
    return loaded.getOrDefault(id, model);
  }

  /**
   * Proves, in the background, the contests a previous run stored but did not finish (it stopped
   * mid-contest): the buyer then finds them proven on its next call, without resending. A contest
   * whose model is not loaded (yet) stays open and is tried again when another model is served.
   */
  private void resumeOpenContestsInBackground() {
    List<String> open = store.openContests();
    if (open.isEmpty()) {
      return;
    }
    Thread.ofPlatform()
        .daemon()
        .name("seller-resume-contests")
        .start(
            () -> {
              for (String id : open) {
                try {
                  store.contest(id).ifPresent(this::prove);
                  events.accept(
                      "resumed contest "
                          + id
                          + ": "
                          + store
                              .contest(id)
                              .map(c -> c.status().name().toLowerCase(java.util.Locale.ROOT))
                              .orElse("gone"));
                } catch (RuntimeException e) {
                  events.accept("resumed contest " + id + " not proven yet: " + e.getMessage());
                }
              }
            });
  }

  public ModelEntry register(RegisterModelRequest r) {
    if (!r.hasSellerSignature()
        || !PartyKey.verify(r.getSellerSignature(), Statements.register(r))) {
      throw RequestRejected.denied("seller_signature: a registration must be signed");
    }
    if (!r.getSellerSignature().getPublicKey().equals(key.publicKeyBytes())) {
      throw RequestRejected.denied(
          "seller_signature: only this seller registers models in its registry");
    }
    String name = r.getName();
    if (name.isBlank() || name.length() > MAX_NAME) {
      throw RequestRejected.invalid("name: 1 to " + MAX_NAME + " characters");
    }
    if (r.getMetricsCount() > MAX_METRICS) {
      throw RequestRejected.invalid("metrics: at most " + MAX_METRICS);
    }
    for (ClaimedMetric m : r.getMetricsList()) {
      if (m.getName().isBlank()
          || m.getName().length() > 100
          || m.getDataset().length() > MAX_NAME
          || !Double.isFinite(m.getValue())) {
        throw RequestRejected.invalid(
            "metrics: a name of 1 to 100 characters, a finite value, a dataset name");
      }
    }
    VerifyingKey vk;
    try {
      vk = VerifyingKey.decode(r.getVerifyingKey().toByteArray());
    } catch (InvalidProofException e) {
      throw RequestRejected.invalid("verifying_key: " + e.getMessage());
    }
    Digest32 id = vk.digest();
    // Before the weights check: a rotation that does not verify is refused as such, whoever sends
    // it.
    checkRotation(r, vk);
    if (!loaded.containsKey(id)) {
      throw new RequestRejected(
          RequestRejected.Reason.NOT_READY,
          "verifying_key: this seller does not hold the weights of model "
              + id.hex()
              + ", so it could not prove it");
    }
    var existing = store.model(id.bytes());
    if (existing.isPresent()) {
      throw new RequestRejected(
          RequestRejected.Reason.DUPLICATE, "model " + id.hex() + " is registered");
    }
    ModelEntry entry =
        ModelEntry.newBuilder()
            .setModelId(ByteString.copyFrom(id.bytes()))
            .setName(name)
            .setDescriptionDigest(ByteString.copyFrom(vk.description().digest()))
            .setVerifyingKey(r.getVerifyingKey())
            .addAllMetrics(r.getMetricsList())
            .setRegisteredAtMillis(config.clock().millis())
            .setSellerSignature(r.getSellerSignature())
            .setRotatedFrom(r.getRotatedFrom())
            .setRotationLink(r.getRotationLink())
            .build();
    store.putModel(entry);
    return entry;
  }

  /**
   * A rotation registers a key of a model this registry holds, not rotated before (a lineage is a
   * chain), with a link that verifies: the same weights, so the lineage's audits carry over.
   */
  private void checkRotation(RegisterModelRequest r, VerifyingKey vk) {
    if (r.getRotatedFrom().isEmpty() && r.getRotationLink().isEmpty()) {
      return;
    }
    requireLength("rotated_from", r.getRotatedFrom(), Digest32.LENGTH);
    ModelEntry old =
        store
            .model(r.getRotatedFrom().toByteArray())
            .orElseThrow(
                () ->
                    RequestRejected.invalid(
                        "rotated_from: no model "
                            + Hex.of(r.getRotatedFrom())
                            + " is registered here"));
    var rotated = store.rotatedTo(old.getModelId().toByteArray());
    if (rotated.isPresent()) {
      throw new RequestRejected(
          RequestRejected.Reason.DUPLICATE,
          "rotated_from: model "
              + Hex.of(old.getModelId())
              + " was rotated to "
              + new Digest32(rotated.get()).hex()
              + " already");
    }
    try {
      VerifyingKey oldKey = VerifyingKey.decode(old.getVerifyingKey().toByteArray());
      io.zkaudit.inference.RotationLink.decode(r.getRotationLink().toByteArray())
          .verify(oldKey, vk);
    } catch (InvalidProofException e) {
      throw RequestRejected.invalid("rotation_link: " + e.getMessage());
    }
  }

  /**
   * Rotates a model's key: commits the same weights at the next generation, proves the link,
   * registers the new key with its lineage (mirrored on a chain) and proves later requests under
   * it. The link spends one proof of each key's budget, counted as such.
   */
  public ModelEntry rotate(CommittedModel model) {
    RotationPolicy p = rotation;
    if (p == null) {
      throw new IllegalStateException(
          "rotation needs the hiding key: call rotateAutomatically first");
    }
    synchronized (successors) {
      CommittedModel old = current(model);
      Digest32 oldId = old.vk().digest();
      ModelEntry oldEntry =
          store
              .model(oldId.bytes())
              .orElseThrow(
                  () -> new IllegalStateException("model " + oldId.hex() + " is not registered"));
      int generation = store.generation(oldId.bytes()) + 1;
      // Owed work, like an audit without a deadline: after every proof that has one, before any
      // answer (the hiding budget it protects is spent by answers).
      ProofQueue.Priority owed = ProofQueue.Priority.audit(Long.MAX_VALUE);
      io.zkaudit.prover.inference.RotationLinks.Rotation rotated =
          proofs.run(
              owed,
              () ->
                  io.zkaudit.prover.inference.RotationLinks.rotate(old, p.hidingKey(), generation));
      CommittedModel fresh = rotated.committed();
      // The new key ships its own range proof: buyers refuse a key without one.
      io.zkaudit.inference.VerifyingKey freshKey = proofs.run(owed, () -> certified(fresh));
      loaded.put(fresh.vk().digest(), fresh);
      store.countProof(oldId.bytes());
      RegisterModelRequest.Builder r =
          RegisterModelRequest.newBuilder()
              .setName(oldEntry.getName())
              .setVerifyingKey(ByteString.copyFrom(freshKey.encode()))
              .addAllMetrics(oldEntry.getMetricsList())
              .setRotatedFrom(oldEntry.getModelId())
              .setRotationLink(ByteString.copyFrom(rotated.link().encode()));
      ModelEntry entry =
          register(r.setSellerSignature(key.sign(Statements.register(r.build()))).build());
      store.countProof(fresh.vk().digest().bytes());
      successors.put(oldId, fresh.vk().digest());
      SellerChain c = chain;
      if (c != null) {
        c.mirror(entry);
      }
      events.accept(
          "rotated model "
              + oldId.hex()
              + " to "
              + fresh.vk().digest().hex()
              + " (generation "
              + generation
              + ") after "
              + store.proofs(oldId.bytes())
              + " zero-knowledge proofs");
      return entry;
    }
  }

  public List<ModelEntry> models() {
    return store.models();
  }

  public ModelEntry model(ByteString modelId) {
    requireLength("model_id", modelId, Digest32.LENGTH);
    return store
        .model(modelId.toByteArray())
        .orElseThrow(
            () ->
                RequestRejected.notFound(
                    "model_id: no model " + Hex.of(modelId) + " is registered"));
  }

  public ProvenAnswer predict(PredictRequest r) {
    Request q = validate(r);
    ModelProof proof;
    try {
      proof = prove(q.model, q.input, ProofQueue.Priority.answer(r.getBuyer()));
    } catch (ProverException e) {
      throw RequestRejected.invalid("input: cannot be proven: " + e.getMessage());
    }
    byte[] proofBytes = proof.encode();
    SignedAnswer answer = answer(r, q.model, q.input, proof.output());
    record(new StoredAnswer(answer, q.input, proofBytes));
    return ProvenAnswer.newBuilder()
        .setAnswer(answer)
        .setProof(ByteString.copyFrom(proofBytes))
        .build();
  }

  public SignedAnswer predictSigned(PredictRequest r) {
    Request q = validate(r);
    int[] output;
    try {
      output = prover.output(q.model, q.input);
    } catch (RuntimeException e) {
      throw RequestRejected.invalid("input: cannot be evaluated: " + e.getMessage());
    }
    SignedAnswer answer = answer(r, q.model, q.input, output);
    record(new StoredAnswer(answer, q.input, null));
    return answer;
  }

  /**
   * Proves each contested answer (reusing a proof made earlier) and records whether that was before
   * the deadline. The contest is stored before any proving, so that it survives a crash: the buyer
   * sends the same signed request again and the seller resumes it (or, if it was finished, answers
   * with the same proofs). Any other request with a used contest id is refused.
   */
  public ContestResponse contest(ContestRequest c) {
    if (!CONTEST_ID.matcher(c.getContestId()).matches()) {
      throw RequestRejected.invalid("contest_id: 1 to 64 letters, digits, '-' or '_'");
    }
    int n = c.getAnswerIdsCount();
    if (n == 0 || n > config.maxContestAnswers()) {
      throw RequestRejected.invalid("answer_ids: 1 to " + config.maxContestAnswers() + " answers");
    }
    for (int i = 0; i < n; i++) {
      // Checked before any lookup, and never echoed: an error message is not a mirror for any bytes
      // a caller sends.
      if (!ANSWER_ID.matcher(c.getAnswerIds(i)).matches()) {
        throw RequestRejected.invalid(
            "answer_ids[" + i + "]: not an answer id this seller gives (a UUID)");
      }
    }
    Set<String> distinct = new HashSet<>(c.getAnswerIdsList());
    if (distinct.size() != n) {
      throw RequestRejected.invalid("answer_ids: each answer once");
    }
    if (!c.hasBuyerSignature() || !PartyKey.verify(c.getBuyerSignature(), Statements.contest(c))) {
      throw RequestRejected.denied("buyer_signature: missing or not over this request");
    }
    ByteString buyer = c.getBuyerSignature().getPublicKey();
    // A contest proves only answers this buyer obtained (each charged as an answer then): its size
    // is capped, and the request itself counted, but its proofs are owed and never refused.
    quotas.request(buyer);
    var existing = store.contest(c.getContestId());
    if (existing.isPresent()) {
      ContestRecord e = existing.get();
      // The same signed request again (a retry, or a replay: either way the same answer).
      if (!java.util.Arrays.equals(e.buyer(), buyer.toByteArray())
          || e.requestedAt() != c.getRequestedAtMillis()
          || !e.answerIds().equals(c.getAnswerIdsList())) {
        throw new RequestRejected(
            RequestRejected.Reason.DUPLICATE, "contest_id: " + c.getContestId() + " was used");
      }
      return prove(e);
    }
    long now = config.clock().millis();
    if (!Freshness.fresh(now, c.getRequestedAtMillis(), config.clockSkew())) {
      throw RequestRejected.invalid(
          "requested_at_millis: more than "
              + config.clockSkew().toSeconds()
              + " s from the seller's clock (a stale or replayed request)");
    }
    for (String id : c.getAnswerIdsList()) {
      store
          .answer(id)
          .filter(a -> a.signed().getStatement().getBuyer().equals(buyer))
          // The same error for someone else's answer as for none: a buyer sees only its own.
          .orElseThrow(
              () -> RequestRejected.notFound("answer_ids: no answer " + id + " for this buyer"));
    }
    ContestRecord record =
        new ContestRecord(
            c.getContestId(),
            buyer.toByteArray(),
            c.getRequestedAtMillis(),
            now + config.contestWindow().toMillis(),
            ContestRecord.Status.OPEN,
            null,
            c.getAnswerIdsList());
    store.putContest(record, c.getBuyerSignature().getRs().toByteArray());
    return prove(record);
  }

  private void record(StoredAnswer a) {
    store.putAnswer(a);
    SellerChain c = chain;
    if (a.signed().hasChainAnswer() && c != null) {
      store.putChainAnswer(
          a.id(),
          c.escrow(),
          a.signed().getChainAnswer().getOrderId(),
          a.signed().getChainAnswer().getSignature().toByteArray());
    }
  }

  /**
   * The proof of a stored answer: the one kept, or a new one (then kept), as a contest proof due
   * now (on-chain contests call this: it goes before every proof with a later deadline).
   */
  byte[] proofFor(String answerId) {
    return proofFor(answerId, config.clock().millis());
  }

  /** The proof of a stored answer for a contest due at {@code deadline} (epoch millis). */
  byte[] proofFor(String answerId, long deadline) {
    StoredAnswer a =
        store
            .answer(answerId)
            .orElseThrow(
                () -> new StoreException("contested answer " + answerId + " is gone", null));
    byte[] proof = a.proof();
    if (proof == null) {
      CommittedModel m = loadedModel(a.signed().getStatement().getModelId());
      try {
        proof = prove(m, a.input(), ProofQueue.Priority.contest(deadline)).encode();
      } catch (ProverException e) {
        throw new RequestRejected(
            RequestRejected.Reason.FAILED,
            "the seller cannot prove answer " + answerId + ": " + e.getMessage());
      }
      store.setProof(a.id(), proof);
    }
    return proof;
  }

  /**
   * Proves what is not proven yet, closes the contest if it is open, and answers with every proof.
   */
  private ContestResponse prove(ContestRecord stored) {
    synchronized (contestLocks.computeIfAbsent(stored.contestId(), k -> new Object())) {
      // Read again under the lock: a resumed contest may have been finished meanwhile.
      ContestRecord contest = store.contest(stored.contestId()).orElse(stored);
      return proveLocked(contest);
    }
  }

  private ContestResponse proveLocked(ContestRecord contest) {
    ContestResponse.Builder out =
        ContestResponse.newBuilder()
            .setContestId(contest.contestId())
            .setDeadlineMillis(contest.deadline());
    for (String id : contest.answerIds()) {
      byte[] proof = proofFor(id, contest.deadline());
      StoredAnswer a =
          store
              .answer(id)
              .orElseThrow(() -> new StoreException("contested answer " + id + " is gone", null));
      out.addProofs(
          ProvenAnswer.newBuilder().setAnswer(a.signed()).setProof(ByteString.copyFrom(proof)));
    }
    long provenAt;
    if (contest.status() == ContestRecord.Status.OPEN) {
      provenAt = config.clock().millis();
      store.closeContest(
          contest.contestId(),
          provenAt <= contest.deadline() ? ContestRecord.Status.PROVEN : ContestRecord.Status.LATE,
          provenAt);
    } else {
      provenAt = contest.provenAt();
    }
    return out.setProvenAtMillis(provenAt).build();
  }

  /** A retrieval proof, after every owed and predict proof (see ProofQueue). */
  ModelProof proveOne(CommittedModel model, int[] input) {
    return prove(model, input, ProofQueue.Priority.RETRIEVAL);
  }

  /** An audit sample's proof, due by the audit's deadline (epoch millis). */
  ModelProof proveAuditSample(CommittedModel model, int[] input, long deadline) {
    return prove(model, input, ProofQueue.Priority.audit(deadline));
  }

  /** A proof about a committed, private input (retrieval over private items), in the same queue. */
  ModelProof proveCommitted(
      CommittedModel model, io.zkaudit.prover.inference.CommittedInput input) {
    return inQueue(model, ProofQueue.Priority.RETRIEVAL, () -> prover.proveCommitted(model, input));
  }

  private ModelProof prove(CommittedModel model, int[] input, ProofQueue.Priority priority) {
    return inQueue(model, priority, () -> prover.prove(model, input));
  }

  private ModelProof inQueue(
      CommittedModel model,
      ProofQueue.Priority priority,
      java.util.function.Supplier<ModelProof> prove) {
    ModelProof proof = proofs.run(priority, prove);
    if (proof.zeroKnowledge()) {
      spendHidingBudget(model);
      RotationPolicy p = rotation;
      if (p != null
          && current(model).vk().digest().equals(model.vk().digest())
          && store.proofs(model.vk().digest().bytes()) >= p.rotateAt(model)) {
        try {
          rotate(model);
        } catch (RuntimeException e) {
          // The proof is made and counted: the request succeeds, and the next proof tries again.
          events.accept(
              "rotating model " + model.vk().digest().hex() + " failed: " + e.getMessage());
        }
      }
    }
    return proof;
  }

  /**
   * Counts a zero-knowledge proof against the model's hiding budget (each reveals a few hundred
   * entries of the fixed weight commitment; docs/zero-knowledge.md) and warns when it is spent,
   * then every 10% more: the seller should commit again under a new hiding key.
   */
  private void spendHidingBudget(CommittedModel model) {
    long budget =
        model.layout().hiddenProofs(io.zkaudit.inference.InferenceStatement.longLivedPcsParams());
    long used = store.countProof(model.vk().digest().bytes());
    long step = Math.max(1, budget / 10);
    if (used >= budget && (used - budget) % step == 0) {
      System.getLogger(Seller.class.getName())
          .log(
              System.Logger.Level.WARNING,
              "model "
                  + model.vk().digest().hex()
                  + " has made "
                  + used
                  + " zero-knowledge proofs; its commitment hides"
                  + " the weights for about "
                  + budget
                  + ": rotate it (zkaudit commit --rotate, or a RotationPolicy;"
                  + " docs/zero-knowledge.md)");
    }
  }

  /** Zero-knowledge proofs made of a model so far, against its hiding budget. */
  public long hidingBudgetUsed(CommittedModel model) {
    return store.proofs(model.vk().digest().bytes());
  }

  private record Request(CommittedModel model, int[] input) {}

  private Request validate(PredictRequest r) {
    model(r.getModelId());
    // A request for a rotated key is answered under the newest key of its lineage, except for an
    // on-chain order: it was paid for the key it names, whose commitment its contests are proven
    // against.
    CommittedModel m =
        r.getOrderId() != 0 ? loadedModel(r.getModelId()) : current(loadedModel(r.getModelId()));
    requireLength("buyer", r.getBuyer(), PartyKey.PUBLIC_KEY_BYTES);
    if (!PartyKey.isPublicKey(r.getBuyer().toByteArray())) {
      throw RequestRejected.invalid("buyer: not a compressed secp256k1 public key");
    }
    checkBuyerSignature(r);
    TensorSpec spec = m.model().description().tensor(m.circuit().inputTensor());
    if (r.getInputCount() != spec.size()) {
      throw RequestRejected.invalid(
          "input: the model takes "
              + spec.size()
              + " values "
              + spec.shape()
              + ", not "
              + r.getInputCount());
    }
    int[] input = Tensors.fromList(r.getInputList());
    for (int i = 0; i < input.length; i++) {
      if (input[i] < spec.type().min() || input[i] > spec.type().max()) {
        throw RequestRejected.invalid(
            "input["
                + i
                + "]: "
                + input[i]
                + " is outside ["
                + spec.type().min()
                + ", "
                + spec.type().max()
                + "]");
      }
    }
    if (r.getOrderId() != 0) {
      SellerChain c = chain;
      if (c == null) {
        throw new RequestRejected(
            RequestRejected.Reason.NOT_READY, "order_id: this seller is not on a chain");
      }
      c.checkOrder(r);
    }
    // After the signature (nobody spends another buyer's quota), before the nonce (a refused
    // request may be sent again as it is). Every answer counts: a signed one is a proof owed on
    // demand.
    quotas.request(r.getBuyer());
    quotas.answer(r.getBuyer());
    // Last, so that a request refused for another reason can be corrected and sent with the same
    // nonce.
    long now = config.clock().millis();
    if (!store.useNonce(
        r.getBuyer().toByteArray(),
        r.getNonce(),
        r.getRequestedAtMillis(),
        now - 2 * config.clockSkew().toMillis())) {
      throw RequestRejected.denied(
          "nonce: this buyer already sent a request with nonce "
              + r.getNonce()
              + " (a replayed request)");
    }
    return new Request(m, input);
  }

  /**
   * Only the owner of the buyer key may ask in its name: the request is signed by that key, over a
   * fresh nonce and a time close to the seller's clock, so it cannot be replayed.
   */
  private void checkBuyerSignature(PredictRequest r) {
    if (!r.hasBuyerSignature()) {
      throw RequestRejected.denied(
          "buyer_signature: a predict request must be signed by the buyer's key");
    }
    if (!r.getBuyerSignature().getPublicKey().equals(r.getBuyer())) {
      throw RequestRejected.denied("buyer_signature: signed by another key than the buyer's");
    }
    if (!PartyKey.verify(r.getBuyerSignature(), Statements.predict(r))) {
      throw RequestRejected.denied("buyer_signature: not over this request");
    }
    if (!NONCE.matcher(r.getNonce()).matches()) {
      throw RequestRejected.invalid("nonce: 16 to 64 letters, digits, '-' or '_'");
    }
    long now = config.clock().millis();
    if (!Freshness.fresh(now, r.getRequestedAtMillis(), config.clockSkew())) {
      throw RequestRejected.invalid(
          "requested_at_millis: more than "
              + config.clockSkew().toSeconds()
              + " s from the seller's clock (a stale or replayed request)");
    }
  }

  CommittedModel loadedModel(ByteString modelId) {
    CommittedModel m = loaded.get(new Digest32(modelId.toByteArray()));
    if (m == null) {
      throw new RequestRejected(
          RequestRejected.Reason.NOT_READY,
          "model_id: model "
              + Hex.of(modelId)
              + " is registered but its weights are not loaded by this seller process");
    }
    return m;
  }

  /** The answer names the key it is proven under: the requested one, or its rotated successor. */
  private SignedAnswer answer(PredictRequest r, CommittedModel model, int[] input, int[] output) {
    AnswerStatement s =
        AnswerStatement.newBuilder()
            .setAnswerId(UUID.randomUUID().toString())
            .setModelId(ByteString.copyFrom(model.vk().digest().bytes()))
            .setBuyer(r.getBuyer())
            .setInputHash(ByteString.copyFrom(Statements.tensorHash(input)))
            .setOutputHash(ByteString.copyFrom(Statements.tensorHash(output)))
            .setCreatedAtMillis(config.clock().millis())
            .build();
    SignedAnswer.Builder b =
        SignedAnswer.newBuilder()
            .setStatement(s)
            .addAllOutput(Tensors.toList(output))
            .setSellerSignature(key.sign(Statements.answer(s)));
    if (r.getOrderId() != 0) {
      b.setChainAnswer(
          chain.cosign(
              r.getOrderId(), s.getInputHash().toByteArray(), s.getOutputHash().toByteArray()));
    }
    return b.build();
  }

  private static void requireLength(String field, ByteString b, int length) {
    if (b.size() != length) {
      throw RequestRejected.invalid(field + ": " + length + " bytes, not " + b.size());
    }
  }
}
