package io.zkaudit.inference;

import io.zkaudit.field.Ext2;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.layers.TensorLayout;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.lookup.LookupStatement.Group;
import io.zkaudit.lookup.LookupStatement.Lookup;
import io.zkaudit.lookup.LookupTable;
import io.zkaudit.pcs.PcsParams;
import java.util.ArrayList;
import java.util.List;

/**
 * The public shape of an inference proof, derived from the circuit: the lookups (one table of all
 * rounding steps and ADD rescalings, one 16-bit range table), the per-proof columns and the
 * commitment parameters.
 *
 * <p>Lookup 0 (width 4) has one group per proven layer, (tag, out, a - c1, a + c2 + 1), then one
 * per activation input of each ADD, (tag, x, rescale(x), 0), then one per chain step of each max
 * pool, (tag, X_k, m_{s-1}, m_s) ({@link io.zkaudit.layers.MaxPoolLayer}), then one per
 * concatenation, (tag, out, V, 0) ({@link io.zkaudit.layers.ConcatLayer}), then one per unary
 * function, (tag, x, y, 0) ({@link io.zkaudit.layers.UnaryTableLayer}). Lookup 1 (the range table)
 * has one group per proven layer over [c1 | c2] (its top variable picks c1 or c2, {@link
 * #rangePair}; for a limb rounding over its limb columns, {@link #limbColumn}), whose active rows
 * are the real entries of the layer's output tensor in both halves (or {@link #EMPTY_RANGE_GROUP}
 * when there is no rounding layer); a proof about a private input adds two over the input shadow
 * ({@link #lookups(ModelCircuit, boolean)}).
 */
public final class InferenceStatement {
  private InferenceStatement() {}

  public static final String DOMAIN = "zkaudit/inference/v1";
  public static final int RANGE_BITS = 16;

  /**
   * Parameters of the openings of per-proof commitments (the witness bins, the weight and input
   * shadows' fresh halves): since proof format 6 the same provable parameters as the long-lived
   * commitments' (124 queries, unique decoding, >= 100 bits with no conjecture). Format 5 used 42
   * queries, 100 bits only under the Reed-Solomon capacity conjecture, which was disproven (44.5
   * provable bits); docs/soundness.md.
   */
  public static PcsParams pcsParams() {
    return PcsParams.provable100();
  }

  /**
   * Parameters of every opening of a long-lived commitment: the weight commitment (through its
   * shadow link), a private input's commitment, and any proof about a verifying key itself (its
   * range proof, a rotation link). A long-lived commitment is opened in many proofs, so a seller
   * can commit a word that mixes two codewords and grind until the queries land on the one it
   * wants; only the unique-decoding analysis (no conjecture) bounds that: 124 queries, >= 100 bits.
   * Same rate, arity and final size as {@link #pcsParams()}, so the commitment itself is unchanged.
   */
  public static PcsParams longLivedPcsParams() {
    return PcsParams.provable100();
  }

  /**
   * A fresh transcript holding the public statement, in the order prover and verifier must share:
   * the proof-format version, the verifying key's digest, the weight commitment, the input's hash
   * (which the verifier computes from the input it holds), the output.
   */
  public static io.zkaudit.transcript.Transcript transcript(
      io.zkaudit.hash.Digest32 model,
      io.zkaudit.pcs.Commitment weights,
      io.zkaudit.hash.Digest32 inputHash,
      int[] output,
      boolean zeroKnowledge) {
    return transcript(model, weights, inputHash, output, zeroKnowledge, false);
  }

  /**
   * The same, for a proof about a private input when privateInput (inputHash is then the input
   * commitment's digest).
   */
  public static io.zkaudit.transcript.Transcript transcript(
      io.zkaudit.hash.Digest32 model,
      io.zkaudit.pcs.Commitment weights,
      io.zkaudit.hash.Digest32 inputHash,
      int[] output,
      boolean zeroKnowledge,
      boolean privateInput) {
    io.zkaudit.transcript.Transcript t = new io.zkaudit.transcript.Transcript(DOMAIN);
    // The format version first: a proof of one version can never be replayed as another's.
    t.absorbLong("proof-version", ModelProof.VERSION);
    t.absorbLong("zero-knowledge", zeroKnowledge ? 1 : 0);
    if (privateInput) {
      t.absorbLong("private-input", 1);
    }
    t.absorbBytes("model", model.bytes());
    weights.absorb(t);
    t.absorbDigest("input-hash", inputHash);
    long[] f = new long[output.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = io.zkaudit.field.Goldilocks.fromSigned(output[i]);
    }
    t.absorbField("output", f);
    return t;
  }

