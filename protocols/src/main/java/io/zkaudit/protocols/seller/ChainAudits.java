package io.zkaudit.protocols.seller;

import io.zkaudit.escrow.AuditResult;
import io.zkaudit.escrow.Bytes32;
import io.zkaudit.escrow.EscrowClient;
import io.zkaudit.escrow.EscrowException;
import io.zkaudit.escrow.TestSetCommitment;
import io.zkaudit.escrow.TypedDigests;
import io.zkaudit.proto.v1.AuditCommitment;
import io.zkaudit.protocols.AuditStatements;
import io.zkaudit.protocols.chain.Attester;
import io.zkaudit.protocols.chain.ChainKeys;
import io.zkaudit.protocols.chain.ChainSettings;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The seller's side of AuditEscrow (docs/protocols.md, "Accuracy audits on-chain"). Before an audit
 * that names an on-chain request is stored, the request is checked against the commitment (this
 * model, this buyer's account, this sample count, a claim no higher than the seller's, the seller's
 * price, a stake it is willing to put up, and a test-set commitment to exactly this test set); the
 * seller stakes before it signs terms; it countersigns a pass or a shortfall on-chain as off-chain.
 * Then, at every poll, it carries each open on-chain audit on from what the escrow says: settles
 * with both signatures, settles with proof through the designated verifier when the buyer has not
 * signed shortly before the result deadline, proves by itself what the buyer revealed but did not
 * ask to be proven, and applies the deadline rules once a deadline has passed. The escrow is the
 * record; the seller's store only remembers which requests it accepted and their signatures, so a
 * restarted seller carries every open audit on.
 */
final class ChainAudits {
  private final ChainSettings settings;
  private final EscrowClient client;
  private final Attester attester;
  private final Supplier<Instant> chainTime;
  private final Consumer<String> events;

  /** Audits whose settlement with proof the attester refused: not asked again at every poll. */
  private final Set<String> refused = ConcurrentHashMap.newKeySet();

  /** Audits being proven by the seller itself in the background (at most one run each). */
  private final Set<String> proving = ConcurrentHashMap.newKeySet();

  /** Failures reported once per audit and kind, not at every poll. */
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  ChainAudits(
      ChainSettings settings,
      EscrowClient client,
      Attester attester,
      Supplier<Instant> chainTime,
      Consumer<String> events) {
    this.settings = settings;
    this.client = client;
    this.attester = attester;
    this.chainTime = chainTime;
    this.events = events;
  }

  String escrow() {
    return settings.deployment().auditEscrow().toLowerCase(java.util.Locale.ROOT);
  }

  /** The request an accepted on-chain audit names, as the escrow holds it now. */
  private io.zkaudit.escrow.AuditRecord request(long chainAuditId) {
    try {
      return client.audits().getAudit(chainAuditId);
    } catch (EscrowException e) {
      if (e.revertReason().isPresent()) {
        throw RequestRejected.notFound(
            "chain_audit_id: no audit " + Long.toUnsignedString(chainAuditId) + " on-chain");
      }
      throw unreachable();
    }
  }

  private static RequestRejected unreachable() {
    return new RequestRejected(
        RequestRejected.Reason.UNAVAILABLE, "the seller cannot reach the chain");
  }

  /**
   * Checks the on-chain request a commitment names, before anything is stored (see the class
   * comment for what is checked); returns what the seller stores of it.
   *
   * @param chainModel the model's on-chain id (mirrored by this seller)
   * @param claim the seller's registered claim
   * @param maxStake the most this seller stakes on one audit (wei)
   * @param proofWindow the time per sample the seller gives itself to prove (its audit policy)
   */
  AuditRecord.Chain accept(
      AuditCommitment c, long chainModel, double claim, long maxStake, Duration proofWindow) {
    AuditRequests.requireLength("chain_salt", c.getChainSalt(), Bytes32.LENGTH);
    try {
      // The escrow's result window must hold the proofs and the margin left for settling with
      // proof; otherwise the seller would stake on an audit it cannot prove in time.
      Duration needed =
          proofWindow
              .multipliedBy(Integer.toUnsignedLong(c.getSampleCount()))
              .plus(settings.auditSettleMargin());
      Duration window = client.audits().resultWindow();
      if (needed.compareTo(window) > 0) {
        throw new RequestRejected(
            RequestRejected.Reason.NOT_READY,
            "chain_audit_id: the escrow's result window ("
                + window.toMinutes()
                + " min) is too short to prove "
                + Integer.toUnsignedString(c.getSampleCount())
                + " samples at "
                + proofWindow.toSeconds()
                + " s each and settle ("
                + needed.toMinutes()
                + " min)");
      }
      return check(c, request(c.getChainAuditId()), chainModel, claim, maxStake);
    } catch (EscrowException e) {
      throw unreachable(); // the chain's clock, the escrow or the registry could not be read
    }
  }

