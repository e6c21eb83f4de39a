package io.zkaudit.escrow.onchain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.escrow.AnvilExtension;
import io.zkaudit.escrow.chain.ChainNode;
import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.hash.Digest32;
import io.zkaudit.inference.MaskSchedule;
import io.zkaudit.lookup.LogUpBlinding;
import io.zkaudit.lookup.LogUpLayout;
import io.zkaudit.lookup.LogUpProof;
import io.zkaudit.lookup.LogUpVerifier;
import io.zkaudit.lookup.LookupClaims;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.lookup.LookupStatement.Group;
import io.zkaudit.lookup.LookupStatement.Lookup;
import io.zkaudit.lookup.LookupTable;
import io.zkaudit.pcs.ColumnClaim;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.lookup.LogUpProver;
import io.zkaudit.prover.lookup.LookupWitness;
import io.zkaudit.prover.zk.MaskSupply;
import io.zkaudit.prover.zk.SumcheckMasks;
import io.zkaudit.sumcheck.SumcheckProof;
import io.zkaudit.transcript.Transcript;
import io.zkaudit.zk.MaskColumn;
import io.zkaudit.zk.MaskLedger;
import io.zkaudit.zk.ZkRandom;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * LogUpVerifier.sol against the Java LogUpVerifier on the same bytes: honest proofs of several
 * shapes (one lookup or several, identity and explicit table columns, groups split over witness
 * trees, trees without variables, blinded and masked as zero-knowledge proofs are), cheating
 * provers, and systematic mutations of every section of the encoding. Both must accept exactly the
 * same proofs, for the same reason, end in the same transcript state and leave the same claims.
 */
@ExtendWith(AnvilExtension.class)
class LogUpVerifierDifferentialTest {
  private static final BigInteger FUNDS = new BigInteger("1000000000000000000000");

  /**
   * A proof, its statement, the transcript before it, and the table bytes a relayer sends with it
   * (deferred columns' values at the point of this proof, as Java's verifier reaches it).
   */
  record Case(
      String name,
      LookupStatement statement,
      boolean masked,
      Transcript before,
      byte[] proof,
      byte[] tables) {
    static Case of(
        String name, LookupStatement statement, boolean masked, Transcript before, byte[] proof) {
      Case c = new Case(name, statement, masked, before, proof, new byte[0]);
      LookupClaims claims = javaClaims(c, proof);
      return new Case(
          name, statement, masked, before, proof, LogUpEncoding.tables(statement, claims));
    }

    Digest32 stateIn() {
      return before.state();
    }

    List<BigInteger> plan() {
      return LogUpEncoding.plan(statement, masked);
    }
  }

  /** The claims of a proof Java accepts, else null. */
  static LookupClaims javaClaims(Case c, byte[] bytes) {
    try {
      LogUpProof proof = LogUpProof.fromBytes(bytes);
      MaskLedger ledger = c.masked() ? new MaskLedger(schedule(c.statement()).blocks()) : null;
      return LogUpVerifier.verify(c.statement(), proof, c.before().fork(), ledger);
    } catch (InvalidProofException e) {
      return null;
    }
  }

