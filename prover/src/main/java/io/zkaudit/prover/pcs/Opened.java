package io.zkaudit.prover.pcs;

import io.zkaudit.pcs.OpeningProof;
import java.util.Arrays;

/**
 * An opening proof together with the commitment leaves its queries opened (sorted, distinct: the
 * order of the rows of {@code proof.layers().get(0)}). The prover needs them to answer a {@link
 * io.zkaudit.pcs.ShadowLink} at the same positions; the verifier gets them from {@link
 * io.zkaudit.pcs.BasefoldVerifier#verify}.
 */
public record Opened(OpeningProof proof, int[] leaves) {
  public Opened {
    leaves = leaves.clone();
  }

  @Override
  public int[] leaves() {
    return leaves.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Opened x && proof.equals(x.proof) && Arrays.equals(leaves, x.leaves);
  }

  @Override
  public int hashCode() {
    return 31 * proof.hashCode() + Arrays.hashCode(leaves);
  }

  @Override
  public String toString() {
    return "Opened[leaves=" + leaves.length + "]";
  }
}
