package io.zkaudit.inference;

import io.zkaudit.field.Ext2;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.transcript.Transcript;

/**
 * The Java verifier's verdict on a proof's first steps, for the on-chain statement binding's
 * differential test: the checks {@link ModelVerifier#verify} makes before its reduction and the
 * reduction's {@code bindStatement} and {@code bindInput} (through the package-visible {@link
 * ModelVerifier#lookupSection}), and the input claim they leave.
 */
public final class ModelStatementSections {
  private ModelStatementSections() {}

  /**
   * The transcript before the lookups (where the statement binding ends), the lookups' section, and
   * the input claim (the committed input column at the input point).
   */
  public record Bound(
      ModelLookupSections.Section section, int inputColumn, Ext2[] point, Ext2 value) {}

  /**
   * What the verifier does with a decoded proof up to its lookups; throws its rejection. The input
   * point is replayed from the public statement and checked to lead to the verifier's own state.
   */
  public static Bound of(ModelVerifier verifier, VerifyingKey vk, ModelProof proof, int[] input)
      throws InvalidProofException {
    // ModelVerifier.verify, then reduce, in their order.
    InvalidProofException.check(
        proof.privateInput() == null,
        "the proof is about a committed, private input: verify it against its input commitment"
            + " (verifyCommitted)");
    InvalidProofException.check(
        proof.model().equals(vk.digest()), "the proof is for another model");
    ModelLookupSections.Section s = ModelLookupSections.of(verifier, proof, input);
    Transcript t =
        InferenceStatement.transcript(
            proof.model(),
            vk.weights(),
            ModelVerifier.inputHash(input),
            proof.output(),
            proof.zeroKnowledge());
    for (Commitment c : proof.witness()) {
      c.absorb(t);
    }
    if (proof.zeroKnowledge()) {
      proof.shadow().absorb(t);
    }
    var circuit = verifier.circuit(proof.zeroKnowledge());
    Ext2[] point =
        t.challengeExts("input-point", InferenceStatement.inputLayout(circuit).numVars());
    t.absorbExt("input-eval", proof.inputEval());
    if (!t.state().equals(s.before().state())) {
      throw new AssertionError("the replayed statement binding is not the verifier's");
    }
    return new Bound(s, InferenceStatement.inputColumn(circuit), point, proof.inputEval());
  }
}
