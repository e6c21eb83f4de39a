package io.zkaudit.escrow.onchain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.escrow.AnvilExtension;
import io.zkaudit.escrow.chain.ChainNode;
import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.hash.Digest32;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.sumcheck.SumcheckProver;
import io.zkaudit.prover.sumcheck.VirtualPolynomial;
import io.zkaudit.sumcheck.Composition;
import io.zkaudit.sumcheck.MaskPolynomial;
import io.zkaudit.sumcheck.MaskedSumcheckProof;
import io.zkaudit.sumcheck.SumcheckProof;
import io.zkaudit.sumcheck.SumcheckResult;
import io.zkaudit.sumcheck.SumcheckVerifier;
import io.zkaudit.transcript.Transcript;
import io.zkaudit.zk.ZkRandom;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SumcheckVerifier.sol against the Java SumcheckVerifier on the same bytes: random compositions of
 * every degree the layers use, with and without an eq factor, plain, masked and with an open end;
 * mutations of every round, the evaluations and the statement. Both accept exactly the same
 * sumchecks, for the same reason, and end in the same state with the same point and evaluations.
 */
@ExtendWith(AnvilExtension.class)
class SumcheckVerifierDifferentialTest {
  private static final BigInteger FUNDS = new BigInteger("1000000000000000000000");

  /** One sumcheck: its statement, the transcript before it and the proof's bytes. */
  record Case(
      String name,
      SumcheckEncoding.Mode mode,
      Composition composition,
      Ext2[] eq,
      int numVars,
      Ext2 claim,
      Ext2 maskSum,
      Ext2 maskEval,
      int degree,
      int sent,
      Transcript before,
      byte[] proof) {
    List<BigInteger> spec() {
      return switch (mode) {
        case PLAIN -> SumcheckEncoding.plain(composition, eq, numVars, claim);
        case MASKED -> SumcheckEncoding.masked(composition, eq, numVars, claim, maskSum, maskEval);
        case OPEN_END -> SumcheckEncoding.openEnd(numVars, degree, claim, maskSum, sent);
      };
    }

    Case withClaim(Ext2 c) {
      return new Case(
          name, mode, composition, eq, numVars, c, maskSum, maskEval, degree, sent, before, proof);
    }

    Case withMask(Ext2 sum, Ext2 eval) {
      return new Case(
          name, mode, composition, eq, numVars, claim, sum, eval, degree, sent, before, proof);
    }
  }

  static Ext2 random(Random rng) {
    return new Ext2(Goldilocks.random(rng), Goldilocks.random(rng));
  }

  /** A random instance proven honestly in the given mode. */
  static Case honest(String name, SumcheckEncoding.Mode mode, int n, int degree, boolean withEq) {
    Random rng = new Random(name.hashCode());
    int tables = 1 + rng.nextInt(4);
    VirtualPolynomial vp = new VirtualPolynomial(n);
    List<long[]> ts = new ArrayList<>();
    for (int j = 0; j < tables; j++) {
      long[] t = new long[1 << n];
      for (int x = 0; x < t.length; x++) {
        t[x] = Goldilocks.random(rng);
      }
      ts.add(t);
      vp.addBase(t);
    }
    int terms = 1 + rng.nextInt(3);
    for (int k = 0; k < terms; k++) {
      int d = k == 0 ? degree : rng.nextInt(degree + 1);
      int[] f = new int[d];
      for (int i = 0; i < d; i++) {
        f[i] = rng.nextInt(tables);
      }
      vp.addTerm(random(rng), f);
    }
    Ext2[] eq = null;
    if (withEq) {
      eq = new Ext2[n];
      for (int j = 0; j < n; j++) {
        eq[j] = random(rng);
      }
      vp.setEq(eq);
    }
    Composition c = vp.composition();
    long[] eqTable = eq == null ? null : Mle.eqTable(eq);
    Ext2 claim = Ext2.ZERO;
    for (int x = 0; x < 1 << n; x++) {
      Ext2[] v = new Ext2[tables];
      for (int j = 0; j < tables; j++) {
        v[j] = Ext2.of(ts.get(j)[x]);
      }
      Ext2 s = c.evaluate(v);
      if (eqTable != null) {
        s = s.mul(new Ext2(eqTable[2 * x], eqTable[2 * x + 1]));
      }
      claim = claim.add(s);
    }
    Transcript t = new Transcript("zkaudit/test/onchain-sumcheck/" + name);
    t.absorbBytes("test/before", name.getBytes(StandardCharsets.UTF_8));
    Transcript before = t.fork();
    int roundDegree = c.roundDegree(withEq);
    return switch (mode) {
      case PLAIN -> {
        SumcheckProof p = SumcheckProver.prove(vp, claim, t).proof();
        yield new Case(
            name, mode, c, eq, n, claim, Ext2.ZERO, Ext2.ZERO, 0, 0, before, p.toBytes());
      }
      case MASKED -> {
        MaskPolynomial mask = ZkRandom.seeded(name.hashCode()).mask(n, roundDegree);
        MaskedSumcheckProof p = SumcheckProver.proveMasked(vp, claim, mask, t).proof();
        yield new Case(
            name,
            mode,
            c,
            eq,
            n,
            claim,
            p.maskSum(),
            p.maskEval(),
            0,
            0,
            before,
            p.proof().toBytes());
      }
      case OPEN_END -> {
        MaskPolynomial mask = ZkRandom.seeded(name.hashCode()).mask(n, roundDegree);
        Ext2 offset = random(rng);
        int hidden = tables > 1 ? rng.nextInt(tables) : -1;
        SumcheckProver.OpenEndOutput o =
            SumcheckProver.proveMaskedOpenEnd(vp, claim, offset, mask, hidden, t);
        yield new Case(
            name,
            mode,
            c,
            eq,
            n,
            claim.add(offset),
            o.maskSum(),
            Ext2.ZERO,
            roundDegree,
            tables - (hidden >= 0 ? 1 : 0),
            before,
            o.proof().toBytes());
      }
    };
  }

