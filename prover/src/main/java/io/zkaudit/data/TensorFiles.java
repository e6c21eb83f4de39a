package io.zkaudit.data;

import io.zkaudit.model.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tensor inputs from files. {@code .npy} (NumPy format 1.0/2.0/3.0, C order; dtypes u1, i1, i4, f4,
 * f8): integer dtypes u1/i1 are taken as already-quantized values, others as real values. {@code
 * .json}: a (nested) array of numbers, or {"data": [...]}, always real values.
 */
public final class TensorFiles {
  /** Values read from a file: either quantized integers or real numbers. */
  public record Tensor(int[] shape, int[] quantized, float[] real) {
    public int size() {
      return quantized != null ? quantized.length : real.length;
    }
  }

  private TensorFiles() {}

  public static Tensor read(Path file) {
    try {
      String n = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
      if (n.endsWith(".npy")) return npy(Files.readAllBytes(file), file);
      if (n.endsWith(".json")) return json(Files.readString(file), file);
    } catch (IOException e) {
      throw new ModelFormatException("cannot read " + file + ": " + e.getMessage());
    }
    throw new ModelFormatException(
        "unknown tensor file type " + file + " (expected .npy or .json)");
  }

  /**
   * The tensor in the engine's NHWC layout: a rank-4 file whose shape is the model's NCHW shape
   * [N,C,H,W] (as PyTorch/ONNX users save inputs) and not its NHWC shape is transposed; anything
   * else is returned as it is.
   */
  public static Tensor toNhwc(Tensor t, int[] nhwc) {
    int[] s = t.shape();
    if (nhwc.length != 4 || s.length != 4 || java.util.Arrays.equals(s, nhwc)) return t;
    int n = nhwc[0], h = nhwc[1], w = nhwc[2], c = nhwc[3];
    if (s[0] != n || s[1] != c || s[2] != h || s[3] != w) return t;
    int[] q = t.quantized() == null ? null : new int[t.size()];
    float[] r = t.real() == null ? null : new float[t.size()];
    for (int b = 0; b < n; b++)
      for (int ch = 0; ch < c; ch++)
        for (int y = 0; y < h; y++)
          for (int x = 0; x < w; x++) {
            int from = ((b * c + ch) * h + y) * w + x, to = ((b * h + y) * w + x) * c + ch;
            if (q != null) q[to] = t.quantized()[from];
            else r[to] = t.real()[from];
          }
    return new Tensor(nhwc.clone(), q, r);
  }

  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=]?)(\\w+)'");
  private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  static Tensor npy(byte[] b, Path file) {
    if (b.length < 10
        || b[0] != (byte) 0x93
        || !new String(b, 1, 5, StandardCharsets.ISO_8859_1).equals("NUMPY")) {
      throw new ModelFormatException(file + " is not a .npy file");
    }
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int major = b[6];
    int headerLen, start;
    if (major == 1) {
      headerLen = Short.toUnsignedInt(buf.getShort(8));
      start = 10;
    } else {
      headerLen = buf.getInt(8);
      start = 12;
    }
    if (headerLen < 0 || start + headerLen > b.length)
      throw new ModelFormatException(file + " has a truncated .npy header");
    String header = new String(b, start, headerLen, StandardCharsets.ISO_8859_1);
    Matcher d = DESCR.matcher(header), o = ORDER.matcher(header), s = SHAPE.matcher(header);
    if (!d.find() || !o.find() || !s.find())
      throw new ModelFormatException(file + " has an unreadable .npy header");
    if (o.group(1).equals("True"))
      throw new ModelFormatException(file + ": Fortran-order arrays are not supported");
    if (d.group(1).equals(">"))
      throw new ModelFormatException(file + ": big-endian arrays are not supported");
    List<Integer> shape = new ArrayList<>();
    for (String part : s.group(1).split(","))
      if (!part.isBlank()) shape.add(Integer.parseInt(part.trim()));
    long count = 1;
    for (int x : shape) count *= x;
    int[] shapeArr = shape.stream().mapToInt(Integer::intValue).toArray();
    int data = start + headerLen;
    String type = d.group(2);
    int width =
        switch (type) {
          case "u1", "i1", "b1" -> 1;
          case "i4", "f4" -> 4;
          case "f8", "i8" -> 8;
          default -> throw new ModelFormatException(file + ": dtype " + type + " is not supported");
        };
    if (count > Integer.MAX_VALUE || data + count * width > b.length)
      throw new ModelFormatException(file + " is truncated");
    int n = (int) count;
    switch (type) {
      case "u1", "b1" -> {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = b[data + i] & 0xFF;
        return new Tensor(shapeArr, v, null);
      }
      case "i1" -> {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = b[data + i];
        return new Tensor(shapeArr, v, null);
      }
      default -> {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
          int at = data + i * width;
          v[i] =
              switch (type) {
                case "i4" -> buf.getInt(at);
                case "f4" -> buf.getFloat(at);
                case "i8" -> buf.getLong(at);
                default -> (float) buf.getDouble(at);
              };
        }
        return new Tensor(shapeArr, null, v);
      }
    }
  }

  static Tensor json(String text, Path file) {
    String body = text.trim();
    int dataKey = body.indexOf("\"data\"");
    if (body.startsWith("{")) {
      if (dataKey < 0)
        throw new ModelFormatException(file + ": JSON object without a \"data\" array");
      body = body.substring(body.indexOf('[', dataKey));
    }
    List<Float> values = new ArrayList<>();
    Matcher num = Pattern.compile("-?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?").matcher(body);
    int depth = 0, end = -1;
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '[') depth++;
      else if (c == ']' && --depth == 0) {
        end = i;
        break;
      }
    }
    if (!body.startsWith("[") || end < 0)
      throw new ModelFormatException(file + " is not a JSON array of numbers");
    String arr = body.substring(0, end + 1);
    if (!arr.matches("[\\s\\[\\],0-9eE.+-]*"))
      throw new ModelFormatException(file + " holds something other than numbers");
    num.reset(arr);
    while (num.find()) values.add(Float.parseFloat(num.group()));
    float[] v = new float[values.size()];
    for (int i = 0; i < v.length; i++) v[i] = values.get(i);
    return new Tensor(new int[] {v.length}, null, v);
  }
}
