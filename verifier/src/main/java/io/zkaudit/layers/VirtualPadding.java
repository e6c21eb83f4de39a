package io.zkaudit.layers;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;

/**
 * What a virtual column holds on the padded positions of its box in a zero-knowledge proof, so that
 * the value the verifier derives for it at a point is masked (docs/zero-knowledge.md,
 * "Virtual-column padding"). A virtual column is one the rounding lookup reads but no commitment
 * holds: a linear layer's accumulator, a max pool's window selections, a concatenation's shifted
 * inputs. The verifier derives its value at the lookup's point (the accumulator as a(ρ) = v[2] +
 * c1(ρ), the others straight from the lookup) and hands it to the layer's sumcheck, so soundness
 * makes it the true value of the column's multilinear extension.
 *
 * <p>If the column were the layer's formula A(x) everywhere, A(ρ) = Σ_x eq(ρ, x) A(x) would be a
 * linear functional of the layer's hidden inputs (the weights, for a first layer, whose input the
 * buyer chooses; the activations otherwise), one per proof: enough proofs solve for them. The
 * lookup reads real positions only, so the padded ones are free. A zero-knowledge proof sets them
 * to
 *
 * <pre>  a(x) = A(x) + pad(x)·(m1 + m2·x_0),</pre>
 *
 * pad the indicator of the box's padding, x_0 the index's lowest bit, and m1, m2 two uniform
 * base-field elements drawn afresh for each proof and held in the mask column (one block, the
 * extension constant m1 + u·m2). Then a(ρ) = A(ρ) + P·m1 + Q·m2 with P = pad~(ρ) and Q = ρ_0 ·
 * pad~(1, ρ_1, ...), and P, Q are linearly independent over the base field except with negligible
 * probability (the padding of a zero-knowledge layout holds indices of both parities), so a(ρ) is
 * uniform in the extension whatever the layer's inputs. Two scalars, because one base-field scalar
 * times P covers a line of the two-dimensional extension and would leave the other coordinate of
 * A(ρ) in the clear. The layer's sumcheck proves a(ρ) − (P·m1 + Q·m2) = A(ρ) without the verifier
 * learning m1 or m2: the prover spreads P·m1 + Q·m2 over the hypercube as an offset, and the
 * verifier carries its share into the layer's combined mask claim.
 *
 * <p>Soundness is untouched: the real positions of a are still A's, and m1, m2 are committed (in
 * the mask column) before ρ is drawn.
 */
public final class VirtualPadding {
  private VirtualPadding() {}

  /** P = pad~(ρ) and Q = (pad·x_0)~(ρ): the weights of m1 and m2 in a(ρ). */
  public record Coefficients(Ext2 ofFirst, Ext2 ofSecond) {
    /** P·m1 + Q·m2 for the scalars held as the extension element m1 + u·m2. */
    public Ext2 value(Ext2 scalars) {
      return ofFirst.mul(Ext2.of(scalars.c0())).add(ofSecond.mul(Ext2.of(scalars.c1())));
    }

    public Coefficients scaled(Ext2 factor) {
      return new Coefficients(ofFirst.mul(factor), ofSecond.mul(factor));
    }
  }

  public static Coefficients at(TensorLayout out, Ext2[] rho) {
    if (rho.length != out.numVars()) {
      throw new IllegalArgumentException(
          "a point of " + rho.length + " variables on a layout of " + out.numVars());
    }
    if (rho.length == 0) {
      return new Coefficients(Ext2.ZERO, Ext2.ZERO); // one entry, real: no padding
    }
    Ext2 first = padding(out, rho);
    Ext2[] lowBitOne = rho.clone();
    lowBitOne[0] = Ext2.ONE;
    Ext2 second = rho[0].mul(padding(out, lowBitOne));
    return new Coefficients(first, second);
  }

  /**
   * pad~(point) = 1 − box~(point), the box the product of one range per dimension (channels
   * lowest).
   */
  private static Ext2 padding(TensorLayout out, Ext2[] point) {
    return Ext2.ONE.sub(box(out, point));
  }

  /**
   * box~(point): the MLE of the indicator of a layout's real entries, the product of one range per
   * dimension (channels lowest).
   */
  public static Ext2 box(TensorLayout out, Ext2[] point) {
    return RangeMask.evaluate(out.channels(), Points.slice(point, 0, out.cBits()))
        .mul(RangeMask.evaluate(out.width(), Points.slice(point, out.cBits(), out.wBits())))
        .mul(
            RangeMask.evaluate(
                out.height(), Points.slice(point, out.cBits() + out.wBits(), out.hBits())));
  }

  /** The prover's side: adds m1 + m2·x_0 to every padded entry of a virtual column's table. */
  public static void addTo(TensorLayout out, long[] acc, Ext2 scalars) {
    if (acc.length != out.paddedSize()) {
      throw new IllegalArgumentException(
          "a column of " + acc.length + " entries on a layout of " + out.paddedSize());
    }
    long m1 = scalars.c0();
    long m1PlusM2 = Goldilocks.add(m1, scalars.c1());
    for (int i = 0; i < acc.length; i++) {
      if (!out.isReal(i)) {
        acc[i] = Goldilocks.add(acc[i], (i & 1) == 0 ? m1 : m1PlusM2);
      }
    }
  }
}
