package io.zkaudit.protocols;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * int tensors as stored bytes (little-endian int32, as the input hash reads them) and as proto
 * lists.
 */
public final class Tensors {
  private Tensors() {}

  public static byte[] toBytes(int[] values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putInt(v);
    }
    return b.array();
  }

  public static int[] fromBytes(byte[] bytes) {
    if (bytes.length % 4 != 0) {
      throw new IllegalArgumentException(
          "a tensor of int32 has a multiple of 4 bytes, not " + bytes.length);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int[] out = new int[bytes.length / 4];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.getInt();
    }
    return out;
  }

  public static int[] fromList(List<Integer> values) {
    int[] out = new int[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  public static List<Integer> toList(int[] values) {
    return java.util.Arrays.stream(values).boxed().toList();
  }
}
