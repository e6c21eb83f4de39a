package io.zkaudit.prover.pcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.hash.Digest32;
import io.zkaudit.merkle.MerkleMultiProof;
import io.zkaudit.pcs.Basefold;
import io.zkaudit.pcs.BasefoldVerifier;
import io.zkaudit.pcs.ColumnClaim;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.pcs.EvalClaim;
import io.zkaudit.pcs.OpeningProof;
import io.zkaudit.pcs.PackedLayout;
import io.zkaudit.pcs.PcsParams;
import io.zkaudit.pcs.ShadowLink;
import io.zkaudit.pcs.ShadowLinkProof;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.transcript.Transcript;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The shadow link end to end: W committed (packed, random tail, as the model weights are), a shadow
 * Q committed per proof, claims opened on Q, and the link from Q's queried leaves to W's.
 */
class ShadowLinkTest {
  static final PcsParams FAST =
      BasefoldTest.FAST; // arity 3: W of 4 variables has arity 0, its shadow 3
  static final String DOMAIN = "zkaudit/test/shadow";

  /** A mask source that remembers what it gave, so the tests know M independently of the prover. */
  static final class Recorder implements LongSupplier {
    final Random rng;
    final List<Long> given = new ArrayList<>();

    Recorder(Random rng) {
      this.rng = rng;
    }

    @Override
    public long getAsLong() {
      long v = Goldilocks.random(rng);
      given.add(v);
      return v;
    }

    long[] column(int offset, int logSize) {
      long[] c = new long[1 << logSize];
      for (int i = 0; i < c.length; i++) {
        c[i] = given.get(offset + i);
      }
      return c;
    }
  }

  /**
   * W's columns, its commitment, the shadow, the masks, the claims on the shadow and the proofs.
   */
  record Instance(
      PcsParams params,
      List<long[]> columns,
      Committed w,
      Committed q,
      Recorder mask,
      List<ColumnClaim> claims,
      Opened opened,
      ShadowLinkProof link) {}

  static List<long[]> randomColumns(Random rng, int numColumns, int maxLog) {
    List<long[]> cols = new ArrayList<>();
    for (int c = 0; c < numColumns; c++) {
      cols.add(BasefoldTest.randomTable(rng, c == 0 ? maxLog : rng.nextInt(maxLog + 1)));
    }
    return cols;
  }

  /** (t, z) claims on every shadow column, valued by the formula (1 - t) W_j(z) + t M_j(z). */
  static List<ColumnClaim> shadowClaims(
      Random rng, List<long[]> columns, PackedLayout wLayout, Recorder mask) {
    List<ColumnClaim> out = new ArrayList<>();
    for (int j = 0; j < columns.size(); j++) {
      int m = wLayout.columnVars(j);
      long[] mj = mask.column(wLayout.offset(j), m);
      for (int k = 0; k < 2; k++) {
        Ext2[] z = BasefoldTest.randomPoint(rng, m);
        Ext2 t =
            k == 0 ? Ext2.ZERO : Ext2.random(rng); // W's own claim, and one mixed with the mask
        Ext2 wz = Mle.evaluate(columns.get(j), z);
        Ext2 value = wz.add(t.mul(Mle.evaluate(mj, z).sub(wz)));
        Ext2[] tz = new Ext2[m + 1];
        tz[0] = t;
        System.arraycopy(z, 0, tz, 1, m);
        out.add(new ColumnClaim(j, tz, value));
      }
    }
    return out;
  }

  static Instance instance(PcsParams params, long seed, int numColumns, int maxLog) {
    Random rng = new Random(seed);
    List<long[]> columns = randomColumns(rng, numColumns, maxLog);
    BasefoldProver prover = new BasefoldProver(params);
    Committed w = prover.commit(columns, () -> Goldilocks.random(rng));
    Recorder mask = new Recorder(rng);
    Committed q = prover.commitShadow(w, mask);
    List<ColumnClaim> claims = shadowClaims(rng, columns, w.layout(), mask);
    Opened opened = prover.openColumnsWithLeaves(q, claims, new Transcript(DOMAIN));
    return new Instance(
        params, columns, w, q, mask, claims, opened, ShadowLinks.prove(params, w, opened.leaves()));
  }

