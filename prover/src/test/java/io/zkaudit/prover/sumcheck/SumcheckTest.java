package io.zkaudit.prover.sumcheck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.codec.ByteReader;
import io.zkaudit.codec.ByteWriter;
import io.zkaudit.field.Ext2;
import io.zkaudit.field.ExtVector;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.sumcheck.Composition;
import io.zkaudit.sumcheck.SumcheckProof;
import io.zkaudit.sumcheck.SumcheckResult;
import io.zkaudit.sumcheck.SumcheckVerifier;
import io.zkaudit.transcript.Transcript;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class SumcheckTest {

  /** A random statement: tables (base or extension), terms of degree <= maxDegree, maybe eq. */
  record Instance(VirtualPolynomial vp, Composition composition, Ext2[] eq, Ext2 claim) {}

  static Instance randomInstance(Random rng, int n, int degree, boolean withEq) {
    VirtualPolynomial vp = new VirtualPolynomial(n);
    int tables = 1 + rng.nextInt(4);
    for (int j = 0; j < tables; j++) {
      if (rng.nextBoolean()) {
        long[] t = new long[1 << n];
        for (int i = 0; i < t.length; i++) {
          t[i] = rng.nextInt(3) == 0 ? rng.nextInt(256) : Goldilocks.random(rng);
        }
        vp.addBase(t);
      } else {
        long[] t = ExtVector.allocate(1 << n);
        for (int i = 0; i < t.length; i++) {
          t[i] = Goldilocks.random(rng);
        }
        vp.addExt(t);
      }
    }
    int terms = 1 + rng.nextInt(4);
    for (int t = 0; t < terms; t++) {
      // The first term has the full degree, the others random degree 0..degree.
      int deg = t == 0 ? degree : rng.nextInt(degree + 1);
      int[] f = new int[deg];
      for (int k = 0; k < deg; k++) {
        f[k] = rng.nextInt(tables);
      }
      Ext2 c =
          switch (rng.nextInt(3)) {
            case 0 -> Ext2.ONE;
            case 1 -> Ext2.ofSigned(-3);
            default -> Ext2.random(rng);
          };
      vp.addTerm(c, f);
    }
    Ext2[] z = null;
    if (withEq) {
      z = new Ext2[n];
      for (int j = 0; j < n; j++) {
        z[j] = Ext2.random(rng);
      }
      vp.setEq(z);
    }
    return new Instance(vp, vp.composition(), z, vp.sum());
  }

  @Property(tries = 150)
  void completeness(
      @ForAll @IntRange(min = 0, max = 12) int n,
      @ForAll @IntRange(min = 1, max = 4) int degree,
      @ForAll boolean withEq,
      @ForAll long seed)
      throws InvalidProofException {
    Random rng = new Random(seed);
    Instance inst = randomInstance(rng, Math.min(n, rng.nextInt(13)), degree, withEq);
    n = inst.vp().numVars();
    Transcript pt = new Transcript("test");
    SumcheckProver.Output out = SumcheckProver.prove(inst.vp(), inst.claim(), pt);
    Transcript vt = new Transcript("test");
    SumcheckResult res =
        SumcheckVerifier.verify(inst.composition(), inst.eq(), n, inst.claim(), out.proof(), vt);
    assertArrayEquals(out.point(), res.point());
    assertArrayEquals(out.evaluations(), res.evaluations());
    assertEquals(pt.state(), vt.state(), "prover and verifier transcripts agree");
    for (int j = 0; j < inst.composition().numTables(); j++) {
      assertEquals(inst.vp().evaluateTable(j, res.point()), res.evaluation(j), "f_" + j + "(r)");
    }
    // The message sizes are the documented ones.
    int d = inst.composition().roundDegree(withEq);
    for (Ext2[] round : out.proof().rounds()) {
      assertEquals(d, round.length);
    }
  }

  @Test
  void largeParallelInstancesAgreeWithTheDirectSum() throws InvalidProofException {
    Random rng = new Random(7);
    for (boolean withEq : new boolean[] {false, true}) {
      for (int degree = 1; degree <= 3; degree++) {
        Instance inst = randomInstance(rng, 15, degree, withEq);
        SumcheckProver.Output out =
            SumcheckProver.prove(inst.vp(), inst.claim(), new Transcript("big"));
        SumcheckResult res =
            SumcheckVerifier.verify(
                inst.composition(),
                inst.eq(),
                15,
                inst.claim(),
                out.proof(),
                new Transcript("big"));
        for (int j = 0; j < inst.composition().numTables(); j++) {
          assertEquals(inst.vp().evaluateTable(j, res.point()), res.evaluation(j));
        }
      }
    }
  }

  @Test
  void parallelEqTableMatchesMle() {
    Random rng = new Random(12);
    for (int n : new int[] {0, 1, 4, 14}) {
      Ext2[] r = new Ext2[n];
      for (int j = 0; j < n; j++) {
        r[j] = Ext2.random(rng);
      }
      assertArrayEquals(Mle.eqTable(r), RoundEngine.eqTable(r));
    }
  }

  @Test
  void splitEqTablesAgreeWithTheDirectSum() throws InvalidProofException {
    // n - 1 >= SPLIT_EQ_MIN_VARS: eq(z_>i, .) is kept as two tables, then materialised.
    Random rng = new Random(17);
    int n = RoundEngine.SPLIT_EQ_MIN_VARS + 3;
    for (int degree : new int[] {1, 2}) {
      Instance inst = randomInstance(rng, n, degree, true);
      SumcheckProver.Output out =
          SumcheckProver.prove(inst.vp(), inst.claim(), new Transcript("split"));
      SumcheckResult res =
          SumcheckVerifier.verify(
              inst.composition(), inst.eq(), n, inst.claim(), out.proof(), new Transcript("split"));
      for (int j = 0; j < inst.composition().numTables(); j++) {
        assertEquals(inst.vp().evaluateTable(j, res.point()), res.evaluation(j));
      }
    }
  }

  @Test
  void inputTablesAreNotModified() {
    Random rng = new Random(3);
    long[] a = new long[1 << 13];
    long[] b = ExtVector.allocate(1 << 13);
    for (int i = 0; i < a.length; i++) {
      a[i] = Goldilocks.random(rng);
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = Goldilocks.random(rng);
    }
    long[] a0 = a.clone();
    long[] b0 = b.clone();
    VirtualPolynomial vp = new VirtualPolynomial(13);
    vp.addTerm(Ext2.ONE, vp.addBase(a), vp.addExt(b));
    SumcheckProver.prove(vp, vp.sum(), new Transcript("t"));
    assertArrayEquals(a0, a);
    assertArrayEquals(b0, b);
  }

  // ------------------------------------------------------------------------------------------
  // Soundness: every alteration is rejected.

  private static Instance fixed(boolean withEq, int n, int degree) {
    return randomInstance(
        new Random(11 + n + 31L * degree + (withEq ? 1000 : 0)), n, degree, withEq);
  }

  private static void assertRejected(Instance inst, Ext2 claim, SumcheckProof proof, Transcript t) {
    assertThrows(
        InvalidProofException.class,
        () ->
            SumcheckVerifier.verify(
                inst.composition(), inst.eq(), inst.vp().numVars(), claim, proof, t));
  }

  @Property(tries = 12)
  void everyRoundValueIsBound(
      @ForAll boolean withEq, @ForAll @IntRange(min = 1, max = 4) int degree) {
    Instance inst = fixed(withEq, 5, degree);
    SumcheckProof proof =
        SumcheckProver.prove(inst.vp(), inst.claim(), new Transcript("s")).proof();
    Ext2[][] rounds = proof.rounds();
    int altered = 0;
    for (int i = 0; i < rounds.length; i++) {
      for (int k = 0; k < rounds[i].length; k++) {
        for (Ext2 delta : new Ext2[] {Ext2.ONE, new Ext2(0, 1)}) {
          Ext2[][] bad = proof.rounds();
          bad[i][k] = bad[i][k].add(delta);
          assertRejected(
              inst, inst.claim(), new SumcheckProof(bad, proof.evaluations()), new Transcript("s"));
          altered++;
        }
      }
    }
    assertEquals(2 * 5 * inst.composition().roundDegree(withEq), altered);
  }

  @Property(tries = 12)
  void everyFinalEvaluationIsBound(
      @ForAll boolean withEq, @ForAll @IntRange(min = 1, max = 4) int degree) {
    Instance inst = fixed(withEq, 4, degree);
    SumcheckProof proof =
        SumcheckProver.prove(inst.vp(), inst.claim(), new Transcript("s")).proof();
    // Only evaluations that the composition depends on can be caught by the final check; the
    // others are still bound by the transcript and returned to the caller as obligations.
    boolean[] used = new boolean[inst.composition().numTables()];
    inst.composition()
        .terms()
        .forEach(t -> Arrays.stream(t.factors()).forEach(f -> used[f] = true));
    for (int j = 0; j < used.length; j++) {
      Ext2[] evals = proof.evaluations();
      evals[j] = evals[j].add(Ext2.ONE);
      SumcheckProof bad = new SumcheckProof(proof.rounds(), evals);
      if (used[j]) {
        assertRejected(inst, inst.claim(), bad, new Transcript("s"));
      }
    }
    // Wrong number of evaluations or rounds.
    assertRejected(
        inst,
        inst.claim(),
        new SumcheckProof(proof.rounds(), Arrays.copyOf(proof.evaluations(), used.length + 1)),
        new Transcript("s"));
    Ext2[][] fewer = Arrays.copyOf(proof.rounds(), 3);
    assertRejected(
        inst, inst.claim(), new SumcheckProof(fewer, proof.evaluations()), new Transcript("s"));
    Ext2[][] shortRound = proof.rounds();
    shortRound[2] = Arrays.copyOf(shortRound[2], shortRound[2].length - 1);
    assertRejected(
        inst,
        inst.claim(),
        new SumcheckProof(shortRound, proof.evaluations()),
        new Transcript("s"));
  }

  @Property(tries = 8)
  void theClaimAndTheTranscriptAreBound(
      @ForAll boolean withEq, @ForAll @IntRange(min = 1, max = 4) int degree) {
    Instance inst = fixed(withEq, 6, degree);
    SumcheckProof proof =
        SumcheckProver.prove(inst.vp(), inst.claim(), new Transcript("s")).proof();
    assertRejected(inst, inst.claim().add(Ext2.ONE), proof, new Transcript("s"));
    assertRejected(inst, inst.claim(), proof, new Transcript("other domain"));
    Transcript prefixed = new Transcript("s");
    prefixed.absorbField("extra", 1);
    assertRejected(inst, inst.claim(), proof, prefixed);
    // A different eq point is a different statement.
    if (withEq) {
      Ext2[] z2 = inst.eq().clone();
      z2[0] = z2[0].add(Ext2.ONE);
      assertThrows(
          InvalidProofException.class,
          () ->
              SumcheckVerifier.verify(
                  inst.composition(), z2, 6, inst.claim(), proof, new Transcript("s")));
    }
  }

  @Property(tries = 10)
  void aFalseClaimCannotBeProven(
      @ForAll boolean withEq, @ForAll @IntRange(min = 1, max = 4) int degree) {
    Instance inst = fixed(withEq, 5, degree);
    Ext2 wrong = inst.claim().add(Ext2.ofSigned(5));
    SumcheckProof proof = SumcheckProver.prove(inst.vp(), wrong, new Transcript("s")).proof();
    assertRejected(inst, wrong, proof, new Transcript("s"));
  }

  @Test
  void aTamperedChallengeIsDetected() {
    // A prover that uses a challenge not derived from the transcript (here: r_0 + 1) must fail.
    Instance inst = fixed(false, 4, 2);
    SumcheckProof honest =
        SumcheckProver.prove(inst.vp(), inst.claim(), new Transcript("s")).proof();
    // Re-run the honest prover on a transcript whose state differs after round 0's message: the
    // later rounds then answer other challenges and the proof is rejected in the original
    // transcript.
    Transcript other = new Transcript("s");
    other.absorbField("swap", 0);
    SumcheckProof fromOther = SumcheckProver.prove(inst.vp(), inst.claim(), other).proof();
    Ext2[][] mixed = honest.rounds();
    mixed[1] = fromOther.round(1);
    assertRejected(
        inst, inst.claim(), new SumcheckProof(mixed, honest.evaluations()), new Transcript("s"));
    assertRejected(inst, inst.claim(), fromOther, new Transcript("s"));
  }

  // ------------------------------------------------------------------------------------------
  // Encoding

  @Property(tries = 20)
  void encodingRoundTripsAndRejectsMalformedInput(
      @ForAll @IntRange(min = 0, max = 6) int n, @ForAll long seed) throws InvalidProofException {
    Random rng = new Random(seed);
    Instance inst = randomInstance(rng, n, 1 + rng.nextInt(4), rng.nextBoolean());
    SumcheckProof proof =
        SumcheckProver.prove(inst.vp(), inst.claim(), new Transcript("e")).proof();
    byte[] bytes = proof.toBytes();
    assertEquals(proof, SumcheckProof.fromBytes(bytes));
    // Truncated at every length, and one trailing byte.
    for (int cut = 0; cut < bytes.length; cut++) {
      byte[] shortBytes = Arrays.copyOf(bytes, cut);
      assertThrows(InvalidProofException.class, () -> SumcheckProof.fromBytes(shortBytes));
    }
    assertThrows(
        InvalidProofException.class,
        () -> SumcheckProof.fromBytes(Arrays.copyOf(bytes, bytes.length + 1)));
    // Every byte flipped: either a decode error or a proof the verifier rejects.
    for (int i = 0; i < bytes.length; i++) {
      byte[] bad = bytes.clone();
      bad[i] ^= (byte) (1 << rng.nextInt(8));
      try {
        SumcheckProof p = SumcheckProof.fromBytes(bad);
        if (!p.equals(proof)) {
          boolean onlyUnusedEvaluation = onlyUnusedEvaluationDiffers(inst.composition(), proof, p);
          if (!onlyUnusedEvaluation) {
            assertRejected(inst, inst.claim(), p, new Transcript("e"));
          }
        }
      } catch (InvalidProofException expected) {
        // rejected at decoding
      }
    }
  }

  private static boolean onlyUnusedEvaluationDiffers(
      Composition c, SumcheckProof a, SumcheckProof b) {
    if (!Arrays.deepEquals(a.rounds(), b.rounds())
        || a.evaluations().length != b.evaluations().length) {
      return false;
    }
    boolean[] used = new boolean[c.numTables()];
    c.terms().forEach(t -> Arrays.stream(t.factors()).forEach(f -> used[f] = true));
    for (int j = 0; j < used.length; j++) {
      if (used[j] && !a.evaluations()[j].equals(b.evaluations()[j])) {
        return false;
      }
    }
    return true;
  }

  @Test
  void oversizedAndNonCanonicalEncodingsAreRejected() {
    ByteWriter w = new ByteWriter().u32(SumcheckProof.MAX_ROUNDS + 1);
    assertThrows(InvalidProofException.class, () -> SumcheckProof.fromBytes(w.toByteArray()));
    ByteWriter w2 = new ByteWriter().u32(1).u32(9); // round with 9 > MAX values
    assertThrows(InvalidProofException.class, () -> SumcheckProof.fromBytes(w2.toByteArray()));
    ByteWriter w3 = new ByteWriter().u32(1).u32(1).u64(Goldilocks.P).u64(0).u32(0); // non-canonical
    assertThrows(InvalidProofException.class, () -> SumcheckProof.fromBytes(w3.toByteArray()));
    ByteWriter w4 = new ByteWriter().u32(-1);
    assertThrows(InvalidProofException.class, () -> SumcheckProof.fromBytes(w4.toByteArray()));
    ByteWriter ok = new ByteWriter().u32(1).u32(1).u64(5).u64(0).u32(0);
    assertTrue(assertDoesNotThrowDecode(ok.toByteArray()));
  }

  private static boolean assertDoesNotThrowDecode(byte[] b) {
    try {
      SumcheckProof.decode(new ByteReader(b));
      return true;
    } catch (InvalidProofException e) {
      return false;
    }
  }

  @Test
  void eqFactorMatchesAnExplicitEqTable() throws InvalidProofException {
    // The Gruen-style eq handling must agree with treating eq(z, .) as an ordinary table.
    Random rng = new Random(5);
    int n = 7;
    Ext2[] z = new Ext2[n];
    for (int j = 0; j < n; j++) {
      z[j] = Ext2.random(rng);
    }
    long[] f = new long[1 << n];
    for (int i = 0; i < f.length; i++) {
      f[i] = Goldilocks.random(rng);
    }
    VirtualPolynomial a = new VirtualPolynomial(n);
    int fa = a.addBase(f);
    a.addTerm(Ext2.ONE, fa, fa).setEq(z);
    VirtualPolynomial b = new VirtualPolynomial(n);
    int fb = b.addBase(f);
    int e = b.addExt(Mle.eqTable(z));
    b.addTerm(Ext2.ONE, fb, fb, e);
    assertEquals(a.sum(), b.sum());
    SumcheckProver.Output oa = SumcheckProver.prove(a, a.sum(), new Transcript("x"));
    SumcheckVerifier.verify(a.composition(), z, n, a.sum(), oa.proof(), new Transcript("x"));
    SumcheckProver.Output ob = SumcheckProver.prove(b, b.sum(), new Transcript("x"));
    SumcheckResult rb =
        SumcheckVerifier.verify(b.composition(), null, n, b.sum(), ob.proof(), new Transcript("x"));
    assertEquals(Mle.eq(z, rb.point()), rb.evaluation(e));
  }
}
