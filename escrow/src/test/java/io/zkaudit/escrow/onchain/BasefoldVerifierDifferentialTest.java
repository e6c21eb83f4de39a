package io.zkaudit.escrow.onchain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.escrow.AnvilExtension;
import io.zkaudit.escrow.chain.ChainNode;
import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.hash.Digest32;
import io.zkaudit.pcs.BasefoldVerifier;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.pcs.EvalClaim;
import io.zkaudit.pcs.OpeningProof;
import io.zkaudit.pcs.PcsParams;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.pcs.BasefoldProver;
import io.zkaudit.prover.pcs.Committed;
import io.zkaudit.transcript.Transcript;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;

/**
 * BasefoldVerifier.sol against the Java BasefoldVerifier on the same bytes: honest openings of
 * every shape (no folding, one oracle, several; one claim, many, sum claims, claims sharing a
 * point, Boolean tails), openings of false claims made by a cheating prover, and systematic
 * mutations of every section of the encoding. Both must accept exactly the same openings, for the
 * same reason, and leave the transcript in the same state.
 */
@ExtendWith(AnvilExtension.class)
class BasefoldVerifierDifferentialTest {
  private static final PcsParams PROVABLE = PcsParams.provable100();

  /** Other shapes of the same code: rate 1/2, 8-entry leaves, few queries. */
  private static final PcsParams SMALL = new PcsParams(1, 3, 2, 30, 4);

  private static final BigInteger FUNDS = new BigInteger("1000000000000000000000");

  /** An honest opening, its claims and the transcript state it starts from. */
  record Case(
      String name,
      PcsParams params,
      Commitment commitment,
      List<EvalClaim> claims,
      Digest32 stateIn,
      OpeningProof proof) {}

  private static Case honest(
      String name, PcsParams params, int n, int claimCount, long seed, boolean mixed) {
    Random rng = new Random(seed);
    long[] f = randomTable(rng, n);
    BasefoldProver prover = new BasefoldProver(params);
    Committed committed = prover.commit(f);
    int d = params.finalVars(n);
    List<EvalClaim> claims = new ArrayList<>();
    Ext2[] shared = point(rng, n, -1, d);
    for (int k = 0; k < claimCount; k++) {
      Ext2[] z =
          switch (mixed ? k % 4 : 0) {
            case 1 -> shared; // claims sharing a point (one tail expansion)
            case 2 -> point(rng, n, k, d); // a Boolean tail (a packed column's offset bits)
            default -> point(rng, n, -1, d);
          };
      if (mixed && k % 4 == 3) {
        // A sum claim: w1 f(z1) + w2 f(z2) = v, only v revealed.
        Ext2[] z2 = point(rng, n, -1, d);
        Ext2 w1 = Ext2.random(rng);
        Ext2 w2 = Ext2.random(rng);
        claims.add(
            new EvalClaim(
                List.of(new EvalClaim.Term(z, w1), new EvalClaim.Term(z2, w2)),
                w1.mul(Mle.evaluate(f, z)).add(w2.mul(Mle.evaluate(f, z2)))));
      } else {
        claims.add(new EvalClaim(z, Mle.evaluate(f, z)));
      }
    }
    Transcript t = new Transcript("zkaudit/test/onchain/" + name);
    Digest32 stateIn = t.state();
    OpeningProof proof = prover.open(committed, claims, t);
    return new Case(name, params, committed.commitment(), claims, stateIn, proof);
  }

  /** A uniformly random multilinear table in n variables. */
  static long[] randomTable(Random rng, int n) {
    long[] f = new long[1 << n];
    for (int i = 0; i < f.length; i++) {
      f[i] = Goldilocks.random(rng);
    }
    return f;
  }

  /** A random point; with corner >= 0 its last d coordinates are the bits of corner. */
  private static Ext2[] point(Random rng, int n, int corner, int d) {
    Ext2[] z = new Ext2[n];
    for (int j = 0; j < n; j++) {
      z[j] = corner >= 0 && j >= n - d ? Ext2.of((corner >>> (j - (n - d))) & 1) : Ext2.random(rng);
    }
    return z;
  }

