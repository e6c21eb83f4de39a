package io.zkaudit.prover.poly;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.parallel.Parallel;

/**
 * The prover's eq tables: {@link io.zkaudit.poly.Mle#eqTable} (the specification, sequential) built
 * on the worker threads, with the extension products inlined. Every prover component that needs
 * eq(z, x) for all x uses this one.
 */
public final class EqTables {
  private EqTables() {}

  /** eq(z, x) for all x (variable j = bit j), interleaved. */
  public static long[] table(Ext2[] z) {
    long[] t = new long[2 << z.length];
    into(t, 0, z, Ext2.ONE);
    return t;
  }

  /**
   * Writes scale * eq(z, x) to entries [offset, offset + 2^|z|) of the interleaved table t, whose
   * region must be zero (it is overwritten, not added to).
   */
  public static void into(long[] t, int offset, Ext2[] z, Ext2 scale) {
    int base = 2 * offset;
    t[base] = scale.c0();
    t[base + 1] = scale.c1();
    int size = 1;
    for (Ext2 zk : z) {
      long z0 = zk.c0();
      long z1 = zk.c1();
      long z1w = Goldilocks.mul(z1, Ext2.W);
      int sz = size;
      Parallel.forRange(
          sz,
          1 << 14,
          (from, to) -> {
            for (int i = from; i < to; i++) {
              long a0 = t[base + 2 * i];
              long a1 = t[base + 2 * i + 1];
              long h0 = Goldilocks.add(Goldilocks.mul(a0, z0), Goldilocks.mul(a1, z1w));
              long h1 = Goldilocks.add(Goldilocks.mul(a0, z1), Goldilocks.mul(a1, z0));
              t[base + 2 * (i + sz)] = h0;
              t[base + 2 * (i + sz) + 1] = h1;
              t[base + 2 * i] = Goldilocks.sub(a0, h0);
              t[base + 2 * i + 1] = Goldilocks.sub(a1, h1);
            }
          });
      size <<= 1;
    }
  }
}