  /**
   * The transcript of a batch proof ({@link Batch}): the same statement with, after the
   * zero-knowledge flag, the number of samples (so that no batch proof, not even of one sample, is
   * a single-sample proof, nor a proof of another batch size), then every sample's input hash in
   * order and the N outputs, concatenated.
   */
  public static io.zkaudit.transcript.Transcript batchTranscript(
      io.zkaudit.hash.Digest32 model,
      io.zkaudit.pcs.Commitment weights,
      List<io.zkaudit.hash.Digest32> inputHashes,
      int[] outputs,
      boolean zeroKnowledge) {
    io.zkaudit.transcript.Transcript t = new io.zkaudit.transcript.Transcript(DOMAIN);
    t.absorbLong("proof-version", ModelProof.VERSION);
    t.absorbLong("zero-knowledge", zeroKnowledge ? 1 : 0);
    t.absorbLong("batch-samples", inputHashes.size());
    t.absorbBytes("model", model.bytes());
    weights.absorb(t);
    for (io.zkaudit.hash.Digest32 h : inputHashes) {
      t.absorbDigest("input-hash", h);
    }
    long[] f = new long[outputs.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = io.zkaudit.field.Goldilocks.fromSigned(outputs[i]);
    }
    t.absorbField("output", f);
    return t;
  }

  /**
   * The transcript of an accuracy proof ({@link AccuracyLayout}): like a batch proof's, but with
   * {@code accuracy-samples} where a batch proof has {@code batch-samples} (so that neither is ever
   * the other), no outputs (the logits are committed, not stated), and the gadget's statement (N,
   * K, its padded sizes, {@code correct} and every label) absorbed before any commitment, so that
   * every challenge of the proof depends on the labels and the count.
   */
  public static io.zkaudit.transcript.Transcript accuracyTranscript(
      io.zkaudit.hash.Digest32 model,
      io.zkaudit.pcs.Commitment weights,
      List<io.zkaudit.hash.Digest32> inputHashes,
      io.zkaudit.accuracy.ArgmaxCountStatement statement,
      boolean zeroKnowledge) {
    io.zkaudit.transcript.Transcript t = new io.zkaudit.transcript.Transcript(DOMAIN);
    t.absorbLong("proof-version", ModelProof.VERSION);
    t.absorbLong("zero-knowledge", zeroKnowledge ? 1 : 0);
    t.absorbLong("accuracy-samples", inputHashes.size());
    t.absorbBytes("model", model.bytes());
    weights.absorb(t);
    for (io.zkaudit.hash.Digest32 h : inputHashes) {
      t.absorbDigest("input-hash", h);
    }
    statement.absorb(t);
    return t;
  }

  /**
   * The transcript of an accuracy proof about a test-set commitment ({@link TestSetCommitment}):
   * {@code test-set-samples} = N where the other kinds have {@code batch-samples} or {@code
   * accuracy-samples} (no proof of one kind is ever another's), the model, the weights, T's digest
   * (N and the root) in place of any input hash, then the gadget's statement (committed labels and
   * {@code correct}), all before any commitment.
   */
  public static io.zkaudit.transcript.Transcript testSetTranscript(
      io.zkaudit.hash.Digest32 model,
      io.zkaudit.pcs.Commitment weights,
      TestSetCommitment testSet,
      io.zkaudit.accuracy.ArgmaxCountStatement statement,
      boolean zeroKnowledge) {
    if (!statement.labelsCommitted()) {
      throw new IllegalArgumentException("a test set's labels are committed in it");
    }
    io.zkaudit.transcript.Transcript t = new io.zkaudit.transcript.Transcript(DOMAIN);
    t.absorbLong("proof-version", ModelProof.VERSION);
    t.absorbLong("zero-knowledge", zeroKnowledge ? 1 : 0);
    t.absorbLong("test-set-samples", testSet.samples());
    t.absorbBytes("model", model.bytes());
    weights.absorb(t);
    t.absorbDigest("test-set", testSet.digest());
    statement.absorb(t);
    return t;
  }

