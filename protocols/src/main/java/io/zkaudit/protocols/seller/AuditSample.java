package io.zkaudit.protocols.seller;

/** One committed sample as stored: its hash, then what the buyer revealed, then what the seller proved. */
public record AuditSample(int index, byte[] sampleHash, byte[] salt, int[] input, Integer label, int[] output,
    byte[] proof, Long provenAt) {
  boolean revealed() {
    return salt != null;
  }

  boolean proven() {
    return proof != null;
  }
}
