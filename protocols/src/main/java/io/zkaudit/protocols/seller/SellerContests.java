package io.zkaudit.protocols.seller;

import com.google.protobuf.ByteString;
import io.zkaudit.proto.v1.ContestRequest;
import io.zkaudit.proto.v1.ContestResponse;
import io.zkaudit.proto.v1.ProvenAnswer;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.Statements;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ProverException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Contests: a buyer's (or the chain's) demand for the proofs of answers it was given signed only.
 * Each contested answer is proven (reusing a proof made earlier) and the contest closed as proven
 * before its deadline or late; an open contest survives a restart and is resumed.
 */
final class SellerContests {
  private static final Pattern CONTEST_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /** The answer ids this seller gives: UUIDs (see SellerPredictions). */
  private static final Pattern ANSWER_ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final SellerStore store;
  private final SellerConfig config;
  private final SellerRegistry registry;
  private final SellerProving proving;
  private final BuyerQuotas quotas;
  private final Consumer<String> events;

  /**
   * One lock per contest being proven, so a resumed contest and a buyer's resend never prove it
   * twice.
   */
  private final Map<String, Object> contestLocks = new ConcurrentHashMap<>();

  SellerContests(
      SellerStore store,
      SellerConfig config,
      SellerRegistry registry,
      SellerProving proving,
      BuyerQuotas quotas,
      Consumer<String> events) {
    this.store = store;
    this.config = config;
    this.registry = registry;
    this.proving = proving;
    this.quotas = quotas;
    this.events = events;
  }

  /**
   * Proves each contested answer (reusing a proof made earlier) and records whether that was before
   * the deadline. The contest is stored before any proving, so that it survives a crash: the buyer
   * sends the same signed request again and the seller resumes it (or, if it was finished, answers
   * with the same proofs). Any other request with a used contest id is refused.
   */
  ContestResponse contest(ContestRequest c) {
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
      if (!Arrays.equals(e.buyer(), buyer.toByteArray())
          || e.requestedAt() != c.getRequestedAtMillis()
          || !e.answerIds().equals(c.getAnswerIdsList())) {
        throw RequestRejected.duplicate("contest_id: " + c.getContestId() + " was used");
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

  /**
   * Proves, in the background, the contests a previous run stored but did not finish (it stopped
   * mid-contest): the buyer then finds them proven on its next call, without resending. A contest
   * whose model is not loaded (yet) stays open and is tried again when another model is served.
   */
  void resumeOpenInBackground() {
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
                              .map(c -> c.status().name().toLowerCase(Locale.ROOT))
                              .orElse("gone"));
                } catch (RuntimeException e) {
                  events.accept("resumed contest " + id + " not proven yet: " + e.getMessage());
                }
              }
            });
  }

  /**
   * The proof of a stored answer for a contest due at {@code deadline} (epoch millis): the one
   * kept, or a new one (then kept), ordered by that deadline among the other owed proofs.
   */
  byte[] proofFor(String answerId, long deadline) {
    StoredAnswer a =
        store
            .answer(answerId)
            .orElseThrow(
                () -> new StoreException("contested answer " + answerId + " is gone", null));
    byte[] proof = a.proof();
    if (proof == null) {
      CommittedModel m = registry.loadedModel(a.signed().getStatement().getModelId());
      try {
        proof = proving.contest(m, a.input(), deadline).encode();
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
   * A plain proof of a stored answer for an on-chain contest due at {@code deadline} (epoch
   * millis), for the on-chain verifier; not kept (the answer's zero-knowledge proof is what buyers
   * are given).
   */
  byte[] plainProofFor(String answerId, long deadline) {
    StoredAnswer a =
        store
            .answer(answerId)
            .orElseThrow(
                () -> new StoreException("contested answer " + answerId + " is gone", null));
    CommittedModel m = registry.loadedModel(a.signed().getStatement().getModelId());
    try {
      return proving.contestPlain(m, a.input(), deadline).encode();
    } catch (ProverException e) {
      throw new RequestRejected(
          RequestRejected.Reason.FAILED,
          "the seller cannot prove answer " + answerId + ": " + e.getMessage());
    }
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
}
