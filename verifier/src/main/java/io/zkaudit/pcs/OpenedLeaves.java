package io.zkaudit.pcs;

import java.util.Arrays;

/**
 * What an opening's queries read of one commitment: its sorted distinct Merkle leaves and their
 * rows (rowLongs each, in that order), already checked against its root. A shadow link checks more
 * about those rows.
 */
public record OpenedLeaves(int[] leaves, long[] rows) {
  public OpenedLeaves {
    leaves = leaves.clone();
    rows = rows.clone();
  }

  @Override
  public int[] leaves() {
    return leaves.clone();
  }

  @Override
  public long[] rows() {
    return rows.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OpenedLeaves x
        && Arrays.equals(leaves, x.leaves)
        && Arrays.equals(rows, x.rows);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(leaves) + Arrays.hashCode(rows);
  }
}
