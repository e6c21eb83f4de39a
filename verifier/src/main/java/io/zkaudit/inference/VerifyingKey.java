package io.zkaudit.inference;

import io.zkaudit.codec.ByteReader;
import io.zkaudit.codec.ByteWriter;
import io.zkaudit.hash.Digest32;
import io.zkaudit.hash.Sha256;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.proof.InvalidProofException;

/**
 * What a buyer needs to verify proofs for one model: the public description and the commitment to
 * the weights. Its {@link #digest()} is "the model commitment" that registries and contracts hold.
 * File format: magic "ZKVK", u32 version, description bytes (length-prefixed), weight commitment.
 */
public record VerifyingKey(ModelDescription description, Commitment weights) {
  private static final byte[] MAGIC = {'Z', 'K', 'V', 'K'};
  public static final int VERSION = 1;
  /** Descriptions are at most 16 MB: bounds what a hostile file can make us allocate. */
  public static final int MAX_DESCRIPTION = 16 << 20;

  public byte[] encode() {
    return new ByteWriter().raw(MAGIC).u32(VERSION).bytes(description.encode()).raw(weights.encode()).toByteArray();
  }

  public static VerifyingKey decode(byte[] bytes) throws InvalidProofException {
    ByteReader r = new ByteReader(bytes);
    for (byte m : MAGIC) {
      InvalidProofException.check(r.u8("magic") == (m & 0xFF), "not a zkaudit verifying key (bad magic)");
    }
    int version = r.u32("version");
    InvalidProofException.check(version == VERSION, "verifying key version " + version + ", expected " + VERSION);
    ModelDescription d;
    try {
      d = ModelDescription.decode(r.bytes("model description", MAX_DESCRIPTION));
    } catch (ModelFormatException e) {
      throw new InvalidProofException("verifying key: " + e.getMessage());
    }
    Commitment c = Commitment.decode(r);
    r.finish();
    return new VerifyingKey(d, c);
  }

  /** SHA-256 of the encoding: the model commitment. */
  public Digest32 digest() {
    return new Digest32(Sha256.hash(encode()));
  }
}
