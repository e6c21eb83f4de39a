package io.zkaudit.pcs;

import io.zkaudit.codec.ByteReader;
import io.zkaudit.codec.ByteWriter;
import io.zkaudit.hash.Digest32;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.transcript.Transcript;

/**
 * A commitment to a multilinear polynomial in numVars variables: the Merkle root of its
 * Reed-Solomon codeword. Encoding: 32-byte root, u8 numVars.
 */
public record Commitment(Digest32 root, int numVars) {
  public Commitment {
    PcsParams.checkNumVars(numVars);
  }

  public void absorb(Transcript t) {
    t.absorbDigest("pcs/commitment", root);
    t.absorbLong("pcs/num-vars", numVars);
  }

  public void encode(ByteWriter w) {
    w.digest(root).u8(numVars);
  }

  public byte[] encode() {
    ByteWriter w = new ByteWriter();
    encode(w);
    return w.toByteArray();
  }

  public static Commitment decode(ByteReader r) throws InvalidProofException {
    Digest32 root = r.digest("commitment root");
    int n = r.u8("commitment variables");
    if (n > PcsParams.MAX_NUM_VARS) {
      throw new InvalidProofException(
          "commitment has " + n + " variables, more than " + PcsParams.MAX_NUM_VARS);
    }
    return new Commitment(root, n);
  }

  public static Commitment decode(byte[] bytes) throws InvalidProofException {
    ByteReader r = new ByteReader(bytes);
    Commitment c = decode(r);
    r.finish();
    return c;
  }
}
