package io.zkaudit.protocols.buyer;

import io.grpc.StatusRuntimeException;
import io.zkaudit.hash.Digest32;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.inference.TestSetCommitment;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.proto.v1.AccuracyProofUpdate;
import io.zkaudit.proto.v1.AuditAccuracyProof;
import io.zkaudit.proto.v1.AuditProofKind;
import io.zkaudit.proto.v1.AuditTerms;
import io.zkaudit.proto.v1.BuyerAuditState;
import io.zkaudit.proto.v1.SampleProof;
import io.zkaudit.proto.v1.Verdict;
import io.zkaudit.proto.v1.VerifiedOutput;
import io.zkaudit.protocols.AuditStatements;
import io.zkaudit.protocols.Tensors;
import java.util.Arrays;
import java.util.Iterator;

/**
 * The buyer's proof step. An accuracy-proof audit (the default): the seller's one accuracy proof,
 * verified against the registered verifying key and the buyer's own inputs and labels; its verified
 * count is the result. A per-sample audit: streams the seller's proofs and verifies each against
 * the buyer's own input before its output counts. A proof that does not verify ends the audit as
 * PROOF_FAILED; a dropped stream before the deadline only pauses it.
 */
final class AuditProofs {
  private final AuditChannel channel;
  private final AuditStateFiles files;
  private final AuditResults results;

  AuditProofs(AuditChannel channel, AuditStateFiles files, AuditResults results) {
    this.channel = channel;
    this.files = files;
    this.results = results;
  }

  /** See {@link AuditClient#proveAndVerify}. */
  BuyerAuditState proveAndVerify(
      BuyerAuditState state, RegisteredModel model, AuditClient.Progress progress)
      throws BuyerException {
    if (state.getCommitment().getProofKind() == AuditProofKind.ACCURACY_PROOF) {
      return proveAndVerifyAccuracy(state, model, progress);
    }
    AuditTerms t = state.getTerms();
    int n = t.getSampleCount();
    int from = state.getVerifiedCount();
    int correct = AuditResults.countCorrect(state);
    if (from < n) {
      long wait =
          Math.max(
              channel.deadlineSeconds(),
              (t.getDeadlineMillis() - System.currentTimeMillis()) / 1000 + 60);
      Iterator<SampleProof> proofs;
      // Cancelled when this method returns, so a seller whose proof failed stops proving the rest.
      io.grpc.Context.CancellableContext call = io.grpc.Context.current().withCancellation();
      io.grpc.Context previous = call.attach();
      // The buyer's own inputs, read one at a time in step with the proofs.
      try (AuditStateFiles.SampleReader inputs = files.samples(state, from)) {
        proofs = channel.stub(wait).prove(channel.access(t.getAuditId(), from));
        while (from < n) {
          if (!proofs.hasNext()) {
            break;
          }
          SampleProof p = proofs.next();
          String failure =
              check(state, model, p, from, Tensors.fromList(inputs.next().getInputList()));
          if (failure != null) {
            return results.fail(state, failure);
          }
          boolean right = AuditResults.correct(state, from, p.getOutputList());
          if (right) {
            correct++;
          }
          VerifiedOutput v =
              VerifiedOutput.newBuilder().setIndex(from).addAllOutput(p.getOutputList()).build();
          files.append(t.getAuditId(), v);
          state = state.toBuilder().addVerified(v).build();
          from++;
          progress.verified(p.getIndex(), from, n, right);
        }
      } catch (StatusRuntimeException e) {
        if (System.currentTimeMillis() > t.getDeadlineMillis()) {
          return results.fail(
              state,
              "sample "
                  + from
                  + " was not proven by the deadline ("
                  + AuditChannel.describe(e)
                  + ")");
        }
        throw channel.failure(e);
      } finally {
        call.detach(previous);
        call.cancel(null);
      }
      if (from < n) {
        if (System.currentTimeMillis() > t.getDeadlineMillis()) {
          return results.fail(state, "sample " + from + " was not proven by the deadline");
        }
        throw new BuyerException(
            BuyerException.Reason.UNREACHABLE,
            "audit "
                + t.getAuditId()
                + ": the seller at "
                + channel.target()
                + " stopped after "
                + from
                + " of "
                + n
                + " proofs; run the audit again to resume");
      }
    }
    Verdict v = AuditStatements.verdict(correct, n, t.getClaimedAccuracy());
    return results.sign(state, n, correct, v, "");
  }

