package io.zkaudit.layers;

import io.zkaudit.field.Ext2;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.sumcheck.Composition;
import io.zkaudit.sumcheck.SumcheckResult;

/**
 * An ADD with a constant, per-channel operand K in a zero-knowledge proof. Its accumulator is
 * acc(x) = S(x) + K(x_c) everywhere (padding included), S the other side's rescaled input. Sending
 * S(rho) would let the verifier compute K(rc) = acc(rho) - S(rho): each is masked, their difference
 * is not. So acc(rho) is proven by a masked sumcheck over the shadow variable t and the output's
 * variables x (docs/zero-knowledge.md, "What still leaks" 1):
 *
 * <pre>  acc(rho) = sum_{t,x} (1 - t) eq(rho, x) [S(x) + Q_K(t, x_c)]</pre>
 *
 * with Q_K the weight shadow's column of K (t = 0: K, t = 1: its fresh mask), so that at the end
 * point (tau, sigma) it leaves S(sigma), masked by S's padding, and Q_K(tau, sigma_c) = (1 - tau) K
 * + tau M_K, uniform, as the bias is in {@link ShadowPhase1}.
 *
 * <p>Tables (t is variable 0): E(t, x) = (1 - t) eq(rho, x), S(x), Q_K(t, x_c); composition E S + E
 * Q.
 */
public final class ConstantAddend {
  private ConstantAddend() {}

  public static Composition composition() {
    return Composition.builder(3).term(Ext2.ONE, 0, 1).term(Ext2.ONE, 0, 2).build();
  }

  public static int numVars(TensorLayout out) {
    return out.numVars() + 1;
  }

  /**
   * What the sumcheck leaves: sigma (without t), tau, and the values of S and of the shadowed
   * addend.
   */
  public record Outcome(Ext2[] sigma, Ext2 tau, Ext2 input, Ext2 addend) {}

  /**
   * Checks E's value at the end point (public: (1 - tau) eq(rho, sigma)) and reads the other two.
   */
  public static Outcome finish(Ext2[] rho, SumcheckResult r) throws InvalidProofException {
    Ext2[] point = r.point();
    Ext2 tau = point[0];
    Ext2[] sigma = Points.slice(point, 1, point.length - 1);
    InvalidProofException.check(
        r.evaluation(0).equals(Ext2.ONE.sub(tau).mul(Mle.eq(rho, sigma))),
        "constant addend: wrong selector evaluation");
    return new Outcome(sigma, tau, r.evaluation(1), r.evaluation(2));
  }
}
