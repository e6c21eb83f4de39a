package io.zkaudit.prover.pcs;

import io.zkaudit.pcs.PcsParams;
import io.zkaudit.pcs.ShadowLink;
import io.zkaudit.pcs.ShadowLinkProof;

/** The prover's side of a {@link ShadowLink}: opens the weight leaves the shadow's queries determine. */
public final class ShadowLinks {
  private ShadowLinks() {}

  /**
   * The link for a shadow opening whose queries opened {@code shadowLeaves} (sorted, distinct:
   * {@link Opened#leaves()} of the shadow's opening).
   */
  public static ShadowLinkProof prove(PcsParams params, Committed weights, int[] shadowLeaves) {
    int[] leaves = ShadowLink.weightLeaves(params, weights.numVars(), shadowLeaves);
    int rowLongs = weights.tree.rowLongs();
    long[] rows = new long[leaves.length * rowLongs];
    for (int k = 0; k < leaves.length; k++) {
      System.arraycopy(weights.tree.row(leaves[k]), 0, rows, k * rowLongs, rowLongs);
    }
    return new ShadowLinkProof(rows, weights.tree.prove(leaves));
  }
}
