package io.zkaudit.prover.zk;

import io.zkaudit.inference.MaskSchedule;
import io.zkaudit.sumcheck.MaskPolynomial;
import io.zkaudit.zk.ZkRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * The Libra masks and accumulator padding scalars of one proof, drawn up front (they are committed
 * before the first sumcheck) and handed out in the order the sumchecks run; a sumcheck asking for a
 * mask of another shape is a bug in the schedule, so it fails loudly instead of proving something
 * the verifier rejects.
 */
public final class MaskSupply implements SumcheckMasks {
  private final List<MaskSchedule.Entry> entries;
  private final List<MaskPolynomial> masks;
  private int next;

  private MaskSupply(List<MaskSchedule.Entry> entries, List<MaskPolynomial> masks) {
    this.entries = List.copyOf(entries);
    this.masks = List.copyOf(masks);
  }

  /**
   * Uniform masks for every sumcheck of the schedule, and uniform padding scalars (a constant
   * polynomial m1 + u·m2 in their block, {@link io.zkaudit.layers.VirtualPadding}).
   */
  public static MaskSupply draw(MaskSchedule schedule, ZkRandom random) {
    List<MaskPolynomial> masks = new ArrayList<>();
    for (MaskSchedule.Entry e : schedule.entries()) {
      masks.add(
          switch (e) {
            case MaskSchedule.Sumcheck s -> random.mask(s.numVars(), s.degree());
            case MaskSchedule.PaddingScalars p -> random.mask(1, 0);
          });
    }
    return new MaskSupply(schedule.entries(), masks);
  }

  /**
   * Every pair of padding scalars (m1 + u·m2), in schedule order: one per linear layer, for the
   * witness.
   */
  public List<io.zkaudit.field.Ext2> paddingScalars() {
    List<io.zkaudit.field.Ext2> out = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i) instanceof MaskSchedule.PaddingScalars) {
        out.add(masks.get(i).coeffs()[0][0]);
      }
    }
    return out;
  }

  /**
   * The next entry, which must be a pair of padding scalars: the linear layer being proven takes
   * it.
   */
  @Override
  public io.zkaudit.field.Ext2 nextPaddingScalars() {
    if (next >= masks.size() || !(entries.get(next) instanceof MaskSchedule.PaddingScalars)) {
      throw new IllegalStateException(
          "entry " + next + " of the mask schedule is not a pair of padding scalars");
    }
    return masks.get(next++).coeffs()[0][0];
  }

  /** All masks, in order (for the commitment). */
  public List<MaskPolynomial> all() {
    return masks;
  }

  public MaskPolynomial next(int numVars, int degree) {
    if (next >= masks.size()) {
      throw new IllegalStateException("no mask left for a sumcheck of " + numVars + " variables");
    }
    if (!(entries.get(next) instanceof MaskSchedule.Sumcheck)) {
      throw new IllegalStateException(
          "entry " + next + " of the mask schedule is not a sumcheck's mask");
    }
    MaskPolynomial m = masks.get(next++);
    if (m.numVars() != numVars || (numVars > 0 && m.degree() != degree)) {
      throw new IllegalStateException(
          "mask "
              + (next - 1)
              + " has "
              + m.numVars()
              + " variables of degree "
              + m.degree()
              + ", the sumcheck "
              + numVars
              + " of degree "
              + degree);
    }
    return m;
  }

  /**
   * Proves a sumcheck of vp with the next mask (the caller's claim must be vp's true sum),
   * appending the mask's sum and value to maskValues: what the GKR layers and the linear-layer
   * phases all do.
   */
  @Override
  public io.zkaudit.prover.sumcheck.SumcheckProver.Output prove(
      io.zkaudit.prover.sumcheck.VirtualPolynomial vp,
      io.zkaudit.field.Ext2 claim,
      java.util.List<io.zkaudit.field.Ext2> maskValues,
      io.zkaudit.transcript.Transcript transcript) {
    MaskPolynomial mask = next(vp.numVars(), vp.composition().roundDegree(vp.eqPoint() != null));
    var out = io.zkaudit.prover.sumcheck.SumcheckProver.proveMasked(vp, claim, mask, transcript);
    maskValues.add(out.proof().maskSum());
    maskValues.add(out.proof().maskEval());
    return new io.zkaudit.prover.sumcheck.SumcheckProver.Output(
        out.proof().proof(), out.point(), out.evaluations());
  }

  /**
   * Proves a sumcheck of vp with the next mask and an open end (see {@link
   * io.zkaudit.prover.sumcheck.SumcheckProver#proveMaskedOpenEnd}); the caller sends the mask sum
   * and ties the end together itself.
   */
  public io.zkaudit.prover.sumcheck.SumcheckProver.OpenEndOutput proveOpenEnd(
      io.zkaudit.prover.sumcheck.VirtualPolynomial vp,
      io.zkaudit.field.Ext2 claim,
      io.zkaudit.field.Ext2 offset,
      int hiddenTable,
      io.zkaudit.transcript.Transcript transcript) {
    MaskPolynomial mask = next(vp.numVars(), vp.composition().roundDegree(vp.eqPoint() != null));
    return io.zkaudit.prover.sumcheck.SumcheckProver.proveMaskedOpenEnd(
        vp, claim, offset, mask, hiddenTable, transcript);
  }

  public boolean exhausted() {
    return next == masks.size();
  }
}
