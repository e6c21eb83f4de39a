package io.zkaudit.prover.accuracy;

import io.zkaudit.accuracy.ArgmaxCountProof;
import io.zkaudit.accuracy.ArgmaxCountStatement;
import io.zkaudit.accuracy.ArgmaxLayout;
import io.zkaudit.accuracy.ArgmaxRelations;
import io.zkaudit.accuracy.ColumnEvaluation;
import io.zkaudit.field.Ext2;
import io.zkaudit.field.ExtVector;
import io.zkaudit.poly.Mle;
import io.zkaudit.prover.sumcheck.SumcheckProver;
import io.zkaudit.prover.sumcheck.VirtualPolynomial;
import io.zkaudit.prover.zk.MaskSupply;
import io.zkaudit.prover.zk.SumcheckMasks;
import io.zkaudit.sumcheck.MaskPolynomial;
import io.zkaudit.transcript.Transcript;
import java.util.ArrayList;
import java.util.List;

/**
 * Proves the argmax-and-count gadget ({@link io.zkaudit.accuracy.ArgmaxCountVerifier}): draws the
 * point and the batching weight, builds the public tables, and runs the one sumcheck of the batched
 * relations ({@link ArgmaxRelations}), masked when a mask is given. The caller has committed the
 * selector, maximum and gap (and the mask) and absorbed the commitments; it opens the claims this
 * returns and includes the gap in its range lookup ({@link ArgmaxLayout#gapGroup}).
 */
public final class ArgmaxCountProver {
  private ArgmaxCountProver() {}

  /** The proof and the evaluation claims it leaves (logits, selector, maximum, gap). */
  public record Output(ArgmaxCountProof proof, List<ColumnEvaluation> claims) {
    public Output {
      claims = List.copyOf(claims);
    }

    public ColumnEvaluation claim(ColumnEvaluation.Column column) {
      return claims.get(column.ordinal());
    }
  }

  /**
   * @param mask the Libra mask of this sumcheck (kb + nb variables, degree 3), committed before;
   *     null for a proof without zero knowledge
   */
  public static Output prove(
      ArgmaxCountStatement statement,
      ArgmaxColumns columns,
      Transcript transcript,
      MaskPolynomial mask) {
    return prove(statement, columns, statement.labelTable(), transcript, mask);
  }

  /**
   * The same inside a proof: the mask, in zero knowledge, is the proof's next one (a sumcheck of kb
   * + nb variables and round degree 3 in its mask schedule).
   */
  public static Output prove(
      ArgmaxCountStatement statement,
      ArgmaxColumns columns,
      long[] labelTable,
      Transcript transcript,
      SumcheckMasks masks) {
    MaskPolynomial mask =
        switch (masks) {
          case SumcheckMasks.Plain p -> null;
          case MaskSupply s ->
              s.next(
                  statement.layout().numVars(),
                  ArgmaxRelations.composition(Ext2.ONE, statement.layout().classBits())
                      .roundDegree(false));
        };
    return prove(statement, columns, labelTable, transcript, mask);
  }

