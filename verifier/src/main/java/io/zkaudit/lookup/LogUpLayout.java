package io.zkaudit.lookup;

import io.zkaudit.field.Ext2;
import io.zkaudit.sumcheck.Composition;
import io.zkaudit.transcript.Transcript;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The fraction trees of a {@link LookupStatement} and the composition of each GKR layer: shared by
 * prover and verifier so that both build exactly the same statement.
 *
 * <p>Every lookup contributes its table's fraction tree (leaves p = m(y), q = alpha - T(y)) and
 * then one to three for its witness side, which hold the lookup's groups (leaves p = [x active], q
 * = alpha - W(x); {@link #witnessTrees} says which group goes where). The groups sit in aligned
 * sub-cubes of a witness tree, as {@link io.zkaudit.pcs.PackedLayout} places committed columns: in
 * decreasing size (ties: by group number) one after the other, so group g of 2^k_g rows starts at a
 * multiple o_g of 2^k_g, and its leaves are the tree's leaves whose high variables are fixed to the
 * bits b_g of o_g / 2^k_g. The leaves past the last group are unused: p = 0, q = 1, so they add
 * nothing to the tree's sum. The MLE of the witness tree's leaves at a point r is then
 *
 * <pre>
 *   P(r) = sum_g eq(b_g, r_high) P_g(r_low),   Q(r) = sum_g eq(b_g, r_high) Q_g(r_low) + (1 - sum_g eq(b_g, r_high)),
 * </pre>
 *
 * with r_low = r[0..k_g) and r_high = r[k_g..n): each group is still evaluated once, at a prefix of
 * the one point where the GKR ends (1 - sum_g eq(...) is the unused leaves' indicator, since sum_x
 * eq(x, r) = 1). One tree instead of one per group: each GKR layer sends four values per active
 * tree, so the lookup proof shrinks with the number of groups (docs/pcs.md, issue 14).
 *
 * <p>A tree over n variables has layers n (leaves) down to 0 (the root); the parent of entries k
 * and k + 2^(l-1) of layer l is entry k of layer l - 1 (the top variable is the sibling bit): p' =
 * p_0 q_1 + p_1 q_0, q' = q_0 q_1, so p'/q' = p_0/q_0 + p_1/q_1.
 */
public final class LogUpLayout {
  private LogUpLayout() {}

  public static final String SHAPE = "logup/shape";
  public static final String TABLE_COLUMN = "logup/table-column";
  public static final String BETA = "logup/beta";
  public static final String ALPHA = "logup/alpha";
  public static final String ROOTS = "logup/roots";
  public static final String LAMBDA = "logup/lambda";
  public static final String RHO = "logup/rho";
  public static final String WITNESS = "logup/witness-evaluations";
  public static final String BLINDING_SUM = "logup/blinding-sum";
  public static final String BLINDING_TUPLE = "logup/blinding-tuple";

  /** One fraction tree of a statement: a lookup's table, or all of a lookup's witness groups. */
  public sealed interface Tree permits TableTree, WitnessTree {
    int lookup();

    int numVars();

    /** Whether this tree's layer l omits the p tables (p = 1 at every entry of that layer). */
    boolean omitsP(int layer);
  }

  /**
   * A lookup's table: 2^numVars leaves (blinded: one more variable, the top one, for the blinding
   * half).
   */
  public record TableTree(int lookup, int numVars) implements Tree {
    @Override
    public boolean omitsP(int layer) {
      return false;
    }
  }

  /**
   * Some of a lookup's witness groups in one tree of 2^numVars leaves, in group order (not
   * placement order); each placement names its group.
   */
  public record WitnessTree(int lookup, int numVars, int width, List<Placement> placements)
      implements Tree {
    public WitnessTree {
      placements = List.copyOf(placements);
    }

    /** Leaves taken by the groups: [0, usedLeaves); the rest are unused (p = 0, q = 1). */
    public long usedLeaves() {
      long used = 0;
      for (Placement p : placements) {
        used += 1L << p.numVars();
      }
      return used;
    }

    /** Full groups filling the whole tree have p = 1 at every leaf: the leaf layer omits p. */
    public boolean leafNumeratorIsOne() {
      return usedLeaves() == 1L << numVars && placements.stream().allMatch(p -> p.shape().isFull());
    }

    @Override
    public boolean omitsP(int layer) {
      return layer == numVars && leafNumeratorIsOne();
    }
  }

  /**
   * Group {@code group} of a lookup at the witness tree's leaves [offset, offset +
   * 2^shape.numVars()), offset a multiple of the group's size.
   */
  public record Placement(int group, LookupStatement.Group shape, long offset) {
    public Placement {
      if (offset < 0 || offset % (1L << shape.numVars()) != 0) {
        throw new IllegalArgumentException("group " + group + " at an unaligned offset " + offset);
      }
    }

    public int numVars() {
      return shape.numVars();
    }

    /** The group's own point: the low numVars coordinates of a point on the tree's leaves. */
    public Ext2[] localPoint(Ext2[] treePoint) {
      return Arrays.copyOf(treePoint, numVars());
    }

    /**
     * eq(b_g, r_high): the weight of the group's sub-cube in the tree's leaf MLE at a point, O(tree
     * variables).
     */
    public Ext2 weight(Ext2[] treePoint) {
      long subCube = offset >>> numVars();
      Ext2 acc = Ext2.ONE;
      for (int j = numVars(); j < treePoint.length; j++) {
        acc =
            acc.mul(
                ((subCube >>> (j - numVars())) & 1) == 1
                    ? treePoint[j]
                    : Ext2.ONE.sub(treePoint[j]));
      }
      return acc;
    }
  }

  /**
   * The trees of a statement: per lookup, its table's and then its witness side's (one to three
   * trees).
   */
  public static List<Tree> trees(LookupStatement st) {
    List<Tree> out = new ArrayList<>();
    LogUpBlinding plan = st.blinded() ? LogUpBlinding.of(st) : null;
    for (int l = 0; l < st.lookups().size(); l++) {
      LookupStatement.Lookup lk = st.lookups().get(l);
      out.add(new TableTree(l, lk.table().numVars() + (st.blinded() ? 1 : 0)));
      List<WitnessTree> split = witnessTrees(l, lk, st.witnessTrees());
      if (plan != null && !split.stream().allMatch(t -> blindsEveryTopNode(t, plan))) {
        // A tree whose top nodes some residue class reaches without a blinding row would reveal
        // its groups' fraction sums there (docs/zero-knowledge.md, "Blinded lookups"): keep the
        // lookup's groups in one tree, where every group's blinding rows mask all of them.
        split = witnessTrees(l, lk, 1);
      }
      out.addAll(split);
    }
    return out;
  }

  /**
   * Whether the tree's blinding rows cover every residue class of its leaf index modulo
   * 2^min(SUBTREE_BITS, numVars): the classes that the nodes of its top layers sum over, which the
   * proof reveals.
   */
  private static boolean blindsEveryTopNode(WitnessTree tree, LogUpBlinding plan) {
    int classes = 1 << Math.min(LogUpBlinding.SUBTREE_BITS, tree.numVars());
    boolean[] covered = new boolean[classes];
    for (Placement p : tree.placements()) {
      for (long row : plan.rows(tree.lookup(), p.group())) {
        covered[(int) ((p.offset() + row) & (classes - 1))] = true;
      }
    }
    for (boolean c : covered) {
      if (!c) {
        return false;
      }
    }
    return true;
  }

  /**
   * Places a lookup's groups in decreasing size (ties: by group number), each at an aligned offset,
   * in at most three trees along the binary decomposition of their total N: the first takes the
   * groups that fill 2^(highest bit of N) exactly, the second those that fill the next bit's power
   * exactly, the third the rest, padded to a power of two. With power-of-two groups in decreasing
   * size the running sum meets each power of two exactly, so only the last tree has unused leaves,
   * fewer than its own size: one tree for all (format 7) padded MobileNet v2's 13.3M and 25.2M rows
   * to 2^24 and 2^25 leaves (31% more); three trees per side pad them by under 3%. With {@code
   * maxTrees} = 1, all groups share one tree (what a blinded lookup falls back to, see {@link
   * #trees}).
   */
  static List<WitnessTree> witnessTrees(int lookup, LookupStatement.Lookup lk, int maxTrees) {
    List<LookupStatement.Group> groups = lk.groups();
    Integer[] order = new Integer[groups.size()];
    long total = 0;
    for (int g = 0; g < order.length; g++) {
      order[g] = g;
      total += 1L << groups.get(g).numVars();
    }
    Arrays.sort(
        order,
        Comparator.comparingInt((Integer g) -> -groups.get(g).numVars()).thenComparingInt(g -> g));
    List<WitnessTree> out = new ArrayList<>();
    int next = 0;
    long remaining = total;
    while (next < order.length) {
      boolean last = out.size() == maxTrees - 1 || Long.bitCount(remaining) == 1;
      long target = last ? remaining : Long.highestOneBit(remaining);
      List<Placement> placements = new ArrayList<>();
      long offset = 0;
      while (next < order.length && offset < target) {
        int g = order[next++];
        placements.add(new Placement(g, groups.get(g), offset));
        offset += 1L << groups.get(g).numVars();
      }
      int n = 0;
      while ((1L << n) < offset) {
        n++;
      }
      placements.sort(Comparator.comparingInt(Placement::group));
      out.add(new WitnessTree(lookup, n, lk.table().width(), placements));
      remaining -= offset;
    }
    return out;
  }

  /** The most trees a lookup's witness side is split into. */
  public static final int MAX_WITNESS_TREES = 3;

  public static int maxVars(List<? extends Tree> trees) {
    int m = 0;
    for (Tree i : trees) {
      m = Math.max(m, i.numVars());
    }
    return m;
  }

  /**
   * Binds the statement: sizes, widths, active rows, and every table column (its offset, or the
   * SHA-256 of its values: O(table size), like evaluating it).
   */
  public static void absorbShape(LookupStatement st, Transcript t) {
    List<Long> words = new ArrayList<>();
    words.add((long) st.lookups().size());
    words.add(st.blinded() ? 1L : 0L);
    for (LookupStatement.Lookup lk : st.lookups()) {
      words.add((long) lk.table().numVars());
      words.add((long) lk.table().width());
      words.add((long) lk.groups().size());
      for (LookupStatement.Group g : lk.groups()) {
        words.add((long) g.numVars());
        words.add((long) g.extents().size());
        for (LookupStatement.Group.Extent e : g.extents()) {
          words.add((long) e.bits());
          words.add(e.size());
        }
      }
    }
    t.absorbField(SHAPE, words.stream().mapToLong(Long::longValue).toArray());
    for (LookupStatement.Lookup lk : st.lookups()) {
      for (TableColumn c : lk.table().columns()) {
        t.absorbBytes(TABLE_COLUMN, c.descriptor());
      }
    }
  }

  /**
   * The composition of GKR layer l (1 <= l <= maxVars) over the active trees (numVars >= l): per
   * active tree a, tables [p0, p1, q0, q1] (or [q0, q1] when p is omitted) and terms lambda^(2a)
   * (p0 q1 + p1 q0) + lambda^(2a+1) q0 q1 (with p = 1: lambda^(2a) (q1 + q0)).
   */
  public static Composition layerComposition(List<? extends Tree> active, int layer, Ext2 lambda) {
    int tables = 0;
    for (Tree i : active) {
      tables += i.omitsP(layer) ? 2 : 4;
    }
    Composition.Builder b = Composition.builder(tables);
    int t = 0;
    Ext2 cp = Ext2.ONE;
    for (Tree i : active) {
      Ext2 cq = cp.mul(lambda);
      if (i.omitsP(layer)) {
        b.term(cp, t + 1).term(cp, t).term(cq, t, t + 1);
        t += 2;
      } else {
        b.term(cp, t, t + 3).term(cp, t + 1, t + 2).term(cq, t + 2, t + 3);
        t += 4;
      }
      cp = cq.mul(lambda);
    }
    return b.build();
  }

  /** sum_a lambda^(2a) P_a + lambda^(2a+1) Q_a: the claim a layer's sumcheck starts from. */
  public static Ext2 layerClaim(Ext2[] p, Ext2[] q, Ext2 lambda) {
    Ext2 acc = Ext2.ZERO;
    Ext2 c = Ext2.ONE;
    for (int a = 0; a < p.length; a++) {
      acc = acc.add(c.mul(p[a]));
      c = c.mul(lambda);
      acc = acc.add(c.mul(q[a]));
      c = c.mul(lambda);
    }
    return acc;
  }

  /**
   * The MLE of the prefix indicator [x < count] over {0,1}^n at r (n = r.length), in O(n): x < N
   * iff at the highest bit j where x and N differ, N_j = 1 and x_j = 0.
   */
  public static Ext2 prefixIndicator(long count, Ext2[] r) {
    int n = r.length;
    if (count >= 1L << n) {
      return Ext2.ONE;
    }
    Ext2 acc = Ext2.ZERO;
    Ext2 prefix = Ext2.ONE; // prod_{k > j} eq(r_k, N_k)
    for (int j = n - 1; j >= 0; j--) {
      boolean bit = ((count >>> j) & 1) == 1;
      if (bit) {
        acc = acc.add(prefix.mul(Ext2.ONE.sub(r[j])));
        prefix = prefix.mul(r[j]);
      } else {
        prefix = prefix.mul(Ext2.ONE.sub(r[j]));
      }
    }
    return acc;
  }

  /**
   * After GKR layer {@code layer}'s sumcheck: the claimed evaluations of each active tree's (p0,
   * p1, q0, q1) (p omitted where {@link Tree#omitsP} says so, then 1), combined at the new
   * challenge rho into the claims p(r, rho), q(r, rho) on the next layer. Prover and verifier both
   * use this, so they read the evaluations in the same order.
   */
  public static void bindSibling(
      List<Integer> active,
      List<? extends Tree> activeInst,
      int layer,
      Ext2[] e,
      Ext2 rho,
      Ext2[] p,
      Ext2[] q) {
    int o = 0;
    for (int a = 0; a < active.size(); a++) {
      int i = active.get(a);
      Ext2 p0 = Ext2.ONE;
      Ext2 p1 = Ext2.ONE;
      if (!activeInst.get(a).omitsP(layer)) {
        p0 = e[o++];
        p1 = e[o++];
      }
      Ext2 q0 = e[o++];
      Ext2 q1 = e[o++];
      p[i] = p0.add(rho.mul(p1.sub(p0)));
      q[i] = q0.add(rho.mul(q1.sub(q0)));
    }
  }

  /** sum_c beta^c v_c. */
  public static Ext2 compress(Ext2 beta, Ext2[] values) {
    Ext2 acc = Ext2.ZERO;
    Ext2 pow = Ext2.ONE;
    for (Ext2 v : values) {
      acc = acc.add(pow.mul(v));
      pow = pow.mul(beta);
    }
    return acc;
  }
}
