package io.zkaudit.prover.layers;

import io.zkaudit.field.Ext2;
import io.zkaudit.layers.ChainedPhases;
import io.zkaudit.layers.Points;
import io.zkaudit.layers.ShadowPhase1;
import io.zkaudit.layers.TensorClaim;
import io.zkaudit.layers.WindowedLinear;
import io.zkaudit.layers.WindowedLinearProof;
import io.zkaudit.layers.WindowedLinearVerifier;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.sumcheck.SumcheckProver;
import io.zkaudit.prover.sumcheck.VirtualPolynomial;
import io.zkaudit.prover.zk.MaskSupply;
import io.zkaudit.transcript.Transcript;
import java.util.ArrayList;
import java.util.List;

/**
 * The prover's side of {@link ChainedPhases}: a convolution or depthwise layer in a zero-knowledge
 * proof, phase 1 over the weight shadow without sending G~, phase 2 carrying phase 1's mask value
 * as an offset spread over its hypercube.
 */
final class ChainedPhasesProver {
  private ChainedPhasesProver() {}

  /**
   * @param g the tap-channel table G of phase 1
   * @param rowsTable, colsTable the window predicates at the claim point (phase 2's P)
   * @param paddingShare the accumulator padding's part of the claim at r, P·m1 + Q·m2, spread over
   *     phase 1's hypercube as an offset (ChainedPhases)
   */
  static WindowedLinearProver.Result prove(
      WindowedLinear spec,
      LayerInput input,
      long[] g,
      long[] weights,
      long[] bias,
      WindowedLinearProver.ShadowMasks shadow,
      Ext2[] r,
      long[] rowsTable,
      long[] colsTable,
      MaskSupply masks,
      Ext2 paddingShare,
      Transcript transcript) {
    Ext2[] rc = spec.outputPoint(r).c();
    VirtualPolynomial vp =
        ShadowPhase1Tables.build(spec, weights, shadow.weights(), bias, shadow.bias(), g, rc);
    SumcheckProver.OpenEndOutput p1 =
        masks.proveOpenEnd(vp, vp.sum(), paddingShare, ShadowPhase1.INPUT_TABLE, transcript);
    Ext2 zwr =
        spec.kind() == WindowedLinear.Kind.CONV
            ? WindowedLinearVerifier.zeroPointMle(spec, rc)
            : Ext2.ZERO;
    ShadowPhase1.Outcome o;
    try {
      o = ShadowPhase1.finish(spec, rc, zwr, p1.point(), p1.proof().evaluations());
    } catch (InvalidProofException e) {
      throw new IllegalStateException(
          "the honest phase 1 fails its own check: " + e.getMessage(), e);
    }
    Ext2 scale = o.inputScale();
    if (scale.isZero()) {
      throw new IllegalStateException(
          "degenerate phase-1 end: zero input coefficient (probability ~2^-128)");
    }
    // Phase 1's end holds rho1 g1 and the padding's share K / 2^n1 beside the sent values: phase 2
    // carries both.
    Ext2 offset =
        p1.maskWeight()
            .mul(p1.maskEval())
            .add(paddingShare.mul(Ext2.of(io.zkaudit.field.Goldilocks.inv(1L << vp.numVars()))))
            .mul(scale.inv());
    List<TensorClaim> claims = new ArrayList<>(o.claims());

    WindowedLinear.TapPoint taps = spec.tapPoint(o.rho());
    VirtualPolynomial vp2 =
        WindowedLinearProver.phase2Polynomial(
            spec, input, rowsTable, colsTable, taps.i(), taps.j(), taps.c());
    SumcheckProver.OpenEndOutput p2 = masks.proveOpenEnd(vp2, vp2.sum(), offset, -1, transcript);
    claims.add(
        new TensorClaim(spec.input(), Points.concat(taps.c(), p2.point()), p2.evaluations()[1]));
    WindowedLinearProof proof =
        new WindowedLinearProof(
            Ext2.ZERO, p1.proof(), p2.proof(), new Ext2[] {p1.maskSum(), p2.maskSum()});
    return new WindowedLinearProver.Result(proof, claims);
  }
}
