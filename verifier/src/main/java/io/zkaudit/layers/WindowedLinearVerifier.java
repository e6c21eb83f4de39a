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
 * Verifies a windowed linear layer: reduces "accumulator MLE at r = v" to claims on the input,
 * the weights and the bias. Phase 1 (taps x channels):
 * <pre>  v - B(rco) = sum_{i,j,ci} (W(i,j,ci,rco) - zw(rco)) G(i,j,ci) [ci < C_in]        (conv)
 *   v - B(rc)  = sum_{i,j,c} eq(rc,c) (W(i,j,c) - zw(c)) G(i,j,c)                       (depthwise)</pre>
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
      case CONV -> Composition.builder(3).term(Ext2.ONE, 0, 1, 2).term(weightZeroPoint.neg(), 1, 2).build();
      case DEPTHWISE -> Composition.builder(4).term(Ext2.ONE, 2, 0, 1).term(Ext2.ONE.neg(), 2, 3, 1).build();
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

  public static List<TensorClaim> verify(WindowedLinear spec, Ext2[] r, Ext2 value, WindowedLinearProof proof,
      Transcript transcript) throws InvalidProofException {
    return verify(spec, r, value, proof, transcript, null);
  }

  /**
   * Verifies a zero-knowledge proof when masks is not null: both phases masked, values recorded in
   * the ledger, and the weights and bias read through the proof's weight shadow ({@link ShadowPhase1}):
   * their claims then have one more coordinate, the shadow selector, first.
   */
  public static List<TensorClaim> verify(WindowedLinear spec, Ext2[] r, Ext2 value, WindowedLinearProof proof,
      Transcript transcript, io.zkaudit.zk.MaskLedger masks) throws InvalidProofException {
    boolean shadow = masks != null && spec.kind() != WindowedLinear.Kind.SUM;
    if (shadow) {
      // Zero knowledge: the bias is read inside phase 1, through the weight shadow.
      InvalidProofException.check(proof.bias().isZero(), "a zero-knowledge layer sends no bias");
      return ChainedPhases.verify(spec, r, value, proof, transcript, masks);
    }
    Ext2[] maskValues = proof.masks();
    InvalidProofException.check(maskValues.length == (masks == null ? 0 : 2),
        "layer: " + maskValues.length + " mask values, expected " + (masks == null ? 0 : 2));
    int[] used = {0};
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
      // a = sum (In - zin [c < C]) over the window: move the zero point's part to the left.
      Ext2 zeroPart = spec.rows().windowCount(ry).mul(spec.cols().windowCount(rx))
          .mul(RangeMask.evaluate(in.channels(), rc)).mul(Goldilocks.fromSigned(spec.inputZeroPoint()));
      phase2Claim = value.add(zeroPart);
    } else {
      InvalidProofException.check(proof.phase1() != null, "missing phase-1 sumcheck");
      Ext2 zwr = spec.kind() == WindowedLinear.Kind.CONV ? zeroPointMle(spec, rc) : Ext2.ZERO;
      SumcheckResult p1 = phase(phase1Composition(spec, zwr), spec.phase1Vars(), value.sub(bias), proof.phase1(),
          maskValues, used, masks, transcript);
      Ext2[] rho = p1.point();
      checkPhase1Tables(spec, rc, rho, p1.evaluations());
      claims.add(new TensorClaim(spec.weights(),
          spec.kind() == WindowedLinear.Kind.CONV ? Points.concat(rho, rc) : rho, p1.evaluation(0)));
      Ext2 g = p1.evaluation(1);
      WindowedLinear.TapPoint taps = spec.tapPoint(rho);
      rhoC = taps.c();
      rhoJ = taps.j();
      rhoI = taps.i();
      phase2Claim = g.add(inputZeroPart(spec, ry, rx, rhoI, rhoJ, rhoC));
    }

    SumcheckResult p2 = phase(phase2Composition(), spec.phase2Vars(), phase2Claim, proof.phase2(), maskValues, used,
        masks, transcript);
    claims.add(phase2End(spec, ry, rx, rhoI, rhoJ, rhoC, p2.point(), p2.evaluations()));
    return claims;
  }

  /**
   * Checks phase 2's wiring evaluation at its end point sigma (rhoI, rhoJ null for sums) and returns
   * the claim it leaves on the input.
   */
  static TensorClaim phase2End(WindowedLinear spec, Ext2[] ry, Ext2[] rx, Ext2[] rhoI, Ext2[] rhoJ, Ext2[] rhoC,
      Ext2[] sigma, Ext2[] evaluations) throws InvalidProofException {
    Ext2[] sx = Points.slice(sigma, 0, spec.in().wBits());
    Ext2[] sy = Points.slice(sigma, spec.in().wBits(), spec.in().hBits());
    Ext2 wiring = spec.kind() == WindowedLinear.Kind.SUM
        ? spec.rows().evaluateSummedTaps(ry, sy).mul(spec.cols().evaluateSummedTaps(rx, sx))
        : spec.rows().evaluate(ry, rhoI, sy).mul(spec.cols().evaluate(rx, rhoJ, sx));
    InvalidProofException.check(evaluations[0].equals(wiring), "layer: wrong window wiring evaluation");
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
      InvalidProofException.check(evaluations[2].equals(RangeMask.evaluate(spec.in().channels(), rhoC)),
          "convolution: wrong channel mask evaluation");
    } else {
      InvalidProofException.check(evaluations[2].equals(Mle.eq(rc, rhoC)), "depthwise: wrong eq evaluation");
      InvalidProofException.check(evaluations[3].equals(zeroPointMle(spec, rhoC)),
          "depthwise: wrong zero-point evaluation");
    }
  }

  /** G's input-zero-point part, moved to phase 2's claim: zin times the window and channel counts at the point. */
  static Ext2 inputZeroPart(WindowedLinear spec, Ext2[] ry, Ext2[] rx, Ext2[] rhoI, Ext2[] rhoJ, Ext2[] rhoC) {
    return spec.rows().sumOverInput(ry, rhoI).mul(spec.cols().sumOverInput(rx, rhoJ))
        .mul(RangeMask.evaluate(spec.in().channels(), rhoC)).mul(Goldilocks.fromSigned(spec.inputZeroPoint()));
  }

  /** One phase's sumcheck, masked (taking the next mask values) when there is a ledger. */
  private static SumcheckResult phase(io.zkaudit.sumcheck.Composition comp, int numVars, Ext2 claim,
      io.zkaudit.sumcheck.SumcheckProof proof, Ext2[] maskValues, int[] used, io.zkaudit.zk.MaskLedger masks,
      Transcript transcript) throws InvalidProofException {
    if (masks == null) {
      return SumcheckVerifier.verify(comp, null, numVars, claim, proof, transcript);
    }
    int k = used[0];
    used[0] += 2;
    return masks.verify(comp, null, numVars, claim, proof, maskValues[k], maskValues[k + 1], transcript);
  }
}
