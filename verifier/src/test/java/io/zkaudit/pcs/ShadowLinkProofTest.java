package io.zkaudit.pcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.codec.ByteWriter;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.hash.Digest32;
import io.zkaudit.merkle.MerkleMultiProof;
import io.zkaudit.proof.InvalidProofException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The verifier-only parts of the shadow link (end-to-end tests live with the prover). */
class ShadowLinkProofTest {
  /** arity 3 from 5 variables on: W of 6 variables has leaves of 8 entries, so has its shadow. */
  static final PcsParams P = new PcsParams(2, 3, 2, 24, 4);

  @Test
  void weightLeavesFollowTheEntryMap() {
    // equal arities: shadow leaf j holds pairs for W entries [4j, 4j + 4), inside W leaf j / 2
    assertArrayEquals(new int[] {0, 2}, ShadowLink.weightLeaves(P, 6, new int[] {0, 1, 5}));
    // W too small to fold (single-entry leaves), shadow of arity 3: shadow leaf j covers W leaves
    // 4j..4j+3
    assertEquals(0, P.arities(4)[0]);
    assertArrayEquals(new int[] {4, 5, 6, 7}, ShadowLink.weightLeaves(P, 4, new int[] {1}));
    assertArrayEquals(
        new int[] {0, 1, 2, 3, 8, 9, 10, 11}, ShadowLink.weightLeaves(P, 4, new int[] {0, 2}));
    // a shadow that does not fold in its first oracle determines no weight entry
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> ShadowLink.weightLeaves(P, 3, new int[] {0}));
    assertTrue(e.getMessage().contains("commit bigger polynomials"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> ShadowLink.weightLeaves(P, 6, new int[] {P.commitmentLeaves(7)}));
    assertThrows(
        IllegalArgumentException.class, () -> ShadowLink.weightLeaves(P, 6, new int[] {-1}));
  }

  static ShadowLinkProof sample(Random rng, int rows, int siblings) {
    long[] r = new long[rows];
    for (int i = 0; i < rows; i++) {
      r[i] = Goldilocks.random(rng);
    }
    List<Digest32> s = new ArrayList<>();
    for (int i = 0; i < siblings; i++) {
      byte[] b = new byte[32];
      rng.nextBytes(b);
      s.add(new Digest32(b));
    }
    return new ShadowLinkProof(r, new MerkleMultiProof(s));
  }

  @Test
  void encodingRoundTripsAndRejectsMalformedBytes() throws InvalidProofException {
    Random rng = new Random(1);
    ShadowLinkProof p = sample(rng, 5 * 8, 30);
    byte[] enc = p.encode();
    assertEquals(p.encodedSize(), enc.length);
    ShadowLinkProof q = ShadowLinkProof.decode(enc, P, 6);
    assertEquals(p, q);
    assertArrayEquals(enc, q.encode());
    for (int cut = 0; cut < enc.length; cut++) {
      byte[] t = Arrays.copyOf(enc, cut);
      assertThrows(
          InvalidProofException.class,
          () -> ShadowLinkProof.decode(t, P, 6),
          "truncated at " + cut);
    }
    assertThrows(
        InvalidProofException.class,
        () -> ShadowLinkProof.decode(Arrays.copyOf(enc, enc.length + 1), P, 6));
    // rows that are not whole rows of 8, none at all, non-canonical, or more than the queries need
    assertThrows(
        InvalidProofException.class,
        () -> ShadowLinkProof.decode(sample(rng, 12, 3).encode(), P, 6));
    assertThrows(
        InvalidProofException.class,
        () -> ShadowLinkProof.decode(sample(rng, 0, 3).encode(), P, 6));
    byte[] nonCanonical = enc.clone();
    Arrays.fill(nonCanonical, 4, 12, (byte) 0xff);
    assertThrows(InvalidProofException.class, () -> ShadowLinkProof.decode(nonCanonical, P, 6));
    assertEquals(p, ShadowLinkProof.decode(sample(new Random(1), 5 * 8, 30).encode(), P, 6));
    assertThrows(
        InvalidProofException.class,
        () -> ShadowLinkProof.decode(sample(rng, (P.queries() + 1) * 8, 3).encode(), P, 6));
    byte[] huge = enc.clone();
    huge[0] = huge[1] = huge[2] = huge[3] = (byte) 0xff;
    assertThrows(InvalidProofException.class, () -> ShadowLinkProof.decode(huge, P, 6));
    // too many siblings for the tree
    ByteWriter w = new ByteWriter();
    w.fields(new long[8]).u32(P.queries() * (6 + 2 - 3) + 1);
    assertThrows(InvalidProofException.class, () -> ShadowLinkProof.decode(w.toByteArray(), P, 6));
    // a weight polynomial whose shadow cannot be linked, or out of range
    assertThrows(InvalidProofException.class, () -> ShadowLinkProof.decode(enc, P, 3));
    assertThrows(
        InvalidProofException.class, () -> ShadowLinkProof.decode(enc, P, PcsParams.MAX_NUM_VARS));
    assertThrows(InvalidProofException.class, () -> ShadowLinkProof.decode(new byte[0], P, 6));
  }

  @Test
  void rowsAreCopiedDefensively() {
    long[] rows = {1, 2, 3};
    ShadowLinkProof p = new ShadowLinkProof(rows, new MerkleMultiProof(List.of()));
    rows[0] = 9;
    assertEquals(1, p.rows()[0]);
    p.rows()[1] = 9;
    assertEquals(2, p.rows()[1]);
  }
}
