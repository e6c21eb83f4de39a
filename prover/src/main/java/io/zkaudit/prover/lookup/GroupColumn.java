package io.zkaudit.prover.lookup;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;

/**
 * One column of a lookup group, 2^n values: held as an array, or a rule over arrays the prover
 * holds anyway (its committed columns), so that a lookup's own columns cost no memory. A rule's
 * values and its multilinear extension at a point are exactly those of the array it stands for (the
 * extension is linear in the table, and a constant or a channel index has a closed form), so a
 * proof is the same, byte for byte, whichever way a column is held (LogUpProofBytesTest,
 * ProofBytesTest).
 */
public sealed interface GroupColumn {

  /** The number of values (2^n). */
  int size();

  /** Value x, canonical. */
  long at(int x);

  /** The multilinear extension at {@code point} (variable 0 the lowest bit of x). */
  Ext2 evaluate(Ext2[] point);

  /** The values as a fresh array (or the held one). */
  default long[] toArray() {
    long[] out = new long[size()];
    for (int x = 0; x < out.length; x++) {
      out[x] = at(x);
    }
    return out;
  }

  /** A column held as an array. */
  record Held(long[] values) implements GroupColumn {
    @Override
    public int size() {
      return values.length;
    }

    @Override
    public long at(int x) {
      return values[x];
    }

    @Override
    public Ext2 evaluate(Ext2[] point) {
      return LogUpProver.evaluate(values, point);
    }

    @Override
    public long[] toArray() {
      return values;
    }
  }

  /** The same value everywhere (a layer's tag, an unused zero column): its extension is it. */
  record Constant(long value, int size) implements GroupColumn {
    @Override
    public long at(int x) {
      return value;
    }

    @Override
    public Ext2 evaluate(Ext2[] point) {
      return Ext2.of(value); // sum over the cube of eq(r, x) is 1
    }
  }

  /**
   * A per-channel tag, base + (x mod 2^channelBits): the channel is the low bits of every layout's
   * index (and of a batch's, whose samples lie above them). Its extension is base + sum_j 2^j r_j
   * over the channel bits.
   */
  record ChannelTag(long base, int channelBits, int size) implements GroupColumn {
    @Override
    public long at(int x) {
      return base + (x & ((1 << channelBits) - 1));
    }

    @Override
    public Ext2 evaluate(Ext2[] point) {
      Ext2 v = Ext2.of(base);
      for (int j = 0; j < channelBits; j++) {
        v = v.add(point[j].mul(Ext2.of(1L << j)));
      }
      return v;
    }
  }

  /**
   * x ± y + constant entry by entry (the rounding lookup's acc − c1 and acc + c2 + 1): its
   * extension is x(r) ± y(r) + constant.
   */
  record Sum(long[] x, long[] y, boolean subtract, long constant) implements GroupColumn {
    @Override
    public int size() {
      return x.length;
    }

    @Override
    public long at(int i) {
      long v = subtract ? Goldilocks.sub(x[i], y[i]) : Goldilocks.add(x[i], y[i]);
      return constant == 0 ? v : Goldilocks.add(v, constant);
    }

    @Override
    public Ext2 evaluate(Ext2[] point) {
      Ext2 a = LogUpProver.evaluate(x, point);
      Ext2 b = LogUpProver.evaluate(y, point);
      return (subtract ? a.sub(b) : a.add(b)).add(Ext2.of(constant));
    }
  }

  /**
   * [low | high], the top variable picking the half (a range pair [c1 | c2] over the committed c1
   * and c2): its extension is (1 − t) low(r') + t high(r') at r = (r', t).
   */
  record Halves(long[] low, long[] high) implements GroupColumn {
    public Halves {
      if (low.length != high.length) {
        throw new IllegalArgumentException(
            "halves of " + low.length + " and " + high.length + " values");
      }
    }

    @Override
    public int size() {
      return 2 * low.length;
    }

    @Override
    public long at(int x) {
      return x < low.length ? low[x] : high[x - low.length];
    }

    @Override
    public Ext2 evaluate(Ext2[] point) {
      Ext2[] rest = java.util.Arrays.copyOf(point, point.length - 1);
      Ext2 t = point[point.length - 1];
      Ext2 lo = LogUpProver.evaluate(low, rest);
      Ext2 hi = LogUpProver.evaluate(high, rest);
      return lo.add(t.mul(hi.sub(lo)));
    }
  }
}