  /** The Java verdict on these bytes, with the category the contract names it by. */
  record JavaVerdict(OpeningRejection reason, Digest32 stateOut, String message) {}

  private static JavaVerdict javaVerdict(Case c, List<EvalClaim> claims, byte[] proofBytes) {
    Transcript t = new Transcript("zkaudit/test/onchain/" + c.name());
    OpeningProof proof;
    try {
      proof = OpeningProof.decode(proofBytes, c.params(), c.commitment().numVars());
    } catch (InvalidProofException e) {
      return new JavaVerdict(OpeningRejection.MALFORMED, null, e.getMessage());
    }
    try {
      new BasefoldVerifier(c.params()).verify(c.commitment(), claims, proof, t);
      return new JavaVerdict(OpeningRejection.VALID, t.state(), "valid");
    } catch (InvalidProofException e) {
      return new JavaVerdict(category(e.getMessage()), null, e.getMessage());
    }
  }

  /** Java's rejection messages by the contract's categories. */
  static OpeningRejection category(String message) {
    if (message.contains("sumcheck round")) return OpeningRejection.SUMCHECK_ROUND;
    if (message.contains("final sumcheck claim")) return OpeningRejection.FINAL_CLAIM;
    if (message.contains("proof of work")) return OpeningRejection.PROOF_OF_WORK;
    if (message.contains("merkle")) return OpeningRejection.MERKLE_ROOT;
    if (message.contains("differs from the fold")) return OpeningRejection.FOLD_MISMATCH;
    if (message.contains("last fold differs")) return OpeningRejection.FINAL_FOLD;
    if (message.contains("opened rows")) return OpeningRejection.MALFORMED;
    throw new AssertionError("no category for the Java rejection: " + message);
  }

  private static OnChainOpeningVerifier deploy(ChainNode node, PcsParams params) {
    Credentials deployer = node.newAccount(FUNDS);
    return OnChainOpeningVerifier.deploy(node.web3j(), deployer, params);
  }

  private static List<Case> honestCases() {
    return List.of(
        honest("n0", PROVABLE, 0, 1, 1, false),
        honest("n5-no-folding", PROVABLE, 5, 3, 2, true),
        honest("n10-one-oracle", PROVABLE, 10, 1, 3, false),
        honest("n13-mixed", PROVABLE, 13, 9, 4, true),
        honest("n14-two-oracles", PROVABLE, 14, 5, 5, true),
        honest("n17-small-params", SMALL, 17, 6, 6, true),
        honest("n9-small-params", SMALL, 9, 2, 7, true));
  }

  @Test
  void acceptsExactlyWhatJavaAcceptsWithTheSameTranscript(ChainNode node) {
    Map<PcsParams, OnChainOpeningVerifier> verifiers =
        Map.of(PROVABLE, deploy(node, PROVABLE), SMALL, deploy(node, SMALL));
    for (Case c : honestCases()) {
      JavaVerdict java = javaVerdict(c, c.claims(), c.proof().encode());
      assertEquals(OpeningRejection.VALID, java.reason(), c.name() + ": " + java.message());
      OnChainOpeningVerifier.Verdict chain =
          verifiers
              .get(c.params())
              .verify(c.stateIn(), c.commitment(), c.claims(), c.proof().encode());
      assertEquals(OpeningRejection.VALID, chain.reason(), c.name() + ": " + chain);
      // Same transcript, word for word: every absorb and every challenge agreed.
      assertEquals(java.stateOut(), chain.stateOut(), c.name());
    }
  }

