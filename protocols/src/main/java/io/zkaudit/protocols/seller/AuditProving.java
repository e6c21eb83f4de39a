package io.zkaudit.protocols.seller;

import static io.zkaudit.protocols.seller.AuditRequests.requireState;

import com.google.protobuf.ByteString;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.proto.v1.AuditAccess;
import io.zkaudit.proto.v1.SampleProof;
import io.zkaudit.protocols.Tensors;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ProverException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The proving loop: REVEALED, PROVING, then PROVEN once every sample's proof is stored. Proofs are
 * streamed one by one as they are made or read back, for the buyer's Prove call and for the
 * background resumption of audits a restarted seller left unfinished.
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
                      proveFrom(a, 0, p -> {}, () -> false);
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
      proveFrom(a, 0, p -> {}, () -> false);
    } catch (RuntimeException e) {
      if (!stopping) {
        System.getLogger(AuditService.class.getName())
            .log(
                System.Logger.Level.WARNING,
                "proving audit " + a.auditId() + " failed: " + e.getMessage());
      }
    }
  }

  /** See {@link AuditService#prove}. */
  void prove(AuditAccess access, Consumer<SampleProof> sink, BooleanSupplier cancelled) {
    AuditRecord a = requests.owned(access);
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
