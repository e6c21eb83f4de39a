package io.zkaudit.prover.pcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.field.Ext2;
import io.zkaudit.pcs.BasefoldVerifier;
import io.zkaudit.pcs.BatchedOpening;
import io.zkaudit.pcs.BatchedOpeningProof;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.pcs.EvalClaim;
import io.zkaudit.pcs.OpeningProof;
import io.zkaudit.pcs.PcsParams;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.transcript.Transcript;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * One opening of several commitments of different sizes (BatchedOpening): honest batches of every
 * shape verify and agree with the prover on the opened leaves; false claims, a cheating prover that
 * shifts its reduced values along the reduction's kernel, swapped commitments and bit flips are
 * rejected; the batch is smaller than separate openings.
 */
class BatchedOpeningTest {
  static final PcsParams FAST =
      BasefoldTest.FAST; // rate 1/4, arity 3, final >= 2 variables, 24 queries
  static final String DOMAIN = "zkaudit/test/batched";

  record Batch(List<Committed> committed, List<List<EvalClaim>> claims, List<long[]> tables) {
    List<Commitment> commitments() {
      return committed.stream().map(Committed::commitment).toList();
    }
  }

  /**
   * Polynomials of these sizes (largest first), each with claims at random points, sum claims and
   * packed-column corners.
   */
  static Batch batch(PcsParams params, Random rng, int... numVars) {
    BasefoldProver prover = new BasefoldProver(params);
    List<Committed> committed = new ArrayList<>();
    List<List<EvalClaim>> claims = new ArrayList<>();
    List<long[]> tables = new ArrayList<>();
    for (int n : numVars) {
      long[] f = BasefoldTest.randomTable(rng, n);
      tables.add(f);
      committed.add(prover.commit(f));
      List<EvalClaim> cl = new ArrayList<>(BasefoldTest.claims(rng, f, 1 + rng.nextInt(3)));
      // a two-term claim (as a Libra mask's opening) and a point with a Boolean tail (as a packed
      // column's)
      Ext2[] z1 = BasefoldTest.randomPoint(rng, n);
      Ext2[] z2 = BasefoldTest.randomPoint(rng, n);
      Ext2 w = Ext2.random(rng);
      cl.add(
          new EvalClaim(
              List.of(new EvalClaim.Term(z1, Ext2.ONE), new EvalClaim.Term(z2, w)),
              Mle.evaluate(f, z1).add(w.mul(Mle.evaluate(f, z2)))));
      Ext2[] corner = BasefoldTest.randomPoint(rng, n);
      corner[n - 1] = Ext2.ONE;
      cl.add(new EvalClaim(corner, Mle.evaluate(f, corner)));
      claims.add(cl);
    }
    return new Batch(committed, claims, tables);
  }

  static List<io.zkaudit.pcs.OpenedLeaves> verify(
      PcsParams params, Batch b, BatchedOpeningProof proof) throws InvalidProofException {
    return BatchedOpening.verify(
        params, b.commitments(), b.claims(), proof, new Transcript(DOMAIN));
  }

  static BatchedBasefoldProver.Opened prove(PcsParams params, Batch b) {
    return new BatchedBasefoldProver(params)
        .open(b.committed(), b.claims(), new Transcript(DOMAIN));
  }

  @Property(tries = 25)
  void honestBatchesOfEveryShapeVerify(
      @ForAll @IntRange(min = 5, max = 12) int n,
      @ForAll @IntRange(min = 1, max = 5) int m,
      @ForAll @IntRange(min = 0, max = 1) int paramSet,
      @ForAll long seed)
      throws InvalidProofException {
    PcsParams params = paramSet == 0 ? FAST : new PcsParams(1, 4, 1, 20, 2);
    Random rng = new Random(seed);
    int folds = params.foldRounds(n);
    int[] sizes = new int[m];
    sizes[0] = n;
    for (int j = 1; j < m; j++) {
      sizes[j] = Math.max(n - folds + 1, sizes[j - 1] - rng.nextInt(3));
    }
    Batch b = batch(params, rng, sizes);
    BatchedBasefoldProver.Opened opened = prove(params, b);
    BatchedOpeningProof decoded =
        BatchedOpeningProof.decode(opened.proof().encode(), params, sizes);
    assertEquals(opened.proof(), decoded);
    Transcript proverSide = new Transcript(DOMAIN);
    new BatchedBasefoldProver(params).open(b.committed(), b.claims(), proverSide);
    Transcript verifierSide = new Transcript(DOMAIN);
    List<io.zkaudit.pcs.OpenedLeaves> leaves =
        BatchedOpening.verify(params, b.commitments(), b.claims(), decoded, verifierSide);
    assertEquals(
        proverSide.state(), verifierSide.state(), "both sides end in the same transcript state");
    assertEquals(m, leaves.size());
    for (int j = 0; j < m; j++) {
      assertArrayEquals(
          opened.leaves().get(j), leaves.get(j).leaves(), "opened leaves of polynomial " + j);
    }
  }

