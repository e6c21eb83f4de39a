package io.zkaudit.sumcheck;

import io.zkaudit.field.Ext2;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.transcript.Transcript;

/**
 * Verifies a sumcheck proof of {@code sum_{x in {0,1}^n} [eq(z, x)] * C(f_0(x), ..., f_{m-1}(x)) =
 * claim}.
 *
 * <p>Transcript (the prover does the same, in the same order):
 *
 * <ol>
 *   <li>absorb {@code sumcheck/shape} = (n, D) and {@code sumcheck/claim} = claim;
 *   <li>for each round i = 0..n-1: absorb {@code sumcheck/round} = [g_i(0), g_i(2), .., g_i(D)],
 *       draw r_i = {@code sumcheck/r} (extension); variable i (bit i of a table index) is bound to
 *       r_i;
 *   <li>absorb {@code sumcheck/evaluations} = [f_0(r), ..., f_{m-1}(r)].
 * </ol>
 *
 * Checks: g_i(0) + g_i(1) = claim_i holds by construction (g_i(1) is derived), claim_{i+1} =
 * g_i(r_i), and finally claim_n = eq(z, r) * C(f(r)). Soundness error: D / |F| per round with |F| =
 * p^2 ~ 2^128, so n * D / 2^128 in total (Schwartz-Zippel on each round polynomial).
 */
public final class SumcheckVerifier {
  private SumcheckVerifier() {}

  public static final String SHAPE = "sumcheck/shape";
  public static final String CLAIM = "sumcheck/claim";
  public static final String ROUND = "sumcheck/round";
  public static final String CHALLENGE = "sumcheck/r";
  public static final String EVALUATIONS = "sumcheck/evaluations";

  /**
   * Verifies and returns the point and the claimed evaluations (the caller's obligations).
   *
   * @param eqPoint z for an eq(z, x) factor, or null for none; must have numVars coordinates
   */
  public static SumcheckResult verify(
      Composition composition,
      Ext2[] eqPoint,
      int numVars,
      Ext2 claim,
      SumcheckProof proof,
      Transcript transcript)
      throws InvalidProofException {
    return run(composition, eqPoint, numVars, claim, proof, null, transcript);
  }

  public static final String MASK_SUM = "sumcheck/mask-sum";
  public static final String MASK_WEIGHT = "sumcheck/mask-weight";
  public static final String MASK_EVAL = "sumcheck/mask-eval";

  /**
   * Verifies a zero-knowledge sumcheck (Libra): the prover committed to a mask g beforehand, sends
   * G = sum g, receives rho and proves sum (f + rho g) = claim + rho G. Returns the point and the
   * evaluations like {@link #verify}; the caller has one more obligation: {@code masked.maskEval()}
   * = g(point), to be checked against the mask's commitment. With no variables there is nothing to
   * hide and the proof must carry zero mask values.
   */
  public static SumcheckResult verifyMasked(
      Composition composition,
      Ext2[] eqPoint,
      int numVars,
      Ext2 claim,
      MaskedSumcheckProof masked,
      Transcript transcript)
      throws InvalidProofException {
    return run(composition, eqPoint, numVars, claim, masked.proof(), masked, transcript);
  }

  private static SumcheckResult run(
      Composition composition,
      Ext2[] eqPoint,
      int numVars,
      Ext2 claim,
      SumcheckProof proof,
      MaskedSumcheckProof masked,
      Transcript transcript)
      throws InvalidProofException {
    if (eqPoint != null && eqPoint.length != numVars) {
      throw new IllegalArgumentException(
          "eq point has " + eqPoint.length + " coordinates, expected " + numVars);
    }
    OpenEnd end =
        rounds(
            numVars,
            composition.roundDegree(eqPoint != null),
            claim,
            proof,
            masked == null ? null : masked.maskSum(),
            composition.numTables(),
            transcript);
    Ext2 expected = composition.evaluate(end.evaluations());
    if (eqPoint != null) {
      expected = expected.mul(Mle.eq(eqPoint, end.point()));
    }
    if (masked != null) {
      InvalidProofException.check(
          numVars > 0 || masked.maskEval().isZero(),
          "sumcheck: a sumcheck without variables has no mask");
      transcript.absorbExt(MASK_EVAL, masked.maskEval());
      expected = expected.add(end.maskWeight().mul(masked.maskEval()));
    }
    InvalidProofException.check(
        expected.equals(end.finalClaim()),
        "sumcheck: final claim does not match the claimed evaluations");
    return new SumcheckResult(end.point(), end.evaluations());
  }

