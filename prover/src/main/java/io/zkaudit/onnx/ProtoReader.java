package io.zkaudit.onnx;

import io.zkaudit.model.ModelFormatException;
import java.nio.charset.StandardCharsets;

/**
 * A bounds-checked reader of the protobuf wire format over one message's bytes: enough to walk
 * ONNX's messages field by field without generated classes. Every read past the message's end
 * throws {@link ModelFormatException}, so truncated files fail with a clear message.
 */
final class ProtoReader {
  static final int VARINT = 0, FIXED64 = 1, LENGTH_DELIMITED = 2, FIXED32 = 5;

  private final byte[] buf;
  private int pos;
  private final int end;
  private int tag;

  ProtoReader(byte[] buf) {
    this(buf, 0, buf.length);
  }

  private ProtoReader(byte[] buf, int start, int end) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  /** Advances to the next field; false at the end of the message. */
  boolean next() {
    if (pos >= end) return false;
    long t = varint();
    if (t >>> 3 == 0 || t >>> 3 > Integer.MAX_VALUE) throw corrupt("invalid field tag " + t);
    tag = (int) t;
    return true;
  }

  int field() {
    return tag >>> 3;
  }

  int wireType() {
    return tag & 7;
  }

  long varint() {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = byteAt(pos++);
      v |= (long) (b & 0x7f) << shift;
      if (b >= 0) return v;
    }
    throw corrupt("varint longer than 10 bytes");
  }

  int fixed32() {
    need(4);
    int v =
        (buf[pos] & 0xff)
            | (buf[pos + 1] & 0xff) << 8
            | (buf[pos + 2] & 0xff) << 16
            | (buf[pos + 3] & 0xff) << 24;
    pos += 4;
    return v;
  }

  float float32() {
    return Float.intBitsToFloat(fixed32());
  }

  long fixed64() {
    long lo = fixed32() & 0xffffffffL, hi = fixed32() & 0xffffffffL;
    return lo | hi << 32;
  }

  /**
   * The current length-delimited field as a reader of its own (a nested message or a packed array).
   */
  ProtoReader message() {
    int n = length();
    ProtoReader r = new ProtoReader(buf, pos, pos + n);
    pos += n;
    return r;
  }

  byte[] bytes() {
    int n = length();
    byte[] b = java.util.Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return b;
  }

  String string() {
    int n = length();
    String s = new String(buf, pos, n, StandardCharsets.UTF_8);
    pos += n;
    return s;
  }

  boolean atEnd() {
    return pos >= end;
  }

  /** Skips the current field's value (fields this importer does not need). */
  void skip() {
    switch (wireType()) {
      case VARINT -> varint();
      case FIXED64 -> {
        need(8);
        pos += 8;
      }
      case LENGTH_DELIMITED -> {
        int n = length(); // first: reading the length moves pos
        pos += n;
      }
      case FIXED32 -> {
        need(4);
        pos += 4;
      }
      default -> throw corrupt("unsupported wire type " + wireType() + " in field " + field());
    }
  }

  private int length() {
    if (wireType() != LENGTH_DELIMITED)
      throw corrupt("field " + field() + " has wire type " + wireType() + ", expected a length");
    long n = varint();
    if (n < 0 || n > end - pos)
      throw corrupt("field " + field() + " of length " + n + " runs past the end of its message");
    return (int) n;
  }

  private void need(int n) {
    if (end - pos < n) throw corrupt("value runs past the end of its message");
  }

  private byte byteAt(int i) {
    if (i >= end) throw corrupt("value runs past the end of its message");
    return buf[i];
  }

  private static ModelFormatException corrupt(String why) {
    return new ModelFormatException("corrupt or truncated ONNX file: " + why);
  }
}