  static int[] verifyOpening(Instance in) throws InvalidProofException {
    return new BasefoldVerifier(in.params)
        .verifyColumns(
            in.q.commitment(), in.q.layout(), in.claims, in.opened.proof(), new Transcript(DOMAIN));
  }

  static void verifyLink(Instance in, Commitment weights, ShadowLinkProof link)
      throws InvalidProofException {
    int[] leaves = verifyOpening(in);
    ShadowLink.verify(in.params, weights, in.q.commitment(), in.opened.proof(), leaves, link);
  }

  static PcsParams paramSet(int i) {
    return switch (i) {
      case 0 -> PcsParams.conjectured100();
      case 1 -> PcsParams.provable100();
      default -> FAST;
    };
  }

  @Property(tries = 12)
  void honestLinksVerify(
      @ForAll @IntRange(min = 0, max = 2) int paramSet,
      @ForAll @IntRange(min = 1, max = 4) int numColumns,
      @ForAll @IntRange(min = 0, max = 3) int extraVars,
      @ForAll long seed)
      throws InvalidProofException {
    PcsParams params = paramSet(paramSet);
    // the smallest W whose shadow folds in its first oracle, and a few sizes above
    int minVars = params.finalVarsMin() + params.foldArityLog() - 1;
    Instance in = instance(params, seed, numColumns, minVars + extraVars);
    assertEquals(in.w.numVars() + 1, in.q.numVars());
    int[] leaves = verifyOpening(in);
    assertArrayEquals(
        in.opened.leaves(), leaves, "prover and verifier disagree on the opened leaves");
    assertTrue(leaves.length > 0);
    ShadowLink.verify(
        params, in.w.commitment(), in.q.commitment(), in.opened.proof(), leaves, in.link);
    ShadowLinkProof decoded = ShadowLinkProof.decode(in.link.encode(), params, in.w.numVars());
    assertEquals(in.link, decoded);
    assertEquals(in.link.encodedSize(), in.link.encode().length);
    ShadowLink.verify(
        params, in.w.commitment(), in.q.commitment(), in.opened.proof(), leaves, decoded);
  }

  /**
   * The identity the link rests on, over the whole codewords: cwW[m] = (cwQ[2m] + cwQ[2m+1]) / 2.
   */
  @Test
  void evenPartOfTheShadowCodewordIsTheWeightCodeword() {
    Random rng = new Random(3);
    for (int n : new int[] {0, 3, 4, 7, 10}) {
      BasefoldProver prover = new BasefoldProver(FAST);
      Committed w = prover.commit(BasefoldTest.randomTable(rng, n));
      Committed q = prover.commitShadow(w, () -> Goldilocks.random(rng));
      assertEquals(2 * w.codeword().length, q.codeword().length);
      for (int m = 0; m < w.codeword().length; m++) {
        assertEquals(
            w.codeword()[m],
            Basefold.half(Goldilocks.add(q.codeword()[2 * m], q.codeword()[2 * m + 1])),
            "n = " + n + ", m = " + m);
      }
      assertEquals(null, q.layout());
    }
  }

