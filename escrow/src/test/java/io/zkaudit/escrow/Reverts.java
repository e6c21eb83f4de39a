package io.zkaudit.escrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.function.Executable;

/** Asserts that a call reverts with exactly the given reason. */
final class Reverts {
  private Reverts() {}

  static EscrowException assertReverts(String reason, Executable call) {
    EscrowException e = assertThrows(EscrowException.class, call);
    assertEquals(reason, e.revertReason().orElse("<no revert reason: " + e.getMessage() + ">"));
    return e;
  }
}
