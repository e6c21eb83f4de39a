package io.zkaudit.inference;

import io.zkaudit.field.Ext2;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.pcs.ColumnClaim;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.transcript.Transcript;
import java.util.List;

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

  /**
   * The test side of {@link ModelVerifier#roundingSection}: a proof reduced up to proven layer k's
   * rounding, the transcript after its range evaluations, the claims its rounding added and the
   * accumulator, and the transcript before the rounding (where its step starts on chain).
   */
  public record Rounding(
      Transcript before, Transcript transcript, List<ColumnClaim> claims, Ext2 accumulator) {}

  public static Rounding rounding(ModelVerifier verifier, ModelProof proof, int[] input, int k)
      throws InvalidProofException {
    ProofReduction.Rounded r = verifier.roundingSection(proof, input, k);
    return new Rounding(r.before(), r.transcript(), r.claims(), r.accumulator());
  }

  /**
   * The test side of {@link ModelVerifier#layerSection}: a proof reduced through proven layer k,
   * the transcript after it and the witness and weight claims layer k added (its rounding's first).
   */
  public record Reduced(
      Transcript transcript, List<ColumnClaim> witness, List<ColumnClaim> weight) {}

  public static Reduced layer(ModelVerifier verifier, ModelProof proof, int[] input, int k)
      throws InvalidProofException {
    ProofReduction.Reduced r = verifier.layerSection(proof, input, k);
    return new Reduced(r.transcript(), r.witness(), r.weight());
  }

  /**
   * {@link #layer} with the mask ledger's part (zero knowledge): the combined mask claims layer k
   * recorded and the first mask block it took.
   */
  public record ZkReduced(
      Transcript transcript,
      List<ColumnClaim> witness,
      List<ColumnClaim> weight,
      List<io.zkaudit.zk.MaskLedger.Entry> masks,
      int firstMaskBlock) {}

  public static ZkReduced zkLayer(ModelVerifier verifier, ModelProof proof, int[] input, int k)
      throws InvalidProofException {
    ProofReduction.Reduced r = verifier.layerSection(proof, input, k);
    return new ZkReduced(r.transcript(), r.witness(), r.weight(), r.masks(), r.firstMaskBlock());
  }
}