  /**
   * The shadow's layout puts interleave(W_j, M_j) where column j is, so claims mean what they say.
   */
  @Property(tries = 10)
  void shadowColumnsInterleaveWeightsAndMasks(
      @ForAll @IntRange(min = 1, max = 6) int numColumns, @ForAll long seed) {
    Random rng = new Random(seed);
    List<long[]> columns = randomColumns(rng, numColumns, 7);
    BasefoldProver prover = new BasefoldProver(FAST);
    Committed w = prover.commit(columns, () -> Goldilocks.random(rng));
    Recorder mask = new Recorder(rng);
    Committed q = prover.commitShadow(w, mask);
    PackedLayout wl = w.layout();
    PackedLayout ql = q.layout();
    assertEquals(wl.numColumns(), ql.numColumns());
    assertEquals(w.numVars() + 1, ql.numVars());
    assertEquals(w.evals.length, mask.given.size());
    for (int i = 0; i < w.evals.length; i++) { // the whole table, tail included
      assertEquals(w.evals[i], q.evals[2 * i]);
      assertEquals(mask.given.get(i), q.evals[2 * i + 1]);
    }
    for (int j = 0; j < numColumns; j++) {
      long[] wj = columns.get(j);
      long[] mj = mask.column(wl.offset(j), wl.columnVars(j));
      long[] qj = Arrays.copyOfRange(q.evals, ql.offset(j), ql.offset(j) + (2 << wl.columnVars(j)));
      for (int i = 0; i < wj.length; i++) {
        assertEquals(wj[i], qj[2 * i], "column " + j + " entry " + i);
        assertEquals(mj[i], qj[2 * i + 1], "column " + j + " mask " + i);
      }
    }
    for (ColumnClaim c : shadowClaims(rng, columns, wl, mask)) {
      assertEquals(c.value(), q.evaluateColumn(c.column(), c.point()));
    }
  }

