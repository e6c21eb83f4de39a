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
import io.zkaudit.inference.ModelProofOpenings;
import io.zkaudit.pcs.BatchedOpening;
import io.zkaudit.pcs.BatchedOpeningProof;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.pcs.EvalClaim;
import io.zkaudit.pcs.OpeningProof;
import io.zkaudit.pcs.PcsParams;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.pcs.BasefoldProver;
import io.zkaudit.prover.pcs.BatchedBasefoldProver;
import io.zkaudit.prover.pcs.Committed;
import io.zkaudit.transcript.Transcript;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * BatchedOpeningVerifier.sol against the Java BatchedOpening.verify on the same bytes: honest
 * batched openings of several shapes (one polynomial; several of different sizes joining at
 * different rounds, two at round 0, in both oracles; many claims; other parameters) and the one of
 * a real MNIST CNN proof; cheating provers; systematic mutations of every section. Both must accept
 * exactly the same openings, for the same reason, and leave the transcript in the same state.
 */
@ExtendWith(AnvilExtension.class)
class BatchedOpeningDifferentialTest {
  private static final PcsParams PROVABLE = PcsParams.provable100();
  private static final PcsParams SMALL = new PcsParams(1, 3, 2, 30, 4);
  private static final BigInteger FUNDS = new BigInteger("1000000000000000000000");

  /**
   * A second node whose calls may use up to 2,000,000,000 gas (calls default to the block gas
   * limit): the MNIST CNN's batched opening takes more than Anvil's default 30M in one call, and
   * its statement more than one transaction may carry (docs/onchain-verifier.md). Its verdicts are
   * still the contract's; only mainnet's per-call budget is lifted.
   */
  private static ChainNode large;

  static synchronized ChainNode largeNode() {
    if (large == null) {
      large =
          ChainNode.start(
              io.zkaudit.escrow.chain.AnvilBinary.locate(), List.of("--gas-limit", "2000000000"));
    }
    return large;
  }

  private static org.web3j.protocol.Web3j largeClient;

  /**
   * A client of that node that waits minutes for an answer: a call of ~100M gas, and the several
   * runs of it an eth_estimateGas makes, outlast the default 10 s read timeout on a loaded machine.
   */
  static synchronized org.web3j.protocol.Web3j largeWeb3j() {
    if (largeClient == null) {
      largeClient =
          org.web3j.protocol.Web3j.build(
              new org.web3j.protocol.http.HttpService(
                  largeNode().rpcUrl(),
                  new okhttp3.OkHttpClient.Builder()
                      .readTimeout(java.time.Duration.ofMinutes(10))
                      .build()));
    }
    return largeClient;
  }

  /** A verifier on the node without the per-call budget. */
  static OnChainBatchedVerifier deployLarge(String account) {
    return OnChainBatchedVerifier.deploy(
        largeWeb3j(), largeNode().namedAccount(account, FUNDS), PROVABLE);
  }

  @org.junit.jupiter.api.AfterAll
  static synchronized void stopLargeNode() {
    if (largeClient != null) {
      largeClient.shutdown();
      largeClient = null;
    }
    if (large != null) {
      large.close();
      large = null;
    }
  }

  /** A batched opening, its statement and the transcript it starts from. */
  record Case(
      String name,
      PcsParams params,
      List<Commitment> commitments,
      List<List<EvalClaim>> claims,
      Transcript start,
      BatchedOpeningProof proof) {
    int[] numVars() {
      return commitments.stream().mapToInt(Commitment::numVars).toArray();
    }

    byte[] polynomials() {
      return BatchedOpeningEncoding.polynomials(commitments, claims);
    }
  }

  /** Random polynomials of these sizes with their claims (true ones). */
  record Polys(List<long[]> tables, List<Committed> committed, List<List<EvalClaim>> claims) {}

