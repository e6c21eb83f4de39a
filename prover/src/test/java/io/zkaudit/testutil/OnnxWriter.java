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
    Proto shape = new Proto();
    for (Object d : dims) shape.message(1, d instanceof String s ? new Proto().string(2, s) : new Proto().varint(1, (Integer) d));
    Proto tensorType = new Proto().varint(1, 1).message(2, shape);
    return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
  }

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
  public static Proto node(String op, String name, List<String> inputs, List<String> outputs, Proto... attributes) {
    Proto n = new Proto();
    for (String i : inputs) n.string(1, i);
    for (String o : outputs) n.string(2, o);
    n.string(3, name).string(4, op);
    for (Proto a : attributes) n.message(5, a);
    return n;
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
      return new Proto().varint(1, 7).message(7, g).message(8, new Proto().string(1, "").varint(2, opset)).bytes();
    }

    public byte[] model(int opset) {
      return model(opset, nodes);
    }

    public Path write(Path file, int opset) throws IOException {
      return Files.write(file, model(opset));
    }
  }
}
