package io.zkaudit.lookup;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.poly.Mle;
import java.util.Arrays;

/**
 * One column of a public lookup table of 2^k rows, with an MLE the verifier can evaluate: {@link
 * Identity} in O(k) (closed form), {@link Explicit} in O(2^k) (the values are public).
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
      return java.nio.ByteBuffer.allocate(9)
          .order(java.nio.ByteOrder.LITTLE_ENDIAN)
          .put((byte) 1)
          .putLong(offset)
          .array();
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

  /**
   * Arbitrary public values (length a power of two), with their SHA-256, computed once: the
   * transcript absorbs it on every proof, and hashing a 2^18-row table each time cost more than the
   * rest of a small model's verification.
   */
  record Explicit(long[] values, byte[] sha256) implements TableColumn {
    public Explicit(long[] values) {
      this(values, hash(values));
    }

    public Explicit {
      Mle.numVars(values.length);
      for (long v : values) {
        if (!Goldilocks.isCanonical(v)) {
          throw new IllegalArgumentException("non-canonical table value");
        }
      }
      values = values.clone();
      if (!java.util.Arrays.equals(sha256, hash(values))) {
        throw new IllegalArgumentException("table digest does not match its values");
      }
      sha256 = sha256.clone();
    }

    private static byte[] hash(long[] values) {
      java.nio.ByteBuffer b =
          java.nio.ByteBuffer.allocate(8 * values.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      for (long v : values) {
        b.putLong(v);
      }
      return io.zkaudit.hash.Sha256.hash(b.array());
    }

    @Override
    public byte[] sha256() {
      return sha256.clone();
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

    /** The MLE at a point given as its split eq tables (shared by a table's explicit columns). */
    public Ext2 evaluate(Mle.SplitEq eq) {
      return eq.evaluate(values);
    }

    @Override
    public byte[] descriptor() {
      byte[] d = sha256;
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
