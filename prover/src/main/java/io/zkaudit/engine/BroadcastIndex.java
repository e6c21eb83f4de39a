package io.zkaudit.engine;

/** Public view of the broadcasting index maps, shared with the float engine. */
public final class BroadcastIndex {
  private final Broadcast b;
  private final int size;

  public BroadcastIndex(int[] a, int[] bShape, int[] out) {
    b = new Broadcast(a, bShape, out);
    int n = 1;
    for (int d : out) n *= d;
    size = n;
  }

  public int size() {
    return size;
  }

  public int a(int i) {
    return b.a(i);
  }

  public int b(int i) {
    return b.b(i);
  }
}
