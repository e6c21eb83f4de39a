package io.zkaudit.model;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The canonical binary encoding of a {@link ModelDescription}: big-endian, magic "ZKMD", version,
 * then every field in declaration order; lists are a 32-bit count then the elements; strings are
 * UTF-8 with a 32-bit length; floats are their IEEE bits. Each layer starts with a one-byte tag.
 * Version 2 appends the limb roundings' layer names (a count, then the strings); a description
 * without any is written as version 1, so its bytes and digest are what they were.
 */
final class DescriptionCodec {
  static final int MAGIC = 0x5A4B4D44; // "ZKMD"
  static final int VERSION = 1;

  /** The version of a description that names limb roundings. */
  static final int LIMB_VERSION = 2;

  private static final int MAX_STRING = 1 << 16;

  private DescriptionCodec() {}

  // ---------------------------------------------------------------- encoding

  static byte[] encode(ModelDescription m) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(MAGIC);
      // Version 1 has no limb roundings; version 2 appends their names (so every description
      // without one keeps its version-1 bytes and digest).
      out.writeInt(m.limbRoundings().isEmpty() ? VERSION : LIMB_VERSION);
      str(out, m.name());
      out.writeInt(m.tensors().size());
      for (TensorSpec t : m.tensors()) {
        str(out, t.name());
        ints(out, t.shape());
        out.writeByte(t.type().ordinal());
        out.writeInt(t.scales().size());
        for (float s : t.scales()) out.writeInt(Float.floatToIntBits(s));
        ints(out, t.zeroPoints());
        out.writeInt(t.quantizedDimension());
        out.writeBoolean(t.constant());
      }
      out.writeInt(m.layers().size());
      for (Layer l : m.layers()) layer(out, l);
      ints(out, m.inputs());
      ints(out, m.outputs());
      if (!m.limbRoundings().isEmpty()) {
        out.writeInt(m.limbRoundings().size());
        for (String n : m.limbRoundings()) str(out, n);
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void layer(DataOutputStream o, Layer layer) throws IOException {
    o.writeByte(tag(layer));
    str(o, layer.name());
    switch (layer) {
      case Conv2D c -> {
        is(o, c.input(), c.weights(), c.bias(), c.output());
        window(o, c.window());
        o.writeInt(c.inputZeroPoint());
        ints(o, c.weightZeroPoints());
        requant(o, c.requantization());
      }
      case DepthwiseConv2D d -> {
        is(o, d.input(), d.weights(), d.bias(), d.output());
        window(o, d.window());
        is(o, d.depthMultiplier(), d.inputZeroPoint());
        ints(o, d.weightZeroPoints());
        requant(o, d.requantization());
      }
      case FullyConnected f -> {
        is(o, f.input(), f.weights(), f.bias(), f.output(), f.inputZeroPoint());
        ints(o, f.weightZeroPoints());
        requant(o, f.requantization());
      }
      case Add a ->
          is(
              o,
              a.a(),
              a.b(),
              a.output(),
              a.aZeroPoint(),
              a.bZeroPoint(),
              a.leftShift(),
              a.aMultiplier(),
              a.aShift(),
              a.bMultiplier(),
              a.bShift(),
              a.outMultiplier(),
              a.outShift(),
              a.outZeroPoint(),
              a.clampMin(),
              a.clampMax());
      case Mul m ->
          is(
              o,
              m.a(),
              m.b(),
              m.output(),
              m.aZeroPoint(),
              m.bZeroPoint(),
              m.outMultiplier(),
              m.outShift(),
              m.outZeroPoint(),
              m.clampMin(),
              m.clampMax());
      case AveragePool p -> {
        is(o, p.input(), p.output());
        window(o, p.window());
        is(o, p.clampMin(), p.clampMax());
      }
      case MaxPool p -> {
        is(o, p.input(), p.output());
        window(o, p.window());
        is(o, p.clampMin(), p.clampMax());
      }
      case Mean m ->
          is(
              o,
              m.input(),
              m.output(),
              m.inputZeroPoint(),
              m.multiplier(),
              m.shift(),
              m.outputZeroPoint(),
              m.clampMin(),
              m.clampMax());
      case Reshape r -> is(o, r.input(), r.output());
      case Pad p -> {
        is(o, p.input(), p.output());
        ints(o, p.before());
        ints(o, p.after());
        o.writeInt(p.padValue());
      }
      case Concat c -> {
        ints(o, c.inputs());
        is(o, c.output(), c.axis());
      }
      case Requantize r ->
          is(
              o,
              r.input(),
              r.output(),
              r.inputZeroPoint(),
              r.multiplier(),
              r.shift(),
              r.outputZeroPoint(),
              r.clampMin(),
              r.clampMax());
      case Softmax s -> {
        is(o, s.input(), s.output());
        o.writeInt(Float.floatToIntBits(s.beta()));
      }
      case Unary u -> {
        is(o, u.input(), u.output(), u.function().ordinal());
        is(o, Float.floatToIntBits(u.alpha()), Float.floatToIntBits(u.beta()));
      }
    }
  }

  private static int tag(Layer l) {
    return switch (l) {
      case Conv2D c -> 1;
      case DepthwiseConv2D d -> 2;
      case FullyConnected f -> 3;
      case Add a -> 4;
      case Mul m -> 5;
      case AveragePool p -> 6;
      case MaxPool p -> 7;
      case Mean m -> 8;
      case Reshape r -> 9;
      case Pad p -> 10;
      case Concat c -> 11;
      case Requantize r -> 12;
      case Softmax s -> 13;
      // Added after format 1's first twelve: a description without one encodes as before.
      case Unary u -> 14;
    };
  }

  private static void window(DataOutputStream o, Window w) throws IOException {
    is(o, w.kernelH(), w.kernelW(), w.strideH(), w.strideW(), w.dilationH(), w.dilationW());
    Padding p = w.padding();
    is(o, p.top(), p.left(), p.bottom(), p.right());
  }

  private static void requant(DataOutputStream o, Requantization r) throws IOException {
    ints(o, r.multipliers());
    ints(o, r.shifts());
    is(o, r.outputZeroPoint(), r.clampMin(), r.clampMax(), r.singleRounding() ? 1 : 0);
  }

  private static void is(DataOutputStream o, int... values) throws IOException {
    for (int v : values) o.writeInt(v);
  }

  private static void ints(DataOutputStream o, List<Integer> values) throws IOException {
    o.writeInt(values.size());
    for (int v : values) o.writeInt(v);
  }

  private static void str(DataOutputStream o, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    o.writeInt(b.length);
    o.write(b);
  }

  // ---------------------------------------------------------------- decoding

  static ModelDescription decode(byte[] bytes) {
    if (bytes == null) throw new ModelFormatException("no model description");
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      if (in.remaining() < 8 || in.getInt() != MAGIC)
        throw new ModelFormatException("not a zkaudit model description (bad magic)");
      int version = in.getInt();
      if (version != VERSION && version != LIMB_VERSION)
        throw new ModelFormatException(
            "model description version " + version + " is not supported");
      String name = str(in);
      int nt = count(in, 20);
      List<TensorSpec> tensors = new ArrayList<>(nt);
      for (int i = 0; i < nt; i++) {
        String tn = str(in);
        List<Integer> shape = ints(in);
        ElementType type = enumValue(in.get());
        int ns = count(in, 4);
        List<Float> scales = new ArrayList<>(ns);
        for (int k = 0; k < ns; k++) scales.add(Float.intBitsToFloat(in.getInt()));
        List<Integer> zps = ints(in);
        int qd = in.getInt();
        boolean constant = bool(in);
        tensors.add(new TensorSpec(tn, shape, type, scales, zps, qd, constant));
      }
      int nl = count(in, 9);
      List<Layer> layers = new ArrayList<>(nl);
      for (int i = 0; i < nl; i++) layers.add(layer(in));
      List<Integer> inputs = ints(in);
      List<Integer> outputs = ints(in);
      List<String> limbs = new ArrayList<>();
      if (version == LIMB_VERSION) {
        int n = count(in, 4);
        for (int i = 0; i < n; i++) limbs.add(str(in));
      }
      if (in.hasRemaining())
        throw new ModelFormatException(
            "model description has " + in.remaining() + " trailing bytes");
      ModelDescription m = new ModelDescription(name, tensors, layers, inputs, outputs, limbs);
      if (!java.util.Arrays.equals(m.encode(), bytes))
        throw new ModelFormatException("model description is not in canonical form");
      return m;
    } catch (BufferUnderflowException e) {
      throw new ModelFormatException("model description is truncated");
    } catch (ModelFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ModelFormatException("model description is malformed: " + e.getMessage());
    }
  }

