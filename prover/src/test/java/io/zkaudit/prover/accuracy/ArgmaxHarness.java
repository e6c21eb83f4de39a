package io.zkaudit.prover.accuracy;

import io.zkaudit.accuracy.ArgmaxCountProof;
import io.zkaudit.accuracy.ArgmaxCountStatement;
import io.zkaudit.accuracy.ArgmaxCountVerifier;
import io.zkaudit.accuracy.ArgmaxLayout;
import io.zkaudit.accuracy.ColumnEvaluation;
import io.zkaudit.accuracy.Rejection;
import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.inference.MaskSchedule;
import io.zkaudit.lookup.LogUpBlinding;
import io.zkaudit.lookup.LogUpLayout;
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
import io.zkaudit.prover.zk.MaskSupply;
import io.zkaudit.prover.zk.SumcheckMasks;
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

    /** The same, the committed label table's padding uniform (the gadget reads its box only). */
    static Inputs committedLabels(ArgmaxWitness w, ZkRandom padding) {
      Inputs in = committedLabels(w);
      long[] table = in.labelTable().clone();
      ArgmaxLayout layout = w.statement().layout();
      padding.fill(table, i -> !layout.isReal(i));
      return new Inputs(in.statement(), in.committed(), in.proven(), table, null, table);
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

  /** The range lookup as the proof runs it: blinded in zero knowledge. */
  static LookupStatement rangeLookup(ArgmaxLayout layout, boolean zk) {
    LookupStatement st = rangeLookup(layout);
    return zk ? st.withBlinding() : st;
  }

  /**
   * The masks of a zero-knowledge run, in verification order: the gadget's sumcheck, then each
   * logUp-GKR layer's (as {@code MaskSchedule} lists a proof's).
   */
  static MaskSchedule maskSchedule(ArgmaxLayout layout, LookupStatement lookup) {
    List<MaskSchedule.Entry> entries = new ArrayList<>();
    entries.add(new MaskSchedule.Sumcheck(layout.numVars(), 3));
    List<LogUpLayout.Tree> trees = LogUpLayout.trees(lookup);
    for (int layer = 1; layer <= LogUpLayout.maxVars(trees); layer++) {
      int l = layer;
      List<LogUpLayout.Tree> active = trees.stream().filter(t -> t.numVars() >= l).toList();
      entries.add(
          new MaskSchedule.Sumcheck(
              layer - 1, LogUpLayout.layerComposition(active, layer, Ext2.ONE).roundDegree(true)));
    }
    return new MaskSchedule(entries);
  }

  static int blocks(MaskSchedule schedule) {
    return schedule.entries().stream().mapToInt(MaskSchedule.Entry::blocks).sum();
  }

  /**
   * Where each column sits in the one commitment: the gadget's four, the multiplicities, then the
   * committed labels, and in zero knowledge the lookup's blinding numerators and tuples and the
   * mask column (-1: absent).
   */
  record Columns(int labels, int numerators, int tuples, int mask) {
    static Columns of(ArgmaxCountStatement st, boolean zk) {
      int next = MULTIPLICITIES + 1;
      int labels = st.labelsCommitted() ? next++ : -1;
      int numerators = zk ? next++ : -1;
      int tuples = zk ? next++ : -1;
      int mask = zk ? next : -1;
      return new Columns(labels, numerators, tuples, mask);
    }

    int[] logSizes(ArgmaxLayout layout, LookupStatement lookup, MaskSchedule schedule) {
      int n = layout.numVars();
      List<Integer> sizes = new ArrayList<>(List.of(n, n, layout.sampleBits(), n));
      sizes.add(16 + (lookup.blinded() ? 1 : 0));
      if (labels >= 0) {
        sizes.add(n);
      }
      if (mask >= 0) {
        LogUpBlinding plan = LogUpBlinding.of(lookup);
        sizes.add(plan.numeratorVars());
        sizes.add(plan.tupleVars(0));
        sizes.add(MaskColumn.numVars(blocks(schedule)));
      }
      return sizes.stream().mapToInt(Integer::intValue).toArray();
    }
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
    ArgmaxCountStatement st = in.statement();
    ArgmaxLayout layout = st.layout();
    LookupStatement lookup = rangeLookup(layout, zk != null);
    Columns where = Columns.of(st, zk != null);
    long[][] gapGroup = {in.committed().gap()};
    long[] mult =
        in.multiplicities() != null
            ? in.multiplicities()
            : LookupWitness.compute(lookup.lookups().getFirst(), List.<long[][]>of(gapGroup))
                .multiplicities();
    LookupWitness witness = new LookupWitness(List.<long[][]>of(gapGroup), mult);
    SumcheckMasks masks = SumcheckMasks.PLAIN;
    MaskSchedule schedule = null;
    if (zk != null) {
      witness =
          witness.blind(lookup.lookups().getFirst(), LogUpBlinding.of(lookup), 0, zk::nextField);
      schedule = maskSchedule(layout, lookup);
      masks = MaskSupply.draw(schedule, zk);
    }
    List<long[]> columns = new ArrayList<>();
    columns.add(in.committed().logits());
    columns.add(in.committed().selector());
    columns.add(in.committed().max());
    columns.add(in.committed().gap());
    columns.add(witness.committedMultiplicities());
    if (where.labels() >= 0) {
      columns.add(in.committedLabels());
    }
    if (zk != null) {
      LogUpBlinding plan = LogUpBlinding.of(lookup);
      long[] numerators = new long[1 << plan.numeratorVars()];
      long[] mine = witness.blinding().numerators()[0];
      System.arraycopy(mine, 0, numerators, plan.offset(0, 0), mine.length);
      columns.add(numerators);
      columns.add(witness.blinding().tableTuples()[0]);
      columns.add(
          MaskColumn.place(((MaskSupply) masks).all(), MaskColumn.numVars(blocks(schedule))));
    }
    BasefoldProver pcs = new BasefoldProver(PARAMS);
    Committed committed =
        pcs.commit(
            columns,
            new PackedLayout(where.logSizes(layout, lookup, schedule)),
            zk == null ? null : zk::nextField);
    Transcript t = new Transcript(DOMAIN);
    committed.commitment().absorb(t);
    Transcript before = t.fork();

    ArgmaxCountProver.Output gadget =
        ArgmaxCountProver.prove(st, in.proven(), in.labelTable(), t, masks);
    LogUpProver.Output lp = LogUpProver.prove(lookup, List.of(witness), t, masks);
    // The opening's claims are what the verifier derives (the mask ledger's included), so the
    // prover replays the verifier's reduction on its own proof; a cheater whose proof fails there
    // will be rejected before the opening, which it then fills with any claim.
    List<ColumnClaim> claims;
    try {
      claims = reduce(st, gadget.proof(), lp.proof(), zk != null, before);
    } catch (InvalidProofException e) {
      ColumnEvaluation c = gadget.claims().get(1);
      claims = List.of(new ColumnClaim(SELECTOR, c.point(), c.value()));
    }
    OpeningProof opening = pcs.openColumns(committed, claims, t);
    return new Bundle(committed.commitment(), gadget.proof(), lp.proof(), opening);
  }

  /** Verifies, each part's failure reported with its reason. */
  static void verify(ArgmaxCountStatement st, Bundle b, boolean zk) throws InvalidProofException {
    ArgmaxLayout layout = st.layout();
    Transcript t = new Transcript(DOMAIN);
    b.commitment().absorb(t);
    List<ColumnClaim> claims = reduce(st, b.gadget(), b.lookup(), zk, t);
    LookupStatement lookup = rangeLookup(layout, zk);
    int[] sizes =
        Columns.of(st, zk).logSizes(layout, lookup, zk ? maskSchedule(layout, lookup) : null);
    try {
      new BasefoldVerifier(PARAMS)
          .verifyColumns(b.commitment(), new PackedLayout(sizes), claims, b.opening(), t);
    } catch (InvalidProofException e) {
      throw Rejection.OPENING.exception(e.getMessage());
    }
  }

  /**
   * The verifier's reduction to opening claims: the gadget, the gap's range lookup (blinded in zero
   * knowledge), and the mask ledger's claims; in one order for both sides.
   */
  static List<ColumnClaim> reduce(
      ArgmaxCountStatement st,
      ArgmaxCountProof gadget,
      LogUpProof lookupProof,
      boolean zk,
      Transcript t)
      throws InvalidProofException {
    ArgmaxLayout layout = st.layout();
    LookupStatement lookup = rangeLookup(layout, zk);
    MaskSchedule schedule = zk ? maskSchedule(layout, lookup) : null;
    MaskLedger ledger = zk ? new MaskLedger(blocks(schedule)) : null;
    Columns where = Columns.of(st, zk);
    ArgmaxCountVerifier.Outcome outcome = ArgmaxCountVerifier.verify(st, gadget, t, ledger);
    if (!outcome.gapGroup().equals(lookup.lookups().getFirst().groups().getFirst())) {
      throw new AssertionError("the harness's range lookup is not the gadget's");
    }
    LookupClaims lc;
    try {
      lc = LogUpVerifier.verify(lookup, lookupProof, t, ledger);
    } catch (InvalidProofException e) {
      throw Rejection.GAP_OUT_OF_RANGE.exception(e.getMessage());
    }
    List<ColumnClaim> out = new ArrayList<>();
    for (ColumnEvaluation e : outcome.claims()) {
      int column =
          switch (e.column()) {
            case LOGITS -> LOGITS;
            case SELECTOR -> SELECTOR;
            case MAX -> MAX;
            case GAP -> GAP;
            case LABELS -> where.labels();
          };
      out.add(new ColumnClaim(column, e.point(), e.value()));
    }
    LookupClaims.WitnessClaim w = lc.witnesses().getFirst().getFirst();
    out.add(new ColumnClaim(GAP, w.point(), w.values()[0]));
    LookupClaims.EvaluationClaim m = lc.multiplicities().getFirst();
    out.add(new ColumnClaim(MULTIPLICITIES, m.point(), m.value()));
    if (zk) {
      LogUpBlinding plan = LogUpBlinding.of(lookup);
      for (LookupClaims.BlindingClaim b : lc.blindingSums()) {
        out.add(
            new ColumnClaim(
                where.numerators(),
                plan.numeratorTerms(b.lookup(), b.group(), b.point()),
                b.value()));
      }
      for (LookupClaims.WitnessClaim u : lc.blindingTuples()) {
        out.add(new ColumnClaim(where.tuples(), u.point(), u.values()[0]));
      }
      out.addAll(ledger.claims(where.mask(), MaskColumn.numVars(blocks(schedule))));
    }
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
