package io.zkaudit.protocols.buyer;

import com.google.protobuf.ByteString;
import io.zkaudit.proto.v1.AuditAccess;
import io.zkaudit.proto.v1.AuditCommitment;
import io.zkaudit.proto.v1.AuditProofKind;
import io.zkaudit.proto.v1.AuditResult;
import io.zkaudit.proto.v1.AuditStatus;
import io.zkaudit.proto.v1.AuditTerms;
import io.zkaudit.proto.v1.BuyerAuditState;
import io.zkaudit.proto.v1.RevealedSample;
import io.zkaudit.proto.v1.Verdict;
import io.zkaudit.protocols.AuditStatements;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.Statements;
import io.zkaudit.protocols.Tensors;
import io.zkaudit.prover.inference.CommittedTestSet;
import io.zkaudit.prover.inference.ProverException;
import io.zkaudit.prover.inference.TestSets;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The buyer's side of the accuracy audit. It commits to its test set (by default with a test-set
 * commitment T, whose digest is the signed test set hash), checks the seller's terms, reveals,
 * verifies the one accuracy proof against the registered verifying key and T (or, per sample, every
 * proof against its own input, counting correct predictions from verified outputs only), and signs
 * the result. Its state is two files per audit ({@link AuditStateFiles}), saved after each step;
 * {@link #run} carries an audit on from wherever it stopped, on either side.
 *
 * <p>This class is the entry point and the commitment; the steps live in {@link AuditExchange}
 * (open, reveal, settle) and {@link AuditProofs} (streaming and verifying proofs), the result in
 * {@link AuditResults}.
 */
public final class AuditClient implements AutoCloseable {
  /** A test sample: the quantized model input and its true class. */
  public record LabelledInput(int[] input, int label) {}

  /**
   * Told of each verified proof (for a progress bar), and of the seller's progress on an accuracy
   * proof (the prover's phases).
   */
  public interface Progress {
    void verified(int index, int done, int total, boolean correct);

    /** The seller's prover on an accuracy proof: {@code done} of {@code total} in {@code phase}. */
    default void proving(String phase, long done, long total) {}

    Progress NONE = (index, done, total, correct) -> {};
  }

  /**
   * How an audit ended: the result both signed (or the buyer alone, when the seller failed), and
   * whether the seller countersigned it.
   */
  public record Outcome(
      String auditId,
      AuditTerms terms,
      AuditResult result,
      String chainOutcome,
      boolean accuracyProof) {
    /** On-chain audits: whether AuditEscrow has settled it (chainOutcome names how). */
    public boolean settledOnChain() {
      return !chainOutcome.isEmpty();
    }

    public Verdict verdict() {
      return result.getStatement().getVerdict();
    }

    public int correct() {
      return result.getStatement().getCorrect();
    }

    public int verified() {
      return result.getStatement().getVerified();
    }

    public int samples() {
      return result.getStatement().getSamples();
    }

    public double verifiedAccuracy() {
      return samples() == 0 ? 0 : (double) correct() / samples();
    }

    public boolean countersigned() {
      return result.hasSellerSignature();
    }
  }

  private final BuyerClient buyer;
  private final PartyKey key;
  private final AuditChannel channel;
  private final AuditStateFiles files;
  private final AuditExchange exchange;
  private final AuditProofs proofs;

  /** Null for a buyer without a chain. */
  private final AuditOnChain chain;

  private final SecureRandom random = new SecureRandom();

  /**
   * What a buyer offers for an on-chain audit (wei): the payment, and the stake it asks the seller
   * to put up against its claim.
   */
  public record ChainOffer(java.math.BigInteger payment, java.math.BigInteger stake) {
    public ChainOffer {
      if (payment.signum() <= 0 || stake.signum() <= 0) {
        throw new IllegalArgumentException("an on-chain audit needs a positive payment and stake");
      }
    }
  }

  /** Plaintext to host:port. */
  public AuditClient(String host, int port, PartyKey key, long deadlineSeconds, Path stateDir) {
    this(new BuyerClient(host, port, key, deadlineSeconds), deadlineSeconds, stateDir);
  }

  /** Over a buyer client's connection (plaintext or TLS), with its key; closing this closes it. */
  public AuditClient(BuyerClient buyer, long deadlineSeconds, Path stateDir) {
    this(buyer, deadlineSeconds, stateDir, null);
  }

  /**
   * As above, with AuditEscrow ({@code escrow} null for none): audits committed with a {@link
   * ChainOffer} are paid, staked, revealed and settled there.
   */
  public AuditClient(BuyerClient buyer, long deadlineSeconds, Path stateDir, AuditEscrow escrow) {
    this.buyer = buyer;
    this.key = buyer.key();
    this.channel = new AuditChannel(buyer.channel(), buyer.target(), key, deadlineSeconds);
    this.files = new AuditStateFiles(stateDir);
    this.exchange = new AuditExchange(channel, files);
    this.chain = escrow == null ? null : new AuditOnChain(escrow, files);
    this.proofs = new AuditProofs(channel, files, new AuditResults(key, files, chain));
  }

  public BuyerClient buyer() {
    return buyer;
  }

  /**
   * Commits to a test set for this model (for an accuracy-proof audit its test-set commitment T,
   * per sample salted sample hashes; signed) and keeps the commitment in the state file and the
   * secrets (T's seed or the salts, the inputs, the labels) in the state and samples files; nothing
   * is sent to the seller yet.
   */
  public BuyerAuditState commit(RegisteredModel model, List<LabelledInput> samples, int labelOffset)
      throws BuyerException {
    return commit(model, samples, labelOffset, null);
  }

  /**
   * As above; with an offer (and a chain), the audit is first requested in AuditEscrow with the
   * payment and a salted commitment to the test set, and the commitment names that request.
   */
  public BuyerAuditState commit(
      RegisteredModel model, List<LabelledInput> samples, int labelOffset, ChainOffer offer)
      throws BuyerException {
    return commit(model, samples, labelOffset, offer, AuditProofKind.ACCURACY_PROOF);
  }

  /**
   * As above, proven as {@code kind} says: one accuracy proof about every sample (the default) or
   * one proof per sample (the fallback: each output is shown, at N proofs' cost).
   */
  public BuyerAuditState commit(
      RegisteredModel model,
      List<LabelledInput> samples,
      int labelOffset,
      ChainOffer offer,
      AuditProofKind kind)
      throws BuyerException {
    if (kind == AuditProofKind.UNRECOGNIZED) {
      throw new IllegalArgumentException("a proof kind is PER_SAMPLE_PROOFS or ACCURACY_PROOF");
    }
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("an audit needs at least one sample");
    }
    if (offer != null && chain == null) {
      throw new IllegalArgumentException("an on-chain audit needs the chain");
    }
    AuditCommitment.Builder c =
        AuditCommitment.newBuilder()
            .setAuditId(UUID.randomUUID().toString())
            .setModelId(model.id())
            .setSampleCount(samples.size())
            .setLabelOffset(labelOffset)
            .setProofKind(kind)
            .setRequestedAtMillis(System.currentTimeMillis());
    for (int i = 0; i < samples.size(); i++) {
      if (samples.get(i).label() < 0) {
        throw new IllegalArgumentException(
            "sample " + i + ": a label is a class index, not " + samples.get(i).label());
      }
    }
    boolean accuracyProof = kind == AuditProofKind.ACCURACY_PROOF;
    byte[][] salts = new byte[samples.size()][];
    byte[] seed = null;
    if (accuracyProof) {
      // The test-set commitment T over the inputs and class indices, with a fresh secret seed: T's
      // digest is the test set hash the buyer signs and AuditEscrow holds, and the accuracy proof
      // is about T itself.
      CommittedTestSet t = commitTestSet(model, samples, labelOffset);
      c.setTestSetCommitment(ByteString.copyFrom(t.commitment().encode()))
          .setTestSetHash(ByteString.copyFrom(t.commitment().digest().bytes()));
      seed = t.reveal().seed();
      java.util.Arrays.fill(salts, new byte[0]);
    } else {
      List<byte[]> hashes = new ArrayList<>();
      for (int i = 0; i < samples.size(); i++) {
        LabelledInput s = samples.get(i);
        salts[i] = new byte[AuditStatements.SALT_BYTES];
        random.nextBytes(salts[i]);
        byte[] h =
            AuditStatements.sampleHash(i, salts[i], Statements.tensorHash(s.input()), s.label());
        hashes.add(h);
        c.addSampleHashes(ByteString.copyFrom(h));
      }
      c.setTestSetHash(ByteString.copyFrom(AuditStatements.testSetHash(hashes)));
    }
    // Each sample's secrets are encoded as the samples file is written, not all held at once.
    files.saveSamples(
        c.getAuditId(),
        () ->
            java.util.stream.IntStream.range(0, samples.size())
                .mapToObj(
                    i ->
                        RevealedSample.newBuilder()
                            .setIndex(i)
                            .setSalt(ByteString.copyFrom(salts[i]))
                            .addAllInput(Tensors.toList(samples.get(i).input()))
                            .setLabel(samples.get(i).label())
                            .build())
                .iterator());
    if (offer != null) {
      chain.request(c, model, claim(model), offer);
      // Timed after the transaction: the seller refuses a commitment signed too long before it
      // arrives.
      c.setRequestedAtMillis(System.currentTimeMillis());
    }
    c.setBuyerSignature(key.sign(AuditStatements.commitment(c.build())));
    BuyerAuditState.Builder state =
        BuyerAuditState.newBuilder()
            .setCommitment(c)
            .addAllLabels(samples.stream().map(LabelledInput::label).toList())
            .setModelName(model.entry().getName());
    if (seed != null) {
      state.setTestSetSeed(ByteString.copyFrom(seed));
    }
    BuyerAuditState saved = state.build();
    files.save(saved);
    return saved;
  }

  /**
   * The buyer's test-set commitment T for an accuracy-proof audit: its inputs and labels as class
   * indices (label + offset), laid out for the model's zero-knowledge circuit, with a fresh seed.
   */
  private static CommittedTestSet commitTestSet(
      RegisteredModel model, List<LabelledInput> samples, int labelOffset) {
    int[] labels = samples.stream().mapToInt(LabelledInput::label).toArray();
    try {
      return TestSets.commit(
          model.vk(),
          samples.stream().map(LabelledInput::input).toList(),
          AuditStatements.classIndices(labels, labelOffset));
    } catch (ProverException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** The seller's registered top-1 accuracy: what an on-chain audit holds it to. */
  private static double claim(RegisteredModel model) throws BuyerException {
    return model.entry().getMetricsList().stream()
        .filter(m -> m.getName().equals("top1_accuracy"))
        .mapToDouble(io.zkaudit.proto.v1.ClaimedMetric::getValue)
        .findFirst()
        .orElseThrow(
            () ->
                new BuyerException(
                    BuyerException.Reason.REFUSED,
                    "the seller claims no top1_accuracy for this model, so there is nothing to"
                        + " audit"));
  }

  /**
   * Carries the audit on from its stored state to a signed result (and, on-chain, its settlement).
   */
  public Outcome run(BuyerAuditState state, Progress progress) throws BuyerException {
    RegisteredModel model = buyer.model(state.getCommitment().getModelId());
    boolean onChain = AuditOnChain.id(state) != 0;
    if (onChain && chain == null) {
      throw new IllegalArgumentException(
          "audit "
              + state.getCommitment().getAuditId()
              + " is on-chain: carry it on with the chain (--chain-rpc and --deployment)");
    }
    if (!state.hasTerms()) {
      state = open(state, model);
    }
    if (!state.hasResult() && (!state.getRevealed() || onChain)) {
      state = reveal(state, model);
    }
    if (!state.hasResult()) {
      state = proveAndVerify(state, model, progress);
    }
    if (!state.getResult().hasSellerSignature()) {
      state = settle(state);
    }
    if (onChain && state.getChainOutcome().isEmpty()) {
      state = settleOnChain(state, model);
    }
    return new Outcome(
        state.getCommitment().getAuditId(),
        state.getTerms(),
        state.getResult(),
        state.getChainOutcome(),
        state.getCommitment().getProofKind() == AuditProofKind.ACCURACY_PROOF);
  }

  /**
   * Sends the commitment and checks the seller's terms: this audit, this model, this buyer, signed
   * by the model's seller; on-chain, also that the seller staked on the request with these terms. A
   * seller that refuses an on-chain audit leaves the request unstaked: it is cancelled, so that the
   * payment is credited back.
   */
  public BuyerAuditState open(BuyerAuditState state, RegisteredModel model) throws BuyerException {
    BuyerAuditState opened;
    try {
      opened = exchange.open(state, model);
    } catch (BuyerException e) {
      if (AuditOnChain.id(state) != 0 && e.reason() == BuyerException.Reason.REFUSED) {
        throw new BuyerException(e.reason(), e.getMessage() + chain.cancel(state), e);
      }
      throw e;
    }
    if (AuditOnChain.id(state) != 0) {
      chain.checkStaked(opened);
    }
    return opened;
  }

  /**
   * Reveals every sample, in requests of at most {@link AuditExchange#MAX_REVEAL_BYTES} (off-chain
   * audits).
   */
  public BuyerAuditState reveal(BuyerAuditState state) throws BuyerException {
    return reveal(state, null);
  }

  /**
   * Reveals every sample (unless done before), then, for an on-chain audit, opens the on-chain
   * commitment with the seller's receipt for them: the result deadline runs only once the seller
   * holds the samples.
   */
  public BuyerAuditState reveal(BuyerAuditState state, RegisteredModel model)
      throws BuyerException {
    BuyerAuditState next = state.getRevealed() ? state : exchange.reveal(state);
    if (AuditOnChain.id(next) != 0) {
      chain.reveal(next, model != null ? model : buyer.model(next.getCommitment().getModelId()));
    }
    return next;
  }

  /**
   * Settles an on-chain audit in AuditEscrow: with both signatures for a pass or a shortfall, by
   * the deadline rules for a proof failure once the result deadline has passed (before it, the
   * audit stays open: run again after {@link #chainDeadline}).
   */
  public BuyerAuditState settleOnChain(BuyerAuditState state, RegisteredModel model)
      throws BuyerException {
    return chain.settle(state, model);
  }

  /** When the on-chain audit's current phase ends. */
  public java.time.Instant chainDeadline(BuyerAuditState state) {
    return chain.deadline(state);
  }

  /**
   * Streams the proofs of the samples not verified yet and verifies each; the first that fails (or
   * a proof made after the deadline, or proofs still missing at the deadline) ends the audit as
   * PROOF_FAILED, signed by the buyer with the reason.
   */
  public BuyerAuditState proveAndVerify(
      BuyerAuditState state, RegisteredModel model, Progress progress) throws BuyerException {
    return proofs.proveAndVerify(state, model, progress);
  }

  /**
   * Sends the signed result. A pass or a shortfall must come back countersigned on the same
   * statement; a failure is recorded by the seller without its signature, and stands on the buyer's
   * signature and the stored reason even if the seller cannot be reached.
   */
  public BuyerAuditState settle(BuyerAuditState state) throws BuyerException {
    return exchange.settle(state);
  }

  public AuditStatus status(String auditId) throws BuyerException {
    return channel.call(() -> channel.stub().status(channel.access(auditId, 0)));
  }

  /** A signed, fresh access to one of this buyer's audits. */
  public AuditAccess access(String auditId, int from) {
    return channel.access(auditId, from);
  }

  /**
   * One sample's secrets (salt, input, label) as the buyer reveals it, read from its samples file.
   */
  public RevealedSample sample(BuyerAuditState state, int index) {
    try (AuditStateFiles.SampleReader r = files.samples(state, index)) {
      return r.next();
    }
  }

  public Path file(String auditId) {
    return files.file(auditId);
  }

  /**
   * The stored state of an audit, to resume it with {@link #run}: the state file and the verified
   * outputs in order (a record cut short by a crash, and anything after it, is verified again).
   */
  public BuyerAuditState load(String auditId) throws IOException {
    return files.load(auditId);
  }

  @Override
  public void close() {
    buyer.close();
  }
}
