package io.zkaudit.codec;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.hash.Digest32;
import io.zkaudit.proof.InvalidProofException;

/**
 * Reads zkaudit's binary encoding defensively: every read is bounds-checked, field elements must be
 * canonical, every length is checked against an explicit limit before anything is allocated, and
 * {@link #finish()} rejects trailing bytes. Malformed input is an {@link InvalidProofException}.
 */
public final class ByteReader {
  private final byte[] data;
  private int pos;

  public ByteReader(byte[] data) {
    this.data = data;
  }

  public int remaining() {
    return data.length - pos;
  }

  private void need(int n, String what) throws InvalidProofException {
    if (n < 0 || n > remaining()) {
      throw new InvalidProofException(
          "truncated encoding: " + what + " needs " + n + " bytes at offset " + pos);
    }
  }

  public int u8(String what) throws InvalidProofException {
    need(1, what);
    return data[pos++] & 0xFF;
  }

  public int u32(String what) throws InvalidProofException {
    need(4, what);
    int v = 0;
    for (int i = 0; i < 4; i++) {
      v |= (data[pos++] & 0xFF) << (8 * i);
    }
    return v;
  }

  public long u64(String what) throws InvalidProofException {
    need(8, what);
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v |= (data[pos++] & 0xFFL) << (8 * i);
    }
    return v;
  }

  /** A length prefix in [0, max]. */
  public int length(String what, int max) throws InvalidProofException {
    int n = u32(what + " length");
    if (n < 0 || n > max) {
      throw new InvalidProofException(
          what + " length " + Integer.toUnsignedString(n) + " exceeds the limit " + max);
    }
    return n;
  }

  public long field(String what) throws InvalidProofException {
    long v = u64(what);
    if (!Goldilocks.isCanonical(v)) {
      throw new InvalidProofException(what + " is not a canonical field element");
    }
    return v;
  }

  public Ext2 ext(String what) throws InvalidProofException {
    long c0 = field(what);
    long c1 = field(what);
    return new Ext2(c0, c1);
  }

  public Ext2[] exts(String what, int max) throws InvalidProofException {
    int n = length(what, max);
    need(Math.multiplyExact(n, 16), what);
    Ext2[] out = new Ext2[n];
    for (int i = 0; i < n; i++) {
      out[i] = ext(what);
    }
    return out;
  }

  public long[] fields(String what, int max) throws InvalidProofException {
    int n = length(what, max);
    need(Math.multiplyExact(n, 8), what);
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = field(what);
    }
    return out;
  }

  public Digest32 digest(String what) throws InvalidProofException {
    need(Digest32.LENGTH, what);
    byte[] b = new byte[Digest32.LENGTH];
    System.arraycopy(data, pos, b, 0, b.length);
    pos += b.length;
    return new Digest32(b);
  }

  public byte[] bytes(String what, int max) throws InvalidProofException {
    int n = length(what, max);
    need(n, what);
    byte[] b = new byte[n];
    System.arraycopy(data, pos, b, 0, n);
    pos += n;
    return b;
  }

  /** Rejects trailing bytes: an encoding has exactly one valid length. */
  public void finish() throws InvalidProofException {
    if (remaining() != 0) {
      throw new InvalidProofException(remaining() + " unexpected trailing bytes");
    }
  }
}