  private static Layer layer(ByteBuffer in) {
    int tag = in.get();
    String n = str(in);
    return switch (tag) {
      case 1 ->
          new Conv2D(
              n,
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              window(in),
              in.getInt(),
              ints(in),
              requant(in));
      case 2 ->
          new DepthwiseConv2D(
              n,
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              window(in),
              in.getInt(),
              in.getInt(),
              ints(in),
              requant(in));
      case 3 ->
          new FullyConnected(
              n,
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              ints(in),
              requant(in));
      case 4 ->
          new Add(
              n,
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt());
      case 5 ->
          new Mul(
              n,
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt());
      case 6 -> new AveragePool(n, in.getInt(), in.getInt(), window(in), in.getInt(), in.getInt());
      case 7 -> new MaxPool(n, in.getInt(), in.getInt(), window(in), in.getInt(), in.getInt());
      case 8 ->
          new Mean(
              n,
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt());
      case 9 -> new Reshape(n, in.getInt(), in.getInt());
      case 10 -> new Pad(n, in.getInt(), in.getInt(), ints(in), ints(in), in.getInt());
      case 11 -> new Concat(n, ints(in), in.getInt(), in.getInt());
      case 12 ->
          new Requantize(
              n,
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt(),
              in.getInt());
      case 13 -> new Softmax(n, in.getInt(), in.getInt(), Float.intBitsToFloat(in.getInt()));
      case 14 ->
          new Unary(
              n,
              in.getInt(),
              in.getInt(),
              unaryFunction(in.getInt()),
              Float.intBitsToFloat(in.getInt()),
              Float.intBitsToFloat(in.getInt()));
      default -> throw new ModelFormatException("unknown layer tag " + tag);
    };
  }

