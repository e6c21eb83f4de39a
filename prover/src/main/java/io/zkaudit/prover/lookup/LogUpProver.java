package io.zkaudit.prover.lookup;

import static io.zkaudit.field.Goldilocks.add;
import static io.zkaudit.field.Goldilocks.mul;
import static io.zkaudit.field.Goldilocks.sub;

import io.zkaudit.field.Ext2;
import io.zkaudit.lookup.LogUpBlinding;
import io.zkaudit.lookup.LogUpLayout;
import io.zkaudit.lookup.LogUpProof;
import io.zkaudit.lookup.LookupClaims;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.lookup.LookupTable;
import io.zkaudit.parallel.Parallel;
import io.zkaudit.poly.Mle;
import io.zkaudit.prover.field.FastField;
import io.zkaudit.prover.sumcheck.SumcheckProver;
import io.zkaudit.prover.sumcheck.VirtualPolynomial;
import io.zkaudit.sumcheck.Composition;
import io.zkaudit.sumcheck.SumcheckProof;
import io.zkaudit.transcript.Transcript;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The logUp-GKR prover: the protocol {@link io.zkaudit.lookup.LogUpVerifier} documents.
 *
 * <pre>{@code
 * LookupStatement st = LookupStatement.of(Lookup.of(LookupTable.range(16), Group.full(23)));
 * LookupWitness w = LookupWitness.compute(st.lookups().get(0), List.of(new long[][] {values}));
 * // commit values and w.multiplicities(), absorb the commitments into the transcript, then:
 * LogUpProver.Output out = LogUpProver.prove(st, List.of(w), transcript);
 * // out.claims(): m(r_m) and w(r_w) evaluation claims to open against the commitments.
 * }</pre>
 */
public final class LogUpProver {
  private LogUpProver() {}

  private static final int PARALLEL_THRESHOLD = 1 << 12;

  public record Output(LogUpProof proof, LookupClaims claims) {}

  /**
   * One layer of a fraction tree, split by its top variable: p (null = all ones; base or ext), q
   * (ext).
   */
  private static final class Layer {
    long[] pLo;
    long[] pHi;
    boolean pExt;
    long[] qLo;
    long[] qHi;
  }

  /**
   * The leaf layer of one tree (2^n leaves) while it is filled, split by the top variable as the
   * GKR's first layer reads it: leaf x is entry x of the low half or x - half of the high half. A
   * tree of one leaf (n = 0) has a low half of one entry and an empty high half.
   */
  static final class Leaves {
    final int half;
    final long[] pLo;
    final long[] pHi;
    final long[] qLo;
    final long[] qHi;

    /** Leaves with p = 0 (or p = 1 everywhere and not stored, when withP is false) and q = 0. */
    Leaves(int n, boolean withP) {
      half = n == 0 ? 1 : 1 << (n - 1);
      int high = n == 0 ? 0 : half;
      pLo = withP ? new long[half] : null;
      pHi = withP ? new long[high] : null;
      qLo = new long[2 * half];
      qHi = new long[2 * high];
    }

    long size() {
      return half + qHi.length / 2;
    }

    long p(long leaf) {
      return pLo == null ? 1 : leaf < half ? pLo[(int) leaf] : pHi[(int) (leaf - half)];
    }

    void setP(long leaf, long value) {
      if (leaf < half) {
        pLo[(int) leaf] = value;
      } else {
        pHi[(int) (leaf - half)] = value;
      }
    }

    Ext2 q(long leaf) {
      long[] a = leaf < half ? qLo : qHi;
      int k = (int) (leaf < half ? leaf : leaf - half);
      return new Ext2(a[2 * k], a[2 * k + 1]);
    }

    void setQ(long leaf, Ext2 value) {
      long[] a = leaf < half ? qLo : qHi;
      int k = (int) (leaf < half ? leaf : leaf - half);
      a[2 * k] = value.c0();
      a[2 * k + 1] = value.c1();
    }

    /** p at leaves [offset, offset + values.length). */
    void setP(long offset, long[] values) {
      forEachHalf(
          offset,
          values.length,
          (target, at, from, count) ->
              System.arraycopy(values, from, target == 0 ? pLo : pHi, at, count));
    }

