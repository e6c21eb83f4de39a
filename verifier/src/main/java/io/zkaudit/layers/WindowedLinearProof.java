package io.zkaudit.layers;

import io.zkaudit.codec.ByteReader;
import io.zkaudit.codec.ByteWriter;
import io.zkaudit.field.Ext2;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.sumcheck.SumcheckProof;

/**
 * The proof of one windowed linear layer: the bias evaluation the prover claims, the phase-1
 * sumcheck over taps and channels (absent for sums) and the phase-2 sumcheck over input positions.
 */
public record WindowedLinearProof(Ext2 bias, SumcheckProof phase1, SumcheckProof phase2) {

  public void encode(ByteWriter w) {
    w.ext(bias);
    w.u8(phase1 == null ? 0 : 1);
    if (phase1 != null) {
      phase1.encode(w);
    }
    phase2.encode(w);
  }

  public static WindowedLinearProof decode(ByteReader r) throws InvalidProofException {
    Ext2 bias = r.ext("layer bias");
    int flag = r.u8("layer phase-1 flag");
    InvalidProofException.check(flag <= 1, "layer phase-1 flag is " + flag);
    SumcheckProof p1 = flag == 1 ? SumcheckProof.decode(r) : null;
    return new WindowedLinearProof(bias, p1, SumcheckProof.decode(r));
  }
}