  private AuditRecord.Chain check(
      AuditCommitment c,
      io.zkaudit.escrow.AuditRecord r,
      long chainModel,
      double claim,
      long maxStake) {
    long id = c.getChainAuditId();
    String buyer = ChainKeys.address(c.getBuyerSignature().getPublicKey().toByteArray());
    if (!ChainKeys.sameAddressOf(r.buyer(), buyer)) {
      throw RequestRejected.denied(
          "chain_audit_id: audit " + id + " was requested by another account than the buyer's key");
    }
    if (r.modelId() != chainModel) {
      throw RequestRejected.invalid(
          "chain_audit_id: audit "
              + id
              + " is for on-chain model "
              + r.modelId()
              + ", not this model ("
              + chainModel
              + ")");
    }
    if (Integer.toUnsignedLong(c.getSampleCount()) != r.samples()) {
      throw RequestRejected.invalid(
          "chain_audit_id: audit "
              + id
              + " is for "
              + r.samples()
              + " samples, not "
              + Integer.toUnsignedString(c.getSampleCount()));
    }
    if (r.claimedAccuracyBps() > AuditStatements.claimBps(claim)) {
      throw RequestRejected.invalid(
          "chain_audit_id: audit "
              + id
              + " holds the seller to "
              + r.claimedAccuracyBps()
              + " bps, more than its claim of "
              + AuditStatements.claimBps(claim));
    }
    BigInteger price = settings.auditPricePerSample().multiply(BigInteger.valueOf(r.samples()));
    if (r.payment().compareTo(price) < 0) {
      throw new RequestRejected(
          RequestRejected.Reason.NOT_READY,
          "chain_audit_id: audit "
              + id
              + " pays "
              + r.payment()
              + " wei, this seller's price for "
              + r.samples()
              + " samples is "
              + price
              + " wei");
    }
    if (r.requiredStake().compareTo(BigInteger.valueOf(maxStake)) > 0) {
      throw new RequestRejected(
          RequestRejected.Reason.NOT_READY,
          "chain_audit_id: audit "
              + id
              + " asks a stake of "
              + r.requiredStake()
              + " wei, this seller stakes at most "
              + maxStake
              + " wei on an audit");
    }
    byte[] testSet =
        AuditStatements.escrowTestSetHash(
            c.getProofKind(), c.getTestSetHash().toByteArray(), c.getLabelOffset());
    TestSetCommitment opening =
        new TestSetCommitment(new Bytes32(testSet), new Bytes32(c.getChainSalt().toByteArray()));
    if (!opening.commitment().equals(r.testSetCommitment())) {
      // Staking on a commitment to another test set would lose the stake: nothing the seller
      // proves about this test set could settle it.
      throw RequestRejected.invalid(
          "chain_salt: audit " + id + "'s on-chain commitment is not to this test set");
    }
    switch (r.status()) {
      case REQUESTED -> {
        if (chainTime.get().isAfter(r.deadline())) {
          throw new RequestRejected(
              RequestRejected.Reason.NOT_READY,
              "chain_audit_id: audit " + id + "'s stake deadline has passed");
        }
      }
      case STAKED -> {} // staked by this seller before a crash (only the model's seller can stake)
      default ->
          throw new RequestRejected(
              RequestRejected.Reason.NOT_READY,
              "chain_audit_id: audit "
                  + id
                  + " is "
                  + r.status()
                  + ", not awaiting the seller's stake");
    }
    return new AuditRecord.Chain(escrow(), id, c.getChainSalt().toByteArray(), null, null, null);
  }

  /**
   * Stakes on an accepted request unless this seller did before; returns the stake and claim the
   * terms state.
   */
  io.zkaudit.escrow.AuditRecord stake(AuditRecord a) {
    long id = a.chain().auditId();
    io.zkaudit.escrow.AuditRecord r = request(id);
    try {
      if (r.status() == io.zkaudit.escrow.AuditRecord.Status.REQUESTED) {
        client.audits().stake(id);
        events.accept(
            "staked "
                + r.requiredStake()
                + " wei on on-chain audit "
                + id
                + " (audit "
                + a.auditId()
                + ")");
        return request(id);
      }
    } catch (EscrowException e) {
      throw e.revertReason().isPresent()
          ? new RequestRejected(
              RequestRejected.Reason.NOT_READY,
              "chain_audit_id: the escrow refused the stake: " + e.revertReason().get())
          : unreachable();
    }
    if (r.status() != io.zkaudit.escrow.AuditRecord.Status.STAKED) {
      throw new RequestRejected(
          RequestRejected.Reason.NOT_READY,
          "chain_audit_id: audit "
              + id
              + " is "
              + r.status()
              + ", not awaiting the seller's stake");
    }
    return r;
  }

