package io.zkaudit.prover.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.lookup.LogUpBlinding;
import io.zkaudit.lookup.LogUpProof;
import io.zkaudit.lookup.LogUpVerifier;
import io.zkaudit.lookup.LookupClaims;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.lookup.LookupStatement.Group;
import io.zkaudit.lookup.LookupStatement.Lookup;
import io.zkaudit.lookup.LookupTable;
import io.zkaudit.pcs.EvalClaim;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.testutil.ChiSquare;
import io.zkaudit.transcript.Transcript;
import io.zkaudit.zk.ZkRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Tagged blinding of logUp ({@link LogUpBlinding}, docs/zero-knowledge.md "Blinded lookups"):
 * completeness with true claims on every committed column, soundness against a prover that uses the
 * blinding rows to cancel a bad tuple, every blinding field bound, and the point of it: the tree
 * values that revealed the histogram are uniform over fresh blinding.
 */
class BlindedLogUpTest {

  /** A blinded case: the statement and witnesses blinded with numerators from random. */
  static LogUpTest.Case blind(LogUpTest.Case c, ZkRandom random) {
    LookupStatement st = c.statement().withBlinding();
    LogUpBlinding plan = LogUpBlinding.of(st);
    List<LookupWitness> ws = new ArrayList<>();
    for (int l = 0; l < st.lookups().size(); l++) {
      ws.add(c.witnesses().get(l).blind(st.lookups().get(l), plan, l, random::nextField));
    }
    return new LogUpTest.Case(st, ws);
  }

  /**
   * The numerator column as the model prover commits it: every group's numerators at its offset.
   */
  static long[] numeratorColumn(LogUpTest.Case c) {
    LogUpBlinding plan = LogUpBlinding.of(c.statement());
    long[] col = new long[1 << plan.numeratorVars()];
    for (int l = 0; l < c.witnesses().size(); l++) {
      long[][] b = c.witnesses().get(l).blinding().numerators();
      for (int g = 0; g < b.length; g++) {
        System.arraycopy(b[g], 0, col, plan.offset(l, g), b[g].length);
      }
    }
    return col;
  }

  /**
   * Box-shaped groups (channel, width, height extents, low bits first), as the model proofs use.
   */
  static Group box(int cBits, int channels, int wBits, int width, int hBits, int height) {
    return new Group(
        cBits + wBits + hBits,
        List.of(
            new Group.Extent(cBits, channels),
            new Group.Extent(wBits, width),
            new Group.Extent(hBits, height)));
  }

  @Property(tries = 60)
  void blindedProofsVerifyAndEveryClaimIsTrue(
      @ForAll @IntRange(min = 0, max = 9) int maxVars, @ForAll long seed)
      throws InvalidProofException {
    Random rng = new Random(seed);
    LogUpTest.Case c = blind(LogUpTest.randomCase(rng, maxVars), ZkRandom.seeded(seed));
    Transcript pt = new Transcript("b");
    LogUpProver.Output out = LogUpProver.prove(c.statement(), c.witnesses(), pt);
    Transcript vt = new Transcript("b");
    LookupClaims claims = LogUpVerifier.verify(c.statement(), out.proof(), vt);
    assertEquals(pt.state(), vt.state());
    LogUpBlinding plan = LogUpBlinding.of(c.statement());
    long[] numerators = numeratorColumn(c);
    for (int l = 0; l < c.statement().lookups().size(); l++) {
      LookupWitness w = c.witnesses().get(l);
      LookupClaims.EvaluationClaim m = claims.multiplicities().get(l);
      assertEquals(Mle.evaluate(w.committedMultiplicities(), m.point()), m.value(), "M2 claim");
      LookupClaims.WitnessClaim u = claims.blindingTuples().get(l);
      for (int col = 0; col < u.values().length; col++) {
        assertEquals(
            Mle.evaluate(w.blinding().tableTuples()[col], u.point()), u.values()[col], "u' claim");
      }
      for (int g = 0; g < c.statement().lookups().get(l).groups().size(); g++) {
        LookupClaims.WitnessClaim wc = claims.witnesses().get(l).get(g);
        long[][] cols = w.groups().get(g);
        for (int col = 0; col < cols.length; col++) {
          assertEquals(Mle.evaluate(cols[col], wc.point()), wc.values()[col], "witness claim");
        }
      }
    }
    int withRows = 0;
    for (LookupClaims.BlindingClaim b : claims.blindingSums()) {
      Ext2 sum = Ext2.ZERO;
      for (EvalClaim.Term t : plan.numeratorTerms(b.lookup(), b.group(), b.point())) {
        sum = sum.add(t.weight().mul(Mle.evaluate(numerators, t.point())));
      }
      assertEquals(sum, b.value(), "blinding sum claim");
      withRows++;
    }
    int expected = 0;
    for (int l = 0; l < c.statement().lookups().size(); l++) {
      for (int g = 0; g < c.statement().lookups().get(l).groups().size(); g++) {
        expected += plan.rows(l, g).length > 0 ? 1 : 0;
      }
    }
    assertEquals(expected, withRows, "one blinding claim per group with blinding rows");
  }