  public static LookupStatement lookups(ModelCircuit c) {
    return lookups(c, false);
  }

  /**
   * The lookups of a proof, about a private input when privateInput: the range lookup then has two
   * more groups over the input shadow's column ({@link #inputRangeGroup}), x - lo and hi - x for
   * the input's declared type [lo, hi], both in [0, 2^16): the committed input is a value of its
   * type, which a verifier without the input cannot check itself (docs/zero-knowledge.md, "Private
   * inputs").
   */
  public static LookupStatement lookups(ModelCircuit c, boolean privateInput) {
    return lookups(c, privateInput, null);
  }

  /**
   * The lookups of a batch proof ({@link Batch}; null: a single-sample proof): every group over a
   * tensor gets the batch variables on top of its box, a range pair's pair variable above them.
   */
  public static LookupStatement lookups(ModelCircuit c, boolean privateInput, Batch batch) {
    return lookups(c, privateInput, batch, null);
  }

  /**
   * The lookups of an accuracy proof ({@link AccuracyLayout}; null: none): a batch proof's, with
   * the gadget's gap column as one more group of the range lookup, after the layers' (its real
   * entries only, {@link io.zkaudit.accuracy.ArgmaxLayout#gapGroup}).
   */
  public static LookupStatement lookups(
      ModelCircuit c, boolean privateInput, Batch batch, AccuracyLayout accuracy) {
    if (accuracy != null && !accuracy.batch().equals(batch)) {
      throw new IllegalArgumentException("an accuracy proof's layout goes with its batch");
    }
    if (batch != null && privateInput) {
      throw new IllegalArgumentException("a batch proof is about public inputs");
    }
    java.util.function.Function<TensorLayout, Group> box =
        batch == null ? InferenceStatement::box : batch::box;
    List<Group> rounding = new ArrayList<>();
    List<Group> range = new ArrayList<>();
    for (ModelCircuit.ProvenLayer p : c.layers()) {
      Group g = box.apply(p.outLayout());
      rounding.add(g);
      if (!p.rounding().limbs()) {
        range.add(rangePair(g));
      } else {
        // A batch stacks each sample's limb column [low | high] above the previous one, so the
        // limb variable sits between the sample's box and the batch variables (Batch#limbColumn).
        range.add(rangePair(batch == null ? limbColumn(g) : batch.limbColumn(p.outLayout())));
      }
    }
    if (range.isEmpty()) {
      range.add(EMPTY_RANGE_GROUP);
    }
    if (privateInput) {
      range.add(inputRangeGroup(c));
      range.add(inputRangeGroup(c));
    }
    if (accuracy != null) {
      range.add(accuracy.argmax().gapGroup());
    }
    for (ModelCircuit.ProvenLayer p : c.layers()) {
      if (p instanceof ModelCircuit.AddLayer a) {
        for (int side = 0; side < 2; side++) {
          if (!a.isConstant(side)) {
            rounding.add(box.apply(p.outLayout()));
          }
        }
      }
    }
    // Each max pool's chain steps, after every other group (firstPoolGroup).
    for (io.zkaudit.layers.MaxPoolLayer m : c.maxPools()) {
      for (int s = 1; s <= m.steps(); s++) {
        rounding.add(box.apply(m.out()));
      }
    }
    // Then one per concatenation (firstConcatGroup).
    for (io.zkaudit.layers.ConcatLayer k : c.concats()) {
      rounding.add(box.apply(k.out()));
    }
    // Then one per unary table (firstUnaryGroup): a model without one keeps its lookup.
    for (io.zkaudit.layers.UnaryTableLayer u : c.unaries()) {
      rounding.add(box.apply(u.out()));
    }
    return new LookupStatement(
        List.of(new Lookup(table(c), rounding), new Lookup(LookupTable.range(RANGE_BITS), range)));
  }

  /**
   * The range lookup's group in a circuit without rounding layers (max pools of the input, say),
   * which would otherwise have none: a virtual column, zero on all its 16 rows, one of them active.
   * It checks nothing (0 is in the table) and the verifier checks its claim is 0; it only keeps the
   * lookup's shape. Models with a rounding layer never have it.
   */
  public static final Group EMPTY_RANGE_GROUP = new Group(4, 1);

