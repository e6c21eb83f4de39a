package io.zkaudit.merkle;

import io.zkaudit.hash.Sha256;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.DigestException;
import java.security.MessageDigest;

/**
 * The hashes of zkaudit's Merkle trees (SHA-256, see docs/hash-choice.md).
 *
 * <ul>
 *   <li>leaf = SHA-256(row), where a row is a fixed number of field elements (base elements, or
 *       extension elements as (c0, c1) pairs), each as 8 little-endian bytes;
 *   <li>node = SHA-256(left || right), 64 bytes.
 * </ul>
 *
 * <p>There is no leaf/node prefix: every tree has a fixed depth and a fixed row width that the
 * verifier knows, so a hash at a given height is always of the same kind, and two different
 * openings of the same position against the same root yield a SHA-256 collision at the first height
 * where they differ. (Rows of 8 base elements are 64 bytes, like a node, which is why the verifier
 * must never accept a path whose length differs from the tree's depth; it does not.)
 */
public final class MerkleHash {
  private MerkleHash() {}

  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** Hash of {@code len} longs of {@code row} from {@code off}, written to out[outOff..+32). */
  public static void leaf(
      MessageDigest md, byte[] scratch, long[] row, int off, int len, byte[] out, int outOff) {
    for (int i = 0; i < len; i++) {
      LONG_LE.set(scratch, 8 * i, row[off + i]);
    }
    md.update(scratch, 0, 8 * len);
    finish(md, out, outOff);
  }

  /** Hash of a row given as a whole array. */
  public static byte[] leaf(long[] row) {
    byte[] out = new byte[32];
    leaf(Sha256.threadLocal(), new byte[8 * row.length], row, 0, row.length, out, 0);
    return out;
  }

  /** node = H(a[aOff..+32) || b[bOff..+32)), written to out[outOff..+32). */
  public static void node(
      MessageDigest md, byte[] a, int aOff, byte[] b, int bOff, byte[] out, int outOff) {
    md.update(a, aOff, 32);
    md.update(b, bOff, 32);
    finish(md, out, outOff);
  }

  public static byte[] node(byte[] left, byte[] right) {
    byte[] out = new byte[32];
    node(Sha256.threadLocal(), left, 0, right, 0, out, 0);
    return out;
  }

  private static void finish(MessageDigest md, byte[] out, int outOff) {
    try {
      md.digest(out, outOff, 32);
    } catch (DigestException e) {
      throw new IllegalStateException(e);
    }
  }
}
