package io.zkaudit.lookup;

import io.zkaudit.field.Ext2;
import io.zkaudit.sumcheck.Composition;
import io.zkaudit.transcript.Transcript;
import java.util.ArrayList;
import java.util.List;

/**
 * The GKR instances of a {@link LookupStatement} and the composition of each GKR layer: shared by
 * prover and verifier so that both build exactly the same statement.
 *
 * <p>Every lookup contributes one fraction tree for its table (leaves p = m(y), q = alpha - T(y))
 * and one per witness group (leaves p = [x < activeRows], q = alpha - W(x)), in this order.
 * A tree over n variables has layers n (leaves) down to 0 (the root); the parent of entries k and
 * k + 2^(l-1) of layer l is entry k of layer l - 1 (the top variable is the sibling bit):
 * p' = p_0 q_1 + p_1 q_0, q' = q_0 q_1, so p'/q' = p_0/q_0 + p_1/q_1.
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

  /** One fraction tree. group is -1 for the table's tree. */
  public record Instance(int lookup, int group, int numVars, long activeRows, int width, LookupStatement.Group shape) {
    public boolean isTable() {
      return group < 0;
    }

    /** Witness trees without padding have p = 1 at every leaf: their leaf layer omits p. */
    public boolean leafNumeratorIsOne() {
      return !isTable() && shape.isFull();
    }

    /** Whether this instance's layer l omits the p tables. */
    public boolean omitsP(int layer) {
      return layer == numVars && leafNumeratorIsOne();
    }
  }

  public static List<Instance> instances(LookupStatement st) {
    List<Instance> out = new ArrayList<>();
    for (int l = 0; l < st.lookups().size(); l++) {
      LookupStatement.Lookup lk = st.lookups().get(l);
      // Blinded: the table's tree has one more variable, the top one, for its blinding half.
      out.add(new Instance(l, -1, lk.table().numVars() + (st.blinded() ? 1 : 0), lk.table().size(), lk.table().width(),
          null));
      for (int g = 0; g < lk.groups().size(); g++) {
        LookupStatement.Group gr = lk.groups().get(g);
        out.add(new Instance(l, g, gr.numVars(), gr.activeRows(), lk.table().width(), gr));
      }
    }
    return out;
  }

  public static int maxVars(List<Instance> instances) {
    int m = 0;
    for (Instance i : instances) {
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
   * The composition of GKR layer l (1 <= l <= maxVars) over the active instances (numVars >= l):
   * per active instance a, tables [p0, p1, q0, q1] (or [q0, q1] when p is omitted) and terms
   * lambda^(2a) (p0 q1 + p1 q0) + lambda^(2a+1) q0 q1 (with p = 1: lambda^(2a) (q1 + q0)).
   */
  public static Composition layerComposition(List<Instance> active, int layer, Ext2 lambda) {
    int tables = 0;
    for (Instance i : active) {
      tables += i.omitsP(layer) ? 2 : 4;
    }
    Composition.Builder b = Composition.builder(tables);
    int t = 0;
    Ext2 cp = Ext2.ONE;
    for (Instance i : active) {
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
   * After GKR layer {@code layer}'s sumcheck: the claimed evaluations of each active instance's
   * (p0, p1, q0, q1) (p omitted where {@link Instance#omitsP} says so, then 1), combined at the
   * new challenge rho into the claims p(r, rho), q(r, rho) on the next layer. Prover and verifier
   * both use this, so they read the evaluations in the same order.
   */
  public static void bindSibling(List<Integer> active, List<Instance> activeInst, int layer, Ext2[] e, Ext2 rho,
      Ext2[] p, Ext2[] q) {
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
