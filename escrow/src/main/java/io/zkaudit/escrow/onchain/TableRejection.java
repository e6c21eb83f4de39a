package io.zkaudit.escrow.onchain;

/** RoundingTables.sol's reasons ({@code Rejected(reason, detail)}), in the contract's order. */
public enum TableRejection {
  VALID,
  /** A point or a segment cut short, a coordinate not canonical. */
  MALFORMED,
  /** A header or segment no table plan has (kind, sizes, a zero width, more rows than 2^vars). */
  BAD_PLAN,
  /** A stage that was never stored, or another point than the stage's. */
  UNKNOWN_STAGE;

  public static TableRejection ofOrdinal(int ordinal) {
    TableRejection[] all = values();
    if (ordinal < 0 || ordinal >= all.length) {
      throw new IllegalArgumentException("no table rejection " + ordinal);
    }
    return all[ordinal];
  }
}