  static Polys polys(PcsParams params, int[] sizes, int claimsEach, long seed, boolean mixed) {
    Random rng = new Random(seed);
    BasefoldProver prover = new BasefoldProver(params);
    List<long[]> tables = new ArrayList<>();
    List<Committed> committed = new ArrayList<>();
    List<List<EvalClaim>> claims = new ArrayList<>();
    for (int n : sizes) {
      long[] f = BasefoldVerifierDifferentialTest.randomTable(rng, n);
      tables.add(f);
      committed.add(prover.commit(f));
      List<EvalClaim> own = new ArrayList<>();
      Ext2[] shared = point(rng, n);
      for (int k = 0; k < claimsEach; k++) {
        switch (mixed ? k % 3 : 0) {
          case 1 -> own.add(new EvalClaim(shared, Mle.evaluate(f, shared)));
          case 2 -> {
            Ext2[] z1 = point(rng, n);
            Ext2[] z2 = point(rng, n);
            Ext2 w1 = Ext2.random(rng);
            Ext2 w2 = Ext2.random(rng);
            own.add(
                new EvalClaim(
                    List.of(new EvalClaim.Term(z1, w1), new EvalClaim.Term(z2, w2)),
                    w1.mul(Mle.evaluate(f, z1)).add(w2.mul(Mle.evaluate(f, z2)))));
          }
          default -> {
            Ext2[] z = point(rng, n);
            own.add(new EvalClaim(z, Mle.evaluate(f, z)));
          }
        }
      }
      claims.add(own);
    }
    return new Polys(tables, committed, claims);
  }

  private static Ext2[] point(Random rng, int n) {
    Ext2[] z = new Ext2[n];
    for (int j = 0; j < n; j++) {
      z[j] = Ext2.random(rng);
    }
    return z;
  }

  static Case honest(
      String name, PcsParams params, int[] sizes, int claimsEach, long seed, boolean mixed) {
    Polys p = polys(params, sizes, claimsEach, seed, mixed);
    Transcript t = new Transcript("zkaudit/test/onchain-batched/" + name);
    Transcript start = t.fork();
    BatchedOpeningProof proof =
        new BatchedBasefoldProver(params).open(p.committed(), p.claims(), t).proof();
    return new Case(
        name,
        params,
        p.committed().stream().map(Committed::commitment).toList(),
        p.claims(),
        start,
        proof);
  }

  static Case mnist() throws Exception {
    ModelProofOpenings.Opening o = ModelBatchedOpenings.mnist();
    return new Case(
        "mnist-cnn",
        PROVABLE,
        o.commitments(),
        o.claims(),
        o.before().fork(),
        BatchedOpeningProof.decode(
            o.proof(), PROVABLE, o.commitments().stream().mapToInt(Commitment::numVars).toArray()));
  }

  /**
   * Openings that one call checks within Anvil's 30M gas per call (the MNIST CNN's does not: it is
   * checked through the multi-transaction flow).
   */
  static List<Case> syntheticCases() {
    return List.of(
        honest("one-polynomial", PROVABLE, new int[] {12}, 3, 1, true),
        // Joins at round 1 (oracle 0) and round 4 (oracle 1's first).
        honest("joins", PROVABLE, new int[] {14, 13, 10}, 2, 2, true),
        honest("many-claims", PROVABLE, new int[] {12, 9}, 24, 3, true),
        // 8-entry leaves, 9 folding rounds in 3 oracles: joins at rounds 0 (twice: the same size),
        // 1 and 2 (oracle 0), 3 and 5 (oracle 1), 8 (oracle 2, its last round).
        honest("many-joins", SMALL, new int[] {13, 13, 12, 11, 10, 8, 5}, 2, 4, true));
  }

  /** The Java verdict on these bytes, with the category the contract names it by. */
  record JavaVerdict(OpeningRejection reason, Digest32 stateOut, String message) {}

  static JavaVerdict javaVerdict(Case c, byte[] bytes) {
    Transcript t = c.start().fork();
    BatchedOpeningProof proof;
    try {
      proof = BatchedOpeningProof.decode(bytes, c.params(), c.numVars());
    } catch (InvalidProofException e) {
      return new JavaVerdict(OpeningRejection.MALFORMED, null, e.getMessage());
    }
    try {
      BatchedOpening.verify(c.params(), c.commitments(), c.claims(), proof, t);
      return new JavaVerdict(OpeningRejection.VALID, t.state(), "valid");
    } catch (InvalidProofException e) {
      return new JavaVerdict(category(e.getMessage()), null, e.getMessage());
    }
  }

  /** Java's rejection messages by the contract's categories. */
  static OpeningRejection category(String message) {
    if (message.contains("reduction round")) return OpeningRejection.REDUCTION_ROUND;
    if (message.contains("reduced values do not match")) return OpeningRejection.REDUCED_VALUES;
    if (message.startsWith("joining polynomial") && message.contains("merkle")) {
      return OpeningRejection.JOIN_MERKLE_ROOT;
    }
    return BasefoldVerifierDifferentialTest.category(message);
  }

  static OnChainBatchedVerifier deploy(ChainNode node, PcsParams params) {
    return OnChainBatchedVerifier.deploy(node.web3j(), node.newAccount(FUNDS), params);
  }

