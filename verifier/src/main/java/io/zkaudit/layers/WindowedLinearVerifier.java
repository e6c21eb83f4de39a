package io.zkaudit.layers;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.sumcheck.Composition;
import io.zkaudit.sumcheck.SumcheckResult;
import io.zkaudit.sumcheck.SumcheckVerifier;
import io.zkaudit.transcript.Transcript;
import java.util.ArrayList;
import java.util.List;

/**
 * Verifies a windowed linear layer: reduces "accumulator MLE at r = v" to claims on the input, the
 * weights and the bias. Phase 1 (taps x channels):
 *
 * <pre>  v - B(rco) = sum_{i,j,ci} (W(i,j,ci,rco) - zw(rco)) G(i,j,ci) [ci < C_in]        (conv)
 *   v - B(rc)  = sum_{i,j,c} eq(rc,c) (W(i,j,c) - zw(c)) G(i,j,c)                       (depthwise)
 * </pre>
 *
 * with G(i,j,c) = sum_{y',x'} Ay(i,y') Ax(j,x') (In(y',x',c) - zin [c < C_in]); phase 2 proves G at
 * the phase-1 point as sum_{y',x'} Ay(rho_i,y') Ax(rho_j,x') In(y',x',rho_c), shifted by the zero
 * point's contribution. Sums (pools, means) have only phase 2, with all taps weighing 1.
 */
public final class WindowedLinearVerifier {
  private WindowedLinearVerifier() {}

  public static final String BIAS = "layer/bias";

  /** Phase-1 composition over tables W, G, M (conv) or W, G, E, Z (depthwise). */
  public static Composition phase1Composition(WindowedLinear spec, Ext2 weightZeroPoint) {
    return switch (spec.kind()) {
      case CONV ->
          Composition.builder(3).term(Ext2.ONE, 0, 1, 2).term(weightZeroPoint.neg(), 1, 2).build();
      case DEPTHWISE ->
          Composition.builder(4).term(Ext2.ONE, 2, 0, 1).term(Ext2.ONE.neg(), 2, 3, 1).build();
      case SUM -> throw new IllegalStateException("a sum has no phase 1");
    };
  }

  /** Phase-2 composition: P(y',x') * In(y',x',rho_c). */
  public static Composition phase2Composition() {
    return Composition.builder(2).term(Ext2.ONE, 0, 1).build();
  }

  /** The MLE of the per-channel weight zero points at a channel point (zero on padding). */
  public static Ext2 zeroPointMle(WindowedLinear spec, Ext2[] channelPoint) {
    int n = spec.out().channels();
    long[] zw = new long[1 << channelPoint.length];
    for (int c = 0; c < n; c++) {
      zw[c] = Goldilocks.fromSigned(spec.weightZeroPoint(c));
    }
    return Mle.evaluate(zw, channelPoint);
  }

  public static List<TensorClaim> verify(
      WindowedLinear spec, Ext2[] r, Ext2 value, WindowedLinearProof proof, Transcript transcript)
      throws InvalidProofException {
    return verify(spec, r, value, proof, transcript, null);
  }