  /**
   * What a masked sumcheck with an <b>open end</b> leaves (see {@link #verifyMaskedOpenEnd}): its
   * point, the evaluations the proof sent, the mask weight rho and the final claim, which the
   * caller must check itself.
   */
  public record OpenEnd(Ext2[] point, Ext2[] evaluations, Ext2 maskWeight, Ext2 finalClaim) {}

  /**
   * A zero-knowledge sumcheck whose end the caller checks (docs/zero-knowledge.md, "Chained
   * phases"): the rounds of f + rho g like {@link #verifyMasked}, but the proof sends only {@code
   * sentEvaluations} table values (the caller knows which are missing) and no mask value: the
   * caller ties the final claim to the sent values and to g's value through an opening claim of its
   * own, so that neither a hidden table's value nor g(r) alone is ever revealed.
   *
   * @param degree the round degree of the composition (with its eq factor, if any)
   */
  public static OpenEnd verifyMaskedOpenEnd(
      int numVars,
      int degree,
      Ext2 claim,
      SumcheckProof proof,
      Ext2 maskSum,
      int sentEvaluations,
      Transcript transcript)
      throws InvalidProofException {
    return rounds(numVars, degree, claim, proof, maskSum, sentEvaluations, transcript);
  }

  /**
   * A plain sumcheck whose end the caller checks: the rounds, and the values of the first {@code
   * sentEvaluations} tables (the others being public tables the caller evaluates itself).
   */
  public static OpenEnd verifyOpenEnd(
      int numVars,
      int degree,
      Ext2 claim,
      SumcheckProof proof,
      int sentEvaluations,
      Transcript transcript)
      throws InvalidProofException {
    return rounds(numVars, degree, claim, proof, null, sentEvaluations, transcript);
  }

  /**
   * The rounds and the evaluations (absorbed), without the final check; maskSum null for a plain
   * sumcheck.
   */
  private static OpenEnd rounds(
      int numVars,
      int degree,
      Ext2 claim,
      SumcheckProof proof,
      Ext2 maskSum,
      int numEvaluations,
      Transcript transcript)
      throws InvalidProofException {
    if (numVars < 0 || numVars > SumcheckProof.MAX_ROUNDS) {
      throw new IllegalArgumentException("number of variables out of range: " + numVars);
    }
    InvalidProofException.check(
        proof.numRounds() == numVars,
        "sumcheck: " + proof.numRounds() + " rounds, expected " + numVars);
    transcript.absorbField(SHAPE, numVars, degree);
    transcript.absorbExt(CLAIM, claim);
    Ext2 current = claim;
    Ext2 maskWeight = Ext2.ZERO;
    if (maskSum != null) {
      if (numVars == 0) {
        InvalidProofException.check(
            maskSum.isZero(), "sumcheck: a sumcheck without variables has no mask");
      }
      transcript.absorbExt(MASK_SUM, maskSum);
      maskWeight = transcript.challengeExt(MASK_WEIGHT);
      current = current.add(maskWeight.mul(maskSum));
    }
    Ext2[] point = new Ext2[numVars];
    for (int i = 0; i < numVars; i++) {
      Ext2[] message = proof.round(i);
      InvalidProofException.check(
          message.length == degree,
          "sumcheck round " + i + ": " + message.length + " values, expected " + degree);
      transcript.absorbExt(ROUND, message);
      point[i] = transcript.challengeExt(CHALLENGE);
      current =
          RoundPolynomial.evaluate(RoundPolynomial.withDerivedOne(message, current), point[i]);
    }
    Ext2[] evals = proof.evaluations();
    InvalidProofException.check(
        evals.length == numEvaluations,
        "sumcheck: " + evals.length + " final evaluations, expected " + numEvaluations);
    transcript.absorbExt(EVALUATIONS, evals);
    return new OpenEnd(point, evals, maskWeight, current);
  }
}
