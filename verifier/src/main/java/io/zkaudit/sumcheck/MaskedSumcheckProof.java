package io.zkaudit.sumcheck;

import io.zkaudit.codec.ByteReader;
import io.zkaudit.codec.ByteWriter;
import io.zkaudit.field.Ext2;
import io.zkaudit.proof.InvalidProofException;

/**
 * A zero-knowledge sumcheck proof (see {@link SumcheckVerifier#verifyMasked}): the rounds of the
 * masked polynomial f + rho g, with the mask's sum G (sent before rho is drawn) and its value g(r)
 * at the final point, which the caller checks against the mask's commitment.
 *
 * <p>Encoding: the inner proof, then G and g(r).
 */
public record MaskedSumcheckProof(SumcheckProof proof, Ext2 maskSum, Ext2 maskEval) {
  public void encode(ByteWriter w) {
    proof.encode(w);
    w.ext(maskSum).ext(maskEval);
  }

  public static MaskedSumcheckProof decode(ByteReader r) throws InvalidProofException {
    SumcheckProof p = SumcheckProof.decode(r);
    return new MaskedSumcheckProof(p, r.ext("mask sum"), r.ext("mask evaluation"));
  }
}
