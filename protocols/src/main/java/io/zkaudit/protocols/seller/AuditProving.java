package io.zkaudit.protocols.seller;

import static io.zkaudit.protocols.seller.AuditRequests.requireState;

import com.google.protobuf.ByteString;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.TestSetCommitment;
import io.zkaudit.inference.TestSetReveal;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.proto.v1.AccuracyProofUpdate;
import io.zkaudit.proto.v1.AuditAccess;
import io.zkaudit.proto.v1.AuditAccuracyProof;
import io.zkaudit.proto.v1.SampleProof;
import io.zkaudit.protocols.AuditStatements;
import io.zkaudit.protocols.Tensors;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.CommittedTestSet;
import io.zkaudit.prover.inference.ProgressListener;
import io.zkaudit.prover.inference.ProverException;
import io.zkaudit.prover.inference.TestSets;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The proving step: REVEALED, PROVING, then PROVEN once every sample's proof is stored (per-sample
 * audits) or the one accuracy proof is (accuracy-proof audits). Per-sample proofs are streamed one
 * by one as they are made or read back; an accuracy proof streams the prover's progress, then the
 * proof. Both serve the buyer's call and the background resumption of audits a restarted seller
 * left unfinished (an accuracy proof cut short by a restart is made again from the start).
 */
final class AuditProving {
  private final Seller seller;
  private final AuditStore store;
  private final AuditLocks locks;
  private final AuditRequests requests;
  private volatile boolean stopping;
  private Thread resumer;

  AuditProving(Seller seller, AuditStore store, AuditLocks locks, AuditRequests requests) {
    this.seller = seller;
    this.store = store;
    this.locks = locks;
    this.requests = requests;
  }

  /** See {@link AuditService#resumeInBackground}. */
  synchronized Thread resumeInBackground() {
    if (resumer != null) {
      return resumer;
    }
    resumer =
        Thread.ofVirtual()
            .name("audit-resume")
            .start(
                () -> {
                  for (AuditRecord a : store.unfinished()) {
                    if (stopping) {
                      return;
                    }
                    try {
                      seller.registry().loadedModel(ByteString.copyFrom(a.modelId()));
                    } catch (RequestRejected notLoaded) {
                      continue;
                    }
                    try {
                      proveAny(a);
                    } catch (RuntimeException e) {
                      if (!stopping) {
                        // Logged under the service's name, where operators look for audit messages.
                        System.getLogger(AuditService.class.getName())
                            .log(
                                System.Logger.Level.WARNING,
                                "resuming audit " + a.auditId() + " failed: " + e.getMessage());
                      }
                    }
                  }
                });
    return resumer;
  }

