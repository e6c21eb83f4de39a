package io.zkaudit.pcs;

import io.zkaudit.field.Ext2;
import java.util.Arrays;

/**
 * The claim "column {@code column} of a {@link PackedLayout} takes {@code value} at {@code point}"
 * (the point has as many coordinates as the column has variables).
 */
public record ColumnClaim(int column, Ext2[] point, Ext2 value) {
  public ColumnClaim {
    point = point.clone();
  }

  @Override
  public Ext2[] point() {
    return point.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ColumnClaim c && column == c.column && Arrays.equals(point, c.point) && value.equals(c.value);
  }

  @Override
  public int hashCode() {
    return (31 * column + Arrays.hashCode(point)) * 31 + value.hashCode();
  }
}