  private static OnChainOpeningVerifier.Verdict onChain(
      OnChainBatchedVerifier verifier, Case c, byte[] bytes) {
    return verifier.verify(c.start().state(), c.polynomials(), bytes);
  }

  @Test
  void acceptsExactlyWhatJavaAcceptsWithTheSameTranscript(ChainNode node) throws Exception {
    Map<PcsParams, OnChainBatchedVerifier> verifiers =
        Map.of(PROVABLE, deploy(node, PROVABLE), SMALL, deploy(node, SMALL));
    OnChainBatchedVerifier.CodeSizes sizes = verifiers.get(PROVABLE).codeSizes();
    assertTrue(sizes.verifier() <= 24_576, "EIP-170: " + sizes);
    assertTrue(sizes.reduction() <= 24_576, "EIP-170: " + sizes);
    for (Case c : syntheticCases()) {
      JavaVerdict java = javaVerdict(c, c.proof().encode());
      assertEquals(OpeningRejection.VALID, java.reason(), c.name() + ": " + java.message());
      OnChainOpeningVerifier.Verdict chain =
          onChain(verifiers.get(c.params()), c, c.proof().encode());
      assertEquals(OpeningRejection.VALID, chain.reason(), c.name() + ": " + chain);
      // Same transcript, word for word: every absorb and every challenge agreed.
      assertEquals(java.stateOut(), chain.stateOut(), c.name());
    }
    // The MNIST CNN's opening, in one call on the node without the per-call budget.
    Case c = mnist();
    JavaVerdict java = javaVerdict(c, c.proof().encode());
    assertEquals(OpeningRejection.VALID, java.reason(), java.message());
    OnChainOpeningVerifier.Verdict chain =
        onChain(deployLarge("batched differential"), c, c.proof().encode());
    assertEquals(OpeningRejection.VALID, chain.reason(), chain.toString());
    assertEquals(java.stateOut(), chain.stateOut());
    // A synthetic opening with joins in two oracles through the transactions: the fact binds the
    // end state, which must be the Java transcript's.
    Case joins = syntheticCases().get(1);
    OnChainBatchedVerifier verifier = verifiers.get(PROVABLE);
    OnChainOpeningVerifier.Verified v =
        verifier.verifyInTransactions(
            joins.start().state(), joins.commitments(), joins.claims(), joins.proof());
    assertTrue(verifier.isVerified(v.fact()));
    assertEquals(
        verifier.factOf(
            joins.polynomials(),
            joins.start().state(),
            javaVerdict(joins, joins.proof().encode()).stateOut()),
        v.fact());
  }

  /**
   * The Java client's pieces of an encoding, cut at the honest encoding's offsets (so that a
   * mutated count is sent as it is), and the byte ranges the pieces leave out (the combined
   * opening's length, its layer count, the joining count: the flow derives them from the shape).
   */
  record Pieces(Case c, List<int[]> reduction, List<int[]> layers, List<List<int[]>> joining) {
    BatchedOpeningEncoding.Sections of(byte[] bytes) {
      return new BatchedOpeningEncoding.Sections(
          cut(bytes, reduction.get(0)),
          cut(bytes, reduction.get(1)),
          layers.stream().map(r -> cut(bytes, r)).toList(),
          joining.stream()
              .map(
                  rs -> {
                    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                    rs.forEach(r -> out.writeBytes(cut(bytes, r)));
                    return out.toByteArray();
                  })
              .toList());
    }

    boolean sent(int[] range) {
      List<int[]> all = new ArrayList<>(reduction);
      all.addAll(layers);
      joining.forEach(all::addAll);
      return all.stream().anyMatch(r -> r[0] <= range[0] && range[1] <= r[1]);
    }

    private static byte[] cut(byte[] b, int[] r) {
      return Arrays.copyOfRange(b, r[0], r[1]);
    }
  }