  /** Stops background proving between samples and waits for it (before the store closes). */
  void stop() {
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

  /**
   * Proves every missing sample of an audit (the seller's own run, for an on-chain audit the buyer
   * left).
   */
  void proveAll(AuditRecord a) {
    try {
      seller.registry().loadedModel(ByteString.copyFrom(a.modelId()));
      proveAny(a);
    } catch (RuntimeException e) {
      if (!stopping) {
        System.getLogger(AuditService.class.getName())
            .log(
                System.Logger.Level.WARNING,
                "proving audit " + a.auditId() + " failed: " + e.getMessage());
      }
    }
  }

  /** Whatever an audit still needs proven, by its kind, with no one watching. */
  private void proveAny(AuditRecord a) {
    if (a.accuracyProof()) {
      accuracyProof(a, ProgressListener.NONE);
    } else {
      proveFrom(a, 0, p -> {}, () -> false);
    }
  }

  /** See {@link AuditService#proveAccuracy}. */
  void proveAccuracy(AuditAccess access, Consumer<AccuracyProofUpdate> sink) {
    AuditRecord a = requests.owned(access);
    requireState(
        a,
        "prove",
        AuditRecord.State.REVEALED,
        AuditRecord.State.PROVING,
        AuditRecord.State.PROVEN,
        AuditRecord.State.SETTLED);
    if (!a.accuracyProof()) {
      throw new RequestRejected(
          RequestRejected.Reason.NOT_READY,
          "audit "
              + a.auditId()
              + " is proven per sample (its commitment's proof_kind): ask with Prove");
    }
    if (access.getFromIndex() != 0) {
      throw RequestRejected.invalid("from_index: an accuracy proof is about every sample, so 0");
    }
    // The prover reports often; the buyer hears of a new phase at once and of steps within one at
    // most every 200 ms.
    String[] lastPhase = {null};
    long[] lastAt = {0};
    StoredAccuracyProof p =
        accuracyProof(
            a,
            (phase, done, total) -> {
              long now = System.nanoTime();
              if (phase.equals(lastPhase[0]) && done < total && now - lastAt[0] < 200_000_000L) {
                return;
              }
              lastPhase[0] = phase;
              lastAt[0] = now;
              sink.accept(
                  AccuracyProofUpdate.newBuilder()
                      .setPhase(phase)
                      .setDone(done)
                      .setTotal(total)
                      .build());
            });
    sink.accept(
        AccuracyProofUpdate.newBuilder()
            .setProof(
                AuditAccuracyProof.newBuilder()
                    .setCorrect(p.correct())
                    .setSamples(p.samples())
                    .setProof(ByteString.copyFrom(p.proof()))
                    .setProvenAtMillis(p.provenAt()))
            .build());
  }

  /**
   * The audit's stored accuracy proof, made first if there is none: one proof about the buyer's
   * test-set commitment T (opened with the revealed inputs, labels as class indices, and seed),
   * stored with the state PROVEN. Made once under the audit's proof lock; a second caller waits for
   * it and reads it back. Not cancelled when the caller goes away: the proof is owed, and the next
   * call (or the buyer's resume) reads it.
   */
  StoredAccuracyProof accuracyProof(AuditRecord a, ProgressListener progress) {
    String id = a.auditId();
    java.util.Optional<StoredAccuracyProof> stored = store.accuracyProof(id);
    if (stored.isPresent()) {
      return stored.get();
    }
    CommittedModel m = seller.registry().loadedModel(ByteString.copyFrom(a.modelId()));
    synchronized (locks.of(id + "/accuracy-proof")) {
      stored = store.accuracyProof(id);
      if (stored.isPresent()) {
        return stored.get();
      }
      synchronized (locks.of(id)) {
        if (store.audit(id).orElseThrow().state() == AuditRecord.State.REVEALED) {
          store.setState(id, AuditRecord.State.PROVING);
        }
      }
      // Every input at once: the prover holds the whole batch's witness anyway. T's columns are
      // rebuilt from the revealed samples and the seed, checked against T again (a reveal that
      // did not open T never reaches REVEALED, so this fails only if the store was altered).
      List<int[]> inputs = store.inputs(id);
      List<AuditSample> outline = store.outline(id);
      int[] labels = new int[outline.size()];
      for (AuditSample s : outline) {
        labels[s.index()] = s.label();
      }
      ModelProof p;
      try {
        StoredTestSet t = store.requireTestSet(id);
        CommittedTestSet testSet =
            TestSets.open(
                m.vk(),
                TestSetCommitment.decode(t.commitment()),
                new TestSetReveal(
                    inputs, AuditStatements.classIndices(labels, a.labelOffset()), t.seed()));
        p = seller.proving().proveAuditAccuracy(m, testSet, a.terms().deadline(), progress);
      } catch (ProverException | IllegalArgumentException | InvalidProofException e) {
        throw new RequestRejected(
            RequestRejected.Reason.FAILED,
            "the seller cannot prove the accuracy of audit " + id + ": " + e.getMessage());
      }
      StoredAccuracyProof made =
          new StoredAccuracyProof(
              p.accuracy().correct(), p.samples(), p.encode(), seller.config().clock().millis());
      store.putAccuracyProof(id, made);
      return made;
    }
  }

  /** See {@link AuditService#prove}. */
  void prove(AuditAccess access, Consumer<SampleProof> sink, BooleanSupplier cancelled) {
    AuditRecord a = requests.owned(access);
    if (a.accuracyProof()) {
      throw new RequestRejected(
          RequestRejected.Reason.NOT_READY,
          "audit "
              + a.auditId()
              + " is proven by one accuracy proof (its commitment's proof_kind): ask with"
              + " ProveAccuracy");
    }
    requireState(
        a,
        "prove",
        AuditRecord.State.REVEALED,
        AuditRecord.State.PROVING,
        AuditRecord.State.PROVEN,
        AuditRecord.State.SETTLED);
    // uint32: read unsigned, or an index of 2^31 or more would pass as negative.
    if (Integer.toUnsignedLong(access.getFromIndex()) >= a.sampleCount()) {
      throw RequestRejected.invalid(
          "from_index: below "
              + a.sampleCount()
              + ", not "
              + Integer.toUnsignedString(access.getFromIndex()));
    }
    proveFrom(a, access.getFromIndex(), sink, cancelled);
  }

  private void proveFrom(
      AuditRecord a, int from, Consumer<SampleProof> sink, BooleanSupplier cancelled) {
    CommittedModel m = seller.registry().loadedModel(ByteString.copyFrom(a.modelId()));
    String id = a.auditId();
    synchronized (locks.of(id)) {
      if (store.audit(id).orElseThrow().state() == AuditRecord.State.REVEALED) {
        store.setState(id, AuditRecord.State.PROVING);
      }
    }
    int proven = (int) store.outline(id).stream().filter(AuditSample::proven).count();
    for (int i = from; i < a.sampleCount(); i++) {
      if (cancelled.getAsBoolean() || stopping) {
        return;
      }
      // One sample at a time from the database: inputs and proofs of a whole set may not fit in
      // memory.
      AuditSample s = store.sample(id, i);
      if (!s.proven()) {
        // Another call (a retry) may have proven it meanwhile: look again under the lock.
        synchronized (locks.of(id)) {
          s = store.sample(id, i);
          if (!s.proven()) {
            ModelProof p;
            try {
              p = seller.proving().proveAuditSample(m, s.input(), a.terms().deadline());
            } catch (ProverException e) {
              throw new RequestRejected(
                  RequestRejected.Reason.FAILED,
                  "the seller cannot prove sample " + i + ": " + e.getMessage());
            }
            long at = seller.config().clock().millis();
            byte[] bytes = p.encode();
            store.putProof(id, i, p.output(), bytes, at);
            s =
                new AuditSample(
                    i, s.sampleHash(), s.salt(), s.input(), s.label(), p.output(), bytes, at);
            proven++;
            if (proven == a.sampleCount()) {
              store.setState(id, AuditRecord.State.PROVEN);
            }
          }
        }
      }
      sink.accept(
          SampleProof.newBuilder()
              .setIndex(i)
              .addAllOutput(Tensors.toList(s.output()))
              .setProof(ByteString.copyFrom(s.proof()))
              .setProvenAtMillis(s.provenAt())
              .setProven(proven)
              .setTotal(a.sampleCount())
              .build());
    }
    synchronized (locks.of(id)) {
      AuditRecord now = store.audit(id).orElseThrow();
      if (now.state() == AuditRecord.State.PROVING
          && store.outline(id).stream().allMatch(AuditSample::proven)) {
        store.setState(id, AuditRecord.State.PROVEN);
      }
    }
  }
}
