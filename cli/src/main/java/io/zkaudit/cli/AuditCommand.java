package io.zkaudit.cli;

import io.zkaudit.model.TensorSpec;
import io.zkaudit.proto.v1.AuditTerms;
import io.zkaudit.proto.v1.BuyerAuditState;
import io.zkaudit.proto.v1.Verdict;
import io.zkaudit.protocols.AuditDatasets;
import io.zkaudit.protocols.Hex;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.buyer.AuditClient;
import io.zkaudit.protocols.buyer.BuyerException;
import io.zkaudit.protocols.buyer.RegisteredModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code zkaudit buyer audit}: the verified accuracy audit from the buyer's side. Exit 0 if the
 * audit passed (every proof verified, verified accuracy at least the claim, both signed); 1 if the
 * seller failed it (a proof failed, was missing or late, or the accuracy is below the claim); 2 if
 * the seller refused or could not be reached, or the input is bad (the audit can be resumed).
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description =
        "Audit the seller's claimed accuracy on a private labelled test set: commit, reveal, verify"
            + " one accuracy proof (or, with --per-sample-proofs, a proof per sample).")
final class AuditCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin SellerAddress seller;

  @Option(
      names = "--dataset",
      defaultValue = "cifar10",
      description =
          "cifar10, imagenet, mnist or a directory <dir>/<class index>/<image> (default"
              + " ${DEFAULT-VALUE})")
  String dataset;

  @Option(
      names = "--samples",
      defaultValue = "10",
      description =
          "test samples (CIFAR-10: evenly spaced over its classes; others: the first N) (default"
              + " ${DEFAULT-VALUE})")
  int samples;

  @Option(
      names = "--label-offset",
      description =
          "predicted class = argmax - offset (default: 1 for ImageNet on a 1001-class model, else"
              + " 0)")
  Integer labelOffset;

  @Mixin ServedModelOption servedModel;

  /**
   * How the dataset's images become the model's input. The seller's registration names the
   * normalization it serves the model with (else the input quantization's range applies); the buyer
   * encodes with that one, and an option that would encode the images to other integers is refused
   * before anything is committed.
   */
  @Mixin InputNormalizationOption normalization;

  @Option(
      names = "--resume",
      description = "carry on the audit with this id from its state file instead of starting one")
  String resume;

  @Mixin BuyerKeyOption buyerKey;

  @Option(
      names = "--state",
      defaultValue = "zkaudit-buyer/audits",
      description =
          "where the buyer keeps each audit's state, to resume it (default ${DEFAULT-VALUE})")
  Path stateDir;

  @Option(
      names = "--timeout",
      defaultValue = "300",
      description = "seconds to wait for each answer of the seller (default ${DEFAULT-VALUE})")
  long timeout;

  @Option(
      names = "--per-sample-proofs",
      description =
          "ask for one proof per sample (each output shown; N proofs) instead of the default one"
              + " accuracy proof about every sample (only the count shown)")
  boolean perSampleProofs;

  @Mixin ChainOptions chain;

  @Option(
      names = "--payment",
      defaultValue = "0.01",
      description =
          "with --chain-rpc: what the audit pays, in ether, held by AuditEscrow (default"
              + " ${DEFAULT-VALUE})")
  java.math.BigDecimal payment;

  @Option(
      names = "--stake",
      defaultValue = "0.1",
      description =
          "with --chain-rpc: the stake the seller must put up against its claim, in ether (default"
              + " ${DEFAULT-VALUE})")
  java.math.BigDecimal stake;

  /** The audit under way, named in the error if the seller goes away. */
  private String started;

  @Override
  public Integer call() {
    seller.check();
    var given = normalization.given(); // bad options are refused before connecting
    if (labelOffset != null && labelOffset < 0) {
      throw CliException.usage("--label-offset must be 0 or more");
    }
    PrintWriter out = spec.commandLine().getOut();
    PartyKey key = buyerKey.loadOrCreate();
    AuditClient.ChainOffer offer = chain.enabled() ? offer() : null;
    long t0 = System.nanoTime();
    try (io.zkaudit.protocols.chain.BuyerChain onChain =
            chain.enabled()
                ? io.zkaudit.protocols.chain.BuyerChain.connect(chain.settings(), key)
                : null;
        AuditClient client =
            new AuditClient(seller.connect(key, timeout), timeout, stateDir, onChain)) {
      BuyerAuditState state;
      RegisteredModel model;
      String setName;
      if (resume != null) {
        try {
          state = client.load(resume);
        } catch (IOException e) {
          throw CliException.usage(
              "no audit " + resume + " in " + stateDir + ": " + e.getMessage());
        }
        model = client.buyer().model(state.getCommitment().getModelId());
        setName = "resumed";
      } else {
        model = servedModel.choose(client.buyer());
        TensorSpec in = model.vk().description().tensor(model.verifier().circuit().inputTensor());
        int classes =
            model.vk().description().tensor(model.verifier().circuit().outputTensor()).size();
        AuditDatasets.TestSet set;
        try {
          set = encoded(out, model, in, classes, given);
        } catch (IllegalArgumentException e) {
          throw CliException.usage(e.getMessage());
        }
        int offset = labelOffset != null ? labelOffset : set.labelOffset();
        if (offset >= classes) {
          throw CliException.usage(
              "--label-offset must be below the model's " + classes + " outputs");
        }
        // Before committing to the set: a wrong offset makes both parties sign a FAILED verdict.
        int known = LabelFit.knownClasses(dataset);
        int labelClasses =
            known > 0
                ? known
                : set.samples().stream().mapToInt(AuditClient.LabelledInput::label).max().orElse(0)
                    + 1;
        for (String w : new LabelFit(classes, labelClasses, known > 0, offset).warnings()) {
          spec.commandLine().getErr().println("zkaudit: warning: " + w);
          spec.commandLine().getErr().flush();
        }
        state =
            client.commit(
                model,
                set.samples(),
                offset,
                offer,
                perSampleProofs
                    ? io.zkaudit.proto.v1.AuditProofKind.PER_SAMPLE_PROOFS
                    : io.zkaudit.proto.v1.AuditProofKind.ACCURACY_PROOF);
        setName = set.name();
      }
      String id = state.getCommitment().getAuditId();
      started = id;
      int n = state.getCommitment().getSampleCount();
      boolean accuracyProof =
          state.getCommitment().getProofKind() == io.zkaudit.proto.v1.AuditProofKind.ACCURACY_PROOF;
      out.printf(
          "audit %s of model %s (%s) on %d %s samples, %s; state in %s%n",
          id,
          Hex.of(model.id()),
          model.entry().getName(),
          n,
          setName,
          accuracyProof ? "one accuracy proof" : "a proof per sample",
          client.file(id));
      out.flush();
      AuditClient.Outcome o;
      int already = state.getVerifiedCount();
      if (accuracyProof) {
        // The seller's prover phases as it reports them, then the one verification.
        try (PhaseBar bar = new PhaseBar(System.err, "seller's accuracy proof")) {
          o =
              client.run(
                  state,
                  new AuditClient.Progress() {
                    @Override
                    public void verified(int index, int done, int total, boolean correct) {}

                    @Override
                    public void proving(String phase, long done, long total) {
                      bar.progress(phase, done, total);
                    }
                  });
        }
      } else {
        try (ProgressBar bar = new ProgressBar(System.err, "proofs", n - already)) {
          o =
              client.run(
                  state,
                  (index, done, total, correct) ->
                      bar.step(
                          String.format(
                              Locale.ROOT, "sample %d %s", index, correct ? "correct" : "wrong")));
        }
      }
      testSet(out, state);
      summary(out, o, model, (System.nanoTime() - t0) / 1e9);
      if (state.getCommitment().getChainAuditId() != 0) {
        escrowSummary(out, client, onChain, client.load(id), o);
      }
      return o.verdict() == Verdict.PASSED ? Main.EXIT_OK : Main.EXIT_INVALID;
    } catch (BuyerException e) {
      return BuyerFailures.exit(
          out,
          e,
          e.getMessage()
              + (started == null
                  ? ""
                  : " (the audit is kept: carry it on with --resume " + started + ")"));
    } catch (io.zkaudit.escrow.EscrowException e) {
      throw ChainOptions.failure(e);
    } catch (IllegalArgumentException e) {
      throw CliException.usage(e.getMessage());
    } catch (IOException | java.io.UncheckedIOException e) {
      throw CliException.usage(e.getMessage());
    }
  }

  /**
   * The dataset encoded as the seller's model reads it: with the normalization the seller
   * registered (ModelEntry.input_normalization, signed), else the input quantization's range. An
   * option is checked against that by encoding the set both ways: if any sample becomes other
   * integers, the audit would measure the model on inputs the seller's users never send, so it is
   * refused (exit 2) before the set is committed.
   */
  private AuditDatasets.TestSet encoded(
      PrintWriter out,
      RegisteredModel model,
      TensorSpec in,
      int classes,
      java.util.Optional<InputNormalizationOption.Chosen> given) {
    java.util.Optional<io.zkaudit.data.InputNormalization> served =
        io.zkaudit.protocols.ServedNormalization.of(model.entry(), in.shape().getLast());
    io.zkaudit.data.InputNormalization effective =
        served.orElseGet(() -> io.zkaudit.data.PixelRange.of(in));
    String servedText =
        served.isPresent()
            ? effective.describe() + " (registered by the seller with the model)"
            : effective.describe()
                + " (the input quantization's range: the seller registered none)";
    AuditDatasets.TestSet set = AuditDatasets.load(dataset, samples, in, classes, effective);
    if (given.isPresent()) {
      given.get().value().requireChannels(in.shape().getLast());
      AuditDatasets.TestSet mine =
          AuditDatasets.load(dataset, samples, in, classes, given.get().value());
      for (int i = 0; i < set.samples().size(); i++) {
        if (!java.util.Arrays.equals(set.samples().get(i).input(), mine.samples().get(i).input())) {
          throw CliException.usage(
              "input normalization "
                  + given.get().value().describe()
                  + " ("
                  + given.get().source()
                  + ") encodes sample "
                  + i
                  + " to other integers than the seller's model reads, with "
                  + servedText
                  + ": drop the option or give that one");
        }
      }
    }
    if (served.isPresent() || given.isPresent()) {
      out.println("input normalization: " + servedText);
      out.flush();
    }
    return set;
  }

  private AuditClient.ChainOffer offer() {
    try {
      return new AuditClient.ChainOffer(
          io.zkaudit.escrow.Wei.ether(payment.toPlainString()),
          io.zkaudit.escrow.Wei.ether(stake.toPlainString()));
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw CliException.usage("--payment and --stake are positive amounts of ether");
    }
  }

  /** The escrow's side: how AuditEscrow settled the audit, and the buyer's credit withdrawn. */
  private static void escrowSummary(
      PrintWriter out,
      AuditClient client,
      io.zkaudit.protocols.chain.BuyerChain onChain,
      BuyerAuditState state,
      AuditClient.Outcome o) {
    long id = state.getCommitment().getChainAuditId();
    if (!o.settledOnChain()) {
      out.printf(
          "  on-chain           audit %d open until %s; run again with --resume %s after it to"
              + " settle%n",
          id, client.chainDeadline(state), o.auditId());
      out.flush();
      return;
    }
    java.math.BigInteger credit = onChain.auditCredit();
    java.math.BigInteger withdrawn =
        credit.signum() > 0 ? onChain.withdrawAuditCredit() : java.math.BigInteger.ZERO;
    out.printf(
        "  on-chain           audit %d settled: %s; %s wei withdrawn to %s%n",
        id, o.chainOutcome(), withdrawn, onChain.address());
    out.flush();
  }

  /**
   * What the audit is about (issue 16): the test set's hash and the proof kind. For an accuracy
   * proof the hash is T's digest (SHA-256 of the test-set commitment), the value the accuracy proof
   * states and AuditEscrow stores; for per-sample proofs it is the hash of the salted sample
   * hashes, and the escrow holds it bound to the label offset (AuditStatements.escrowTestSetHash).
   */
  private static void testSet(PrintWriter out, BuyerAuditState state) {
    var c = state.getCommitment();
    byte[] hash = c.getTestSetHash().toByteArray();
    boolean accuracyProof = c.getProofKind() == io.zkaudit.proto.v1.AuditProofKind.ACCURACY_PROOF;
    if (accuracyProof) {
      out.printf(
          "  test set           T's digest %s (the test-set commitment the proof states; the"
              + " hash AuditEscrow stores)%n",
          Hex.of(hash));
    } else {
      out.printf(
          "  test set           hash %s (of the salted sample hashes; AuditEscrow stores %s, with"
              + " the label offset)%n",
          Hex.of(hash),
          Hex.of(
              io.zkaudit.protocols.AuditStatements.escrowTestSetHash(
                  c.getProofKind(), hash, c.getLabelOffset())));
    }
    out.printf(
        "  proof kind         %s (%s)%n",
        accuracyProof ? "one accuracy proof about every sample" : "a proof per sample",
        c.getProofKind().name());
  }

  private static void summary(
      PrintWriter out, AuditClient.Outcome o, RegisteredModel model, double seconds) {
    AuditTerms t = o.terms();
    out.printf(
        Locale.ROOT,
        "  claimed accuracy   %6.2f%%  (stake %d, deadline %s)%n",
        100 * t.getClaimedAccuracy(),
        t.getStake(),
        Instant.ofEpochMilli(t.getDeadlineMillis()));
    out.printf(
        Locale.ROOT,
        "  verified accuracy  %6.2f%%  (%d of %d correct, %s)%n",
        100 * o.verifiedAccuracy(),
        o.correct(),
        o.samples(),
        o.accuracyProof() ? "the count the accuracy proof verifies" : "from verified outputs only");
    out.printf(
        Locale.ROOT,
        "  proofs verified    %d of %d samples%s%n",
        o.verified(),
        o.samples(),
        o.accuracyProof() ? " (one accuracy proof)" : "");
    out.printf(Locale.ROOT, "  time               %.1f s%n", seconds);
    String verdict =
        switch (o.verdict()) {
          case PASSED -> "PASSED: the verified accuracy meets the claim";
          case BELOW_CLAIM -> "FAILED: the verified accuracy is below the claim";
          case PROOF_FAILED -> "FAILED: " + o.result().getStatement().getReason();
          default -> o.verdict().name();
        };
    out.println("  verdict            " + verdict);
    out.println(
        "  result             "
            + (o.countersigned()
                ? "signed by the buyer and countersigned by the seller " + Hex.of(model.sellerKey())
                : "signed by the buyer (the seller did not countersign)"));
    out.flush();
  }
}
