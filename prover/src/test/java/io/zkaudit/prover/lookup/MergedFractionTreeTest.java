package io.zkaudit.prover.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.lookup.LogUpLayout;
import io.zkaudit.lookup.LogUpProof;
import io.zkaudit.lookup.LogUpVerifier;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.lookup.LookupStatement.Group;
import io.zkaudit.lookup.LookupStatement.Lookup;
import io.zkaudit.lookup.LookupTable;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.transcript.Transcript;
import io.zkaudit.zk.ZkRandom;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A lookup's witness groups share fraction trees ({@link LogUpLayout.WitnessTree}, at most three
 * per lookup along the binary decomposition of the rows): the layout, and cheating provers that
 * exploit what a shared tree could let through: a bad tuple in a group at a non-zero offset; a
 * fraction hidden in the unused leaves to cancel it; two groups swapped. Each is rejected, for the
 * reason it must be.
 */
class MergedFractionTreeTest {

  /**
   * Groups in decreasing size at aligned offsets: 8 + 32 + 8 = 48 rows = 32 + 16, so one tree of
   * the 32-row group and one holding both 8-row groups, each exactly full.
   */
  @Test
  void groupsArePackedIntoAlignedSubCubes() {
    Lookup lk =
        new Lookup(LookupTable.range(4), List.of(Group.full(3), new Group(5, 30), new Group(3, 5)));
    List<LogUpLayout.Tree> trees = LogUpLayout.trees(LookupStatement.of(lk));
    assertEquals(3, trees.size(), "one table tree, two witness trees");
    LogUpLayout.WitnessTree big = (LogUpLayout.WitnessTree) trees.get(1);
    LogUpLayout.WitnessTree small = (LogUpLayout.WitnessTree) trees.get(2);
    assertEquals(5, big.numVars());
    assertEquals(List.of(1), big.placements().stream().map(LogUpLayout.Placement::group).toList());
    assertEquals(4, small.numVars(), "8 + 8 rows in 2^4 leaves");
    assertEquals(
        List.of(0L, 8L), small.placements().stream().map(LogUpLayout.Placement::offset).toList());
    assertEquals(16, small.usedLeaves());
    assertTrue(!small.leafNumeratorIsOne(), "group 2 has 5 of its 8 rows active");
    assertTrue(big.placements().getFirst().shape().isFull() || !big.leafNumeratorIsOne());
  }

  /**
   * At most three trees whatever the groups: 2 + 32 + 1 + 4 + 8 rows = 47 = 32 + 8 + 7: the last
   * tree takes every group after the second power of two, padded to 8 leaves.
   */
  @Test
  void aLookupsWitnessSideSplitsIntoAtMostThreeTrees() {
    Lookup lk =
        new Lookup(
            LookupTable.range(4),
            List.of(Group.full(1), Group.full(5), Group.full(0), Group.full(2), Group.full(3)));
    List<LogUpLayout.Tree> trees = LogUpLayout.trees(LookupStatement.of(lk));
    assertEquals(4, trees.size(), "one table tree, three witness trees");
    assertEquals(
        List.of(5, 3, 3),
        trees.subList(1, 4).stream().map(LogUpLayout.Tree::numVars).toList(),
        "32 rows; 8 rows; 4 + 2 + 1 rows in 8 leaves");
    LogUpLayout.WitnessTree last = (LogUpLayout.WitnessTree) trees.get(3);
    assertEquals(7, last.usedLeaves());
    assertEquals(
        List.of(0, 2, 3), last.placements().stream().map(LogUpLayout.Placement::group).toList());
    assertEquals(
        List.of(4L, 6L, 0L),
        last.placements().stream().map(LogUpLayout.Placement::offset).toList());
    assertTrue(
        ((LogUpLayout.WitnessTree) trees.get(1)).leafNumeratorIsOne(),
        "a full group alone fills its tree");
    // Group 0 (2 rows at offset 4 = 0b10 in units of 2): its high coordinates r1, r2 fixed to 0, 1.
    Ext2[] r = {Ext2.of(3), Ext2.of(4), Ext2.of(5)};
    assertEquals(Ext2.ONE.sub(Ext2.of(4)).mul(Ext2.of(5)), last.placements().getFirst().weight(r));
  }

