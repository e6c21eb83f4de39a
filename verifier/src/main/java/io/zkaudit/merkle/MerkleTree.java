package io.zkaudit.merkle;

import io.zkaudit.hash.Digest32;
import io.zkaudit.hash.Sha256;
import io.zkaudit.parallel.Parallel;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Merkle tree whose leaves are rows of field elements: row j is the concatenation, over one or
 * several arrays, of each array's j-th block of {@code blockLongs} consecutive longs. So a row can
 * hold a whole folding coset (of base elements, or of interleaved extension elements), and with
 * several arrays the same coset of several polynomials in one leaf. Built in parallel; keeps every
 * level, so openings are lookups. The arrays are referenced, not copied: do not modify them.
 */
public final class MerkleTree {
  private final long[][] arrays;
  private final int blockLongs;
  private final int rowLongs;
  private final int depth;

  /**
   * levels[h] holds the 2^(depth-h) hashes at height h, 32 bytes each; levels[depth] is the root.
   * The lowest {@link #KEPT_FROM} heights are not kept (null): a node there is recomputed from the
   * rows below it when a path needs it (at most 2^KEPT_FROM leaf hashes per path). The leaf hashes
   * alone were 32 bytes per row, as much as a 4-element row of the codeword itself, and the whole
   * tree twice that; keeping heights >= 3 stores 1/8 of it (MobileNet v2's witness, shadow and
   * weight trees: ~1 GB less heap while a proof is made).
   */
  private final byte[][] levels;

  /** The lowest height whose hashes are kept. */
  static final int KEPT_FROM = 3;

  private MerkleTree(long[][] arrays, int blockLongs, int rowLongs, int depth, byte[][] levels) {
    this.arrays = arrays;
    this.blockLongs = blockLongs;
    this.rowLongs = rowLongs;
    this.depth = depth;
    this.levels = levels;
  }

  /**
   * Builds the tree over rows of {@code rowLongs} longs; the number of rows must be a power of two.
   */
  public static MerkleTree build(long[] data, int rowLongs) {
    return build(java.util.List.of(data), rowLongs);
  }

