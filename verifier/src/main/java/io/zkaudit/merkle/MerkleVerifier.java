package io.zkaudit.merkle;

import io.zkaudit.hash.Digest32;
import io.zkaudit.hash.Sha256;
import io.zkaudit.proof.InvalidProofException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

/** Verification of batched Merkle openings ({@link MerkleMultiProof}). */
public final class MerkleVerifier {
  private MerkleVerifier() {}

  /** The sorted distinct values of {@code indices} (query positions may repeat). */
  public static int[] sortedDistinct(int[] indices) {
    return Arrays.stream(indices).sorted().distinct().toArray();
  }

  /**
   * Checks that the leaves with the given hashes sit at {@code leaves} (sorted, distinct, each in
   * [0, 2^depth)) of the tree with this root.
   *
   * @throws InvalidProofException if the siblings do not lead to {@code root}, or there are too few
   *     or too many of them
   */
  public static void verify(
      Digest32 root, int depth, int[] leaves, byte[][] leafHashes, MerkleMultiProof proof)
      throws InvalidProofException {
    Digest32 computed = root(depth, leaves, leafHashes, proof);
    InvalidProofException.check(computed.equals(root), "merkle root mismatch");
  }

  /** The root that these leaves and siblings determine (same checks as {@link #verify}). */
  public static Digest32 root(int depth, int[] leaves, byte[][] leafHashes, MerkleMultiProof proof)
      throws InvalidProofException {
    if (depth < 0 || depth > 31) {
      throw new IllegalArgumentException("merkle depth out of range: " + depth);
    }
    if (leaves.length == 0 || leaves.length != leafHashes.length) {
      throw new IllegalArgumentException("need one hash per opened leaf, and at least one leaf");
    }
    for (int k = 0; k < leaves.length; k++) {
      if (leaves[k] < 0
          || (depth < 31 && leaves[k] >= (1 << depth))
          || (k > 0 && leaves[k] <= leaves[k - 1])) {
        throw new IllegalArgumentException(
            "leaf indices must be sorted, distinct and below 2^depth");
      }
    }
    List<Digest32> siblings = proof.siblings();
    MessageDigest md = Sha256.threadLocal();
    int[] idx = leaves.clone();
    byte[][] cur = new byte[leaves.length][];
    for (int k = 0; k < cur.length; k++) {
      InvalidProofException.check(leafHashes[k].length == 32, "leaf hash of wrong length");
      cur[k] = leafHashes[k];
    }
    int len = idx.length;
    int used = 0;
    for (int h = 0; h < depth; h++) {
      int out = 0;
      for (int k = 0; k < len; k++) {
        int i = idx[k];
        byte[] parent = new byte[32];
        if ((i & 1) == 0 && k + 1 < len && idx[k + 1] == (i | 1)) {
          MerkleHash.node(md, cur[k], 0, cur[k + 1], 0, parent, 0);
          k++;
        } else {
          InvalidProofException.check(
              used < siblings.size(), "merkle multi-proof has too few siblings");
          byte[] sib = siblings.get(used++).bytes();
          if ((i & 1) == 0) {
            MerkleHash.node(md, cur[k], 0, sib, 0, parent, 0);
          } else {
            MerkleHash.node(md, sib, 0, cur[k], 0, parent, 0);
          }
        }
        idx[out] = i >>> 1;
        cur[out++] = parent;
      }
      len = out;
    }
    InvalidProofException.check(
        used == siblings.size(),
        "merkle multi-proof has " + (siblings.size() - used) + " unused siblings");
    return new Digest32(cur[0]);
  }
}