  static Pieces pieces(Case c) {
    BatchedOpeningProof p = c.proof();
    int[] numVars = c.numVars();
    int n = numVars[0];
    int reductionEnd = 4 + 48 * n + 4 + 16 * numVars.length;
    OpeningEncoding.Sections inner = OpeningEncoding.sections(p.combined());
    int at = reductionEnd + 4;
    int[] header = {at, at + inner.header().length};
    at = header[1] + 4;
    List<int[]> layers = new ArrayList<>();
    for (byte[] layer : inner.layers()) {
      layers.add(new int[] {at, at + layer.length});
      at += layer.length;
    }
    at += 4;
    int[] arities = c.params().arities(n);
    List<List<int[]>> joining = new ArrayList<>();
    for (int i = 0; i < arities.length; i++) joining.add(new ArrayList<>());
    for (int j = 1; j < numVars.length; j++) {
      OpeningProof.QueryLayer layer = p.joining().get(j - 1);
      int length = 4 + 8 * layer.rows().length + layer.paths().encodedSize();
      joining.get((n - numVars[j]) / arities[0]).add(new int[] {at, at + length});
      at += length;
    }
    return new Pieces(c, List.of(new int[] {0, reductionEnd}, header), layers, joining);
  }

  /** The contract's verdict through the multi-transaction flow. */
  private static OpeningRejection flowVerdict(
      OnChainBatchedVerifier verifier, Pieces pieces, byte[] bytes) {
    Case c = pieces.c();
    try {
      verifier.verifyInTransactions(c.start().state(), c.polynomials(), pieces.of(bytes));
      return OpeningRejection.VALID;
    } catch (OnChainOpeningVerifier.OpeningRejectedException e) {
      return e.verdict().reason();
    }
  }

  /**
   * A cheating prover running the honest machinery on a false claim, or on another polynomial than
   * the committed one; and one that swaps a joining polynomial's opened rows.
   */
  @Test
  void rejectsCheatingProversForJavasReason(ChainNode node) {
    OnChainBatchedVerifier verifier = deploy(node, PROVABLE);
    int[] sizes = {13, 12, 10};
    Polys p = polys(PROVABLE, sizes, 2, 50, false);
    List<Commitment> commitments = p.committed().stream().map(Committed::commitment).toList();
    BatchedBasefoldProver prover = new BatchedBasefoldProver(PROVABLE);

    // 1. One claimed value off by one, in the smallest polynomial.
    List<List<EvalClaim>> lie = new ArrayList<>(p.claims());
    EvalClaim truth = lie.get(2).get(1);
    lie.set(
        2, List.of(lie.get(2).get(0), new EvalClaim(truth.point(), truth.value().add(Ext2.ONE))));
    Transcript t = new Transcript("cheat");
    Case falseValue =
        new Case(
            "false value",
            PROVABLE,
            commitments,
            lie,
            t.fork(),
            prover.open(p.committed(), lie, t).proof());
    assertRejectedByBoth(verifier, falseValue, null);

    // 2. A joining polynomial replaced by another of the same size, its claims true for it,
    // against the committed one's root.
    long[] g = p.tables().get(1).clone();
    g[0] = Goldilocks.add(g[0], 1);
    Committed other = new BasefoldProver(PROVABLE).commit(g);
    List<Committed> swapped = new ArrayList<>(p.committed());
    swapped.set(1, other);
    List<List<EvalClaim>> aboutG = new ArrayList<>(p.claims());
    aboutG.set(
        1,
        p.claims().get(1).stream()
            .map(c -> new EvalClaim(c.point(), Mle.evaluate(g, c.point())))
            .toList());
    Transcript t2 = new Transcript("cheat");
    Case otherPolynomial =
        new Case(
            "other polynomial",
            PROVABLE,
            commitments,
            aboutG,
            t2.fork(),
            prover.open(swapped, aboutG, t2).proof());
    assertRejectedByBoth(verifier, otherPolynomial, null);

    // 3. An honest opening whose joining polynomial 1 has two opened rows swapped.
    Transcript t3 = new Transcript("cheat");
    Transcript start3 = t3.fork();
    BatchedOpeningProof honest = prover.open(p.committed(), p.claims(), t3).proof();
    List<OpeningProof.QueryLayer> joining = new ArrayList<>(honest.joining());
    OpeningProof.QueryLayer layer = joining.get(0);
    long[] rows = layer.rows();
    int rowLongs = OpeningProof.rowLongs(PROVABLE, sizes[1], 0);
    for (int x = 0; x < rowLongs; x++) {
      long tmp = rows[x];
      rows[x] = rows[rowLongs + x];
      rows[rowLongs + x] = tmp;
    }
    joining.set(0, new OpeningProof.QueryLayer(rows, layer.paths()));
    Case swappedRows =
        new Case(
            "swapped joining rows",
            PROVABLE,
            commitments,
            p.claims(),
            start3,
            new BatchedOpeningProof(
                honest.reduction(), honest.values(), honest.combined(), joining));
    assertRejectedByBoth(verifier, swappedRows, OpeningRejection.JOIN_MERKLE_ROOT);
  }

