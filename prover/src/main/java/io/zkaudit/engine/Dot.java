package io.zkaudit.engine;

/** The inner product the convolutions spend their time in (a simple loop the JIT vectorizes). */
final class Dot {
  private Dot() {}

  static int dot(int[] a, int aOff, int[] b, int bOff, int len) {
    int s = 0;
    for (int i = 0; i < len; i++) s += a[aOff + i] * b[bOff + i];
    return s;
  }
}