  /**
   * Blinded, a tree must have a blinding row in every residue class its top nodes sum over: full
   * groups have none, so a lookup whose split would leave a tree of full groups alone keeps all its
   * groups in one tree, where the padded groups' blinding rows mask them (as format 7 did).
   */
  @Test
  void aBlindedSplitNeverLeavesATreeWithoutBlindingRows() {
    Lookup unmaskable = new Lookup(LookupTable.range(8), List.of(new Group(6, 40), Group.full(4)));
    List<LogUpLayout.Tree> blinded =
        LogUpLayout.trees(LookupStatement.of(unmaskable).withBlinding());
    assertEquals(2, blinded.size(), "the full 2^4 group would sit alone: one witness tree");
    assertEquals(7, blinded.get(1).numVars(), "64 + 16 rows in 2^7 leaves");
    assertEquals(
        3, LogUpLayout.trees(LookupStatement.of(unmaskable)).size(), "unblinded, the split stands");
    Lookup maskable = new Lookup(LookupTable.range(8), List.of(new Group(6, 40), new Group(5, 10)));
    assertEquals(
        3,
        LogUpLayout.trees(LookupStatement.of(maskable).withBlinding()).size(),
        "both groups have blinding rows in every class: two witness trees");
  }

  /**
   * The cases of the tests below: 2^5 rows (30 active), 2^3 (7 active), 2^2 (3 active) and 2^1 (2
   * active): 46 rows = 32 + 8 + 6, so the last witness tree holds the 2^2 group at offset 0, the
   * 2^1 group at offset 4 and two unused leaves.
   */
  private static final Lookup LOOKUP =
      new Lookup(
          LookupTable.range(4),
          List.of(new Group(5, 30), new Group(3, 7), new Group(2, 3), new Group(1, 2)));

  private static final LookupStatement STATEMENT = LookupStatement.of(LOOKUP);
  private static final int SMALL_GROUP = 3;
  private static final long SMALL_GROUP_OFFSET = 4;
  private static final int BAD_ROW = 1;
  private static final long OUTSIDE = 16; // range(4) is [0, 16)
  private static final long UNUSED_LEAF = 6;

  private static boolean isLastTree(LogUpLayout.Tree tree) {
    return tree instanceof LogUpLayout.WitnessTree w
        && w.placements().stream().anyMatch(p -> p.group() == SMALL_GROUP);
  }

  /**
   * Witness columns in [0, 16), padding rows arbitrary; the small group's bad row holds 16 when
   * bad.
   */
  private static long[][][] columns(boolean bad) {
    Random rng = new Random(21);
    int groupCount = LOOKUP.groups().size();
    long[][][] groups = new long[groupCount][][];
    for (int g = 0; g < groupCount; g++) {
      Group shape = LOOKUP.groups().get(g);
      long[] v = new long[1 << shape.numVars()];
      for (int x = 0; x < v.length; x++) {
        v[x] = shape.isActive(x) ? rng.nextInt(16) : Goldilocks.random(rng);
      }
      groups[g] = new long[][] {v};
    }
    if (bad) {
      groups[SMALL_GROUP][0][BAD_ROW] = OUTSIDE;
    }
    return groups;
  }

  /** Multiplicities of every active row except the small group's bad one. */
  private static long[] multiplicitiesWithoutTheBadRow(long[][][] groups) {
    long[] m = new long[16];
    for (int g = 0; g < groups.length; g++) {
      for (int x = 0; x < groups[g][0].length; x++) {
        if (LOOKUP.groups().get(g).isActive(x) && !(g == SMALL_GROUP && x == BAD_ROW)) {
          m[(int) groups[g][0][x]]++;
        }
      }
    }
    return m;
  }

  private static LookupWitness witness(long[][][] groups, long[] m) {
    return new LookupWitness(List.of(groups), m);
  }

  /**
   * A cheating prover: the honest prover's rounds, with a tree's leaves altered after the honest
   * prover filled them and before the trees are built. The witness evaluations sent stay the true
   * ones.
   */
  interface LeafEdit {
    LeafEdit NONE = (tree, leaves, alpha, beta) -> {};

    void edit(LogUpLayout.Tree tree, LogUpProver.Leaves leaves, Ext2 alpha, Ext2 beta);
  }

  private static InvalidProofException rejection(
      LookupStatement st, LookupWitness w, LeafEdit edit) {
    Transcript t = new Transcript("merged");
    LogUpProver.Leafed leafed = LogUpProver.leaves(st, List.of(w), t);
    for (int i = 0; i < leafed.shapes().size(); i++) {
      edit.edit(leafed.shapes().get(i), leafed.leaves().get(i), leafed.alpha(), leafed.beta());
    }
    LogUpProof proof =
        LogUpProver.prove(leafed, t, io.zkaudit.prover.zk.SumcheckMasks.PLAIN).proof();
    return assertThrows(
        InvalidProofException.class,
        () -> LogUpVerifier.verify(st, proof, new Transcript("merged")));
  }

