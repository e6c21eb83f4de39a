package io.zkaudit.sumcheck;

import io.zkaudit.field.Ext2;
import java.util.Arrays;

/**
 * What a sumcheck reduces its claim to: the random point r (r[j] binds variable j) and the claimed
 * table evaluations f_j(r), which are already in the transcript.
 *
 * <p>The verifier has checked {@code [eq(z, r)] * C(evaluations) = final claim}; the evaluations
 * themselves are <b>obligations of the caller</b>: each must be checked against something the
 * verifier trusts (a PCS opening, a further sumcheck, or a value the verifier computes itself).
 */
public record SumcheckResult(Ext2[] point, Ext2[] evaluations) {
  public SumcheckResult {
    point = point.clone();
    evaluations = evaluations.clone();
  }

  @Override
  public Ext2[] point() {
    return point.clone();
  }

  @Override
  public Ext2[] evaluations() {
    return evaluations.clone();
  }

  public Ext2 evaluation(int table) {
    return evaluations[table];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SumcheckResult s
        && Arrays.equals(s.point, point)
        && Arrays.equals(s.evaluations, evaluations);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(point) + Arrays.hashCode(evaluations);
  }
}