  /**
   * A cheating prover: an honest opening machinery run on a false claim, or on another polynomial.
   */
  @Test
  void rejectsOpeningsOfFalseClaims(ChainNode node) {
    OnChainOpeningVerifier verifier = deploy(node, PROVABLE);
    for (int n : new int[] {4, 12, 14}) {
      Random rng = new Random(100 + n);
      long[] f = randomTable(rng, n);
      BasefoldProver prover = new BasefoldProver(PROVABLE);
      Committed committed = prover.commit(f);
      Ext2[] z = point(rng, n, -1, PROVABLE.finalVars(n));
      Ext2 truth = Mle.evaluate(f, z);
      // 1. The claimed value is off by one; the prover runs its protocol on the false claim.
      List<EvalClaim> lie = List.of(new EvalClaim(z, truth.add(Ext2.ONE)));
      Transcript t = new Transcript("cheat");
      Digest32 stateIn = t.state();
      OpeningProof forged = prover.open(committed, lie, t);
      assertRejectedByBoth(
          verifier, committed.commitment(), lie, stateIn, forged, "false value, n = " + n);

      // 2. A proof about another polynomial g with g(z) = the claimed value, against f's root.
      long[] g = f.clone();
      g[0] = Goldilocks.add(g[0], 1);
      Committed other = prover.commit(g);
      List<EvalClaim> aboutG = List.of(new EvalClaim(z, Mle.evaluate(g, z)));
      Transcript t2 = new Transcript("cheat");
      OpeningProof substituted = prover.open(other, aboutG, t2);
      assertRejectedByBoth(
          verifier,
          committed.commitment(),
          aboutG,
          stateIn,
          substituted,
          "other polynomial, n = " + n);
    }
  }

  private static void assertRejectedByBoth(
      OnChainOpeningVerifier verifier,
      Commitment c,
      List<EvalClaim> claims,
      Digest32 stateIn,
      OpeningProof proof,
      String what) {
    Transcript t = new Transcript("cheat");
    InvalidProofException java =
        assertThrows(
            InvalidProofException.class,
            () -> new BasefoldVerifier(PROVABLE).verify(c, claims, proof, t),
            what);
    OnChainOpeningVerifier.Verdict chain = verifier.verify(stateIn, c, claims, proof.encode());
    assertFalse(chain.valid(), what);
    assertEquals(
        category(java.getMessage()), chain.reason(), what + ": Java said " + java.getMessage());
  }

  /**
   * Every section of the encoding, mutated at positions spread through it: the contract must reject
   * exactly when Java does, for the same reason.
   */
  @Test
  void mutationsOfEverySectionGetTheJavaVerdict(ChainNode node) {
    Map<PcsParams, OnChainOpeningVerifier> verifiers =
        Map.of(PROVABLE, deploy(node, PROVABLE), SMALL, deploy(node, SMALL));
    Map<OpeningRejection, Integer> seen = new EnumMap<>(OpeningRejection.class);
    int total = 0;
    for (Case c : List.of(honestCases().get(3), honestCases().get(4), honestCases().get(5))) {
      byte[] good = c.proof().encode();
      Random rng = new Random(c.name().hashCode());
      for (int[] section : sections(c.proof())) {
        int from = section[0];
        int to = section[1];
        if (to <= from) continue;
        for (int k = 0; k < 40; k++) {
          byte[] bad = good.clone();
          int at = from + rng.nextInt(to - from);
          bad[at] ^= (byte) (1 << rng.nextInt(8));
          JavaVerdict java = javaVerdict(c, c.claims(), bad);
          OnChainOpeningVerifier.Verdict chain =
              verifiers.get(c.params()).verify(c.stateIn(), c.commitment(), c.claims(), bad);
          assertEquals(
              java.reason(),
              chain.reason(),
              c.name()
                  + ", byte "
                  + at
                  + " of ["
                  + from
                  + ", "
                  + to
                  + "): Java said "
                  + java.message());
          seen.merge(chain.reason(), 1, Integer::sum);
          total++;
        }
      }
      // Truncations and trailing bytes: malformed for both.
      for (int cut : new int[] {0, 1, 3, good.length / 2, good.length - 1}) {
        byte[] truncated = java.util.Arrays.copyOf(good, cut);
        assertEquals(OpeningRejection.MALFORMED, javaVerdict(c, c.claims(), truncated).reason());
        assertEquals(
            OpeningRejection.MALFORMED,
            verifiers
                .get(c.params())
                .verify(c.stateIn(), c.commitment(), c.claims(), truncated)
                .reason());
        total++;
      }
      byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
      assertEquals(
          OpeningRejection.MALFORMED,
          verifiers
              .get(c.params())
              .verify(c.stateIn(), c.commitment(), c.claims(), longer)
              .reason());
    }
    assertTrue(total >= 1000, "only " + total + " mutations");
    // The mutations reach every check, not only the decoder.
    for (OpeningRejection r :
        List.of(
            OpeningRejection.MALFORMED,
            OpeningRejection.SUMCHECK_ROUND,
            OpeningRejection.FINAL_CLAIM,
            OpeningRejection.PROOF_OF_WORK,
            OpeningRejection.MERKLE_ROOT)) {
      assertTrue(seen.getOrDefault(r, 0) > 0, "no mutation was rejected as " + r + ": " + seen);
    }
  }

