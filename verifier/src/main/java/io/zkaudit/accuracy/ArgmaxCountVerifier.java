package io.zkaudit.accuracy;

import io.zkaudit.field.Ext2;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.soundness.RoundError;
import io.zkaudit.sumcheck.Composition;
import io.zkaudit.sumcheck.SumcheckVerifier;
import io.zkaudit.transcript.Transcript;
import io.zkaudit.zk.MaskLedger;
import java.util.ArrayList;
import java.util.List;

/**
 * Verifies the argmax-and-count gadget (package documentation): that {@code correct} samples of the
 * statement have their first maximal logit at their label, given the committed logits, selector,
 * maximum and gap columns.
 *
 * <p>Transcript, after the caller has absorbed the commitments of the selector, maximum and gap
 * columns (and of the mask column and the range lookup's multiplicities in a zero-knowledge proof):
 *
 * <ol>
 *   <li>{@code accuracy/statement} (N, K, the padded sizes, correct) and {@code accuracy/labels};
 *   <li>the point r = {@code accuracy/point} (kb + nb coordinates) and the weight λ = {@code
 *       accuracy/lambda};
 *   <li>the relations' sumcheck (masked, closed end, in a zero-knowledge proof) over kb + nb
 *       variables, round degree 3, from the claim λ·[b &lt; N]~(r_b) + λ⁴·correct; at its end σ the
 *       proof sends the committed tables' values (and the label table's when the labels are
 *       committed), the verifier evaluates the six public tables itself, and checks the
 *       composition.
 * </ol>
 *
 * What it leaves ({@link Outcome}): one evaluation claim on each of the logits, the selector, the
 * maximum and the gap; the gap's group for the caller's 16-bit range lookup; and, in zero
 * knowledge, the mask value recorded in the ledger.
 */
public final class ArgmaxCountVerifier {
  private ArgmaxCountVerifier() {}

  /**
   * What the gadget leaves to its caller: four evaluation claims (logits, selector, maximum, gap,
   * in this order; a fifth on the label table when the labels are committed) and the gap column's
   * range-lookup group.
   */
  public record Outcome(List<ColumnEvaluation> claims, LookupStatement.Group gapGroup) {
    public Outcome {
      claims = List.copyOf(claims);
    }

    public ColumnEvaluation claim(ColumnEvaluation.Column column) {
      return claims.get(column.ordinal());
    }
  }

  /**
   * The gadget's round-by-round soundness errors (for a proof's {@code SoundnessReport}): the point
   * r, at which a false identity's MLE (a nonzero multilinear of n or nb variables) vanishes for at
   * most n or nb bad coordinates' worth of points; the weight λ batching five sums (a degree-4
   * polynomial in λ); each sumcheck round (degree 3); in zero knowledge the mask sum (degree 1 in
   * the mask weight).
   */
  public static List<RoundError> rounds(ArgmaxLayout layout, boolean zeroKnowledge) {
    int n = layout.numVars();
    int nb = layout.sampleBits();
    String p = "argmax/count";
    List<RoundError> out = new ArrayList<>();
    out.add(
        RoundError.algebraic(
            p,
            "r: the zero-checks (A)–(D)",
            2.0 * n + 2.0 * nb,
            "(2n + 2nb)/|F|, n = " + n + ", nb = " + nb));
    out.add(RoundError.algebraic(p, "λ: five relations batched", 4, "4/|F|"));
    out.add(RoundError.algebraic(p, "each sumcheck round", 3, "3/|F| (degree 3)"));
    if (zeroKnowledge) {
      out.add(RoundError.algebraic(p, "the mask weight", 1, "1/|F|"));
    }
    return out;
  }

  /**
   * @param masks the proof's mask ledger, null for a proof without zero knowledge
   */
  public static Outcome verify(
      ArgmaxCountStatement statement,
      ArgmaxCountProof proof,
      Transcript transcript,
      MaskLedger masks)
      throws InvalidProofException {
    ArgmaxLayout layout = statement.layout();
    int n = layout.numVars();
    Rejection.MALFORMED.check(
        proof.masks().length == (masks == null ? 0 : 2),
        proof.masks().length + " mask values, expected " + (masks == null ? 0 : 2));
    Rejection.MALFORMED.check(
        proof.relations().numRounds() == n,
        proof.relations().numRounds() + " rounds, expected " + n);
    int sent = ArgmaxRelations.sentTables(statement);
    Rejection.MALFORMED.check(
        proof.relations().evaluations().length == sent,
        proof.relations().evaluations().length + " values, expected " + sent);

    statement.absorb(transcript);
    Ext2[] r = transcript.challengeExts(ArgmaxRelations.POINT, n);
    Ext2 lambda = transcript.challengeExt(ArgmaxRelations.LAMBDA);
    Composition c = ArgmaxRelations.composition(lambda, layout.classBits());
    Ext2 claim = ArgmaxRelations.claim(statement, r, lambda);
    int degree = c.roundDegree(false);
    SumcheckVerifier.OpenEnd e;
    try {
      e =
          masks == null
              ? SumcheckVerifier.verifyOpenEnd(
                  n, degree, claim, proof.relations(), sent, transcript)
              : SumcheckVerifier.verifyMaskedOpenEnd(
                  n, degree, claim, proof.relations(), proof.masks()[0], sent, transcript);
    } catch (InvalidProofException ex) {
      throw Rejection.MALFORMED.exception(ex.getMessage());
    }
    Ext2[] sigma = e.point();
    // The values: the proof's for the committed tables, the verifier's own for the public ones.
    Ext2[] values = ArgmaxRelations.publicValues(statement, r, sigma);
    Ext2[] sentValues = e.evaluations();
    System.arraycopy(sentValues, 0, values, 0, sent);
    Ext2 expected = c.evaluate(values);
    if (masks != null) {
      // the closed end of a Libra mask: its value is sent, and opened on the mask column
      Ext2 maskEval = proof.masks()[1];
      transcript.absorbExt(SumcheckVerifier.MASK_EVAL, maskEval);
      expected = expected.add(e.maskWeight().mul(maskEval));
      masks.recordCombined(
          List.of(new MaskLedger.MaskValue(masks.reserve(n), sigma, Ext2.ONE)), maskEval);
    }
    Rejection.RELATIONS.check(
        expected.equals(e.finalClaim()), "the final claim does not match the tables' values");
    List<ColumnEvaluation> claims = new ArrayList<>();
    claims.add(
        new ColumnEvaluation(
            ColumnEvaluation.Column.LOGITS, sigma, values[ArgmaxRelations.LOGITS]));
    claims.add(
        new ColumnEvaluation(
            ColumnEvaluation.Column.SELECTOR, sigma, values[ArgmaxRelations.SELECTOR]));
    claims.add(
        new ColumnEvaluation(
            ColumnEvaluation.Column.MAX, layout.samplePart(sigma), values[ArgmaxRelations.MAX]));
    claims.add(
        new ColumnEvaluation(ColumnEvaluation.Column.GAP, sigma, values[ArgmaxRelations.GAP]));
    if (statement.labelsCommitted()) {
      claims.add(
          new ColumnEvaluation(
              ColumnEvaluation.Column.LABELS, sigma, values[ArgmaxRelations.LABELS]));
    }
    return new Outcome(claims, layout.gapGroup());
  }
}
