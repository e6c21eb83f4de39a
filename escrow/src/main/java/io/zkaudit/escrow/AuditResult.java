package io.zkaudit.escrow;

/**
 * The outcome of an audit's verified predictions: {@code correct} of {@code total} samples right.
 */
public record AuditResult(long auditId, Bytes32 testSetHash, int correct, int total) {
  public AuditResult {
    if (total < 1 || correct < 0 || correct > total) {
      throw EscrowException.invalidArgument(
          "need 0 <= correct <= total, 1 <= total: " + correct + "/" + total);
    }
  }
}
