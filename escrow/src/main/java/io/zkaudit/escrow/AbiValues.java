package io.zkaudit.escrow;

import java.math.BigInteger;
import java.time.Instant;

/** Conversions between the module's Java types and the values web3j's wrappers take and return. */
final class AbiValues {
  private AbiValues() {}

  static org.web3j.abi.datatypes.generated.Bytes32 bytes32(Bytes32 value) {
    return new org.web3j.abi.datatypes.generated.Bytes32(value.bytes());
  }

  static BigInteger id(long id) {
    if (id < 1) throw EscrowException.invalidArgument("ids start at 1: " + id);
    return BigInteger.valueOf(id);
  }

  static long id(BigInteger id) {
    return id.longValueExact();
  }

  static Instant time(BigInteger seconds) {
    return Instant.ofEpochSecond(seconds.longValueExact());
  }

  static BigInteger nonNegative(BigInteger wei, String what) {
    if (wei == null || wei.signum() < 0)
      throw EscrowException.invalidArgument(what + " must be >= 0: " + wei);
    return wei;
  }

  static BigInteger positive(BigInteger wei, String what) {
    if (wei == null || wei.signum() <= 0)
      throw EscrowException.invalidArgument(what + " must be > 0: " + wei);
    return wei;
  }

  static <E extends Enum<E>> E enumValue(Class<E> type, BigInteger ordinal) {
    E[] values = type.getEnumConstants();
    int index = ordinal.intValueExact();
    if (index < 0 || index >= values.length) {
      throw EscrowException.invalidArgument("unknown " + type.getSimpleName() + " " + ordinal);
    }
    return values[index];
  }
}