    /**
     * q = alpha - compress(row) at leaves [offset, offset + rows), row x of cols at leaf offset +
     * x.
     */
    void setDenominators(long offset, int rows, GroupColumn[] cols, Ext2 alpha, Ext2 beta) {
      forEachHalf(
          offset,
          rows,
          (target, at, from, count) ->
              combine(cols, from, from + count, alpha, beta, target == 0 ? qLo : qHi, at));
    }

    /** Unused leaves [from, size): p = 0 (as allocated), q = 1. */
    void setUnused(long from) {
      forEachHalf(
          from,
          (int) (size() - from),
          (target, at, source, count) -> {
            long[] q = target == 0 ? qLo : qHi;
            for (int k = at; k < at + count; k++) {
              q[2 * k] = 1;
              q[2 * k + 1] = 0;
            }
          });
    }

    /**
     * Tagged leaves (blinding rows) have q = alpha - (compress(w) + beta^width): subtract the tag's
     * term.
     */
    void subtractTag(long leaf, Ext2 tagWeight) {
      setQ(leaf, q(leaf).sub(tagWeight));
    }

    private interface Part {
      void copy(int target, int at, int from, int count);
    }

    /**
     * Splits leaves [offset, offset + count) at the halves' boundary: (0 = low, 1 = high, index in
     * it, source index, count).
     */
    private void forEachHalf(long offset, int count, Part part) {
      long end = offset + count;
      if (offset < half) {
        part.copy(0, (int) offset, 0, (int) (Math.min(end, half) - offset));
      }
      if (end > half) {
        long from = Math.max(offset, half);
        part.copy(1, (int) (from - half), (int) (from - offset), (int) (end - from));
      }
    }
  }

  /**
   * One tree while it is proven: its layers (released as the GKR folds them) and its current claim.
   * When its leaves can be recomputed ({@code refill} not null), they are dropped once layer n - 1
   * has been built from them and recomputed when the GKR reaches layer n - 1: the leaves are 24
   * bytes per leaf and are otherwise held, unread, through every upper layer of every tree.
   */
  private static final class FractionTree {
    final LogUpLayout.Tree shape;
    final Layer[] layers;

    /** Witness trees: per group its columns; null for a table's tree. */
    final List<GroupColumn[]> groups;

    /** Recomputes this tree's leaves; null when they are held (a cheating prover edited them). */
    final java.util.function.Supplier<Leaves> refill;

    Ext2 p;
    Ext2 q;
    Ext2[] finalPoint;

    FractionTree(
        LogUpLayout.Tree shape,
        Leaves leaves,
        List<GroupColumn[]> groups,
        java.util.function.Supplier<Leaves> refill) {
      this.shape = shape;
      this.groups = groups;
      int n = shape.numVars();
      this.layers = buildTree(n, leaves);
      Ext2[] root = root(layers, leaves);
      p = root[0];
      q = root[1];
      this.refill = n >= 2 ? refill : null;
      if (this.refill != null) {
        layers[n] = null;
      }
    }

    /**
     * Layer l: kept, or recomputed. The leaves (l = n) come from {@link #refill}; layer n - 1 from
     * the leaves, which are then kept for the GKR's next layer.
     */
    Layer layer(int l) {
      if (layers[l] != null) {
        return layers[l];
      }
      int n = shape.numVars();
      if (l == n) {
        return leafLayer(refill.get());
      }
      if (layers[l + 1] == null) {
        layers[l + 1] = layer(l + 1);
      }
      return parent(layers[l + 1], 1 << l);
    }
  }

  public static Output prove(
      LookupStatement statement, List<LookupWitness> witnesses, Transcript transcript) {
    return prove(statement, witnesses, transcript, io.zkaudit.prover.zk.SumcheckMasks.PLAIN);
  }

  /** Proves with the given masks: in zero knowledge, one Libra mask per GKR layer, in order. */
  public static Output prove(
      LookupStatement statement,
      List<LookupWitness> witnesses,
      Transcript transcript,
      io.zkaudit.prover.zk.SumcheckMasks masks) {
    return prove(leaves(statement, witnesses, transcript), transcript, masks);
  }

