package io.zkaudit.prover.layers;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.layers.Product;
import io.zkaudit.layers.TensorLayout;
import io.zkaudit.layers.VirtualPadding;
import io.zkaudit.layers.WindowedLinearProof;
import io.zkaudit.poly.Mle;
import io.zkaudit.prover.sumcheck.VirtualPolynomial;
import io.zkaudit.prover.zk.SumcheckMasks;
import io.zkaudit.transcript.Transcript;
import java.util.Arrays;

/**
 * The prover's side of a product of two activations ({@link Product}, verified by {@code
 * io.zkaudit.layers.ProductVerifier}): the accumulator column the rounding lookup reads, and the
 * sumcheck of degree 3 that ties its value at ρ to the two factors.
 */
public final class ProductProver {
  private ProductProver() {}

  /**
   * The accumulator over the output's padded layout: A(x, 0)·B(x, 0), so (a − za)(b − zb) on real
   * positions and, in a plain proof, zero on padding (where the committed factors are zero). A
   * zero-knowledge witness adds its padding scalars to it ({@link VirtualPadding#addTo}).
   */
  public static long[] accumulator(Product p, long[] a, long[] b) {
    long[] ca = centered(p, p.a(), a);
    long[] cb = centered(p, p.b(), b);
    long[] acc = new long[p.out().paddedSize()];
    for (int x = 0; x < acc.length; x++) {
      acc[x] = Goldilocks.mul(ca[x], cb[x]);
    }
    return acc;
  }

  /**
   * Proves acc(ρ) as Σ E·A·B over the product's cube; in zero knowledge the accumulator was padded
   * with the next pair of padding scalars, whose share of acc(ρ) is the open end's offset.
   */
  public static WindowedLinearProof prove(
      Product p, Ext2[] rho, long[] a, long[] b, SumcheckMasks masks, Transcript transcript) {
    return prove(p, rho, a, b, masks, transcript, new Ext2[0]);
  }

  /**
   * The same in a batch proof: a and b are the batch's tables (samples on top), rho the sample
   * coordinates of the rounding point and rb its batch coordinates; the sumcheck runs over (x, t,
   * b) with E(x, t, b) = eq(ρ, x) [t = 0] eq(rb, b) (ProductVerifier).
   */
  public static WindowedLinearProof prove(
      Product p,
      Ext2[] rho,
      long[] a,
      long[] b,
      SumcheckMasks masks,
      Transcript transcript,
      Ext2[] rb) {
    Ext2 scalars = masks.nextPaddingScalars();
    int samples = 1 << rb.length;
    VirtualPolynomial vp = new VirtualPolynomial(p.numVars() + rb.length);
    // E(x, t) = eq(ρ, x) [t = 0]: t are the high variables, so eq's table followed by zeros.
    long[] e = Arrays.copyOf(Mle.eqTable(rho), 2 << p.numVars());
    if (samples > 1) {
      long[] eb = Mle.eqTable(rb);
      long[] batched = new long[e.length * samples];
      int n = 1 << p.numVars();
      for (int s = 0; s < samples; s++) {
        io.zkaudit.field.Ext2 w = io.zkaudit.field.ExtVector.get(eb, s);
        for (int x = 0; x < n; x++) {
          io.zkaudit.field.ExtVector.set(
              batched, s * n + x, io.zkaudit.field.ExtVector.get(e, x).mul(w));
        }
      }
      e = batched;
    }
    vp.addExt(e);
    vp.addBase(perSample(a, samples, t -> centered(p, p.a(), t)));
    vp.addBase(perSample(b, samples, t -> centered(p, p.b(), t)));
    vp.addTerms(Product.composition());
    Ext2 paddingShare = VirtualPadding.at(p.out(), rho).value(scalars);
    return PaddedSumcheckProver.prove(vp, paddingShare, masks, transcript).proof();
  }

  /** f applied to each sample's slice of a batch's table, the results one after the other. */
  private static long[] perSample(
      long[] table, int samples, java.util.function.UnaryOperator<long[]> f) {
    if (samples == 1) {
      return f.apply(table);
    }
    int size = table.length / samples;
    long[] out = null;
    for (int s = 0; s < samples; s++) {
      long[] part = f.apply(Arrays.copyOfRange(table, s * size, (s + 1) * size));
      if (out == null) {
        out = new long[part.length * samples];
      }
      System.arraycopy(part, 0, out, s * part.length, part.length);
    }
    return out;
  }

  /**
   * A factor's table F over the product's cube (x low, t high): its own entry at x (a per-channel
   * factor at (x_c, t)), less its zero point where that entry is real.
   */
  static long[] centered(Product p, Product.Factor f, long[] table) {
    TensorLayout own = f.layout();
    if (table.length != own.paddedSize()) {
      throw new IllegalArgumentException(
          "factor table of " + table.length + " entries, layout has " + own.paddedSize());
    }
    int n = p.out().numVars();
    int xMask = (1 << n) - 1;
    int cMask = (1 << p.out().cBits()) - 1;
    long z = Goldilocks.fromSigned(f.zeroPoint());
    long[] out = new long[1 << p.numVars()];
    for (int i = 0; i < out.length; i++) {
      int j = f.perChannel() ? (i & cMask) | ((i >>> n) << own.cBits()) : i & xMask;
      out[i] = own.isReal(j) ? Goldilocks.sub(table[j], z) : table[j];
    }
    return out;
  }
}