  /**
   * The test set hash the escrow holds for an audit: T's digest for an accuracy-proof audit, the
   * hash of the salted sample hashes and the offset per sample.
   */
  static Bytes32 testSetHash(AuditRecord a) {
    return new Bytes32(
        AuditStatements.escrowTestSetHash(a.proofKind(), a.testSetHash(), a.labelOffset()));
  }

  private AuditResult result(AuditRecord a, int correct) {
    return new AuditResult(a.chain().auditId(), testSetHash(a), correct, a.sampleCount());
  }

  /** Whether {@code signature} is the buyer's account's EIP-712 signature of this result. */
  boolean signedByBuyer(AuditRecord a, int correct, byte[] signature) {
    Bytes32 digest = TypedDigests.auditResult(client.deployment(), result(a, correct));
    return ChainKeys.sameAddressOf(
        ChainKeys.signer(digest, signature).orElse(null), ChainKeys.address(a.buyer()));
  }

  /**
   * The seller's receipt for the whole test set (local: no transaction), given once every sample is
   * revealed and checked: with it the buyer can reveal on-chain, which starts the result deadline,
   * so the seller gives it only when it holds what it must prove.
   */
  byte[] receipt(AuditRecord a) {
    return client.audits().signReceipt(a.chain().auditId(), testSetHash(a));
  }

  /** The seller's EIP-712 signature of a result (local: no transaction). */
  byte[] sign(AuditRecord a, int correct) {
    return client.audits().signResult(result(a, correct));
  }

  /**
   * One look at every open on-chain audit. {@code prove} proves an audit's missing samples (in the
   * caller's proving loop); {@code samples} reads an audit's revealed samples with their proofs.
   */
  void poll(
      AuditStore store,
      Consumer<AuditRecord> prove,
      Function<AuditRecord, Iterator<Attester.AccuracySample>> samples,
      Function<AuditRecord, byte[]> verifyingKey) {
    Instant now = null;
    for (AuditRecord a : store.openOnChain(escrow())) {
      long id = a.chain().auditId();
      try {
        io.zkaudit.escrow.AuditRecord r = client.audits().getAudit(id);
        now = now != null ? now : chainTime.get();
        switch (r.status()) {
          case SETTLED -> closed(store, a, r.outcome());
          case STAKED -> {
            if (now.isAfter(r.deadline())) {
              // Never revealed: the seller's stake comes back (and the buyer's payment).
              closed(store, a, client.audits().settleByDeadline(id));
            }
          }
          case REVEALED -> revealed(store, a, r, now, prove, samples, verifyingKey);
          case REQUESTED -> {
            // Accepted but never staked (the seller stopped before signing terms, or its stake
            // came too late): past the stake deadline the buyer is refunded, and the seller stops
            // following it. Staking happens when the seller signs terms, not here.
            if (now.isAfter(r.deadline())) {
              closed(store, a, client.audits().settleByDeadline(id));
            }
          }
          default -> {}
        }
      } catch (RuntimeException e) {
        if (reported.add(a.auditId() + e.getClass().getSimpleName())) {
          events.accept(
              "on-chain audit "
                  + id
                  + " (audit "
                  + a.auditId()
                  + "): "
                  + e.getMessage()
                  + " (retrying)");
        }
      }
    }
  }

