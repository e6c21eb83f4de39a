package io.zkaudit.protocols.buyer;

import io.grpc.StatusRuntimeException;
import io.zkaudit.hash.Digest32;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.proof.InvalidProofException;
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
 * The buyer's proof step: streams the seller's proofs and verifies each against the registered
 * verifying key and the buyer's own input before its output counts. A proof that does not verify
 * ends the audit as PROOF_FAILED; a dropped stream before the deadline only pauses it.
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