  /**
   * Accuracy-proof audits: asks for the one accuracy proof (the seller's progress goes to {@code
   * progress}), verifies it against the buyer's own test-set commitment T and takes the count
   * verifyAccuracy returns. A proof that does not verify, is about another number of samples,
   * states another count than the seller's message, or was made after the deadline ends the audit
   * as PROOF_FAILED; no proof by the deadline likewise; a dropped stream before it only pauses.
   */
  private BuyerAuditState proveAndVerifyAccuracy(
      BuyerAuditState state, RegisteredModel model, AuditClient.Progress progress)
      throws BuyerException {
    AuditTerms t = state.getTerms();
    int n = t.getSampleCount();
    long wait =
        Math.max(
            channel.deadlineSeconds(),
            (t.getDeadlineMillis() - System.currentTimeMillis()) / 1000 + 60);
    AuditAccuracyProof proof = null;
    io.grpc.Context.CancellableContext call = io.grpc.Context.current().withCancellation();
    io.grpc.Context previous = call.attach();
    try {
      Iterator<AccuracyProofUpdate> updates =
          channel.stub(wait).proveAccuracy(channel.access(t.getAuditId(), 0));
      while (updates.hasNext()) {
        AccuracyProofUpdate u = updates.next();
        if (u.hasProof()) {
          proof = u.getProof();
          break;
        }
        progress.proving(u.getPhase(), u.getDone(), u.getTotal());
      }
    } catch (StatusRuntimeException e) {
      if (System.currentTimeMillis() > t.getDeadlineMillis()) {
        return results.fail(
            state,
            "the accuracy proof was not made by the deadline (" + AuditChannel.describe(e) + ")");
      }
      throw channel.failure(e);
    } finally {
      call.detach(previous);
      call.cancel(null);
    }
    if (proof == null) {
      if (System.currentTimeMillis() > t.getDeadlineMillis()) {
        return results.fail(state, "the accuracy proof was not made by the deadline");
      }
      throw new BuyerException(
          BuyerException.Reason.UNREACHABLE,
          "audit "
              + t.getAuditId()
              + ": the seller at "
              + channel.target()
              + " ended the call without its accuracy proof; run the audit again to resume");
    }
    files.saveProof(t.getAuditId(), proof.getProof().toByteArray());
    String failure = checkAccuracy(state, model, proof);
    if (failure != null) {
      return results.fail(state, failure);
    }
    int correct = proof.getCorrect();
    progress.verified(n - 1, n, n, true);
    Verdict v = AuditStatements.verdict(correct, n, t.getClaimedAccuracy());
    return results.sign(state, n, correct, v, "");
  }

  /**
   * Why an accuracy proof does not count, or null if it verifies, for this model, about exactly the
   * buyer's test-set commitment T of n samples, to the count the seller states.
   */
  private String checkAccuracy(BuyerAuditState state, RegisteredModel model, AuditAccuracyProof p) {
    int n = state.getTerms().getSampleCount();
    if (p.getProvenAtMillis() > state.getTerms().getDeadlineMillis()) {
      return "the accuracy proof was made after the deadline";
    }
    ModelProof proof;
    try {
      proof = ModelProof.decode(p.getProof().toByteArray());
    } catch (InvalidProofException e) {
      return "invalid accuracy proof: " + e.getMessage();
    }
    if (!proof.model().equals(new Digest32(model.id().toByteArray()))) {
      return "the accuracy proof is for another model";
    }
    // The buyer's own test-set commitment T, as committed and signed: the proof is verified against
    // it, never against anything the seller sends (T binds every input and label + offset).
    ModelVerifier.VerifiedAccuracy v;
    try {
      v =
          model
              .verifier()
              .verifyAccuracy(
                  proof,
                  TestSetCommitment.decode(
                      state.getCommitment().getTestSetCommitment().toByteArray()));
    } catch (InvalidProofException e) {
      return "invalid accuracy proof: " + e.getMessage();
    }
    if (v.samples() != n) {
      return "the accuracy proof is about " + v.samples() + " samples, not " + n;
    }
    if (v.correct() != p.getCorrect() || p.getSamples() != n) {
      return "the seller states "
          + p.getCorrect()
          + " of "
          + p.getSamples()
          + " correct, its accuracy proof "
          + v;
    }
    return null;
  }

  /** Why a proof does not count, or null if it verifies for this sample. */
  private static String check(
      BuyerAuditState state, RegisteredModel model, SampleProof p, int index, int[] input) {
    if (p.getIndex() != index) {
      return "the seller sent the proof of sample "
          + p.getIndex()
          + " where sample "
          + index
          + " was due";
    }
    if (p.getProvenAtMillis() > state.getTerms().getDeadlineMillis()) {
      return "sample " + index + " was proven after the deadline";
    }
    ModelProof proof;
    try {
      proof = ModelProof.decode(p.getProof().toByteArray());
    } catch (InvalidProofException e) {
      return "sample " + index + ": invalid proof: " + e.getMessage();
    }
    if (!proof.model().equals(new Digest32(model.id().toByteArray()))) {
      return "sample " + index + ": the proof is for another model";
    }
    int[] verified;
    try {
      verified = model.verifier().verify(proof, input);
    } catch (InvalidProofException e) {
      return "sample " + index + ": invalid proof: " + e.getMessage();
    }
    if (!Arrays.equals(verified, Tensors.fromList(p.getOutputList()))) {
      return "sample " + index + ": the proven output differs from the stated output";
    }
    return null;
  }
}