  /**
   * How many groups of the range lookup come before a private input's: one per rounding layer, or
   * the empty group.
   */
  public static int layerRangeGroups(ModelCircuit c) {
    return Math.max(1, c.layers().size());
  }

  /**
   * The index, in the rounding lookup, of the first group of the circuit's first max pool: after
   * one group per rounding layer and one per activation operand of each ADD. A pool's groups are
   * its chain steps in order, and the pools follow one another.
   */
  public static int firstPoolGroup(ModelCircuit c) {
    int n = c.layers().size();
    for (ModelCircuit.ProvenLayer p : c.layers()) {
      if (p instanceof ModelCircuit.AddLayer a) {
        n += (a.isConstant(0) ? 0 : 1) + (a.isConstant(1) ? 0 : 1);
      }
    }
    return n;
  }

  /**
   * The index, in the rounding lookup, of the first concatenation's group: after every max pool's.
   */
  public static int firstConcatGroup(ModelCircuit c) {
    return firstPoolGroup(c)
        + c.maxPools().stream().mapToInt(io.zkaudit.layers.MaxPoolLayer::steps).sum();
  }

  /** The index, in the rounding lookup, of the first unary table's group: after every concat's. */
  public static int firstUnaryGroup(ModelCircuit c) {
    return firstConcatGroup(c) + c.concats().size();
  }

  /**
   * A layer's two range witnesses c1 and c2 as one group over their concatenation: the box's
   * variables, then one more (0: c1, 1: c2), both halves active where the box is. One fraction tree
   * instead of two: each GKR layer sends four values per tree, so this saves (m − 1) of them per
   * layer of m variables (~75 KB of a MobileNet v2 proof). The lookup's claim at (ρ', b) is (1 − b)
   * c1(ρ') + b c2(ρ'); the proof sends c1(ρ') and the verifier derives c2(ρ') from it.
   */
  public static Group rangePair(Group box) {
    List<Group.Extent> extents = new ArrayList<>(box.extents());
    extents.add(new Group.Extent(1, 2));
    return new Group(box.numVars() + 1, extents);
  }

  /**
   * A limb rounding's remainder column as a group: the box's variables, then the limb variable (0:
   * the low 16 bits, 1: the high 16 bits), both halves active where the box is. Its range pair
   * ({@link #rangePair}) reads [c1 | c2] of these columns: four 16-bit limbs per entry.
   */
  public static Group limbColumn(Group box) {
    return rangePair(box);
  }

  /**
   * The point t* = 2^16 / (2^16 + 1) of a limb column's limb variable at which (2^16 + 1)·L(ρ, t*)
   * = L(ρ, 0) + 2^16·L(ρ, 1): the remainder's value from its limbs as one evaluation of the
   * committed column (docs/model-proofs.md, "Limb roundings").
   */
  public static final Ext2 LIMB_POINT =
      Ext2.of(
          io.zkaudit.field.Goldilocks.mul(
              1L << 16, io.zkaudit.field.Goldilocks.inv((1L << 16) + 1)));

  /** 2^16 + 1, the scale between a remainder and its limb column at {@link #LIMB_POINT}. */
  public static final Ext2 LIMB_SCALE = Ext2.of((1L << 16) + 1);

  /**
   * The input shadow's column 0 as a range group: variable 0 is the shadow's t (active at t = 0,
   * the committed input), the others the input's box. The shadow's t = 1 half and the input's
   * padding are inactive, and the zero-knowledge input layout has padding, so every residue class
   * of the low bits has blinding rows.
   */
  public static Group inputRangeGroup(ModelCircuit c) {
    TensorLayout l = inputLayout(c);
    List<Group.Extent> extents = new ArrayList<>();
    extents.add(new Group.Extent(1, 1));
    extents.addAll(box(l).extents());
    return new Group(l.numVars() + 1, extents);
  }

  /**
   * The declared range [lo, hi] of the model's input values, which the private-input range groups
   * check.
   */
  public static long[] inputRange(ModelCircuit c) {
    io.zkaudit.model.ElementType type = c.model().tensor(c.inputTensor()).type();
    if ((long) type.max() - type.min() >= 1L << RANGE_BITS) {
      throw new IllegalStateException("a private input of type " + type + " has no range check");
    }
    return new long[] {type.min(), type.max()};
  }

