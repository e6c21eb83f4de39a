package io.zkaudit.prover.zk;

import io.zkaudit.inference.MaskSchedule;
import io.zkaudit.sumcheck.MaskPolynomial;
import java.util.ArrayList;
import java.util.List;

/**
 * The Libra masks of one proof, drawn up front (they are committed before the first sumcheck) and
 * handed out in the order the sumchecks run; a sumcheck asking for a mask of another shape is a
 * bug in the schedule, so it fails loudly instead of proving something the verifier rejects.
 */
public final class MaskSupply {
  private final List<MaskPolynomial> masks;
  private int next;

  private MaskSupply(List<MaskPolynomial> masks) {
    this.masks = List.copyOf(masks);
  }

  /** Uniform masks for every sumcheck of the schedule. */
  public static MaskSupply draw(MaskSchedule schedule, ZkRandom random) {
    List<MaskPolynomial> masks = new ArrayList<>();
    for (MaskSchedule.Sumcheck s : schedule.sumchecks()) {
      masks.add(random.mask(s.numVars(), s.degree()));
    }
    return new MaskSupply(masks);
  }

  /** All masks, in order (for the commitment). */
  public List<MaskPolynomial> all() {
    return masks;
  }

  public MaskPolynomial next(int numVars, int degree) {
    if (next >= masks.size()) {
      throw new IllegalStateException("no mask left for a sumcheck of " + numVars + " variables");
    }
    MaskPolynomial m = masks.get(next++);
    if (m.numVars() != numVars || (numVars > 0 && m.degree() != degree)) {
      throw new IllegalStateException("mask " + (next - 1) + " has " + m.numVars() + " variables of degree " + m.degree()
          + ", the sumcheck " + numVars + " of degree " + degree);
    }
    return m;
  }

  public boolean exhausted() {
    return next == masks.size();
  }
}
