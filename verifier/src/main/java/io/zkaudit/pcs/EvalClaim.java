package io.zkaudit.pcs;

import io.zkaudit.field.Ext2;
import java.util.Arrays;
import java.util.List;

/**
 * The claim "sum_j weight_j f(point_j) = value" on the committed multilinear f; usually one term of
 * weight 1, "f(point) = value". Several terms let a value be opened whose parts must stay hidden: a
 * Libra mask g(r) = sum_i g_i(r_i) is one claim over the points of its parts (see {@link
 * io.zkaudit.sumcheck.MaskPolynomial}).
 */
public record EvalClaim(List<Term> terms, Ext2 value) {
  /** One term: weight times f at point. */
  public record Term(Ext2[] point, Ext2 weight) {
    public Term {
      point = point.clone();
    }

    @Override
    public Ext2[] point() {
      return point.clone();
    }

    Ext2[] pointView() {
      return point;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Term t && Arrays.equals(point, t.point) && weight.equals(t.weight);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(point) + weight.hashCode();
    }
  }

  public EvalClaim {
    terms = List.copyOf(terms);
    if (terms.isEmpty()) {
      throw new IllegalArgumentException("a claim needs at least one term");
    }
    int n = terms.getFirst().pointView().length;
    for (Term t : terms) {
      if (t.pointView().length != n) {
        throw new IllegalArgumentException("the terms of a claim have points of different sizes");
      }
    }
  }

  public EvalClaim(Ext2[] point, Ext2 value) {
    this(List.of(new Term(point, Ext2.ONE)), value);
  }

  /** The point of a one-term claim of weight 1. */
  public Ext2[] point() {
    if (terms.size() != 1 || !terms.getFirst().weight().equals(Ext2.ONE)) {
      throw new IllegalStateException("a sum claim has no single point");
    }
    return terms.getFirst().point();
  }

  public int numVars() {
    return terms.getFirst().pointView().length;
  }

  @Override
  public String toString() {
    return (terms.size() == 1
            ? "f" + Arrays.toString(terms.getFirst().pointView())
            : "sum of " + terms.size() + " evaluations")
        + " = "
        + value;
  }
}
