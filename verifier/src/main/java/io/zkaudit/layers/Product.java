package io.zkaudit.layers;

import io.zkaudit.field.Ext2;
import io.zkaudit.model.Layer;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.Mul;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.poly.Mle;
import io.zkaudit.sumcheck.Composition;

/**
 * A product of two activations (a quantized MUL whose operands the model both computes: a gate
 * x·σ(..), a squeeze-and-excitation scale, a hard-swish x·relu6(x + 3)/6), proven by one sumcheck
 * of degree 3. Its accumulator is acc(x) = (a(x) − za)(b(x) − zb) on the output's real positions,
 * the integer engine's product ({@link Mul}); the rounding lookup then checks the requantization,
 * as for every other layer. Two forms: both factors of the output's shape, or one of them one value
 * per channel broadcast over the other's rows and columns ([1, H, W, C] × [1, 1, 1, C], or a [1, C]
 * vector).
 *
 * <p>The sumcheck runs over the output's variables x (channel bits lowest, {@link TensorLayout})
 * and, above them, the variables t the per-channel factor has beyond its channel bits (none in a
 * plain proof; in a zero-knowledge one its layout's extra height bit, whose upper half is padding):
 *
 * <pre>  acc(ρ) = Σ_{x, t} E(x, t) A(x, t) B(x, t),   E(x, t) = eq(ρ, x) [t = 0]</pre>
 *
 * with, for a factor f of the output's layout, F(x, t) = f(x) − z_f box_f(x), and for a per-channel
 * one F(x, t) = f(x_c, t) − z_f box_f(x_c, t): it reads only the channel coordinates of x, the same
 * bits in both layouts. The zero point is taken off real entries only (box_f, the indicator of f's
 * real entries), so that in a plain proof the product is zero on the output's padding, where the
 * committed factors are. At the end point (σ, τ) the verifier evaluates E itself, eq(ρ, σ) Π (1 −
 * τ_j), and reads the factors' claims: f at σ, or a per-channel f at (σ_c, τ), each value plus z_f
 * box_f there. The per-channel factor is read at τ, not at t = 0, so that in a zero-knowledge proof
 * its evaluation carries its padding's share (at t = 0 it would be a function of its real entries
 * alone and reveal the gate).
 *
 * <p>In a zero-knowledge proof the accumulator is a virtual column like a linear layer's ({@link
 * VirtualPadding}: its padding holds the formula plus m1 + m2·x_0), and the sumcheck is masked with
 * an open end ({@link PaddedSumcheck}).
 */
public record Product(String name, TensorLayout out, Factor a, Factor b) {

  /**
   * A factor: its tensor, its layout in this circuit, its zero point, whether it is per channel.
   */
  public record Factor(int tensor, TensorLayout layout, int zeroPoint, boolean perChannel) {}

  /** Whether a layer is a product of two activations (the form this class proves). */
  public static boolean isProduct(ModelDescription model, Layer layer) {
    return layer instanceof Mul m
        && !model.tensor(m.a()).constant()
        && !model.tensor(m.b()).constant();
  }

  /**
   * The product layer of a MUL of two activations, in a circuit with or without zero knowledge;
   * refused (ModelFormatException) for another broadcast than the two supported forms.
   */
  public static Product of(ModelDescription model, Mul m, boolean zeroKnowledge) {
    if (!isProduct(model, m)) {
      throw new IllegalArgumentException(m.name() + " is not a product of two activations");
    }
    TensorLayout out = TensorLayout.of(model.tensor(m.output()), zeroKnowledge);
    Factor a = factor(model, m, m.a(), m.aZeroPoint(), out, zeroKnowledge);
    Factor b = factor(model, m, m.b(), m.bZeroPoint(), out, zeroKnowledge);
    if (a.perChannel() && b.perChannel()) {
      throw refusal(model, m);
    }
    return new Product(m.name(), out, a, b);
  }

  private static Factor factor(
      ModelDescription model, Mul m, int tensor, int zeroPoint, TensorLayout out, boolean zk) {
    TensorSpec spec = model.tensor(tensor);
    if (!spec.type().isByte()) {
      throw WindowedLinear.unsupported(
          m.name(), "a product of activations of type " + spec.type() + " (8-bit only)");
    }
    TensorLayout layout = TensorLayout.of(spec, zk);
    if (layout.equals(out)) {
      return new Factor(tensor, layout, zeroPoint, false);
    }
    boolean perChannel =
        spec.size() == out.channels()
            && spec.shape().getLast() == out.channels()
            && layout.height() == 1
            && layout.width() == 1
            && layout.cBits() == out.cBits();
    if (!perChannel) {
      throw refusal(model, m);
    }
    return new Factor(tensor, layout, zeroPoint, true);
  }

  private static RuntimeException refusal(ModelDescription model, Mul m) {
    return WindowedLinear.unsupported(
        m.name(),
        "a product of activations of shapes "
            + model.tensor(m.a()).shape()
            + " and "
            + model.tensor(m.b()).shape()
            + " (proven: two of one shape, or a map times one value per channel)");
  }

  /** The per-channel factor's variables beyond its channel bits (t), 0 without one. */
  public int extraVars() {
    Factor f = a.perChannel() ? a : b.perChannel() ? b : null;
    return f == null ? 0 : f.layout().numVars() - f.layout().cBits();
  }

  /** The sumcheck's variables: the output's, then t. */
  public int numVars() {
    return out.numVars() + extraVars();
  }

  /** E · A · B over the tables (E, A, B). */
  public static Composition composition() {
    return Composition.builder(3).term(Ext2.ONE, 0, 1, 2).build();
  }

  /** E at the end point: eq(ρ, σ) Π (1 − τ_j). */
  public Ext2 selector(Ext2[] rho, Ext2[] point) {
    Ext2 e = Mle.eq(rho, Points.slice(point, 0, out.numVars()));
    for (int j = out.numVars(); j < point.length; j++) {
      e = e.mul(Ext2.ONE.sub(point[j]));
    }
    return e;
  }

  /** Where a factor's own table is read at the sumcheck's end point: σ, or (σ_c, τ). */
  public Ext2[] pointOf(Factor f, Ext2[] point) {
    if (!f.perChannel()) {
      return Points.slice(point, 0, out.numVars());
    }
    return Points.concat(
        Points.slice(point, 0, out.cBits()),
        Points.slice(point, out.numVars(), point.length - out.numVars()));
  }

  /** f at its point, from F's value there: F + z_f box_f. */
  public static Ext2 factorValue(Factor f, Ext2[] ownPoint, Ext2 centered) {
    return centered.add(
        VirtualPadding.box(f.layout(), ownPoint)
            .mul(Ext2.of(io.zkaudit.field.Goldilocks.fromSigned(f.zeroPoint()))));
  }
}
