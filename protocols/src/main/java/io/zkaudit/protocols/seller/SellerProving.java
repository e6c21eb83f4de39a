package io.zkaudit.protocols.seller;

import com.google.protobuf.ByteString;
import io.zkaudit.hash.Digest32;
import io.zkaudit.inference.InferenceStatement;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.proto.v1.ModelEntry;
import io.zkaudit.proto.v1.RegisterModelRequest;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.Statements;
import io.zkaudit.prover.inference.CommittedInput;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.RotationLinks;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The seller's proof slot and the hiding budget it spends: every proof (predict, contest, audit,
 * retrieval) goes through one {@link ProofQueue}; each zero-knowledge proof is counted against its
 * model's hiding budget, and a {@link RotationPolicy}, if set, rotates the model's key when the
 * budget is spent.
 */
final class SellerProving {
  private final PartyKey key;
  private final SellerStore store;
  private final AnswerProver prover;
  private final SellerRegistry registry;
  private final ChainMirror chain;
  private final Consumer<String> events;

  /**
   * One proof at a time (a proof takes all cores and, for MobileNet, 7 GB of heap), owed proofs
   * first, predict proofs bounded: see ProofQueue.
   */
  private final ProofQueue proofs;

  /** Rotations one at a time: a lineage is a chain. */
  private final Object rotating = new Object();

  /** Null: the seller only warns when a budget is spent; else it rotates by itself. */
  private volatile RotationPolicy rotation;

  SellerProving(
      PartyKey key,
      SellerStore store,
      AnswerProver prover,
      AdmissionLimits limits,
      SellerRegistry registry,
      ChainMirror chain,
      Consumer<String> events) {
    this.key = key;
    this.store = store;
    this.prover = prover;
    this.registry = registry;
    this.chain = chain;
    this.events = events;
    this.proofs = new ProofQueue(limits);
  }

  ProofQueue queue() {
    return proofs;
  }

  AnswerProver prover() {
    return prover;
  }

  /** Stops proving: waiting proofs fail (UNAVAILABLE), the one under way finishes. */
  void stop() {
    proofs.close();
  }

  void rotateAutomatically(RotationPolicy policy) {
    this.rotation = policy;
  }

  RotationPolicy rotation() {
    return rotation;
  }

  /** A predict proof, in the buyer's fair share of the predict slots. */
  ModelProof answer(CommittedModel model, int[] input, ByteString buyer) {
    return prove(model, input, ProofQueue.Priority.answer(buyer));
  }

  /** A contest proof due at {@code deadline} (epoch millis). */
  ModelProof contest(CommittedModel model, int[] input, long deadline) {
    return prove(model, input, ProofQueue.Priority.contest(deadline));
  }

  /**
   * A plain contest proof due at {@code deadline} (epoch millis), for the on-chain verifier: not
   * zero knowledge, so it spends no hiding budget (and reveals the answer's intermediate values).
   */
  ModelProof contestPlain(CommittedModel model, int[] input, long deadline) {
    return proofs.run(ProofQueue.Priority.contest(deadline), () -> prover.provePlain(model, input));
  }

  /** A retrieval proof, after every owed and predict proof (see ProofQueue). */
  ModelProof proveOne(CommittedModel model, int[] input) {
    return prove(model, input, ProofQueue.Priority.RETRIEVAL);
  }

  /** An audit sample's proof, due by the audit's deadline (epoch millis). */
  ModelProof proveAuditSample(CommittedModel model, int[] input, long deadline) {
    return prove(model, input, ProofQueue.Priority.audit(deadline));
  }

  /**
   * An accuracy audit's one proof, in the queue at the audit's deadline priority (one proof slot:
   * all its samples' witnesses are in memory while it runs).
   */
  ModelProof proveAuditAccuracy(
      CommittedModel model,
      io.zkaudit.prover.inference.CommittedTestSet testSet,
      long deadline,
      io.zkaudit.prover.inference.ProgressListener progress) {
    return inQueue(
        model,
        ProofQueue.Priority.audit(deadline),
        () -> prover.proveAccuracy(model, testSet, progress));
  }

  /** A proof about a committed, private input (retrieval over private items), in the same queue. */
  ModelProof proveCommitted(CommittedModel model, CommittedInput input) {
    return inQueue(model, ProofQueue.Priority.RETRIEVAL, () -> prover.proveCommitted(model, input));
  }

  private ModelProof prove(CommittedModel model, int[] input, ProofQueue.Priority priority) {
    return inQueue(model, priority, () -> prover.prove(model, input));
  }

  private ModelProof inQueue(
      CommittedModel model, ProofQueue.Priority priority, Supplier<ModelProof> prove) {
    ModelProof proof = proofs.run(priority, prove);
    if (proof.zeroKnowledge()) {
      spendHidingBudget(model);
      RotationPolicy p = rotation;
      if (p != null
          && registry.current(model).vk().digest().equals(model.vk().digest())
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
    long budget = model.layout().hiddenProofs(InferenceStatement.longLivedPcsParams());
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
  long hidingBudgetUsed(CommittedModel model) {
    return store.proofs(model.vk().digest().bytes());
  }

  /**
   * Zero-knowledge proofs each loaded model key can still make before its commitment's hiding
   * budget is spent (negative: spent beyond it), by model id in hex.
   */
  Map<String, Long> hidingBudgetLeft() {
    Map<String, Long> left = new TreeMap<>();
    for (CommittedModel m : registry.loadedModels()) {
      long budget = m.layout().hiddenProofs(InferenceStatement.longLivedPcsParams());
      left.put(m.vk().digest().hex(), budget - hidingBudgetUsed(m));
    }
    return left;
  }

  /**
   * Rotates a model's key: commits the same weights at the next generation, proves the link,
   * registers the new key with its lineage (mirrored on a chain) and proves later requests under
   * it. The link spends one proof of each key's budget, counted as such.
   */
  ModelEntry rotate(CommittedModel model) {
    RotationPolicy p = rotation;
    if (p == null) {
      throw new IllegalStateException(
          "rotation needs the hiding key: call rotateAutomatically first");
    }
    synchronized (rotating) {
      CommittedModel old = registry.current(model);
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
      RotationLinks.Rotation rotated =
          proofs.run(owed, () -> RotationLinks.rotate(old, p.hidingKey(), generation));
      CommittedModel fresh = rotated.committed();
      // The new key ships its own range proof: buyers refuse a key without one.
      VerifyingKey freshKey = proofs.run(owed, () -> SellerRegistry.certified(fresh));
      registry.hold(fresh);
      store.countProof(oldId.bytes());
      RegisterModelRequest.Builder r =
          RegisterModelRequest.newBuilder()
              .setName(oldEntry.getName())
              .setVerifyingKey(ByteString.copyFrom(freshKey.encode()))
              .addAllMetrics(oldEntry.getMetricsList())
              .setRotatedFrom(oldEntry.getModelId())
              .setRotationLink(ByteString.copyFrom(rotated.link().encode()));
      if (oldEntry.hasInputNormalization()) {
        r.setInputNormalization(oldEntry.getInputNormalization()); // the same model, served alike
      }
      ModelEntry entry =
          registry.register(r.setSellerSignature(key.sign(Statements.register(r.build()))).build());
      store.countProof(fresh.vk().digest().bytes());
      registry.rotated(oldId, fresh);
      chain.mirror(entry);
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
}
