package io.zkaudit.escrow;

import java.math.BigInteger;

/** Told the gas used by every successful transaction a client sends (for the gas table). */
@FunctionalInterface
public interface GasListener {
  GasListener NONE = (operation, gasUsed) -> {};

  void gasUsed(String operation, BigInteger gasUsed);
}