  /**
   * Verifies a zero-knowledge proof when masks is not null: the value is the accumulator with its
   * padding ({@link VirtualPadding}), whose scalars take the layer's first mask-column block; both
   * phases are masked and chained ({@link ChainedPhases}; a sum has phase 2 only), and the weights
   * and bias are read through the proof's weight shadow ({@link ShadowPhase1}): their claims then
   * have one more coordinate, the shadow selector, first.
   */
  public static List<TensorClaim> verify(
      WindowedLinear spec,
      Ext2[] r,
      Ext2 value,
      WindowedLinearProof proof,
      Transcript transcript,
      io.zkaudit.zk.MaskLedger masks)
      throws InvalidProofException {
    if (masks != null) {
      int scalars = masks.reserveScalars();
      VirtualPadding.Coefficients padding = VirtualPadding.at(spec.out(), r);
      // Zero knowledge: the bias is read inside phase 1, through the weight shadow (a sum has
      // none).
      InvalidProofException.check(proof.bias().isZero(), "a zero-knowledge layer sends no bias");
      return spec.kind() == WindowedLinear.Kind.SUM
          ? zeroKnowledgeSum(spec, r, value, proof, transcript, masks, scalars, padding)
          : ChainedPhases.verify(spec, r, value, proof, transcript, masks, scalars, padding);
    }
    InvalidProofException.check(
        proof.masks().length == 0, "layer: " + proof.masks().length + " mask values, expected 0");
    TensorLayout in = spec.in();
    WindowedLinear.OutputPoint op = spec.outputPoint(r);
    Ext2[] rc = op.c();
    Ext2[] rx = op.x();
    Ext2[] ry = op.y();
    List<TensorClaim> claims = new ArrayList<>();
    Ext2 bias = Ext2.ZERO;
    if (spec.hasBias()) {
      bias = proof.bias();
      transcript.absorbExt(BIAS, bias);
      claims.add(new TensorClaim(spec.bias(), rc, bias));
    } else {
      InvalidProofException.check(proof.bias().isZero(), "layer without bias claims a bias");
    }

    Ext2[] rhoI;
    Ext2[] rhoJ;
    Ext2[] rhoC;
    Ext2 phase2Claim;
    if (spec.kind() == WindowedLinear.Kind.SUM) {
      InvalidProofException.check(proof.phase1() == null, "a sum layer has no phase-1 sumcheck");
      rhoI = null;
      rhoJ = null;
      rhoC = rc;
      phase2Claim = value.add(sumZeroPart(spec, ry, rx, rc));
    } else {
      InvalidProofException.check(proof.phase1() != null, "missing phase-1 sumcheck");
      Ext2 zwr = spec.kind() == WindowedLinear.Kind.CONV ? zeroPointMle(spec, rc) : Ext2.ZERO;
      SumcheckResult p1 =
          SumcheckVerifier.verify(
              phase1Composition(spec, zwr),
              null,
              spec.phase1Vars(),
              value.sub(bias),
              proof.phase1(),
              transcript);
      Ext2[] rho = p1.point();
      checkPhase1Tables(spec, rc, rho, p1.evaluations());
      claims.add(
          new TensorClaim(
              spec.weights(),
              spec.kind() == WindowedLinear.Kind.CONV ? Points.concat(rho, rc) : rho,
              p1.evaluation(0)));
      Ext2 g = p1.evaluation(1);
      WindowedLinear.TapPoint taps = spec.tapPoint(rho);
      rhoC = taps.c();
      rhoJ = taps.j();
      rhoI = taps.i();
      phase2Claim = g.add(inputZeroPart(spec, ry, rx, rhoI, rhoJ, rhoC));
    }

    SumcheckResult p2 =
        SumcheckVerifier.verify(
            phase2Composition(), null, spec.phase2Vars(), phase2Claim, proof.phase2(), transcript);
    claims.add(phase2End(spec, ry, rx, rhoI, rhoJ, rhoC, p2.point(), p2.evaluations()));
    return claims;
  }

  /**
   * Checks phase 2's wiring evaluation at its end point sigma (rhoI, rhoJ null for sums) and
   * returns the claim it leaves on the input.
   */
  static TensorClaim phase2End(
      WindowedLinear spec,
      Ext2[] ry,
      Ext2[] rx,
      Ext2[] rhoI,
      Ext2[] rhoJ,
      Ext2[] rhoC,
      Ext2[] sigma,
      Ext2[] evaluations)
      throws InvalidProofException {
    Ext2[] sx = Points.slice(sigma, 0, spec.in().wBits());
    Ext2[] sy = Points.slice(sigma, spec.in().wBits(), spec.in().hBits());
    Ext2 wiring =
        spec.kind() == WindowedLinear.Kind.SUM
            ? spec.rows().evaluateSummedTaps(ry, sy).mul(spec.cols().evaluateSummedTaps(rx, sx))
            : spec.rows().evaluate(ry, rhoI, sy).mul(spec.cols().evaluate(rx, rhoJ, sx));
    InvalidProofException.check(
        evaluations[0].equals(wiring), "layer: wrong window wiring evaluation");
    return new TensorClaim(spec.input(), Points.concat(rhoC, sigma), evaluations[1]);
  }

