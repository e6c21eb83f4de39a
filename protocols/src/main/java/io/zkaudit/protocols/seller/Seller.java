package io.zkaudit.protocols.seller;

import com.google.protobuf.ByteString;
import io.zkaudit.proto.v1.ClaimedMetric;
import io.zkaudit.proto.v1.ContestRequest;
import io.zkaudit.proto.v1.ContestResponse;
import io.zkaudit.proto.v1.ModelEntry;
import io.zkaudit.proto.v1.PredictRequest;
import io.zkaudit.proto.v1.ProvenAnswer;
import io.zkaudit.proto.v1.RegisterModelRequest;
import io.zkaudit.proto.v1.SignedAnswer;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.prover.inference.CommittedModel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The seller's protocol logic, independent of the transport, composed of one part per concern:
 *
 * <ul>
 *   <li>{@link SellerRegistry}: the registrations, and the models whose weights it holds;
 *   <li>{@link SellerPredictions}: predict requests validated, answered, signed and recorded;
 *   <li>{@link SellerProving}: the one proof slot, the hiding budget and key rotation;
 *   <li>{@link SellerContests}: contested answers proven, open contests resumed;
 *   <li>{@link ChainMirror}: registrations mirrored on a chain, its contests watched.
 * </ul>
 *
 * The gRPC services only translate to and from it; its refusals are {@link RequestRejected}.
 */
public final class Seller {
  private final PartyKey key;
  private final SellerStore store;
  private final SellerConfig config;

  /** Per-buyer-key rates and quotas, charged once a request's signature verified. */
  private final BuyerQuotas quotas;

  private final ChainMirror chain = new ChainMirror();
  private final SellerRegistry registry;
  private final SellerProving proving;
  private final SellerPredictions predictions;
  private final SellerContests contests;

  private volatile Consumer<String> events = e -> {};

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
    this.quotas = new BuyerQuotas(limits);
    Consumer<String> report = e -> events.accept(e);
    this.registry = new SellerRegistry(key, store, config);
    this.proving = new SellerProving(key, store, prover, limits, registry, chain, report);
    this.predictions = new SellerPredictions(key, store, config, registry, proving, quotas, chain);
    this.contests = new SellerContests(store, config, registry, proving, quotas, report);
  }

  SellerRegistry registry() {
    return registry;
  }

  SellerProving proving() {
    return proving;
  }

  BuyerQuotas quotas() {
    return quotas;
  }

  /**
   * Proofs waiting for the prover now, and those dropped since start because their callers gave up.
   */
  public String queueState() {
    ProofQueue proofs = proving.queue();
    return proofs.waiting() + " waiting, " + proofs.dropped() + " dropped (callers gone)";
  }

  /**
   * Zero-knowledge proofs each loaded model key can still make before its commitment's hiding
   * budget is spent (negative: spent beyond it), by model id in hex.
   */
  public Map<String, Long> hidingBudgetLeft() {
    return proving.hidingBudgetLeft();
  }

  /** Zero-knowledge proofs made of a model so far, against its hiding budget. */
  public long hidingBudgetUsed(CommittedModel model) {
    return proving.hidingBudgetUsed(model);
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
    chain.use(c, registry, contests);
  }

  public Optional<SellerChain> chain() {
    return chain.chain();
  }

  /**
   * Rotates by itself from now on (docs/zero-knowledge.md, "Rotation"); set before {@link #serve},
   * so that a restarted seller also recommits to the keys it rotated to before.
   */
  public void rotateAutomatically(RotationPolicy policy) {
    proving.rotateAutomatically(policy);
  }

  /** Where the seller reports what it does by itself (contests resumed or proven on-chain). */
  public void onEvent(Consumer<String> listener) {
    this.events = listener;
  }

  /**
   * Loads a committed model and registers it unless it already is (a restarted seller loads the
   * same weights again and finds its registration in the store); mirrors it on the chain, recommits
   * to the keys it was rotated to, and resumes the contests a previous run left open.
   */
  public ModelEntry serve(CommittedModel model, String name, List<ClaimedMetric> metrics) {
    return serve(model, name, metrics, java.util.Optional.empty());
  }

  /**
   * As {@link #serve(CommittedModel, String, List)}, registering the input normalization the model
   * is served with (ModelEntry.input_normalization), which buyers encode their images with.
   */
  public ModelEntry serve(
      CommittedModel model,
      String name,
      List<ClaimedMetric> metrics,
      java.util.Optional<io.zkaudit.data.InputNormalization> normalization) {
    ModelEntry entry = registry.load(model, name, metrics, normalization);
    chain.mirror(entry);
    registry.loadLineage(model, proving.rotation(), events, chain::mirror);
    contests.resumeOpenInBackground();
    return entry;
  }

  /**
   * The newest key of a model's lineage that this process holds (the model itself if never
   * rotated).
   */
  public CommittedModel current(CommittedModel model) {
    return registry.current(model);
  }

  public ModelEntry register(RegisterModelRequest r) {
    return registry.register(r);
  }

  /**
   * Rotates a model's key: commits the same weights at the next generation, proves the link,
   * registers the new key with its lineage (mirrored on a chain) and proves later requests under
   * it. The link spends one proof of each key's budget, counted as such.
   */
  public ModelEntry rotate(CommittedModel model) {
    return proving.rotate(model);
  }

  public List<ModelEntry> models() {
    return registry.models();
  }

  public ModelEntry model(ByteString modelId) {
    return registry.model(modelId);
  }

  public ProvenAnswer predict(PredictRequest r) {
    return predictions.predict(r);
  }

  public SignedAnswer predictSigned(PredictRequest r) {
    return predictions.predictSigned(r);
  }

  /** See {@link SellerContests#contest}. */
  public ContestResponse contest(ContestRequest c) {
    return contests.contest(c);
  }
}
