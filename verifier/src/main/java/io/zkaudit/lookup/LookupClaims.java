package io.zkaudit.lookup;

import io.zkaudit.field.Ext2;
import java.util.Arrays;
import java.util.List;

/**
 * What a verified logUp-GKR proof leaves to the caller: evaluation claims on committed columns,
 * already absorbed in the transcript. Each must be checked (a PCS opening or a further reduction);
 * the table side needs nothing more, the verifier has evaluated it.
 *
 * @param multiplicities per lookup: m(point) = value, m the multiplicity column (2^table.numVars)
 * @param witnesses per lookup, per group: w_c(point) = values[c] for every column c of the group
 */
public record LookupClaims(List<EvaluationClaim> multiplicities, List<List<WitnessClaim>> witnesses) {
  public LookupClaims {
    multiplicities = List.copyOf(multiplicities);
    witnesses = witnesses.stream().map(List::copyOf).toList();
  }

  /** f(point) = value for one committed column. */
  public record EvaluationClaim(Ext2[] point, Ext2 value) {
    public EvaluationClaim {
      point = point.clone();
    }

    @Override
    public Ext2[] point() {
      return point.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof EvaluationClaim e && Arrays.equals(e.point, point) && e.value.equals(value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(point) * 31 + value.hashCode();
    }
  }

  /** w_c(point) = values[c] for the columns of one witness group. */
  public record WitnessClaim(Ext2[] point, Ext2[] values) {
    public WitnessClaim {
      point = point.clone();
      values = values.clone();
    }

    @Override
    public Ext2[] point() {
      return point.clone();
    }

    @Override
    public Ext2[] values() {
      return values.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof WitnessClaim e && Arrays.equals(e.point, point) && Arrays.equals(e.values, values);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(point) * 31 + Arrays.hashCode(values);
    }
  }
}
