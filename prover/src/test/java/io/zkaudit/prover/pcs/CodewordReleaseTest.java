package io.zkaudit.prover.pcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.merkle.MerkleTree;
import io.zkaudit.pcs.BasefoldVerifier;
import io.zkaudit.pcs.EvalClaim;
import io.zkaudit.pcs.OpeningProof;
import io.zkaudit.pcs.PcsParams;
import io.zkaudit.poly.Mle;
import io.zkaudit.transcript.Transcript;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A released codeword is re-encoded at the opening to the same bytes (and released again): the
 * opening of a released commitment equals the one of a kept commitment, and verifies; rows that are
 * not the committed ones are refused when they come back.
 */
class CodewordReleaseTest {
  private static final PcsParams PARAMS = BasefoldTest.FAST;
  private static final int N = 11;

  @Test
  void anOpeningAfterReleaseIsTheOpeningOfTheKeptCodeword() throws Exception {
    Random rng = new Random(7);
    long[] f = randomEvals(rng, N);
    List<EvalClaim> claims = claims(rng, f, 3);
    BasefoldProver prover = new BasefoldProver(PARAMS);

    Committed kept = prover.commit(f);
    Committed released = prover.commit(f);
    assertTrue(released.releaseCodeword());
    assertFalse(released.holdsCodeword());
    assertEquals(kept.commitment(), released.commitment());

    byte[] a = prover.open(kept, claims, new Transcript(BasefoldTest.DOMAIN)).encode();
    byte[] b = prover.open(released, claims, new Transcript(BasefoldTest.DOMAIN)).encode();
    assertArrayEquals(a, b);
    // The opening re-encodes a released codeword where it reads it (the fold, then the queries) and
    // releases it again after each: a released commitment stays released (prover memory, issue 14).
    assertFalse(released.holdsCodeword(), "the opening kept the re-encoded codeword");
    OpeningProof p = OpeningProof.decode(b, PARAMS, N);
    assertDoesNotThrow(
        () ->
            new BasefoldVerifier(PARAMS)
                .verify(released.commitment(), claims, p, new Transcript(BasefoldTest.DOMAIN)));
  }

  @Test
  void aShadowReEncodesFromItsPolynomialsCodeword() throws Exception {
    Random rng = new Random(8);
    BasefoldProver prover = new BasefoldProver(PARAMS);
    Committed w = prover.commit(randomEvals(rng, N - 1));
    long seed = rng.nextLong();
    Committed kept = prover.commitShadow(w, masks(seed));
    Committed released = prover.commitShadow(w, masks(seed));
    long[] before = kept.codeword().clone();
    assertTrue(released.releaseCodeword());
    assertArrayEquals(before, released.codeword());
  }

  @Test
  void aCheatersCodewordIsNeverReleased() {
    Random rng = new Random(9);
    BasefoldProver prover = new BasefoldProver(PARAMS);
    Committed honest = prover.commit(randomEvals(rng, N));
    long[] cw = honest.codeword().clone();
    cw[0] = Goldilocks.add(cw[0], 1);
    MerkleTree tree = MerkleTree.build(cw, OpeningProof.rowLongs(PARAMS, N, 0));
    Committed given =
        new Committed(new io.zkaudit.pcs.Commitment(tree.root(), N), null, honest.evals, cw, tree);
    assertFalse(given.releaseCodeword(), "no encoder could re-derive a codeword not encoded");
    assertEquals(cw[0], given.codeword()[0]);
  }

  @Test
  void aTreeWithoutRowsRefusesRowsAndOtherRowsAreRefused() {
    Random rng = new Random(10);
    long[] data = randomEvals(rng, 12);
    MerkleTree tree = MerkleTree.build(data, 4);
    MerkleTree bare = tree.withoutRows();
    assertEquals(tree.root(), bare.root());
    assertThrows(IllegalStateException.class, () -> bare.row(0));
    assertThrows(IllegalStateException.class, () -> bare.prove(new int[] {0}));

    assertArrayEquals(
        tree.rows(new int[] {3, 9}), bare.over(List.of(data.clone())).rows(new int[] {3, 9}));
    // Re-derived rows that are not the committed ones (another encoding, a bug) fail the spot
    // check of one kept node, which reads 2^3 rows chosen by the root.
    long[] other = data.clone();
    for (int i = 0; i < other.length; i++) {
      other[i] = Goldilocks.add(other[i], 1);
    }
    assertThrows(IllegalStateException.class, () -> bare.over(List.of(other)));
    assertThrows(IllegalArgumentException.class, () -> bare.over(List.of(new long[8])));
  }

  private static java.util.function.LongSupplier masks(long seed) {
    Random r = new Random(seed);
    return () -> Goldilocks.random(r);
  }

  private static long[] randomEvals(Random rng, int n) {
    long[] f = new long[1 << n];
    for (int i = 0; i < f.length; i++) {
      f[i] = Goldilocks.random(rng);
    }
    return f;
  }

  private static List<EvalClaim> claims(Random rng, long[] f, int count) {
    int n = Integer.numberOfTrailingZeros(f.length);
    List<EvalClaim> out = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      Ext2[] z = new Ext2[n];
      for (int i = 0; i < n; i++) {
        z[i] = new Ext2(Goldilocks.random(rng), Goldilocks.random(rng));
      }
      out.add(new EvalClaim(z, Mle.evaluate(f, z)));
    }
    return out;
  }
}
