package io.zkaudit.sumcheck;

import io.zkaudit.field.Ext2;
import java.util.Arrays;

/**
 * One term of a {@link Composition}: {@code coefficient * f_{factors[0]} * f_{factors[1]} * ...}. A
 * table index may repeat (f_0 * f_0 is a square). An empty factor list is a constant term.
 */
public record Term(Ext2 coefficient, int[] factors) {
  public Term {
    if (coefficient == null || factors == null) {
      throw new IllegalArgumentException("a term needs a coefficient and a factor list");
    }
    factors = factors.clone();
  }

  @Override
  public int[] factors() {
    return factors.clone();
  }

  public int degree() {
    return factors.length;
  }

  int factor(int k) {
    return factors[k];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Term t
        && t.coefficient.equals(coefficient)
        && Arrays.equals(t.factors, factors);
  }

  @Override
  public int hashCode() {
    return 31 * coefficient.hashCode() + Arrays.hashCode(factors);
  }

  @Override
  public String toString() {
    return coefficient + "*" + Arrays.toString(factors);
  }
}
