package io.zkaudit.tflite;

import io.zkaudit.model.ModelFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A bounds-checked view of one flatbuffers table. Flatbuffers layout: a table starts with a signed
 * 32-bit offset back to its vtable; the vtable lists (as 16-bit values) its own size, the table's
 * size, then each field's offset inside the table (0 = absent, use the default). References to
 * tables, vectors and strings are unsigned 32-bit offsets relative to where they are stored;
 * vectors and strings start with a 32-bit element count. Every read is checked against the buffer
 * so a corrupt file gives a {@link ModelFormatException}, never an exception from deep inside.
 */
final class FlatTable {
  private final ByteBuffer buf;
  private final int pos;
  private final int vtable;
  private final int vtableSize;

  private FlatTable(ByteBuffer buf, int pos) {
    this.buf = buf;
    this.pos = pos;
    check(pos, 4);
    long vt = (long) pos - buf.getInt(pos);
    if (vt < 0 || vt > buf.limit() - 4) throw corrupt("vtable out of range");
    this.vtable = (int) vt;
    this.vtableSize = Short.toUnsignedInt(buf.getShort(vtable));
    if (vtableSize < 4 || (vtableSize & 1) != 0) throw corrupt("bad vtable size");
    check(vtable, vtableSize);
  }

  /** The root table of a flatbuffer file (first 4 bytes: offset of the root). */
  static FlatTable root(byte[] bytes) {
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 8) throw corrupt("file too short");
    return new FlatTable(buf, deref(buf, 0));
  }

  /** The 4-byte file identifier after the root offset (e.g. "TFL3"). */
  static String fileIdentifier(byte[] bytes) {
    return bytes.length < 8 ? "" : new String(bytes, 4, 4, StandardCharsets.ISO_8859_1);
  }

  private int fieldOffset(int field) {
    int slot = 4 + 2 * field;
    if (slot + 2 > vtableSize) return 0;
    int off = Short.toUnsignedInt(buf.getShort(vtable + slot));
    return off == 0 ? 0 : pos + off;
  }

  /**
   * Absolute position of a field's value in the file, 0 if absent (used by tests to corrupt files
   * precisely).
   */
  int fieldPosition(int field) {
    return fieldOffset(field);
  }

  boolean has(int field) {
    return fieldOffset(field) != 0;
  }

  int intField(int field, int dflt) {
    int at = fieldOffset(field);
    if (at == 0) return dflt;
    check(at, 4);
    return buf.getInt(at);
  }

  long longField(int field, long dflt) {
    int at = fieldOffset(field);
    if (at == 0) return dflt;
    check(at, 8);
    return buf.getLong(at);
  }

  int byteField(int field, int dflt) {
    int at = fieldOffset(field);
    if (at == 0) return dflt;
    check(at, 1);
    return buf.get(at);
  }

  boolean boolField(int field, boolean dflt) {
    int at = fieldOffset(field);
    if (at == 0) return dflt;
    check(at, 1);
    return buf.get(at) != 0;
  }

  float floatField(int field, float dflt) {
    int at = fieldOffset(field);
    if (at == 0) return dflt;
    check(at, 4);
    return buf.getFloat(at);
  }

  /** A sub-table, or null if absent. */
  FlatTable table(int field) {
    int at = fieldOffset(field);
    return at == 0 ? null : new FlatTable(buf, deref(buf, at));
  }

  String string(int field) {
    int at = fieldOffset(field);
    if (at == 0) return null;
    int start = deref(buf, at);
    int n = length(start, 1);
    byte[] b = new byte[n];
    buf.get(start + 4, b);
    return new String(b, StandardCharsets.UTF_8);
  }

  /** Number of elements of a vector field (0 if absent). */
  int vectorLength(int field) {
    int at = fieldOffset(field);
    return at == 0 ? 0 : length(deref(buf, at), 1);
  }

  int[] intVector(int field) {
    int at = fieldOffset(field);
    if (at == 0) return new int[0];
    int start = deref(buf, at);
    int n = length(start, 4);
    int[] v = new int[n];
    for (int i = 0; i < n; i++) v[i] = buf.getInt(start + 4 + 4 * i);
    return v;
  }

  long[] longVector(int field) {
    int at = fieldOffset(field);
    if (at == 0) return new long[0];
    int start = deref(buf, at);
    int n = length(start, 8);
    long[] v = new long[n];
    for (int i = 0; i < n; i++) v[i] = buf.getLong(start + 4 + 8 * i);
    return v;
  }

  float[] floatVector(int field) {
    int at = fieldOffset(field);
    if (at == 0) return new float[0];
    int start = deref(buf, at);
    int n = length(start, 4);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = buf.getFloat(start + 4 + 4 * i);
    return v;
  }

  byte[] byteVector(int field) {
    int at = fieldOffset(field);
    if (at == 0) return new byte[0];
    int start = deref(buf, at);
    int n = length(start, 1);
    byte[] v = new byte[n];
    buf.get(start + 4, v);
    return v;
  }

  /** Element i of a vector of tables. */
  FlatTable tableAt(int field, int i) {
    int at = fieldOffset(field);
    if (at == 0) throw corrupt("missing vector");
    int start = deref(buf, at);
    int n = length(start, 4);
    if (i < 0 || i >= n) throw corrupt("vector index " + i + " out of " + n);
    int elem = start + 4 + 4 * i;
    return new FlatTable(buf, deref(buf, elem));
  }

  private int length(int start, int elemSize) {
    check(start, 4);
    long n = Integer.toUnsignedLong(buf.getInt(start));
    if (n * elemSize > buf.limit() - start - 4L)
      throw corrupt("vector of " + n + " elements runs past the end of the file");
    return (int) n;
  }

  private static int deref(ByteBuffer buf, int at) {
    if (at < 0 || at > buf.limit() - 4) throw corrupt("reference out of range");
    long target = at + Integer.toUnsignedLong(buf.getInt(at));
    if (target > buf.limit() - 4) throw corrupt("reference points past the end of the file");
    return (int) target;
  }

  private void check(int at, int size) {
    if (at < 0 || (long) at + size > buf.limit()) throw corrupt("read past the end of the file");
  }

  private static ModelFormatException corrupt(String what) {
    return new ModelFormatException("corrupt or truncated TFLite file: " + what);
  }
}