  /**
   * Round 1's output: the challenges β (row compression) and α (the fractions' pole), from which
   * every tree's leaves p/(α − compress(row)), in {@link LogUpLayout#trees} order, are computed
   * when round 2 builds that tree (and again at the GKR's last layers), so that no more than one
   * tree's leaves are held while the trees are built. {@link #leaves()} computes and holds them all
   * instead: a cheating prover in the tests edits them, and the held, edited leaves are then the
   * ones proven.
   */
  static final class Leafed {
    private final LookupStatement statement;
    private final List<LookupWitness> witnesses;
    private final LogUpBlinding plan;
    private final List<LogUpLayout.Tree> shapes;
    private final Ext2 alpha;
    private final Ext2 beta;
    private List<Leaves> held;

    Leafed(
        LookupStatement statement,
        List<LookupWitness> witnesses,
        LogUpBlinding plan,
        List<LogUpLayout.Tree> shapes,
        Ext2 alpha,
        Ext2 beta) {
      this.statement = statement;
      this.witnesses = witnesses;
      this.plan = plan;
      this.shapes = shapes;
      this.alpha = alpha;
      this.beta = beta;
    }

    LookupStatement statement() {
      return statement;
    }

    List<LookupWitness> witnesses() {
      return witnesses;
    }

    LogUpBlinding plan() {
      return plan;
    }

    List<LogUpLayout.Tree> shapes() {
      return shapes;
    }

    Ext2 alpha() {
      return alpha;
    }

    Ext2 beta() {
      return beta;
    }

    /** Every tree's leaves, computed once and held from now on (to be edited by a test). */
    List<Leaves> leaves() {
      if (held == null) {
        List<Leaves> all = new ArrayList<>();
        for (int i = 0; i < shapes.size(); i++) {
          all.add(compute(i));
        }
        held = List.copyOf(all);
      }
      return held;
    }

    /** Tree i's leaves: the held ones, or freshly computed. */
    Leaves leaves(int i) {
      return held != null ? held.get(i) : compute(i);
    }

    /** How tree i's leaves are recomputed, or null when they are held. */
    java.util.function.Supplier<Leaves> refill(int i) {
      return held != null ? null : () -> compute(i);
    }

    private Leaves compute(int i) {
      LogUpLayout.Tree shape = shapes.get(i);
      LookupStatement.Lookup lk = statement.lookups().get(shape.lookup());
      LookupWitness w = witnesses.get(shape.lookup());
      return switch (shape) {
        case LogUpLayout.TableTree t -> tableLeaves(t, lk, w, plan, alpha, beta);
        case LogUpLayout.WitnessTree t -> witnessLeaves(t, lk, w, plan, alpha, beta);
      };
    }
  }

  /**
   * Round 1: the statement's shape into the transcript, β and α, and the leaves of every tree. (A
   * cheating prover in the tests changes leaves between this round and the next.)
   */
  static Leafed leaves(
      LookupStatement statement, List<LookupWitness> witnesses, Transcript transcript) {
    if (witnesses.size() != statement.lookups().size()) {
      throw new IllegalArgumentException(
          witnesses.size() + " witnesses for " + statement.lookups().size() + " lookups");
    }
    LogUpBlinding plan = statement.blinded() ? LogUpBlinding.of(statement) : null;
    if (plan != null && witnesses.stream().anyMatch(w -> w.blinding() == null)) {
      throw new IllegalArgumentException("a blinded statement needs blinded witnesses");
    }
    List<LogUpLayout.Tree> shapes = LogUpLayout.trees(statement);
    LogUpLayout.absorbShape(statement, transcript);
    Ext2 beta = transcript.challengeExt(LogUpLayout.BETA);
    Ext2 alpha = transcript.challengeExt(LogUpLayout.ALPHA);
    return new Leafed(statement, witnesses, plan, shapes, alpha, beta);
  }

