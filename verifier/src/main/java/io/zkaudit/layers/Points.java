package io.zkaudit.layers;

import io.zkaudit.field.Ext2;
import java.util.Arrays;

/** Slicing and joining evaluation points (variable j = bit j: low bits first). */
public final class Points {
  private Points() {}

  public static Ext2[] slice(Ext2[] p, int from, int length) {
    return Arrays.copyOfRange(p, from, from + length);
  }

  public static Ext2[] concat(Ext2[]... parts) {
    int n = 0;
    for (Ext2[] part : parts) {
      n += part.length;
    }
    Ext2[] out = new Ext2[n];
    int k = 0;
    for (Ext2[] part : parts) {
      System.arraycopy(part, 0, out, k, part.length);
      k += part.length;
    }
    return out;
  }
}
