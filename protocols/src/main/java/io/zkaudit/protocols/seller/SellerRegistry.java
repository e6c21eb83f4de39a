package io.zkaudit.protocols.seller;

import com.google.protobuf.ByteString;
import io.zkaudit.hash.Digest32;
import io.zkaudit.inference.RotationLink;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.proto.v1.ClaimedMetric;
import io.zkaudit.proto.v1.ModelEntry;
import io.zkaudit.proto.v1.RegisterModelRequest;
import io.zkaudit.protocols.Hex;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.Statements;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.inference.WeightRangeProver;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The seller's model registry: the registrations it signs and keeps, and the committed models whose
 * weights this process holds (only those can be proven), with the keys they were rotated to.
 */
final class SellerRegistry {
  static final int MAX_NAME = 200;
  static final int MAX_METRICS = 32;

  private final PartyKey key;
  private final SellerStore store;
  private final SellerConfig config;

  /** The models whose weights this process holds, by model id: only these can be proven. */
  private final Map<Digest32, CommittedModel> loaded = new ConcurrentHashMap<>();

  /**
   * Rotated keys: old model id -> the id it was rotated to (loaded, and in the store's lineage).
   */
  private final Map<Digest32, Digest32> successors = new ConcurrentHashMap<>();

  SellerRegistry(PartyKey key, SellerStore store, SellerConfig config) {
    this.key = key;
    this.store = store;
    this.config = config;
  }

  /**
   * Loads a committed model and registers it unless it already is (a restarted seller loads the
   * same weights again and finds its registration in the store).
   */
  ModelEntry load(CommittedModel model, String name, List<ClaimedMetric> metrics) {
    return load(model, name, metrics, Optional.empty());
  }

  /**
   * As {@link #load(CommittedModel, String, List)}, registering the input normalization the model
   * is served with (a float model quantized with a mean/std), which buyers encode their images
   * with.
   */
  ModelEntry load(
      CommittedModel model,
      String name,
      List<ClaimedMetric> metrics,
      Optional<io.zkaudit.data.InputNormalization> normalization) {
    loaded.put(model.vk().digest(), model);
    Optional<ModelEntry> existing = store.model(model.vk().digest().bytes());
    if (existing.isPresent()) {
      return existing.get();
    }
    RegisterModelRequest.Builder r =
        RegisterModelRequest.newBuilder()
            .setName(name)
            .setVerifyingKey(ByteString.copyFrom(certified(model).encode()))
            .addAllMetrics(metrics);
    normalization.ifPresent(
        n -> r.setInputNormalization(io.zkaudit.protocols.ServedNormalization.toProto(n)));
    return register(r.setSellerSignature(key.sign(Statements.register(r.build()))).build());
  }

  /**
   * Recommits to the keys a previous run rotated this model to (their generations are in the store,
   * the hiding key in the policy), so requests go on under the newest key after a restart; each key
   * recommitted to is handed to {@code mirror}.
   *
   * @param rotation null: the seller has no hiding key, and serves the old key
   */
  void loadLineage(
      CommittedModel first,
      RotationPolicy rotation,
      Consumer<String> events,
      Consumer<ModelEntry> mirror) {
    CommittedModel current = first;
    Optional<byte[]> next;
    while ((next = store.rotatedTo(current.vk().digest().bytes())).isPresent()) {
      Digest32 id = new Digest32(next.get());
      if (rotation == null) {
        events.accept(
            "model "
                + current.vk().digest().hex()
                + " was rotated to "
                + id.hex()
                + ": serving the old key (give the seller its hiding key to serve the new one)");
        return;
      }
      CommittedModel c =
          ModelProver.commit(current.model(), rotation.hidingKey(), store.generation(id.bytes()));
      if (!c.vk().digest().equals(id)) {
        events.accept(
            "model "
                + current.vk().digest().hex()
                + " was rotated to "
                + id.hex()
                + ", which this hiding key does not recommit to: serving the old key");
        return;
      }
      rotated(current.vk().digest(), c);
      current = c;
      store.model(id.bytes()).ifPresent(mirror);
    }
  }

  /** Holds {@code fresh}, the key {@code oldId} was rotated to: requests go to it from now on. */
  void rotated(Digest32 oldId, CommittedModel fresh) {
    loaded.put(fresh.vk().digest(), fresh);
    successors.put(oldId, fresh.vk().digest());
  }

  /** Holds {@code model}'s weights without registering it (a rotation registers it next). */
  void hold(CommittedModel model) {
    loaded.put(model.vk().digest(), model);
  }

  boolean holds(ByteString modelId) {
    return loaded.containsKey(new Digest32(modelId.toByteArray()));
  }

  Collection<CommittedModel> loadedModels() {
    return loaded.values();
  }

  /**
   * The newest key of a model's lineage that this process holds (the model itself if never
   * rotated).
   */
  CommittedModel current(CommittedModel model) {
    Digest32 id = model.vk().digest();
    for (Digest32 next = successors.get(id); next != null; next = successors.get(id)) {
      id = next;
    }
    return loaded.getOrDefault(id, model);
  }

  /**
   * The key a registration ships: with its range proof, which buyers check before trusting it (made
   * here, once per registration, when the committed model's key has none).
   */
  static VerifyingKey certified(CommittedModel model) {
    return model.vk().rangeProof() != null ? model.vk() : WeightRangeProver.certify(model);
  }

  ModelEntry register(RegisterModelRequest r) {
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
    if (r.hasInputNormalization()) {
      try {
        io.zkaudit.protocols.ServedNormalization.fromProto(
            r.getInputNormalization(),
            vk.description().tensor(vk.description().inputs().get(0)).shape().getLast());
      } catch (IllegalArgumentException e) {
        throw RequestRejected.invalid(e.getMessage());
      }
    }
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
    if (store.model(id.bytes()).isPresent()) {
      throw new RequestRejected(
          RequestRejected.Reason.DUPLICATE, "model " + id.hex() + " is registered");
    }
    ModelEntry.Builder entry =
        ModelEntry.newBuilder()
            .setModelId(ByteString.copyFrom(id.bytes()))
            .setName(name)
            .setDescriptionDigest(ByteString.copyFrom(vk.description().digest()))
            .setVerifyingKey(r.getVerifyingKey())
            .addAllMetrics(r.getMetricsList())
            .setRegisteredAtMillis(config.clock().millis())
            .setSellerSignature(r.getSellerSignature())
            .setRotatedFrom(r.getRotatedFrom())
            .setRotationLink(r.getRotationLink());
    if (r.hasInputNormalization()) {
      entry.setInputNormalization(r.getInputNormalization());
    }
    ModelEntry stored = entry.build();
    store.putModel(stored);
    return stored;
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
    Optional<byte[]> rotated = store.rotatedTo(old.getModelId().toByteArray());
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
      RotationLink.decode(r.getRotationLink().toByteArray()).verify(oldKey, vk);
    } catch (InvalidProofException e) {
      throw RequestRejected.invalid("rotation_link: " + e.getMessage());
    }
  }

  List<ModelEntry> models() {
    return store.models();
  }

  ModelEntry model(ByteString modelId) {
    requireLength("model_id", modelId, Digest32.LENGTH);
    return store
        .model(modelId.toByteArray())
        .orElseThrow(
            () ->
                RequestRejected.notFound(
                    "model_id: no model " + Hex.of(modelId) + " is registered"));
  }

  /** A registered model whose weights this process holds, or a refusal saying it does not. */
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

  static void requireLength(String field, ByteString b, int length) {
    if (b.size() != length) {
      throw RequestRejected.invalid(field + ": " + length + " bytes, not " + b.size());
    }
  }
}
