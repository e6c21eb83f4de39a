package io.zkaudit.prover.zk;

import io.zkaudit.field.Ext2;
import io.zkaudit.prover.sumcheck.SumcheckProver;
import io.zkaudit.prover.sumcheck.VirtualPolynomial;
import io.zkaudit.transcript.Transcript;
import java.util.List;

/**
 * How a proof's sumchecks are masked: not at all ({@link Plain}), or with the masks of one
 * zero-knowledge proof, drawn before its witness ({@link MaskSupply}). Layer provers take one and
 * never test for null; where a layer's zero-knowledge protocol differs from its plain one (a
 * convolution's chained phases, a virtual column's open end) they switch on the two kinds.
 */
public sealed interface SumcheckMasks permits SumcheckMasks.Plain, MaskSupply {
  /** The masks of a plain proof: none. */
  SumcheckMasks PLAIN = new Plain();

  /**
   * The next pair of padding scalars of a virtual column ({@code io.zkaudit.layers.VirtualPadding})
   * as m1 + u·m2: zero in a plain proof, whose padding is zero.
   */
  Ext2 nextPaddingScalars();

  /**
   * A sumcheck of vp whose claim is its true sum, masked with the next mask if any, appending what
   * the proof sends of the mask (its sum and value) to {@code maskValues}: the GKR layers and the
   * constant addends.
   */
  SumcheckProver.Output prove(
      VirtualPolynomial vp, Ext2 claim, List<Ext2> maskValues, Transcript transcript);

  /** No masks: sumchecks as they are, padding zero. */
  record Plain() implements SumcheckMasks {
    @Override
    public Ext2 nextPaddingScalars() {
      return Ext2.ZERO;
    }

    @Override
    public SumcheckProver.Output prove(
        VirtualPolynomial vp, Ext2 claim, List<Ext2> maskValues, Transcript transcript) {
      return SumcheckProver.prove(vp, claim, transcript);
    }
  }
}