  /** The rounding table: columns (tag, v1, v2, v3) of the circuit's rows. */
  public static LookupTable table(ModelCircuit c) {
    int n = c.tableRows().size();
    long[][] cols = new long[4][n];
    for (int r = 0; r < n; r++) {
      long[] row = c.tableRows().get(r);
      for (int k = 0; k < 4; k++) {
        cols[k][r] = row[k];
      }
    }
    return LookupTable.ofColumns(cols);
  }

  /** The real entries of a padded tensor: channel, column and row extents, low bits first. */
  public static Group box(TensorLayout l) {
    return new Group(
        l.numVars(),
        List.of(
            new Group.Extent(l.cBits(), l.channels()),
            new Group.Extent(l.wBits(), l.width()),
            new Group.Extent(l.hBits(), l.height())));
  }

  /** The MLE of a layer's tag column: its base, plus the channel index for per-channel tables. */
  public static Ext2 tag(ModelCircuit.ProvenLayer p, Ext2[] point) {
    Ext2 acc = Ext2.of(p.columns().tagBase());
    if (p.columns().perChannel()) {
      long pow = 1;
      for (int j = 0; j < p.outLayout().cBits(); j++) {
        acc = acc.add(point[j].mul(pow));
        pow <<= 1;
      }
    }
    return acc;
  }

  /**
   * Variables of every per-proof column: the circuit's columns, then the two multiplicity columns,
   * then the model input (committed, so that a proof can be checked without the input, and bound to
   * it by one evaluation when the verifier has it), then in a zero-knowledge proof the column of
   * every sumcheck's Libra mask ({@link io.zkaudit.zk.MaskColumn}) and, the lookups being blinded
   * ({@link io.zkaudit.lookup.LogUpBlinding}), the blinding numerators and each lookup's blinding
   * tuple columns u'. Blinded, a multiplicity column interleaves the multiplicities with the
   * table's blinding numerators: one more variable. A zero-knowledge proof is made with the
   * zero-knowledge circuit ({@link ModelCircuit#of(io.zkaudit.model.ModelDescription, boolean)}),
   * in which every tensor has padding.
   */
  public static int[] witnessLogSizes(ModelCircuit c, LookupStatement st, boolean zeroKnowledge) {
    return witnessLogSizes(c, st, zeroKnowledge, null);
  }

  /**
   * The same for a batch proof ({@link Batch}; null: one sample): the circuit's columns and the
   * input hold every sample (the batch variables on top); the multiplicity, mask and blinding
   * columns are the batch's, one each.
   */
  public static int[] witnessLogSizes(
      ModelCircuit c, LookupStatement st, boolean zeroKnowledge, Batch batch) {
    return witnessLogSizes(c, st, zeroKnowledge, batch, null);
  }

  /**
   * The same for an accuracy proof ({@link AccuracyLayout}; null: none): a batch proof's columns,
   * then the logits, the selector, the maximum and the gap ({@link #accuracyColumn}).
   */
  public static int[] witnessLogSizes(
      ModelCircuit c,
      LookupStatement st,
      boolean zeroKnowledge,
      Batch batch,
      AccuracyLayout accuracy) {
    int batchBits = batch == null ? 0 : batch.bits();
    if (zeroKnowledge != st.blinded()) {
      throw new IllegalArgumentException(
          "a zero-knowledge proof blinds its lookups, a plain one does not");
    }
    if (zeroKnowledge != c.zeroKnowledge()) {
      throw new IllegalArgumentException(
          "a zero-knowledge proof uses the zero-knowledge circuit, a plain one the plain circuit");
    }
    int n = c.columns().size();
    int blindingColumns = 0;
    if (zeroKnowledge) {
      blindingColumns = 1;
      for (LookupStatement.Lookup lk : st.lookups()) {
        blindingColumns += lk.table().width();
      }
    }
    int[] logs =
        new int[n + (zeroKnowledge ? 4 : 3) + blindingColumns + (accuracy == null ? 0 : 4)];
    for (int i = 0; i < n; i++) {
      logs[i] = c.columns().get(i).numVars() + batchBits;
    }
    int extra = zeroKnowledge ? 1 : 0;
    logs[n] = st.lookups().get(0).table().numVars() + extra;
    logs[n + 1] = RANGE_BITS + extra;
    logs[n + 2] = inputLayout(c).numVars() + batchBits;
    if (zeroKnowledge) {
      logs[n + 3] =
          io.zkaudit.zk.MaskColumn.numVars(MaskSchedule.of(c, st, batch, accuracy).blocks());
      logs[n + 4] = io.zkaudit.lookup.LogUpBlinding.of(st).numeratorVars();
      io.zkaudit.lookup.LogUpBlinding plan = io.zkaudit.lookup.LogUpBlinding.of(st);
      int k = n + 5;
      for (int l = 0; l < st.lookups().size(); l++) {
        for (int col = 0; col < st.lookups().get(l).table().width(); col++) {
          logs[k++] = plan.tupleVars(l);
        }
      }
    }
    if (accuracy != null) {
      System.arraycopy(accuracy.columnVars(), 0, logs, logs.length - 4, 4);
    }
    return logs;
  }

