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
 * What a buyer needs to verify proofs for one model: the public description, the commitment to the
 * weights and the commitment's one-time range proof ({@link WeightRangeProof}: the committed
 * constants are an int8 model; null in a key made before range proofs, which {@link
 * WeightRanges#check} refuses).
 *
 * <p>Its {@link #digest()} is "the model commitment" that registries and contracts hold: SHA-256 of
 * the key's statement, magic "ZKVK", u32 1, description bytes (length-prefixed), weight commitment,
 * without the range proof. The range proof is evidence about that statement (its transcript starts
 * from the digest), not part of the model's identity: a model committed again under the same hiding
 * key keeps its digest though its range proof, drawn with fresh randomness, differs.
 *
 * <p>File format, version 2: magic "ZKVK", u32 2, description (length-prefixed), weight commitment,
 * range proof (length-prefixed). Version 1 files (no range proof) still decode, with a null range
 * proof.
 */
public record VerifyingKey(
    ModelDescription description, Commitment weights, WeightRangeProof rangeProof) {
  private static final byte[] MAGIC = {'Z', 'K', 'V', 'K'};
  public static final int VERSION = 2;

  /** The version of keys without a range proof, and of the digested statement. */
  public static final int STATEMENT_VERSION = 1;

  /** Descriptions are at most 16 MB: bounds what a hostile file can make us allocate. */
  public static final int MAX_DESCRIPTION = 16 << 20;

  public static final int MAX_RANGE_PROOF = 256 << 20;

  /** A key without its range proof yet (the prover's, before it proves the ranges). */
  public VerifyingKey(ModelDescription description, Commitment weights) {
    this(description, weights, null);
  }

  /** The same key carrying a range proof. */
  public VerifyingKey withRangeProof(WeightRangeProof proof) {
    return new VerifyingKey(description, weights, proof);
  }

  /** The file: version 2 with the range proof, or version 1 for a key that has none. */
  public byte[] encode() {
    if (rangeProof == null) {
      return statement();
    }
    return new ByteWriter()
        .raw(MAGIC)
        .u32(VERSION)
        .bytes(description.encode())
        .raw(weights.encode())
        .bytes(rangeProof.encode())
        .toByteArray();
  }

  /** The digested statement: the version-1 encoding. */
  private byte[] statement() {
    return new ByteWriter()
        .raw(MAGIC)
        .u32(STATEMENT_VERSION)
        .bytes(description.encode())
        .raw(weights.encode())
        .toByteArray();
  }

  public static VerifyingKey decode(byte[] bytes) throws InvalidProofException {
    ByteReader r = new ByteReader(bytes);
    for (byte m : MAGIC) {
      InvalidProofException.check(
          r.u8("magic") == (m & 0xFF), "not a zkaudit verifying key (bad magic)");
    }
    int version = r.u32("version");
    InvalidProofException.check(
        version == VERSION || version == STATEMENT_VERSION,
        "verifying key version " + version + ", expected " + VERSION);
    ModelDescription d;
    try {
      d = ModelDescription.decode(r.bytes("model description", MAX_DESCRIPTION));
    } catch (ModelFormatException e) {
      throw new InvalidProofException("verifying key: " + e.getMessage());
    }
    Commitment c = Commitment.decode(r);
    WeightRangeProof range = null;
    if (version == VERSION) {
      range = WeightRangeProof.decode(r.bytes("weight range proof", MAX_RANGE_PROOF));
    }
    r.finish();
    return new VerifyingKey(d, c, range);
  }

  /** SHA-256 of the key's statement (description and weight commitment): the model commitment. */
  public Digest32 digest() {
    return new Digest32(Sha256.hash(statement()));
  }
}
