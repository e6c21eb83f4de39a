package io.zkaudit.inference;

import io.zkaudit.codec.ByteReader;
import io.zkaudit.codec.ByteWriter;
import io.zkaudit.field.Ext2;
import io.zkaudit.lookup.LogUpProof;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.proof.InvalidProofException;
import java.util.Arrays;

/**
 * A verifying key's one-time proof that every committed weight, bias and rescaled addend lies in
 * its declared element type's range, in zero knowledge ({@link WeightRanges} states and verifies
 * it).
 *
 * <p>Encoding: magic "ZKWR", u32 version, the witness commitment, the weight shadow, the lookup
 * proof (length-prefixed), the limb evaluations, then the witness opening, the shadow opening and
 * the shadow's link (each length-prefixed).
 */
public record WeightRangeProof(
    Commitment witness,
    Commitment shadow,
    LogUpProof lookups,
    Ext2[] limbEvals,
    byte[] witnessOpening,
    byte[] shadowOpening,
    byte[] shadowLink) {
  private static final byte[] MAGIC = {'Z', 'K', 'W', 'R'};
  public static final int VERSION = 1;
  public static final int MAX_SECTION = 64 << 20;
  public static final int MAX_LIMBS = 1 << 12;

  public WeightRangeProof {
    limbEvals = limbEvals.clone();
    witnessOpening = witnessOpening.clone();
    shadowOpening = shadowOpening.clone();
    shadowLink = shadowLink.clone();
  }

  @Override
  public Ext2[] limbEvals() {
    return limbEvals.clone();
  }

  @Override
  public byte[] witnessOpening() {
    return witnessOpening.clone();
  }

  @Override
  public byte[] shadowOpening() {
    return shadowOpening.clone();
  }

  @Override
  public byte[] shadowLink() {
    return shadowLink.clone();
  }

  public void encode(ByteWriter w) {
    w.raw(MAGIC).u32(VERSION);
    witness.encode(w);
    shadow.encode(w);
    w.bytes(lookups.toBytes())
        .exts(limbEvals)
        .bytes(witnessOpening)
        .bytes(shadowOpening)
        .bytes(shadowLink);
  }

  public byte[] encode() {
    ByteWriter w = new ByteWriter();
    encode(w);
    return w.toByteArray();
  }

  public static WeightRangeProof decode(ByteReader r) throws InvalidProofException {
    for (byte m : MAGIC) {
      InvalidProofException.check(
          r.u8("magic") == (m & 0xFF), "not a weight range proof (bad magic)");
    }
    int version = r.u32("version");
    InvalidProofException.check(
        version == VERSION, "weight range proof version " + version + ", expected " + VERSION);
    Commitment witness = Commitment.decode(r);
    Commitment shadow = Commitment.decode(r);
    LogUpProof lookups = LogUpProof.fromBytes(r.bytes("range lookup proof", MAX_SECTION));
    Ext2[] limbs = r.exts("limb evaluations", MAX_LIMBS);
    return new WeightRangeProof(
        witness,
        shadow,
        lookups,
        limbs,
        r.bytes("witness opening", MAX_SECTION),
        r.bytes("shadow opening", MAX_SECTION),
        r.bytes("shadow link", MAX_SECTION));
  }

  public static WeightRangeProof decode(byte[] bytes) throws InvalidProofException {
    ByteReader r = new ByteReader(bytes);
    WeightRangeProof p = decode(r);
    r.finish();
    return p;
  }

  /** The same proof without its openings: what the prover reduces before opening. */
  public WeightRangeProof withoutOpenings() {
    return new WeightRangeProof(
        witness, shadow, lookups, limbEvals, new byte[0], new byte[0], new byte[0]);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WeightRangeProof p && Arrays.equals(encode(), p.encode());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encode());
  }

  @Override
  public String toString() {
    return "WeightRangeProof[" + encode().length + " bytes]";
  }
}
