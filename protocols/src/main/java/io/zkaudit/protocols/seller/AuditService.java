package io.zkaudit.protocols.seller;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.proto.v1.AuditAccess;
import io.zkaudit.proto.v1.AuditCommitment;
import io.zkaudit.proto.v1.AuditResult;
import io.zkaudit.proto.v1.AuditStatus;
import io.zkaudit.proto.v1.AuditTerms;
import io.zkaudit.proto.v1.ClaimedMetric;
import io.zkaudit.proto.v1.ResultStatement;
import io.zkaudit.proto.v1.RevealRequest;
import io.zkaudit.proto.v1.RevealedSample;
import io.zkaudit.proto.v1.SampleProof;
import io.zkaudit.proto.v1.Signature;
import io.zkaudit.proto.v1.Verdict;
import io.zkaudit.protocols.AuditStatements;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.Statements;
import io.zkaudit.protocols.Tensors;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ProverException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The seller's side of the accuracy audit, independent of the transport: validates every field,
 * moves each audit through its state machine ({@link AuditRecord.State}), storing every step
 * before answering it, and proves through the seller's one proof slot. Any message may be sent
 * again (after a crash on either side): the same message gets the same answer and changes nothing;
 * a different message for a used audit id is refused.
 */
public final class AuditService {
  /**
   * @param maxSamples the largest test set one audit may commit to
   * @param revealWindow time the buyer has to reveal, from the terms
   * @param proofWindow time per sample the seller gives itself to prove (the deadline is
   *     terms + revealWindow + samples × proofWindow)
   * @param stake what the seller stakes on each audit (recorded and signed; on-chain later)
   */
  public record Policy(int maxSamples, Duration revealWindow, Duration proofWindow, long stake) {
    public Policy {
      if (maxSamples <= 0 || revealWindow.isNegative() || proofWindow.isNegative() || stake < 0) {
        throw new IllegalArgumentException("audit limits must be positive");
      }
    }

    public static Policy defaults() {
      // 20,000 samples: room for the seed paper's 14,979, which bound the accuracy error to 1%.
      return new Policy(20_000, Duration.ofMinutes(10), Duration.ofMinutes(2), 0);
    }
  }

  /** What the seller claims for a model: its registered top-1 accuracy. */
  private double claim(ByteString modelId) {
    return seller.model(modelId).getMetricsList().stream()
        .filter(metric -> metric.getName().equals(CLAIMED_METRIC)).mapToDouble(ClaimedMetric::getValue).findFirst()
        .orElseThrow(() -> new RequestRejected(Status.Code.FAILED_PRECONDITION,
            "model_id: the seller claims no " + CLAIMED_METRIC + " for this model, so there is nothing to audit"));
  }

  /** The registered metric an audit holds the seller to. */
  public static final String CLAIMED_METRIC = "top1_accuracy";
  static final int MAX_REASON = 500;
  private static final Pattern AUDIT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final Seller seller;
  private final AuditStore store;
  private final Policy policy;
  /** One lock per audit: its steps run one at a time, so two retries cannot both prove a sample. */
  private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<ByteString, ModelVerifier> verifiers = new ConcurrentHashMap<>();

  public AuditService(Seller seller, AuditStore store, Policy policy) {
    this.seller = seller;
    this.store = store;
    this.policy = policy;
  }

  public AuditStore store() {
    return store;
  }

  private volatile boolean stopping;
  private Thread resumer;

  /**
   * Proves, in the background, the missing samples of every audit left REVEALED or PROVING whose
   * model this process holds: a seller restarted mid-audit carries on by itself, so its proofs
   * are made before the deadline even if the buyer comes back late (the buyer's Prove call then
   * reads them back). Call after the models are loaded; errors stop the resumption, not the seller.
   */
  public synchronized Thread resumeInBackground() {
    if (resumer != null) {
      return resumer;
    }
    resumer = Thread.ofVirtual().name("audit-resume").start(() -> {
      for (AuditRecord a : store.unfinished()) {
        if (stopping) {
          return;
        }
        try {
          seller.loadedModel(ByteString.copyFrom(a.modelId()));
        } catch (RequestRejected notLoaded) {
          continue;
        }
        try {
          proveFrom(a, 0, p -> {}, () -> false);
        } catch (RuntimeException e) {
          if (!stopping) {
            System.getLogger(AuditService.class.getName()).log(System.Logger.Level.WARNING,
                "resuming audit " + a.auditId() + " failed: " + e.getMessage());
          }
        }
      }
    });
    return resumer;
  }

