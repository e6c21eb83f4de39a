package io.zkaudit.layers;

import io.zkaudit.field.Ext2;
import java.util.Arrays;

/**
 * An obligation a layer proof leaves behind: "the MLE of tensor {@code tensor} (its padded {@link
 * TensorLayout} table, or a weight's layout) at {@code point} is {@code value}". The model verifier
 * discharges it against the weight commitment, the per-proof commitment, or public data.
 */
public record TensorClaim(int tensor, Ext2[] point, Ext2 value) {
  public TensorClaim {
    point = point.clone();
  }

  @Override
  public Ext2[] point() {
    return point.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorClaim c
        && c.tensor == tensor
        && Arrays.equals(c.point, point)
        && c.value.equals(value);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * tensor + Arrays.hashCode(point)) + value.hashCode();
  }
}