  @Test
  void theHonestFourGroupProofVerifies() throws InvalidProofException {
    long[][][] groups = columns(false);
    LookupWitness w = LookupWitness.compute(LOOKUP, List.of(groups));
    LogUpProof proof = LogUpProver.prove(STATEMENT, List.of(w), new Transcript("merged")).proof();
    assertEquals(
        4, proof.rootP().length, "the table's tree and three witness trees for four groups");
    assertEquals(5, proof.layers().size(), "the largest witness tree's 2^5 leaves");
    LogUpVerifier.verify(STATEMENT, proof, new Transcript("merged"));
  }

  /**
   * A tuple outside the table in the smaller group, at a non-zero offset: dropped from the
   * multiplicities or counted as any table row, plain and blinded, the sums do not balance.
   */
  @Test
  void aValueOutsideTheTableInTheSmallerGroupIsRejected() {
    long[][][] groups = columns(true);
    LogUpLayout.WitnessTree last = (LogUpLayout.WitnessTree) LogUpLayout.trees(STATEMENT).get(3);
    assertEquals(
        SMALL_GROUP_OFFSET,
        last.placements().stream()
            .filter(p -> p.group() == SMALL_GROUP)
            .findFirst()
            .orElseThrow()
            .offset());
    assertThrows(
        IllegalArgumentException.class, () -> LookupWitness.compute(LOOKUP, List.of(groups)));
    long[] honestPart = multiplicitiesWithoutTheBadRow(groups);
    for (int row = -1; row < 16; row++) {
      long[] m = honestPart.clone();
      if (row >= 0) {
        m[row]++;
      }
      InvalidProofException e = rejection(STATEMENT, witness(groups, m), LeafEdit.NONE);
      assertTrue(e.getMessage().contains("do not sum to the table fractions"), e.getMessage());
    }
    LookupStatement blinded = STATEMENT.withBlinding();
    LookupWitness w =
        witness(groups, honestPart)
            .blind(
                LOOKUP,
                io.zkaudit.lookup.LogUpBlinding.of(blinded),
                0,
                ZkRandom.seeded(3)::nextField);
    InvalidProofException e = rejection(blinded, w, LeafEdit.NONE);
    assertTrue(e.getMessage().contains("do not sum to the table fractions"), e.getMessage());
  }

  /**
   * The bad tuple of the test above, cancelled by the fraction -1/(alpha - 16) in an unused leaf:
   * the sums now balance and every GKR layer is consistent, so only the leaf check can catch it,
   * and it does (unused leaves must have p = 0). A lone numerator of 1 there unbalances the sums.
   */
  @Test
  void aNumeratorInAnUnusedLeafIsRejected() {
    long[][][] groups = columns(true);
    LookupWitness w = witness(groups, multiplicitiesWithoutTheBadRow(groups));
    long unused = UNUSED_LEAF; // the last witness tree has 2^3 leaves, its groups take 6
    LeafEdit cancel =
        (tree, leaves, alpha, beta) -> {
          if (isLastTree(tree)) {
            leaves.setP(unused, Goldilocks.P - 1);
            leaves.setQ(unused, alpha.sub(Ext2.of(OUTSIDE)));
          }
        };
    InvalidProofException e = rejection(STATEMENT, w, cancel);
    assertTrue(
        e.getMessage().contains("leaf numerators are not the groups' active-row selectors"),
        e.getMessage());

    LookupWitness honest = LookupWitness.compute(LOOKUP, List.of(columns(false)));
    LeafEdit extraOne =
        (tree, leaves, alpha, beta) -> {
          if (isLastTree(tree)) {
            leaves.setP(unused, 1);
          }
        };
    InvalidProofException e2 = rejection(STATEMENT, honest, extraOne);
    assertTrue(e2.getMessage().contains("do not sum to the table fractions"), e2.getMessage());
  }