  @Test
  void blindingRowsAreInactiveAndCoverEveryLowResidueClass() {
    Group g = box(2, 3, 3, 5, 3, 7);
    long[] rows = g.blindingRows(LogUpBlinding.SUBTREE_BITS);
    assertEquals(16, rows.length, "every class modulo 16 has an inactive row");
    for (int k = 0; k < rows.length; k++) {
      assertTrue(!g.isActive(rows[k]), "row " + rows[k] + " is inactive");
      assertEquals(k, rows[k] & 15, "one per class, in order");
    }
    assertEquals(0, Group.full(8).blindingRows(4).length, "a full group has none");
    long[] prefix = new Group(8, 200).blindingRows(4);
    assertEquals(16, prefix.length, "rows 200..255 meet every class");
    for (long r : prefix) {
      assertTrue(r >= 200);
    }
    // Padding only in the top bits of a group of 2^10 rows (1000 active): every class still has
    // one.
    assertEquals(16, new Group(10, 1000).blindingRows(4).length);
    // A group of 4 rows with 3 active: one class only.
    assertEquals(1, new Group(2, 3).blindingRows(4).length);
  }

  /**
   * A prover that uses the blinding to cancel a tuple outside the table: the bad active row's
   * fraction 1/(alpha - w) against numerator -1 on a blinding row holding the same tuple, and the
   * table's blinding half mirroring that row. Without the tag this would balance; with it the
   * blinding fraction is 1/(alpha - w - beta^width) and the lookup is rejected.
   */
  @Test
  void blindingCannotCancelATupleOutsideTheTable() {
    Group g = box(2, 3, 2, 4, 2, 4); // channel 3 of every position is inactive
    Lookup lk = Lookup.of(LookupTable.range(6), g);
    Random rng = new Random(5);
    long[] values = new long[1 << g.numVars()];
    long[] m = new long[64];
    int bad = -1;
    for (int x = 0; x < values.length; x++) {
      values[x] = g.isActive(x) ? rng.nextInt(64) : Goldilocks.random(rng);
      if (g.isActive(x) && bad < 0) {
        bad = x;
        values[x] = 64; // outside [0, 64)
      } else if (g.isActive(x)) {
        m[(int) values[x]]++;
      }
    }
    LookupStatement st = LookupStatement.of(lk).withBlinding();
    LogUpBlinding plan = LogUpBlinding.of(st);
    long[] rows = plan.rows(0, 0);
    values[(int) rows[0]] = 64; // the blinding row carries the bad tuple
    LookupWitness plain = new LookupWitness(List.<long[][]>of(new long[][] {values}), m);
    LookupWitness w = plain.blind(lk, plan, 0, ZkRandom.seeded(1)::nextField);
    long[][] numerators = w.blinding().numerators();
    numerators[0][0] = Goldilocks.P - 1; // -1
    long[] tableNumerators = w.blinding().tableNumerators();
    tableNumerators[LogUpBlinding.slot(0)] = Goldilocks.P - 1;
    LookupWitness cheat =
        new LookupWitness(
            w.groups(),
            m,
            new LookupWitness.Blinding(numerators, tableNumerators, w.blinding().tableTuples()));
    LogUpProof proof = LogUpProver.prove(st, List.of(cheat), new Transcript("c")).proof();
    InvalidProofException e =
        assertThrows(
            InvalidProofException.class,
            () -> LogUpVerifier.verify(st, proof, new Transcript("c")));
    assertTrue(e.getMessage().contains("do not sum"), e.getMessage());
    // The honest witness (the bad row counted nowhere) fails the same way without the cancellation.
    values[bad] = 5;
    m[5]++;
    LookupWitness honest =
        new LookupWitness(List.<long[][]>of(new long[][] {values}), m)
            .blind(lk, plan, 0, ZkRandom.seeded(1)::nextField);
    assertProves(st, honest);
  }