  /**
   * Round 2: the trees built from their leaves, their roots into the transcript, then one GKR
   * sumcheck per layer over every tree that deep, and the leaf values the verifier checks.
   */
  static Output prove(
      Leafed leafed, Transcript transcript, io.zkaudit.prover.zk.SumcheckMasks masks) {
    LookupStatement statement = leafed.statement();
    List<LookupWitness> witnesses = leafed.witnesses();
    LogUpBlinding plan = leafed.plan();
    List<LogUpLayout.Tree> shapes = leafed.shapes();
    int maxN = LogUpLayout.maxVars(shapes);
    List<FractionTree> trees = new ArrayList<>();
    for (int i = 0; i < shapes.size(); i++) {
      LogUpLayout.Tree shape = shapes.get(i);
      List<GroupColumn[]> groups =
          shape instanceof LogUpLayout.WitnessTree ? witnesses.get(shape.lookup()).columns() : null;
      trees.add(new FractionTree(shape, leafed.leaves(i), groups, leafed.refill(i)));
    }
    Ext2[] rootP = trees.stream().map(t -> t.p).toArray(Ext2[]::new);
    Ext2[] rootQ = trees.stream().map(t -> t.q).toArray(Ext2[]::new);
    Ext2[] roots = new Ext2[2 * trees.size()];
    for (int i = 0; i < trees.size(); i++) {
      roots[2 * i] = rootP[i];
      roots[2 * i + 1] = rootQ[i];
    }
    transcript.absorbExt(LogUpLayout.ROOTS, roots);

    LeafValues sent = new LeafValues(statement, plan, witnesses);
    Ext2[] point = new Ext2[0];
    for (FractionTree t : trees) {
      if (t.shape.numVars() == 0) {
        sent.finish(t, point, transcript);
      }
    }
    List<SumcheckProof> layerProofs = new ArrayList<>();
    List<Ext2> maskValues = new ArrayList<>();
    for (int layer = 1; layer <= maxN; layer++) {
      point = proveLayer(trees, layer, point, transcript, masks, layerProofs, maskValues);
      for (FractionTree t : trees) {
        if (t.shape.numVars() == layer) {
          sent.finish(t, point, transcript);
        }
      }
    }
    LogUpProof proof =
        plan == null
            ? new LogUpProof(
                rootP, rootQ, layerProofs, sent.witnessEvaluations, maskValues.toArray(Ext2[]::new))
            : new LogUpProof(
                rootP,
                rootQ,
                layerProofs,
                sent.witnessEvaluations,
                maskValues.toArray(Ext2[]::new),
                sent.blindingSums,
                sent.blindingTuples);
    return new Output(proof, sent.claims(trees));
  }

  /**
   * GKR layer l: one sumcheck over every tree with at least l variables, reducing their claims on
   * layer l - 1 at {@code point} to claims on layer l at the returned point.
   */
  private static Ext2[] proveLayer(
      List<FractionTree> trees,
      int layer,
      Ext2[] point,
      Transcript transcript,
      io.zkaudit.prover.zk.SumcheckMasks masks,
      List<SumcheckProof> layerProofs,
      List<Ext2> maskValues) {
    List<Integer> active = new ArrayList<>();
    for (int i = 0; i < trees.size(); i++) {
      if (trees.get(i).shape.numVars() >= layer) {
        active.add(i);
      }
    }
    List<LogUpLayout.Tree> activeShapes = active.stream().map(i -> trees.get(i).shape).toList();
    Ext2 lambda = transcript.challengeExt(LogUpLayout.LAMBDA);
    Composition comp = LogUpLayout.layerComposition(activeShapes, layer, lambda);
    VirtualPolynomial vp = new VirtualPolynomial(layer - 1);
    for (int i : active) {
      FractionTree t = trees.get(i);
      Layer lay = t.layer(layer);
      if (!t.shape.omitsP(layer)) {
        if (lay.pExt) {
          vp.addExt(lay.pLo);
          vp.addExt(lay.pHi);
        } else {
          vp.addBase(lay.pLo);
          vp.addBase(lay.pHi);
        }
      }
      vp.addExt(lay.qLo);
      vp.addExt(lay.qHi);
      t.layers[layer] = null; // released once the sumcheck has folded it
    }
    vp.addTerms(comp);
    vp.setEq(point);
    Ext2[] ap = active.stream().map(i -> trees.get(i).p).toArray(Ext2[]::new);
    Ext2[] aq = active.stream().map(i -> trees.get(i).q).toArray(Ext2[]::new);
    Ext2 claim = LogUpLayout.layerClaim(ap, aq, lambda);
    SumcheckProver.Output out = masks.prove(vp, claim, maskValues, transcript);
    layerProofs.add(out.proof());
    Ext2 rho = transcript.challengeExt(LogUpLayout.RHO);
    Ext2[] p = new Ext2[trees.size()];
    Ext2[] q = new Ext2[trees.size()];
    LogUpLayout.bindSibling(active, activeShapes, layer, out.evaluations(), rho, p, q);
    for (int i : active) {
      trees.get(i).p = p[i];
      trees.get(i).q = q[i];
    }
    Ext2[] next = Arrays.copyOf(out.point(), layer);
    next[layer - 1] = rho;
    return next;
  }

