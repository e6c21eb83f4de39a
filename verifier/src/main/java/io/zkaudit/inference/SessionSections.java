package io.zkaudit.inference;

import io.zkaudit.field.Ext2;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.pcs.ColumnClaim;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.pcs.EvalClaim;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.transcript.Transcript;
import java.util.List;

/**
 * A proof about a public input cut where an on-chain proof session cuts it (escrow's
 * OnChainModelVerifier, docs/onchain-verifier.md "Proof sessions"): the lookups' statement and the
 * transcript before them, each proven layer's rounding and reduction claims, and the batched
 * opening with the transcript before it. What a relayer needs to send each step the claims the
 * previous steps chained; each piece runs the Java verifier's own reduction up to that point, so a
 * proof Java rejects earlier throws here with Java's message. Nothing here is a verdict: the
 * contracts check every piece.
 */
public final class SessionSections {
  private SessionSections() {}

  /** The lookups' statement and a copy of the transcript just before them. */
  public record Lookups(LookupStatement statement, Transcript before) {}

  /**
   * Proven layer k's rounding: the transcript before it, the claims it adds (its output's, c1 and
   * c2 at ρ and at the range pair's point) and the accumulator a(ρ).
   */
  public record Rounding(Transcript before, List<ColumnClaim> claims, Ext2 accumulator) {}

  /**
   * Proven layer k through its reduction: the witness and weight claims it added, in order; in a
   * zero-knowledge proof the mask ledger's combined claims it recorded and its first mask block.
   */
  public record Layer(
      List<ColumnClaim> witness,
      List<ColumnClaim> weight,
      List<io.zkaudit.zk.MaskLedger.Entry> masks,
      int firstMaskBlock) {}

  /** The batched opening: its polynomials and claims, the transcript before it, its bytes. */
  public record Opening(
      List<Commitment> commitments,
      List<List<EvalClaim>> claims,
      Transcript before,
      byte[] proof) {}

  public static Lookups lookups(ModelVerifier verifier, ModelProof proof, int[] input)
      throws InvalidProofException {
    ModelVerifier.LookupSection s = verifier.lookupSection(proof, input);
    return new Lookups(s.statement(), s.before());
  }

  /** The statement's claim: the committed input column at the input point. */
  public static ColumnClaim inputClaim(ModelVerifier verifier, ModelProof proof, int[] input)
      throws InvalidProofException {
    return verifier.inputClaim(proof, input);
  }

  public static Rounding rounding(ModelVerifier verifier, ModelProof proof, int[] input, int k)
      throws InvalidProofException {
    ProofReduction.Rounded r = verifier.roundingSection(proof, input, k);
    return new Rounding(r.before(), r.claims(), r.accumulator());
  }

  public static Layer layer(ModelVerifier verifier, ModelProof proof, int[] input, int k)
      throws InvalidProofException {
    ProofReduction.Reduced r = verifier.layerSection(proof, input, k);
    return new Layer(r.witness(), r.weight(), r.masks(), r.firstMaskBlock());
  }

  public static Opening opening(ModelVerifier verifier, ModelProof proof, int[] input)
      throws InvalidProofException {
    ProofOpenings.Batch b = verifier.batchedOpening(proof, input);
    return new Opening(b.commitments(), b.claims(), b.before(), b.proof());
  }
}