  /** Proves honestly; zero-knowledge (blinded statement, masked layers) when zk. */
  static Case prove(String name, LookupStatement plain, List<LookupWitness> ws, boolean zk) {
    LookupStatement st = zk ? plain.withBlinding() : plain;
    List<LookupWitness> witnesses = ws;
    if (zk) {
      LogUpBlinding plan = LogUpBlinding.of(st);
      ZkRandom random = ZkRandom.seeded(name.hashCode());
      witnesses = new ArrayList<>();
      for (int l = 0; l < st.lookups().size(); l++) {
        witnesses.add(ws.get(l).blind(st.lookups().get(l), plan, l, random::nextField));
      }
    }
    Transcript t = new Transcript("zkaudit/test/onchain-logup/" + name);
    t.absorbBytes("test/commitments", name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Transcript before = t.fork();
    SumcheckMasks masks =
        zk ? MaskSupply.draw(schedule(st), ZkRandom.seeded(~name.hashCode())) : SumcheckMasks.PLAIN;
    LogUpProof proof = LogUpProver.prove(st, witnesses, t, masks).proof();
    return Case.of(name, st, zk, before, proof.toBytes());
  }

  /** The GKR layers' masks, as a model's MaskSchedule starts. */
  static MaskSchedule schedule(LookupStatement st) {
    List<LogUpLayout.Tree> trees = LogUpLayout.trees(st);
    List<MaskSchedule.Entry> entries = new ArrayList<>();
    for (int layer = 1; layer <= LogUpLayout.maxVars(trees); layer++) {
      int l = layer;
      List<LogUpLayout.Tree> active = trees.stream().filter(t -> t.numVars() >= l).toList();
      entries.add(
          new MaskSchedule.Sumcheck(
              layer - 1, LogUpLayout.layerComposition(active, layer, Ext2.ONE).roundDegree(true)));
    }
    return new MaskSchedule(entries);
  }

  /** Rows of the table in the active rows, anything in the padding. */
  static long[][] group(Random rng, LookupTable table, Group g) {
    long[][] cols = new long[table.width()][1 << g.numVars()];
    for (int x = 0; x < 1 << g.numVars(); x++) {
      int row = rng.nextInt(table.size());
      for (int c = 0; c < cols.length; c++) {
        cols[c][x] = g.isActive(x) ? table.valueAt(c, row) : Goldilocks.random(rng);
      }
    }
    return cols;
  }

  static Lookup lookup(LookupTable table, Group... groups) {
    return Lookup.of(table, groups);
  }

  static Case honest(String name, boolean zk, long seed, Lookup... lookups) {
    Random rng = new Random(seed);
    List<LookupWitness> ws = new ArrayList<>();
    for (Lookup lk : lookups) {
      List<long[][]> cols = new ArrayList<>();
      for (Group g : lk.groups()) {
        cols.add(group(rng, lk.table(), g));
      }
      ws.add(LookupWitness.compute(lk, cols));
    }
    return prove(name, new LookupStatement(List.of(lookups)), ws, zk);
  }

  static Group box(int cBits, int channels, int wBits, int width, int hBits, int height) {
    return new Group(
        cBits + wBits + hBits,
        List.of(
            new Group.Extent(cBits, channels),
            new Group.Extent(wBits, width),
            new Group.Extent(hBits, height)));
  }

  /** A 4-column explicit table like the models' rounding table: (tag, v1, v2, v3). */
  static LookupTable roundingLike(int rows, long seed) {
    Random rng = new Random(seed);
    long[][] cols = new long[4][rows];
    for (int r = 0; r < rows; r++) {
      cols[0][r] = r / 64;
      cols[1][r] = Goldilocks.fromSigned(r % 64 - 32);
      cols[2][r] = rng.nextInt(256);
      cols[3][r] = Goldilocks.random(rng);
    }
    return LookupTable.ofColumns(cols);
  }

  static final LookupTable RELU = LookupTable.function(8, -128, x -> Math.max(x, 0));

  static List<Case> honestCases() {
    return List.of(
        honest("range-one-group", false, 1, lookup(LookupTable.range(8), Group.full(6))),
        honest("no-variables", false, 2, lookup(LookupTable.range(0), Group.full(0))),
        honest(
            "relu-three-trees",
            false,
            3,
            lookup(RELU, new Group(7, 100), Group.full(5), new Group(3, 5), Group.full(2))),
        honest(
            "two-lookups-boxes",
            false,
            4,
            lookup(roundingLike(300, 4), box(2, 3, 3, 5, 3, 7), box(1, 2, 2, 3, 2, 3)),
            lookup(LookupTable.range(10), box(2, 3, 3, 5, 4, 14), Group.full(4))),
        honest(
            "deferred-rounding-table",
            false,
            7,
            lookup(roundingLike(3000, 7), box(2, 3, 3, 5, 3, 7), Group.full(6))),
        honest(
            "zk-relu",
            true,
            5,
            lookup(RELU, new Group(7, 100), box(2, 3, 2, 3, 2, 3), new Group(3, 5))),
        honest(
            "zk-two-lookups",
            true,
            6,
            lookup(roundingLike(200, 6), box(2, 3, 3, 5, 3, 7), box(1, 2, 2, 3, 2, 3)),
            lookup(LookupTable.range(10), box(2, 3, 3, 5, 4, 14), new Group(5, 17))));
  }

  /**
   * The lookup sections of real proofs of the MNIST CNN on docs/examples/mnist-test-0.json, with
   * and without zero knowledge: the statement and transcript state the Java verifier reaches them
   * in, and the proof's lookup bytes. The float model is quantized with that input as its only
   * calibration sample (../shared holds no MNIST data set); empty without the model file.
   */
  static synchronized List<Case> mnistCases() {
    if (mnist == null) {
      mnist = buildMnistCases();
    }
    return mnist;
  }

  private static List<Case> mnist;

  private static List<Case> buildMnistCases() {
    java.util.Optional<Path> model =
        io.zkaudit.data.SharedData.resolve("models/mnist_cnn_float.tflite");
    if (model.isEmpty()) {
      return List.of();
    }
    try {
      io.zkaudit.floatmodel.FloatModel f = io.zkaudit.tflite.TfliteImporter.loadFloat(model.get());
      Path json =
          Path.of(System.getProperty("zkaudit.docs", "../docs"), "examples/mnist-test-0.json");
      float[] real =
          io.zkaudit.data.TensorFiles.toNhwc(
                  io.zkaudit.data.TensorFiles.read(json), f.input().shape())
              .real();
      io.zkaudit.prover.model.QuantizedModel q =
          io.zkaudit.quantizer.Quantizer.quantize(
              f, List.of(real), io.zkaudit.data.PixelRange.UNIT);
      io.zkaudit.model.TensorSpec spec = q.input();
      int[] input = new int[real.length];
      for (int i = 0; i < input.length; i++) {
        input[i] =
            (int)
                Math.clamp(
                    Math.round(real[i] / spec.scale()) + spec.zeroPoint(),
                    spec.type().min(),
                    spec.type().max());
      }
      io.zkaudit.prover.inference.CommittedModel cm =
          // A fixed hiding key: the same commitment on every run, so the plain proof's gas is
          // reproducible (the zero-knowledge proof still draws fresh masks and blinding).
          io.zkaudit.prover.inference.ModelProver.commit(
              q, "zkaudit/test/onchain-logup".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      io.zkaudit.inference.ModelVerifier verifier = new io.zkaudit.inference.ModelVerifier(cm.vk());
      List<Case> out = new ArrayList<>();
      for (boolean zk : new boolean[] {false, true}) {
        io.zkaudit.inference.ModelProof proof =
            io.zkaudit.prover.inference.ModelProver.prove(
                cm, input, io.zkaudit.prover.inference.ProgressListener.NONE, zk);
        verifier.verify(proof, input); // the whole proof is valid in Java
        io.zkaudit.inference.ModelLookupSections.Section s =
            io.zkaudit.inference.ModelLookupSections.of(verifier, proof, input);
        out.add(
            Case.of(
                zk ? "mnist-cnn-zk" : "mnist-cnn",
                s.statement(),
                proof.zeroKnowledge(),
                s.before(),
                proof.lookups().toBytes()));
      }
      return out;
    } catch (IOException | InvalidProofException e) {
      throw new AssertionError(e);
    }
  }

  /** The Java verdict on these bytes, by the contract's categories. */
  record JavaVerdict(
      LogUpRejection reason, Digest32 stateOut, Digest32 claimsHash, String message) {}

  static JavaVerdict java(Case c, byte[] bytes) {
    LogUpProof proof;
    try {
      proof = LogUpProof.fromBytes(bytes);
    } catch (InvalidProofException e) {
      return new JavaVerdict(LogUpRejection.MALFORMED, null, null, e.getMessage());
    }
    Transcript t = c.before().fork();
    int blocks = schedule(c.statement()).blocks();
    MaskLedger ledger = c.masked() ? new MaskLedger(blocks) : null;
    try {
      LookupClaims claims = LogUpVerifier.verify(c.statement(), proof, t, ledger);
      List<LogUpEncoding.MaskValue> masks =
          ledger == null ? List.of() : maskValues(ledger.claims(0, MaskColumn.numVars(blocks)));
      return new JavaVerdict(
          LogUpRejection.VALID,
          t.state(),
          LogUpEncoding.claimsHash(c.statement(), claims, masks),
          "valid");
    } catch (InvalidProofException e) {
      LogUpRejection reason = LogUpRejection.ofJavaMessage(e.getMessage());
      assertNotNull(reason, "no category for the Java rejection: " + e.getMessage());
      return new JavaVerdict(reason, null, null, e.getMessage());
    }
  }

  /**
   * The mask values the ledger recorded, one per masked layer with variables: its point is the
   * first coordinate of every other term (MaskColumn.terms puts x_i at coordinate 0 of two terms).
   */
  static List<LogUpEncoding.MaskValue> maskValues(List<ColumnClaim> claims) {
    List<LogUpEncoding.MaskValue> out = new ArrayList<>();
    for (ColumnClaim c : claims) {
      Ext2[] point = new Ext2[c.terms().size() / 2];
      for (int i = 0; i < point.length; i++) {
        point[i] = c.terms().get(2 * i).point()[0];
      }
      out.add(new LogUpEncoding.MaskValue(point, c.value()));
    }
    return out;
  }

  static OnChainLogUpVerifier deploy(ChainNode node) {
    return OnChainLogUpVerifier.deploy(node.web3j(), node.newAccount(FUNDS));
  }

  static void assertSameVerdict(OnChainLogUpVerifier v, Case c, byte[] bytes, String what) {
    JavaVerdict java = java(c, bytes);
    OnChainLogUpVerifier.Verdict chain = v.verify(c.stateIn(), c.plan(), c.tables(), bytes);
    assertEquals(
        java.reason(),
        chain.reason(),
        what + ": Java said " + java.message() + "; the contract's detail " + chain.detail());
    if (java.reason() == LogUpRejection.VALID) {
      // Same transcript, word for word, and the same claims for the rest of the proof.
      assertEquals(java.stateOut(), chain.stateOut(), what);
      assertEquals(java.claimsHash(), chain.claimsHash(), what);
    }
  }

  @Test
  void acceptsHonestProofsWithJavasTranscriptAndClaims(ChainNode node) {
    OnChainLogUpVerifier v = deploy(node);
    assertTrue(v.codeSize() <= 24_576, "EIP-170: " + v.codeSize() + " bytes");
    for (Case c : honestCases()) {
      assertEquals(LogUpRejection.VALID, java(c, c.proof()).reason(), c.name());
      assertSameVerdict(v, c, c.proof(), c.name());
      // check returns what verify does, without reverting.
      assertEquals(
          v.verify(c.stateIn(), c.plan(), c.tables(), c.proof()),
          v.check(c.stateIn(), c.plan(), c.tables(), c.proof()),
          c.name());
    }
  }

  /**
   * A real model proof's lookups (the MNIST CNN, plain and zero-knowledge): accepted with Java's
   * end state and claims, and mutations of every section get Java's verdict.
   */
  @Test
  void aRealModelProofsLookupsAreVerifiedOnChain(ChainNode node) {
    List<Case> cases = mnistCases();
    org.junit.jupiter.api.Assumptions.assumeFalse(cases.isEmpty(), "no ../shared/models");
    OnChainLogUpVerifier v = deploy(node);
    for (Case c : cases) {
      assertEquals(LogUpRejection.VALID, java(c, c.proof()).reason(), c.name());
      assertSameVerdict(v, c, c.proof(), c.name());
      byte[] good = c.proof();
      Random rng = new Random(c.name().hashCode());
      for (int[] section : sections(decode(good))) {
        if (section[1] <= section[0]) continue;
        for (int k = 0; k < 3; k++) {
          byte[] bad = good.clone();
          int at = section[0] + rng.nextInt(section[1] - section[0]);
          bad[at] ^= (byte) (1 << rng.nextInt(8));
          assertSameVerdict(v, c, bad, c.name() + ", byte " + at);
        }
      }
    }
  }

  @Test
  void recordsTheFactOfAVerifiedProofOnly(ChainNode node) {
    OnChainLogUpVerifier v = deploy(node);
    Case c = honestCases().get(5);
    JavaVerdict java = java(c, c.proof());
    Digest32 expected =
        v.factOf(LogUpEncoding.planHash(c.plan()), c.stateIn(), java.stateOut(), java.claimsHash());
    assertFalse(v.isVerified(expected));
    OnChainLogUpVerifier.Recorded r = v.record(c.stateIn(), c.plan(), c.tables(), c.proof());
    assertEquals(expected, r.fact());
    assertTrue(v.isVerified(expected));
    // Another starting state is another statement: its fact is not recorded.
    Digest32 other = new Digest32(new byte[32]);
    assertFalse(
        v.isVerified(
            v.factOf(LogUpEncoding.planHash(c.plan()), other, java.stateOut(), java.claimsHash())));
  }

  // ---------------------------------------------------------------- cheating provers

  /** A range(4) lookup with one value outside the table, proven with the honest machinery. */
  @Test
  void cheatingProversAreRejectedByBothForTheSameReason(ChainNode node) {
    OnChainLogUpVerifier v = deploy(node);
    Lookup lk = lookup(LookupTable.range(4), Group.full(5), new Group(3, 6));
    LookupStatement st = new LookupStatement(List.of(lk));
    Random rng = new Random(9);
    List<long[][]> cols =
        List.of(
            group(rng, lk.table(), lk.groups().get(0)), group(rng, lk.table(), lk.groups().get(1)));
    LookupWitness honest = LookupWitness.compute(lk, cols);
    for (boolean zk : new boolean[] {false, true}) {
      // 1. A value outside the table, multiplicities of the values inside it: the roots the
      // honest machinery computes do not balance.
      long[][] bad = cols.get(0).clone();
      bad[0] = bad[0].clone();
      long was = bad[0][3];
      bad[0][3] = 16;
      long[] m = honest.multiplicities().clone();
      m[(int) was]--;
      Case outside =
          prove("outside-" + zk, st, List.of(new LookupWitness(List.of(bad, cols.get(1)), m)), zk);
      assertRejected(v, outside, LogUpRejection.ROOT_SUM);

      // 2. One multiplicity changed.
      long[] m2 = honest.multiplicities().clone();
      m2[5]++;
      Case counted = prove("multiplicity-" + zk, st, List.of(new LookupWitness(cols, m2)), zk);
      assertRejected(v, counted, LogUpRejection.ROOT_SUM);

      // 3. A wrong leaf: the honest proof with one witness evaluation changed.
      Case good = prove("leaf-" + zk, st, List.of(honest), zk);
      LogUpProof p = decode(good.proof());
      Ext2[][] w = p.witnessEvaluations();
      w[1][0] = w[1][0].add(Ext2.ONE);
      LogUpProof wrong =
          new LogUpProof(
              p.rootP(), p.rootQ(), p.layers(), w, p.masks(), p.blindingSums(), p.blindingTuples());
      assertRejected(v, withProof(good, wrong), LogUpRejection.WITNESS_LEAF);

      if (zk) {
        // 4. A wrong blinding tuple: the table's leaf in the blinding half.
        Ext2[][] u = p.blindingTuples();
        u[0][0] = u[0][0].add(Ext2.ONE);
        LogUpProof wrongTuple =
            new LogUpProof(
                p.rootP(),
                p.rootQ(),
                p.layers(),
                p.witnessEvaluations(),
                p.masks(),
                p.blindingSums(),
                u);
        assertRejected(v, withProof(good, wrongTuple), LogUpRejection.TABLE_LEAF);
      }
    }
  }

  static Case withProof(Case c, LogUpProof p) {
    return new Case(c.name(), c.statement(), c.masked(), c.before(), p.toBytes(), c.tables());
  }

  static LogUpProof decode(byte[] bytes) {
    try {
      return LogUpProof.fromBytes(bytes);
    } catch (InvalidProofException e) {
      throw new AssertionError(e);
    }
  }

  static void assertRejected(OnChainLogUpVerifier v, Case c, LogUpRejection reason) {
    JavaVerdict java = java(c, c.proof());
    assertEquals(reason, java.reason(), c.name() + ": Java said " + java.message());
    assertSameVerdict(v, c, c.proof(), c.name());
    assertEquals(
        v.verify(c.stateIn(), c.plan(), c.tables(), c.proof()),
        v.check(c.stateIn(), c.plan(), c.tables(), c.proof()),
        c.name());
  }

  // ---------------------------------------------------------------- mutations

  /** [from, to) byte ranges of each section of an encoded proof. */
  static List<int[]> sections(LogUpProof p) {
    List<int[]> out = new ArrayList<>();
    int at = 0;
    out.add(new int[] {0, 4});
    at = 4;
    out.add(new int[] {at, at + 32 * p.rootP().length});
    at += 32 * p.rootP().length;
    out.add(new int[] {at, at + 4});
    at += 4;
    for (SumcheckProof layer : p.layers()) {
      int len = layer.toBytes().length;
      out.add(new int[] {at, at + len});
      at += len;
    }
    int groups = 4;
    for (Ext2[] w : p.witnessEvaluations()) {
      groups += 4 + 16 * w.length;
    }
    out.add(new int[] {at, at + groups});
    at += groups;
    out.add(new int[] {at, at + 4 + 16 * p.masks().length});
    at += 4 + 16 * p.masks().length;
    out.add(new int[] {at, at + 4 + 16 * p.blindingSums().length});
    at += 4 + 16 * p.blindingSums().length;
    out.add(new int[] {at, p.toBytes().length});
    return out;
  }

  @Test
  void mutationsOfEverySectionGetTheJavaVerdict(ChainNode node) {
    OnChainLogUpVerifier v = deploy(node);
    Map<LogUpRejection, Integer> seen = new EnumMap<>(LogUpRejection.class);
    int total = 0;
    List<Case> cases = honestCases();
    for (Case c : cases.subList(2, 7)) {
      byte[] good = c.proof();
      Random rng = new Random(c.name().hashCode());
      for (int[] section : sections(decode(good))) {
        if (section[1] <= section[0]) continue;
        for (int k = 0; k < 13; k++) {
          byte[] bad = good.clone();
          int at = section[0] + rng.nextInt(section[1] - section[0]);
          bad[at] ^= (byte) (1 << rng.nextInt(8));
          JavaVerdict java = java(c, bad);
          assertSameVerdict(
              v,
              c,
              bad,
              c.name() + ", byte " + at + " of [" + section[0] + ", " + section[1] + ")");
          seen.merge(java.reason(), 1, Integer::sum);
          total++;
        }
      }
      for (int cut :
          new int[] {
            0, 1, 3, 4, good.length / 3, good.length / 2, good.length - 16, good.length - 1
          }) {
        byte[] truncated = Arrays.copyOf(good, cut);
        assertEquals(LogUpRejection.MALFORMED, java(c, truncated).reason());
        assertSameVerdict(v, c, truncated, c.name() + " cut at " + cut);
        total++;
      }
      assertSameVerdict(v, c, Arrays.copyOf(good, good.length + 1), c.name() + " + 1 byte");
      total++;
    }
    assertTrue(total >= 1000, "only " + total + " mutations");
    for (LogUpRejection r :
        List.of(
            LogUpRejection.MALFORMED,
            LogUpRejection.ROOT_SUM,
            LogUpRejection.LAYER_SUMCHECK,
            LogUpRejection.EMPTY_MASK,
            LogUpRejection.WITNESS_LEAF,
            LogUpRejection.TABLE_LEAF)) {
      assertTrue(seen.getOrDefault(r, 0) > 0, "no mutation was rejected as " + r + ": " + seen);
    }
  }

  @Test
  void hostileStatementsAreRejectedAsSuch(ChainNode node) {
    OnChainLogUpVerifier v = deploy(node);
    Case c = honestCases().get(3);
    List<BigInteger> plan = c.plan();
    byte[] tables = c.tables();
    // Table values that are not the column's digest, and missing ones.
    byte[] changed = tables.clone();
    changed[9] ^= 1;
    assertEquals(
        LogUpRejection.BAD_STATEMENT, v.verify(c.stateIn(), plan, changed, c.proof()).reason());
    assertEquals(
        LogUpRejection.BAD_STATEMENT,
        v.verify(c.stateIn(), plan, Arrays.copyOf(tables, tables.length - 8), c.proof()).reason());
    // A truncated plan, a plan with a trailing word, no lookups.
    assertEquals(
        LogUpRejection.BAD_STATEMENT,
        v.verify(c.stateIn(), plan.subList(0, plan.size() - 1), tables, c.proof()).reason());
    List<BigInteger> longer = new ArrayList<>(plan);
    longer.add(BigInteger.ZERO);
    assertEquals(
        LogUpRejection.BAD_STATEMENT, v.verify(c.stateIn(), longer, tables, c.proof()).reason());
    List<BigInteger> none = new ArrayList<>(plan);
    none.set(0, BigInteger.ZERO);
    assertEquals(
        LogUpRejection.BAD_STATEMENT, v.verify(c.stateIn(), none, tables, c.proof()).reason());
    // An explicit table too large for calldata: unsupported, never valid.
    LookupTable big = LookupTable.function(15, 0, x -> x / 3);
    Lookup lk = lookup(big, Group.full(3));
    List<BigInteger> bigPlan =
        LogUpEncoding.plan(new LookupStatement(List.of(lk)), false, Integer.MAX_VALUE);
    assertEquals(
        LogUpRejection.UNSUPPORTED,
        v.verify(c.stateIn(), bigPlan, new byte[0], c.proof()).reason());
    // A deferred table column's value that is not the column's at the point: the table's leaf.
    Case deferred = honestCases().get(4);
    assertEquals(16 * 4, deferred.tables().length, "four deferred columns");
    byte[] wrong = deferred.tables().clone();
    wrong[16] ^= 1;
    assertEquals(
        LogUpRejection.TABLE_LEAF,
        v.verify(deferred.stateIn(), deferred.plan(), wrong, deferred.proof()).reason());
  }

  static Path gasDoc() {
    return Path.of(System.getProperty("zkaudit.docs", "../docs"), "onchain-verifier-gas.md");
  }

  /** Gas of recording one proof's fact, per shape, into docs/onchain-verifier-gas.md. */
  @Test
  void writesTheGasTable(ChainNode node) throws IOException {
    OnChainLogUpVerifier v =
        OnChainLogUpVerifier.deploy(
            node.web3j(), node.namedAccount("onchain logup gas table", FUNDS));
    StringBuilder rows = new StringBuilder();
    List<Case> cases = new ArrayList<>(honestCases());
    cases.addAll(mnistCases());
    for (Case c : cases) {
      OnChainLogUpVerifier.Recorded r = v.record(c.stateIn(), c.plan(), c.tables(), c.proof());
      assertTrue(r.gasUsed() <= OnChainOpeningVerifier.TRANSACTION_GAS_CAP, c.name());
      LogUpProof p = decode(c.proof());
      rows.append(
          String.format(
              "| %s | %d | %d | %s | %,d | %,d | %,d | %,d |%n",
              c.name(),
              c.statement().lookups().size(),
              p.layers().size(),
              c.masked() ? "yes" : "no",
              c.proof().length,
              c.tables().length,
              r.calldataBytes(),
              r.gasUsed()));
    }
    GasDoc.writeSection(
        gasDoc(),
        GasDoc.LOGUP,
        LOGUP_HEADING
            + "\n\n"
            + """
            Generated by `LogUpVerifierDifferentialTest` (escrow module) on a local Anvil node; do not
            edit. One transaction of `LogUpVerifier.record` per proof: verification, the fact's storage
            write, the 21,000 per transaction and the calldata (the proof, the plan as 32-byte words,
            the explicit table columns' values). Runtime bytecode: %,d bytes (EIP-170: 24,576).
            The MNIST CNN's zero-knowledge proof draws fresh masks and blinding on every run, so its
            row moves by a few hundred gas between runs; every other row is seeded.

            | proof | lookups | GKR layers | zero-knowledge | proof bytes | table bytes | calldata bytes | gas |
            |---|---:|---:|---|---:|---:|---:|---:|
            %s\
            """
                .formatted(v.codeSize(), rows));
  }

  static final String LOGUP_HEADING = "## logUp-GKR lookup proofs (LogUpVerifier.sol)";
}
