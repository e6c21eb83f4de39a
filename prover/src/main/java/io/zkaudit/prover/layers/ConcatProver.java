package io.zkaudit.prover.layers;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.ExtVector;
import io.zkaudit.layers.ConcatLayer;
import io.zkaudit.layers.ConcatVerifier;
import io.zkaudit.layers.Points;
import io.zkaudit.layers.TensorLayout;
import io.zkaudit.layers.WindowedLinearProof;
import io.zkaudit.poly.Mle;
import io.zkaudit.prover.sumcheck.VirtualPolynomial;
import io.zkaudit.prover.zk.SumcheckMasks;
import io.zkaudit.transcript.Transcript;
import java.util.List;

/**
 * The prover's side of a concatenation ({@link ConcatVerifier}): the virtual tensor V its lookup
 * group reads, and the sumcheck that ties V's claim to the inputs.
 */
public final class ConcatProver {
  private ConcatProver() {}

  /**
   * V over the output's whole padded layout: input k's entry at channel c - off_k, zero on padded
   * channels.
   */
  public static long[] virtual(ConcatLayer p, List<long[]> inputs) {
    TensorLayout out = p.out();
    long[] v = new long[out.paddedSize()];
    for (int k = 0; k < inputs.size(); k++) {
      TensorLayout in = p.inLayouts().get(k);
      long[] x = inputs.get(k);
      int off = p.offsets().get(k);
      // The positions both have: an input with fewer row bits is zero beyond its rows.
      for (int pos = 0; pos < 1 << (out.wBits() + Math.min(out.hBits(), in.hBits())); pos++) {
        for (int c = 0; c < in.channels(); c++) {
          v[(pos << out.cBits()) + off + c] = x[(pos << in.cBits()) + c];
        }
      }
    }
    return v;
  }

  /**
   * Proves V(rho) as sum_k P_k In_k over the common cube. In zero knowledge V was padded with the
   * next pair of padding scalars ({@link io.zkaudit.layers.VirtualPadding}), and the sumcheck is
   * masked with an open end whose offset is their share of V(rho) (ConcatVerifier).
   */
  public static WindowedLinearProof prove(
      ConcatLayer p, Ext2[] rho, List<long[]> inputs, Transcript t, SumcheckMasks masks) {
    return proveOn(
        p, rho, inputs.stream().<LayerInput>map(LayerInput.Single::new).toList(), t, masks);
  }

  /**
   * The same on {@link LayerInput}s (a batch's inputs folded at the batch coordinates of the
   * group's point; rho is then its sample coordinates).
   */
  public static WindowedLinearProof proveOn(
      ConcatLayer p, Ext2[] rho, List<LayerInput> inputs, Transcript t, SumcheckMasks masks) {
    Ext2 scalars = masks.nextPaddingScalars();
    VirtualPolynomial vp = new VirtualPolynomial(p.numVars());
    for (int k = 0; k < inputs.size(); k++) {
      int input = k;
      vp.addExt(selector(p, k, rho));
      switch (inputs.get(k)) {
        case LayerInput.Single one -> vp.addBase(extended(p, k, one.table()));
        case LayerInput.Batch batch ->
            vp.addExt(batch.map(x -> ExtVector.fromBase(extended(p, input, x))));
      }
    }
    vp.addTerms(ConcatVerifier.composition(inputs.size()));
    Ext2 paddingShare = io.zkaudit.layers.VirtualPadding.at(p.out(), rho).value(scalars);
    return PaddedSumcheckProver.prove(vp, paddingShare, masks, t).proof();
  }

  /**
   * Input k on the common cube: zero beyond its channel bits and its rows, read on the output's
   * rows.
   */
  static long[] extended(ConcatLayer p, int k, long[] input) {
    int cb = p.channelBits();
    TensorLayout in = p.inLayouts().get(k);
    int own = in.cBits();
    long[] e = new long[1 << p.numVars()];
    for (int pos = 0; pos < 1 << (p.out().wBits() + Math.min(p.out().hBits(), in.hBits())); pos++) {
      System.arraycopy(input, pos << own, e, pos << cb, 1 << own);
    }
    return e;
  }

  /**
   * P_k(c, x, y) = Sh_k(rc; c) eq(rx, x) eq(ry, y) on the common cube (zero beyond input k's
   * channel bits and rows).
   */
  static long[] selector(ConcatLayer p, int k, Ext2[] rho) {
    TensorLayout out = p.out();
    int cb = p.channelBits();
    long[] shift = ConcatVerifier.shift(p, k).table(Points.slice(rho, 0, out.cBits()));
    long[] spatial = Mle.eqTable(Points.slice(rho, out.cBits(), out.wBits() + out.hBits()));
    long[] table = ExtVector.allocate(1 << p.numVars());
    TensorLayout in = p.inLayouts().get(k);
    int own = in.cBits();
    for (int pos = 0; pos < 1 << (out.wBits() + Math.min(out.hBits(), in.hBits())); pos++) {
      Ext2 s = ExtVector.get(spatial, pos);
      for (int c = 0; c < 1 << own; c++) {
        ExtVector.set(table, (pos << cb) + c, s.mul(ExtVector.get(shift, c)));
      }
    }
    return table;
  }
}