  /**
   * The witness column of one of an accuracy proof's four columns (logits, selector, maximum, gap:
   * {@link AccuracyLayout}), after every column a batch proof of the same kind has.
   */
  public static int accuracyColumn(
      ModelCircuit c, LookupStatement st, io.zkaudit.accuracy.ColumnEvaluation.Column column) {
    if (column == io.zkaudit.accuracy.ColumnEvaluation.Column.LABELS) {
      throw new IllegalArgumentException("the labels are public: no witness column holds them");
    }
    int base = c.columns().size() + 3;
    if (st.blinded()) {
      base += 2;
      for (LookupStatement.Lookup lk : st.lookups()) {
        base += lk.table().width();
      }
    }
    return base + column.ordinal();
  }

  /**
   * The fewest uniform entries a zero-knowledge proof's witness commitment may hold per bin. Its
   * opening reveals about 9,000 linear functionals of each bin (124 queries times a 16-entry leaf
   * and the entries of the folded oracles' leaves, plus the rounds), each with nonzero weight on
   * every entry of the bin; since format 8's batched opening the shared oracles reveal functionals
   * of the bins' combination instead, plus the claim reduction's 3n + m values; they are uniform
   * while the bin holds more uniform entries than that, in general position
   * (docs/zero-knowledge.md, "What still leaks"). 2^15 keeps the margin of more than three the 2^13
   * of format 5 had over its 42 queries.
   */
  public static final long MIN_RANDOM_ENTRIES_PER_BIN = 1L << 15;

  /**
   * How many entries of each witness bin a zero-knowledge proof fills with uniform values, from the
   * public layouts alone: the padding of every committed activation (but the model's output), range
   * witness and rescaled ADD input, the unused blocks of the mask and numerator columns, and the
   * bin's packed tail. The input column counts for nothing (a public input's padding is zero).
   */
  public static long[] randomEntriesPerBin(ModelCircuit c, LookupStatement st) {
    return randomEntriesPerBin(c, st, witnessBins(c, st, true));
  }

  /** The same for a batch proof (null: one sample). */
  public static long[] randomEntriesPerBin(ModelCircuit c, LookupStatement st, Batch batch) {
    return randomEntriesPerBin(c, st, witnessBins(c, st, true, batch), batch);
  }

  /** The same for a given split of the zero-knowledge witness columns into bins. */
  public static long[] randomEntriesPerBin(
      ModelCircuit c, LookupStatement st, io.zkaudit.pcs.ColumnBins bins) {
    return randomEntriesPerBin(c, st, bins, null);
  }

  /**
   * The same for a batch proof: each per-sample column holds every sample's padding (N' times one
   * sample's).
   */
  public static long[] randomEntriesPerBin(
      ModelCircuit c, LookupStatement st, io.zkaudit.pcs.ColumnBins bins, Batch batch) {
    return randomEntriesPerBin(c, st, bins, batch, null);
  }

