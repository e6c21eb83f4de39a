package io.zkaudit.accuracy;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.sumcheck.Composition;

/**
 * The five relations of the gadget as one sumcheck over the (class, sample) hypercube, shared by
 * prover and verifier: the tables, their order, the composition and the claim (see the package
 * documentation for the derivation). With x = (j, b), box(x) = [b < N][j < K], the point r = (r_j,
 * r_b) and the batching weight λ drawn after the commitments:
 *
 * <pre>
 *  Σ_x  E·s·(1 − s)                                  (A) s is 0 or 1 on the box
 *     + λ·E'·s                                       (B) one 1 per real sample, among real classes
 *     + λ²·(E'·s·ℓ − 2^−kb·E_b·m)                    (C) m is the selected logit
 *     + λ³·(E·(d − m + ℓ) + G·s)                     (D) d = m − ℓ − [j &lt; p_b] on the box
 *     + λ⁴·box·L·s                                   (E) the count
 *  = λ·[b &lt; N]~(r_b) + λ⁴·correct
 * </pre>
 *
 * with the public tables E = eq(r, x)·box(x), E' = eq(r_b, b)·box(x), E_b = eq(r_b, b)·[b &lt; N],
 * G = E_b·W(j) where W(k) = Σ_{j &lt; k &lt; K} eq(r_j, j), L(b, j) = [b &lt; N][j = y_b] and box
 * itself; m is the maximum column extended constantly over the classes. (E) reads L on the box
 * only, so that a committed label table (the test-set commitment's) can have uniform padding and
 * its claim is masked like the others; for public labels box·L = L. The composition has degree 3
 * and no eq factor: round degree 3, the largest a Libra mask of the mask column takes.
 */
public final class ArgmaxRelations {
  private ArgmaxRelations() {}

  /** The committed (private) tables, whose values the proof sends at the end point. */
  public static final int SELECTOR = 0;

  public static final int LOGITS = 1;
  public static final int GAP = 2;
  public static final int MAX = 3;

  /**
   * The label table: public (the verifier evaluates it) or committed (its value is sent, and left
   * as a claim); so it comes right after the committed tables.
   */
  public static final int LABELS = 4;

  /** The public tables, whose values the verifier computes itself; the proof does not send them. */
  public static final int EQ_BOX = 5;

  public static final int ROW_BOX = 6;
  public static final int ROW_SAMPLE = 7;
  public static final int BELOW = 8;
  public static final int BOX = 9;
  public static final int TABLES = 10;

  /** How many table values the proof sends: the committed tables', and the labels' if committed. */
  public static int sentTables(ArgmaxCountStatement st) {
    return st.labelsCommitted() ? LABELS + 1 : LABELS;
  }

  public static final String POINT = "accuracy/point";
  public static final String LAMBDA = "accuracy/lambda";

  /** The composition for the batching weight λ. */
  public static Composition composition(Ext2 lambda, int classBits) {
    Ext2 l2 = lambda.square();
    Ext2 l3 = l2.mul(lambda);
    Ext2 l4 = l2.square();
    Ext2 spread = Ext2.of(Goldilocks.inv(1L << classBits));
    return Composition.builder(TABLES)
        // (A) Booleanity on the box
        .term(Ext2.ONE, EQ_BOX, SELECTOR)
        .term(Ext2.ONE.neg(), EQ_BOX, SELECTOR, SELECTOR)
        // (B) one-hot rows
        .term(lambda, ROW_BOX, SELECTOR)
        // (C) the maximum is the selected logit
        .term(l2, ROW_BOX, SELECTOR, LOGITS)
        .term(l2.mul(spread).neg(), ROW_SAMPLE, MAX)
        // (D) the gap, t folded in through G
        .term(l3, EQ_BOX, GAP)
        .term(l3.neg(), EQ_BOX, MAX)
        .term(l3, EQ_BOX, LOGITS)
        .term(l3, BELOW, SELECTOR)
        // (E) the count, on the box: a committed label table may then have uniform padding
        .term(l4, BOX, LABELS, SELECTOR)
        .build();
  }