  private static void assertProves(LookupStatement st, LookupWitness w) {
    LogUpProof proof = LogUpProver.prove(st, List.of(w), new Transcript("c")).proof();
    try {
      LogUpVerifier.verify(st, proof, new Transcript("c"));
    } catch (InvalidProofException e) {
      throw new AssertionError("the honest blinded proof is rejected: " + e.getMessage(), e);
    }
  }

  /** Every blinding field altered, removed, or a proof read under the other mode, is rejected. */
  @Test
  void blindingFieldsAreBound() throws InvalidProofException {
    Random rng = new Random(8);
    LogUpTest.Case plainCase = LogUpTest.randomCase(rng, 6);
    LogUpTest.Case c = blind(plainCase, ZkRandom.seeded(8));
    LogUpProof p = LogUpProver.prove(c.statement(), c.witnesses(), new Transcript("t")).proof();
    LogUpVerifier.verify(c.statement(), p, new Transcript("t"));
    List<LogUpProof> bad = new ArrayList<>();
    for (int g = 0; g < p.blindingSums().length; g++) {
      Ext2[] s = p.blindingSums();
      s[g] = s[g].add(Ext2.ONE);
      bad.add(
          new LogUpProof(
              p.rootP(),
              p.rootQ(),
              p.layers(),
              p.witnessEvaluations(),
              p.masks(),
              s,
              p.blindingTuples()));
    }
    for (int l = 0; l < p.blindingTuples().length; l++) {
      for (int k = 0; k < p.blindingTuples()[l].length; k++) {
        Ext2[][] u = p.blindingTuples();
        u[l][k] = u[l][k].add(new Ext2(0, 1));
        bad.add(
            new LogUpProof(
                p.rootP(),
                p.rootQ(),
                p.layers(),
                p.witnessEvaluations(),
                p.masks(),
                p.blindingSums(),
                u));
      }
    }
    bad.add(new LogUpProof(p.rootP(), p.rootQ(), p.layers(), p.witnessEvaluations(), p.masks()));
    bad.add(
        new LogUpProof(
            p.rootP(),
            p.rootQ(),
            p.layers(),
            p.witnessEvaluations(),
            p.masks(),
            java.util.Arrays.copyOf(p.blindingSums(), p.blindingSums().length - 1),
            p.blindingTuples()));
    bad.addAll(
        LogUpTest.tamperings(p).stream()
            .map(
                t ->
                    new LogUpProof(
                        t.rootP(),
                        t.rootQ(),
                        t.layers(),
                        t.witnessEvaluations(),
                        p.masks(),
                        p.blindingSums(),
                        p.blindingTuples()))
            .toList());
    for (LogUpProof b : bad) {
      assertThrows(
          InvalidProofException.class,
          () -> LogUpVerifier.verify(c.statement(), b, new Transcript("t")));
    }
    assertTrue(bad.size() > 30, "tampered " + bad.size());
    // A blinded proof is not a plain one, and a plain one is not blinded.
    assertThrows(
        InvalidProofException.class,
        () -> LogUpVerifier.verify(plainCase.statement(), p, new Transcript("t")));
    LogUpProof plain =
        LogUpProver.prove(plainCase.statement(), plainCase.witnesses(), new Transcript("t"))
            .proof();
    assertThrows(
        InvalidProofException.class,
        () -> LogUpVerifier.verify(c.statement(), plain, new Transcript("t")));
  }

