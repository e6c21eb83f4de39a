package io.zkaudit.cli;

import io.zkaudit.engine.Predictions;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.proto.v1.BuyerAuditState;
import io.zkaudit.proto.v1.ItemSet;
import io.zkaudit.proto.v1.Predicate;
import io.zkaudit.proto.v1.SignedAnswer;
import io.zkaudit.proto.v1.Verdict;
import io.zkaudit.protocols.Hex;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.buyer.AuditClient;
import io.zkaudit.protocols.buyer.BuyerClient;
import io.zkaudit.protocols.buyer.BuyerException;
import io.zkaudit.protocols.buyer.RegisteredModel;
import io.zkaudit.protocols.buyer.RetrievalClient;
import io.zkaudit.protocols.buyer.RetrievalResult;
import io.zkaudit.protocols.buyer.VerifiedAnswer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The demo's buyer, steps 2 to 7: it has its own key and only what the seller sends over the socket
 * (registry entry, verifying key, answers, proofs); every check is the library's ({@code
 * BuyerClient}, {@code AuditClient}, {@code RetrievalClient}), as in {@code zkaudit buyer}.
 */
final class DemoBuyer {
  /** Long enough for a MobileNet proof on a busy 2-core machine. */
  private static final long TIMEOUT_SECONDS = 900;

  private final DemoTranscript t;
  private final DemoData data;
  private final int port;
  private final PartyKey key;
  private final Path stateDir;
  private final DemoProver prover;
  private final int queryClass;

  /**
   * @param queryClass the retrieval's class: the demo picks one the items hold, so that something
   *     matches
   */
  DemoBuyer(
      DemoTranscript t,
      DemoData data,
      int port,
      PartyKey key,
      Path stateDir,
      DemoProver prover,
      int queryClass) {
    this.t = t;
    this.data = data;
    this.port = port;
    this.key = key;
    this.stateDir = stateDir;
    this.prover = prover;
    this.queryClass = queryClass;
  }

  void run(int auditSamples) throws BuyerException {
    List<String> names = data.classNames();
    try (BuyerClient buyer = new BuyerClient("localhost", port, key, TIMEOUT_SECONDS)) {
      RegisteredModel model = registry(buyer);
      TensorSpec in = model.vk().description().tensor(model.verifier().circuit().inputTensor());
      TensorSpec outSpec =
          model.vk().description().tensor(model.verifier().circuit().outputTensor());
      int[] x = ProofInputs.read(data.predictImage(), in);
      byte[] proof = predict(buyer, model, x, outSpec, names);
      tamper(model, x, proof);
      signedAndContest(buyer, model, ProofInputs.read(data.signedImage(), in), outSpec, names);
      audit(model, data.auditSet(auditSamples, in), outSpec.size());
      retrieve(buyer, model, names);
    }
  }

  private RegisteredModel registry(BuyerClient buyer) throws BuyerException {
    t.begin(
        "registry",
        "buyer " + Hex.of(key.publicKeyBytes()) + ": list the seller's registry, get the model");
    List<RegisteredModel> models = buyer.models();
    for (RegisteredModel m : models) {
      t.line(
          "model %s  %s  %s",
          Hex.of(m.id()),
          m.entry().getName(),
          m.entry().getMetricsList().stream()
              .map(
                  c ->
                      String.format(
                          Locale.ROOT,
                          "%s %.1f%% on %s",
                          c.getName(),
                          100 * c.getValue(),
                          c.getDataset()))
              .toList());
    }
    if (models.size() != 1) {
      throw CliException.invalid("the demo's seller lists " + models.size() + " models, not 1");
    }
    RegisteredModel m = buyer.model(models.get(0).id());
    t.line(
        "verifying key %d KB: hashes to the model id, entry signed by seller %s",
        m.entry().getVerifyingKey().size() / 1024, Hex.of(m.sellerKey()));
    t.ok("1 model listed, its verifying key and the seller's signature checked");
    return m;
  }

