package io.zkaudit.testutil;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * ONNX files written byte by byte in tests (field numbers are onnx.proto3's): a minimal protobuf
 * writer, and a graph builder for the usual shapes of hand-built test models.
 */
public final class OnnxWriter {
  private OnnxWriter() {}

  /** A protobuf message being written. */
  public static final class Proto {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public Proto varint(int field, long v) {
      raw((long) field << 3);
      raw(v);
      return this;
    }

    public Proto bytes(int field, byte[] b) {
      raw((long) field << 3 | 2);
      raw(b.length);
      out.writeBytes(b);
      return this;
    }

    public Proto string(int field, String s) {
      return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    public Proto message(int field, Proto m) {
      return bytes(field, m.out.toByteArray());
    }

    public Proto fixed32(int field, float f) {
      raw((long) field << 3 | 5);
      int b = Float.floatToIntBits(f);
      for (int i = 0; i < 4; i++) out.write(b >>> (8 * i));
      return this;
    }

    public Proto packedFloats(int field, float... fs) {
      Proto p = new Proto();
      for (float f : fs) {
        int b = Float.floatToIntBits(f);
        for (int i = 0; i < 4; i++) p.out.write(b >>> (8 * i));
      }
      return message(field, p);
    }

    private void raw(long v) {
      while ((v & ~0x7fL) != 0) {
        out.write((int) (v & 0x7f) | 0x80);
        v >>>= 7;
      }
      out.write((int) v);
    }

    public byte[] bytes() {
      return out.toByteArray();
    }
  }

  /** A float tensor's ValueInfoProto; a String dimension is symbolic. */
  public static Proto valueInfo(String name, Object... dims) {
    return typedValueInfo(name, FLOAT, dims);
  }

  /** A ValueInfoProto of the given TensorProto data type (FLOAT, UINT8, INT8, ...). */
  public static Proto typedValueInfo(String name, int elemType, Object... dims) {
    Proto shape = new Proto();
    for (Object d : dims)
      shape.message(
          1, d instanceof String s ? new Proto().string(2, s) : new Proto().varint(1, (Integer) d));
    Proto tensorType = new Proto().varint(1, elemType).message(2, shape);
    return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
  }

  /**
   * A ValueInfoProto of a tensor of the given data type and unknown shape (an extra graph output to
   * inspect).
   */
  public static Proto valueInfoOfType(String name, int elemType) {
    return new Proto()
        .string(1, name)
        .message(2, new Proto().message(1, new Proto().varint(1, elemType)));
  }

  /** TensorProto data types (onnx.proto3's TensorProto.DataType). */
  public static final int FLOAT = 1, UINT8 = 2, INT8 = 3, INT32 = 6, INT64 = 7;

  public static Proto attrInt(String name, long v) {
    return new Proto().string(1, name).varint(3, v).varint(20, 2);
  }

  public static Proto attrInts(String name, long... vs) {
    Proto p = new Proto().string(1, name);
    for (long v : vs) p.varint(8, v);
    return p.varint(20, 7);
  }

  public static Proto attrFloat(String name, float v) {
    return new Proto().string(1, name).fixed32(2, v).varint(20, 1);
  }

  /** A NodeProto: op type, node name, inputs, outputs and attributes. */
  public static Proto node(
      String op, String name, List<String> inputs, List<String> outputs, Proto... attributes) {
    Proto n = new Proto();
    for (String i : inputs) n.string(1, i);
    for (String o : outputs) n.string(2, o);
    n.string(3, name).string(4, op);
    for (Proto a : attributes) n.message(5, a);
    return n;
  }

  /** A NodeProto of an operator outside the default domain (e.g. com.microsoft's QLinearAdd). */
  public static Proto node(
      String domain,
      String op,
      String name,
      List<String> inputs,
      List<String> outputs,
      Proto... attributes) {
    return node(op, name, inputs, outputs, attributes).string(7, domain);
  }

  /** A float scalar initializer (no dims), as the scales of QuantizeLinear/DequantizeLinear. */
  public static Proto scalar(String name, float value) {
    return floats(name, new int[0], value);
  }

  /**
   * An integer initializer of type UINT8, INT8, INT32 or INT64, its values little-endian in
   * raw_data.
   */
  public static Proto integers(String name, int dataType, int[] dims, int... values) {
    Proto t = new Proto();
    for (int d : dims) t.varint(1, d);
    int width = dataType == INT64 ? 8 : dataType == INT32 ? 4 : 1;
    byte[] raw = new byte[values.length * width];
    for (int i = 0; i < values.length; i++) {
      int lo = dataType == UINT8 ? 0 : dataType == INT8 ? -128 : Integer.MIN_VALUE,
          hi = dataType == UINT8 ? 255 : dataType == INT8 ? 127 : Integer.MAX_VALUE;
      if (values[i] < lo || values[i] > hi)
        throw new IllegalArgumentException(values[i] + " is outside data type " + dataType);
      for (int b = 0; b < width; b++)
        raw[i * width + b] = (byte) ((long) values[i] >> (8 * b)); // sign-extended for INT64
    }
    return t.varint(2, dataType).string(8, name).bytes(9, raw);
  }

  /** An integer scalar initializer (a zero point). */
  public static Proto integerScalar(String name, int dataType, int value) {
    return integers(name, dataType, new int[0], value);
  }

  /** A float initializer (packed float_data). */
  public static Proto floats(String name, int[] dims, float... values) {
    Proto t = new Proto();
    for (int d : dims) t.varint(1, d);
    return t.varint(2, 1).string(8, name).packedFloats(4, values);
  }

  /** A graph built node by node: one float input, one output, initializers. */
  public static final class Graph {
    private final List<Proto> nodes = new ArrayList<>();
    private final List<Proto> initializers = new ArrayList<>();
    private final Proto input;
    private final Proto output;
    private final java.util.Map<String, Integer> domains = new java.util.LinkedHashMap<>();
    private final List<Proto> extraOutputs = new ArrayList<>();
    private final java.util.Map<String, String> metadata = new java.util.LinkedHashMap<>();

    public Graph(Proto input, Proto output) {
      this.input = input;
      this.output = output;
    }

    public Graph node(Proto n) {
      nodes.add(n);
      return this;
    }

    public Graph initializer(Proto t) {
      initializers.add(t);
      return this;
    }

    /** Another graph output, after the first (an intermediate value a runtime should report). */
    public Graph output(Proto valueInfo) {
      extraOutputs.add(valueInfo);
      return this;
    }

    /** A ModelProto.metadata_props entry (field 14: StringStringEntryProto key 1, value 2). */
    public Graph metadata(String key, String value) {
      metadata.put(key, value);
      return this;
    }

    /** Imports another operator set (e.g. "com.microsoft" 1 for the QLinear* contrib operators). */
    public Graph domain(String domain, int version) {
      domains.put(domain, version);
      return this;
    }

    /** The nodes as added (ONNX requires topological order; tests may break it on purpose). */
    public List<Proto> nodes() {
      return nodes;
    }

    /** The ModelProto at this opset, with the nodes in the given order. */
    public byte[] model(int opset, List<Proto> order) {
      Proto g = new Proto();
      for (Proto n : order) g.message(1, n);
      g.string(2, "g");
      for (Proto t : initializers) g.message(5, t);
      g.message(11, input).message(12, output);
      for (Proto o : extraOutputs) g.message(12, o);
      Proto m =
          new Proto()
              .varint(1, 7)
              .message(7, g)
              .message(8, new Proto().string(1, "").varint(2, opset));
      domains.forEach((d, v) -> m.message(8, new Proto().string(1, d).varint(2, v)));
      metadata.forEach((k, v) -> m.message(14, new Proto().string(1, k).string(2, v)));
      return m.bytes();
    }

    public byte[] model(int opset) {
      return model(opset, nodes);
    }

    public Path write(Path file, int opset) throws IOException {
      return Files.write(file, model(opset));
    }
  }
}
