package io.zkaudit.inference;

import io.zkaudit.pcs.Commitment;
import io.zkaudit.pcs.EvalClaim;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.transcript.Transcript;
import java.util.List;

/**
 * Test access (same package as {@link ModelVerifier}) to the batched opening of a real model proof:
 * what the on-chain verifier of batched openings is checked against.
 */
public final class ModelProofOpenings {
  private ModelProofOpenings() {}

  /** The batched opening's statement, the transcript just before it, and its bytes. */
  public record Opening(
      List<Commitment> commitments,
      List<List<EvalClaim>> claims,
      Transcript before,
      byte[] proof) {}

  public static Opening batched(ModelVerifier verifier, ModelProof proof, int[] input)
      throws InvalidProofException {
    ProofOpenings.Batch b = verifier.batchedOpening(proof, input);
    return new Opening(b.commitments(), b.claims(), b.before(), b.proof());
  }
}
