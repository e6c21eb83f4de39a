package io.zkaudit.prover.pcs;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.parallel.Parallel;

/**
 * Whole-table steps of a batched opening on interleaved Ext2 tables (io.zkaudit.field.ExtVector).
 */
final class ExtTables {
  private ExtTables() {}

  /** A base-field table as an interleaved Ext2 one. */
  static long[] lift(long[] base) {
    long[] out = new long[2 * base.length];
    Parallel.forRange(
        base.length,
        1 << 14,
        (from, to) -> {
          for (int x = from; x < to; x++) {
            out[2 * x] = base[x];
          }
        });
    return out;
  }

  /** ext[x] += c * other[x] for every x, both interleaved extension tables of one length. */
  static void addScaledExt(long[] ext, Ext2 c, long[] other) {
    if (ext.length != other.length) {
      throw new IllegalArgumentException(
          "a table of " + other.length / 2 + " entries cannot join one of " + ext.length / 2);
    }
    long c0 = c.c0();
    long c1 = c.c1();
    Parallel.forRange(
        ext.length / 2,
        1 << 14,
        (from, to) -> {
          for (int x = from; x < to; x++) {
            long o0 = other[2 * x];
            long o1 = other[2 * x + 1];
            ext[2 * x] = Goldilocks.add(ext[2 * x], SumcheckFG.mul0(o0, o1, c0, c1));
            ext[2 * x + 1] = Goldilocks.add(ext[2 * x + 1], SumcheckFG.mul1(o0, o1, c0, c1));
          }
        });
  }

  /** ext[x] += c * base[x] for every x (the tables have the same number of entries). */
  static void addScaled(long[] ext, Ext2 c, long[] base) {
    if (ext.length != 2 * base.length) {
      throw new IllegalArgumentException(
          "a joining table of " + base.length + " entries cannot join one of " + ext.length / 2);
    }
    long c0 = c.c0();
    long c1 = c.c1();
    Parallel.forRange(
        base.length,
        1 << 14,
        (from, to) -> {
          for (int x = from; x < to; x++) {
            ext[2 * x] = Goldilocks.add(ext[2 * x], Goldilocks.mul(c0, base[x]));
            ext[2 * x + 1] = Goldilocks.add(ext[2 * x + 1], Goldilocks.mul(c1, base[x]));
          }
        });
  }
}
