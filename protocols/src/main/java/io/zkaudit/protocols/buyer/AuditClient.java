package io.zkaudit.protocols.buyer;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.zkaudit.hash.Digest32;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.proto.v1.AccuracyAuditGrpc;
import io.zkaudit.proto.v1.AuditAccess;
import io.zkaudit.proto.v1.AuditCommitment;
import io.zkaudit.proto.v1.AuditResult;
import io.zkaudit.proto.v1.AuditStatus;
import io.zkaudit.proto.v1.AuditTerms;
import io.zkaudit.proto.v1.BuyerAuditState;
import io.zkaudit.proto.v1.ResultStatement;
import io.zkaudit.proto.v1.RevealRequest;
import io.zkaudit.proto.v1.RevealedSample;
import io.zkaudit.proto.v1.SampleProof;
import io.zkaudit.proto.v1.Verdict;
import io.zkaudit.proto.v1.VerifiedOutput;
import io.zkaudit.protocols.AuditStatements;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.Statements;
import io.zkaudit.protocols.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The buyer's side of the accuracy audit. It commits to its test set, checks the seller's terms,
 * reveals, verifies every proof against the registered verifying key and its own inputs, counts
 * correct predictions from verified outputs only, and signs the result. Its state is two files per
 * audit: {@code <dir>/<audit id>.audit}, a {@link BuyerAuditState} rewritten (atomically) after each
 * step, and {@code <audit id>.outputs}, the verified outputs appended one by one (length-delimited
 * {@link VerifiedOutput}s, so that a long audit is not rewritten per proof). {@link #run} carries
 * an audit on from wherever it stopped, on either side.
 */
public final class AuditClient implements AutoCloseable {
  /** A test sample: the quantized model input and its true class. */
  public record LabelledInput(int[] input, int label) {}

  /** Told of each verified proof (for a progress bar). */
  public interface Progress {
    void verified(int index, int done, int total, boolean correct);

    Progress NONE = (index, done, total, correct) -> {};
  }

  /**
   * How an audit ended: the result both signed (or the buyer alone, when the seller failed), and
   * whether the seller countersigned it.
   */
  public record Outcome(String auditId, AuditTerms terms, AuditResult result) {
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

  /** Reveal requests stay well under the seller's 32 MiB request limit. */
  static final int MAX_REVEAL_BYTES = 8 << 20;

  private final BuyerClient buyer;
  private final ManagedChannel channel;
  private final String target;
  private final PartyKey key;
  private final long deadlineSeconds;
  private final Path dir;
  private final SecureRandom random = new SecureRandom();

  /** Plaintext to host:port. */
  public AuditClient(String host, int port, PartyKey key, long deadlineSeconds, Path stateDir) {
    this(new BuyerClient(host, port, key, deadlineSeconds), deadlineSeconds, stateDir);
  }

  /** Over a buyer client's connection (plaintext or TLS), with its key; closing this closes it. */
  public AuditClient(BuyerClient buyer, long deadlineSeconds, Path stateDir) {
    this.buyer = buyer;
    this.channel = buyer.channel();
    this.target = buyer.target();
    this.key = buyer.key();
    this.deadlineSeconds = deadlineSeconds;
    this.dir = stateDir;
  }

  public BuyerClient buyer() {
    return buyer;
  }

  /**
   * Commits to a test set for this model (salted sample hashes, signed) and keeps the commitment
   * with its secrets in the state file; nothing is sent yet.
   */
  public BuyerAuditState commit(RegisteredModel model, List<LabelledInput> samples, int labelOffset) throws BuyerException {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("an audit needs at least one sample");
    }
    AuditCommitment.Builder c = AuditCommitment.newBuilder().setAuditId(UUID.randomUUID().toString())
        .setModelId(model.id()).setSampleCount(samples.size()).setLabelOffset(labelOffset)
        .setRequestedAtMillis(System.currentTimeMillis());
    List<RevealedSample> secrets = new ArrayList<>();
    List<byte[]> hashes = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      LabelledInput s = samples.get(i);
      if (s.label() < 0) {
        throw new IllegalArgumentException("sample " + i + ": a label is a class index, not " + s.label());
      }
      byte[] salt = new byte[AuditStatements.SALT_BYTES];
      random.nextBytes(salt);
      byte[] h = AuditStatements.sampleHash(i, salt, Statements.tensorHash(s.input()), s.label());
      hashes.add(h);
      c.addSampleHashes(ByteString.copyFrom(h));
      secrets.add(RevealedSample.newBuilder().setIndex(i).setSalt(ByteString.copyFrom(salt))
          .addAllInput(Tensors.toList(s.input())).setLabel(s.label()).build());
    }
    c.setTestSetHash(ByteString.copyFrom(AuditStatements.testSetHash(hashes)));
    c.setBuyerSignature(key.sign(AuditStatements.commitment(c.build())));
    BuyerAuditState state = BuyerAuditState.newBuilder().setCommitment(c).addAllSamples(secrets)
        .setModelName(model.entry().getName()).build();
    save(state);
    return state;
  }

  /** Carries the audit on from its stored state to a signed result. */
  public Outcome run(BuyerAuditState state, Progress progress) throws BuyerException {
    RegisteredModel model = buyer.model(state.getCommitment().getModelId());
    if (!state.hasTerms()) {
      state = open(state, model);
    }
    if (!state.hasResult() && !state.getRevealed()) {
      state = reveal(state);
    }
    if (!state.hasResult()) {
      state = proveAndVerify(state, model, progress);
    }
    if (!state.getResult().hasSellerSignature()) {
      state = settle(state);
    }
    return new Outcome(state.getCommitment().getAuditId(), state.getTerms(), state.getResult());
  }

  /** Sends the commitment and checks the seller's terms: this audit, this model, this buyer, signed by the model's seller. */
  public BuyerAuditState open(BuyerAuditState state, RegisteredModel model) throws BuyerException {
    AuditCommitment c = state.getCommitment();
    AuditTerms t = call(() -> stub(deadlineSeconds).open(c));
    AuditCommitment signed = c.toBuilder().clearSampleHashes().clearBuyerSignature().build();
    String id = c.getAuditId();
    if (!t.getAuditId().equals(id)
        || !Arrays.equals(t.getCommitmentHash().toByteArray(), AuditStatements.hash(AuditStatements.commitment(signed)))
        || !t.getModelId().equals(c.getModelId()) || !t.getBuyer().equals(key.publicKeyBytes())
        || t.getSampleCount() != c.getSampleCount() || !t.getTestSetHash().equals(c.getTestSetHash())
        || t.getLabelOffset() != c.getLabelOffset()) {
      throw invalid("audit " + id + ": the seller's terms are about another commitment");
    }
    if (!t.getSellerSignature().getPublicKey().equals(model.sellerKey())
        || !PartyKey.verify(t.getSellerSignature(), AuditStatements.terms(t))) {
      throw invalid("audit " + id + ": the terms are not signed by the seller that registered the model");
    }
    if (!(t.getClaimedAccuracy() >= 0 && t.getClaimedAccuracy() <= 1)) {
      throw invalid("audit " + id + ": a claimed accuracy of " + t.getClaimedAccuracy() + " is not in [0, 1]");
    }
    if (t.getDeadlineMillis() <= System.currentTimeMillis()) {
      throw invalid("audit " + id + ": the terms' deadline has passed");
    }
    BuyerAuditState next = state.toBuilder().setTerms(t).build();
    save(next);
    return next;
  }

  /** Reveals every sample, in requests of at most MAX_REVEAL_BYTES. */
  public BuyerAuditState reveal(BuyerAuditState state) throws BuyerException {
    String id = state.getCommitment().getAuditId();
    List<RevealedSample> batch = new ArrayList<>();
    int bytes = 0;
    AuditStatus status = null;
    for (RevealedSample s : state.getSamplesList()) {
      if (!batch.isEmpty() && bytes + s.getSerializedSize() > MAX_REVEAL_BYTES) {
        status = sendReveal(id, batch);
        batch.clear();
        bytes = 0;
      }
      batch.add(s);
      bytes += s.getSerializedSize() + 8;
    }
    status = sendReveal(id, batch);
    if (status.getRevealed() != state.getSamplesCount()) {
      throw invalid("audit " + id + ": the seller counts " + status.getRevealed() + " revealed samples of "
          + state.getSamplesCount());
    }
    BuyerAuditState next = state.toBuilder().setRevealed(true).build();
    save(next);
    return next;
  }

  private AuditStatus sendReveal(String id, List<RevealedSample> batch) throws BuyerException {
    RevealRequest r = RevealRequest.newBuilder().setAccess(access(id, 0)).addAllSamples(batch).build();
    return call(() -> stub(deadlineSeconds).reveal(r));
  }

  /**
   * Streams the proofs of the samples not verified yet and verifies each; the first that fails
   * (or a proof made after the deadline, or proofs still missing at the deadline) ends the audit
   * as PROOF_FAILED, signed by the buyer with the reason.
   */
  public BuyerAuditState proveAndVerify(BuyerAuditState state, RegisteredModel model, Progress progress)
      throws BuyerException {
    AuditTerms t = state.getTerms();
    int n = t.getSampleCount();
    int from = state.getVerifiedCount();
    int correct = countCorrect(state);
    if (from < n) {
      long wait = Math.max(deadlineSeconds, (t.getDeadlineMillis() - System.currentTimeMillis()) / 1000 + 60);
      Iterator<SampleProof> proofs;
      // Cancelled when this method returns, so a seller whose proof failed stops proving the rest.
      io.grpc.Context.CancellableContext call = io.grpc.Context.current().withCancellation();
      io.grpc.Context previous = call.attach();
      try {
        proofs = stub(wait).prove(access(t.getAuditId(), from));
        while (from < n) {
          if (!proofs.hasNext()) {
            break;
          }
          SampleProof p = proofs.next();
          String failure = check(state, model, p, from);
          if (failure != null) {
            return fail(state, failure);
          }
          RevealedSample s = state.getSamples(from);
          boolean right = AuditStatements.predictedClass(Tensors.fromList(p.getOutputList()), t.getLabelOffset())
              == s.getLabel();
          if (right) {
            correct++;
          }
          VerifiedOutput v = VerifiedOutput.newBuilder().setIndex(from).addAllOutput(p.getOutputList()).build();
          append(t.getAuditId(), v);
          state = state.toBuilder().addVerified(v).build();
          from++;
          progress.verified(p.getIndex(), from, n, right);
        }
      } catch (StatusRuntimeException e) {
        if (System.currentTimeMillis() > t.getDeadlineMillis()) {
          return fail(state, "sample " + from + " was not proven by the deadline (" + describe(e) + ")");
        }
        throw failure(e);
      } finally {
        call.detach(previous);
        call.cancel(null);
      }
      if (from < n) {
        if (System.currentTimeMillis() > t.getDeadlineMillis()) {
          return fail(state, "sample " + from + " was not proven by the deadline");
        }
        throw new BuyerException(BuyerException.Reason.UNREACHABLE, "audit " + t.getAuditId() + ": the seller at "
            + target + " stopped after " + from + " of " + n + " proofs; run the audit again to resume");
      }
    }
    Verdict v = AuditStatements.verdict(correct, n, t.getClaimedAccuracy());
    return signResult(state, n, correct, v, "");
  }

  /** Why a proof does not count, or null if it verifies for this sample. */
  private static String check(BuyerAuditState state, RegisteredModel model, SampleProof p, int index) {
    if (p.getIndex() != index) {
      return "the seller sent the proof of sample " + p.getIndex() + " where sample " + index + " was due";
    }
    if (p.getProvenAtMillis() > state.getTerms().getDeadlineMillis()) {
      return "sample " + index + " was proven after the deadline";
    }
    int[] input = Tensors.fromList(state.getSamples(index).getInputList());
    ModelProof proof;
    try {
      proof = ModelProof.decode(p.getProof().toByteArray());
    } catch (InvalidProofException | RuntimeException e) {
      return "sample " + index + ": invalid proof: " + e.getMessage();
    }
    if (!proof.model().equals(new Digest32(model.id().toByteArray()))) {
      return "sample " + index + ": the proof is for another model";
    }
    if (!Arrays.equals(proof.inputHash().bytes(), Statements.tensorHash(input))) {
      return "sample " + index + ": the proof is about another input";
    }
    int[] verified;
    try {
      verified = model.verifier().verify(proof, input);
    } catch (InvalidProofException | RuntimeException e) {
      return "sample " + index + ": invalid proof: " + e.getMessage();
    }
    if (!Arrays.equals(verified, Tensors.fromList(p.getOutputList()))) {
      return "sample " + index + ": the proven output differs from the stated output";
    }
    return null;
  }

  private static int countCorrect(BuyerAuditState state) {
    int correct = 0;
    for (VerifiedOutput v : state.getVerifiedList()) {
      if (AuditStatements.predictedClass(Tensors.fromList(v.getOutputList()), state.getTerms().getLabelOffset())
          == state.getSamples(v.getIndex()).getLabel()) {
        correct++;
      }
    }
    return correct;
  }

  private BuyerAuditState fail(BuyerAuditState state, String reason) {
    String r = reason.length() > 500 ? reason.substring(0, 500) : reason;
    return signResult(state, state.getVerifiedCount(), countCorrect(state), Verdict.PROOF_FAILED, r);
  }

  private BuyerAuditState signResult(BuyerAuditState state, int verified, int correct, Verdict v, String reason) {
    AuditTerms t = state.getTerms();
    ResultStatement s = ResultStatement.newBuilder().setAuditId(t.getAuditId())
        .setTermsHash(ByteString.copyFrom(AuditStatements.hash(AuditStatements.terms(t))))
        .setSamples(t.getSampleCount()).setVerified(verified).setCorrect(correct).setVerdict(v).setReason(reason).build();
    AuditResult result = AuditResult.newBuilder().setStatement(s).setBuyerSignature(key.sign(AuditStatements.result(s)))
        .build();
    BuyerAuditState next = state.toBuilder().setResult(result).build();
    save(next);
    return next;
  }

  /**
   * Sends the signed result. A pass or a shortfall must come back countersigned on the same
   * statement; a failure is recorded by the seller without its signature, and stands on the
   * buyer's signature and the stored reason even if the seller cannot be reached.
   */
  public BuyerAuditState settle(BuyerAuditState state) throws BuyerException {
    AuditResult mine = state.getResult();
    AuditResult back;
    try {
      back = call(() -> stub(deadlineSeconds).settle(mine));
    } catch (BuyerException e) {
      if (mine.getStatement().getVerdict() == Verdict.PROOF_FAILED) {
        return state;
      }
      throw e;
    }
    if (mine.getStatement().getVerdict() == Verdict.PROOF_FAILED) {
      return state;
    }
    if (!back.getStatement().equals(mine.getStatement()) || !back.hasSellerSignature()
        || !back.getSellerSignature().getPublicKey().equals(state.getTerms().getSellerSignature().getPublicKey())
        || !PartyKey.verify(back.getSellerSignature(), AuditStatements.result(mine.getStatement()))) {
      throw invalid("audit " + mine.getStatement().getAuditId() + ": the seller did not countersign the result");
    }
    BuyerAuditState next = state.toBuilder().setResult(mine.toBuilder().setSellerSignature(back.getSellerSignature()))
        .build();
    save(next);
    return next;
  }

  public AuditStatus status(String auditId) throws BuyerException {
    return call(() -> stub(deadlineSeconds).status(access(auditId, 0)));
  }

  /** A signed, fresh access to one of this buyer's audits. */
  public AuditAccess access(String auditId, int from) {
    AuditAccess a = AuditAccess.newBuilder().setAuditId(auditId).setFromIndex(from)
        .setRequestedAtMillis(System.currentTimeMillis()).build();
    return a.toBuilder().setBuyerSignature(key.sign(AuditStatements.access(a))).build();
  }

  public Path file(String auditId) {
    return dir.resolve(auditId + ".audit");
  }

  private Path outputsFile(String auditId) {
    return dir.resolve(auditId + ".outputs");
  }

  /**
   * The stored state of an audit, to resume it with {@link #run}: the state file and the verified
   * outputs in order (a record cut short by a crash, and anything after it, is verified again).
   */
  public BuyerAuditState load(String auditId) throws IOException {
    BuyerAuditState.Builder b = BuyerAuditState.parseFrom(Files.readAllBytes(file(auditId))).toBuilder().clearVerified();
    Path outputs = outputsFile(auditId);
    if (!b.hasResult() && Files.exists(outputs)) {
      try (var in = new java.io.BufferedInputStream(Files.newInputStream(outputs))) {
        while (b.getVerifiedCount() < b.getCommitment().getSampleCount()) {
          VerifiedOutput v;
          try {
            v = VerifiedOutput.parseDelimitedFrom(in);
          } catch (IOException truncated) {
            break;
          }
          if (v == null || v.getIndex() != b.getVerifiedCount()) {
            break;
          }
          b.addVerified(v);
        }
      }
    }
    return b.build();
  }

  private void append(String auditId, VerifiedOutput v) {
    try (var out = Files.newOutputStream(outputsFile(auditId), java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND)) {
      v.writeDelimitedTo(out);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot write the audit's outputs in " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Written to a temporary file and moved into place, so a crash leaves the previous state whole;
   * the verified outputs live in their own file.
   */
  private void save(BuyerAuditState state) {
    try {
      Files.createDirectories(dir);
      Path f = file(state.getCommitment().getAuditId());
      Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
      Files.write(tmp, state.toBuilder().clearVerified().build().toByteArray());
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot write the audit state in " + dir + ": " + e.getMessage(), e);
    }
  }

  private AccuracyAuditGrpc.AccuracyAuditBlockingStub stub(long seconds) {
    return AccuracyAuditGrpc.newBlockingStub(channel).withDeadlineAfter(seconds, TimeUnit.SECONDS);
  }

  private interface Rpc<T> {
    T call();
  }

  private <T> T call(Rpc<T> rpc) throws BuyerException {
    try {
      return rpc.call();
    } catch (StatusRuntimeException e) {
      throw failure(e);
    }
  }

  private BuyerException failure(StatusRuntimeException e) {
    var code = e.getStatus().getCode();
    boolean unreachable = code == io.grpc.Status.Code.UNAVAILABLE || code == io.grpc.Status.Code.DEADLINE_EXCEEDED;
    if (unreachable) {
      return new BuyerException(BuyerException.Reason.UNREACHABLE, "no answer from the seller at " + target + ": "
          + describe(e), e);
    }
    return new BuyerException(BuyerException.Reason.REFUSED, "the seller at " + target + " refused: " + describe(e), e);
  }

  private static String describe(StatusRuntimeException e) {
    return e.getStatus().getDescription() == null ? e.getStatus().getCode().name() : e.getStatus().getDescription();
  }

  private static BuyerException invalid(String message) {
    return new BuyerException(BuyerException.Reason.INVALID_ANSWER, message);
  }

  @Override
  public void close() {
    buyer.close();
  }
}
