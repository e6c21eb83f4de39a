package io.zkaudit.protocols;

import com.google.protobuf.ByteString;
import java.util.HexFormat;

/** Lower-case hex of ids, keys and digests, as the services and the command line print them. */
public final class Hex {
  private Hex() {}

  public static String of(ByteString b) {
    return of(b.toByteArray());
  }

  public static String of(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