  static List<Case> honestCases() {
    List<Case> out = new ArrayList<>();
    int[][] shapes = {{0, 1}, {1, 2}, {3, 2}, {5, 3}, {7, 4}, {9, 2}};
    for (SumcheckEncoding.Mode mode : SumcheckEncoding.Mode.values()) {
      for (int[] s : shapes) {
        for (boolean withEq : new boolean[] {false, true}) {
          if (mode == SumcheckEncoding.Mode.OPEN_END && s[0] == 0) continue;
          out.add(
              honest(
                  mode + "-n" + s[0] + "-d" + s[1] + (withEq ? "-eq" : ""),
                  mode,
                  s[0],
                  s[1],
                  withEq));
        }
      }
    }
    return out;
  }

  /** Java's verdict by the contract's categories, with what it returns. */
  record JavaVerdict(
      SumcheckRejection reason,
      Digest32 stateOut,
      Ext2[] point,
      Ext2[] evaluations,
      Ext2 maskWeight,
      Ext2 finalClaim,
      String message) {}

  static JavaVerdict java(Case c, byte[] bytes) {
    SumcheckProof p;
    try {
      p = SumcheckProof.fromBytes(bytes);
    } catch (InvalidProofException e) {
      return new JavaVerdict(
          SumcheckRejection.MALFORMED, null, null, null, null, null, e.getMessage());
    }
    Transcript t = c.before().fork();
    try {
      return switch (c.mode()) {
        case PLAIN -> {
          SumcheckResult r =
              SumcheckVerifier.verify(c.composition(), c.eq(), c.numVars(), c.claim(), p, t);
          yield new JavaVerdict(
              SumcheckRejection.VALID, t.state(), r.point(), r.evaluations(), null, null, "valid");
        }
        case MASKED -> {
          SumcheckResult r =
              SumcheckVerifier.verifyMasked(
                  c.composition(),
                  c.eq(),
                  c.numVars(),
                  c.claim(),
                  new MaskedSumcheckProof(p, c.maskSum(), c.maskEval()),
                  t);
          yield new JavaVerdict(
              SumcheckRejection.VALID, t.state(), r.point(), r.evaluations(), null, null, "valid");
        }
        case OPEN_END -> {
          SumcheckVerifier.OpenEnd o =
              SumcheckVerifier.verifyMaskedOpenEnd(
                  c.numVars(), c.degree(), c.claim(), p, c.maskSum(), c.sent(), t);
          yield new JavaVerdict(
              SumcheckRejection.VALID,
              t.state(),
              o.point(),
              o.evaluations(),
              o.maskWeight(),
              o.finalClaim(),
              "valid");
        }
      };
    } catch (InvalidProofException e) {
      SumcheckRejection reason = SumcheckRejection.ofJavaMessage(e.getMessage());
      assertNotNull(reason, "no category for the Java rejection: " + e.getMessage());
      return new JavaVerdict(reason, null, null, null, null, null, e.getMessage());
    }
  }