  /** The sum the relations must have: λ·[b < N]~(r_b) + λ⁴·correct. */
  public static Ext2 claim(ArgmaxCountStatement st, Ext2[] r, Ext2 lambda) {
    ArgmaxLayout layout = st.layout();
    return lambda
        .mul(layout.realSample(layout.samplePart(r)))
        .add(lambda.square().square().mul(Ext2.of(st.correct())));
  }

  /**
   * The public tables' values at the end point σ, indexed like the composition's tables (null for
   * the committed ones, and for the label table when the labels are committed).
   */
  public static Ext2[] publicValues(ArgmaxCountStatement st, Ext2[] r, Ext2[] sigma) {
    ArgmaxLayout layout = st.layout();
    Ext2[] rj = layout.classPart(r);
    Ext2[] sj = layout.classPart(sigma);
    // The tables are products of a class factor and a sample factor, so their MLEs factor too;
    // within a factor, eq restricted to a prefix is evaluated as one (ArgmaxLayout.restrictedEq).
    Ext2 rowSample =
        ArgmaxLayout.restrictedEq(layout.samples(), layout.samplePart(r), layout.samplePart(sigma));
    Ext2[] v = new Ext2[TABLES];
    v[EQ_BOX] = ArgmaxLayout.restrictedEq(layout.classes(), rj, sj).mul(rowSample);
    v[ROW_BOX] = layout.realClass(sj).mul(rowSample);
    v[ROW_SAMPLE] = rowSample;
    v[BELOW] = rowSample.mul(below(layout.classes(), rj, sj));
    v[LABELS] = st.labelsCommitted() ? null : st.labelTable(sigma);
    v[BOX] = layout.box(sigma);
    return v;
  }

  /**
   * W~(c) = Σ_{j &lt; k &lt; K} eq(a, j)·eq(c, k) over k-bit j, k: the MLE in (a, c) of the
   * predicate [j &lt; k &lt; K], in O(bits). The predicate is decided by reading the bits from the
   * top with two comparisons (j against k, k against K), each "equal so far" or "less"; the MLE is
   * the sum over all (j, k) of the product of the per-bit weights of accepted pairs, which a walk
   * over the four states computes exactly (the per-bit weights factor over bits, like eq).
   */
  public static Ext2 below(int classes, Ext2[] a, Ext2[] c) {
    int bits = a.length;
    if (c.length != bits || classes > 1L << bits) {
      throw new IllegalArgumentException("points of " + a.length + " and " + c.length + " bits");
    }
    // state index: 2·[j < k decided] + [k < K decided]; k < K holds at once when K = 2^bits
    Ext2[] mass = {Ext2.ZERO, Ext2.ZERO, Ext2.ZERO, Ext2.ZERO};
    boolean full = classes == 1L << bits;
    mass[full ? 1 : 0] = Ext2.ONE;
    for (int i = bits - 1; i >= 0; i--) {
      int kBit = (int) ((classes >>> i) & 1);
      Ext2[] next = {Ext2.ZERO, Ext2.ZERO, Ext2.ZERO, Ext2.ZERO};
      for (int state = 0; state < 4; state++) {
        if (mass[state].isZero()) {
          continue;
        }
        boolean jLess = (state & 2) != 0;
        boolean kLess = (state & 1) != 0;
        for (int jb = 0; jb < 2; jb++) {
          for (int kb = 0; kb < 2; kb++) {
            if (!jLess && jb > kb) {
              continue; // j > k
            }
            if (!kLess && !full && kb > kBit) {
              continue; // k > K
            }
            Ext2 w = (jb == 1 ? a[i] : Ext2.ONE.sub(a[i])).mul(kb == 1 ? c[i] : Ext2.ONE.sub(c[i]));
            int to = ((jLess || jb < kb) ? 2 : 0) | ((kLess || full || kb < kBit) ? 1 : 0);
            next[to] = next[to].add(mass[state].mul(w));
          }
        }
      }
      mass = next;
    }
    return mass[3];
  }
}