  /**
   * The table's leaves: p = m(y) (blinded: M2 = [m | b']), q = alpha - T(y) (blinded: the tagged u'
   * half on top).
   */
  private static Leaves tableLeaves(
      LogUpLayout.TableTree t,
      LookupStatement.Lookup lk,
      LookupWitness w,
      LogUpBlinding plan,
      Ext2 alpha,
      Ext2 beta) {
    if (w.multiplicities().length != lk.table().size()) {
      throw new IllegalArgumentException(
          "multiplicity column of " + w.multiplicities().length + " entries");
    }
    long[][] cols = tableColumns(lk.table());
    if (plan != null) {
      cols = concat(cols, w.blinding().tableTuples());
    }
    GroupColumn[] held = new GroupColumn[cols.length];
    for (int c = 0; c < cols.length; c++) {
      held[c] = new GroupColumn.Held(cols[c]);
    }
    Leaves leaves = new Leaves(t.numVars(), true);
    leaves.setP(0, w.committedMultiplicities());
    leaves.setDenominators(0, 1 << t.numVars(), held, alpha, beta);
    if (plan != null) {
      Ext2 tagWeight = beta.pow(lk.table().width());
      for (long y = lk.table().size(); y < 2L * lk.table().size(); y++) {
        leaves.subtractTag(y, tagWeight);
      }
    }
    return leaves;
  }

  /**
   * The witness tree's leaves: each group's rows in its sub-cube (p = its active-row selector, and
   * on blinding rows the blinding numerator with a tagged q), then the unused leaves (p = 0, q =
   * 1).
   */
  private static Leaves witnessLeaves(
      LogUpLayout.WitnessTree t,
      LookupStatement.Lookup lk,
      LookupWitness w,
      LogUpBlinding plan,
      Ext2 alpha,
      Ext2 beta) {
    Leaves leaves = new Leaves(t.numVars(), !t.leafNumeratorIsOne());
    Ext2 tagWeight = beta.pow(lk.table().width());
    for (LogUpLayout.Placement placement : t.placements()) {
      GroupColumn[] cols = w.columns().get(placement.group());
      LookupWitness.checkShape(cols, placement.shape(), lk.table().width());
      leaves.setDenominators(placement.offset(), 1 << placement.numVars(), cols, alpha, beta);
      if (leaves.pLo != null) {
        leaves.setP(placement.offset(), placement.shape().selectorTable());
      }
      if (plan != null) {
        long[] rows = plan.rows(t.lookup(), placement.group());
        long[] b = w.blinding().numerators()[placement.group()];
        for (int k = 0; k < rows.length; k++) {
          leaves.setP(placement.offset() + rows[k], b[k]);
          leaves.subtractTag(placement.offset() + rows[k], tagWeight);
        }
      }
    }
    leaves.setUnused(t.usedLeaves());
    return leaves;
  }