  static SumcheckRejection assertSameVerdict(
      OnChainSumcheckVerifier v, Case c, byte[] bytes, String what) {
    JavaVerdict java = java(c, bytes);
    OnChainSumcheckVerifier.Verdict chain = v.verify(c.before().state(), c.spec(), bytes);
    assertEquals(
        java.reason(),
        chain.reason(),
        what + ": Java said " + java.message() + "; the contract's detail " + chain.detail());
    if (java.reason() == SumcheckRejection.VALID) {
      assertEquals(java.stateOut(), chain.stateOut(), what);
      assertArrayEquals(java.point(), chain.point(), what);
      assertArrayEquals(java.evaluations(), chain.evaluations(), what);
      if (c.mode() == SumcheckEncoding.Mode.OPEN_END) {
        assertEquals(java.maskWeight(), chain.maskWeight(), what);
        assertEquals(java.finalClaim(), chain.finalClaim(), what);
      }
    }
    return java.reason();
  }

  static SumcheckProof decode(byte[] bytes) {
    try {
      return SumcheckProof.fromBytes(bytes);
    } catch (InvalidProofException e) {
      throw new AssertionError(e);
    }
  }

  static OnChainSumcheckVerifier deploy(ChainNode node) {
    return OnChainSumcheckVerifier.deploy(node.web3j(), node.newAccount(FUNDS));
  }

  @Test
  void acceptsHonestSumchecksWithJavasStatePointAndEvaluations(ChainNode node) {
    OnChainSumcheckVerifier v = deploy(node);
    assertTrue(v.codeSize() <= 24_576, "EIP-170: " + v.codeSize() + " bytes");
    for (Case c : honestCases()) {
      assertEquals(SumcheckRejection.VALID, java(c, c.proof()).reason(), c.name());
      assertSameVerdict(v, c, c.proof(), c.name());
      assertEquals(SumcheckRejection.VALID, v.check(c.before().state(), c.spec(), c.proof()));
    }
  }

  /**
   * Bit flips over every round message, its count and the evaluations; truncations and a trailing
   * byte; a false claim, mask sum and mask value, and a statement with another number of variables:
   * Java's verdict and reason each time, every reason reached.
   */
  @Test
  void mutationsGetJavasVerdict(ChainNode node) {
    OnChainSumcheckVerifier v = deploy(node);
    Map<SumcheckRejection, Integer> seen = new EnumMap<>(SumcheckRejection.class);
    int total = 0;
    for (Case c : honestCases()) {
      byte[] good = c.proof();
      Random rng = new Random(c.name().hashCode());
      for (int k = 0; k < 30; k++) {
        byte[] bad = good.clone();
        int at = rng.nextInt(bad.length);
        bad[at] ^= (byte) (1 << rng.nextInt(8));
        seen.merge(assertSameVerdict(v, c, bad, c.name() + " byte " + at), 1, Integer::sum);
        total++;
      }
      for (int cut : new int[] {0, 3, good.length / 2, good.length - 1}) {
        seen.merge(
            assertSameVerdict(v, c, Arrays.copyOf(good, cut), c.name() + " cut " + cut),
            1,
            Integer::sum);
        total++;
      }
      seen.merge(
          assertSameVerdict(v, c, Arrays.copyOf(good, good.length + 1), c.name() + " +1"),
          1,
          Integer::sum);
      List<Case> statements = new ArrayList<>();
      statements.add(c.withClaim(c.claim().add(Ext2.ONE)));
      if (c.mode() != SumcheckEncoding.Mode.PLAIN) {
        statements.add(c.withMask(c.maskSum().add(Ext2.ONE), c.maskEval()));
        if (c.mode() == SumcheckEncoding.Mode.MASKED) {
          statements.add(c.withMask(c.maskSum(), c.maskEval().add(Ext2.ONE)));
        }
      }
      // Well-formed proofs of the wrong shape: a round with one value more, one evaluation less,
      // one round less.
      SumcheckProof p = decode(good);
      List<byte[]> shapes = new ArrayList<>();
      Ext2[][] rounds = p.rounds();
      if (rounds.length > 0) {
        Ext2[][] longer = p.rounds();
        longer[0] = Arrays.copyOf(longer[0], longer[0].length + 1);
        longer[0][longer[0].length - 1] = Ext2.ONE;
        shapes.add(new SumcheckProof(longer, p.evaluations()).toBytes());
        shapes.add(
            new SumcheckProof(Arrays.copyOf(rounds, rounds.length - 1), p.evaluations()).toBytes());
      }
      Ext2[] evals = p.evaluations();
      shapes.add(new SumcheckProof(rounds, Arrays.copyOf(evals, evals.length - 1)).toBytes());
      for (byte[] b : shapes) {
        seen.merge(assertSameVerdict(v, c, b, c.name() + " shape"), 1, Integer::sum);
        total++;
      }
      for (Case s : statements) {
        seen.merge(assertSameVerdict(v, s, good, c.name() + " statement"), 1, Integer::sum);
        total++;
      }
      total += 1;
    }
    assertTrue(total >= 1000, "only " + total + " mutations");
    for (SumcheckRejection r :
        List.of(
            SumcheckRejection.VALID,
            SumcheckRejection.MALFORMED,
            SumcheckRejection.ROUNDS,
            SumcheckRejection.ROUND_SHAPE,
            SumcheckRejection.EVALUATION_COUNT,
            SumcheckRejection.EMPTY_MASK,
            SumcheckRejection.FINAL_CLAIM)) {
      assertTrue(seen.getOrDefault(r, 0) > 0, "no mutation was judged " + r + ": " + seen);
    }
  }

