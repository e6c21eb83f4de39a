package io.zkaudit.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zkaudit.codec.ByteReader;
import io.zkaudit.codec.ByteWriter;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.hash.Digest32;
import io.zkaudit.proof.InvalidProofException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {

  private static long[] randomData(Random rng, int leaves, int rowLongs) {
    long[] d = new long[leaves * rowLongs];
    for (int i = 0; i < d.length; i++) {
      d[i] = Goldilocks.random(rng);
    }
    return d;
  }

  private static int[] randomLeaves(Random rng, int numLeaves, int count) {
    int[] q = new int[count];
    for (int i = 0; i < count; i++) {
      q[i] = rng.nextInt(numLeaves);
    }
    return MerkleVerifier.sortedDistinct(q);
  }

  private static byte[][] hashes(MerkleTree t, int[] leaves) {
    byte[][] h = new byte[leaves.length][];
    for (int k = 0; k < leaves.length; k++) {
      h[k] = MerkleHash.leaf(t.row(leaves[k]));
    }
    return h;
  }

  @Test
  void rootMatchesTheDefinition() {
    Random rng = new Random(1);
    long[] d = randomData(rng, 4, 3);
    MerkleTree t = MerkleTree.build(d, 3);
    byte[][] leaf = new byte[4][];
    for (int j = 0; j < 4; j++) {
      leaf[j] = MerkleHash.leaf(new long[] {d[3 * j], d[3 * j + 1], d[3 * j + 2]});
    }
    byte[] root =
        MerkleHash.node(MerkleHash.node(leaf[0], leaf[1]), MerkleHash.node(leaf[2], leaf[3]));
    assertEquals(new Digest32(root), t.root());
    assertEquals(2, t.depth());
  }

  @Test
  void rowsCanSpanSeveralArrays() throws InvalidProofException {
    Random rng = new Random(2);
    long[] a = randomData(rng, 8, 4);
    long[] b = randomData(rng, 8, 4);
    MerkleTree t = MerkleTree.build(List.of(a, b), 4);
    long[] ab = new long[64];
    for (int j = 0; j < 8; j++) {
      System.arraycopy(a, 4 * j, ab, 8 * j, 4);
      System.arraycopy(b, 4 * j, ab, 8 * j + 4, 4);
    }
    assertEquals(MerkleTree.build(ab, 8).root(), t.root());
    assertEquals(8, t.rowLongs());
    int[] leaves = {1, 6};
    MerkleVerifier.verify(t.root(), 3, leaves, hashes(t, leaves), t.prove(leaves));
    assertThrows(
        IllegalArgumentException.class, () -> MerkleTree.build(List.of(a, new long[8]), 4));
  }

  @Property(tries = 40)
  void multiOpeningsVerify(
      @ForAll @IntRange(min = 0, max = 11) int depth,
      @ForAll @IntRange(min = 1, max = 40) int queries,
      @ForAll @IntRange(min = 1, max = 9) int rowLongs,
      @ForAll long seed)
      throws InvalidProofException {
    Random rng = new Random(seed);
    MerkleTree t = MerkleTree.build(randomData(rng, 1 << depth, rowLongs), rowLongs);
    int[] leaves = randomLeaves(rng, 1 << depth, queries);
    MerkleMultiProof p = t.prove(leaves);
    assertEquals(MerkleMultiProof.siblingCount(leaves, depth), p.siblings().size());
    MerkleVerifier.verify(t.root(), depth, leaves, hashes(t, leaves), p);
    // the encoding round-trips exactly
    ByteWriter w = new ByteWriter();
    p.encode(w);
    byte[] enc = w.toByteArray();
    assertEquals(p.encodedSize(), enc.length);
    ByteReader r = new ByteReader(enc);
    assertEquals(p, MerkleMultiProof.decode(r, 1 << 20));
    r.finish();
  }

  @Property(tries = 25)
  void everyTamperingIsRejected(
      @ForAll @IntRange(min = 1, max = 9) int depth,
      @ForAll @IntRange(min = 1, max = 12) int queries,
      @ForAll long seed) {
    Random rng = new Random(seed);
    MerkleTree t = MerkleTree.build(randomData(rng, 1 << depth, 4), 4);
    int[] leaves = randomLeaves(rng, 1 << depth, queries);
    MerkleMultiProof p = t.prove(leaves);
    byte[][] h = hashes(t, leaves);
    // each sibling, each byte position sampled
    for (int s = 0; s < p.siblings().size(); s++) {
      List<Digest32> sib = new ArrayList<>(p.siblings());
      byte[] b = sib.get(s).bytes();
      b[rng.nextInt(32)] ^= (byte) (1 << rng.nextInt(8));
      sib.set(s, new Digest32(b));
      assertThrows(
          InvalidProofException.class,
          () -> MerkleVerifier.verify(t.root(), depth, leaves, h, new MerkleMultiProof(sib)));
    }
    // each leaf's content
    for (int k = 0; k < leaves.length; k++) {
      long[] row = t.row(leaves[k]);
      row[rng.nextInt(4)] ^= 1;
      byte[][] h2 = h.clone();
      h2[k] = MerkleHash.leaf(row);
      assertThrows(
          InvalidProofException.class, () -> MerkleVerifier.verify(t.root(), depth, leaves, h2, p));
    }
    // a missing and an extra sibling
    if (!p.siblings().isEmpty()) {
      List<Digest32> fewer = new ArrayList<>(p.siblings());
      fewer.remove(fewer.size() - 1);
      assertThrows(
          InvalidProofException.class,
          () -> MerkleVerifier.verify(t.root(), depth, leaves, h, new MerkleMultiProof(fewer)));
    }
    List<Digest32> more = new ArrayList<>(p.siblings());
    more.add(t.root());
    assertThrows(
        InvalidProofException.class,
        () -> MerkleVerifier.verify(t.root(), depth, leaves, h, new MerkleMultiProof(more)));
    // the same leaves claimed at other positions
    if (leaves.length == 1) {
      int[] moved = {leaves[0] ^ 1};
      assertThrows(
          InvalidProofException.class, () -> MerkleVerifier.verify(t.root(), depth, moved, h, p));
    }
    // another root
    byte[] rb = t.root().bytes();
    rb[0] ^= 1;
    assertThrows(
        InvalidProofException.class,
        () -> MerkleVerifier.verify(new Digest32(rb), depth, leaves, h, p));
  }

  @Test
  void malformedEncodingsAreRejected() throws InvalidProofException {
    Random rng = new Random(3);
    MerkleTree t = MerkleTree.build(randomData(rng, 64, 2), 2);
    MerkleMultiProof p = t.prove(new int[] {3, 17, 40});
    ByteWriter w = new ByteWriter();
    p.encode(w);
    byte[] enc = w.toByteArray();
    for (int cut = 0; cut < enc.length; cut += 7) {
      byte[] shortEnc = java.util.Arrays.copyOf(enc, cut);
      assertThrows(
          InvalidProofException.class,
          () -> MerkleMultiProof.decode(new ByteReader(shortEnc), 1000));
    }
    // a count above the caller's bound, and a huge count, are refused before allocating
    assertThrows(
        InvalidProofException.class,
        () -> MerkleMultiProof.decode(new ByteReader(enc), p.siblings().size() - 1));
    byte[] huge = enc.clone();
    huge[3] = 0x7f;
    assertThrows(
        InvalidProofException.class,
        () -> MerkleMultiProof.decode(new ByteReader(huge), Integer.MAX_VALUE));
    // trailing bytes
    byte[] longer = java.util.Arrays.copyOf(enc, enc.length + 1);
    ByteReader r = new ByteReader(longer);
    MerkleMultiProof.decode(r, 1000);
    assertThrows(InvalidProofException.class, r::finish);
  }

  @Test
  void sharedSiblingsAreSentOnce() {
    Random rng = new Random(4);
    MerkleTree t = MerkleTree.build(randomData(rng, 1 << 10, 1), 1);
    // all leaves: nothing to send
    int[] all = new int[1 << 10];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    assertEquals(0, t.prove(all).siblings().size());
    // two adjacent leaves share the whole path above them
    assertEquals(9, t.prove(new int[] {6, 7}).siblings().size());
    assertEquals(10, t.prove(new int[] {6}).siblings().size());
    assertArrayEquals(
        new int[] {1, 2, 5}, MerkleVerifier.sortedDistinct(new int[] {5, 1, 2, 5, 1}));
  }

  /**
   * The tree keeps only the heights from {@link MerkleTree#KEPT_FROM} up and recomputes the lower
   * ones: every node at every height, for depths 0..7, equals the textbook tree's.
   */
  @Test
  void everyNodeEqualsTheFullTreesIncludingThoseRecomputedFromRows() {
    Random rng = new Random(7);
    for (int depth = 0; depth <= 7; depth++) {
      int rowLongs = 1 + rng.nextInt(5);
      long[] data = randomData(rng, 1 << depth, rowLongs);
      MerkleTree t = MerkleTree.build(data, rowLongs);
      byte[][] level = new byte[1 << depth][];
      for (int j = 0; j < level.length; j++) {
        level[j] =
            MerkleHash.leaf(java.util.Arrays.copyOfRange(data, j * rowLongs, (j + 1) * rowLongs));
      }
      for (int h = 0; h <= depth; h++) {
        for (int j = 0; j < level.length; j++) {
          assertArrayEquals(
              level[j], t.node(h, j).bytes(), "depth " + depth + ", height " + h + ", node " + j);
        }
        byte[][] up = new byte[Math.max(1, level.length / 2)][];
        for (int j = 0; j + 1 < level.length; j += 2) {
          up[j / 2] = MerkleHash.node(level[j], level[j + 1]);
        }
        level = up;
      }
      assertArrayEquals(t.root().bytes(), t.node(depth, 0).bytes());
      int d = depth;
      assertThrows(IllegalArgumentException.class, () -> t.node(0, 1 << d));
      assertThrows(IllegalArgumentException.class, () -> t.node(d + 1, 0));
    }
    org.junit.jupiter.api.Assertions.assertTrue(MerkleTree.KEPT_FROM > 0);
  }
}
