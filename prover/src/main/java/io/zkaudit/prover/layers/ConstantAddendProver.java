package io.zkaudit.prover.layers;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.ExtVector;
import io.zkaudit.layers.ConstantAddend;
import io.zkaudit.layers.TensorLayout;
import io.zkaudit.layers.WindowedLinearProof;
import io.zkaudit.poly.Mle;
import io.zkaudit.prover.sumcheck.SumcheckProver;
import io.zkaudit.prover.sumcheck.VirtualPolynomial;
import io.zkaudit.prover.zk.MaskSupply;
import io.zkaudit.transcript.Transcript;
import java.util.ArrayList;
import java.util.List;

/**
 * The prover's side of {@link ConstantAddend}: the masked sumcheck that proves acc(rho) through the
 * weight shadow.
 */
public final class ConstantAddendProver {
  private ConstantAddendProver() {}

  /**
   * @param input the other side's rescaled input S (the output's layout)
   * @param addend K over the output's channel bits, and mask its shadow half M_K
   * @return the sumcheck as a layer proof with phase 2 only and its two mask values
   */
  public static WindowedLinearProof prove(
      TensorLayout out,
      Ext2[] rho,
      long[] input,
      long[] addend,
      long[] mask,
      MaskSupply masks,
      Transcript transcript) {
    return prove(out, rho, new LayerInput.Single(input), addend, mask, masks, transcript);
  }

  /**
   * The same on a {@link LayerInput} (a batch's S folded at the claim's batch coordinates; rho is
   * then the claim's sample coordinates).
   */
  public static WindowedLinearProof prove(
      TensorLayout out,
      Ext2[] rho,
      LayerInput input,
      long[] addend,
      long[] mask,
      MaskSupply masks,
      Transcript transcript) {
    int n = out.numVars();
    int cMask = (1 << out.cBits()) - 1;
    long[] eq = Mle.eqTable(rho); // interleaved extension entries, 2^n
    long[] e = new long[2 << (n + 1)];
    long[] q = new long[2 << n];
    for (int x = 0; x < 1 << n; x++) {
      // index t + 2x, t = variable 0; E(1, x) = 0.
      e[4 * x] = eq[2 * x];
      e[4 * x + 1] = eq[2 * x + 1];
      q[2 * x] = addend[x & cMask];
      q[2 * x + 1] = mask[x & cMask];
    }
    VirtualPolynomial vp = new VirtualPolynomial(ConstantAddend.numVars(out));
    vp.addExt(e);
    switch (input) {
      case LayerInput.Single one -> vp.addBase(repeatOverT(one.table()));
      // S folded at the batch coordinates: an extension table, S(x) at t = 0 and t = 1.
      case LayerInput.Batch batch -> vp.addExt(batch.map(t -> ExtVector.fromBase(repeatOverT(t))));
    }
    vp.addBase(q);
    vp.addTerms(ConstantAddend.composition());
    List<Ext2> maskValues = new ArrayList<>();
    SumcheckProver.Output o = masks.prove(vp, vp.sum(), maskValues, transcript);
    return new WindowedLinearProof(Ext2.ZERO, null, o.proof(), maskValues.toArray(Ext2[]::new));
  }

  /** S(x) at index t + 2x for t = 0 and 1 (variable 0 is the shadow's t). */
  private static long[] repeatOverT(long[] input) {
    long[] s = new long[2 * input.length];
    for (int x = 0; x < input.length; x++) {
      s[2 * x] = input[x];
      s[2 * x + 1] = input[x];
    }
    return s;
  }
}