  /**
   * What used to reveal the histogram is uniform over fresh blinding, for a fixed witness: every
   * tree's root fraction P/Q (a group's is sum_active 1/(alpha - w), the table's the multiplicity
   * functional) and the fractions of both layer-1 nodes (exact node values: the sums over the even
   * and the odd rows), and the multiplicity claim. alpha and beta are drawn before the roots, so
   * they are the same in every run: the unblinded proof reveals the same values every time
   * (checked).
   */
  @Test
  void treeFractionsAreUniformOverFreshBlinding() throws InvalidProofException {
    Group g = box(2, 3, 3, 6, 3, 7);
    LookupTable table = LookupTable.range(7);
    Lookup lk = Lookup.of(table, g);
    Random rng = new Random(12);
    long[][] cols = LogUpTest.randomGroup(rng, table, g);
    LookupWitness witness = LookupWitness.compute(lk, List.<long[][]>of(cols));
    LogUpTest.Case plain = new LogUpTest.Case(LookupStatement.of(lk), List.of(witness));

    LogUpProof p0 =
        LogUpProver.prove(plain.statement(), plain.witnesses(), new Transcript("u")).proof();
    LogUpProof p1 =
        LogUpProver.prove(plain.statement(), plain.witnesses(), new Transcript("u")).proof();
    assertEquals(
        ratios(p0), ratios(p1), "unblinded, the revealed fractions are fixed by the witness");
    // ... and the group's root is the histogram's generating function at alpha.
    Transcript replay = new Transcript("u");
    io.zkaudit.lookup.LogUpLayout.absorbShape(plain.statement(), replay);
    replay.challengeExt(io.zkaudit.lookup.LogUpLayout.BETA);
    Ext2 alpha = replay.challengeExt(io.zkaudit.lookup.LogUpLayout.ALPHA);
    Ext2 histogram = Ext2.ZERO;
    for (int x = 0; x < 1 << g.numVars(); x++) {
      if (g.isActive(x)) {
        histogram = histogram.add(alpha.sub(Ext2.of(cols[0][x])).inv());
      }
    }
    assertEquals(
        histogram, ratios(p0).get(1), "the unblinded group root reveals sum 1/(alpha - w)");

    int samples = 1000;
    List<int[]> hist = new ArrayList<>();
    List<Ext2> first = null;
    for (int s = 0; s < samples; s++) {
      LogUpTest.Case c = blind(plain, ZkRandom.seeded(5000 + s));
      LogUpProver.Output out = LogUpProver.prove(c.statement(), c.witnesses(), new Transcript("u"));
      LookupClaims claims = LogUpVerifier.verify(c.statement(), out.proof(), new Transcript("u"));
      List<Ext2> values = new ArrayList<>(ratios(out.proof()));
      values.add(claims.multiplicities().get(0).value());
      if (first == null) {
        first = values;
        assertNotEquals(ratios(p0), ratios(out.proof()), "blinding changes the revealed fractions");
      }
      while (hist.size() < values.size()) {
        hist.add(new int[16]);
      }
      for (int k = 0; k < values.size(); k++) {
        hist.get(k)[(int) (values.get(k).c0() & 15)]++;
      }
    }
    assertEquals(7, hist.size(), "two roots, two layer-1 nodes per tree, the multiplicity claim");
    for (int k = 0; k < hist.size(); k++) {
      assertTrue(
          ChiSquare.uniform(hist.get(k), samples) < ChiSquare.CRITICAL_15_DF,
          "revealed value " + k);
    }
  }

  /**
   * Per tree: the root's P/Q, then layer 1's p0/q0 and p1/q1 (every instance has p at layer 1
   * here).
   */
  private static List<Ext2> ratios(LogUpProof proof) {
    List<Ext2> out = new ArrayList<>();
    for (int i = 0; i < proof.rootP().length; i++) {
      out.add(proof.rootP()[i].mul(proof.rootQ()[i].inv()));
    }
    Ext2[] e = proof.layers().get(0).evaluations(); // per instance p0, p1, q0, q1
    for (int i = 0; i + 3 < e.length; i += 4) {
      out.add(e[i].mul(e[i + 2].inv()));
      out.add(e[i + 1].mul(e[i + 3].inv()));
    }
    return out;
  }
}
