package io.zkaudit.prover.sumcheck;

import io.zkaudit.field.Ext2;
import io.zkaudit.sumcheck.MaskPolynomial;
import io.zkaudit.sumcheck.MaskedSumcheckProof;
import io.zkaudit.sumcheck.RoundPolynomial;
import io.zkaudit.sumcheck.SumcheckProof;
import io.zkaudit.sumcheck.SumcheckVerifier;
import io.zkaudit.transcript.Transcript;

/**
 * The sumcheck prover for a {@link VirtualPolynomial}; the transcript protocol is the one {@link
 * SumcheckVerifier} documents. One driver ({@link #run}) asks a {@link RoundEngine} for f's round
 * polynomial and binds its variables; zero knowledge wraps what is sent ({@link SumcheckMasking}).
 *
 * <p>g(1) is never sent (the verifier derives it from the running claim). The optimisations of the
 * rounds themselves are {@link RoundEngine}'s.
 */
public final class SumcheckProver {
  private SumcheckProver() {}

  /** The proof and what it reduces to: point r and the evaluations f_j(r) (already absorbed). */
  public record Output(SumcheckProof proof, Ext2[] point, Ext2[] evaluations) {
    public Output {
      point = point.clone();
      evaluations = evaluations.clone();
    }

    @Override
    public Ext2[] point() {
      return point.clone();
    }

    @Override
    public Ext2[] evaluations() {
      return evaluations.clone();
    }

    public Ext2 evaluation(int table) {
      return evaluations[table];
    }
  }

  /** Proves {@code sum_x [eq(z,x)] C(f(x)) = claim}; the claim must be the true sum. */
  public static Output prove(VirtualPolynomial vp, Ext2 claim, Transcript transcript) {
    return run(new RoundEngine(vp), claim, new SumcheckMasking.None(), transcript);
  }

  /** A zero-knowledge sumcheck's output: the masked proof, the point and the evaluations. */
  public record MaskedOutput(MaskedSumcheckProof proof, Ext2[] point, Ext2[] evaluations) {}

  /**
   * Proves the same statement in zero knowledge (Libra): the rounds are those of f + rho g for the
   * mask g, which the caller has committed to before; see {@link SumcheckVerifier#verifyMasked}.
   * The mask must have the sumcheck's variables and round degree.
   */
  public static MaskedOutput proveMasked(
      VirtualPolynomial vp, Ext2 claim, MaskPolynomial mask, Transcript transcript) {
    RoundEngine f = RoundEngine.masked(vp, mask);
    SumcheckMasking.Libra m = SumcheckMasking.Libra.closed(mask);
    Output out = run(f, claim, m, transcript);
    return new MaskedOutput(
        new MaskedSumcheckProof(out.proof(), m.maskSum(), m.maskEval()),
        out.point(),
        out.evaluations());
  }

  /**
   * A masked sumcheck with an open end (the prover's side of {@link
   * io.zkaudit.sumcheck.SumcheckVerifier#verifyMaskedOpenEnd}): the proof omits table {@code
   * hiddenTable}'s evaluation (-1: none) and the mask value, and the summed polynomial is f + rho g
   * + offset / 2^n, so the statement's claim is {@code claim + offset} (claim being f's true sum).
   * {@code evaluations} has every table, the hidden one included, and {@code maskEval} is g(point):
   * both for the caller's own end.
   */
  public record OpenEndOutput(
      SumcheckProof proof,
      Ext2 maskSum,
      Ext2 maskWeight,
      Ext2 maskEval,
      Ext2[] point,
      Ext2[] evaluations) {}

  public static OpenEndOutput proveMaskedOpenEnd(
      VirtualPolynomial vp,
      Ext2 claim,
      Ext2 offset,
      MaskPolynomial mask,
      int hiddenTable,
      Transcript transcript) {
    RoundEngine f = RoundEngine.masked(vp, mask);
    SumcheckMasking.Libra m = SumcheckMasking.Libra.openEnd(mask, offset, hiddenTable);
    Output out = run(f, claim, m, transcript);
    return new OpenEndOutput(
        out.proof(), m.maskSum(), m.maskWeight(), m.maskEval(), out.point(), out.evaluations());
  }

  /**
   * A sumcheck whose proof sends the values of the first {@code sentTables} tables only (the rest
   * are public tables the verifier evaluates itself): plain when {@code mask} is null, else masked
   * with a closed end (the mask's value is sent). The verifier's side is {@link
   * SumcheckVerifier#verifyOpenEnd} or {@link SumcheckVerifier#verifyMaskedOpenEnd}, followed by
   * the caller's own final check. The output's evaluations hold every table.
   */
  public static OpenEndOutput provePublicTail(
      VirtualPolynomial vp,
      Ext2 claim,
      MaskPolynomial mask,
      int sentTables,
      Transcript transcript) {
    if (mask == null) {
      Output out =
          run(
              new RoundEngine(vp),
              claim,
              new SumcheckMasking.SentPrefix(new SumcheckMasking.None(), sentTables),
              transcript);
      return new OpenEndOutput(
          out.proof(), Ext2.ZERO, Ext2.ZERO, Ext2.ZERO, out.point(), out.evaluations());
    }
    SumcheckMasking.Libra m = SumcheckMasking.Libra.closed(mask);
    Output out =
        run(
            RoundEngine.masked(vp, mask),
            claim,
            new SumcheckMasking.SentPrefix(m, sentTables),
            transcript);
    return new OpenEndOutput(
        out.proof(), m.maskSum(), m.maskWeight(), m.maskEval(), out.point(), out.evaluations());
  }

  /**
   * The one driver: per round, f's round polynomial, what the masking makes of it, the challenge,
   * the bind; then the evaluations. {@code claim} is f's true sum.
   */
  static Output run(RoundEngine f, Ext2 claim, SumcheckMasking masking, Transcript transcript) {
    transcript.absorbField(SumcheckVerifier.SHAPE, f.n, f.roundDegree);
    transcript.absorbExt(SumcheckVerifier.CLAIM, masking.statedClaim(claim));
    masking.begin(transcript);
    Ext2 current = claim; // the claim on f's sum alone (the eq derivation needs it)
    Ext2[][] rounds = new Ext2[f.n][];
    Ext2[] point = new Ext2[f.n];
    for (int i = 0; i < f.n; i++) {
      Ext2[] message = f.roundPolynomial(i, current);
      rounds[i] = masking.sent(i, message);
      transcript.absorbExt(SumcheckVerifier.ROUND, rounds[i]);
      Ext2 r = transcript.challengeExt(SumcheckVerifier.CHALLENGE);
      point[i] = r;
      current = RoundPolynomial.evaluate(RoundPolynomial.withDerivedOne(message, current), r);
      masking.bind(i, r);
      f.bind(i, r);
    }
    Ext2[] evaluations = f.evaluations();
    Ext2[] sent = masking.sentEvaluations(evaluations);
    transcript.absorbExt(SumcheckVerifier.EVALUATIONS, sent);
    masking.end(point, transcript);
    return new Output(new SumcheckProof(rounds, sent), point, evaluations);
  }
}