  /** One polynomial (no layout): claims at (t, z) are (1 - t) W(z) + t M(z), and the link holds. */
  @Test
  void unpackedWeightsLink() throws InvalidProofException {
    Random rng = new Random(4);
    int n = 9;
    long[] f = BasefoldTest.randomTable(rng, n);
    BasefoldProver prover = new BasefoldProver(FAST);
    Committed w = prover.commit(f);
    Recorder mask = new Recorder(rng);
    Committed q = prover.commitShadow(w, mask);
    long[] m = mask.column(0, n);
    List<EvalClaim> claims = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      Ext2 t = Ext2.random(rng);
      Ext2[] z = BasefoldTest.randomPoint(rng, n);
      Ext2[] tz = new Ext2[n + 1];
      tz[0] = t;
      System.arraycopy(z, 0, tz, 1, n);
      Ext2 value = Ext2.ONE.sub(t).mul(Mle.evaluate(f, z)).add(t.mul(Mle.evaluate(m, z)));
      assertEquals(value, q.evaluate(tz));
      claims.add(new EvalClaim(tz, value));
    }
    Opened o = prover.openWithLeaves(q, claims, new Transcript(DOMAIN));
    int[] leaves =
        new BasefoldVerifier(FAST)
            .verify(q.commitment(), claims, o.proof(), new Transcript(DOMAIN));
    assertArrayEquals(o.leaves(), leaves);
    ShadowLinkProof link = ShadowLinks.prove(FAST, w, leaves);
    assertDoesNotThrow(
        () -> ShadowLink.verify(FAST, w.commitment(), q.commitment(), o.proof(), leaves, link));
    // open() still gives the same proof as openWithLeaves (same transcript, deterministic prover)
    assertEquals(o.proof(), prover.open(q, claims, new Transcript(DOMAIN)));
  }

  // ---------------------------------------------------------------- soundness

  /**
   * A shadow of W' (W with one entry changed: in a column, or in the packed tail) opens fine on its
   * own, but links to W under no link proof: neither W's honest rows nor W''s rows.
   */
  @Test
  void shadowOfOtherWeightsIsRejected() throws InvalidProofException {
    for (PcsParams params : List.of(FAST, PcsParams.conjectured100())) {
      Instance honest = instance(params, 21, 3, params.finalVarsMin() + params.foldArityLog() + 1);
      assertDoesNotThrow(() -> verifyLink(honest, honest.w.commitment(), honest.link));
      int used = honest.w.layout().usedEntries();
      assertTrue(used < honest.w.evals.length, "the test needs a packed tail");
      Random rng = new Random(22);
      int[] where = {rng.nextInt(used), used + rng.nextInt(honest.w.evals.length - used)};
      for (int at : where) {
        long[] evals = honest.w.evals.clone();
        evals[at] = Goldilocks.add(evals[at], 1);
        List<long[]> cols = new ArrayList<>();
        for (int j = 0; j < honest.columns.size(); j++) {
          int off = honest.w.layout().offset(j);
          cols.add(Arrays.copyOfRange(evals, off, off + honest.columns.get(j).length));
        }
        int[] next = {used};
        BasefoldProver prover = new BasefoldProver(params);
        Committed w2 = prover.commit(cols, () -> evals[next[0]++]); // replays the (altered) tail
        assertArrayEquals(evals, w2.evals);
        Recorder mask = new Recorder(rng);
        Committed q2 = prover.commitShadow(w2, mask);
        List<ColumnClaim> claims = shadowClaims(rng, cols, w2.layout(), mask);
        Opened o = prover.openColumnsWithLeaves(q2, claims, new Transcript(DOMAIN));
        int[] leaves =
            new BasefoldVerifier(params)
                .verifyColumns(
                    q2.commitment(), q2.layout(), claims, o.proof(), new Transcript(DOMAIN));
        ShadowLink.verify(
            params,
            w2.commitment(),
            q2.commitment(),
            o.proof(),
            leaves,
            ShadowLinks.prove(params, w2, leaves));
        InvalidProofException e =
            assertThrows(
                InvalidProofException.class,
                () ->
                    ShadowLink.verify(
                        params,
                        honest.w.commitment(),
                        q2.commitment(),
                        o.proof(),
                        leaves,
                        ShadowLinks.prove(params, honest.w, leaves)),
                "entry " + at + " changed and linked");
        assertTrue(e.getMessage().contains("even part differs"), e.getMessage());
        assertThrows(
            InvalidProofException.class,
            () ->
                ShadowLink.verify(
                    params,
                    honest.w.commitment(),
                    q2.commitment(),
                    o.proof(),
                    leaves,
                    ShadowLinks.prove(params, w2, leaves)));
      }
    }
  }

  /** Every element of the link proof is bound: each row entry, each sibling, the number of rows. */
  @Test
  void everyLinkElementIsBound() throws InvalidProofException {
    // W arity 3 = shadow arity (a shadow leaf covers half a weight leaf), and W arity 0 < shadow's
    everyLinkElementIsBound(instance(FAST, 31, 2, 8));
    everyLinkElementIsBound(instance(FAST, 32, 1, 4));
  }

  private void everyLinkElementIsBound(Instance in) throws InvalidProofException {
    Commitment wc = in.w.commitment();
    verifyLink(in, wc, in.link);
    long[] rows = in.link.rows();
    List<Digest32> sib = in.link.paths().siblings();
    List<ShadowLinkProof> bad = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      long[] r = rows.clone();
      r[i] = Goldilocks.add(r[i], 1);
      bad.add(new ShadowLinkProof(r, in.link.paths()));
    }
    long[] nonCanonical = rows.clone();
    nonCanonical[0] = Goldilocks.P;
    bad.add(new ShadowLinkProof(nonCanonical, in.link.paths()));
    for (int s = 0; s < sib.size(); s++) {
      List<Digest32> t = new ArrayList<>(sib);
      t.set(s, BasefoldTest.flip(t.get(s), s % 256));
      bad.add(new ShadowLinkProof(rows, new MerkleMultiProof(t)));
    }
    bad.add(new ShadowLinkProof(rows, new MerkleMultiProof(sib.subList(0, sib.size() - 1))));
    List<Digest32> moreSib = new ArrayList<>(sib);
    moreSib.add(sib.getFirst());
    bad.add(new ShadowLinkProof(rows, new MerkleMultiProof(moreSib)));
    int rowLongs = OpeningProof.rowLongs(in.params, in.w.numVars(), 0);
    bad.add(
        new ShadowLinkProof(
            Arrays.copyOf(rows, rows.length - rowLongs), in.link.paths())); // a row missing
    long[] extra = Arrays.copyOf(rows, rows.length + rowLongs);
    System.arraycopy(rows, 0, extra, rows.length, rowLongs);
    bad.add(new ShadowLinkProof(extra, in.link.paths())); // a row too many
    assertTrue(sib.size() > 0 && bad.size() > rows.length + 3);
    for (int i = 0; i < bad.size(); i++) {
      ShadowLinkProof b = bad.get(i);
      assertThrows(
          InvalidProofException.class, () -> verifyLink(in, wc, b), "tamper " + i + " accepted");
    }
    // the wrong weight commitment: another polynomial, another root, another size
    Committed other =
        new BasefoldProver(in.params)
            .commit(BasefoldTest.randomTable(new Random(33), in.w.numVars()));
    assertEquals(wc.numVars(), other.numVars());
    assertThrows(InvalidProofException.class, () -> verifyLink(in, other.commitment(), in.link));
    int[] leaves = verifyOpening(in);
    assertThrows(
        InvalidProofException.class,
        () ->
            ShadowLink.verify(
                in.params,
                other.commitment(),
                in.q.commitment(),
                in.opened.proof(),
                leaves,
                ShadowLinks.prove(in.params, other, leaves)));
    assertThrows(
        InvalidProofException.class,
        () ->
            verifyLink(in, new Commitment(BasefoldTest.flip(wc.root(), 5), wc.numVars()), in.link));
    assertThrows(
        InvalidProofException.class,
        () -> verifyLink(in, new Commitment(wc.root(), wc.numVars() - 1), in.link));
    // leaves other than the ones the opening used: one replaced, or one dropped
    int unused = 0;
    while (Arrays.binarySearch(leaves, unused) >= 0) {
      unused++;
    }
    int[] moved = leaves.clone();
    moved[moved.length - 1] = unused;
    Arrays.sort(moved);
    assertThrows(
        InvalidProofException.class,
        () ->
            ShadowLink.verify(in.params, wc, in.q.commitment(), in.opened.proof(), moved, in.link));
    assertThrows(
        InvalidProofException.class,
        () ->
            ShadowLink.verify(
                in.params,
                wc,
                in.q.commitment(),
                in.opened.proof(),
                Arrays.copyOf(leaves, leaves.length - 1),
                in.link));
    // the untouched link still verifies
    assertDoesNotThrow(() -> verifyLink(in, wc, in.link));
  }

  /** A shadow too small to fold in its first oracle cannot be linked; both sides say so. */
  @Test
  void tooSmallShadowsAreRefused() {
    PcsParams p = PcsParams.conjectured100(); // folds from 10 variables on
    BasefoldProver prover = new BasefoldProver(p);
    Random rng = new Random(5);
    Committed w = prover.commit(BasefoldTest.randomTable(rng, 8));
    Committed q = prover.commitShadow(w, () -> Goldilocks.random(rng));
    List<EvalClaim> claims = List.of(new EvalClaim(BasefoldTest.randomPoint(rng, 9), Ext2.ZERO));
    claims =
        List.of(new EvalClaim(claims.getFirst().point(), q.evaluate(claims.getFirst().point())));
    Opened o = prover.openWithLeaves(q, claims, new Transcript(DOMAIN));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ShadowLinks.prove(p, w, o.leaves()));
    assertTrue(e.getMessage().contains("commit bigger polynomials"), e.getMessage());
    ShadowLinkProof fake = new ShadowLinkProof(new long[] {1}, new MerkleMultiProof(List.of()));
    assertThrows(
        InvalidProofException.class,
        () -> ShadowLink.verify(p, w.commitment(), q.commitment(), o.proof(), o.leaves(), fake));
  }

  /**
   * The shadow's codeword, built from W's and half an encoding, is the shadow table's own encoding.
   */
  @Test
  void shadowCodewordIsTheDirectEncoding() {
    Random rng = new Random(42);
    for (int n : new int[] {0, 1, 4, 9, 12}) {
      for (PcsParams params :
          new PcsParams[] {PcsParams.conjectured100(), new PcsParams(1, 2, 0, 8, 0)}) {
        BasefoldProver prover = new BasefoldProver(params);
        Committed w = prover.commit(BasefoldTest.randomTable(rng, n));
        Committed q = prover.commitShadow(w, () -> Goldilocks.random(rng));
        org.junit.jupiter.api.Assertions.assertArrayEquals(
            io.zkaudit.ntt.ReedSolomon.encodeEvaluations(q.evals, params.logBlowup()),
            q.codeword(),
            "n = " + n);
      }
    }
  }
}
