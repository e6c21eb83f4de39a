package io.zkaudit.prover.pcs;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.hash.Digest32;
import io.zkaudit.merkle.MerkleMultiProof;
import io.zkaudit.merkle.MerkleTree;
import io.zkaudit.pcs.BasefoldVerifier;
import io.zkaudit.pcs.ColumnClaim;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.pcs.EvalClaim;
import io.zkaudit.pcs.OpeningProof;
import io.zkaudit.pcs.PackedLayout;
import io.zkaudit.pcs.PcsParams;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.transcript.Transcript;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class BasefoldTest {
  /** Small parameters keep the tests fast; the protocol code paths are the same. */
  static final PcsParams FAST = new PcsParams(2, 3, 2, 24, 4);

  static final String DOMAIN = "zkaudit/test/pcs";

  static long[] randomTable(Random rng, int n) {
    long[] t = new long[1 << n];
    for (int i = 0; i < t.length; i++) {
      t[i] = Goldilocks.random(rng);
    }
    return t;
  }

  static Ext2[] randomPoint(Random rng, int n) {
    Ext2[] p = new Ext2[n];
    for (int j = 0; j < n; j++) {
      p[j] = Ext2.random(rng);
    }
    return p;
  }

  static List<EvalClaim> claims(Random rng, long[] f, int count) {
    int n = Mle.numVars(f.length);
    List<EvalClaim> out = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      Ext2[] z = randomPoint(rng, n);
      out.add(new EvalClaim(z, Mle.evaluate(f, z)));
    }
    return out;
  }

  static void verify(PcsParams params, Commitment c, List<EvalClaim> claims, OpeningProof p)
      throws InvalidProofException {
    new BasefoldVerifier(params).verify(c, claims, p, new Transcript(DOMAIN));
  }

  @Property(tries = 30)
  void honestOpeningsVerify(
      @ForAll @IntRange(min = 0, max = 13) int n,
      @ForAll @IntRange(min = 1, max = 4) int numClaims,
      @ForAll @IntRange(min = 0, max = 2) int paramSet,
      @ForAll long seed)
      throws InvalidProofException {
    PcsParams params =
        switch (paramSet) {
          case 0 -> FAST;
          case 1 -> new PcsParams(1, 4, 4, 30, 2);
          default -> new PcsParams(3, 2, 0, 16, 0);
        };
    Random rng = new Random(seed);
    long[] f = randomTable(rng, n);
    BasefoldProver prover = new BasefoldProver(params);
    Committed com = prover.commit(f);
    List<EvalClaim> cl = claims(rng, f, numClaims);
    OpeningProof p = prover.open(com, cl, new Transcript(DOMAIN));
    verify(params, com.commitment(), cl, p);
    // and the encoding round-trips
    byte[] enc = p.encode();
    OpeningProof q = OpeningProof.decode(enc, params, n);
    assertEquals(p, q);
    assertTrue(Arrays.equals(enc, q.encode()));
    verify(params, com.commitment(), cl, q);
    assertEquals(com.commitment(), Commitment.decode(com.commitment().encode()));
  }

  /** A claim on a weighted sum of evaluations opens, and only its true value verifies. */
  @Property(tries = 15)
  void sumClaimsOpen(
      @ForAll @IntRange(min = 1, max = 10) int n,
      @ForAll @IntRange(min = 1, max = 5) int terms,
      @ForAll long seed)
      throws InvalidProofException {
    Random rng = new Random(seed);
    long[] f = randomTable(rng, n);
    BasefoldProver prover = new BasefoldProver(FAST);
    Committed com = prover.commit(f);
    List<EvalClaim.Term> ts = new ArrayList<>();
    Ext2 value = Ext2.ZERO;
    for (int j = 0; j < terms; j++) {
      Ext2[] z = randomPoint(rng, n);
      Ext2 w = Ext2.random(rng);
      ts.add(new EvalClaim.Term(z, w));
      value = value.add(w.mul(Mle.evaluate(f, z)));
    }
    List<EvalClaim> cl = new ArrayList<>(claims(rng, f, 1));
    cl.add(new EvalClaim(ts, value));
    OpeningProof p = prover.open(com, cl, new Transcript(DOMAIN));
    verify(FAST, com.commitment(), cl, p);
    List<EvalClaim> wrong = List.of(cl.get(0), new EvalClaim(ts, value.add(Ext2.ONE)));
    OpeningProof q = prover.open(com, wrong, new Transcript(DOMAIN));
    assertThrows(InvalidProofException.class, () -> verify(FAST, com.commitment(), wrong, q));
    // a term's weight is bound: the same values under other weights do not verify
    List<EvalClaim.Term> reweighted = new ArrayList<>(ts);
    reweighted.set(0, new EvalClaim.Term(ts.get(0).point(), ts.get(0).weight().add(Ext2.ONE)));
    List<EvalClaim> other = List.of(cl.get(0), new EvalClaim(reweighted, value));
    assertThrows(InvalidProofException.class, () -> verify(FAST, com.commitment(), other, p));
  }

  @Property(tries = 15)
  void packedColumnsOpenAtManyPoints(
      @ForAll @IntRange(min = 1, max = 6) int numColumns, @ForAll long seed)
      throws InvalidProofException {
    Random rng = new Random(seed);
    List<long[]> columns = new ArrayList<>();
    for (int c = 0; c < numColumns; c++) {
      columns.add(randomTable(rng, rng.nextInt(11)));
    }
    BasefoldProver prover = new BasefoldProver(FAST);
    Committed com = prover.commit(columns);
    PackedLayout layout = com.layout();
    List<ColumnClaim> cl = new ArrayList<>();
    for (int c = 0; c < numColumns; c++) {
      int m = layout.columnVars(c);
      Ext2[] shared = randomPoint(rng, m);
      for (int k = 0; k < 1 + rng.nextInt(3); k++) {
        Ext2[] z = k == 0 ? shared : randomPoint(rng, m);
        cl.add(new ColumnClaim(c, z, Mle.evaluate(columns.get(c), z)));
      }
    }
    OpeningProof p = prover.openColumns(com, cl, new Transcript(DOMAIN));
    new BasefoldVerifier(FAST)
        .verifyColumns(com.commitment(), layout, cl, p, new Transcript(DOMAIN));
    for (ColumnClaim c : cl) {
      assertEquals(c.value(), com.evaluateColumn(c.column(), c.point()));
      assertEquals(c.value(), com.evaluate(layout.packedPoint(c.column(), c.point())));
    }
    // a claim moved to another column, a column that does not exist, a point of the wrong size
    if (numColumns > 1) {
      List<ColumnClaim> moved = new ArrayList<>(cl);
      ColumnClaim c0 = cl.get(0);
      int other = 1 + rng.nextInt(numColumns - 1);
      if (layout.columnVars(other) == layout.columnVars(c0.column())) {
        moved.set(0, new ColumnClaim(other, c0.point(), c0.value()));
        assertThrows(
            InvalidProofException.class,
            () ->
                new BasefoldVerifier(FAST)
                    .verifyColumns(com.commitment(), layout, moved, p, new Transcript(DOMAIN)));
      }
    }
    List<ColumnClaim> missing = new ArrayList<>(cl);
    missing.set(0, new ColumnClaim(numColumns, cl.get(0).point(), cl.get(0).value()));
    assertThrows(
        InvalidProofException.class,
        () ->
            new BasefoldVerifier(FAST)
                .verifyColumns(com.commitment(), layout, missing, p, new Transcript(DOMAIN)));
    List<ColumnClaim> longer = new ArrayList<>(cl);
    Ext2[] lp = java.util.Arrays.copyOf(cl.get(0).point(), cl.get(0).point().length + 1);
    lp[lp.length - 1] = Ext2.ONE;
    longer.set(0, new ColumnClaim(cl.get(0).column(), lp, cl.get(0).value()));
    assertThrows(
        InvalidProofException.class,
        () ->
            new BasefoldVerifier(FAST)
                .verifyColumns(com.commitment(), layout, longer, p, new Transcript(DOMAIN)));
    // a wrong value for any one column claim is rejected
    int bad = rng.nextInt(cl.size());
    List<ColumnClaim> wrong = new ArrayList<>(cl);
    ColumnClaim b = cl.get(bad);
    wrong.set(bad, new ColumnClaim(b.column(), b.point(), b.value().add(Ext2.ONE)));
    assertThrows(
        InvalidProofException.class,
        () ->
            new BasefoldVerifier(FAST)
                .verifyColumns(com.commitment(), layout, wrong, p, new Transcript(DOMAIN)));
    OpeningProof p2 = prover.openColumns(com, wrong, new Transcript(DOMAIN));
    assertThrows(
        InvalidProofException.class,
        () ->
            new BasefoldVerifier(FAST)
                .verifyColumns(com.commitment(), layout, wrong, p2, new Transcript(DOMAIN)));
  }

  @Test
  void packedLayoutAlignsColumns() {
    PackedLayout l = new PackedLayout(3, 5, 0, 5, 2);
    assertEquals(0, l.offset(1));
    assertEquals(32, l.offset(3));
    assertEquals(64, l.offset(0));
    assertEquals(72, l.offset(4));
    assertEquals(76, l.offset(2));
    assertEquals(7, l.numVars());
    Random rng = new Random(9);
    List<long[]> cols =
        List.of(
            randomTable(rng, 3),
            randomTable(rng, 5),
            randomTable(rng, 0),
            randomTable(rng, 5),
            randomTable(rng, 2));
    long[] packed = l.pack(cols);
    for (int c = 0; c < cols.size(); c++) {
      Ext2[] z = randomPoint(rng, l.columnVars(c));
      assertEquals(
          Mle.evaluate(cols.get(c), z), Mle.evaluate(packed, l.packedPoint(c, z)), "column " + c);
    }
  }

  // ---------------------------------------------------------------- soundness

  /** One honest instance with several claims and enough variables for 3 oracles, and its proof. */
  record Instance(
      PcsParams params, long[] f, Committed com, List<EvalClaim> claims, OpeningProof proof) {}

  static Instance instance(long seed, int n) {
    Random rng = new Random(seed);
    long[] f = randomTable(rng, n);
    BasefoldProver prover = new BasefoldProver(FAST);
    Committed com = prover.commit(f);
    List<EvalClaim> cl = claims(rng, f, 3);
    return new Instance(FAST, f, com, cl, prover.open(com, cl, new Transcript(DOMAIN)));
  }

  static OpeningProof with(
      OpeningProof p,
      List<Ext2[]> rounds,
      List<Digest32> roots,
      Ext2[] fin,
      long nonce,
      List<OpeningProof.QueryLayer> layers) {
    return new OpeningProof(rounds, roots, fin, nonce, layers);
  }

  static Ext2 bump(Ext2 e) {
    return e.add(Ext2.ONE);
  }

  static Digest32 flip(Digest32 d, int bit) {
    byte[] b = d.bytes();
    b[bit / 8] ^= (byte) (1 << (bit % 8));
    return new Digest32(b);
  }

  /** Every altered proof element must make verification fail. */
  @Test
  void everyProofElementIsBound() {
    everyProofElementIsBound(11); // three oracles
    everyProofElementIsBound(6); // one fold
    everyProofElementIsBound(3); // no folding: the whole polynomial is sent
    everyProofElementIsBound(0); // a constant
  }

  private void everyProofElementIsBound(int n) {
    Instance in = instance(11 + n, n);
    OpeningProof p = in.proof;
    assertDoesNotThrow(() -> verify(in.params, in.com.commitment(), in.claims, p));
    assertEquals(FAST.arities(n).length - 1, p.oracleRoots().size());
    List<Function<OpeningProof, OpeningProof>> tampers = new ArrayList<>();
    // each sumcheck message, each of its three evaluations, in each coordinate
    for (int i = 0; i < p.rounds().size(); i++) {
      for (int e = 0; e < 3; e++) {
        for (int coord = 0; coord < 2; coord++) {
          int ii = i, ee = e, cc = coord;
          tampers.add(
              q -> {
                List<Ext2[]> r = q.rounds();
                Ext2 v = r.get(ii)[ee];
                r.get(ii)[ee] = cc == 0 ? bump(v) : new Ext2(v.c0(), Goldilocks.add(v.c1(), 1));
                return with(q, r, q.oracleRoots(), q.finalCoeffs(), q.powNonce(), q.layers());
              });
        }
      }
    }
    // each oracle root
    for (int i = 0; i < p.oracleRoots().size(); i++) {
      int ii = i;
      tampers.add(
          q -> {
            List<Digest32> roots = new ArrayList<>(q.oracleRoots());
            roots.set(ii, flip(roots.get(ii), 77));
            return with(q, q.rounds(), roots, q.finalCoeffs(), q.powNonce(), q.layers());
          });
    }
    // each final coefficient
    for (int i = 0; i < p.finalCoeffs().length; i++) {
      int ii = i;
      tampers.add(
          q -> {
            Ext2[] fin = q.finalCoeffs();
            fin[ii] = bump(fin[ii]);
            return with(q, q.rounds(), q.oracleRoots(), fin, q.powNonce(), q.layers());
          });
    }
    // the pow nonce
    tampers.add(
        q -> with(q, q.rounds(), q.oracleRoots(), q.finalCoeffs(), q.powNonce() + 1, q.layers()));
    // each opened row (one entry of it), each Merkle sibling, a missing row
    for (int l = 0; l < p.layers().size(); l++) {
      OpeningProof.QueryLayer layer = p.layers().get(l);
      int rowLongs = OpeningProof.rowLongs(in.params, in.com.numVars(), l);
      int rows = layer.rows().length / rowLongs;
      for (int k = 0; k < rows; k++) {
        int ll = l, at = k * rowLongs + (k * 7) % rowLongs;
        tampers.add(
            q -> {
              List<OpeningProof.QueryLayer> ls = new ArrayList<>(q.layers());
              long[] rs = ls.get(ll).rows();
              rs[at] = Goldilocks.add(rs[at], 1);
              ls.set(ll, new OpeningProof.QueryLayer(rs, ls.get(ll).paths()));
              return with(q, q.rounds(), q.oracleRoots(), q.finalCoeffs(), q.powNonce(), ls);
            });
      }
      for (int s = 0; s < layer.paths().siblings().size(); s++) {
        int ll = l, ss = s;
        tampers.add(
            q -> {
              List<OpeningProof.QueryLayer> ls = new ArrayList<>(q.layers());
              List<Digest32> sib = new ArrayList<>(ls.get(ll).paths().siblings());
              sib.set(ss, flip(sib.get(ss), ss % 256));
              ls.set(ll, new OpeningProof.QueryLayer(ls.get(ll).rows(), new MerkleMultiProof(sib)));
              return with(q, q.rounds(), q.oracleRoots(), q.finalCoeffs(), q.powNonce(), ls);
            });
      }
      int ll = l;
      tampers.add(
          q -> {
            List<OpeningProof.QueryLayer> ls = new ArrayList<>(q.layers());
            long[] rs = ls.get(ll).rows();
            ls.set(
                ll,
                new OpeningProof.QueryLayer(
                    Arrays.copyOf(rs, rs.length - rowLongs), ls.get(ll).paths()));
            return with(q, q.rounds(), q.oracleRoots(), q.finalCoeffs(), q.powNonce(), ls);
          });
    }
    assertTrue(tampers.size() > 5, "only " + tampers.size() + " tamperings");
    for (int i = 0; i < tampers.size(); i++) {
      OpeningProof bad = tampers.get(i).apply(p);
      int ii = i;
      assertThrows(
          InvalidProofException.class,
          () -> verify(in.params, in.com.commitment(), in.claims, bad),
          "n = " + n + ": tamper " + ii + " accepted");
    }
  }

  @Test
  void wrongClaimsCommitmentsAndTranscriptsAreRejected() {
    Instance in = instance(12, 9);
    Commitment c = in.com.commitment();
    OpeningProof p = in.proof;
    BasefoldVerifier v = new BasefoldVerifier(in.params);
    Random rng = new Random(5);
    for (int k = 0; k < in.claims.size(); k++) {
      EvalClaim cl = in.claims.get(k);
      // wrong value
      List<EvalClaim> wrongValue = new ArrayList<>(in.claims);
      wrongValue.set(k, new EvalClaim(cl.point(), bump(cl.value())));
      assertThrows(InvalidProofException.class, () -> verify(in.params, c, wrongValue, p));
      // wrong point (each coordinate)
      for (int j = 0; j < cl.numVars(); j++) {
        Ext2[] z = cl.point();
        z[j] = bump(z[j]);
        List<EvalClaim> wrongPoint = new ArrayList<>(in.claims);
        wrongPoint.set(k, new EvalClaim(z, cl.value()));
        assertThrows(InvalidProofException.class, () -> verify(in.params, c, wrongPoint, p));
      }
    }
    // claims dropped, duplicated, reordered
    assertThrows(
        InvalidProofException.class, () -> verify(in.params, c, in.claims.subList(0, 2), p));
    List<EvalClaim> swapped = new ArrayList<>(in.claims);
    java.util.Collections.swap(swapped, 0, 1);
    assertThrows(InvalidProofException.class, () -> verify(in.params, c, swapped, p));
    List<EvalClaim> more = new ArrayList<>(in.claims);
    more.add(in.claims.get(0));
    assertThrows(InvalidProofException.class, () -> verify(in.params, c, more, p));
    assertThrows(InvalidProofException.class, () -> verify(in.params, c, List.of(), p));
    // another commitment: other root, other size, another polynomial's commitment
    assertThrows(
        InvalidProofException.class,
        () -> verify(in.params, new Commitment(flip(c.root(), 3), c.numVars()), in.claims, p));
    assertThrows(
        InvalidProofException.class,
        () -> verify(in.params, new Commitment(c.root(), c.numVars() - 1), in.claims, p));
    long[] g = in.f.clone();
    g[rng.nextInt(g.length)] ^= 1;
    Commitment other = new BasefoldProver(in.params).commit(g).commitment();
    assertThrows(InvalidProofException.class, () -> verify(in.params, other, in.claims, p));
    // a different transcript prefix or domain
    Transcript prefixed = new Transcript(DOMAIN);
    prefixed.absorbLong("something-before", 1);
    assertThrows(InvalidProofException.class, () -> v.verify(c, in.claims, p, prefixed));
    assertThrows(
        InvalidProofException.class,
        () -> v.verify(c, in.claims, p, new Transcript(DOMAIN + "/other")));
    // other parameters
    assertThrows(
        InvalidProofException.class,
        () ->
            new BasefoldVerifier(new PcsParams(2, 3, 2, 24, 5))
                .verify(c, in.claims, p, new Transcript(DOMAIN)));
    // but the honest one still verifies
    assertDoesNotThrow(() -> verify(in.params, c, in.claims, p));
  }

  /**
   * A committed word that is not a codeword (one entry per oracle-0 leaf altered) is caught by the
   * queries.
   */
  @Test
  void corruptedCodewordIsCaughtByQueries() {
    Random rng = new Random(13);
    int n = 10;
    long[] f = randomTable(rng, n);
    BasefoldProver prover = new BasefoldProver(FAST);
    Committed honest = prover.commit(f);
    long[] cw = honest.codeword().clone();
    int rowLongs = 1 << FAST.arities(n)[0];
    for (int leaf = 0; leaf < cw.length / rowLongs; leaf += 2) { // half of the leaves corrupted
      cw[leaf * rowLongs] = Goldilocks.add(cw[leaf * rowLongs], 1);
    }
    MerkleTree tree = MerkleTree.build(cw, rowLongs);
    Committed bad = new Committed(new Commitment(tree.root(), n), null, f, cw, tree);
    List<EvalClaim> cl = claims(rng, f, 2);
    OpeningProof p = prover.open(bad, cl, new Transcript(DOMAIN));
    InvalidProofException e =
        assertThrows(InvalidProofException.class, () -> verify(FAST, bad.commitment(), cl, p));
    assertTrue(
        e.getMessage().contains("oracle") || e.getMessage().contains("final"), e.getMessage());
  }

  @Test
  void malformedEncodingsAreRejected() {
    Instance in = instance(14, 8);
    byte[] enc = in.proof.encode();
    int n = in.com.numVars();
    for (int cut = 0; cut < enc.length; cut += Math.max(1, enc.length / 300)) {
      byte[] t = Arrays.copyOf(enc, cut);
      assertThrows(
          InvalidProofException.class,
          () -> OpeningProof.decode(t, in.params, n),
          "truncated at " + cut);
    }
    assertThrows(
        InvalidProofException.class,
        () -> OpeningProof.decode(Arrays.copyOf(enc, enc.length + 1), in.params, n));
    // wrong shape: decoding for another size or other params
    assertThrows(InvalidProofException.class, () -> OpeningProof.decode(enc, in.params, n + 1));
    assertThrows(
        InvalidProofException.class,
        () ->
            OpeningProof.decode(
                enc,
                new PcsParams(2, 3, 2, 24, 4).equals(in.params)
                    ? new PcsParams(2, 2, 2, 24, 4)
                    : in.params,
                n));
    // oversized and non-canonical values
    byte[] huge = enc.clone();
    huge[0] = (byte) 0xff;
    huge[1] = (byte) 0xff;
    assertThrows(InvalidProofException.class, () -> OpeningProof.decode(huge, in.params, n));
    byte[] nonCanonical = enc.clone();
    Arrays.fill(nonCanonical, 4, 12, (byte) 0xff); // first field element of round 0 = 2^64 - 1 >= p
    assertThrows(
        InvalidProofException.class, () -> OpeningProof.decode(nonCanonical, in.params, n));
    assertThrows(InvalidProofException.class, () -> OpeningProof.decode(new byte[0], in.params, n));
    assertThrows(InvalidProofException.class, () -> Commitment.decode(new byte[33 + 1]));
    byte[] badVars = in.com.commitment().encode();
    badVars[32] = 40;
    assertThrows(InvalidProofException.class, () -> Commitment.decode(badVars));
  }

  @Test
  void everyByteOfTheEncodingMatters() {
    Instance in = instance(15, 6);
    byte[] enc = in.proof.encode();
    Random rng = new Random(1);
    int checked = 0;
    for (int i = 0; i < enc.length; i += 1 + rng.nextInt(8)) {
      byte[] t = enc.clone();
      t[i] ^= (byte) (1 << rng.nextInt(8));
      boolean rejected;
      try {
        verify(
            in.params,
            in.com.commitment(),
            in.claims,
            OpeningProof.decode(t, in.params, in.com.numVars()));
        rejected = false;
      } catch (InvalidProofException e) {
        rejected = true;
      }
      assertTrue(rejected, "byte " + i + " altered and accepted");
      checked++;
    }
    assertTrue(checked > 50);
  }

  @Test
  void securityEstimatesOfTheDefaults() {
    PcsParams.Security s = PcsParams.provable100().security(24, 100);
    assertTrue(s.provable() >= 100, "provable " + s.provable());
    assertTrue(PcsParams.conjectured100().security(24, 100).conjectured() >= 100);
    assertTrue(PcsParams.conjectured100().security(24, 100).provable() < 100);
  }
}
