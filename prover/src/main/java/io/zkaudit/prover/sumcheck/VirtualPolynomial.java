package io.zkaudit.prover.sumcheck;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.ExtVector;
import io.zkaudit.poly.Mle;
import io.zkaudit.sumcheck.Composition;
import io.zkaudit.sumcheck.Term;
import java.util.ArrayList;
import java.util.List;

/**
 * The prover's side of a sumcheck statement: multilinear tables over n variables, a {@link
 * Composition} over them (terms = coefficient x product of table indices), and an optional eq(z, x)
 * factor. The engine never modifies the arrays given here.
 *
 * <pre>{@code
 * VirtualPolynomial vp = new VirtualPolynomial(n);
 * int a = vp.addBase(weights);        // long[2^n], base field
 * int b = vp.addExt(partialEq);       // interleaved extension table, 2^n entries
 * vp.addTerm(Ext2.ONE, a, b);          // + 1 * a(x) * b(x)
 * vp.setEq(z);                         // optional: the whole sum is weighted by eq(z, x)
 * SumcheckProver.Output out = SumcheckProver.prove(vp, claim, transcript);
 * }</pre>
 *
 * The verifier rebuilds {@link #composition()} from the public statement.
 */
public final class VirtualPolynomial {
  private final int numVars;
  private final List<long[]> tables = new ArrayList<>();
  private final List<Boolean> isExt = new ArrayList<>();
  private final List<Term> terms = new ArrayList<>();
  private Ext2[] eqPoint;

  public VirtualPolynomial(int numVars) {
    if (numVars < 0 || numVars > 30) {
      throw new IllegalArgumentException("number of variables out of range: " + numVars);
    }
    this.numVars = numVars;
  }

  public int numVars() {
    return numVars;
  }

  /** Adds a base-field table of 2^n entries; returns its index. */
  public int addBase(long[] table) {
    if (table.length != 1 << numVars) {
      throw new IllegalArgumentException(
          "base table has " + table.length + " entries, expected " + (1 << numVars));
    }
    tables.add(table);
    isExt.add(false);
    return tables.size() - 1;
  }

  /** Adds an interleaved extension table of 2^n entries (2^(n+1) longs); returns its index. */
  public int addExt(long[] table) {
    if (table.length != 2 << numVars) {
      throw new IllegalArgumentException(
          "extension table has "
              + ExtVector.length(table)
              + " entries, expected "
              + (1 << numVars));
    }
    tables.add(table);
    isExt.add(true);
    return tables.size() - 1;
  }

  public VirtualPolynomial addTerm(Ext2 coefficient, int... factors) {
    terms.add(new Term(coefficient, factors));
    return this;
  }

  public VirtualPolynomial addTerm(long signedCoefficient, int... factors) {
    return addTerm(Ext2.ofSigned(signedCoefficient), factors);
  }

  /** Adds every term of a composition whose table indices refer to the tables added so far. */
  public VirtualPolynomial addTerms(Composition composition) {
    if (composition.numTables() != tables.size()) {
      throw new IllegalArgumentException(
          "composition over " + composition.numTables() + " tables, have " + tables.size());
    }
    terms.addAll(composition.terms());
    return this;
  }

  /** Multiplies the whole summand by eq(z, x); z has n coordinates (z[j] for variable j). */
  public VirtualPolynomial setEq(Ext2[] z) {
    if (z.length != numVars) {
      throw new IllegalArgumentException(
          "eq point has " + z.length + " coordinates, expected " + numVars);
    }
    this.eqPoint = z.clone();
    return this;
  }

  public Ext2[] eqPoint() {
    return eqPoint == null ? null : eqPoint.clone();
  }

  public Composition composition() {
    return new Composition(tables.size(), terms);
  }

  int numTables() {
    return tables.size();
  }

  long[] table(int j) {
    return tables.get(j);
  }

  boolean isExt(int j) {
    return isExt.get(j);
  }

  /**
   * The hypercube sum, computed directly (O(2^n) per term): for tests and for callers without a
   * claim.
   */
  public Ext2 sum() {
    Composition c = composition();
    long[] eq = eqPoint == null ? null : Mle.eqTable(eqPoint);
    Ext2 acc = Ext2.ZERO;
    Ext2[] vals = new Ext2[tables.size()];
    for (int x = 0; x < 1 << numVars; x++) {
      for (int j = 0; j < vals.length; j++) {
        long[] t = tables.get(j);
        vals[j] = isExt.get(j) ? new Ext2(t[2 * x], t[2 * x + 1]) : Ext2.of(t[x]);
      }
      Ext2 v = c.evaluate(vals);
      if (eq != null) {
        v = v.mul(ExtVector.get(eq, x));
      }
      acc = acc.add(v);
    }
    return acc;
  }

  /** The evaluation of table j at a point (for tests). */
  public Ext2 evaluateTable(int j, Ext2[] point) {
    return isExt.get(j)
        ? Mle.evaluateExt(tables.get(j), point)
        : Mle.evaluate(tables.get(j), point);
  }
}
