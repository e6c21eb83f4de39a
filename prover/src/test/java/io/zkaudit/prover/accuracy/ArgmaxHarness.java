package io.zkaudit.prover.accuracy;

import io.zkaudit.accuracy.ArgmaxCountProof;
import io.zkaudit.accuracy.ArgmaxCountStatement;
import io.zkaudit.accuracy.ArgmaxCountVerifier;
import io.zkaudit.accuracy.ArgmaxLayout;
import io.zkaudit.accuracy.ColumnEvaluation;
import io.zkaudit.accuracy.Rejection;
import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.lookup.LogUpProof;
import io.zkaudit.lookup.LogUpVerifier;
import io.zkaudit.lookup.LookupClaims;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.lookup.LookupTable;
import io.zkaudit.pcs.BasefoldVerifier;
import io.zkaudit.pcs.ColumnClaim;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.pcs.OpeningProof;
import io.zkaudit.pcs.PackedLayout;
import io.zkaudit.pcs.PcsParams;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.lookup.LogUpProver;
import io.zkaudit.prover.lookup.LookupWitness;
import io.zkaudit.prover.pcs.BasefoldProver;
import io.zkaudit.prover.pcs.Committed;
import io.zkaudit.sumcheck.MaskPolynomial;
import io.zkaudit.transcript.Transcript;
import io.zkaudit.zk.MaskColumn;
import io.zkaudit.zk.MaskLedger;
import io.zkaudit.zk.ZkRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * The gadget end to end with real components, as the accuracy proof will run it: one Basefold
 * commitment to the logits, selector, maximum, gap, the range lookup's multiplicities and (in zero
 * knowledge) the mask column; the gadget; the gap's 16-bit range lookup (logUp-GKR); one opening of
 * every claim left. The verifier maps each part's failure to its {@link Rejection}.
 *
 * <p>A prover's inputs are what it commits and what it proves with, kept apart so that a cheating
 * prover can commit one table and run the sumcheck on another ({@link Inputs}).
 */
final class ArgmaxHarness {
  private ArgmaxHarness() {}

  static final PcsParams PARAMS = PcsParams.conjectured100();
  private static final String DOMAIN = "zkaudit/test/argmax-count";
  static final int LOGITS = 0;
  static final int SELECTOR = 1;
  static final int MAX = 2;
  static final int GAP = 3;
  static final int MULTIPLICITIES = 4;

  /** Committed labels (a stand-in for the test-set commitment) follow the multiplicities. */
  static final int LABELS = 5;

  /** The mask column comes last. */
  static int maskColumn(ArgmaxCountStatement st) {
    return st.labelsCommitted() ? 6 : 5;
  }

  /**
   * What a prover commits ({@code committed}), proves the relations with ({@code proven}, the same
   * for an honest prover), the label table it proves with, and the range multiplicities (null: the
   * honest count, which needs every gap in range).
   */
  record Inputs(
      ArgmaxCountStatement statement,
      ArgmaxColumns committed,
      ArgmaxColumns proven,
      long[] labelTable,
      long[] multiplicities,
      long[] committedLabels) {
    Inputs(
        ArgmaxCountStatement statement,
        ArgmaxColumns committed,
        ArgmaxColumns proven,
        long[] labelTable,
        long[] multiplicities) {
      this(statement, committed, proven, labelTable, multiplicities, labelTable);
    }

    static Inputs honest(ArgmaxWitness w) {
      return new Inputs(w.statement(), w.columns(), w.columns(), w.statement().labelTable(), null);
    }

    static Inputs of(ArgmaxCountStatement st, ArgmaxColumns columns) {
      return new Inputs(st, columns, columns, st.labelTable(), rangeMultiplicities(st, columns));
    }

    /**
     * The honest witness's proof about committed labels: the statement names no labels, the label
     * table is committed beside the columns (the buyer's test-set commitment, here the prover's).
     */
    static Inputs committedLabels(ArgmaxWitness w) {
      ArgmaxCountStatement st =
          new ArgmaxCountStatement(
              w.statement().layout(),
              new ArgmaxCountStatement.Labels.Committed(),
              w.statement().correct());
      long[] table = w.statement().labelTable();
      return new Inputs(st, w.columns(), w.columns(), table, null, table);
    }
  }

  /** Everything the verifier receives besides the statement. */
  record Bundle(
      Commitment commitment, ArgmaxCountProof gadget, LogUpProof lookup, OpeningProof opening) {
    int gadgetBytes() {
      return gadget.toBytes().length;
    }

    int lookupBytes() {
      return lookup.toBytes().length;
    }

    int openingBytes() {
      return opening.encode().length;
    }
  }

  static LookupStatement rangeLookup(ArgmaxLayout layout) {
    return LookupStatement.of(LookupStatement.Lookup.of(LookupTable.range(16), layout.gapGroup()));
  }

  /** Multiplicities of the real gap entries that are in range (a cheater's: the rest it cannot). */
  static long[] rangeMultiplicities(ArgmaxCountStatement st, ArgmaxColumns c) {
    long[] m = new long[1 << 16];
    ArgmaxLayout layout = st.layout();
    for (int i = 0; i < layout.size(); i++) {
      if (layout.isReal(i) && Long.compareUnsigned(c.gap()[i], 1 << 16) < 0) {
        m[(int) c.gap()[i]]++;
      }
    }
    return m;
  }

