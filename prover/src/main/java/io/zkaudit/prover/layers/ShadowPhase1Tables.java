package io.zkaudit.prover.layers;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.ExtVector;
import io.zkaudit.layers.ShadowPhase1;
import io.zkaudit.layers.WindowedLinear;
import io.zkaudit.poly.Mle;
import io.zkaudit.prover.sumcheck.VirtualPolynomial;

/**
 * The tables of a zero-knowledge phase 1 ({@link ShadowPhase1}): every plain phase-1 table gets the
 * shadow selector t as its lowest variable. The weight and bias tables take the shadow's mask half
 * at t = 1, the input side is zero there, and the public tables are repeated.
 */
final class ShadowPhase1Tables {
  private ShadowPhase1Tables() {}

  /**
   * @param weights the layer's weight table; {@code weightMask} the shadow's mask half in the same
   *     layout
   * @param bias the bias table or null; {@code biasMask} its mask half
   * @param g G(x) over the phase-1 variables (extension table)
   * @param rc the output-channel part of the layer's claim point
   */
  static VirtualPolynomial build(
      WindowedLinear spec,
      long[] weights,
      long[] weightMask,
      long[] bias,
      long[] biasMask,
      long[] g,
      Ext2[] rc) {
    int n1 = spec.phase1Vars();
    VirtualPolynomial vp = new VirtualPolynomial(n1 + 1);
    if (spec.kind() == WindowedLinear.Kind.CONV) {
      vp.addExt(
          interleaveExt(
              WindowedLinearProver.foldHighVariables(weights, n1, rc),
              WindowedLinearProver.foldHighVariables(weightMask, n1, rc)));
      vp.addExt(interleaveExt(g, ExtVector.allocate(1 << n1)));
      long[] mask = WindowedLinearProver.channelMask(spec);
      vp.addBase(interleaveBase(mask, mask));
    } else {
      vp.addBase(interleaveBase(weights, weightMask));
      vp.addExt(interleaveExt(g, ExtVector.allocate(1 << n1)));
      long[] e = WindowedLinearProver.broadcastChannels(spec, Mle.eqTable(rc));
      vp.addExt(interleaveExt(e, e));
      long[] z = WindowedLinearProver.zeroPointTable(spec);
      vp.addBase(interleaveBase(z, z));
    }
    if (spec.hasBias()) {
      Ext2 b = Mle.evaluate(bias, rc);
      Ext2 m = Mle.evaluate(biasMask, rc);
      long[] bt = ExtVector.allocate(2 << n1);
      long[] sel = new long[2 << n1];
      long w = ShadowPhase1.biasWeight(spec);
      for (int x = 0; x < (1 << n1); x++) {
        ExtVector.set(bt, 2 * x, b);
        ExtVector.set(bt, 2 * x + 1, m);
        sel[2 * x] = w;
      }
      vp.addExt(bt);
      vp.addBase(sel);
    }
    vp.addTerms(ShadowPhase1.composition(spec, zeroPoint(spec, rc)));
    return vp;
  }

  private static Ext2 zeroPoint(WindowedLinear spec, Ext2[] rc) {
    return spec.kind() == WindowedLinear.Kind.CONV
        ? io.zkaudit.layers.WindowedLinearVerifier.zeroPointMle(spec, rc)
        : Ext2.ZERO;
  }

  /** t = 0 entries from a, t = 1 from b (extension tables). */
  static long[] interleaveExt(long[] a, long[] b) {
    int n = ExtVector.length(a);
    long[] out = ExtVector.allocate(2 * n);
    for (int x = 0; x < n; x++) {
      out[4 * x] = a[2 * x];
      out[4 * x + 1] = a[2 * x + 1];
      out[4 * x + 2] = b[2 * x];
      out[4 * x + 3] = b[2 * x + 1];
    }
    return out;
  }

  static long[] interleaveBase(long[] a, long[] b) {
    long[] out = new long[2 * a.length];
    for (int x = 0; x < a.length; x++) {
      out[2 * x] = a[x];
      out[2 * x + 1] = b[x];
    }
    return out;
  }
}
