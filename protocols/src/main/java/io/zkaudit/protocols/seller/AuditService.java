package io.zkaudit.protocols.seller;

import io.zkaudit.proto.v1.AuditAccess;
import io.zkaudit.proto.v1.AuditCommitment;
import io.zkaudit.proto.v1.AuditResult;
import io.zkaudit.proto.v1.AuditStatus;
import io.zkaudit.proto.v1.AuditTerms;
import io.zkaudit.proto.v1.RevealRequest;
import io.zkaudit.proto.v1.SampleProof;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The seller's side of the accuracy audit, independent of the transport: validates every field,
 * moves each audit through its state machine ({@link AuditRecord.State}), storing every step before
 * answering it, and proves through the seller's one proof slot. Any message may be sent again
 * (after a crash on either side): the same message gets the same answer and changes nothing; a
 * different message for a used audit id is refused.
 *
 * <p>This class is the entry point; the steps live in {@link AuditTransitions} (commit, terms,
 * reveal), {@link AuditProving} (the proving loop) and {@link AuditSettlement} (the result), which
 * share one {@link AuditLocks}.
 */
public final class AuditService {
  /**
   * @param maxSamples the largest test set one audit may commit to
   * @param revealWindow time the buyer has to reveal, from the terms
   * @param proofWindow time per sample the seller gives itself to prove (the deadline is terms +
   *     revealWindow + samples × proofWindow)
   * @param stake what the seller stakes on each audit (recorded and signed); on a chain, the most
   *     it stakes on one AuditEscrow request (wei)
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

  /** The registered metric an audit holds the seller to. */
  public static final String CLAIMED_METRIC = "top1_accuracy";

  private final Seller seller;
  private final AuditStore store;
  private final AuditRequests requests;
  private final AuditViews views;
  private final AuditTransitions transitions;
  private final AuditProving proving;
  private final AuditSettlement settlement;

  public AuditService(Seller seller, AuditStore store, Policy policy) {
    this.seller = seller;
    this.store = store;
    AuditLocks locks = new AuditLocks();
    this.requests = new AuditRequests(seller, store);
    this.views = new AuditViews(seller, store);
    this.transitions = new AuditTransitions(seller, store, policy, locks, requests, views);
    this.proving = new AuditProving(seller, store, locks, requests);
    this.settlement = new AuditSettlement(seller, store, locks, views);
  }

  public AuditStore store() {
    return store;
  }

  /**
   * Proves, in the background, the missing samples (or the lost accuracy proof, made again from the
   * start) of every audit left REVEALED or PROVING whose model this process holds: a seller
   * restarted mid-audit carries on by itself, so its proofs are made before the deadline even if
   * the buyer comes back late (the buyer's Prove call then reads them back). Call after the models
   * are loaded; errors stop the resumption, not the seller.
   */
  public Thread resumeInBackground() {
    return proving.resumeInBackground();
  }

  /**
   * On a chain: has the seller's chain watch carry every open on-chain audit on at each poll
   * ({@link ChainAudits}): settle, settle with proof, prove what the buyer did not ask for, apply
   * the deadline rules. Call once, after {@link Seller#useChain}.
   */
  public void followChain() {
    seller
        .chain()
        .ifPresent(
            chain ->
                chain.followAudits(
                    () -> {
                      if (!stopped) {
                        chain
                            .audits()
                            .poll(
                                store,
                                proving::proveAll,
                                a -> ChainAudits.storedSamples(store, a),
                                a ->
                                    seller
                                        .model(com.google.protobuf.ByteString.copyFrom(a.modelId()))
                                        .getVerifyingKey()
                                        .toByteArray());
                      }
                    }));
  }

  private volatile boolean stopped;

  /** Stops background proving between samples and waits for it (before the store closes). */
  public void stop() {
    stopped = true;
    proving.stop();
  }

  /**
   * The buyer's commitment in, the seller's signed terms out: {@link #commit} then {@link
   * #signTerms}.
   */
  public AuditTerms open(AuditCommitment c) {
    AuditRecord a = commit(c);
    return signTerms(a.auditId());
  }

  /**
   * Checks and stores a commitment (COMMITTED); the same commitment again returns the stored audit.
   */
  public AuditRecord commit(AuditCommitment c) {
    return transitions.commit(c);
  }

  /** The seller's terms for a committed audit (signed once; the stored terms afterwards). */
  public AuditTerms signTerms(String auditId) {
    return transitions.signTerms(auditId);
  }

  public AuditStatus reveal(RevealRequest r) {
    return transitions.reveal(r);
  }

  /**
   * Proves every sample from access.from_index on, in order, handing each proof to the sink as soon
   * as it is made or read back; stops between samples when cancelled (the proofs made so far are
   * stored: the next call proves only the rest).
   */
  public void prove(AuditAccess access, Consumer<SampleProof> sink, BooleanSupplier cancelled) {
    proving.prove(access, sink, cancelled);
  }

  /**
   * An accuracy-proof audit's one proof: the prover's progress to the sink as it runs, then the
   * proof (made once and stored; read back afterwards).
   */
  public void proveAccuracy(
      AuditAccess access, Consumer<io.zkaudit.proto.v1.AccuracyProofUpdate> sink) {
    proving.proveAccuracy(access, sink);
  }

  /**
   * The buyer's signed result. A pass or a shortfall is recomputed from the seller's proven outputs
   * and the revealed labels and countersigned only if it is the same result; a proof failure is the
   * buyer's accusation: refused if the seller's own check of its stored proofs finds nothing wrong,
   * else stored with the buyer's reason and not countersigned.
   */
  public AuditResult settle(AuditResult r) {
    return settlement.settle(r);
  }

  public AuditStatus status(AuditAccess access) {
    return views.status(requests.owned(access));
  }
}