  /**
   * Builds the tree whose row j is the concatenation of block j (of {@code blockLongs} longs) of
   * every array, in order; all arrays have the same length, a power-of-two number of blocks.
   */
  public static MerkleTree build(java.util.List<long[]> columns, int blockLongs) {
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("a tree needs at least one array");
    }
    long[][] arrays = columns.toArray(new long[0][]);
    int length = arrays[0].length;
    for (long[] a : arrays) {
      if (a.length != length) {
        throw new IllegalArgumentException("all arrays of one tree must have the same length");
      }
    }
    if (blockLongs <= 0 || length % blockLongs != 0) {
      throw new IllegalArgumentException(
          "data length " + length + " is not a multiple of the block width " + blockLongs);
    }
    int rowLongs = blockLongs * arrays.length;
    int leaves = length / blockLongs;
    if (Integer.bitCount(leaves) != 1 || leaves > (1 << 25)) {
      throw new IllegalArgumentException(
          "number of leaves must be a power of two <= 2^25: " + leaves);
    }
    int depth = Integer.numberOfTrailingZeros(leaves);
    byte[][] levels = new byte[depth + 1][];
    byte[] leafLevel = new byte[32 * leaves];
    Parallel.forRange(
        leaves,
        1024,
        (from, to) -> {
          MessageDigest md = Sha256.create();
          byte[] scratch = new byte[8 * rowLongs];
          long[] row = new long[rowLongs];
          for (int j = from; j < to; j++) {
            if (arrays.length == 1) {
              MerkleHash.leaf(
                  md, scratch, arrays[0], j * blockLongs, blockLongs, leafLevel, 32 * j);
            } else {
              for (int c = 0; c < arrays.length; c++) {
                System.arraycopy(arrays[c], j * blockLongs, row, c * blockLongs, blockLongs);
              }
              MerkleHash.leaf(md, scratch, row, 0, rowLongs, leafLevel, 32 * j);
            }
          }
        });
    levels[0] = leafLevel;
    for (int h = 1; h <= depth; h++) {
      byte[] below = levels[h - 1];
      if (h - 1 < KEPT_FROM && h - 1 < depth) {
        levels[h - 1] = null; // recomputed on demand; freed as soon as the level above is built
      }
      byte[] level = new byte[32 * (leaves >>> h)];
      Parallel.forRange(
          leaves >>> h,
          2048,
          (from, to) -> {
            MessageDigest md = Sha256.create();
            for (int j = from; j < to; j++) {
              MerkleHash.node(md, below, 64 * j, below, 64 * j + 32, level, 32 * j);
            }
          });
      levels[h] = level;
    }
    return new MerkleTree(arrays, blockLongs, rowLongs, depth, levels);
  }

  public Digest32 root() {
    return new Digest32(levels[depth]);
  }

  /**
   * The same tree without its rows: the kept hashes stay, a row or a path needing an unkept hash
   * fails until {@link #over} gives the rows back. Lets a prover drop a codeword between commit and
   * opening.
   */
  public MerkleTree withoutRows() {
    return new MerkleTree(null, blockLongs, rowLongs, depth, levels);
  }

  /**
   * The same tree over these arrays, which must hold the rows it was built on (a re-derived
   * codeword): the hashes are shared, not recomputed. One kept node is recomputed from the new rows
   * and compared, so arrays of the wrong content fail here rather than in a verifier.
   */
  public MerkleTree over(java.util.List<long[]> columns) {
    long[][] given = columns.toArray(new long[0][]);
    if (given.length * blockLongs != rowLongs) {
      throw new IllegalArgumentException("the rows of this tree span " + rowLongs + " longs");
    }
    for (long[] a : given) {
      if (a.length != (long) blockLongs << depth) {
        throw new IllegalArgumentException("the arrays do not match the tree's size");
      }
    }
    MerkleTree t = new MerkleTree(given, blockLongs, rowLongs, depth, levels);
    int h = Math.min(KEPT_FROM, depth);
    int index = Math.floorMod(Arrays.hashCode(levels[depth]), 1 << (depth - h));
    byte[] kept = Arrays.copyOfRange(levels[h], 32 * index, 32 * index + 32);
    if (!Arrays.equals(t.hashFromRows(h, index), kept)) {
      throw new IllegalStateException("the re-derived rows do not hash to this tree");
    }
    return t;
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
    if (arrays == null) {
      throw new IllegalStateException("this tree's rows were released (MerkleTree.withoutRows)");
    }
    long[] row = new long[rowLongs];
    for (int c = 0; c < arrays.length; c++) {
      System.arraycopy(arrays[c], j * blockLongs, row, c * blockLongs, blockLongs);
    }
    return row;
  }

  /**
   * The rows of these leaves, concatenated in the given order (what an opening sends beside its
   * paths).
   */
  public long[] rows(int[] leaves) {
    long[] rows = new long[leaves.length * rowLongs];
    for (int k = 0; k < leaves.length; k++) {
      System.arraycopy(row(leaves[k]), 0, rows, k * rowLongs, rowLongs);
    }
    return rows;
  }

  /** The hash at height h, index i (height 0 = leaf hashes). */
  public Digest32 node(int height, int index) {
    if (height < 0 || height > depth || index < 0 || index >= (1 << (depth - height))) {
      throw new IllegalArgumentException(
          "no node " + index + " at height " + height + " of a depth-" + depth + " tree");
    }
    return new Digest32(hash(height, index));
  }

  /** The 32-byte hash at (height, index), recomputed from the rows when its level is not kept. */
  private byte[] hash(int height, int index) {
    if (levels[height] != null) {
      return Arrays.copyOfRange(levels[height], 32 * index, 32 * index + 32);
    }
    return hashFromRows(height, index);
  }

  /** The hash at (height, index) computed from the rows, whatever the kept levels hold. */
  private byte[] hashFromRows(int height, int index) {
    if (height == 0) {
      byte[] out = new byte[32];
      long[] row = row(index);
      MerkleHash.leaf(Sha256.threadLocal(), new byte[8 * rowLongs], row, 0, rowLongs, out, 0);
      return out;
    }
    return MerkleHash.node(
        hashFromRows(height - 1, 2 * index), hashFromRows(height - 1, 2 * index + 1));
  }

  /** The multi-opening of these sorted, distinct leaves (see {@link MerkleMultiProof}). */
  public MerkleMultiProof prove(int[] sortedLeaves) {
    for (int k = 0; k < sortedLeaves.length; k++) {
      if (sortedLeaves[k] < 0
          || sortedLeaves[k] >= numLeaves()
          || (k > 0 && sortedLeaves[k] <= sortedLeaves[k - 1])) {
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
