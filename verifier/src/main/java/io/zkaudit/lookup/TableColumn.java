package io.zkaudit.lookup;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.poly.Mle;
import java.util.Arrays;

/**
 * One column of a public lookup table of 2^k rows, with an MLE the verifier can evaluate:
 * {@link Identity} in O(k) (closed form), {@link Explicit} in O(2^k) (the values are public).
 */
public sealed interface TableColumn {

  /** The value at a row (canonical field element). */
  long valueAt(int row);

  /** The MLE of the column (2^k rows) at a point of k coordinates. */
  Ext2 evaluate(Ext2[] point);

  /**
   * A binding description for the transcript: 0x01 || offset for an identity column, 0x02 ||
   * SHA-256(values, little endian) for an explicit one.
   */
  byte[] descriptor();

  /** Row i holds offset + i (mod p): range tables, and the input column of function tables. */
  record Identity(long offset) implements TableColumn {
    public Identity {
      if (!Goldilocks.isCanonical(offset)) {
        throw new IllegalArgumentException("non-canonical offset");
      }
    }

    @Override
    public long valueAt(int row) {
      return Goldilocks.add(offset, row);
    }

    @Override
    public byte[] descriptor() {
      return java.nio.ByteBuffer.allocate(9).order(java.nio.ByteOrder.LITTLE_ENDIAN).put((byte) 1).putLong(offset).array();
    }

    /** offset + sum_j 2^j r_j (the MLE of the index is linear; eq sums to one). */
    @Override
    public Ext2 evaluate(Ext2[] point) {
      Ext2 acc = Ext2.of(offset);
      long pow = 1;
      for (Ext2 r : point) {
        acc = acc.add(r.mul(pow));
        pow = Goldilocks.add(pow, pow);
      }
      return acc;
    }
  }

  /** Arbitrary public values (length a power of two). */
  record Explicit(long[] values) implements TableColumn {
    public Explicit {
      Mle.numVars(values.length);
      for (long v : values) {
        if (!Goldilocks.isCanonical(v)) {
          throw new IllegalArgumentException("non-canonical table value");
        }
      }
      values = values.clone();
    }

    @Override
    public long[] values() {
      return values.clone();
    }

    @Override
    public long valueAt(int row) {
      return values[row];
    }

    @Override
    public Ext2 evaluate(Ext2[] point) {
      return Mle.evaluate(values, point);
    }

    @Override
    public byte[] descriptor() {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * values.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      for (long v : values) {
        b.putLong(v);
      }
      byte[] d = io.zkaudit.hash.Sha256.hash(b.array());
      byte[] out = new byte[1 + d.length];
      out[0] = 2;
      System.arraycopy(d, 0, out, 1, d.length);
      return out;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Explicit e && Arrays.equals(e.values, values);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
      return "Explicit(" + values.length + " values)";
    }
  }
}