  /** [from, to) byte ranges of each section of an encoded opening. */
  private static List<int[]> sections(OpeningProof p) {
    OpeningEncoding.Sections s = OpeningEncoding.sections(p);
    List<int[]> out = new ArrayList<>();
    int rounds = 4 + 48 * p.rounds().size();
    int roots = 4 + 32 * p.oracleRoots().size();
    int fin = 4 + 16 * p.finalCoeffs().length;
    out.add(new int[] {0, 4}); // round count
    if (p.rounds().size() > 0) out.add(new int[] {4, rounds});
    out.add(new int[] {rounds, rounds + 4}); // root count
    if (p.oracleRoots().size() > 0) out.add(new int[] {rounds + 4, rounds + roots});
    out.add(new int[] {rounds + roots + 4, rounds + roots + fin}); // final coefficients
    out.add(new int[] {rounds + roots + fin, rounds + roots + fin + 8}); // nonce
    int at = s.header().length + 4;
    for (int i = 0; i < p.layers().size(); i++) {
      int rows = 4 + 8 * p.layers().get(i).rows().length;
      int len = s.layers().get(i).length;
      out.add(new int[] {at + 4, at + rows}); // rows
      out.add(new int[] {at + rows + 4, at + len}); // siblings
      at += len;
    }
    return out;
  }

  @Test
  void hostileClaimEncodingsAreRejectedNotCrashed(ChainNode node) {
    OnChainOpeningVerifier verifier = deploy(node, PROVABLE);
    Case c = honestCases().get(2);
    byte[] claims = OpeningEncoding.claims(c.claims());
    byte[] proof = c.proof().encode();
    Digest32 root = c.commitment().root();
    int n = c.commitment().numVars();
    List<byte[]> hostile =
        List.of(
            new byte[0],
            new byte[] {0, 0, 0, 0},
            java.util.Arrays.copyOf(claims, claims.length - 1),
            java.util.Arrays.copyOf(claims, claims.length + 16),
            setU32(claims, 0, -1),
            setU32(claims, 4, 0),
            setU32(claims, 4, 1 << 20));
    for (byte[] h : hostile) {
      assertEquals(
          OpeningRejection.BAD_CLAIMS, verifier.verify(c.stateIn(), root, n, h, proof).reason());
    }
    byte[] nonCanonical = claims.clone();
    for (int i = 8; i < 16; i++) nonCanonical[i] = (byte) 0xFF;
    assertEquals(
        OpeningRejection.BAD_CLAIMS,
        verifier.verify(c.stateIn(), root, n, nonCanonical, proof).reason());
    // A claim on a polynomial of more variables than any commitment has.
    assertEquals(
        OpeningRejection.BAD_CLAIMS,
        verifier.verify(c.stateIn(), root, 28, claims, proof).reason());
  }

  private static byte[] setU32(byte[] b, int at, int v) {
    byte[] out = b.clone();
    for (int i = 0; i < 4; i++) out[at + i] = (byte) (v >>> (8 * i));
    return out;
  }
}
