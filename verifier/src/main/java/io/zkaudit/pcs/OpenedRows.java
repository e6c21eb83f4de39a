package io.zkaudit.pcs;

import io.zkaudit.field.Goldilocks;
import io.zkaudit.hash.Digest32;
import io.zkaudit.merkle.MerkleHash;
import io.zkaudit.merkle.MerkleMultiProof;
import io.zkaudit.merkle.MerkleVerifier;
import io.zkaudit.proof.InvalidProofException;
import java.util.Arrays;

/**
 * Checks opened codeword rows against a Merkle root: every entry canonical, and the rows' leaf
 * hashes with their batched paths rebuilding the root. What every oracle of a Basefold opening and
 * the shadow link's weight rows need alike.
 */
final class OpenedRows {
  private OpenedRows() {}

  /**
   * @param rows the rows of {@code sortedLeaves}, in that order, rowLongs longs each (the caller
   *     has checked their number)
   * @throws InvalidProofException "non-canonical row entry", or the Merkle verifier's reason
   */
  static void verify(
      long[] rows,
      int rowLongs,
      Digest32 root,
      int depth,
      int[] sortedLeaves,
      MerkleMultiProof paths)
      throws InvalidProofException {
    byte[][] hashes = new byte[sortedLeaves.length][];
    for (int k = 0; k < sortedLeaves.length; k++) {
      for (int x = k * rowLongs; x < (k + 1) * rowLongs; x++) {
        InvalidProofException.check(Goldilocks.isCanonical(rows[x]), "non-canonical row entry");
      }
      hashes[k] = MerkleHash.leaf(Arrays.copyOfRange(rows, k * rowLongs, (k + 1) * rowLongs));
    }
    MerkleVerifier.verify(root, depth, sortedLeaves, hashes, paths);
  }
}
