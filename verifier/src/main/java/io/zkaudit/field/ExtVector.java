package io.zkaudit.field;

/**
 * Vectors of extension elements stored interleaved in one {@code long[]}: element i is
 * (a[2i], a[2i+1]). Keeps 2^23-element tables in one flat array instead of 2^23 objects.
 */
public final class ExtVector {
  private ExtVector() {}

  public static long[] allocate(int length) {
    return new long[Math.multiplyExact(length, 2)];
  }

  public static int length(long[] v) {
    return v.length >>> 1;
  }

  public static Ext2 get(long[] v, int i) {
    return new Ext2(v[2 * i], v[2 * i + 1]);
  }

  public static void set(long[] v, int i, Ext2 e) {
    v[2 * i] = e.c0();
    v[2 * i + 1] = e.c1();
  }

  public static long[] fromBase(long[] base) {
    long[] v = allocate(base.length);
    for (int i = 0; i < base.length; i++) {
      v[2 * i] = base[i];
    }
    return v;
  }

  public static long[] of(Ext2... elements) {
    long[] v = allocate(elements.length);
    for (int i = 0; i < elements.length; i++) {
      set(v, i, elements[i]);
    }
    return v;
  }

  public static Ext2[] toArray(long[] v) {
    Ext2[] out = new Ext2[length(v)];
    for (int i = 0; i < out.length; i++) {
      out[i] = get(v, i);
    }
    return out;
  }
}
