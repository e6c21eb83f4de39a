package io.zkaudit.onnx;

import io.zkaudit.model.ModelFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX ModelProto this importer uses, parsed from the protobuf wire format. Field
 * numbers are those of the ONNX project's onnx.proto3 schema (ModelProto.graph = 7, opset_import =
 * 8; GraphProto.node = 1, initializer = 5, input = 11, output = 12; ...). Everything else is
 * skipped.
 */
public record OnnxModel(
    long irVersion, long opsetVersion, Graph graph, Map<String, String> metadata) {

  /**
   * @param metadata ModelProto.metadata_props (field 14, key/value string pairs), in file order
   */
  public OnnxModel {
    metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /** A model without metadata. */
  public OnnxModel(long irVersion, long opsetVersion, Graph graph) {
    this(irVersion, opsetVersion, graph, Map.of());
  }

  public record Graph(
      String name,
      List<Node> nodes,
      List<Tensor> initializers,
      List<ValueInfo> inputs,
      List<ValueInfo> outputs) {}

  /**
   * A graph input or output: its name and shape (-1 for a symbolic dimension such as a batch size).
   */
  public record ValueInfo(String name, int elemType, long[] shape) {}

  public record Node(
      String name,
      String opType,
      String domain,
      List<String> inputs,
      List<String> outputs,
      Map<String, Attribute> attributes) {
    /** How error messages name the node. */
    public String label() {
      return name.isEmpty()
          ? "'" + (outputs.isEmpty() ? "?" : outputs.getFirst()) + "'"
          : "'" + name + "'";
    }

    public long intAttr(String key, long fallback) {
      Attribute a = attributes.get(key);
      return a == null ? fallback : a.i();
    }

    public float floatAttr(String key, float fallback) {
      Attribute a = attributes.get(key);
      return a == null ? fallback : a.f();
    }

    public long[] intsAttr(String key, long[] fallback) {
      Attribute a = attributes.get(key);
      return a == null ? fallback : a.ints();
    }

    public String stringAttr(String key, String fallback) {
      Attribute a = attributes.get(key);
      return a == null || a.s() == null
          ? fallback
          : new String(a.s(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** AttributeProto: one of f, i, s, t, floats, ints is meaningful (type says which). */
  public record Attribute(
      String name, int type, float f, long i, byte[] s, Tensor t, float[] floats, long[] ints) {}

  /**
   * TensorProto with its values widened to double (ONNX initializers are small constants here).
   * values is null for a data type the importer does not read (bool, strings, float16, ...): that
   * is an error only when a node needs the values.
   */
  public record Tensor(String name, long[] dims, int dataType, double[] values) {
    public static final int FLOAT = 1, UINT8 = 2, INT8 = 3, INT32 = 6, INT64 = 7, DOUBLE = 11;

    @Override
    public double[] values() {
      if (values == null)
        throw new ModelFormatException(
            "ONNX tensor " + name + " has unsupported data type " + dataType);
      return values;
    }

    public int size() {
      long n = 1;
      for (long d : dims) n *= d;
      return (int) n;
    }

    public float[] floats() {
      double[] v = values();
      float[] f = new float[v.length];
      for (int i = 0; i < f.length; i++) f[i] = (float) v[i];
      return f;
    }
  }

  public static OnnxModel parse(byte[] bytes) {
    if (bytes.length == 0)
      throw new ModelFormatException("corrupt or truncated ONNX file: it is empty");
    ProtoReader r = new ProtoReader(bytes);
    long ir = 0, opset = -1;
    Graph g = null;
    Map<String, String> metadata = new LinkedHashMap<>();
    while (r.next()) {
      switch (r.field()) {
        case 1 -> ir = r.varint();
        case 14 -> {
          // StringStringEntryProto: key = 1, value = 2
          ProtoReader e = r.message();
          String key = "", value = "";
          while (e.next()) {
            if (e.field() == 1) key = e.string();
            else if (e.field() == 2) value = e.string();
            else e.skip();
          }
          metadata.put(key, value);
        }
        case 7 -> g = graph(r.message());
        case 8 -> {
          ProtoReader o = r.message();
          String domain = "";
          long version = 0;
          while (o.next()) {
            if (o.field() == 1) domain = o.string();
            else if (o.field() == 2) version = o.varint();
            else o.skip();
          }
          if (domain.isEmpty() || domain.equals("ai.onnx")) opset = version;
        }
        default -> r.skip();
      }
    }
    if (g == null) throw new ModelFormatException("corrupt or truncated ONNX file: no graph");
    return new OnnxModel(ir, opset, g, metadata);
  }

  /** A serialized TensorProto on its own (the .pb files of ONNX's conformance test data). */
  public static Tensor parseTensor(byte[] bytes) {
    return tensor(new ProtoReader(bytes));
  }

  private static Graph graph(ProtoReader r) {
    String name = "";
    List<Node> nodes = new ArrayList<>();
    List<Tensor> inits = new ArrayList<>();
    List<ValueInfo> ins = new ArrayList<>(), outs = new ArrayList<>();
    while (r.next()) {
      switch (r.field()) {
        case 1 -> nodes.add(node(r.message()));
        case 2 -> name = r.string();
        case 5 -> inits.add(tensor(r.message()));
        case 11 -> ins.add(valueInfo(r.message()));
        case 12 -> outs.add(valueInfo(r.message()));
        default -> r.skip();
      }
    }
    return new Graph(name, nodes, inits, ins, outs);
  }

  private static Node node(ProtoReader r) {
    List<String> ins = new ArrayList<>(), outs = new ArrayList<>();
    String name = "", op = "", domain = "";
    Map<String, Attribute> attrs = new LinkedHashMap<>();
    while (r.next()) {
      switch (r.field()) {
        case 1 -> ins.add(r.string());
        case 2 -> outs.add(r.string());
        case 3 -> name = r.string();
        case 4 -> op = r.string();
        case 5 -> {
          Attribute a = attribute(r.message());
          attrs.put(a.name(), a);
        }
        case 7 -> domain = r.string();
        default -> r.skip();
      }
    }
    return new Node(name, op, domain, ins, outs, attrs);
  }

  private static Attribute attribute(ProtoReader r) {
    String name = "";
    int type = 0;
    float f = 0;
    long i = 0;
    byte[] s = null;
    Tensor t = null;
    List<Float> floats = new ArrayList<>();
    List<Long> ints = new ArrayList<>();
    while (r.next()) {
      switch (r.field()) {
        case 1 -> name = r.string();
        case 2 -> f = r.float32();
        case 3 -> i = r.varint();
        case 4 -> s = r.bytes();
        case 5 -> t = tensor(r.message());
        case 7 -> readFloats(r, floats);
        case 8 -> readVarints(r, ints);
        case 20 -> type = (int) r.varint();
        default -> r.skip();
      }
    }
    float[] fa = new float[floats.size()];
    for (int k = 0; k < fa.length; k++) fa[k] = floats.get(k);
    return new Attribute(
        name, type, f, i, s, t, fa, ints.stream().mapToLong(Long::longValue).toArray());
  }

  private static Tensor tensor(ProtoReader r) {
    List<Long> dims = new ArrayList<>(), int64s = new ArrayList<>(), int32s = new ArrayList<>();
    List<Float> floats = new ArrayList<>();
    List<Double> doubles = new ArrayList<>();
    int type = 0;
    String name = "";
    byte[] raw = null;
    while (r.next()) {
      switch (r.field()) {
        case 1 -> readVarints(r, dims);
        case 2 -> type = (int) r.varint();
        case 4 -> readFloats(r, floats);
        case 5 -> readVarints(r, int32s);
        case 7 -> readVarints(r, int64s);
        case 8 -> name = r.string();
        case 9 -> raw = r.bytes();
        case 10 -> readDoubles(r, doubles);
        case 14 -> {
          if (r.varint() == 1)
            throw new ModelFormatException(
                "ONNX tensor "
                    + name
                    + " keeps its data in an external file; save the model with its weights"
                    + " inside");
        }
        default -> r.skip();
      }
    }
    long[] d = dims.stream().mapToLong(Long::longValue).toArray();
    long n = 1;
    for (long x : d) {
      if (x < 0)
        throw new ModelFormatException("ONNX tensor " + name + " has a negative dimension");
      n *= x;
      if (n > Integer.MAX_VALUE)
        throw new ModelFormatException("ONNX tensor " + name + " is too large");
    }
    if (!List.of(Tensor.FLOAT, Tensor.DOUBLE, Tensor.INT64, Tensor.INT32, Tensor.INT8, Tensor.UINT8)
        .contains(type)) {
      return new Tensor(name, d, type, null);
    }
    double[] v =
        raw != null
            ? fromRaw(raw, type, (int) n, name)
            : switch (type) {
              case Tensor.FLOAT -> floats.stream().mapToDouble(Float::doubleValue).toArray();
              case Tensor.DOUBLE -> doubles.stream().mapToDouble(Double::doubleValue).toArray();
              case Tensor.INT64 -> int64s.stream().mapToDouble(Long::doubleValue).toArray();
              // int32_data also carries the 8- and 16-bit integer types
              case Tensor.INT32, Tensor.INT8, Tensor.UINT8 ->
                  int32s.stream().mapToDouble(x -> (double) (int) (long) x).toArray();
              default ->
                  throw new ModelFormatException(
                      "ONNX tensor " + name + " has unsupported data type " + type);
            };
    if (v.length != n)
      throw new ModelFormatException(
          "ONNX tensor "
              + name
              + " has "
              + v.length
              + " values for shape "
              + java.util.Arrays.toString(d));
    return new Tensor(name, d, type, v);
  }

  private static double[] fromRaw(byte[] raw, int type, int n, String name) {
    int width =
        switch (type) {
          case Tensor.FLOAT, Tensor.INT32 -> 4;
          case Tensor.INT64, Tensor.DOUBLE -> 8;
          case Tensor.INT8, Tensor.UINT8 -> 1;
          default ->
              throw new ModelFormatException(
                  "ONNX tensor " + name + " has unsupported data type " + type);
        };
    if ((long) n * width != raw.length) {
      throw new ModelFormatException(
          "ONNX tensor "
              + name
              + " has "
              + raw.length
              + " bytes of data, expected "
              + (long) n * width);
    }
    ByteBuffer b =
        ByteBuffer.wrap(raw)
            .order(ByteOrder.LITTLE_ENDIAN); // raw_data is little-endian by the spec
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] =
          switch (type) {
            case Tensor.FLOAT -> b.getFloat();
            case Tensor.INT32 -> b.getInt();
            case Tensor.INT64 -> b.getLong();
            case Tensor.DOUBLE -> b.getDouble();
            case Tensor.INT8 -> b.get();
            default -> b.get() & 0xff;
          };
    }
    return v;
  }

  private static ValueInfo valueInfo(ProtoReader r) {
    String name = "";
    int elem = 0;
    List<Long> shape = new ArrayList<>();
    while (r.next()) {
      if (r.field() == 1) name = r.string();
      else if (r.field() == 2) {
        ProtoReader type = r.message();
        while (type.next()) {
          if (type.field() != 1) {
            type.skip();
            continue;
          }
          ProtoReader tt = type.message(); // TypeProto.Tensor
          while (tt.next()) {
            if (tt.field() == 1) elem = (int) tt.varint();
            else if (tt.field() == 2) {
              ProtoReader sh = tt.message();
              while (sh.next()) {
                if (sh.field() != 1) {
                  sh.skip();
                  continue;
                }
                ProtoReader dim = sh.message();
                long value = -1; // dim_param (symbolic) or absent
                while (dim.next()) {
                  if (dim.field() == 1) value = dim.varint();
                  else dim.skip();
                }
                shape.add(value);
              }
            } else tt.skip();
          }
        }
      } else r.skip();
    }
    return new ValueInfo(name, elem, shape.stream().mapToLong(Long::longValue).toArray());
  }

  private static void readVarints(ProtoReader r, List<Long> out) {
    if (r.wireType() == ProtoReader.LENGTH_DELIMITED) {
      ProtoReader p = r.message();
      while (!p.atEnd()) out.add(p.varint());
    } else out.add(r.varint());
  }

  private static void readFloats(ProtoReader r, List<Float> out) {
    if (r.wireType() == ProtoReader.LENGTH_DELIMITED) {
      ProtoReader p = r.message();
      while (!p.atEnd()) out.add(p.float32());
    } else out.add(r.float32());
  }

  private static void readDoubles(ProtoReader r, List<Double> out) {
    if (r.wireType() == ProtoReader.LENGTH_DELIMITED) {
      ProtoReader p = r.message();
      while (!p.atEnd()) out.add(Double.longBitsToDouble(p.fixed64()));
    } else out.add(Double.longBitsToDouble(r.fixed64()));
  }
}
