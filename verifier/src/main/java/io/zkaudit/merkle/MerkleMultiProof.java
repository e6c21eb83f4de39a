package io.zkaudit.merkle;

import io.zkaudit.codec.ByteReader;
import io.zkaudit.codec.ByteWriter;
import io.zkaudit.hash.Digest32;
import io.zkaudit.proof.InvalidProofException;
import java.util.Arrays;
import java.util.List;

/**
 * A batched opening of several leaves of one Merkle tree: the sibling hashes that the verifier
 * cannot compute from the opened leaves themselves, deduplicated, in the canonical order of {@link
 * MerkleVerifier#root} (height by height from the leaves up, left to right within a height). The
 * leaf indices are not part of the proof: the verifier derives them (from the transcript).
 *
 * <p>Encoding: u32 count, then count x 32 bytes.
 */
public record MerkleMultiProof(List<Digest32> siblings) {
  /** An upper bound on siblings for any tree zkaudit builds: 2^16 leaves opened x depth 32. */
  public static final int MAX_SIBLINGS = 1 << 21;

  public MerkleMultiProof {
    siblings = List.copyOf(siblings);
  }

  public void encode(ByteWriter w) {
    w.u32(siblings.size());
    for (Digest32 d : siblings) {
      w.digest(d);
    }
  }

  /** Decodes at most {@code maxSiblings} hashes (the caller knows the bound for its tree). */
  public static MerkleMultiProof decode(ByteReader r, int maxSiblings)
      throws InvalidProofException {
    int n = r.length("merkle siblings", Math.min(maxSiblings, MAX_SIBLINGS));
    if ((long) n * Digest32.LENGTH > r.remaining()) {
      throw new InvalidProofException(
          "truncated encoding: "
              + n
              + " merkle siblings announced, "
              + r.remaining()
              + " bytes left");
    }
    Digest32[] s = new Digest32[n];
    for (int i = 0; i < n; i++) {
      s[i] = r.digest("merkle sibling");
    }
    return new MerkleMultiProof(Arrays.asList(s));
  }

  public int encodedSize() {
    return 4 + 32 * siblings.size();
  }

  /** The number of siblings a multi-opening of these (sorted, distinct) leaves needs. */
  public static int siblingCount(int[] sortedLeaves, int depth) {
    int[] cur = sortedLeaves.clone();
    int len = cur.length;
    int count = 0;
    for (int h = 0; h < depth; h++) {
      int out = 0;
      for (int k = 0; k < len; k++) {
        int i = cur[k];
        if ((i & 1) == 0 && k + 1 < len && cur[k + 1] == (i | 1)) {
          k++;
        } else {
          count++;
        }
        cur[out++] = i >>> 1;
      }
      len = out;
    }
    return count;
  }
}