  /**
   * Two groups of the same size swapped in the tree (the sums still balance: the same fractions).
   * With different active rows the numerators give it away; with the same shape, the denominators
   * (the prover must send the groups' true values, which the commitments' openings bind).
   */
  @Test
  void swappedGroupsAreRejected() {
    for (boolean sameShape : new boolean[] {false, true}) {
      Group second = sameShape ? new Group(4, 10) : new Group(4, 13);
      Lookup lk = new Lookup(LookupTable.range(4), List.of(new Group(4, 10), second));
      LookupStatement st = LookupStatement.of(lk);
      Random rng = new Random(9);
      long[][] a = {new long[16]};
      long[][] b = {new long[16]};
      for (int x = 0; x < 16; x++) {
        a[0][x] = rng.nextInt(16);
        b[0][x] = rng.nextInt(16);
      }
      LookupWitness w = LookupWitness.compute(lk, List.of(a, b));
      LeafEdit swap =
          (tree, leaves, alpha, beta) -> {
            if (tree instanceof LogUpLayout.WitnessTree) {
              for (long x = 0; x < 16; x++) {
                long p = leaves.p(x);
                Ext2 q = leaves.q(x);
                leaves.setP(x, leaves.p(16 + x));
                leaves.setQ(x, leaves.q(16 + x));
                leaves.setP(16 + x, p);
                leaves.setQ(16 + x, q);
              }
            }
          };
      InvalidProofException e = rejection(st, w, swap);
      String reason =
          sameShape
              ? "leaf denominators do not match the witness evaluations"
              : "leaf numerators are not the groups' active-row selectors";
      assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
  }

  /**
   * Zero knowledge with a full group (no blinding rows) beside a padded one: each of them alone
   * revealed its histogram's generating function in its own tree; in the merged tree every value
   * that did (both roots, both trees' layer-1 nodes, the multiplicity claim) is uniform over fresh
   * blinding, the padded group's blinding rows masking the full group's fractions too.
   */
  @Test
  void aFullGroupIsMaskedByItsNeighboursBlinding() throws InvalidProofException {
    Group padded = BlindedLogUpTest.box(2, 3, 3, 6, 3, 7);
    Group full = Group.full(6);
    LookupTable table = LookupTable.range(7);
    Lookup lk = new Lookup(table, List.of(padded, full));
    Random rng = new Random(31);
    List<long[][]> cols =
        List.of(LogUpTest.randomGroup(rng, table, padded), LogUpTest.randomGroup(rng, table, full));
    LogUpTest.Case plain =
        new LogUpTest.Case(LookupStatement.of(lk), List.of(LookupWitness.compute(lk, cols)));
    assertEquals(
        0,
        io.zkaudit.lookup.LogUpBlinding.of(plain.statement().withBlinding()).rows(0, 1).length,
        "the full group has no blinding rows");
    LogUpProof unblinded =
        LogUpProver.prove(plain.statement(), plain.witnesses(), new Transcript("z")).proof();
    int samples = 1000;
    int[][] hist = null;
    for (int s = 0; s < samples; s++) {
      LogUpTest.Case c = BlindedLogUpTest.blind(plain, ZkRandom.seeded(7000 + s));
      LogUpProof proof =
          LogUpProver.prove(c.statement(), c.witnesses(), new Transcript("z")).proof();
      List<Ext2> values = new java.util.ArrayList<>(ratios(proof));
      values.add(
          LogUpVerifier.verify(c.statement(), proof, new Transcript("z"))
              .multiplicities()
              .get(0)
              .value());
      if (hist == null) {
        hist = new int[values.size()][16];
        assertTrue(
            !ratios(unblinded).equals(ratios(proof)), "blinding changes the revealed fractions");
      }
      for (int k = 0; k < values.size(); k++) {
        hist[k][(int) (values.get(k).c0() & 15)]++;
      }
    }
    assertEquals(7, hist.length, "two roots, two layer-1 nodes per tree, the multiplicity claim");
    for (int k = 0; k < hist.length; k++) {
      assertTrue(
          io.zkaudit.testutil.ChiSquare.uniform(hist[k], samples)
              < io.zkaudit.testutil.ChiSquare.CRITICAL_15_DF,
          "revealed value " + k);
    }
  }

  /** Per tree: the root's P/Q, then layer 1's p0/q0 and p1/q1. */
  private static List<Ext2> ratios(LogUpProof proof) {
    List<Ext2> out = new java.util.ArrayList<>();
    for (int i = 0; i < proof.rootP().length; i++) {
      out.add(proof.rootP()[i].mul(proof.rootQ()[i].inv()));
    }
    Ext2[] e = proof.layers().get(0).evaluations();
    for (int i = 0; i + 3 < e.length; i += 4) {
      out.add(e[i].mul(e[i + 2].inv()));
      out.add(e[i + 1].mul(e[i + 3].inv()));
    }
    return out;
  }
}