  /**
   * Checks the public tables of phase 1 at its end point rho (without a shadow variable), tables 2
   * and 3 in both the plain and the shadow composition: the channel mask (conv), or eq(rc, c) and
   * the weight zero points (depthwise).
   */
  static void checkPhase1Tables(WindowedLinear spec, Ext2[] rc, Ext2[] rho, Ext2[] evaluations)
      throws InvalidProofException {
    Ext2[] rhoC = Points.slice(rho, 0, spec.in().cBits());
    if (spec.kind() == WindowedLinear.Kind.CONV) {
      InvalidProofException.check(
          evaluations[2].equals(RangeMask.evaluate(spec.in().channels(), rhoC)),
          "convolution: wrong channel mask evaluation");
    } else {
      InvalidProofException.check(
          evaluations[2].equals(Mle.eq(rc, rhoC)), "depthwise: wrong eq evaluation");
      InvalidProofException.check(
          evaluations[3].equals(zeroPointMle(spec, rhoC)),
          "depthwise: wrong zero-point evaluation");
    }
  }

  /**
   * G's input-zero-point part, moved to phase 2's claim: zin times the window and channel counts at
   * the point.
   */
  static Ext2 inputZeroPart(
      WindowedLinear spec, Ext2[] ry, Ext2[] rx, Ext2[] rhoI, Ext2[] rhoJ, Ext2[] rhoC) {
    return spec.rows()
        .sumOverInput(ry, rhoI)
        .mul(spec.cols().sumOverInput(rx, rhoJ))
        .mul(RangeMask.evaluate(spec.in().channels(), rhoC))
        .mul(Goldilocks.fromSigned(spec.inputZeroPoint()));
  }

  /**
   * A sum's accumulator is the window sum of (In - zin [c < C]): the zero point's part, moved to
   * the claim.
   */
  static Ext2 sumZeroPart(WindowedLinear spec, Ext2[] ry, Ext2[] rx, Ext2[] rc) {
    return spec.rows()
        .windowCount(ry)
        .mul(spec.cols().windowCount(rx))
        .mul(RangeMask.evaluate(spec.in().channels(), rc))
        .mul(Goldilocks.fromSigned(spec.inputZeroPoint()));
  }

  /**
   * A sum (pool, mean) in a zero-knowledge proof: phase 2 alone, masked, with an open end like
   * {@link ChainedPhases}'s: the prover spreads the accumulator padding's share K over the
   * hypercube, and the final claim K / 2^n2 + rho2 g2(sigma) = F2 - P In goes to the mask column as
   * one claim, so neither the window sum at r (a functional of hidden activations) nor g2 is
   * revealed. Proof layout: phase 2 with both evaluations, {@code masks} = [G2].
   */
  private static List<TensorClaim> zeroKnowledgeSum(
      WindowedLinear spec,
      Ext2[] r,
      Ext2 value,
      WindowedLinearProof proof,
      Transcript transcript,
      io.zkaudit.zk.MaskLedger masks,
      int scalars,
      VirtualPadding.Coefficients padding)
      throws InvalidProofException {
    InvalidProofException.check(proof.phase1() == null, "a sum layer has no phase-1 sumcheck");
    InvalidProofException.check(
        proof.masks().length == 1, "layer: " + proof.masks().length + " mask values, expected 1");
    WindowedLinear.OutputPoint op = spec.outputPoint(r);
    PaddedSumcheck.End end =
        PaddedSumcheck.verify(
            phase2Composition(),
            spec.phase2Vars(),
            value.add(sumZeroPart(spec, op.y(), op.x(), op.c())),
            proof,
            transcript,
            masks,
            List.of(new PaddedSumcheck.Padding(scalars, padding)));
    TensorClaim input =
        phase2End(spec, op.y(), op.x(), null, null, op.c(), end.point(), end.evaluations());
    return List.of(input);
  }
}