  private byte[] predict(
      BuyerClient buyer, RegisteredModel model, int[] x, TensorSpec outSpec, List<String> names)
      throws BuyerException {
    t.begin(
        "verified prediction",
        "buyer: Predict " + data.predictImage().getFileName() + " with a proof");
    long t0 = System.nanoTime();
    VerifiedAnswer a;
    prover.show("seller: proving");
    try {
      a = buyer.predict(model, x);
    } finally {
      prover.quiet();
    }
    double roundTrip = (System.nanoTime() - t0) / 1e9;
    // BuyerClient already verified it; verified once more here only to show what verifying costs.
    long v0 = System.nanoTime();
    try {
      model.verifier().verify(ModelProof.decode(a.proof()), x);
    } catch (InvalidProofException e) {
      throw CliException.invalid(
          "a proof the buyer accepted failed on a second check: " + e.getMessage());
    }
    double verifyMs = (System.nanoTime() - v0) / 1e6;
    int top = Predictions.topK(a.output(), 1)[0];
    t.line(
        "answer %s, proof %,d bytes, verified in %.0f ms (no weights needed), round trip %.1f s",
        a.id(), a.proof().length, verifyMs, roundTrip);
    ProofInputs.printTopK(t.out(), a.output(), outSpec, names, 3);
    t.ok(
        String.format(
            Locale.ROOT,
            "proof verified: %s is \"%s\" (proof %d KB, verify %.0f ms)",
            data.predictImage().getFileName(),
            Labels.name(names, top),
            a.proof().length / 1024,
            verifyMs));
    return a.proof();
  }

  /** The buyer's check is the point of the proof: one flipped bit and it fails. */
  private void tamper(RegisteredModel model, int[] x, byte[] proof) {
    t.begin("tamper check", "buyer: the same proof with one bit flipped");
    byte[] bad = proof.clone();
    bad[bad.length / 2] ^= 1;
    try {
      model.verifier().verify(ModelProof.decode(bad), x);
    } catch (InvalidProofException e) {
      t.line("verifier: %s", e.getMessage());
      t.ok("tampered proof rejected");
      return;
    }
    throw CliException.invalid("a proof with a flipped bit verified: the verifier is broken");
  }

  private void signedAndContest(
      BuyerClient buyer, RegisteredModel model, int[] x, TensorSpec outSpec, List<String> names)
      throws BuyerException {
    t.begin(
        "signed answer + contest",
        "buyer: PredictSigned "
            + data.signedImage().getFileName()
            + " (cheap: no proof), then contest it");
    long t0 = System.nanoTime();
    SignedAnswer sa = buyer.predictSigned(model, x);
    int stated = Predictions.topK(io.zkaudit.protocols.Tensors.fromList(sa.getOutputList()), 1)[0];
    t.line(
        "signed answer %s in %.2f s: the seller states \"%s\" (not proven yet)",
        sa.getStatement().getAnswerId(),
        (System.nanoTime() - t0) / 1e9,
        Labels.name(names, stated));
    long c0 = System.nanoTime();
    prover.show("seller: proving the contested answer");
    List<VerifiedAnswer> proven;
    try {
      proven = buyer.contest(List.of(new io.zkaudit.protocols.buyer.HeldAnswer(sa, x)));
    } finally {
      prover.quiet();
    }
    t.line(
        "contest: the seller proved it in %.1f s, before its deadline; the proof shows exactly the"
            + " signed output",
        (System.nanoTime() - c0) / 1e9);
    t.ok("contest: " + proven.size() + " of 1 signed answers proven and verified");
  }