  /** The same for an accuracy proof (null: none), whose four columns hold their padding. */
  public static long[] randomEntriesPerBin(
      ModelCircuit c,
      LookupStatement st,
      io.zkaudit.pcs.ColumnBins bins,
      Batch batch,
      AccuracyLayout accuracy) {
    int[] logs = witnessLogSizes(c, st, true, batch, accuracy);
    long[] random = randomEntriesPerColumn(c, st, batch, accuracy);
    if (batch != null) {
      for (int i = 0; i < c.columns().size(); i++) {
        random[i] *= batch.paddedSamples();
      }
    }
    long[] out = new long[bins.bins()];
    for (int b = 0; b < out.length; b++) {
      long used = 0;
      for (int col : bins.columns(b)) {
        used += 1L << logs[col];
        out[b] += random[col];
      }
      out[b] += (1L << bins.layout(b).numVars()) - used;
    }
    return out;
  }

  /** The same per witness column (zero-knowledge column order), without the bins' tails. */
  public static long[] randomEntriesPerColumn(ModelCircuit c, LookupStatement st) {
    return randomEntriesPerColumn(c, st, null);
  }

  /**
   * The same for a batch proof's mask column (its schedule may be longer); the per-sample columns'
   * figures are one sample's.
   */
  public static long[] randomEntriesPerColumn(ModelCircuit c, LookupStatement st, Batch batch) {
    return randomEntriesPerColumn(c, st, batch, null);
  }

  /**
   * The same for an accuracy proof (null: none): its four columns' uniform entries are absolute
   * counts (the logits' over every sample of the batch).
   */
  public static long[] randomEntriesPerColumn(
      ModelCircuit c, LookupStatement st, Batch batch, AccuracyLayout accuracy) {
    int[] logs = witnessLogSizes(c, st, true, batch, accuracy);
    long[] random = new long[logs.length];
    for (ModelCircuit.ProvenLayer p : c.layers()) {
      long padding = p.outLayout().paddedSize() - (long) p.outLayout().realSize();
      if (p.columns().out() >= 0 && c.resolve(p.layer().output()) != c.outputTensor()) {
        random[p.columns().out()] = padding;
      }
      // A limb column's two halves each have the tensor's padding.
      random[p.columns().c1()] = padding * p.rounding().limbCount();
      random[p.columns().c2()] = padding * p.rounding().limbCount();
      if (p instanceof ModelCircuit.AddLayer a) {
        for (int side = 0; side < 2; side++) {
          if (a.sColumn(side) >= 0) {
            random[a.sColumn(side)] = padding;
          }
        }
      }
    }
    for (io.zkaudit.layers.MaxPoolLayer m : c.maxPools()) {
      long padding = m.out().paddedSize() - (long) m.out().realSize();
      for (int col : m.stepColumns()) {
        random[col] = padding;
      }
      if (m.outColumn() >= 0) {
        random[m.outColumn()] = padding;
      }
    }
    for (io.zkaudit.layers.ConcatLayer k : c.concats()) {
      if (k.outColumn() >= 0) {
        random[k.outColumn()] = k.out().paddedSize() - (long) k.out().realSize();
      }
    }
    for (io.zkaudit.layers.UnaryTableLayer u : c.unaries()) {
      if (u.outColumn() >= 0) {
        random[u.outColumn()] = u.out().paddedSize() - (long) u.out().realSize();
      }
    }
    random[maskColumn(c)] =
        (1L << logs[maskColumn(c)])
            - ((long) MaskSchedule.of(c, st, batch, accuracy).blocks()
                << io.zkaudit.zk.MaskColumn.BLOCK_VARS);
    random[blindingNumeratorColumn(c)] =
        (1L << logs[blindingNumeratorColumn(c)])
            - io.zkaudit.lookup.LogUpBlinding.of(st).numerators();
    if (accuracy != null) {
      System.arraycopy(accuracy.randomEntries(), 0, random, random.length - 4, 4);
    }
    return random;
  }

  /** The column of the blinding numerators (zero-knowledge proofs only). */
  public static int blindingNumeratorColumn(ModelCircuit c) {
    return c.columns().size() + 4;
  }

  /** The blinding tuple column u'_col of a lookup (zero-knowledge proofs only). */
  public static int blindingTupleColumn(ModelCircuit c, LookupStatement st, int lookup, int col) {
    int k = c.columns().size() + 5;
    for (int l = 0; l < lookup; l++) {
      k += st.lookups().get(l).table().width();
    }
    return k + col;
  }

