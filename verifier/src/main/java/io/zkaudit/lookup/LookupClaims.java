package io.zkaudit.lookup;

import io.zkaudit.field.Ext2;
import java.util.Arrays;
import java.util.List;

/**
 * What a verified logUp-GKR proof leaves to the caller: evaluation claims on committed columns,
 * already absorbed in the transcript. Each must be checked (a PCS opening or a further reduction);
 * the table side needs nothing more, the verifier has evaluated it.
 *
 * @param multiplicities per lookup: m(point) = value, m the multiplicity column (2^table.numVars);
 *     blinded, the column M2 = [m | b'] (top variable 0: m, 1: the blinding numerators b')
 * @param witnesses per lookup, per group: w_c(point) = values[c] for every column c of the group
 * @param blindingSums blinded only, per group with blinding rows: sum_s eq(point, s) b_s = value on
 *     the numerator column ({@link LogUpBlinding#numeratorTerms}); empty otherwise
 * @param blindingTuples blinded only, per lookup: u'_c(point) = values[c]; empty otherwise
 */
public record LookupClaims(
    List<EvaluationClaim> multiplicities,
    List<List<WitnessClaim>> witnesses,
    List<BlindingClaim> blindingSums,
    List<WitnessClaim> blindingTuples) {
  public LookupClaims {
    multiplicities = List.copyOf(multiplicities);
    witnesses = witnesses.stream().map(List::copyOf).toList();
    blindingSums = List.copyOf(blindingSums);
    blindingTuples = List.copyOf(blindingTuples);
  }

  /** Claims of an unblinded proof. */
  public LookupClaims(List<EvaluationClaim> multiplicities, List<List<WitnessClaim>> witnesses) {
    this(multiplicities, witnesses, List.of(), List.of());
  }

  /** sum_s eq(point, s) b_s = value for the blinding rows of one group. */
  public record BlindingClaim(int lookup, int group, Ext2[] point, Ext2 value) {
    public BlindingClaim {
      point = point.clone();
    }

    @Override
    public Ext2[] point() {
      return point.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof BlindingClaim b
          && b.lookup == lookup
          && b.group == group
          && Arrays.equals(b.point, point)
          && b.value.equals(value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(point) * 31 + value.hashCode();
    }
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
      return o instanceof EvaluationClaim e
          && Arrays.equals(e.point, point)
          && e.value.equals(value);
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
      return o instanceof WitnessClaim e
          && Arrays.equals(e.point, point)
          && Arrays.equals(e.values, values);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(point) * 31 + Arrays.hashCode(values);
    }
  }
}