  static Bundle prove(Inputs in, ZkRandom zk) {
    ArgmaxLayout layout = in.statement().layout();
    int n = layout.numVars();
    LookupStatement lookup = rangeLookup(layout);
    long[][] gapGroup = {in.committed().gap()};
    long[] mult =
        in.multiplicities() != null
            ? in.multiplicities()
            : LookupWitness.compute(lookup.lookups().getFirst(), List.<long[][]>of(gapGroup))
                .multiplicities();
    LookupWitness witness = new LookupWitness(List.<long[][]>of(gapGroup), mult);
    MaskPolynomial mask = zk == null ? null : zk.mask(n, 3);
    List<long[]> columns = new ArrayList<>();
    columns.add(in.committed().logits());
    columns.add(in.committed().selector());
    columns.add(in.committed().max());
    columns.add(in.committed().gap());
    columns.add(mult);
    if (in.statement().labelsCommitted()) {
      columns.add(in.committedLabels());
    }
    if (mask != null) {
      columns.add(MaskColumn.place(List.of(mask), MaskColumn.numVars(n)));
    }
    BasefoldProver pcs = new BasefoldProver(PARAMS);
    Committed committed = pcs.commit(columns, zk == null ? null : zk::nextField);
    Transcript t = new Transcript(DOMAIN);
    committed.commitment().absorb(t);

    ArgmaxCountProver.Output gadget =
        ArgmaxCountProver.prove(in.statement(), in.proven(), in.labelTable(), t, mask);
    LogUpProver.Output lp = LogUpProver.prove(lookup, List.of(witness), t);
    List<ColumnClaim> maskClaims = new ArrayList<>();
    if (mask != null) {
      Ext2[] point = gadget.claim(ColumnEvaluation.Column.SELECTOR).point();
      maskClaims.add(
          new ColumnClaim(
              maskColumn(in.statement()),
              MaskColumn.terms(MaskColumn.numVars(n), 0, point, Ext2.ONE),
              gadget.proof().masks()[1]));
    }
    OpeningProof opening =
        pcs.openColumns(committed, openingClaims(gadget.claims(), lp.claims(), maskClaims), t);
    return new Bundle(committed.commitment(), gadget.proof(), lp.proof(), opening);
  }

  /** Verifies, each part's failure reported with its reason. */
  static void verify(ArgmaxCountStatement st, Bundle b, boolean zk) throws InvalidProofException {
    ArgmaxLayout layout = st.layout();
    int n = layout.numVars();
    Transcript t = new Transcript(DOMAIN);
    b.commitment().absorb(t);
    MaskLedger ledger = zk ? new MaskLedger(n) : null;
    ArgmaxCountVerifier.Outcome outcome = ArgmaxCountVerifier.verify(st, b.gadget(), t, ledger);
    LookupClaims lookupClaims;
    try {
      lookupClaims =
          LogUpVerifier.verify(
              LookupStatement.of(
                  LookupStatement.Lookup.of(LookupTable.range(16), outcome.gapGroup())),
              b.lookup(),
              t);
    } catch (InvalidProofException e) {
      throw Rejection.GAP_OUT_OF_RANGE.exception(e.getMessage());
    }
    List<ColumnClaim> maskClaims =
        zk ? ledger.claims(maskColumn(st), MaskColumn.numVars(n)) : List.<ColumnClaim>of();
    List<Integer> logSizes = new ArrayList<>(List.of(n, n, layout.sampleBits(), n, 16));
    if (st.labelsCommitted()) {
      logSizes.add(n);
    }
    if (zk) {
      logSizes.add(MaskColumn.numVars(n));
    }
    int[] sizes = logSizes.stream().mapToInt(Integer::intValue).toArray();
    try {
      new BasefoldVerifier(PARAMS)
          .verifyColumns(
              b.commitment(),
              new PackedLayout(sizes),
              openingClaims(outcome.claims(), lookupClaims, maskClaims),
              b.opening(),
              t);
    } catch (InvalidProofException e) {
      throw Rejection.OPENING.exception(e.getMessage());
    }
  }

  /** The claims one opening proves, in one order for both sides. */
  static List<ColumnClaim> openingClaims(
      List<ColumnEvaluation> gadget, LookupClaims lookup, List<ColumnClaim> mask) {
    List<ColumnClaim> out = new ArrayList<>();
    for (ColumnEvaluation e : gadget) {
      int column =
          switch (e.column()) {
            case LOGITS -> LOGITS;
            case SELECTOR -> SELECTOR;
            case MAX -> MAX;
            case GAP -> GAP;
            case LABELS -> LABELS;
          };
      out.add(new ColumnClaim(column, e.point(), e.value()));
    }
    LookupClaims.WitnessClaim w = lookup.witnesses().getFirst().getFirst();
    out.add(new ColumnClaim(GAP, w.point(), w.values()[0]));
    LookupClaims.EvaluationClaim m = lookup.multiplicities().getFirst();
    out.add(new ColumnClaim(MULTIPLICITIES, m.point(), m.value()));
    out.addAll(mask);
    return out;
  }

  /** Proves and verifies; returns the reason of the rejection, or null when accepted. */
  static Rejection outcome(Inputs in, boolean zk, long seed) {
    Bundle b = prove(in, zk ? ZkRandom.seeded(seed) : null);
    try {
      verify(in.statement(), b, zk);
      return null;
    } catch (InvalidProofException e) {
      return Rejection.of(e)
          .orElseThrow(() -> new AssertionError("an untyped rejection: " + e.getMessage(), e));
    }
  }

  static long field(long signed) {
    return Goldilocks.fromSigned(signed);
  }
}