  /**
   * What the proof sends at the leaves, in transcript order: per group its columns' values at its
   * prefix of the tree's point (blinded: and its blinding sum), per blinded table its u' values.
   */
  private static final class LeafValues {
    final LogUpBlinding plan;
    final List<LookupWitness> witnesses;
    final int[] firstGroup;
    final Ext2[][] witnessEvaluations;
    final Ext2[] blindingSums;
    final Ext2[][] blindingTuples;

    LeafValues(LookupStatement statement, LogUpBlinding plan, List<LookupWitness> witnesses) {
      this.plan = plan;
      this.witnesses = witnesses;
      int lookups = statement.lookups().size();
      firstGroup = new int[lookups];
      int groups = 0;
      for (int l = 0; l < lookups; l++) {
        firstGroup[l] = groups;
        groups += statement.lookups().get(l).groups().size();
      }
      witnessEvaluations = new Ext2[groups][];
      blindingSums = new Ext2[groups];
      blindingTuples = new Ext2[lookups][];
    }

    void finish(FractionTree tree, Ext2[] point, Transcript transcript) {
      tree.finalPoint = point.clone();
      switch (tree.shape) {
        case LogUpLayout.WitnessTree w -> {
          for (LogUpLayout.Placement placement : w.placements()) {
            group(
                w.lookup(),
                placement.group(),
                tree.groups.get(placement.group()),
                placement.localPoint(point),
                transcript);
          }
        }
        case LogUpLayout.TableTree t -> {
          if (plan != null) {
            table(t.lookup(), point, transcript);
          }
        }
      }
    }

    private void group(int lookup, int g, GroupColumn[] cols, Ext2[] point, Transcript transcript) {
      Ext2[] values = new Ext2[cols.length];
      for (int c = 0; c < cols.length; c++) {
        values[c] = cols[c].evaluate(point);
      }
      int ordinal = firstGroup[lookup] + g;
      witnessEvaluations[ordinal] = values;
      transcript.absorbExt(LogUpLayout.WITNESS, values);
      if (plan != null) {
        long[] rows = plan.rows(lookup, g);
        long[] b = witnesses.get(lookup).blinding().numerators()[g];
        Ext2 sum = Ext2.ZERO;
        for (int k = 0; k < rows.length; k++) {
          sum = sum.add(LogUpBlinding.eqBoolean(point, rows[k]).mul(Ext2.of(b[k])));
        }
        blindingSums[ordinal] = sum;
        transcript.absorbExt(LogUpLayout.BLINDING_SUM, sum);
      }
    }

    private void table(int lookup, Ext2[] point, Transcript transcript) {
      Ext2[] rest = Arrays.copyOf(point, plan.tupleVars(lookup));
      long[][] u = witnesses.get(lookup).blinding().tableTuples();
      Ext2[] values = new Ext2[u.length];
      for (int c = 0; c < u.length; c++) {
        values[c] = evaluate(u[c], rest);
      }
      blindingTuples[lookup] = values;
      transcript.absorbExt(LogUpLayout.BLINDING_TUPLE, values);
    }

    /**
     * The multiplicity and witness claims (the blinding claims come from the verifier's replay).
     */
    LookupClaims claims(List<FractionTree> trees) {
      List<LookupClaims.EvaluationClaim> ms = new ArrayList<>();
      LookupClaims.WitnessClaim[][] ws = new LookupClaims.WitnessClaim[firstGroup.length][];
      for (int l = 0; l < ws.length; l++) {
        int groups =
            (l + 1 < firstGroup.length ? firstGroup[l + 1] : witnessEvaluations.length)
                - firstGroup[l];
        ws[l] = new LookupClaims.WitnessClaim[groups];
      }
      for (FractionTree t : trees) {
        switch (t.shape) {
          case LogUpLayout.TableTree table ->
              ms.add(new LookupClaims.EvaluationClaim(t.finalPoint, t.p));
          case LogUpLayout.WitnessTree w -> {
            // A lookup's groups may sit in several trees: each claim goes to its group's slot.
            for (LogUpLayout.Placement pl : w.placements()) {
              ws[w.lookup()][pl.group()] =
                  new LookupClaims.WitnessClaim(
                      pl.localPoint(t.finalPoint),
                      witnessEvaluations[firstGroup[w.lookup()] + pl.group()]);
            }
          }
        }
      }
      return new LookupClaims(ms, Arrays.stream(ws).map(List::of).toList());
    }
  }

