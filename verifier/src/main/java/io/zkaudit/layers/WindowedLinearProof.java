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
public record WindowedLinearProof(
    Ext2 bias, SumcheckProof phase1, SumcheckProof phase2, Ext2[] masks) {
  public WindowedLinearProof {
    masks = masks.clone();
  }

  /** A proof without zero knowledge: no masks. */
  public WindowedLinearProof(Ext2 bias, SumcheckProof phase1, SumcheckProof phase2) {
    this(bias, phase1, phase2, new Ext2[0]);
  }

  /**
   * In a zero-knowledge proof: for a convolution or depthwise layer the two phases' Libra mask sums
   * (their values are opened as one combined claim, {@link ChainedPhases}); for a sum layer its one
   * phase's mask sum and value. Empty otherwise.
   */
  @Override
  public Ext2[] masks() {
    return masks.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WindowedLinearProof p
        && bias.equals(p.bias)
        && java.util.Objects.equals(phase1, p.phase1)
        && phase2.equals(p.phase2)
        && java.util.Arrays.equals(masks, p.masks);
  }

  @Override
  public int hashCode() {
    return bias.hashCode() ^ phase2.hashCode();
  }

  public void encode(ByteWriter w) {
    w.ext(bias);
    w.u8(phase1 == null ? 0 : 1);
    if (phase1 != null) {
      phase1.encode(w);
    }
    phase2.encode(w);
    w.exts(masks);
  }

  public static WindowedLinearProof decode(ByteReader r) throws InvalidProofException {
    Ext2 bias = r.ext("layer bias");
    int flag = r.u8("layer phase-1 flag");
    InvalidProofException.check(flag <= 1, "layer phase-1 flag is " + flag);
    SumcheckProof p1 = flag == 1 ? SumcheckProof.decode(r) : null;
    SumcheckProof p2 = SumcheckProof.decode(r);
    return new WindowedLinearProof(bias, p1, p2, r.exts("layer masks", 4));
  }
}
