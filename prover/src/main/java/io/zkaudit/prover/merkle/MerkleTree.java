package io.zkaudit.prover.merkle;

import io.zkaudit.hash.Digest32;
import io.zkaudit.hash.Sha256;
import io.zkaudit.merkle.MerkleHash;
import io.zkaudit.merkle.MerkleMultiProof;
import io.zkaudit.prover.parallel.Parallel;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Merkle tree whose leaves are rows of {@code rowLongs} consecutive longs of one array (a row
 * may hold a whole folding coset, of base elements or of interleaved extension elements). Built
 * in parallel; keeps every level, so openings are lookups. The data array is referenced, not
 * copied: callers must not modify it afterwards.
 */
public final class MerkleTree {
  private final long[] data;
  private final int rowLongs;
  private final int depth;
  /** levels[h] holds the 2^(depth-h) hashes at height h, 32 bytes each; levels[depth] is the root. */
  private final byte[][] levels;

  private MerkleTree(long[] data, int rowLongs, int depth, byte[][] levels) {
    this.data = data;
    this.rowLongs = rowLongs;
    this.depth = depth;
    this.levels = levels;
  }

  /** Builds the tree over rows of {@code rowLongs} longs; the number of rows must be a power of two. */
  public static MerkleTree build(long[] data, int rowLongs) {
    if (rowLongs <= 0 || data.length % rowLongs != 0) {
      throw new IllegalArgumentException("data length " + data.length + " is not a multiple of the row width " + rowLongs);
    }
    int leaves = data.length / rowLongs;
    if (Integer.bitCount(leaves) != 1 || leaves > (1 << 25)) {
      throw new IllegalArgumentException("number of leaves must be a power of two <= 2^25: " + leaves);
    }
    int depth = Integer.numberOfTrailingZeros(leaves);
    byte[][] levels = new byte[depth + 1][];
    byte[] leafLevel = new byte[32 * leaves];
    Parallel.forRange(leaves, 1024, (from, to) -> {
      MessageDigest md = Sha256.create();
      byte[] scratch = new byte[8 * rowLongs];
      for (int j = from; j < to; j++) {
        MerkleHash.leaf(md, scratch, data, j * rowLongs, rowLongs, leafLevel, 32 * j);
      }
    });
    levels[0] = leafLevel;
    for (int h = 1; h <= depth; h++) {
      byte[] below = levels[h - 1];
      byte[] level = new byte[32 * (leaves >>> h)];
      Parallel.forRange(leaves >>> h, 2048, (from, to) -> {
        MessageDigest md = Sha256.create();
        for (int j = from; j < to; j++) {
          MerkleHash.node(md, below, 64 * j, below, 64 * j + 32, level, 32 * j);
        }
      });
      levels[h] = level;
    }
    return new MerkleTree(data, rowLongs, depth, levels);
  }

  public Digest32 root() {
    return new Digest32(levels[depth]);
  }

  public int depth() {
    return depth;
  }

  public int numLeaves() {
    return 1 << depth;
  }

  public int rowLongs() {
    return rowLongs;
  }

  /** A copy of leaf j's row. */
  public long[] row(int j) {
    return Arrays.copyOfRange(data, j * rowLongs, (j + 1) * rowLongs);
  }

  /** The hash at height h, index i (height 0 = leaf hashes). */
  public Digest32 node(int height, int index) {
    return new Digest32(Arrays.copyOfRange(levels[height], 32 * index, 32 * index + 32));
  }

  /** The multi-opening of these sorted, distinct leaves (see {@link MerkleMultiProof}). */
  public MerkleMultiProof prove(int[] sortedLeaves) {
    for (int k = 0; k < sortedLeaves.length; k++) {
      if (sortedLeaves[k] < 0 || sortedLeaves[k] >= numLeaves() || (k > 0 && sortedLeaves[k] <= sortedLeaves[k - 1])) {
        throw new IllegalArgumentException("leaf indices must be sorted, distinct and in range");
      }
    }
    List<Digest32> siblings = new ArrayList<>();
    int[] cur = sortedLeaves.clone();
    int len = cur.length;
    for (int h = 0; h < depth; h++) {
      int out = 0;
      for (int k = 0; k < len; k++) {
        int i = cur[k];
        if ((i & 1) == 0 && k + 1 < len && cur[k + 1] == (i | 1)) {
          k++;
        } else {
          siblings.add(node(h, i ^ 1));
        }
        cur[out++] = i >>> 1;
      }
      len = out;
    }
    return new MerkleMultiProof(siblings);
  }
}
