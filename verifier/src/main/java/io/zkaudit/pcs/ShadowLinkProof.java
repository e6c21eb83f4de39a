package io.zkaudit.pcs;

import io.zkaudit.codec.ByteReader;
import io.zkaudit.codec.ByteWriter;
import io.zkaudit.merkle.MerkleMultiProof;
import io.zkaudit.proof.InvalidProofException;
import java.util.Arrays;

/**
 * The weight-side half of a {@link ShadowLink}: the rows of the weight commitment's leaves that the
 * shadow's queries determine, and their Merkle multi-opening.
 *
 * <p>Encoding: u32 count + count field elements (the rows), then the {@link MerkleMultiProof}.
 * {@link #decode} bounds both counts by what (params, weight variables) allows before allocating.
 *
 * @param rows the rows of {@link ShadowLink#weightLeaves} in increasing leaf order, concatenated
 *     (each 2^a base-field elements, a = the weight commitment's first arity)
 * @param paths their batched opening against the weight commitment's root
 */
public record ShadowLinkProof(long[] rows, MerkleMultiProof paths) {
  public ShadowLinkProof {
    rows = rows.clone();
  }

  @Override
  public long[] rows() {
    return rows.clone();
  }

  long[] rowsView() {
    return rows;
  }

  public void encode(ByteWriter w) {
    w.fields(rows);
    paths.encode(w);
  }

  public byte[] encode() {
    ByteWriter w = new ByteWriter();
    encode(w);
    return w.toByteArray();
  }

  /** Decodes a link for a weight polynomial of weightVars variables under params. */
  public static ShadowLinkProof decode(ByteReader r, PcsParams params, int weightVars)
      throws InvalidProofException {
    InvalidProofException.check(
        weightVars >= 0 && weightVars < PcsParams.MAX_NUM_VARS,
        "weight polynomial variables out of range: " + weightVars);
    int shadowArity = params.arities(weightVars + 1)[0];
    InvalidProofException.check(shadowArity > 0, ShadowLink.tooSmall(weightVars));
    int a = params.arities(weightVars)[0];
    int rowLongs = 1 << a;
    // each shadow query determines 2^(shadowArity-1) consecutive weight entries: one leaf's worth
    // or less when a >= shadowArity - 1, else 2^(shadowArity-1-a) whole leaves
    int leavesPerQuery = Math.max(1, 1 << Math.max(0, shadowArity - 1 - a));
    int maxLeaves = params.queries() * leavesPerQuery;
    long[] rows = r.fields("link rows", maxLeaves * rowLongs);
    InvalidProofException.check(
        rows.length > 0 && rows.length % rowLongs == 0,
        "link rows are not whole rows of " + rowLongs);
    int depth = weightVars + params.logBlowup() - a;
    MerkleMultiProof paths = MerkleMultiProof.decode(r, maxLeaves * Math.max(1, depth));
    return new ShadowLinkProof(rows, paths);
  }

  public static ShadowLinkProof decode(byte[] bytes, PcsParams params, int weightVars)
      throws InvalidProofException {
    ByteReader r = new ByteReader(bytes);
    ShadowLinkProof p = decode(r, params, weightVars);
    r.finish();
    return p;
  }

  public int encodedSize() {
    return 4 + 8 * rows.length + paths.encodedSize();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShadowLinkProof p && Arrays.equals(rows, p.rows) && paths.equals(p.paths);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(rows) + paths.hashCode();
  }

  @Override
  public String toString() {
    return "ShadowLinkProof[rows="
        + rows.length
        + " elements, siblings="
        + paths.siblings().size()
        + "]";
  }
}
