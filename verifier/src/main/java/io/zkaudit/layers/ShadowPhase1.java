package io.zkaudit.layers;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.sumcheck.Composition;
import java.util.ArrayList;
import java.util.List;

/**
 * Phase 1 of a convolution or depthwise layer in a zero-knowledge proof: the weights and the bias
 * are read through the proof's weight shadow Q(t, x), whose half t = 0 is the committed weights and
 * half t = 1 a fresh uniform mask (docs/zero-knowledge.md, "Weights").
 *
 * <p>The sumcheck runs over one more variable, t (variable 0), with the input side zero at t = 1:
 *
 * <pre>  v = sum_{t,x} Q_W(t, x) G~(t, x) M(x) - zw G~ M + Q_B(t) T(t)      (conv; depthwise alike)
 *   G~(0, x) = G(x), G~(1, x) = 0;  T(0) = 2^-n1, T(1) = 0  (Q_B constant in x)</pre>
 *
 * so the sum is the plain phase 1 plus the bias, while at the end point (tau, rho) the weight and
 * bias evaluations are (1 - tau) W + tau M: uniform, whatever the weights. They become claims on
 * the shadow at (tau, rho, rc) and (tau, rc). G~(tau, rho) = (1 - tau) G(rho) is never sent: the
 * final value is affine in it, and phase 2 proves it with phase 1's mask carried along ({@link
 * ChainedPhases}).
 */
public final class ShadowPhase1 {
  private ShadowPhase1() {}

  /** Table order: conv W~, G~, M [, B~, T]; depthwise W~, G~, E, Z [, B~, T]. */
  public static Composition composition(WindowedLinear spec, Ext2 weightZeroPoint) {
    return switch (spec.kind()) {
      case CONV -> {
        var b =
            Composition.builder(spec.hasBias() ? 5 : 3)
                .term(Ext2.ONE, 0, 1, 2)
                .term(weightZeroPoint.neg(), 1, 2);
        yield (spec.hasBias() ? b.term(Ext2.ONE, 3, 4) : b).build();
      }
      case DEPTHWISE -> {
        var b =
            Composition.builder(spec.hasBias() ? 6 : 4)
                .term(Ext2.ONE, 2, 0, 1)
                .term(Ext2.ONE.neg(), 2, 3, 1);
        yield (spec.hasBias() ? b.term(Ext2.ONE, 4, 5) : b).build();
      }
      case SUM -> throw new IllegalStateException("a sum has no phase 1");
    };
  }

  public static int numVars(WindowedLinear spec) {
    return spec.phase1Vars() + 1;
  }

  /** Index of the bias shadow table (the T table follows it). */
  public static int biasTable(WindowedLinear spec) {
    return spec.kind() == WindowedLinear.Kind.CONV ? 3 : 4;
  }

  /**
   * 2^-n1: T's value at t = 0, so that the bias summed over the 2^n1 phase-1 positions counts once.
   */
  public static long biasWeight(WindowedLinear spec) {
    return Goldilocks.inv(1L << spec.phase1Vars());
  }

  /** Index of G~, the one table whose evaluation a zero-knowledge proof never sends. */
  public static final int INPUT_TABLE = 1;

  /**
   * What phase 1 leaves: its point rho (without t), tau, the claims on the shadow, and the final
   * value as an affine function of the unsent G~(tau, rho): {@code coefficient * G~ + rest}.
   */
  public record Outcome(
      Ext2[] rho, Ext2 tau, Ext2 coefficient, Ext2 rest, List<TensorClaim> claims) {
    /** k (1 - tau): what G(rho) is multiplied by in phase 1's final value. */
    public Ext2 inputScale() {
      return coefficient.mul(Ext2.ONE.sub(tau));
    }
  }

  /** The full evaluation list: the sent ones with G~'s slot filled by {@code g}. */
  public static Ext2[] withInput(Ext2[] sent, Ext2 g) {
    Ext2[] all = new Ext2[sent.length + 1];
    all[0] = sent[0];
    all[INPUT_TABLE] = g;
    System.arraycopy(sent, 1, all, 2, sent.length - 1);
    return all;
  }

  /**
   * Checks the public tables' evaluations at the end point and turns the rest into claims.
   *
   * @param rc the output-channel part of the layer's claim point
   * @param sent the evaluations the proof sent: every table but G~
   */
  public static Outcome finish(
      WindowedLinear spec, Ext2[] rc, Ext2 weightZeroPoint, Ext2[] point, Ext2[] sent)
      throws InvalidProofException {
    Ext2 tau = point[0];
    Ext2 keep = Ext2.ONE.sub(tau);
    InvalidProofException.check(!keep.isZero(), "degenerate shadow challenge");
    Ext2[] rho = Points.slice(point, 1, spec.phase1Vars());
    Composition c = composition(spec, weightZeroPoint);
    Ext2 rest = c.evaluate(withInput(sent, Ext2.ZERO));
    Ext2 coefficient = c.evaluate(withInput(sent, Ext2.ONE)).sub(rest);
    WindowedLinearVerifier.checkPhase1Tables(spec, rc, rho, withInput(sent, Ext2.ZERO));
    List<TensorClaim> claims = new ArrayList<>();
    claims.add(
        new TensorClaim(
            spec.weights(),
            spec.kind() == WindowedLinear.Kind.CONV
                ? Points.concat(new Ext2[] {tau}, rho, rc)
                : Points.concat(new Ext2[] {tau}, rho),
            sent[0]));
    if (spec.hasBias()) {
      int b = biasTable(spec) - 1; // in the sent list, G~'s slot is missing
      InvalidProofException.check(
          sent[b + 1].equals(keep.mul(biasWeight(spec))), "layer: wrong bias selector evaluation");
      claims.add(new TensorClaim(spec.bias(), Points.concat(new Ext2[] {tau}, rc), sent[b]));
    }
    return new Outcome(rho, tau, coefficient, rest, claims);
  }
}