  private void audit(RegisteredModel model, List<AuditClient.LabelledInput> samples, int classes)
      throws BuyerException {
    t.begin(
        "accuracy audit",
        "buyer: audit the claimed accuracy on "
            + samples.size()
            + " private labelled "
            + (data.imagenet() ? "ImageNet sample" : "CIFAR-10 test")
            + " images (commit, reveal, one proof each)");
    try (AuditClient client =
        new AuditClient(
            new BuyerClient("localhost", port, key, TIMEOUT_SECONDS),
            TIMEOUT_SECONDS,
            stateDir.resolve("audits"))) {
      // The demo shows each sample's verified output, so it asks for the per-sample proofs (buyer
      // audit's default is one accuracy proof).
      BuyerAuditState state =
          client.commit(
              model,
              samples,
              data.labelOffset(classes),
              null,
              io.zkaudit.proto.v1.AuditProofKind.PER_SAMPLE_PROOFS);
      t.line(
          "audit %s: test set committed (salted hashes, signed), terms signed by the seller,"
              + " samples revealed",
          state.getCommitment().getAuditId());
      AuditClient.Outcome o;
      try (ProgressBar bar = new ProgressBar(System.err, "audit proofs", samples.size())) {
        o =
            client.run(
                state,
                (index, done, total, correct) ->
                    bar.step(
                        String.format(
                            Locale.ROOT, "sample %d %s", index, correct ? "correct" : "wrong")));
      }
      t.line("claimed accuracy   %6.2f%%", 100 * o.terms().getClaimedAccuracy());
      t.line(
          "verified accuracy  %6.2f%%  (%d of %d correct, from verified outputs only)",
          100 * o.verifiedAccuracy(), o.correct(), o.samples());
      t.line("proofs verified    %d of %d", o.verified(), o.samples());
      String verdict =
          switch (o.verdict()) {
            case PASSED -> "PASSED: the verified accuracy meets the claim";
            case BELOW_CLAIM ->
                "BELOW CLAIM: the verified accuracy is under the claim on this small sample";
            default -> "FAILED: " + o.result().getStatement().getReason();
          };
      t.line("verdict            %s", verdict);
      t.line(
          "result             %s",
          o.countersigned()
              ? "signed by the buyer and countersigned by the seller"
              : "signed by the buyer only (the seller did not countersign)");
      if (o.verdict() != Verdict.PASSED && o.verdict() != Verdict.BELOW_CLAIM) {
        throw CliException.invalid("the audit failed: " + o.result().getStatement().getReason());
      }
      t.ok(
          String.format(
              Locale.ROOT,
              "audit %s: verified accuracy %.1f%% (%d/%d) vs claimed %.1f%%%s",
              o.verdict() == Verdict.PASSED ? "passed" : "below claim",
              100 * o.verifiedAccuracy(),
              o.correct(),
              o.samples(),
              100 * o.terms().getClaimedAccuracy(),
              o.countersigned() ? ", both signed" : ""));
    }
  }

  private void retrieve(BuyerClient buyer, RegisteredModel model, List<String> names)
      throws BuyerException {
    t.begin(
        "retrieval",
        "buyer: find every committed item of class \""
            + Labels.name(names, queryClass)
            + "\", with a proof for every item");
    RetrievalClient retrieval = new RetrievalClient(buyer, TIMEOUT_SECONDS);
    List<ItemSet> sets = retrieval.itemSets();
    if (sets.size() != 1) {
      throw CliException.invalid("the demo's seller lists " + sets.size() + " item sets, not 1");
    }
    ItemSet set = sets.get(0);
    int n = set.getStatement().getCount();
    RetrievalResult r;
    try (ProgressBar bar = new ProgressBar(System.err, "retrieval proofs verified", n)) {
      r =
          retrieval.retrieve(
              model,
              set,
              Predicate.newBuilder().setArgmaxIs(queryClass).build(),
              (done, total) -> bar.step(""));
    }
    for (RetrievalResult.Match m : r.matches()) {
      t.line("match  #%-3d %-36s logit %4d", m.index(), m.name(), m.output()[queryClass]);
    }
    t.line("matches: %d of %d items; the list is signed by the seller", r.matches().size(), n);
    t.line(
        "complete: %d of %d items proven (every committed item, checked against the Merkle root)",
        r.proven(), n);
    t.ok(
        String.format(
            Locale.ROOT,
            "retrieval complete: %d of %d items proven, %d match",
            r.proven(),
            n,
            r.matches().size()));
  }
}
