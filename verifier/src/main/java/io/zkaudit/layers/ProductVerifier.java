package io.zkaudit.layers;

import io.zkaudit.field.Ext2;
import io.zkaudit.poly.Mle;
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
    return verify(p, rho, acc, proof, transcript, masks, new Ext2[0]);
  }

  /**
   * The same in a batch proof (io.zkaudit.inference.Batch): rho is the rounding point's sample
   * coordinates and rb its batch coordinates. A product is linear in neither factor, so it does not
   * fold over the samples: the sumcheck runs over (x, t, b) with E(x, t, b) = eq(ρ, x) [t = 0]
   * eq(rb, b), and each factor's claim is at (its point, σ_b) on the batched table.
   */
  public static Outcome verify(
      Product p,
      Ext2[] rho,
      Ext2 acc,
      WindowedLinearProof proof,
      Transcript transcript,
      MaskLedger masks,
      Ext2[] rb)
      throws InvalidProofException {
    PaddedSumcheck.End end =
        PaddedSumcheck.verifyColumn(
            "product",
            Product.composition(),
            p.numVars() + rb.length,
            p.out(),
            rho,
            acc,
            proof,
            transcript,
            masks);
    Ext2[] point = Points.slice(end.point(), 0, p.numVars());
    Ext2[] sb = Points.slice(end.point(), p.numVars(), rb.length);
    Ext2[] values = end.evaluations();
    InvalidProofException.check(
        values[0].equals(p.selector(rho, point).mul(Mle.eq(rb, sb))),
        "wrong product selector evaluation");
    return new Outcome(
        claim(p.a(), p, point, sb, values[1]), claim(p.b(), p, point, sb, values[2]));
  }

  private static TensorClaim claim(
      Product.Factor f, Product p, Ext2[] point, Ext2[] sb, Ext2 centered) {
    Ext2[] own = p.pointOf(f, point);
    return new TensorClaim(
        f.tensor(), Points.concat(own, sb), Product.factorValue(f, own, centered));
  }
}
