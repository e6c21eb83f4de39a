package io.zkaudit.accuracy;

import io.zkaudit.codec.ByteReader;
import io.zkaudit.codec.ByteWriter;
import io.zkaudit.field.Ext2;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.sumcheck.SumcheckProof;
import java.util.Arrays;

/**
 * The gadget's proof: one round, {@code relations}, the sumcheck of the five batched relations
 * ({@link ArgmaxRelations}) over the (class, sample) hypercube, with the nine tables' values at its
 * end; and in a zero-knowledge proof its Libra mask's sum and value ({@code masks} = [G, g(σ)],
 * empty otherwise).
 *
 * <p>Encoding: the sumcheck proof, then the mask values as a length-prefixed extension list.
 */
public record ArgmaxCountProof(SumcheckProof relations, Ext2[] masks) {
  public ArgmaxCountProof {
    masks = masks.clone();
  }

  @Override
  public Ext2[] masks() {
    return masks.clone();
  }

  public boolean masked() {
    return masks.length != 0;
  }

  public void encode(ByteWriter w) {
    relations.encode(w);
    w.exts(masks);
  }

  public byte[] toBytes() {
    ByteWriter w = new ByteWriter();
    encode(w);
    return w.toByteArray();
  }

  public static ArgmaxCountProof decode(ByteReader r) throws InvalidProofException {
    SumcheckProof relations = SumcheckProof.decode(r);
    return new ArgmaxCountProof(relations, r.exts("argmax/count masks", 2));
  }

  public static ArgmaxCountProof fromBytes(byte[] bytes) throws InvalidProofException {
    ByteReader r = new ByteReader(bytes);
    ArgmaxCountProof p = decode(r);
    r.finish();
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ArgmaxCountProof p
        && p.relations.equals(relations)
        && Arrays.equals(p.masks, masks);
  }

  @Override
  public int hashCode() {
    return 31 * relations.hashCode() + Arrays.hashCode(masks);
  }
}
