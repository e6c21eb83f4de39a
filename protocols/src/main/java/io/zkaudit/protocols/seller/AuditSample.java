package io.zkaudit.protocols.seller;

/**
 * One committed sample as stored: its hash, then what the buyer revealed, then what the seller
 * proved. In an {@link AuditStore#outline} the input and proof are left out (null).
 */
public record AuditSample(
    int index,
    byte[] sampleHash,
    byte[] salt,
    int[] input,
    Integer label,
    int[] output,
    byte[] proof,
    Long provenAt) {
  public boolean revealed() {
    return salt != null;
  }

  public boolean proven() {
    return provenAt != null;
  }
}
