package io.zkaudit.engine;

/**
 * Numpy-style broadcasting of two operands to the output shape: flat index maps per output element.
 */
final class Broadcast {
  int size() {
    return identical ? -1 : aIndex.length;
  }

  final int[] aIndex;
  final int[] bIndex;
  final boolean identical;

  Broadcast(int[] a, int[] b, int[] out) {
    identical = java.util.Arrays.equals(a, out) && java.util.Arrays.equals(b, out);
    if (identical) {
      aIndex = bIndex = null;
      return;
    }
    int size = 1;
    for (int d : out) size *= d;
    aIndex = new int[size];
    bIndex = new int[size];
    int[] sa = strides(a, out.length), sb = strides(b, out.length);
    int[] pos = new int[out.length];
    for (int i = 0; i < size; i++) {
      int ia = 0, ib = 0;
      for (int d = 0; d < out.length; d++) {
        ia += pos[d] * sa[d];
        ib += pos[d] * sb[d];
      }
      aIndex[i] = ia;
      bIndex[i] = ib;
      for (int d = out.length - 1; d >= 0 && ++pos[d] == out[d]; d--) pos[d] = 0;
    }
  }

  /** Strides of a shape right-aligned to rank r; broadcast dimensions (size 1) get stride 0. */
  private static int[] strides(int[] shape, int r) {
    int[] s = new int[r];
    int stride = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      int at = d + r - shape.length;
      s[at] = shape[d] == 1 ? 0 : stride;
      stride *= shape[d];
    }
    return s;
  }

  int a(int i) {
    return identical ? i : aIndex[i];
  }

  int b(int i) {
    return identical ? i : bIndex[i];
  }
}