  /**
   * The same with the label table given: the committed one when the statement's labels are
   * committed (the prover knows them once revealed), else the statement's; a test's cheating prover
   * passes another one (and is caught by the verifier's own evaluation of it).
   */
  public static Output prove(
      ArgmaxCountStatement statement,
      ArgmaxColumns columns,
      long[] labelTable,
      Transcript transcript,
      MaskPolynomial mask) {
    ArgmaxLayout layout = statement.layout();
    columns.checked(layout);
    int n = layout.numVars();
    statement.absorb(transcript);
    Ext2[] r = transcript.challengeExts(ArgmaxRelations.POINT, n);
    Ext2 lambda = transcript.challengeExt(ArgmaxRelations.LAMBDA);

    VirtualPolynomial vp = new VirtualPolynomial(n);
    // Table order: ArgmaxRelations' indices.
    vp.addBase(columns.selector());
    vp.addBase(columns.logits());
    vp.addBase(columns.gap());
    vp.addBase(perClass(layout, columns.max()));
    vp.addBase(labelTable);
    for (long[] t : publicTables(layout, r)) {
      vp.addExt(t);
    }
    vp.addBase(box(layout));
    vp.addTerms(ArgmaxRelations.composition(lambda, layout.classBits()));
    Ext2 claim = ArgmaxRelations.claim(statement, r, lambda);

    // The proof sends the committed tables' values (and the labels' if committed), not the public
    // tables', which the verifier evaluates itself.
    SumcheckProver.OpenEndOutput out =
        SumcheckProver.provePublicTail(
            vp, claim, mask, ArgmaxRelations.sentTables(statement), transcript);
    Ext2[] point = out.point();
    Ext2[] values = out.evaluations();
    ArgmaxCountProof proof =
        new ArgmaxCountProof(
            out.proof(), mask == null ? new Ext2[0] : new Ext2[] {out.maskSum(), out.maskEval()});
    List<ColumnEvaluation> claims = new ArrayList<>();
    claims.add(
        new ColumnEvaluation(
            ColumnEvaluation.Column.LOGITS, point, values[ArgmaxRelations.LOGITS]));
    claims.add(
        new ColumnEvaluation(
            ColumnEvaluation.Column.SELECTOR, point, values[ArgmaxRelations.SELECTOR]));
    claims.add(
        new ColumnEvaluation(
            ColumnEvaluation.Column.MAX, layout.samplePart(point), values[ArgmaxRelations.MAX]));
    claims.add(
        new ColumnEvaluation(ColumnEvaluation.Column.GAP, point, values[ArgmaxRelations.GAP]));
    if (statement.labelsCommitted()) {
      claims.add(
          new ColumnEvaluation(
              ColumnEvaluation.Column.LABELS, point, values[ArgmaxRelations.LABELS]));
    }
    return new Output(proof, claims);
  }

  /** The box's indicator. */
  static long[] box(ArgmaxLayout layout) {
    long[] t = new long[layout.size()];
    for (int i = 0; i < t.length; i++) {
      t[i] = layout.isReal(i) ? 1 : 0;
    }
    return t;
  }

  /** m extended over the class variables: m̂(b, j) = m(b), whose MLE at (σ_j, σ_b) is m(σ_b). */
  static long[] perClass(ArgmaxLayout layout, long[] max) {
    long[] t = new long[layout.size()];
    for (int i = 0; i < t.length; i++) {
      t[i] = max[i >>> layout.classBits()];
    }
    return t;
  }

  /**
   * The public tables E, E', E_b, G (extension, interleaved) at the point r, in {@link
   * ArgmaxRelations} order; zero outside the box (E, E') or the real samples (E_b, G).
   */
  static List<long[]> publicTables(ArgmaxLayout layout, Ext2[] r) {
    int size = layout.size();
    int kb = layout.classBits();
    long[] eq = Mle.eqTable(r);
    long[] eqRow = Mle.eqTable(layout.samplePart(r));
    long[] eqClass = Mle.eqTable(layout.classPart(r));
    // W(k) = [k < K] Σ_{j < k} eq(r_j, j): the folded strict-prefix indicator of the gap's t.
    Ext2[] below = new Ext2[layout.paddedClasses()];
    Ext2 prefix = Ext2.ZERO;
    for (int k = 0; k < below.length; k++) {
      below[k] = k < layout.classes() ? prefix : Ext2.ZERO;
      prefix = prefix.add(ExtVector.get(eqClass, k));
    }
    long[] eqBox = new long[2 * size];
    long[] rowBox = new long[2 * size];
    long[] rowSample = new long[2 * size];
    long[] belowRow = new long[2 * size];
    for (int x = 0; x < size; x++) {
      int b = x >>> kb;
      int j = x & (layout.paddedClasses() - 1);
      if (b >= layout.samples()) {
        continue;
      }
      Ext2 row = ExtVector.get(eqRow, b);
      ExtVector.set(rowSample, x, row);
      ExtVector.set(belowRow, x, row.mul(below[j]));
      if (j < layout.classes()) {
        ExtVector.set(eqBox, x, ExtVector.get(eq, x));
        ExtVector.set(rowBox, x, row);
      }
    }
    return List.of(eqBox, rowBox, rowSample, belowRow);
  }
}
