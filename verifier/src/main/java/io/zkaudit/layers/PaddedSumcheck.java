package io.zkaudit.layers;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.sumcheck.Composition;
import io.zkaudit.sumcheck.SumcheckResult;
import io.zkaudit.sumcheck.SumcheckVerifier;
import io.zkaudit.transcript.Transcript;
import io.zkaudit.zk.MaskLedger;
import java.util.ArrayList;
import java.util.List;

/**
 * The one-phase sumcheck of a layer whose claim is on a virtual column (a sum layer's accumulator,
 * a max pool's window selections, a concatenation's shifted inputs): plain, or, in zero knowledge,
 * masked with an open end.
 *
 * <p>In zero knowledge the claim is a(ρ) = A(ρ) + K, where A is the column's real part and K = Σ_j
 * (P_j m1_j + Q_j m2_j) its padding ({@link VirtualPadding}: the scalar pairs j the layer reserved,
 * with the coefficients P_j, Q_j of the padding at the claims' points). The prover spreads K over
 * the 2^n points of the sumcheck, K / 2^n each, so that nothing in the rounds reveals it; at the
 * end, the final claim minus the composition's value is ρ_g·g(r) + 2^-n K. That one value becomes
 * one opening claim on the mask column, the mask value and every scalar pair its parts ({@link
 * MaskLedger#recordCombined}): neither g(r) nor K is revealed alone.
 */
final class PaddedSumcheck {
  private PaddedSumcheck() {}

  /** Where the sumcheck ended: its point and the tables' values sent there. */
  record End(Ext2[] point, Ext2[] evaluations) {}

  /** A padding scalar pair held in mask block {@code block}, weighing {@code weight} in K. */
  record Padding(int block, VirtualPadding.Coefficients weight) {}

  /**
   * The one-phase sumcheck of a claim at {@code rho} on one virtual column laid out as {@code out}
   * (a concatenation's or a product's): the proof's shape first (no phase 1, no bias, one mask
   * value in zero knowledge, else none), then {@link #verify} with one padding scalar pair reserved
   * for the column.
   *
   * @param what the layer kind, for the rejection of a malformed proof
   */
  static End verifyColumn(
      String what,
      Composition composition,
      int numVars,
      TensorLayout out,
      Ext2[] rho,
      Ext2 claim,
      WindowedLinearProof proof,
      Transcript transcript,
      MaskLedger masks)
      throws InvalidProofException {
    InvalidProofException.check(
        proof.phase1() == null
            && proof.bias().isZero()
            && proof.masks().length == (masks == null ? 0 : 1),
        "malformed " + what + " sumcheck");
    List<Padding> padding =
        masks == null
            ? List.of()
            : List.of(new Padding(masks.reserveScalars(), VirtualPadding.at(out, rho)));
    return verify(composition, numVars, claim, proof, transcript, masks, padding);
  }

  /**
   * Verifies the sumcheck of {@code composition} over {@code numVars} variables from {@code claim}
   * (the proof's phase-2 rounds): plain when {@code masks} is null (then {@code padding} is empty),
   * else masked with the proof's one mask sum, recording the combined mask claim.
   */
  static End verify(
      Composition composition,
      int numVars,
      Ext2 claim,
      WindowedLinearProof proof,
      Transcript transcript,
      MaskLedger masks,
      List<Padding> padding)
      throws InvalidProofException {
    if (masks == null) {
      SumcheckResult r =
          SumcheckVerifier.verify(composition, null, numVars, claim, proof.phase2(), transcript);
      return new End(r.point(), r.evaluations());
    }
    SumcheckVerifier.OpenEnd e =
        SumcheckVerifier.verifyMaskedOpenEnd(
            numVars,
            composition.roundDegree(false),
            claim,
            proof.phase2(),
            proof.masks()[0],
            composition.numTables(),
            transcript);
    Ext2 spread = Ext2.of(Goldilocks.inv(1L << numVars));
    List<MaskLedger.Part> parts = new ArrayList<>();
    parts.add(new MaskLedger.MaskValue(masks.reserve(numVars), e.point(), e.maskWeight()));
    for (Padding p : padding) {
      VirtualPadding.Coefficients share = p.weight().scaled(spread);
      parts.add(new MaskLedger.Scalars(p.block(), share.ofFirst(), share.ofSecond()));
    }
    masks.recordCombined(parts, e.finalClaim().sub(composition.evaluate(e.evaluations())));
    return new End(e.point(), e.evaluations());
  }
}