  private static void assertRejectedByBoth(
      OnChainBatchedVerifier verifier, Case c, OpeningRejection expected) {
    InvalidProofException java =
        assertThrows(
            InvalidProofException.class,
            () ->
                BatchedOpening.verify(
                    c.params(), c.commitments(), c.claims(), c.proof(), c.start().fork()),
            c.name());
    OnChainOpeningVerifier.Verdict chain = onChain(verifier, c, c.proof().encode());
    assertFalse(chain.valid(), c.name());
    assertEquals(
        category(java.getMessage()), chain.reason(), c.name() + ": Java said " + java.getMessage());
    if (expected != null) {
      assertEquals(expected, chain.reason(), c.name());
    }
  }

  /**
   * Every section of the encoding, mutated at positions spread through it, in three openings (one
   * of them the MNIST CNN's): the contract must reject exactly when Java does, for the same reason.
   */
  @Test
  void mutationsOfEverySectionGetTheJavaVerdict(ChainNode node) throws Exception {
    Map<PcsParams, OnChainBatchedVerifier> verifiers =
        Map.of(PROVABLE, deploy(node, PROVABLE), SMALL, deploy(node, SMALL));
    Map<OpeningRejection, Integer> seen = new EnumMap<>(OpeningRejection.class);
    int total = 0;
    List<Case> synthetic = syntheticCases();
    record Mutated(Case c, int perSection, OnChainBatchedVerifier verifier) {}
    for (Mutated mc :
        List.of(
            new Mutated(synthetic.get(1), 25, verifiers.get(PROVABLE)),
            new Mutated(synthetic.get(3), 25, verifiers.get(SMALL)),
            new Mutated(mnist(), 6, deployLarge("batched mutations")))) {
      Case c = mc.c();
      OnChainBatchedVerifier verifier = mc.verifier();
      byte[] good = c.proof().encode();
      Random rng = new Random(c.name().hashCode());
      for (int[] section : sections(c)) {
        int from = section[0];
        int to = section[1];
        if (to <= from) continue;
        for (int k = 0; k < mc.perSection(); k++) {
          byte[] bad = good.clone();
          int at = from + rng.nextInt(to - from);
          bad[at] ^= (byte) (1 << rng.nextInt(8));
          JavaVerdict java = javaVerdict(c, bad);
          OnChainOpeningVerifier.Verdict chain = onChain(verifier, c, bad);
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
        byte[] truncated = Arrays.copyOf(good, cut);
        assertEquals(OpeningRejection.MALFORMED, javaVerdict(c, truncated).reason());
        assertEquals(OpeningRejection.MALFORMED, onChain(verifier, c, truncated).reason());
        total++;
      }
      byte[] longer = Arrays.copyOf(good, good.length + 1);
      assertEquals(OpeningRejection.MALFORMED, javaVerdict(c, longer).reason());
      assertEquals(OpeningRejection.MALFORMED, onChain(verifier, c, longer).reason());
      total++;
    }
    // Through the transactions, in every section the flow sends: the same verdicts.
    Case c = synthetic.get(1);
    Pieces pieces = pieces(c);
    OnChainBatchedVerifier verifier = verifiers.get(PROVABLE);
    byte[] good = c.proof().encode();
    Random rng = new Random(19);
    for (int[] section : sections(c)) {
      if (section[1] <= section[0] || !pieces.sent(section)) continue;
      for (int k = 0; k < 4; k++) {
        byte[] bad = good.clone();
        int at = section[0] + rng.nextInt(section[1] - section[0]);
        bad[at] ^= (byte) (1 << rng.nextInt(8));
        JavaVerdict java = javaVerdict(c, bad);
        assertEquals(
            java.reason(),
            flowVerdict(verifier, pieces, bad),
            c.name() + ", byte " + at + ": Java said " + java.message());
        seen.merge(java.reason(), 1, Integer::sum);
        total++;
      }
    }
    assertTrue(total >= 1000, "only " + total + " mutations");
    // The mutations reach every check, not only the decoder.
    for (OpeningRejection r :
        List.of(
            OpeningRejection.MALFORMED,
            OpeningRejection.REDUCTION_ROUND,
            OpeningRejection.REDUCED_VALUES,
            OpeningRejection.SUMCHECK_ROUND,
            OpeningRejection.FINAL_CLAIM,
            OpeningRejection.PROOF_OF_WORK,
            OpeningRejection.MERKLE_ROOT,
            OpeningRejection.JOIN_MERKLE_ROOT)) {
      assertTrue(seen.getOrDefault(r, 0) > 0, "no mutation was rejected as " + r + ": " + seen);
    }
  }

  /** [from, to) byte ranges of each section of an encoded batched opening. */
  static List<int[]> sections(Case c) {
    BatchedOpeningProof p = c.proof();
    int n = c.numVars()[0];
    int m = c.numVars().length;
    List<int[]> out = new ArrayList<>();
    out.add(new int[] {0, 4}); // reduction round count
    out.add(new int[] {4, 4 + 48 * n}); // reduction rounds
    int valuesAt = 4 + 48 * n;
    out.add(new int[] {valuesAt, valuesAt + 4}); // value count
    out.add(new int[] {valuesAt + 4, valuesAt + 4 + 16 * m}); // reduced values
    int combinedAt = valuesAt + 4 + 16 * m;
    out.add(new int[] {combinedAt, combinedAt + 4}); // combined opening's length
    OpeningProof combined = p.combined();
    OpeningEncoding.Sections s = OpeningEncoding.sections(combined);
    int base = combinedAt + 4;
    int rounds = 4 + 48 * combined.rounds().size();
    int roots = 4 + 32 * combined.oracleRoots().size();
    int fin = 4 + 16 * combined.finalCoeffs().length;
    out.add(new int[] {base, base + 4});
    out.add(new int[] {base + 4, base + rounds});
    out.add(new int[] {base + rounds, base + rounds + 4});
    out.add(new int[] {base + rounds + 4, base + rounds + roots});
    out.add(new int[] {base + rounds + roots + 4, base + rounds + roots + fin});
    out.add(new int[] {base + rounds + roots + fin, base + rounds + roots + fin + 8}); // nonce
    int at = base + s.header().length + 4;
    for (int i = 0; i < combined.layers().size(); i++) {
      int rows = 4 + 8 * combined.layers().get(i).rows().length;
      int len = s.layers().get(i).length;
      out.add(new int[] {at + 4, at + rows});
      out.add(new int[] {at + rows + 4, at + len});
      at += len;
    }
    out.add(new int[] {at, at + 4}); // joining count
    at += 4;
    for (OpeningProof.QueryLayer layer : p.joining()) {
      int rows = 4 + 8 * layer.rows().length;
      int len = rows + layer.paths().encodedSize();
      out.add(new int[] {at, at + 4}); // row count
      out.add(new int[] {at + 4, at + rows});
      out.add(new int[] {at + rows + 4, at + len});
      at += len;
    }
    return out;
  }

  @Test
  void hostileStatementEncodingsAreRejectedNotCrashed(ChainNode node) {
    OnChainBatchedVerifier verifier = deploy(node, PROVABLE);
    Case c = syntheticCases().get(2);
    byte[] polys = c.polynomials();
    assertEquals(
        OpeningRejection.VALID,
        verifier.verify(c.start().state(), polys, c.proof().encode()).reason());
    byte[] proof = c.proof().encode();
    Digest32 stateIn = c.start().state();
    List<Commitment> cs = c.commitments();
    List<byte[]> hostile =
        List.of(
            new byte[0],
            new byte[] {0, 0, 0, 0},
            setU32(polys, 0, 17),
            setU32(polys, 0, -1),
            Arrays.copyOf(polys, polys.length - 1),
            Arrays.copyOf(polys, polys.length + 16),
            setU32(polys, 4 + 32, 28), // a polynomial of more variables than any commitment
            setU32(polys, 4 + 36, 1 << 20), // claims longer than the statement
            // largest last
            BatchedOpeningEncoding.polynomials(
                List.of(cs.get(1), cs.get(0)), List.of(c.claims().get(1), c.claims().get(0))),
            // too small to join: 12 - 4 variables is not below 12 variables' 4 folding rounds
            BatchedOpeningEncoding.polynomials(
                List.of(cs.get(0), new Commitment(cs.get(1).root(), 4)),
                List.of(c.claims().get(0), c.claims().get(1))),
            // no claim on a polynomial
            BatchedOpeningEncoding.polynomials(cs, List.of(c.claims().get(0), List.of())));
    for (byte[] h : hostile) {
      assertEquals(OpeningRejection.BAD_CLAIMS, verifier.verify(stateIn, h, proof).reason());
    }
  }

  private static byte[] setU32(byte[] b, int at, int v) {
    byte[] out = b.clone();
    for (int i = 0; i < 4; i++) out[at + i] = (byte) (v >>> (8 * i));
    return out;
  }
}
