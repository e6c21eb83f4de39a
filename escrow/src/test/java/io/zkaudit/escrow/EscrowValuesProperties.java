package io.zkaudit.escrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class EscrowValuesProperties {

  @Property
  void bytes32RoundTripsThroughHex(@ForAll @Size(32) byte[] bytes) {
    Bytes32 value = new Bytes32(bytes);
    assertEquals(value, Bytes32.fromHex(value.hex()));
    assertEquals(value, Bytes32.fromHex(value.hex().substring(2)));
  }

  @Property
  void bytes32RejectsAnyOtherLength(@ForAll @Size(max = 100) byte[] bytes) {
    if (bytes.length == 32) return;
    assertThrows(EscrowException.class, () -> new Bytes32(bytes));
    assertThrows(
        EscrowException.class,
        () -> Bytes32.fromHex("0x" + java.util.HexFormat.of().formatHex(bytes)));
  }

  @Property
  void commitmentBindsHashAndSalt(
      @ForAll @Size(32) byte[] hash,
      @ForAll @Size(32) byte[] salt,
      @ForAll @IntRange(max = 255) int flipAt) {
    TestSetCommitment original = new TestSetCommitment(new Bytes32(hash), new Bytes32(salt));
    byte[] changed = salt.clone();
    changed[flipAt % 32] ^= 1;
    assertNotEquals(
        original.commitment(),
        new TestSetCommitment(new Bytes32(hash), new Bytes32(changed)).commitment());
    // swapping the roles of hash and salt gives another commitment too
    if (!java.util.Arrays.equals(hash, salt)) {
      assertNotEquals(
          original.commitment(),
          new TestSetCommitment(new Bytes32(salt), new Bytes32(hash)).commitment());
    }
  }

  @Property
  void auditResultAcceptsExactlyTheConsistentCounts(
      @ForAll @IntRange(min = -5, max = 50) int correct,
      @ForAll @IntRange(min = -5, max = 50) int total) {
    boolean consistent = total >= 1 && correct >= 0 && correct <= total;
    if (consistent) {
      assertEquals(correct, new AuditResult(1, Bytes32.random(), correct, total).correct());
    } else {
      assertThrows(
          EscrowException.class, () -> new AuditResult(1, Bytes32.random(), correct, total));
    }
  }
}