  private void revealed(
      AuditStore store,
      AuditRecord a,
      io.zkaudit.escrow.AuditRecord r,
      Instant now,
      Consumer<AuditRecord> prove,
      Function<AuditRecord, Iterator<Attester.AccuracySample>> samples,
      Function<AuditRecord, byte[]> verifyingKey) {
    long id = a.chain().auditId();
    if (now.isAfter(r.deadline())) {
      // No result in time: by the escrow's rules the claim failed. Closed so that both sides see
      // it.
      closed(store, a, client.audits().settleByDeadline(id));
      return;
    }
    if (a.chain().sellerSignature() != null) {
      client
          .audits()
          .settle(
              result(a, a.result().correct()),
              a.chain().buyerSignature(),
              a.chain().sellerSignature());
      closed(store, a, client.audits().getAudit(id).outcome());
      return;
    }
    if (!a.state().revealed()) {
      return; // the buyer has not revealed the samples to the seller yet
    }
    boolean proven =
        a.accuracyProof()
            ? store.accuracyProof(a.auditId()).isPresent()
            : store.outline(a.auditId()).stream().allMatch(AuditSample::proven);
    if (!proven) {
      // Revealed, but not every sample proven (the buyer did not ask for them all, or stopped at a
      // failure): the seller proves by itself, to settle with proof if need be.
      if (proving.add(a.auditId())) {
        Thread.ofVirtual()
            .name("chain-audit-prove")
            .start(
                () -> {
                  try {
                    prove.accept(a);
                  } finally {
                    proving.remove(a.auditId());
                  }
                });
      }
      return;
    }
    if (now.isBefore(r.deadline().minus(settings.auditSettleMargin()))
        || refused.contains(a.auditId())) {
      return; // the buyer may still sign
    }
    settleWithProof(store, a, samples, verifyingKey);
  }

  /** The buyer has not signed: the seller's own count, attested by the designated verifier. */
  private void settleWithProof(
      AuditStore store,
      AuditRecord a,
      Function<AuditRecord, Iterator<Attester.AccuracySample>> samples,
      Function<AuditRecord, byte[]> verifyingKey) {
    long id = a.chain().auditId();
    int correct = 0;
    byte[] accuracyProof = null;
    byte[] testSet = null;
    if (a.accuracyProof()) {
      // The one proof's own count, the proof itself and the test-set commitment it is about, for
      // the attester to verify: no sample leaves the seller.
      StoredAccuracyProof p = store.accuracyProof(a.auditId()).orElseThrow();
      correct = p.correct();
      accuracyProof = p.proof();
      testSet = store.requireTestSet(a.auditId()).commitment();
    } else {
      for (AuditSample s : store.outline(a.auditId())) {
        if (s.output() != null
            && AuditStatements.predictedClass(s.output(), a.labelOffset()) == s.label()) {
          correct++;
        }
      }
    }
    if (attester == null) {
      // A deployment whose escrows consult the on-chain proof verifier: it verifies no accuracy
      // proof yet, so there is nothing to settle with proof; the deadline rules apply.
      refused.add(a.auditId());
      events.accept(
          "on-chain audit "
              + id
              + ": no attester, and accuracy proofs are not verified on chain yet: settled by"
              + " signatures or by deadline only");
      return;
    }
    Attester.AccuracyClaim claim =
        new Attester.AccuracyClaim(
            verifyingKey.apply(a),
            new Bytes32(a.modelId()),
            testSetHash(a),
            a.labelOffset(),
            correct,
            a.sampleCount(),
            accuracyProof,
            testSet);
    byte[] attestation;
    try {
      attestation = attester.attestAccuracy(claim, samples.apply(a));
    } catch (Attester.AttestationRefused e) {
      refused.add(a.auditId());
      events.accept(
          "on-chain audit " + id + ": the verifier refused the result: " + e.getMessage());
      return;
    }
    client.audits().settleWithProof(result(a, correct), attestation);
    events.accept(
        "on-chain audit "
            + id
            + " settled with proof: "
            + correct
            + " of "
            + a.sampleCount()
            + " correct");
    closed(store, a, client.audits().getAudit(id).outcome());
  }

  private void closed(
      AuditStore store, AuditRecord a, io.zkaudit.escrow.AuditRecord.Outcome outcome) {
    store.setChainOutcome(a.auditId(), outcome.name());
    events.accept(
        "on-chain audit "
            + a.chain().auditId()
            + " (audit "
            + a.auditId()
            + ") settled: "
            + outcome);
  }

  /**
   * The samples of an audit with their proofs, read from the store one at a time; none for an
   * accuracy-proof audit, whose one proof and test-set commitment go with the claim.
   */
  static Iterator<Attester.AccuracySample> storedSamples(AuditStore store, AuditRecord a) {
    if (a.accuracyProof()) {
      return java.util.Collections.emptyIterator();
    }
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < a.sampleCount();
      }

      @Override
      public Attester.AccuracySample next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        AuditSample s = store.sample(a.auditId(), next++);
        if (!s.proven()) {
          throw new IllegalStateException(
              "sample " + s.index() + " of audit " + a.auditId() + " is not proven");
        }
        return new Attester.AccuracySample(s.index(), s.salt(), s.input(), s.label(), s.proof());
      }
    };
  }
}
