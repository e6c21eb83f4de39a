package io.zkaudit.prover.layers;

import io.zkaudit.field.Ext2;
import io.zkaudit.layers.WindowedLinearProof;
import io.zkaudit.prover.sumcheck.SumcheckProver;
import io.zkaudit.prover.sumcheck.VirtualPolynomial;
import io.zkaudit.prover.zk.MaskSupply;
import io.zkaudit.prover.zk.SumcheckMasks;
import io.zkaudit.transcript.Transcript;

/**
 * The prover's side of a one-phase sumcheck on a virtual column ({@code
 * io.zkaudit.layers.PaddedSumcheck}): plain, or in zero knowledge masked with an open end whose
 * offset is the padding's share K of the claim, spread over the cube, so that the sumcheck proves A
 * + K without revealing K. The layer proof has phase 2 only, and carries the mask sum.
 */
final class PaddedSumcheckProver {
  private PaddedSumcheckProver() {}

  /** The layer proof, and the sumcheck's end: its point and every table's value there. */
  record Result(WindowedLinearProof proof, Ext2[] point, Ext2[] evaluations) {}

  /**
   * Proves vp's sum: plain without masks (the padding share is then zero), else masked with the
   * next mask and {@code paddingShare} as the open end's offset.
   */
  static Result prove(VirtualPolynomial vp, Ext2 paddingShare, SumcheckMasks masks, Transcript t) {
    return switch (masks) {
      case SumcheckMasks.Plain plain -> {
        SumcheckProver.Output o = SumcheckProver.prove(vp, vp.sum(), t);
        yield new Result(
            new WindowedLinearProof(Ext2.ZERO, null, o.proof(), new Ext2[0]),
            o.point(),
            o.evaluations());
      }
      case MaskSupply zk -> {
        SumcheckProver.OpenEndOutput o = zk.proveOpenEnd(vp, vp.sum(), paddingShare, -1, t);
        yield new Result(
            new WindowedLinearProof(Ext2.ZERO, null, o.proof(), new Ext2[] {o.maskSum()}),
            o.point(),
            o.evaluations());
      }
    };
  }
}
