package io.zkaudit.codec;

import io.zkaudit.field.Ext2;
import io.zkaudit.hash.Digest32;
import java.io.ByteArrayOutputStream;

/** Writes zkaudit's stable binary encoding: little-endian fixed-width integers, length prefixes. */
public final class ByteWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  public ByteWriter u8(int v) {
    out.write(v);
    return this;
  }

  public ByteWriter u32(int v) {
    for (int i = 0; i < 4; i++) {
      out.write(v >>> (8 * i));
    }
    return this;
  }

  public ByteWriter u64(long v) {
    for (int i = 0; i < 8; i++) {
      out.write((int) (v >>> (8 * i)));
    }
    return this;
  }

  public ByteWriter field(long v) {
    return u64(v);
  }

  public ByteWriter ext(Ext2 v) {
    return u64(v.c0()).u64(v.c1());
  }

  public ByteWriter exts(Ext2[] vs) {
    u32(vs.length);
    for (Ext2 v : vs) {
      ext(v);
    }
    return this;
  }

  public ByteWriter fields(long[] vs) {
    u32(vs.length);
    for (long v : vs) {
      field(v);
    }
    return this;
  }

  public ByteWriter digest(Digest32 d) {
    out.writeBytes(d.bytes());
    return this;
  }

  public ByteWriter bytes(byte[] b) {
    u32(b.length);
    out.writeBytes(b);
    return this;
  }

  public ByteWriter raw(byte[] b) {
    out.writeBytes(b);
    return this;
  }

  public byte[] toByteArray() {
    return out.toByteArray();
  }
}
