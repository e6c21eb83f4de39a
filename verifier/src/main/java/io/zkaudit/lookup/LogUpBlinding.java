package io.zkaudit.lookup;

import io.zkaudit.field.Ext2;
import io.zkaudit.pcs.EvalClaim;
import java.util.ArrayList;
import java.util.List;

/**
 * Tagged blinding of a zero-knowledge logUp proof (docs/zero-knowledge.md, "Blinded lookups"): the
 * public plan both sides derive from a blinded {@link LookupStatement}.
 *
 * <ul>
 *   <li>Each witness group has public blinding rows ({@link LookupStatement.Group#blindingRows}:
 *       one per residue class of the low 4 bits, which is what a tree's top nodes sum over),
 *       inactive rows whose leaves get a uniform committed numerator b_s and a tagged denominator
 *       {@code alpha - (compress(w(s)) + beta^width)}. The numerators of all groups sit in one
 *       committed column, group after group (lookup by lookup).
 *   <li>Each table's tree has a blinding half (its top variable = 1): leaves {@code (b'(y), alpha -
 *       (compress(u'(y)) + beta^width))} from committed columns b' (after the multiplicities in one
 *       column M2 = [m | b']) and u' (width columns of {@link #tupleVars} variables, zero-extended
 *       to the table's size). The prover puts the lookup's j-th blinding fraction at slot j, so
 *       that the first 16 cover every residue class; the rest are zero.
 * </ul>
 *
 * The tag keeps blinding fractions apart from looked-up ones: the tagged terms of both sides must
 * cancel each other, the untagged ones satisfy logUp's identity, so whatever the prover puts in the
 * blinding rows, it cannot make a tuple outside the table pass.
 */
public final class LogUpBlinding {
  /** Blinding rows per group: one in each residue class modulo 2^4 that has an inactive row. */
  public static final int SUBTREE_BITS = 4;

  private final long[][][] rows;
  private final int[][] offsets;
  private final int[] counts;
  private final int total;

  private LogUpBlinding(long[][][] rows, int[][] offsets, int[] counts, int total) {
    this.rows = rows;
    this.offsets = offsets;
    this.counts = counts;
    this.total = total;
  }

  /**
   * The plan of a blinded statement. A lookup whose groups would need more blinding rows than its
   * table has slots takes fewer classes (SUBTREE_BITS - 1, ...) for all its groups; with one row
   * per group still too many (a table smaller than its number of groups), the last groups get none.
   */
  public static LogUpBlinding of(LookupStatement st) {
    if (!st.blinded()) {
      throw new IllegalArgumentException("the statement is not blinded");
    }
    int n = st.lookups().size();
    long[][][] rows = new long[n][][];
    int[][] offsets = new int[n][];
    int[] counts = new int[n];
    int total = 0;
    for (int l = 0; l < n; l++) {
      LookupStatement.Lookup lk = st.lookups().get(l);
      long slots = 1L << lk.table().numVars();
      for (int bits = SUBTREE_BITS; bits >= 0; bits--) {
        long[][] r = new long[lk.groups().size()][];
        long count = 0;
        for (int g = 0; g < r.length; g++) {
          r[g] = lk.groups().get(g).blindingRows(bits);
          count += r[g].length;
        }
        if (count > slots && bits == 0) {
          // A table smaller than its number of groups (toy tables only): the first groups get a
          // row.
          count = 0;
          for (int g = 0; g < r.length; g++) {
            if (count + r[g].length > slots) {
              r[g] = new long[0];
            }
            count += r[g].length;
          }
        }
        if (count <= slots) {
          rows[l] = r;
          counts[l] = (int) count;
          break;
        }
      }
      offsets[l] = new int[rows[l].length];
      for (int g = 0; g < rows[l].length; g++) {
        offsets[l][g] = total;
        total += rows[l][g].length;
      }
    }
    return new LogUpBlinding(rows, offsets, counts, total);
  }

  /** The blinding rows of a group, one per residue class in increasing class order (not sorted). */
  public long[] rows(int lookup, int group) {
    return rows[lookup][group].clone();
  }

  /** Where the group's numerators start in the numerator column. */
  public int offset(int lookup, int group) {
    return offsets[lookup][group];
  }

  /** How many blinding fractions the lookup's table half holds. */
  public int count(int lookup) {
    return counts[lookup];
  }

  /**
   * Variables of the lookup's blinding tuple columns u': the slots its fractions use (0, 1, ...),
   * rounded up to a power of two. The table tree's blinding half reads u' zero-extended to the
   * table's size: at a point (z, z') with z the low tupleVars coordinates, u'(z) eq(z', 0).
   */
  public int tupleVars(int lookup) {
    int v = 0;
    while ((1L << v) < Math.max(1, counts[lookup])) {
      v++;
    }
    return v;
  }

  /** eq(z', 0) = prod (1 - z'_j) over the coordinates of rest past the tuple columns' variables. */
  public Ext2 tupleExtension(int lookup, Ext2[] rest) {
    Ext2 acc = Ext2.ONE;
    for (int j = tupleVars(lookup); j < rest.length; j++) {
      acc = acc.mul(Ext2.ONE.sub(rest[j]));
    }
    return acc;
  }

  /** Entries of the numerator column: every group's rows. */
  public int numerators() {
    return total;
  }

  /** Variables of the numerator column (at least one entry). */
  public int numeratorVars() {
    int v = 0;
    while ((1L << v) < Math.max(1, total)) {
      v++;
    }
    return v;
  }

  /**
   * The table slot of a lookup's j-th blinding fraction: j, so consecutive fractions fall in
   * distinct residue classes.
   */
  public static int slot(int j) {
    return j;
  }

  /**
   * The MLE of the group's tag (1 on its blinding rows) at a point: sum over rows of eq(point,
   * row).
   */
  public Ext2 tag(int lookup, int group, Ext2[] point) {
    Ext2 acc = Ext2.ZERO;
    for (long row : rows[lookup][group]) {
      acc = acc.add(eqBoolean(point, row));
    }
    return acc;
  }

  /**
   * The terms of {@code sum_s eq(point, s) b_s} on the numerator column (numeratorVars variables):
   * one Boolean-point evaluation per blinding row, weighted by eq(point, row).
   */
  public List<EvalClaim.Term> numeratorTerms(int lookup, int group, Ext2[] point) {
    int vars = numeratorVars();
    List<EvalClaim.Term> terms = new ArrayList<>();
    long[] r = rows[lookup][group];
    for (int k = 0; k < r.length; k++) {
      int index = offsets[lookup][group] + k;
      Ext2[] p = new Ext2[vars];
      for (int j = 0; j < vars; j++) {
        p[j] = ((index >>> j) & 1) == 1 ? Ext2.ONE : Ext2.ZERO;
      }
      terms.add(new EvalClaim.Term(p, eqBoolean(point, r[k])));
    }
    return terms;
  }

  /** eq(point, x) for a Boolean x: prod_j (x_j ? point_j : 1 - point_j). */
  public static Ext2 eqBoolean(Ext2[] point, long x) {
    Ext2 acc = Ext2.ONE;
    for (int j = 0; j < point.length; j++) {
      acc = acc.mul(((x >>> j) & 1) == 1 ? point[j] : Ext2.ONE.sub(point[j]));
    }
    return acc;
  }
}
