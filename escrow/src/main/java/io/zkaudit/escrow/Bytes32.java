package io.zkaudit.escrow;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/** A 32-byte value (digest, commitment, hash, salt), validated where it enters the module. */
public record Bytes32(byte[] bytes) {
  public static final int LENGTH = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  public Bytes32 {
    if (bytes == null || bytes.length != LENGTH) {
      throw EscrowException.invalidArgument(
          "a bytes32 value needs exactly 32 bytes, got " + (bytes == null ? "null" : bytes.length));
    }
    bytes = bytes.clone();
  }

  /** Parses 64 hex digits, with or without a 0x prefix. */
  public static Bytes32 fromHex(String hex) {
    String digits = hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
    if (digits.length() != 2 * LENGTH) {
      throw EscrowException.invalidArgument("a bytes32 value needs 64 hex digits: " + hex);
    }
    try {
      return new Bytes32(HexFormat.of().parseHex(digits));
    } catch (IllegalArgumentException e) {
      throw EscrowException.invalidArgument("not hex: " + hex);
    }
  }

  public static Bytes32 random() {
    byte[] bytes = new byte[LENGTH];
    RANDOM.nextBytes(bytes);
    return new Bytes32(bytes);
  }

  public boolean isZero() {
    for (byte b : bytes) if (b != 0) return false;
    return true;
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  public String hex() {
    return "0x" + HexFormat.of().formatHex(bytes);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Bytes32 that && Arrays.equals(bytes, that.bytes);
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
