package io.zkaudit.tflite;

import io.zkaudit.model.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A TFLite file read into plain records: the first subgraph's tensors and operators, with constant
 * data resolved. Field numbers follow TFLite's schema.fbs (Model, SubGraph, Tensor,
 * QuantizationParameters, Operator, OperatorCode, Buffer).
 */
public record TfliteModel(
    String description,
    List<Tensor> tensors,
    List<Operator> operators,
    List<Integer> inputs,
    List<Integer> outputs) {

  /** TFLite TensorType values we read. */
  public enum DataType {
    FLOAT32(0, 4),
    FLOAT16(1, 2),
    INT32(2, 4),
    UINT8(3, 1),
    INT64(4, 8),
    INT16(7, 2),
    INT8(9, 1);

    final int code;
    final int bytes;

    DataType(int code, int bytes) {
      this.code = code;
      this.bytes = bytes;
    }

    static DataType of(int code, String tensor) {
      for (DataType t : values()) if (t.code == code) return t;
      throw new ModelFormatException("tensor " + tensor + " has unsupported TFLite type " + code);
    }
  }

  /** A tensor: data is null for activations, the raw little-endian bytes for constants. */
  public record Tensor(
      String name,
      int[] shape,
      DataType type,
      float[] scales,
      long[] zeroPoints,
      int quantizedDimension,
      byte[] data) {
    public boolean isConstant() {
      return data != null;
    }

    public boolean isQuantized() {
      return scales.length > 0 && zeroPoints.length > 0;
    }

    public int size() {
      int n = 1;
      for (int d : shape) n *= d;
      return n;
    }

    public float[] floats() {
      requireType(DataType.FLOAT32);
      float[] v = new float[size()];
      ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
      return v;
    }

    /** Integer data widened to int (uint8 as 0..255). */
    public int[] ints() {
      int n = size();
      int[] v = new int[n];
      ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
      switch (type) {
        case UINT8 -> {
          for (int i = 0; i < n; i++) v[i] = b.get(i) & 0xFF;
        }
        case INT8 -> {
          for (int i = 0; i < n; i++) v[i] = b.get(i);
        }
        case INT32 -> {
          for (int i = 0; i < n; i++) v[i] = b.getInt(4 * i);
        }
        case INT64 -> {
          for (int i = 0; i < n; i++) v[i] = Math.toIntExact(b.getLong(8 * i));
        }
        default ->
            throw new ModelFormatException(
                "tensor " + name + " of type " + type + " is not integer data");
      }
      return v;
    }

    private void requireType(DataType t) {
      if (type != t)
        throw new ModelFormatException("tensor " + name + " is " + type + ", expected " + t);
    }
  }

  /**
   * An operator: builtin code (or -1 for custom with its name), tensor indices (-1 = absent),
   * options table.
   */
  public record Operator(
      int index,
      int builtinCode,
      String customCode,
      int[] inputs,
      int[] outputs,
      int optionsType,
      FlatTable options) {}

  public static TfliteModel read(Path file) throws IOException {
    return parse(Files.readAllBytes(file));
  }

  public static TfliteModel parse(byte[] bytes) {
    try {
      return parseUnchecked(bytes);
    } catch (ModelFormatException e) {
      throw e;
    } catch (RuntimeException e) { // any inconsistency the reader did not anticipate
      throw new ModelFormatException("corrupt TFLite file: " + e);
    }
  }

  private static TfliteModel parseUnchecked(byte[] bytes) {
    if (bytes.length < 8 || !FlatTable.fileIdentifier(bytes).equals("TFL3")) {
      throw new ModelFormatException("not a TFLite model (no TFL3 identifier)");
    }
    FlatTable model = FlatTable.root(bytes);
    int nCodes = model.vectorLength(1);
    int[] builtin = new int[nCodes];
    String[] custom = new String[nCodes];
    for (int i = 0; i < nCodes; i++) {
      FlatTable code = model.tableAt(1, i);
      int deprecated = code.byteField(0, 0);
      int full = code.intField(3, 0);
      builtin[i] = Math.max(deprecated, full); // old files only set the deprecated byte
      custom[i] = code.string(1);
    }
    if (model.vectorLength(2) < 1) throw new ModelFormatException("TFLite model has no subgraph");
    FlatTable graph = model.tableAt(2, 0);
    int nBuffers = model.vectorLength(4);

    int nTensors = graph.vectorLength(0);
    List<Tensor> tensors = new ArrayList<>(nTensors);
    for (int i = 0; i < nTensors; i++) {
      FlatTable t = graph.tableAt(0, i);
      String name = t.string(3);
      if (name == null) name = "tensor" + i;
      int[] shape = t.intVector(0);
      DataType type = DataType.of(t.byteField(1, 0), name);
      int buffer = t.intField(2, 0);
      float[] scales = new float[0];
      long[] zps = new long[0];
      int qdim = 0;
      FlatTable q = t.table(4);
      if (q != null) {
        scales = q.floatVector(2);
        zps = q.longVector(3);
        qdim = q.intField(6, 0);
      }
      byte[] data = null;
      if (buffer != 0) {
        if (buffer < 0 || buffer >= nBuffers)
          throw new ModelFormatException("tensor " + name + " refers to missing buffer " + buffer);
        data = bufferData(bytes, model.tableAt(4, buffer));
        if (data.length == 0) data = null;
      }
      if (data != null) {
        long expected = (long) type.bytes;
        for (int d : shape) {
          if (d < 0)
            throw new ModelFormatException("constant tensor " + name + " has dynamic shape");
          expected *= d;
        }
        if (expected != data.length) {
          throw new ModelFormatException(
              "constant tensor "
                  + name
                  + " has "
                  + data.length
                  + " bytes, its shape needs "
                  + expected);
        }
      }
      tensors.add(new Tensor(name, shape, type, scales, zps, qdim, data));
    }

    int nOps = graph.vectorLength(3);
    List<Operator> ops = new ArrayList<>(nOps);
    for (int i = 0; i < nOps; i++) {
      FlatTable op = graph.tableAt(3, i);
      int opcode = op.intField(0, 0);
      if (opcode < 0 || opcode >= nCodes)
        throw new ModelFormatException("operator " + i + " has invalid opcode index " + opcode);
      int[] in = op.intVector(1);
      int[] out = op.intVector(2);
      for (int x : in)
        if (x < -1 || x >= nTensors)
          throw new ModelFormatException("operator " + i + " reads missing tensor " + x);
      for (int x : out)
        if (x < 0 || x >= nTensors)
          throw new ModelFormatException("operator " + i + " writes missing tensor " + x);
      ops.add(
          new Operator(
              i, builtin[opcode], custom[opcode], in, out, op.byteField(3, 0) & 0xFF, op.table(4)));
    }
    List<Integer> inputs = boxed(graph.intVector(1), nTensors);
    List<Integer> outputs = boxed(graph.intVector(2), nTensors);
    String desc = model.string(3);
    return new TfliteModel(
        desc == null ? "" : desc, List.copyOf(tensors), List.copyOf(ops), inputs, outputs);
  }

  private static byte[] bufferData(byte[] file, FlatTable buffer) {
    long offset = buffer.longField(1, 0);
    if (offset > 1) { // large models keep data after the flatbuffer, addressed from the file start
      long size = buffer.longField(2, 0);
      if (size < 0 || offset + size > file.length)
        throw new ModelFormatException("corrupt or truncated TFLite file: buffer past the end");
      return java.util.Arrays.copyOfRange(file, (int) offset, (int) (offset + size));
    }
    return buffer.byteVector(0);
  }

  private static List<Integer> boxed(int[] ids, int n) {
    List<Integer> list = new ArrayList<>();
    for (int id : ids) {
      if (id < 0 || id >= n)
        throw new ModelFormatException("graph input/output refers to missing tensor " + id);
      list.add(id);
    }
    return List.copyOf(list);
  }
}