  @Test
  void joiningAtEveryRoundOfABlockVerifies() throws InvalidProofException {
    // FAST folds 3 variables per oracle: sizes 12, 12, 11, 10, 9 join at rounds 0, 0, 1, 2, 3 (the
    // next block's start)
    Batch b = batch(FAST, new Random(1), 12, 12, 11, 10, 9);
    verify(FAST, b, prove(FAST, b).proof());
  }

  @Test
  void aFalseClaimOnAnyPolynomialIsRejected() {
    for (int j = 0; j < 3; j++) {
      Batch b = batch(FAST, new Random(2), 11, 10, 8);
      List<List<EvalClaim>> claims = new ArrayList<>(b.claims());
      List<EvalClaim> cl = new ArrayList<>(claims.get(j));
      EvalClaim first = cl.getFirst();
      cl.set(0, new EvalClaim(first.point(), first.value().add(Ext2.ONE)));
      claims.set(j, cl);
      Batch lying = new Batch(b.committed(), claims, b.tables());
      BatchedOpeningProof proof = prove(FAST, lying).proof();
      InvalidProofException e =
          assertThrows(InvalidProofException.class, () -> verify(FAST, lying, proof));
      assertTrue(e.getMessage().startsWith("reduction round "), e.getMessage());
    }
  }

  /**
   * The attack a naive batch falls to: the reduction's last check is one linear equation in the
   * reported values s_j, so a prover can move them along its kernel (here s_0 up, s_1 down by the
   * matching amount). Theta is drawn after the values, so the combined claim is then false and the
   * opening fails.
   */
  @Test
  void reducedValuesShiftedAlongTheReductionsKernelAreRejected() {
    Batch b = batch(FAST, new Random(3), 11, 9);
    Transcript t = new Transcript(DOMAIN);
    BatchedBasefoldProver prover = new BatchedBasefoldProver(FAST);
    Ext2 rho = BatchedOpening.absorbHeader(t, FAST, b.commitments(), b.claims());
    BatchedBasefoldProver.Reduction honest = prover.reduce(b.committed(), b.claims(), rho, t);
    // weights of s_0 and s_1 in the last check: 2^-t_j g_j(r_suffix); shift so that the sum is
    // unchanged
    Ext2[] r = honest.point();
    Ext2 w0 = weight(b.claims().get(0), rho, Ext2.ONE, r, 0);
    Ext2 rho1 = Ext2.ONE;
    for (int k = 0; k < b.claims().get(0).size(); k++) {
      rho1 = rho1.mul(rho);
    }
    Ext2 w1 = weight(b.claims().get(1), rho, rho1, r, 2);
    Ext2 delta = Ext2.of(12345);
    Ext2[] s = honest.values();
    s[0] = s[0].add(delta.mul(w1));
    s[1] = s[1].sub(delta.mul(w0));
    BatchedBasefoldProver.Reduction shifted =
        new BatchedBasefoldProver.Reduction(honest.rounds(), r, s);
    BatchedOpeningProof proof = prover.openReduced(b.committed(), shifted, t).proof();
    InvalidProofException e =
        assertThrows(InvalidProofException.class, () -> verify(FAST, b, proof));
    assertTrue(
        e.getMessage().startsWith("sumcheck round 0"),
        "the reduction accepts, the combined opening refuses: " + e.getMessage());
  }

  /** 2^-t g(r_{>=t}) for a polynomial's claims, its first claim weighted rho^first. */
  private static Ext2 weight(List<EvalClaim> claims, Ext2 rho, Ext2 first, Ext2[] r, int t) {
    Ext2[] suffix = Arrays.copyOfRange(r, t, r.length);
    Ext2 g = Ext2.ZERO;
    Ext2 rhoK = first;
    for (EvalClaim c : claims) {
      for (EvalClaim.Term term : c.terms()) {
        g = g.add(rhoK.mul(term.weight()).mul(Mle.eq(term.point(), suffix)));
      }
      rhoK = rhoK.mul(rho);
    }
    Ext2 scale = Ext2.ONE;
    for (int i = 0; i < t; i++) {
      scale = scale.mul(Ext2.of(io.zkaudit.pcs.Basefold.INV2));
    }
    return g.mul(scale);
  }

  @Test
  void anotherPolynomialBehindAJoiningCommitmentIsRejected() {
    Random rng = new Random(4);
    Batch b = batch(FAST, rng, 11, 10);
    BatchedOpeningProof proof = prove(FAST, b).proof();
    Committed other = new BasefoldProver(FAST).commit(BasefoldTest.randomTable(rng, 10));
    List<Commitment> swapped = List.of(b.commitments().get(0), other.commitment());
    InvalidProofException e =
        assertThrows(
            InvalidProofException.class,
            () -> BatchedOpening.verify(FAST, swapped, b.claims(), proof, new Transcript(DOMAIN)));
    assertTrue(
        e.getMessage().contains("reduction round 0")
            || e.getMessage().contains("joining polynomial"),
        e.getMessage());
  }

