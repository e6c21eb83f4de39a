package io.zkaudit.protocols.seller;

import static io.zkaudit.protocols.seller.AuditRequests.outputSpec;
import static io.zkaudit.protocols.seller.AuditRequests.requireAuditId;
import static io.zkaudit.protocols.seller.AuditRequests.requireLength;
import static io.zkaudit.protocols.seller.AuditRequests.requireState;

import com.google.protobuf.ByteString;
import io.zkaudit.inference.TestSetCommitment;
import io.zkaudit.inference.TestSetOpening;
import io.zkaudit.inference.TestSetReveal;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.proto.v1.AuditCommitment;
import io.zkaudit.proto.v1.AuditStatus;
import io.zkaudit.proto.v1.AuditTerms;
import io.zkaudit.proto.v1.ClaimedMetric;
import io.zkaudit.proto.v1.RevealRequest;
import io.zkaudit.proto.v1.RevealedSample;
import io.zkaudit.proto.v1.Signature;
import io.zkaudit.protocols.AuditStatements;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.Statements;
import io.zkaudit.protocols.Tensors;
import io.zkaudit.prover.inference.CommittedModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The audit's steps before proving: COMMITTED (the buyer's commitment checked and stored),
 * TERMS_SIGNED (the seller's claim, stake and deadline signed once), then REVEALING and REVEALED as
 * the revealed samples are checked against the commitment. Each step is stored before it is
 * answered, and the same request again returns the stored answer.
 */
final class AuditTransitions {
  private final Seller seller;
  private final AuditStore store;
  private final AuditService.Policy policy;
  private final AuditLocks locks;
  private final AuditRequests requests;
  private final AuditViews views;

  AuditTransitions(
      Seller seller,
      AuditStore store,
      AuditService.Policy policy,
      AuditLocks locks,
      AuditRequests requests,
      AuditViews views) {
    this.seller = seller;
    this.store = store;
    this.policy = policy;
    this.locks = locks;
    this.requests = requests;
    this.views = views;
  }

  /** What the seller claims for a model: its registered top-1 accuracy. */
  private double claim(ByteString modelId) {
    return seller.model(modelId).getMetricsList().stream()
        .filter(metric -> metric.getName().equals(AuditService.CLAIMED_METRIC))
        .mapToDouble(ClaimedMetric::getValue)
        .findFirst()
        .orElseThrow(
            () ->
                new RequestRejected(
                    RequestRejected.Reason.NOT_READY,
                    "model_id: the seller claims no "
                        + AuditService.CLAIMED_METRIC
                        + " for this model, so there is nothing to audit"));
  }

  /**
   * Checks and stores a commitment (COMMITTED); the same commitment again returns the stored audit.
   */
  AuditRecord commit(AuditCommitment c) {
    requireAuditId("audit_id", c.getAuditId());
    seller.model(c.getModelId());
    CommittedModel m = seller.registry().loadedModel(c.getModelId());
    claim(c.getModelId());
    // uint32 fields arrive as Java ints: read them unsigned, or 2^31 and above look negative.
    long count = Integer.toUnsignedLong(c.getSampleCount());
    if (count < 1 || count > policy.maxSamples()) {
      throw RequestRejected.invalid(
          "sample_count: 1 to " + policy.maxSamples() + " samples, not " + count);
    }
    int n = (int) count;
    boolean accuracyProof = c.getProofKind() == io.zkaudit.proto.v1.AuditProofKind.ACCURACY_PROOF;
    requireLength("test_set_hash", c.getTestSetHash(), 32);
    List<byte[]> hashes = new ArrayList<>(n);
    if (accuracyProof) {
      // The test-set commitment T stands for the samples: no per-sample hashes (each row keeps an
      // empty one), the whole reveal is checked against T once it is complete.
      if (c.getSampleHashesCount() != 0) {
        throw RequestRejected.invalid(
            "sample_hashes: none for an ACCURACY_PROOF audit (its test_set_commitment binds the"
                + " samples), not "
                + c.getSampleHashesCount());
      }
      for (int i = 0; i < n; i++) {
        hashes.add(new byte[0]);
      }
    } else {
      if (c.getSampleHashesCount() != n) {
        throw RequestRejected.invalid(
            "sample_hashes: one per sample (" + n + "), not " + c.getSampleHashesCount());
      }
      if (!c.getTestSetCommitment().isEmpty()) {
        throw RequestRejected.invalid(
            "test_set_commitment: only an ACCURACY_PROOF audit has one (per sample, the sample"
                + " hashes bind the samples)");
      }
      for (int i = 0; i < n; i++) {
        requireLength("sample_hashes[" + i + "]", c.getSampleHashes(i), 32);
        hashes.add(c.getSampleHashes(i).toByteArray());
      }
      if (!Arrays.equals(AuditStatements.testSetHash(hashes), c.getTestSetHash().toByteArray())) {
        throw RequestRejected.invalid(
            "test_set_hash: not the hash of sample_count and sample_hashes");
      }
    }
    int classes = outputSpec(m).size();
    if (Integer.toUnsignedLong(c.getLabelOffset()) >= classes) {
      throw RequestRejected.invalid(
          "label_offset: below the model's "
              + classes
              + " outputs, not "
              + Integer.toUnsignedString(c.getLabelOffset()));
    }
    if (c.getProofKind() == io.zkaudit.proto.v1.AuditProofKind.UNRECOGNIZED) {
      throw RequestRejected.invalid(
          "proof_kind: PER_SAMPLE_PROOFS or ACCURACY_PROOF, not " + c.getProofKindValue());
    }
    if (c.getProofKind() == io.zkaudit.proto.v1.AuditProofKind.ACCURACY_PROOF
        && c.getSampleCount() > io.zkaudit.inference.Batch.MAX_SAMPLES) {
      throw RequestRejected.invalid(
          "sample_count: an accuracy proof is about at most "
              + io.zkaudit.inference.Batch.MAX_SAMPLES
              + " samples");
    }
    if (c.getProofKind() == io.zkaudit.proto.v1.AuditProofKind.ACCURACY_PROOF) {
      // One proof holds every sample's witness: refuse now what this heap cannot prove, before
      // the buyer pays and the seller stakes, not after the reveal (a proof owed and not made).
      var memory = io.zkaudit.prover.inference.ProofMemory.of(m.circuit(true));
      long heap = Runtime.getRuntime().maxMemory();
      var shortfall = memory.shortfall(n, heap, "this seller");
      if (shortfall.isPresent()) {
        throw RequestRejected.invalid(
            "sample_count: "
                + shortfall.get()
                + ": at most "
                + memory.largestBatch(heap)
                + " samples per accuracy proof here, or per-sample proofs");
      }
    }
    byte[] testSet = accuracyProof ? checkTestSet(c, m, n) : null;
    if (!c.hasBuyerSignature()
        || !PartyKey.verify(c.getBuyerSignature(), AuditStatements.commitment(c))) {
      throw RequestRejected.denied("buyer_signature: missing or not over this commitment");
    }
    byte[] buyer = c.getBuyerSignature().getPublicKey().toByteArray();
    synchronized (locks.of(c.getAuditId())) {
      var existing = store.audit(c.getAuditId());
      AuditRecord.Chain chain = existing.isEmpty() && c.getChainAuditId() != 0 ? onChain(c) : null;
      if (existing.isPresent()) {
        AuditRecord e = existing.get();
        // The same signed commitment again: a retry (or a replay, which gains nothing).
        if (!Arrays.equals(e.buyer(), buyer)
            || !Arrays.equals(
                AuditStatements.commitment(AuditViews.commitment(e)),
                AuditStatements.commitment(c))) {
          throw new RequestRejected(
              RequestRejected.Reason.DUPLICATE, "audit_id: " + c.getAuditId() + " was used");
        }
        return e;
      }
      requests.requireFresh("requested_at_millis", c.getRequestedAtMillis(), "commitment");
      // A new audit (not a retry): every sample is a proof the seller owes by the deadline, so the
      // buyer key's daily audit quota pays for them now, before anything is stored.
      ByteString buyerKey = c.getBuyerSignature().getPublicKey();
      seller.quotas().request(buyerKey);
      seller.quotas().auditSamples(buyerKey, n);
      AuditRecord a =
          new AuditRecord(
              c.getAuditId(),
              c.getModelId().toByteArray(),
              buyer,
              AuditRecord.State.COMMITTED,
              n,
              c.getTestSetHash().toByteArray(),
              c.getLabelOffset(),
              c.getRequestedAtMillis(),
              c.getBuyerSignature().getRs().toByteArray(),
              null,
              null,
              chain,
              c.getProofKind());
      store.insert(a, hashes, testSet);
      return a;
    }
  }

  /**
   * An accuracy-proof commitment's test-set commitment T, checked: it decodes, holds the audit's n
   * samples, is laid out for this model's zero-knowledge circuit (else no proof could ever be about
   * it, and the seller would stake on an audit it cannot prove), and test_set_hash is its digest
   * (what the buyer signs and AuditEscrow stores). Returns T's encoding, to store.
   */
  private static byte[] checkTestSet(AuditCommitment c, CommittedModel m, int n) {
    TestSetCommitment t;
    try {
      t = TestSetCommitment.decode(c.getTestSetCommitment().toByteArray());
    } catch (InvalidProofException | IllegalArgumentException e) {
      throw RequestRejected.invalid("test_set_commitment: " + e.getMessage());
    }
    if (t.samples() != n) {
      throw RequestRejected.invalid(
          "test_set_commitment: holds " + t.samples() + " samples, the audit " + n);
    }
    int vars;
    try {
      vars = TestSetCommitment.layout(m.circuit(true), n).numVars();
    } catch (IllegalArgumentException e) {
      throw RequestRejected.invalid(
          "proof_kind: this model's accuracy cannot be proven about a test-set commitment: "
              + e.getMessage());
    }
    if (t.commitment().numVars() != vars) {
      throw RequestRejected.invalid(
          "test_set_commitment: "
              + t.commitment().numVars()
              + " variables, a test set of "
              + n
              + " samples for this model has "
              + vars);
    }
    if (!Arrays.equals(t.digest().bytes(), c.getTestSetHash().toByteArray())) {
      throw RequestRejected.invalid(
          "test_set_hash: not the digest of test_set_commitment (SHA-256 of its encoding)");
    }
    return t.encode();
  }

  /**
   * The on-chain request a commitment names, checked against it before anything is stored ({@link
   * ChainAudits#accept}); a request already accepted for another audit is refused.
   */
  private AuditRecord.Chain onChain(AuditCommitment c) {
    SellerChain chain =
        seller
            .chain()
            .orElseThrow(
                () ->
                    new RequestRejected(
                        RequestRejected.Reason.NOT_READY,
                        "chain_audit_id: this seller is not on a chain"));
    long chainModel =
        chain
            .chainModel(c.getModelId())
            .orElseThrow(
                () ->
                    new RequestRejected(
                        RequestRejected.Reason.NOT_READY,
                        "chain_audit_id: the model is not registered on-chain by this seller"));
    if (store.auditOfChainRequest(chain.audits().escrow(), c.getChainAuditId()).isPresent()) {
      throw new RequestRejected(
          RequestRejected.Reason.DUPLICATE,
          "chain_audit_id: on-chain audit "
              + Long.toUnsignedString(c.getChainAuditId())
              + " belongs to another audit");
    }
    return chain
        .audits()
        .accept(c, chainModel, claim(c.getModelId()), policy.stake(), policy.proofWindow());
  }

  /**
   * The seller's terms for a committed audit (signed once; the stored terms afterwards). For an
   * on-chain audit the seller stakes first, and the terms state the escrow's claim and stake.
   */
  AuditTerms signTerms(String auditId) {
    synchronized (locks.of(auditId)) {
      AuditRecord a =
          store
              .audit(auditId)
              .orElseThrow(() -> RequestRejected.notFound("audit_id: no audit " + auditId));
      if (a.state() == AuditRecord.State.COMMITTED) {
        double claimed = claim(ByteString.copyFrom(a.modelId()));
        long stake = policy.stake();
        if (a.onChain()) {
          SellerChain chain =
              seller
                  .chain()
                  .orElseThrow(
                      () ->
                          new RequestRejected(
                              RequestRejected.Reason.NOT_READY,
                              "chain_audit_id: this seller is not on a chain"));
          io.zkaudit.escrow.AuditRecord staked = chain.audits().stake(a);
          claimed = staked.claimedAccuracyBps() / 10_000.0;
          stake =
              staked.requiredStake().longValueExact(); // at most policy.stake(), checked at commit
        }
        long now = seller.config().clock().millis();
        long deadline =
            now
                + policy.revealWindow().toMillis()
                + a.sampleCount() * policy.proofWindow().toMillis();
        AuditTerms unsigned =
            views
                .terms(a, new AuditRecord.Terms(claimed, stake, deadline, now, new byte[0]))
                .toBuilder()
                .clearSellerSignature()
                .build();
        Signature sig = seller.key().sign(AuditStatements.terms(unsigned));
        store.signTerms(
            auditId,
            new AuditRecord.Terms(claimed, stake, deadline, now, sig.getRs().toByteArray()));
        a = store.audit(auditId).orElseThrow();
      }
      return views.terms(a, a.terms());
    }
  }

  /**
   * Checks each revealed sample against its committed hash and the model's input range and stores
   * the new ones (REVEALING, or REVEALED once every sample is in); samples revealed before are
   * checked again but not stored again, so a retried reveal changes nothing.
   */
  AuditStatus reveal(RevealRequest r) {
    AuditRecord a = requests.owned(r.getAccess());
    synchronized (locks.of(a.auditId())) {
      a = store.audit(a.auditId()).orElseThrow();
      if (a.state() == AuditRecord.State.REVEAL_REFUSED) {
        throw new RequestRejected(
            RequestRejected.Reason.NOT_READY,
            "audit "
                + a.auditId()
                + " is REVEAL_REFUSED: "
                + store.testSet(a.auditId()).map(StoredTestSet::refusal).orElse(""));
      }
      requireState(
          a,
          "reveal",
          AuditRecord.State.TERMS_SIGNED,
          AuditRecord.State.REVEALING,
          AuditRecord.State.REVEALED,
          AuditRecord.State.PROVING,
          AuditRecord.State.PROVEN);
      int n = r.getSamplesCount();
      if (n < 1 || n > a.sampleCount()) {
        throw RequestRejected.invalid("samples: 1 to " + a.sampleCount() + " samples, not " + n);
      }
      if (!a.state().revealed() && seller.config().clock().millis() > a.terms().deadline()) {
        throw new RequestRejected(
            RequestRejected.Reason.NOT_READY, "samples: revealed after the audit's deadline");
      }
      CommittedModel m = seller.registry().loadedModel(ByteString.copyFrom(a.modelId()));
      TensorSpec in = m.model().description().tensor(m.circuit().inputTensor());
      int classes = outputSpec(m).size();
      List<AuditSample> stored = store.outline(a.auditId());
      List<AuditSample> revealed = new ArrayList<>();
      Set<Integer> seen = new HashSet<>();
      for (int k = 0; k < n; k++) {
        RevealedSample s = r.getSamples(k);
        String f = "samples[" + k + "]";
        if (Integer.toUnsignedLong(s.getIndex()) >= a.sampleCount() || !seen.add(s.getIndex())) {
          throw RequestRejected.invalid(
              f
                  + ".index: each index below "
                  + a.sampleCount()
                  + " once, not "
                  + Integer.toUnsignedString(s.getIndex()));
        }
        if (a.accuracyProof()) {
          if (!s.getSalt().isEmpty()) {
            throw RequestRejected.invalid(
                f
                    + ".salt: none in an ACCURACY_PROOF audit (the test-set commitment's seed hides"
                    + " it)");
          }
        } else {
          requireLength(f + ".salt", s.getSalt(), AuditStatements.SALT_BYTES);
        }
        if (s.getInputCount() != in.size()) {
          throw RequestRejected.invalid(
              f + ".input: the model takes " + in.size() + " values, not " + s.getInputCount());
        }
        int[] x = Tensors.fromList(s.getInputList());
        for (int i = 0; i < x.length; i++) {
          if (x[i] < in.type().min() || x[i] > in.type().max()) {
            throw RequestRejected.invalid(
                f
                    + ".input["
                    + i
                    + "]: "
                    + x[i]
                    + " is outside ["
                    + in.type().min()
                    + ", "
                    + in.type().max()
                    + "]");
          }
        }
        if (Integer.toUnsignedLong(s.getLabel()) + a.labelOffset() >= classes) {
          throw RequestRejected.invalid(
              f
                  + ".label: below "
                  + (classes - a.labelOffset())
                  + " classes, not "
                  + Integer.toUnsignedString(s.getLabel()));
        }
        byte[] h;
        if (a.accuracyProof()) {
          // Checked against T once the reveal is complete (a commitment to the whole set).
          h = new byte[0];
        } else {
          h =
              AuditStatements.sampleHash(
                  s.getIndex(), s.getSalt().toByteArray(), Statements.tensorHash(x), s.getLabel());
          if (!Arrays.equals(h, stored.get(s.getIndex()).sampleHash())) {
            throw RequestRejected.invalid(
                f
                    + ": sample "
                    + s.getIndex()
                    + " does not match the buyer's commitment (the test set was altered after it"
                    + " was committed)");
          }
        }
        if (!stored.get(s.getIndex()).revealed()) {
          revealed.add(
              new AuditSample(
                  s.getIndex(), h, s.getSalt().toByteArray(), x, s.getLabel(), null, null, null));
        }
      }
      if (!revealed.isEmpty()) {
        long before = stored.stream().filter(AuditSample::revealed).count();
        boolean complete = before + revealed.size() == a.sampleCount();
        if (complete && a.accuracyProof()) {
          byte[] seed = r.getTestSetSeed().toByteArray();
          requireLength("test_set_seed", r.getTestSetSeed(), io.zkaudit.zk.ZkRandom.SEED_BYTES);
          String refusal = opensTestSet(a, m, stored, revealed, seed);
          store.reveal(
              a.auditId(),
              revealed,
              refusal == null ? AuditRecord.State.REVEALED : AuditRecord.State.REVEAL_REFUSED,
              refusal == null ? seed : null,
              refusal);
          if (refusal != null) {
            throw RequestRejected.invalid("samples: " + refusal);
          }
        } else {
          store.reveal(
              a.auditId(),
              revealed,
              complete ? AuditRecord.State.REVEALED : AuditRecord.State.REVEALING);
        }
      }
      return views.status(store.audit(a.auditId()).orElseThrow());
    }
  }

  /**
   * Why the complete reveal of an accuracy-proof audit does not open its test-set commitment T, or
   * null if it does: every revealed input and class index (label + offset), in sample order, and
   * the buyer's seed must recompute T ({@link TestSetOpening#check}). The stored samples are read
   * one at a time; the new ones come from the request.
   */
  private String opensTestSet(
      AuditRecord a,
      CommittedModel m,
      List<AuditSample> stored,
      List<AuditSample> revealed,
      byte[] seed) {
    int n = a.sampleCount();
    List<int[]> inputs = new ArrayList<>(n);
    int[] labels = new int[n];
    AuditSample[] fresh = new AuditSample[n];
    for (AuditSample s : revealed) {
      fresh[s.index()] = s;
    }
    for (int i = 0; i < n; i++) {
      AuditSample s = fresh[i] != null ? fresh[i] : store.sample(a.auditId(), i);
      inputs.add(s.input());
      labels[i] = stored.get(i).revealed() ? stored.get(i).label() : s.label();
    }
    TestSetCommitment t;
    try {
      t = TestSetCommitment.decode(store.requireTestSet(a.auditId()).commitment());
    } catch (InvalidProofException e) {
      throw new IllegalStateException("a stored test-set commitment does not decode", e);
    }
    try {
      TestSetOpening.check(
          m.vk(),
          t,
          new TestSetReveal(inputs, AuditStatements.classIndices(labels, a.labelOffset()), seed));
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }
}