  /** Stops background proving between samples and waits for it (before the store closes). */
  public void stop() {
    stopping = true;
    Thread t;
    synchronized (this) {
      t = resumer;
    }
    if (t != null) {
      try {
        t.join(java.time.Duration.ofMinutes(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The buyer's commitment in, the seller's signed terms out: {@link #commit} then {@link #signTerms}. */
  public AuditTerms open(AuditCommitment c) {
    AuditRecord a = commit(c);
    return signTerms(a.auditId());
  }

  /** Checks and stores a commitment (COMMITTED); the same commitment again returns the stored audit. */
  public AuditRecord commit(AuditCommitment c) {
    if (!AUDIT_ID.matcher(c.getAuditId()).matches()) {
      throw RequestRejected.invalid("audit_id: 1 to 64 letters, digits, '-' or '_'");
    }
    seller.model(c.getModelId());
    CommittedModel m = seller.loadedModel(c.getModelId());
    claim(c.getModelId());
    int n = c.getSampleCount();
    if (n < 1 || n > policy.maxSamples()) {
      throw RequestRejected.invalid("sample_count: 1 to " + policy.maxSamples() + " samples, not " + n);
    }
    if (c.getSampleHashesCount() != n) {
      throw RequestRejected.invalid("sample_hashes: one per sample (" + n + "), not " + c.getSampleHashesCount());
    }
    List<byte[]> hashes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      requireLength("sample_hashes[" + i + "]", c.getSampleHashes(i), 32);
      hashes.add(c.getSampleHashes(i).toByteArray());
    }
    requireLength("test_set_hash", c.getTestSetHash(), 32);
    if (!Arrays.equals(AuditStatements.testSetHash(hashes), c.getTestSetHash().toByteArray())) {
      throw RequestRejected.invalid("test_set_hash: not the hash of sample_count and sample_hashes");
    }
    int classes = outputSpec(m).size();
    if (c.getLabelOffset() >= classes) {
      throw RequestRejected.invalid("label_offset: below the model's " + classes + " outputs, not " + c.getLabelOffset());
    }
    if (!c.hasBuyerSignature() || !PartyKey.verify(c.getBuyerSignature(), AuditStatements.commitment(c))) {
      throw RequestRejected.denied("buyer_signature: missing or not over this commitment");
    }
    byte[] buyer = c.getBuyerSignature().getPublicKey().toByteArray();
    synchronized (lock(c.getAuditId())) {
      var existing = store.audit(c.getAuditId());
      if (existing.isPresent()) {
        AuditRecord e = existing.get();
        // The same signed commitment again: a retry (or a replay, which gains nothing).
        if (!Arrays.equals(e.buyer(), buyer) || !Arrays.equals(AuditStatements.commitment(commitment(e)),
            AuditStatements.commitment(c))) {
          throw new RequestRejected(Status.Code.ALREADY_EXISTS, "audit_id: " + c.getAuditId() + " was used");
        }
        return e;
      }
      long now = seller.config().clock().millis();
      if (Math.abs(now - c.getRequestedAtMillis()) > seller.config().clockSkew().toMillis()) {
        throw RequestRejected.invalid("requested_at_millis: more than " + seller.config().clockSkew().toSeconds()
            + " s from the seller's clock (a stale or replayed commitment)");
      }
      AuditRecord a = new AuditRecord(c.getAuditId(), c.getModelId().toByteArray(), buyer, AuditRecord.State.COMMITTED,
          n, c.getTestSetHash().toByteArray(), c.getLabelOffset(), c.getRequestedAtMillis(),
          c.getBuyerSignature().getRs().toByteArray(), null, null);
      store.insert(a, hashes);
      return a;
    }
  }

  /** The seller's terms for a committed audit (signed once; the stored terms afterwards). */
  public AuditTerms signTerms(String auditId) {
    synchronized (lock(auditId)) {
      AuditRecord a = store.audit(auditId).orElseThrow(() -> RequestRejected.notFound("audit_id: no audit " + auditId));
      if (a.state() == AuditRecord.State.COMMITTED) {
        double claimed = claim(ByteString.copyFrom(a.modelId()));
        long now = seller.config().clock().millis();
        long deadline = now + policy.revealWindow().toMillis() + a.sampleCount() * policy.proofWindow().toMillis();
        AuditTerms unsigned = terms(a, new AuditRecord.Terms(claimed, policy.stake(), deadline, now, new byte[0]))
            .toBuilder().clearSellerSignature().build();
        Signature sig = seller.key().sign(AuditStatements.terms(unsigned));
        store.signTerms(auditId, new AuditRecord.Terms(claimed, policy.stake(), deadline, now, sig.getRs().toByteArray()));
        a = store.audit(auditId).orElseThrow();
      }
      return terms(a, a.terms());
    }
  }

  public AuditStatus reveal(RevealRequest r) {
    AuditRecord a = owned(r.getAccess());
    synchronized (lock(a.auditId())) {
      a = store.audit(a.auditId()).orElseThrow();
      requireState(a, "reveal", AuditRecord.State.TERMS_SIGNED, AuditRecord.State.REVEALING, AuditRecord.State.REVEALED,
          AuditRecord.State.PROVING, AuditRecord.State.PROVEN);
      int n = r.getSamplesCount();
      if (n < 1 || n > a.sampleCount()) {
        throw RequestRejected.invalid("samples: 1 to " + a.sampleCount() + " samples, not " + n);
      }
      if (!a.state().revealed() && seller.config().clock().millis() > a.terms().deadline()) {
        throw new RequestRejected(Status.Code.FAILED_PRECONDITION, "samples: revealed after the audit's deadline");
      }
      CommittedModel m = seller.loadedModel(ByteString.copyFrom(a.modelId()));
      TensorSpec in = m.model().description().tensor(m.circuit().inputTensor());
      int classes = outputSpec(m).size();
      List<AuditSample> stored = store.outline(a.auditId());
      List<AuditSample> revealed = new ArrayList<>();
      Set<Integer> seen = new HashSet<>();
      for (int k = 0; k < n; k++) {
        RevealedSample s = r.getSamples(k);
        String f = "samples[" + k + "]";
        if (s.getIndex() >= a.sampleCount() || !seen.add(s.getIndex())) {
          throw RequestRejected.invalid(f + ".index: each index below " + a.sampleCount() + " once, not " + s.getIndex());
        }
        requireLength(f + ".salt", s.getSalt(), AuditStatements.SALT_BYTES);
        if (s.getInputCount() != in.size()) {
          throw RequestRejected.invalid(f + ".input: the model takes " + in.size() + " values, not " + s.getInputCount());
        }
        int[] x = Tensors.fromList(s.getInputList());
        for (int i = 0; i < x.length; i++) {
          if (x[i] < in.type().min() || x[i] > in.type().max()) {
            throw RequestRejected.invalid(f + ".input[" + i + "]: " + x[i] + " is outside [" + in.type().min() + ", "
                + in.type().max() + "]");
          }
        }
        if (s.getLabel() + a.labelOffset() >= classes) {
          throw RequestRejected.invalid(f + ".label: below " + (classes - a.labelOffset()) + " classes, not " + s.getLabel());
        }
        byte[] h = AuditStatements.sampleHash(s.getIndex(), s.getSalt().toByteArray(), Statements.tensorHash(x), s.getLabel());
        if (!Arrays.equals(h, stored.get(s.getIndex()).sampleHash())) {
          throw RequestRejected.invalid(f + ": sample " + s.getIndex()
              + " does not match the buyer's commitment (the test set was altered after it was committed)");
        }
        if (!stored.get(s.getIndex()).revealed()) {
          revealed.add(new AuditSample(s.getIndex(), h, s.getSalt().toByteArray(), x, s.getLabel(), null, null, null));
        }
      }
      if (!revealed.isEmpty()) {
        long before = stored.stream().filter(AuditSample::revealed).count();
        AuditRecord.State next = before + revealed.size() == a.sampleCount()
            ? AuditRecord.State.REVEALED : AuditRecord.State.REVEALING;
        store.reveal(a.auditId(), revealed, next);
      }
      return status(store.audit(a.auditId()).orElseThrow());
    }
  }

  /**
   * Proves every sample from access.from_index on, in order, handing each proof to the sink as
   * soon as it is made or read back; stops between samples when cancelled (the proofs made so far
   * are stored: the next call proves only the rest).
   */
  public void prove(AuditAccess access, Consumer<SampleProof> sink, BooleanSupplier cancelled) {
    AuditRecord a = owned(access);
    requireState(a, "prove", AuditRecord.State.REVEALED, AuditRecord.State.PROVING, AuditRecord.State.PROVEN,
        AuditRecord.State.SETTLED);
    if (access.getFromIndex() >= a.sampleCount()) {
      throw RequestRejected.invalid("from_index: below " + a.sampleCount() + ", not " + access.getFromIndex());
    }
    proveFrom(a, access.getFromIndex(), sink, cancelled);
  }

  private void proveFrom(AuditRecord a, int from, Consumer<SampleProof> sink, BooleanSupplier cancelled) {
    CommittedModel m = seller.loadedModel(ByteString.copyFrom(a.modelId()));
    String id = a.auditId();
    synchronized (lock(id)) {
      if (store.audit(id).orElseThrow().state() == AuditRecord.State.REVEALED) {
        store.setState(id, AuditRecord.State.PROVING);
      }
    }
    int proven = (int) store.outline(id).stream().filter(AuditSample::proven).count();
    for (int i = from; i < a.sampleCount(); i++) {
      if (cancelled.getAsBoolean() || stopping) {
        return;
      }
      // One sample at a time from the database: inputs and proofs of a whole set may not fit in memory.
      AuditSample s = store.sample(id, i);
      if (!s.proven()) {
        // Another call (a retry) may have proven it meanwhile: look again under the lock.
        synchronized (lock(id)) {
          s = store.sample(id, i);
          if (!s.proven()) {
            ModelProof p;
            try {
              p = seller.proveOne(m, s.input());
            } catch (ProverException e) {
              throw new RequestRejected(Status.Code.INTERNAL, "the seller cannot prove sample " + i + ": " + e.getMessage());
            }
            long at = seller.config().clock().millis();
            byte[] bytes = p.encode();
            store.putProof(id, i, p.output(), bytes, at);
            s = new AuditSample(i, s.sampleHash(), s.salt(), s.input(), s.label(), p.output(), bytes, at);
            proven++;
            if (proven == a.sampleCount()) {
              store.setState(id, AuditRecord.State.PROVEN);
            }
          }
        }
      }
      sink.accept(SampleProof.newBuilder().setIndex(i).addAllOutput(Tensors.toList(s.output()))
          .setProof(ByteString.copyFrom(s.proof())).setProvenAtMillis(s.provenAt()).setProven(proven)
          .setTotal(a.sampleCount()).build());
    }
    synchronized (lock(id)) {
      AuditRecord now = store.audit(id).orElseThrow();
      if (now.state() == AuditRecord.State.PROVING && store.outline(id).stream().allMatch(AuditSample::proven)) {
        store.setState(id, AuditRecord.State.PROVEN);
      }
    }
  }

  /**
   * The buyer's signed result. A pass or a shortfall is recomputed from the seller's proven
   * outputs and the revealed labels and countersigned only if it is the same result; a proof
   * failure is the buyer's accusation: refused if the seller's own check of its stored proofs finds
   * nothing wrong, else stored with the buyer's reason and not countersigned.
   */
  public AuditResult settle(AuditResult r) {
    ResultStatement s = r.getStatement();
    if (!AUDIT_ID.matcher(s.getAuditId()).matches()) {
      throw RequestRejected.invalid("statement.audit_id: 1 to 64 letters, digits, '-' or '_'");
    }
    if (!r.hasBuyerSignature() || !PartyKey.verify(r.getBuyerSignature(), AuditStatements.result(s))) {
      throw RequestRejected.denied("buyer_signature: missing or not over this result");
    }
    if (r.hasSellerSignature()) {
      throw RequestRejected.invalid("seller_signature: the seller signs, not the buyer");
    }
    if (s.getReason().length() > MAX_REASON) {
      throw RequestRejected.invalid("statement.reason: at most " + MAX_REASON + " characters");
    }
    AuditRecord a = store.audit(s.getAuditId())
        .filter(x -> Arrays.equals(x.buyer(), r.getBuyerSignature().getPublicKey().toByteArray()))
        .orElseThrow(() -> RequestRejected.notFound("statement.audit_id: no audit " + s.getAuditId() + " for this buyer"));
    synchronized (lock(a.auditId())) {
      a = store.audit(a.auditId()).orElseThrow();
      if (a.terms() == null || !Arrays.equals(s.getTermsHash().toByteArray(), termsHash(a))) {
        throw RequestRejected.invalid("statement.terms_hash: not the hash of audit " + a.auditId() + "'s terms");
      }
      if (s.getSamples() != a.sampleCount() || s.getVerified() > a.sampleCount() || s.getCorrect() > s.getVerified()) {
        throw RequestRejected.invalid("statement.samples: " + a.sampleCount() + " samples, of which verified and correct");
      }
      if (a.result() != null) {
        AuditResult done = result(a);
        if (done.getStatement().equals(s) && done.getBuyerSignature().equals(r.getBuyerSignature())) {
          return done;
        }
        throw new RequestRejected(Status.Code.ALREADY_EXISTS, "statement.audit_id: audit " + a.auditId()
            + " is settled with another result");
      }
      long now = seller.config().clock().millis();
      switch (s.getVerdict()) {
        case PROOF_FAILED -> {
          requireState(a, "settle as failed", AuditRecord.State.REVEALED, AuditRecord.State.PROVING,
              AuditRecord.State.PROVEN);
          if (s.getReason().isBlank()) {
            throw RequestRejected.invalid("statement.reason: a failure says why");
          }
          // A false accusation is refused: the seller checks its own stored proofs as the buyer would.
          String fault = ownFault(a, now);
          if (fault == null) {
            throw RequestRejected.invalid("statement.verdict: PROOF_FAILED, but every proof the seller made verifies"
                + " and was made by the deadline" + (a.state() == AuditRecord.State.PROVEN ? "" : ", and the rest are not due yet"));
          }
          store.settle(a.auditId(), AuditRecord.State.FAILED, new AuditRecord.Result(s.getVerified(), s.getCorrect(),
              s.getVerdict().name(), s.getReason(), r.getBuyerSignature().getRs().toByteArray(), null, now));
        }
        case PASSED, BELOW_CLAIM -> {
          requireState(a, "settle", AuditRecord.State.PROVEN);
          int correct = correct(a);
          if (s.getVerified() != a.sampleCount()) {
            throw RequestRejected.invalid("statement.verified: every sample is proven, so " + a.sampleCount()
                + ", not " + s.getVerified());
          }
          if (s.getCorrect() != correct) {
            throw RequestRejected.invalid("statement.correct: the buyer states " + s.getCorrect()
                + " correct, the proven outputs and the revealed labels give " + correct);
          }
          Verdict v = AuditStatements.verdict(correct, a.sampleCount(), a.terms().claimedAccuracy());
          if (s.getVerdict() != v) {
            throw RequestRejected.invalid("statement.verdict: " + correct + " of " + a.sampleCount() + " against a claim of "
                + a.terms().claimedAccuracy() + " is " + v + ", not " + s.getVerdict());
          }
          Signature sig = seller.key().sign(AuditStatements.result(s));
          store.settle(a.auditId(), AuditRecord.State.SETTLED, new AuditRecord.Result(s.getVerified(), correct, v.name(),
              s.getReason(), r.getBuyerSignature().getRs().toByteArray(), sig.getRs().toByteArray(), now));
        }
        default -> throw RequestRejected.invalid("statement.verdict: PASSED, BELOW_CLAIM or PROOF_FAILED");
      }
      return result(store.audit(a.auditId()).orElseThrow());
    }
  }

  public AuditStatus status(AuditAccess access) {
    return status(owned(access));
  }

  /**
   * The seller's own failure in an audit, as the buyer would find it (a stored proof that does not
   * verify for the revealed input or states another output, one made after the deadline, or one
   * missing once the deadline has passed), or null if there is none.
   */
  private String ownFault(AuditRecord a, long now) {
    CommittedModel m = seller.loadedModel(ByteString.copyFrom(a.modelId()));
    ModelVerifier verifier = verifiers.computeIfAbsent(ByteString.copyFrom(a.modelId()), k -> {
      try {
        return new ModelVerifier(m.vk());
      } catch (InvalidProofException e) {
        throw new IllegalStateException("the seller's own verifying key is invalid: " + e.getMessage(), e);
      }
    });
    long deadline = a.terms().deadline();
    for (int i = 0; i < a.sampleCount(); i++) {
      AuditSample s = store.sample(a.auditId(), i);
      if (!s.proven()) {
        if (now > deadline) {
          return "sample " + i + " was not proven by the deadline";
        }
        continue;
      }
      if (s.provenAt() > deadline) {
        return "sample " + i + " was proven after the deadline";
      }
      try {
        ModelProof p = ModelProof.decode(s.proof());
        if (!p.model().equals(m.vk().digest())
            || !Arrays.equals(p.inputHash().bytes(), Statements.tensorHash(s.input()))
            || !Arrays.equals(verifier.verify(p, s.input()), s.output())) {
          return "sample " + i + ": the proof is not of the stated output of this model on this input";
        }
      } catch (InvalidProofException | RuntimeException e) {
        return "sample " + i + ": invalid proof: " + e.getMessage();
      }
    }
    return null;
  }

  /** How many proven outputs, by the shared argmax rule, name the revealed label. */
  private int correct(AuditRecord a) {
    int correct = 0;
    for (AuditSample s : store.outline(a.auditId())) {
      if (AuditStatements.predictedClass(s.output(), a.labelOffset()) == s.label()) {
        correct++;
      }
    }
    return correct;
  }

  /** The buyer's audit named by a signed, fresh access; someone else's audit is "not found", as a missing one. */
  private AuditRecord owned(AuditAccess access) {
    if (!AUDIT_ID.matcher(access.getAuditId()).matches()) {
      throw RequestRejected.invalid("access.audit_id: 1 to 64 letters, digits, '-' or '_'");
    }
    if (!access.hasBuyerSignature() || !PartyKey.verify(access.getBuyerSignature(), AuditStatements.access(access))) {
      throw RequestRejected.denied("access.buyer_signature: missing or not over this request");
    }
    long now = seller.config().clock().millis();
    if (Math.abs(now - access.getRequestedAtMillis()) > seller.config().clockSkew().toMillis()) {
      throw RequestRejected.invalid("access.requested_at_millis: more than " + seller.config().clockSkew().toSeconds()
          + " s from the seller's clock (a stale or replayed request)");
    }
    byte[] buyer = access.getBuyerSignature().getPublicKey().toByteArray();
    return store.audit(access.getAuditId()).filter(a -> Arrays.equals(a.buyer(), buyer))
        .orElseThrow(() -> RequestRejected.notFound("access.audit_id: no audit " + access.getAuditId() + " for this buyer"));
  }

  private AuditStatus status(AuditRecord a) {
    List<AuditSample> samples = store.outline(a.auditId());
    AuditStatus.Builder b = AuditStatus.newBuilder().setAuditId(a.auditId()).setState(a.state().name())
        .setRevealed((int) samples.stream().filter(AuditSample::revealed).count())
        .setProven((int) samples.stream().filter(AuditSample::proven).count()).setTotal(a.sampleCount());
    if (a.terms() != null) {
      b.setTerms(terms(a, a.terms()));
    }
    if (a.result() != null) {
      b.setResult(result(a));
    }
    return b.build();
  }

  /** The commitment's signed fields, rebuilt from the stored audit (sample hashes are bound through the test set hash). */
  private static AuditCommitment commitment(AuditRecord a) {
    return AuditCommitment.newBuilder().setAuditId(a.auditId()).setModelId(ByteString.copyFrom(a.modelId()))
        .setSampleCount(a.sampleCount()).setTestSetHash(ByteString.copyFrom(a.testSetHash()))
        .setLabelOffset(a.labelOffset()).setRequestedAtMillis(a.requestedAt()).build();
  }

  private AuditTerms terms(AuditRecord a, AuditRecord.Terms t) {
    return AuditTerms.newBuilder().setAuditId(a.auditId())
        .setCommitmentHash(ByteString.copyFrom(AuditStatements.hash(AuditStatements.commitment(commitment(a)))))
        .setModelId(ByteString.copyFrom(a.modelId())).setBuyer(ByteString.copyFrom(a.buyer()))
        .setSampleCount(a.sampleCount()).setTestSetHash(ByteString.copyFrom(a.testSetHash()))
        .setLabelOffset(a.labelOffset()).setClaimedAccuracy(t.claimedAccuracy()).setStake(t.stake())
        .setDeadlineMillis(t.deadline()).setSignedAtMillis(t.signedAt())
        .setSellerSignature(Signature.newBuilder().setPublicKey(seller.key().publicKeyBytes())
            .setRs(ByteString.copyFrom(t.sellerSignature())))
        .build();
  }

  private byte[] termsHash(AuditRecord a) {
    return AuditStatements.hash(AuditStatements.terms(terms(a, a.terms())));
  }

  private AuditResult result(AuditRecord a) {
    AuditRecord.Result r = a.result();
    ResultStatement s = ResultStatement.newBuilder().setAuditId(a.auditId()).setTermsHash(ByteString.copyFrom(termsHash(a)))
        .setSamples(a.sampleCount()).setVerified(r.verified()).setCorrect(r.correct())
        .setVerdict(Verdict.valueOf(r.verdict())).setReason(r.reason()).build();
    AuditResult.Builder b = AuditResult.newBuilder().setStatement(s).setBuyerSignature(Signature.newBuilder()
        .setPublicKey(ByteString.copyFrom(a.buyer())).setRs(ByteString.copyFrom(r.buyerSignature())));
    if (r.sellerSignature() != null) {
      b.setSellerSignature(Signature.newBuilder().setPublicKey(seller.key().publicKeyBytes())
          .setRs(ByteString.copyFrom(r.sellerSignature())));
    }
    return b.build();
  }

  private static TensorSpec outputSpec(CommittedModel m) {
    return m.model().description().tensor(m.circuit().outputTensor());
  }

  private static void requireState(AuditRecord a, String step, AuditRecord.State... allowed) {
    for (AuditRecord.State s : allowed) {
      if (a.state() == s) {
        return;
      }
    }
    throw new RequestRejected(Status.Code.FAILED_PRECONDITION, "audit " + a.auditId() + " is " + a.state()
        + ": cannot " + step + " (allowed in " + Arrays.toString(allowed) + ")");
  }

  private static void requireLength(String field, ByteString b, int length) {
    if (b.size() != length) {
      throw RequestRejected.invalid(field + ": " + length + " bytes, not " + b.size());
    }
  }

  private Object lock(String auditId) {
    return locks.computeIfAbsent(auditId, k -> new Object());
  }
}
