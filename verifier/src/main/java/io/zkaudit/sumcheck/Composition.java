package io.zkaudit.sumcheck;

import io.zkaudit.field.Ext2;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of a "virtual polynomial": {@code C(f_0, ..., f_{m-1}) = sum_t c_t * prod_{j in S_t}
 * f_j}, a linear combination of products of multilinear tables. This is public: the prover and the
 * verifier build the same composition from the statement (a layer's wiring, a GKR layer, ...).
 *
 * <p>A sumcheck proves {@code sum_{x in {0,1}^n} [eq(z, x)] * C(f_0(x), ..., f_{m-1}(x)) = claim},
 * where the optional eq factor is given separately (see {@link SumcheckVerifier}). The degree of C
 * (its longest product) is at most {@link #MAX_DEGREE}.
 */
public final class Composition {
  /** The largest product length supported (the engine and the proof limits are sized for it). */
  public static final int MAX_DEGREE = 4;

  /** The largest number of distinct tables in one composition. */
  public static final int MAX_TABLES = 1 << 17;

  private final int numTables;
  private final List<Term> terms;
  private final int degree;

  public Composition(int numTables, List<Term> terms) {
    if (numTables < 0 || numTables > MAX_TABLES) {
      throw new IllegalArgumentException("number of tables out of range: " + numTables);
    }
    int d = 0;
    for (Term t : terms) {
      if (t.degree() > MAX_DEGREE) {
        throw new IllegalArgumentException("term of degree " + t.degree() + " > " + MAX_DEGREE);
      }
      for (int f : t.factors()) {
        if (f < 0 || f >= numTables) {
          throw new IllegalArgumentException("term refers to table " + f + " of " + numTables);
        }
      }
      d = Math.max(d, t.degree());
    }
    this.numTables = numTables;
    this.terms = List.copyOf(terms);
    this.degree = d;
  }

  public static Builder builder(int numTables) {
    return new Builder(numTables);
  }

  public int numTables() {
    return numTables;
  }

  public List<Term> terms() {
    return terms;
  }

  /** The longest product (0 for a constant composition). */
  public int degree() {
    return degree;
  }

  /** C(values): the composition applied to one value per table. */
  public Ext2 evaluate(Ext2[] values) {
    if (values.length != numTables) {
      throw new IllegalArgumentException("expected " + numTables + " values, got " + values.length);
    }
    Ext2 acc = Ext2.ZERO;
    for (Term t : terms) {
      Ext2 prod = t.coefficient();
      for (int k = 0; k < t.degree(); k++) {
        prod = prod.mul(values[t.factor(k)]);
      }
      acc = acc.add(prod);
    }
    return acc;
  }

  /**
   * The degree of the round polynomials of a sumcheck over this composition: the composition's
   * degree, plus one for an eq factor, and at least 1 (a round polynomial is sent as its values at
   * 0, 2, ..., D with g(1) derived from the claim, which needs D >= 1 to bind g(0) + g(1)).
   */
  public int roundDegree(boolean withEq) {
    return Math.max(1, degree + (withEq ? 1 : 0));
  }

  @Override
  public String toString() {
    return "Composition(" + numTables + " tables, " + terms + ")";
  }

  /** Collects terms; table indices are assigned by the caller (0..numTables-1). */
  public static final class Builder {
    private final int numTables;
    private final List<Term> terms = new ArrayList<>();

    private Builder(int numTables) {
      this.numTables = numTables;
    }

    public Builder term(Ext2 coefficient, int... factors) {
      terms.add(new Term(coefficient, factors));
      return this;
    }

    public Builder term(long coefficient, int... factors) {
      return term(Ext2.of(io.zkaudit.field.Goldilocks.fromSigned(coefficient)), factors);
    }

    public Composition build() {
      return new Composition(numTables, terms);
    }
  }
}
