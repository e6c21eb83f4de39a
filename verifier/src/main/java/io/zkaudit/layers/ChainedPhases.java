package io.zkaudit.layers;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.sumcheck.Composition;
import io.zkaudit.sumcheck.SumcheckVerifier;
import io.zkaudit.transcript.Transcript;
import io.zkaudit.zk.MaskLedger;
import java.util.ArrayList;
import java.util.List;

/**
 * A convolution or depthwise layer in a zero-knowledge proof: phase 1 over the weight shadow
 * ({@link ShadowPhase1}) and phase 2 chained into one argument, so that the intermediate value
 * G(rho) (a window-weighted sum of the layer's input over real positions only, which no padding
 * masks) is never revealed (docs/zero-knowledge.md, "Chained phases"; Libra's two-phase GKR carries
 * its running claim the same way).
 *
 * <p>Phase 1 ends at (tau, rho) with final value {@code F1 = k G~ + rest + rho1 g1(tau, rho)}: k
 * and rest follow from the sent evaluations (every table but G~), G~ = (1 - tau) G(rho) is not
 * sent, and neither is the mask value g1. So phase 2 starts from
 *
 * <pre>
 *   (F1 - rest) / (k (1 - tau)) + zin part  =  [G(rho) + zin part] + c,   c = rho1 g1 / (k (1 - tau))
 * </pre>
 *
 * and proves it as the sum of P(y) In(y) + c / 2^n2 (the prover spreads c over the hypercube),
 * masked by g2. At its end the verifier knows F2 and P In, and the only thing left is one opening
 * claim on the mask column: {@code rho2 g2(sigma) + rho1 / (k (1 - tau) 2^n2) g1(tau, rho) = F2 - P
 * In}. Neither G(rho), g1 nor g2 is revealed alone. A prover that sends a false value in place of
 * G~ would have to satisfy that claim with values fixed by the mask commitment before any
 * challenge: the soundness is the two sumchecks' plus the opening's, as when G~ is sent.
 *
 * <p>The claim value is the accumulator with its padding ({@link VirtualPadding}): the prover
 * spreads the padding's share K = P·m1 + Q·m2 over phase 1's hypercube as an offset, so F1 holds K
 * / 2^n1 beside ρ1 g1, phase 2 carries both, and the final claim gains the term K / (2^n1 k (1 -
 * tau) 2^n2) on the padding scalars: m1 and m2 are never revealed, and neither is the accumulator's
 * formula at ρ.
 *
 * <p>Proof layout: phase 1's evaluations without G~, phase 2's as usual, and {@code masks} = [G1,
 * G2] (the two mask sums; no mask values).
 */
public final class ChainedPhases {
  private ChainedPhases() {}

  /**
   * @param scalars the mask-column block of this layer's padding scalars
   * @param padding their weights in the accumulator at r
   */
  public static List<TensorClaim> verify(
      WindowedLinear spec,
      Ext2[] r,
      Ext2 value,
      WindowedLinearProof proof,
      Transcript transcript,
      MaskLedger masks,
      int scalars,
      VirtualPadding.Coefficients padding)
      throws InvalidProofException {
    Ext2[] maskSums = proof.masks();
    InvalidProofException.check(
        maskSums.length == 2, "layer: " + maskSums.length + " mask values, expected 2");
    InvalidProofException.check(proof.phase1() != null, "missing phase-1 sumcheck");
    WindowedLinear.OutputPoint op = spec.outputPoint(r);
    Ext2[] rc = op.c();

    Ext2 zwr =
        spec.kind() == WindowedLinear.Kind.CONV
            ? WindowedLinearVerifier.zeroPointMle(spec, rc)
            : Ext2.ZERO;
    Composition c1 = ShadowPhase1.composition(spec, zwr);
    int n1 = ShadowPhase1.numVars(spec);
    SumcheckVerifier.OpenEnd e1 =
        SumcheckVerifier.verifyMaskedOpenEnd(
            n1,
            c1.roundDegree(false),
            value,
            proof.phase1(),
            maskSums[0],
            c1.numTables() - 1,
            transcript);
    int first1 = masks.reserve(n1);
    ShadowPhase1.Outcome o = ShadowPhase1.finish(spec, rc, zwr, e1.point(), e1.evaluations());
    List<TensorClaim> claims = new ArrayList<>(o.claims());
    Ext2 scale = o.inputScale();
    InvalidProofException.check(
        !scale.isZero(), "layer: degenerate phase-1 end (zero input coefficient)");
    Ext2 scaleInv = scale.inv();

    WindowedLinear.TapPoint taps = spec.tapPoint(o.rho());
    Ext2 phase2Claim =
        e1.finalClaim()
            .sub(o.rest())
            .mul(scaleInv)
            .add(
                WindowedLinearVerifier.inputZeroPart(
                    spec, op.y(), op.x(), taps.i(), taps.j(), taps.c()));

    Composition c2 = WindowedLinearVerifier.phase2Composition();
    int n2 = spec.phase2Vars();
    SumcheckVerifier.OpenEnd e2 =
        SumcheckVerifier.verifyMaskedOpenEnd(
            n2,
            c2.roundDegree(false),
            phase2Claim,
            proof.phase2(),
            maskSums[1],
            c2.numTables(),
            transcript);
    int first2 = masks.reserve(n2);
    claims.add(
        WindowedLinearVerifier.phase2End(
            spec, op.y(), op.x(), taps.i(), taps.j(), taps.c(), e2.point(), e2.evaluations()));
    Ext2 spread2 = scaleInv.mul(Ext2.of(Goldilocks.inv(1L << n2)));
    VirtualPadding.Coefficients k = padding.scaled(spread2.mul(Ext2.of(Goldilocks.inv(1L << n1))));
    masks.recordCombined(
        List.of(
            new MaskLedger.MaskValue(first1, e1.point(), e1.maskWeight().mul(spread2)),
            new MaskLedger.MaskValue(first2, e2.point(), e2.maskWeight()),
            new MaskLedger.Scalars(scalars, k.ofFirst(), k.ofSecond())),
        e2.finalClaim().sub(c2.evaluate(e2.evaluations())));
    return claims;
  }
}