  /**
   * A prover that opens the joining commitment honestly but folds another polynomial into the
   * combined codeword (the one its claims are about): the queries catch the mismatch.
   */
  @Test
  void aJoiningCodewordOtherThanTheCommittedOneIsCaught() {
    Random rng = new Random(5);
    Batch b = batch(FAST, rng, 11, 10);
    // the claims are true of g, but the commitment holds f: prove with g's tables, answer queries
    // from f's tree
    long[] g = BasefoldTest.randomTable(rng, 10);
    Committed gCommitted = new BasefoldProver(FAST).commit(g);
    List<EvalClaim> gClaims = BasefoldTest.claims(rng, g, 2);
    Committed forged =
        new Committed(
            b.committed().get(1).commitment(),
            null,
            gCommitted.evals,
            gCommitted.codeword(),
            b.committed().get(1).tree());
    BatchedOpeningProof proof =
        new BatchedBasefoldProver(FAST)
            .open(
                List.of(b.committed().get(0), forged),
                List.of(b.claims().get(0), gClaims),
                new Transcript(DOMAIN))
            .proof();
    Batch claimed = new Batch(b.committed(), List.of(b.claims().get(0), gClaims), b.tables());
    InvalidProofException e =
        assertThrows(InvalidProofException.class, () -> verify(FAST, claimed, proof));
    assertTrue(e.getMessage().contains("differs"), e.getMessage());
  }

  @Test
  void everyFlippedBitIsRejected() {
    Batch b = batch(FAST, new Random(6), 10, 9, 8);
    byte[] good = prove(FAST, b).proof().encode();
    int[] sizes = {10, 9, 8};
    Random rng = new Random(7);
    int rejected = 0;
    for (int trial = 0; trial < 300; trial++) {
      byte[] bad = good.clone();
      int at = trial < 100 ? trial * good.length / 100 : rng.nextInt(good.length);
      bad[at] ^= (byte) (1 << rng.nextInt(8));
      assertThrows(
          InvalidProofException.class,
          () -> verify(FAST, b, BatchedOpeningProof.decode(bad, FAST, sizes)),
          "flip at byte " + at);
      rejected++;
    }
    assertEquals(300, rejected);
    assertThrows(
        InvalidProofException.class,
        () -> BatchedOpeningProof.decode(Arrays.copyOf(good, good.length - 1), FAST, sizes));
    assertThrows(
        InvalidProofException.class,
        () -> BatchedOpeningProof.decode(Arrays.copyOf(good, good.length + 1), FAST, sizes));
  }

  @Test
  void sizesThatCannotShareAnOpeningAreRefused() {
    // FAST at 10 variables folds 6 rounds: a polynomial of 4 variables would join after the folding
    assertThrows(
        InvalidProofException.class, () -> BatchedOpening.checkSizes(FAST, new int[] {10, 4}));
    assertThrows(
        InvalidProofException.class, () -> BatchedOpening.checkSizes(FAST, new int[] {9, 10}));
    assertThrows(InvalidProofException.class, () -> BatchedOpening.checkSizes(FAST, new int[] {}));
    Random rng = new Random(8);
    Batch small = batch(FAST, rng, 10, 4);
    assertThrows(IllegalArgumentException.class, () -> prove(FAST, small));
  }

  /**
   * The point of batching: the folded oracles, the final polynomial and the grinding are shared.
   */
  @Test
  void aBatchIsSmallerThanSeparateOpenings() throws InvalidProofException {
    PcsParams params = PcsParams.provable100();
    Batch b = batch(params, new Random(9), 16, 15, 13);
    int batched = prove(params, b).proof().encodedSize();
    int separate = 0;
    BasefoldProver prover = new BasefoldProver(params);
    for (int j = 0; j < 3; j++) {
      OpeningProof p = prover.open(b.committed().get(j), b.claims().get(j), new Transcript(DOMAIN));
      new BasefoldVerifier(params)
          .verify(b.commitments().get(j), b.claims().get(j), p, new Transcript(DOMAIN));
      separate += p.encodedSize();
    }
    assertTrue(batched < 0.9 * separate, "batched " + batched + " bytes, separate " + separate);
    verify(params, b, prove(params, b).proof());
    System.out.printf(
        "batched opening of 2^16, 2^15, 2^13: %d bytes; three openings: %d bytes%n",
        batched, separate);
  }

  @Test
  void aSingleCommitmentBatchVerifies() throws InvalidProofException {
    Batch b = batch(FAST, new Random(10), 9);
    List<io.zkaudit.pcs.OpenedLeaves> leaves = verify(FAST, b, prove(FAST, b).proof());
    assertEquals(1, leaves.size());
    assertTrue(IntStream.of(leaves.getFirst().leaves()).allMatch(l -> l >= 0));
  }
}
