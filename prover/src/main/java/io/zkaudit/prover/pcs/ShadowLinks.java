package io.zkaudit.prover.pcs;

import io.zkaudit.pcs.ColumnClaim;
import io.zkaudit.pcs.PcsParams;
import io.zkaudit.pcs.ShadowLink;
import io.zkaudit.pcs.ShadowLinkProof;
import io.zkaudit.transcript.Transcript;
import java.util.List;

/**
 * The prover's side of a {@link ShadowLink}: opens the weight leaves the shadow's queries
 * determine.
 */
public final class ShadowLinks {
  private ShadowLinks() {}

  /** An opening of claims on a shadow and the shadow's link, encoded as a proof carries them. */
  public record Opening(byte[] opening, byte[] link) {}

  /**
   * Opens claims on a shadow and links it to the commitment it shadows (what {@link
   * io.zkaudit.pcs.ShadowLink#verifyOpening} checks), for the weights and a private input alike.
   */
  public static Opening open(
      BasefoldProver pcs,
      Committed shadow,
      Committed linked,
      List<ColumnClaim> claims,
      Transcript t) {
    Opened opened = pcs.openColumnsWithLeaves(shadow, claims, t);
    return new Opening(
        opened.proof().encode(), prove(pcs.params(), linked, opened.leaves()).encode());
  }

  /**
   * The link for a shadow opening whose queries opened {@code shadowLeaves} (sorted, distinct:
   * {@link Opened#leaves()} of the shadow's opening).
   */
  public static ShadowLinkProof prove(PcsParams params, Committed weights, int[] shadowLeaves) {
    int[] leaves = ShadowLink.weightLeaves(params, weights.numVars(), shadowLeaves);
    return new ShadowLinkProof(weights.tree().rows(leaves), weights.tree().prove(leaves));
  }
}