  private static Window window(ByteBuffer in) {
    return new Window(
        in.getInt(),
        in.getInt(),
        in.getInt(),
        in.getInt(),
        in.getInt(),
        in.getInt(),
        new Padding(in.getInt(), in.getInt(), in.getInt(), in.getInt()));
  }

  private static Requantization requant(ByteBuffer in) {
    var r = new Requantization(ints(in), ints(in), in.getInt(), in.getInt(), in.getInt());
    int rounding = in.getInt();
    if (rounding != 0 && rounding != 1)
      throw new ModelFormatException("unknown rounding mode " + rounding);
    return rounding == 1 ? r.withSingleRounding() : r;
  }

  private static UnaryFunction unaryFunction(int ordinal) {
    UnaryFunction[] all = UnaryFunction.values();
    if (ordinal < 0 || ordinal >= all.length)
      throw new ModelFormatException("unknown unary function " + ordinal);
    return all[ordinal];
  }

  private static ElementType enumValue(int ordinal) {
    ElementType[] all = ElementType.values();
    if (ordinal < 0 || ordinal >= all.length)
      throw new ModelFormatException("unknown element type " + ordinal);
    return all[ordinal];
  }

  private static boolean bool(ByteBuffer in) {
    int b = in.get();
    if (b != 0 && b != 1) throw new ModelFormatException("invalid boolean " + b);
    return b == 1;
  }

  /**
   * A count of elements of at least minBytes each: bounded by what is left, so no huge allocation.
   */
  private static int count(ByteBuffer in, int minBytes) {
    int n = in.getInt();
    if (n < 0 || (long) n * minBytes > in.remaining())
      throw new ModelFormatException("model description is truncated (count " + n + ")");
    return n;
  }

  private static List<Integer> ints(ByteBuffer in) {
    int n = count(in, 4);
    List<Integer> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) list.add(in.getInt());
    return list;
  }

  private static String str(ByteBuffer in) {
    int n = count(in, 1);
    if (n > MAX_STRING)
      throw new ModelFormatException("string of " + n + " bytes in model description");
    byte[] b = new byte[n];
    in.get(b);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ModelFormatException("invalid UTF-8 in model description");
    }
  }
}