  /** Columns of twice a's rows: a[c], then b[c] zero-extended to a[c]'s length. */
  static long[][] concat(long[][] a, long[][] b) {
    long[][] out = new long[a.length][];
    for (int c = 0; c < a.length; c++) {
      out[c] = Arrays.copyOf(a[c], 2 * a[c].length);
      System.arraycopy(b[c], 0, out[c], a[c].length, b[c].length);
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // Leaves

  /** The table's columns as arrays (the leaves' q is then computed like a witness group's). */
  static long[][] tableColumns(LookupTable table) {
    int size = table.size();
    long[][] cols = new long[table.width()][size];
    for (int c = 0; c < cols.length; c++) {
      for (int y = 0; y < size; y++) {
        cols[c][y] = table.valueAt(c, y);
      }
    }
    return cols;
  }

  /**
   * out[outFrom + x - from] = alpha - (cols[0][x] + beta cols[1][x] + beta^2 cols[2][x] + ...) for
   * x in [from, to).
   */
  private static void combine(
      GroupColumn[] cols, int from, int to, Ext2 alpha, Ext2 beta, long[] out, int outFrom) {
    Ext2[] pows = new Ext2[cols.length];
    pows[0] = Ext2.ONE;
    for (int c = 1; c < cols.length; c++) {
      pows[c] = pows[c - 1].mul(beta);
    }
    long a0 = alpha.c0();
    long a1 = alpha.c1();
    forChunks(
        to - from,
        (y0, y1) -> {
          for (int y = y0; y < y1; y++) {
            int x = from + y;
            long s0 = cols[0].at(x);
            long s1 = 0;
            for (int c = 1; c < cols.length; c++) {
              long v = cols[c].at(x);
              s0 = add(s0, mul(pows[c].c0(), v));
              s1 = add(s1, mul(pows[c].c1(), v));
            }
            out[2 * (outFrom + y)] = sub(a0, s0);
            out[2 * (outFrom + y) + 1] = sub(a1, s1);
          }
        });
  }

  // ------------------------------------------------------------------------------------------
  // Trees

  /**
   * Layers n..1 of one tree (index = layer) split by the top variable; layer n holds the leaves.
   * Layer n - 1 (when n >= 3) is not kept: it is as large as the leaves' denominators, and the
   * whole tree was 48 bytes per leaf at its peak. It is recomputed from the leaves when the GKR
   * reaches it ({@link FractionTree#layer}), which costs half a leaf layer's products and keeps 32
   * bytes per leaf (about 300 MB less for MobileNet v2's lookups).
   */
  private static Layer[] buildTree(int n, Leaves leaves) {
    Layer[] out = new Layer[n + 1];
    if (n == 0) {
      return out;
    }
    out[n] = leafLayer(leaves);
    for (int l = n; l >= 2; l--) {
      out[l - 1] = parent(out[l], 1 << (l - 1));
      if (l == n - 1) {
        out[n - 1] = null; // layer n - 2 is built from it: the one layer not kept (see above)
      }
    }
    return out;
  }

  /** The leaves as a tree layer (the same arrays). */
  private static Layer leafLayer(Leaves leaves) {
    Layer leaf = new Layer();
    leaf.pLo = leaves.pLo;
    leaf.pHi = leaves.pHi;
    leaf.pExt = false;
    leaf.qLo = leaves.qLo;
    leaf.qHi = leaves.qHi;
    return leaf;
  }

  /**
   * The root (P, Q): the single leaf of a tree without variables, else from layer 1's entries 0 and
   * 1.
   */
  private static Ext2[] root(Layer[] layers, Leaves leaves) {
    if (layers.length == 1) {
      return new Ext2[] {Ext2.of(leaves.p(0)), leaves.q(0)};
    }
    Layer one = layers[1];
    Ext2 q0 = new Ext2(one.qLo[0], one.qLo[1]);
    Ext2 q1 = new Ext2(one.qHi[0], one.qHi[1]);
    Ext2 p0 = pValue(one, 0);
    Ext2 p1 = pValue(one, 1);
    return new Ext2[] {p0.mul(q1).add(p1.mul(q0)), q0.mul(q1)};
  }

  private static Ext2 pValue(Layer l, int hi) {
    if (l.pLo == null) {
      return Ext2.ONE;
    }
    long[] a = hi == 0 ? l.pLo : l.pHi;
    return l.pExt ? new Ext2(a[0], a[1]) : Ext2.of(a[0]);
  }

  /** The layer above a layer whose halves have h entries each: h entries, split into h/2 + h/2. */
  private static Layer parent(Layer c, int h) {
    int hh = h >>> 1;
    Layer out = new Layer();
    out.pExt = true;
    out.pLo = new long[2 * hh];
    out.pHi = new long[2 * hh];
    out.qLo = new long[2 * hh];
    out.qHi = new long[2 * hh];
    forChunks(
        h,
        (k0, k1) -> {
          for (int k = k0; k < k1; k++) {
            long a0 = c.qLo[2 * k];
            long a1 = c.qLo[2 * k + 1];
            long b0 = c.qHi[2 * k];
            long b1 = c.qHi[2 * k + 1];
            long pp0;
            long pp1;
            if (c.pLo == null) {
              pp0 = add(a0, b0);
              pp1 = add(a1, b1);
            } else if (!c.pExt) {
              long x = c.pLo[k];
              long y = c.pHi[k];
              // x * qHi + y * qLo
              pp0 = FastField.dot2(x, b0, y, a0, 0);
              pp1 = FastField.dot2(x, b1, y, a1, 0);
            } else {
              long x0 = c.pLo[2 * k];
              long x1 = c.pLo[2 * k + 1];
              long y0 = c.pHi[2 * k];
              long y1 = c.pHi[2 * k + 1];
              pp0 =
                  FastField.dot2(x0, b0, y0, a0, FastField.mulW(FastField.dot2(x1, b1, y1, a1, 0)));
              pp1 = FastField.dot2(x0, b1, x1, b0, FastField.dot2(y0, a1, y1, a0, 0));
            }
            long qq0 = FastField.dot2(a0, b0, a1, FastField.mulW(b1), 0);
            long qq1 = FastField.dot2(a0, b1, a1, b0, 0);
            long[] pd = k < hh ? out.pLo : out.pHi;
            long[] qd = k < hh ? out.qLo : out.qHi;
            int kk = k < hh ? k : k - hh;
            pd[2 * kk] = pp0;
            pd[2 * kk + 1] = pp1;
            qd[2 * kk] = qq0;
            qd[2 * kk + 1] = qq1;
          }
        });
    return out;
  }

  /**
   * The MLE of a base table at a point, for the large witness columns read at the GKR's end: as
   * {@link Mle#evaluate} does, through split eq tables and once-reduced dot products (no
   * 2^(n-1)-entry intermediate tables), with the blocks of the high variables spread over the
   * workers and summed in order.
   */
  static Ext2 evaluate(long[] base, Ext2[] r) {
    if (base.length < 2 * PARALLEL_THRESHOLD || r.length < 2) {
      return Mle.evaluate(base, r);
    }
    Mle.SplitEq eq = Mle.SplitEq.of(r);
    int blocks = eq.blocks();
    int chunks = Math.min(blocks, Parallel.threads() * 4);
    return Parallel.mapReduce(
        chunks,
        c ->
            eq.evaluate(
                base, (int) ((long) blocks * c / chunks), (int) ((long) blocks * (c + 1) / chunks)),
        Ext2::add);
  }

  interface Range {
    void run(int from, int to);
  }

  static void forChunks(int size, Range body) {
    if (size < PARALLEL_THRESHOLD) {
      body.run(0, size);
      return;
    }
    int chunks = Math.min(size / (PARALLEL_THRESHOLD / 2), 64);
    int per = size / chunks;
    Parallel.forEach(chunks, c -> body.run(c * per, c == chunks - 1 ? size : (c + 1) * per));
  }
}
