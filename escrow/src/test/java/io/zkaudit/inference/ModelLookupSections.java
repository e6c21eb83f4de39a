package io.zkaudit.inference;

import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.transcript.Transcript;

/**
 * The test side of {@link ModelVerifier#lookupSection} (package-visible in the verifier): a real
 * proof's lookup statement and the transcript before its lookups, for the on-chain lookup
 * verifier's differential test in another package.
 */
public final class ModelLookupSections {
  private ModelLookupSections() {}

  /** A proof's lookup statement and the transcript before its lookups. */
  public record Section(LookupStatement statement, Transcript before) {}

  public static Section of(ModelVerifier verifier, ModelProof proof, int[] input)
      throws InvalidProofException {
    ModelVerifier.LookupSection s = verifier.lookupSection(proof, input);
    return new Section(s.statement(), s.before());
  }
}
