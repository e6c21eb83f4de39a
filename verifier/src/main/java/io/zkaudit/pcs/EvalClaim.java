package io.zkaudit.pcs;

import io.zkaudit.field.Ext2;
import java.util.Arrays;

/** The claim "the committed multilinear polynomial takes {@code value} at {@code point}". */
public record EvalClaim(Ext2[] point, Ext2 value) {
  public EvalClaim {
    point = point.clone();
  }

  @Override
  public Ext2[] point() {
    return point.clone();
  }

  public int numVars() {
    return point.length;
  }

  Ext2 coordinate(int j) {
    return point[j];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EvalClaim c && Arrays.equals(point, c.point) && value.equals(c.value);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(point) + value.hashCode();
  }

  @Override
  public String toString() {
    return "f" + Arrays.toString(point) + " = " + value;
  }
}
