package io.zkaudit.hash;

import java.util.Arrays;
import java.util.HexFormat;

/** A 32-byte hash value (Merkle root, commitment, model digest). Immutable. */
public record Digest32(byte[] bytes) {
  public static final int LENGTH = 32;

  public Digest32 {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("a digest has 32 bytes, not " + bytes.length);
    }
    bytes = bytes.clone();
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  public static Digest32 fromHex(String hex) {
    return new Digest32(HexFormat.of().parseHex(hex.startsWith("0x") ? hex.substring(2) : hex));
  }

  public String hex() {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Digest32 d && Arrays.equals(bytes, d.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return hex();
  }
}