  /**
   * Large witnesses go into up to two commitments (the total's leading power of two, and the rest
   * padded: MobileNet v2's ~40M entries become 2^25 + 2^23, 5% padding, where one commitment would
   * be 2^26, 69%); small ones into one. Each bin is a separate opening of ~200 KB at 124 queries,
   * which since format 6 outweighs the padding a third bin saved (format 5 had three bins, each
   * opening a third of that size at 42 queries).
   */
  public static final int WITNESS_BINS = 2;

  public static final int SPLIT_FROM_VARS = 22;

  /** The witness commitments' layout, for the circuit's lookup statement ({@link #lookups}). */
  public static io.zkaudit.pcs.ColumnBins witnessBins(
      ModelCircuit c, LookupStatement st, boolean zeroKnowledge) {
    return witnessBins(c, st, zeroKnowledge, null);
  }

  /** The same for a batch proof ({@link Batch}; null: one sample). */
  public static io.zkaudit.pcs.ColumnBins witnessBins(
      ModelCircuit c, LookupStatement st, boolean zeroKnowledge, Batch batch) {
    return witnessBins(c, st, zeroKnowledge, batch, null);
  }

  /** The same for an accuracy proof ({@link AccuracyLayout}; null: none). */
  public static io.zkaudit.pcs.ColumnBins witnessBins(
      ModelCircuit c,
      LookupStatement st,
      boolean zeroKnowledge,
      Batch batch,
      AccuracyLayout accuracy) {
    int[] logs = witnessLogSizes(c, st, zeroKnowledge, batch, accuracy);
    long total = 0;
    for (int l : logs) {
      total += 1L << l;
    }
    io.zkaudit.pcs.ColumnBins bins =
        new io.zkaudit.pcs.ColumnBins(logs, total > 1L << SPLIT_FROM_VARS ? WITNESS_BINS : 1);
    return zeroKnowledge ? wideEnoughToHide(c, st, bins, batch, accuracy) : bins;
  }

  /**
   * A zero-knowledge bin that would hold fewer than {@link #MIN_RANDOM_ENTRIES_PER_BIN} uniform
   * entries gets a larger table: its tail, filled with uniform values and read by no claim, grows
   * to the smallest power of two that makes up the difference. So every model has a zero-knowledge
   * proof; a thin one pays with a larger commitment (at most twice its bin), no shipped model with
   * anything.
   */
  private static io.zkaudit.pcs.ColumnBins wideEnoughToHide(
      ModelCircuit c,
      LookupStatement st,
      io.zkaudit.pcs.ColumnBins bins,
      Batch batch,
      AccuracyLayout accuracy) {
    long[] random = randomEntriesPerBin(c, st, bins, batch, accuracy);
    int[] minVars = new int[bins.bins()];
    boolean grown = false;
    for (int b = 0; b < minVars.length; b++) {
      io.zkaudit.pcs.PackedLayout layout = bins.layout(b);
      long used = layout.usedEntries();
      long inColumns = random[b] - ((1L << layout.numVars()) - used);
      int n = layout.numVars();
      while (inColumns + (1L << n) - used < MIN_RANDOM_ENTRIES_PER_BIN) {
        n++;
      }
      minVars[b] = n;
      grown |= n > layout.numVars();
    }
    return grown ? bins.withMinVars(minVars) : bins;
  }

  public static int roundingMultiplicityColumn(ModelCircuit c) {
    return c.columns().size();
  }

  public static int rangeMultiplicityColumn(ModelCircuit c) {
    return c.columns().size() + 1;
  }

  public static int inputColumn(ModelCircuit c) {
    return c.columns().size() + 2;
  }

  /** The column of the Libra masks (zero-knowledge proofs only). */
  public static int maskColumn(ModelCircuit c) {
    return c.columns().size() + 3;
  }

  /**
   * The model input's layout in this circuit (with its zero-knowledge padding in a zero-knowledge
   * circuit).
   */
  public static TensorLayout inputLayout(ModelCircuit c) {
    return c.layout(c.inputTensor());
  }

  /**
   * The proven output's layout: the last proven layer's, which the verifier places the public
   * output in.
   */
  public static TensorLayout outputLayout(ModelCircuit c) {
    return c.layout(c.outputTensor());
  }
}
