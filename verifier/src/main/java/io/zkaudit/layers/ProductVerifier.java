package io.zkaudit.layers;

import io.zkaudit.field.Ext2;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.transcript.Transcript;
import io.zkaudit.zk.MaskLedger;
import java.util.List;

/**
 * Verifies a product of two activations ({@link Product}) from its accumulator's value acc(ρ) at
 * the rounding lookup's point: the sumcheck (masked with an open end in a zero-knowledge proof, the
 * accumulator's padding share taken off through the mask column, {@link PaddedSumcheck}), the
 * selector at its end point, and the claims it leaves on the two factors. Carried in the proof's
 * layer list as a proof with phase 2 only. Proof masks: [G] in zero knowledge, none otherwise.
 */
public final class ProductVerifier {
  private ProductVerifier() {}

  /** What a product's sumcheck leaves: a claim on each factor (a, then b). */
  public record Outcome(TensorClaim a, TensorClaim b) {
    public List<TensorClaim> claims() {
      return List.of(a, b);
    }
  }

  /**
   * @param masks the proof's mask ledger, null for a proof without zero knowledge
   */
  public static Outcome verify(
      Product p,
      Ext2[] rho,
      Ext2 acc,
      WindowedLinearProof proof,
      Transcript transcript,
      MaskLedger masks)
      throws InvalidProofException {
    PaddedSumcheck.End end =
        PaddedSumcheck.verifyColumn(
            "product",
            Product.composition(),
            p.numVars(),
            p.out(),
            rho,
            acc,
            proof,
            transcript,
            masks);
    Ext2[] point = end.point();
    Ext2[] values = end.evaluations();
    InvalidProofException.check(
        values[0].equals(p.selector(rho, point)), "wrong product selector evaluation");
    return new Outcome(claim(p.a(), p, point, values[1]), claim(p.b(), p, point, values[2]));
  }

  private static TensorClaim claim(Product.Factor f, Product p, Ext2[] point, Ext2 centered) {
    Ext2[] own = p.pointOf(f, point);
    return new TensorClaim(f.tensor(), own, Product.factorValue(f, own, centered));
  }
}