  @Test
  void hostileSpecsAreRejectedAsSuch(ChainNode node) {
    OnChainSumcheckVerifier v = deploy(node);
    Case c = honestCases().get(3); // plain, 3 variables, an eq factor
    List<BigInteger> spec = c.spec();
    List<List<BigInteger>> bad = new ArrayList<>();
    bad.add(spec.subList(0, spec.size() - 1));
    List<BigInteger> longer = new ArrayList<>(spec);
    longer.add(BigInteger.ZERO);
    bad.add(longer);
    for (int[] change : new int[][] {{0, 41}, {1, 3}, {5, 2}}) {
      List<BigInteger> b = new ArrayList<>(spec);
      b.set(change[0], BigInteger.valueOf(change[1]));
      bad.add(b);
    }
    List<BigInteger> nonCanonical = new ArrayList<>(spec);
    nonCanonical.set(
        2,
        BigInteger.valueOf(Goldilocks.P)
            .and(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE)));
    bad.add(nonCanonical);
    List<BigInteger> masked = new ArrayList<>(spec);
    masked.set(3, BigInteger.ONE); // a mask sum in a plain sumcheck
    bad.add(masked);
    List<BigInteger> factor = new ArrayList<>(spec);
    factor.set(factor.size() - 1, BigInteger.valueOf(99)); // a factor outside the tables
    bad.add(factor);
    for (List<BigInteger> b : bad) {
      assertEquals(
          SumcheckRejection.BAD_STATEMENT,
          v.verify(c.before().state(), b, c.proof()).reason(),
          b.toString());
    }
  }

  /** Gas of one sumcheck per shape (eth_estimateGas of a transaction) into the gas doc. */
  @Test
  void writesTheGasTable(ChainNode node) throws IOException {
    OnChainSumcheckVerifier v =
        OnChainSumcheckVerifier.deploy(
            node.web3j(), node.namedAccount("onchain sumcheck gas table", FUNDS));
    StringBuilder rows = new StringBuilder();
    for (Case c : honestCases()) {
      long gas = v.estimateGas(c.before().state(), c.spec(), c.proof());
      rows.append(
          String.format(
              "| %s | %d | %d | %s | %,d | %,d | %,d |%n",
              c.mode().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
              c.numVars(),
              c.mode() == SumcheckEncoding.Mode.OPEN_END
                  ? c.degree()
                  : c.composition().roundDegree(c.eq() != null),
              c.eq() != null ? "yes" : "no",
              c.proof().length,
              c.spec().size(),
              gas));
    }
    GasDoc.writeSection(
        LogUpVerifierDifferentialTest.gasDoc(),
        GasDoc.SUMCHECK,
        SUMCHECK_HEADING
            + "\n\n"
            + """
            Generated by `SumcheckVerifierDifferentialTest` (escrow module) on a local Anvil node;
            do not edit. One sumcheck of a random composition per row, `SumcheckVerifier.verify`
            as a transaction would run it (eth_estimateGas: the 21,000, the calldata of the proof
            and of the spec as 32-byte words, the verification). Runtime bytecode: %,d bytes.

            | mode | variables | round degree | eq factor | proof bytes | spec words | gas |
            |---|---:|---:|---|---:|---:|---:|
            %s\
            """
                .formatted(v.codeSize(), rows));
  }

  static final String SUMCHECK_HEADING = "## The layer sumcheck (SumcheckVerifier.sol)";
}
