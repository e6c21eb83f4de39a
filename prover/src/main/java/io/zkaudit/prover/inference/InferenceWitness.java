package io.zkaudit.prover.inference;

import io.zkaudit.engine.InferenceTrace;
import io.zkaudit.engine.LayerTrace;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.inference.InferenceStatement;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.layers.ModelCircuit.AddLayer;
import io.zkaudit.layers.ModelCircuit.LinearLayer;
import io.zkaudit.layers.ModelCircuit.ProductLayer;
import io.zkaudit.layers.ModelCircuit.ProvenLayer;
import io.zkaudit.layers.ModelCircuit.RequantizeLayer;
import io.zkaudit.layers.TensorLayout;
import io.zkaudit.layers.WindowedLinear;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.prover.lookup.GroupColumn;
import io.zkaudit.prover.lookup.LookupWitness;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.quant.StepTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every table the proof needs, built from one engine trace: the padded activations, each layer's
 * accumulator and range witnesses, the committed columns and the lookup witnesses.
 */
final class InferenceWitness {
  final Map<Integer, long[]> activations = new HashMap<>();
  final long[][] accumulators;
  final long[][] c1;
  final long[][] c2;
  final long[][] columns;
  List<LookupWitness> lookups;
  final long[] inputTable;
  final int[] output;

  /**
   * Per max pool of the circuit: its selections and running maxima (the lookup groups read these
   * arrays).
   */
  final List<PoolWitness> pools = new ArrayList<>();

  /**
   * A max pool's witness: taps[k] = X_k (virtual, {@link
   * io.zkaudit.prover.layers.MaxPoolProver#selection}), maxima[s - 1] = m_s for the chain steps s =
   * 1..S, the last being the output's table (committed unless public) and the others committed
   * columns.
   */
  record PoolWitness(long[][] taps, long[][] maxima) {}

  private InferenceWitness(
      long[][] accumulators,
      long[][] c1,
      long[][] c2,
      long[][] columns,
      long[] inputTable,
      int[] output) {
    this.accumulators = accumulators;
    this.c1 = c1;
    this.c2 = c2;
    this.columns = columns;
    this.inputTable = inputTable;
    this.output = output;
  }

  /**
   * The witness of a batch proof (io.zkaudit.inference.Batch) from its N' samples' witnesses,
   * {@code sample.apply(b)} for b = 0..N'-1, each built under the single-sample statement and
   * dropped once copied (a padding sample's is built from sample 0's trace, with its own padding
   * randomness): every per-sample table is the samples' tables one after the other (the sample
   * index on top), every lookup group the samples' groups likewise (a range pair [c1 | c2] over the
   * batched c1 and c2), the multiplicities counted over the batch, and the output the N real
   * samples' outputs concatenated. A table that one sample's witness shares between places (an
   * output that is a column, an activation and a lookup group's column) is one table in the batch
   * too, so the batch holds one copy of each (Parts).
   */
  static InferenceWitness batch(
      ModelCircuit circuit,
      LookupStatement batched,
      int realSamples,
      int paddedSamples,
      java.util.function.IntFunction<InferenceWitness> sample) {
    InferenceWitness first = sample.apply(0);
    Parts parts = new Parts(first, paddedSamples);
    int outputSize = first.output.length;
    int[] output = new int[realSamples * outputSize];
    for (int b = 0; b < paddedSamples; b++) {
      InferenceWitness w = b == 0 ? first : sample.apply(b);
      parts.copy(w, b);
      if (b < realSamples) {
        System.arraycopy(w.output, 0, output, b * outputSize, outputSize);
      }
    }
    return parts.witness(circuit, batched, output);
  }

  /**
   * The tables of one sample's witness in a fixed order (accumulators, c1, c2, columns, input,
   * activations by tensor, the rounding lookup's group columns), and for each its batched table:
   * one per distinct table of sample 0's witness, by identity.
   */
  private static final class Parts {
    private final List<Integer> tensors;
    private final int layers;
    private final long[][] targets;

    /** The rounding lookup's groups over the batch's tables (filled by {@link #copy}). */
    private final List<GroupColumn[]> rounding = new ArrayList<>();

    Parts(InferenceWitness first, int samples) {
      this.layers = first.c1.length;
      this.tensors = first.activations.keySet().stream().sorted().toList();
      List<long[]> own = list(first);
      java.util.Map<long[], long[]> batched = new java.util.IdentityHashMap<>();
      targets = new long[own.size()][];
      for (int p = 0; p < own.size(); p++) {
        long[] t = own.get(p);
        targets[p] =
            t == null ? null : batched.computeIfAbsent(t, x -> new long[x.length * samples]);
      }
      // The same rules over the batch's tables: every array a rule reads is one of the tables.
      for (GroupColumn[] g : first.lookups.get(0).columns()) {
        GroupColumn[] out = new GroupColumn[g.length];
        for (int c = 0; c < g.length; c++) {
          out[c] =
              switch (g[c]) {
                case GroupColumn.Held h -> new GroupColumn.Held(batched.get(h.values()));
                case GroupColumn.Constant k ->
                    new GroupColumn.Constant(k.value(), k.size() * samples);
                case GroupColumn.ChannelTag t ->
                    new GroupColumn.ChannelTag(t.base(), t.channelBits(), t.size() * samples);
                case GroupColumn.Sum sum ->
                    new GroupColumn.Sum(
                        batched.get(sum.x()), batched.get(sum.y()), sum.subtract(), sum.constant());
                case GroupColumn.Halves h ->
                    throw new IllegalStateException("a range pair in the rounding lookup");
              };
        }
        rounding.add(out);
      }
    }

    private List<long[]> list(InferenceWitness w) {
      List<long[]> out = new ArrayList<>();
      for (int k = 0; k < layers; k++) {
        out.add(w.accumulators[k]);
        out.add(w.c1[k]);
        out.add(w.c2[k]);
      }
      out.addAll(java.util.Arrays.asList(w.columns));
      out.add(w.inputTable);
      for (Integer t : tensors) {
        out.add(w.activations.get(t));
      }
      for (GroupColumn[] g : w.lookups.get(0).columns()) {
        for (GroupColumn c : g) {
          if (c instanceof GroupColumn.Held h) {
            out.add(h.values());
          }
        }
      }
      return out;
    }

    /** Sample b's tables into the batch's, at offset b times their size. */
    void copy(InferenceWitness w, int b) {
      List<long[]> own = list(w);
      for (int p = 0; p < own.size(); p++) {
        long[] t = own.get(p);
        if (t != null) {
          System.arraycopy(t, 0, targets[p], b * t.length, t.length);
        }
      }
    }

    InferenceWitness witness(ModelCircuit circuit, LookupStatement batched, int[] output) {
      java.util.Iterator<long[]> it = java.util.Arrays.asList(targets).iterator();
      long[][] acc = new long[layers][];
      long[][] c1 = new long[layers][];
      long[][] c2 = new long[layers][];
      for (int k = 0; k < layers; k++) {
        acc[k] = it.next();
        c1[k] = it.next();
        c2[k] = it.next();
      }
      long[][] columns = new long[circuit.columns().size()][];
      for (int i = 0; i < columns.length; i++) {
        columns[i] = it.next();
      }
      InferenceWitness w = new InferenceWitness(acc, c1, c2, columns, it.next(), output);
      for (Integer t : tensors) {
        w.activations.put(t, it.next());
      }
      List<GroupColumn[]> range = new ArrayList<>();
      for (int k = 0; k < layers; k++) {
        // The range pair reads the committed columns: a limb rounding's are its batched limb
        // columns (each sample's [low | high] in turn: Batch#limbColumn), not the remainders.
        ModelCircuit.RoundingColumns rc = circuit.layers().get(k).columns();
        long[] r1 = circuit.layers().get(k).rounding().limbs() ? columns[rc.c1()] : c1[k];
        long[] r2 = circuit.layers().get(k).rounding().limbs() ? columns[rc.c2()] : c2[k];
        range.add(new GroupColumn[] {new GroupColumn.Halves(r1, r2)});
      }
      if (range.isEmpty()) {
        range.add(emptyRangeGroup());
      }
      w.lookups =
          List.of(
              LookupWitness.computeColumns(batched.lookups().get(0), rounding),
              // An accuracy proof's gap group comes later (rangeGap), once the gadget's is built.
              LookupWitness.computeColumns(
                  new LookupStatement.Lookup(
                      batched.lookups().get(1).table(),
                      batched.lookups().get(1).groups().subList(0, range.size())),
                  range));
      return w;
    }
  }

  InferenceWitness(
      ModelCircuit circuit, QuantizedModel model, InferenceTrace trace, LookupStatement statement) {
    this(circuit, model, trace, statement, null);
  }

  /**
   * With {@code padding} not null (zero-knowledge proofs), the padding entries of the committed
   * activations, range witnesses and rescaled ADD inputs are uniform instead of zero: no relation
   * of the proof reads them (lookups look at real rows only, windows and channel masks skip
   * padding, and each accumulator's padding follows from the same tables), so the proof stays
   * complete, and every evaluation of such a column at a random point is masked by them
   * (docs/zero-knowledge.md).
   */
  InferenceWitness(
      ModelCircuit circuit,
      QuantizedModel model,
      InferenceTrace trace,
      LookupStatement statement,
      io.zkaudit.zk.ZkRandom padding) {
    this(circuit, model, trace, statement, padding, null);
  }

  /**
   * With {@code committedInput} not null (a private input, committed apart with its padding
   * uniform), the layers read that table, and the witness's own input column, which no claim reads
   * then, is uniform.
   */
  InferenceWitness(
      ModelCircuit circuit,
      QuantizedModel model,
      InferenceTrace trace,
      LookupStatement statement,
      io.zkaudit.zk.ZkRandom padding,
      long[] committedInput) {
    this(circuit, model, trace, statement, padding, committedInput, null);
  }

  /**
   * With {@code virtualPadding} not null (zero-knowledge proofs: the mask column's padding scalars
   * in schedule order, one pair per linear layer or product, then per max pool tap, then per
   * concatenation), each virtual column the rounding lookup reads (accumulators, window selections,
   * shifted inputs) holds its formula plus m1 + m2·x_0 on the padded positions ({@link
   * io.zkaudit.layers.VirtualPadding}).
   */
  InferenceWitness(
      ModelCircuit circuit,
      QuantizedModel model,
      InferenceTrace trace,
      LookupStatement statement,
      io.zkaudit.zk.ZkRandom padding,
      long[] committedInput,
      List<io.zkaudit.field.Ext2> virtualPadding) {
    this(circuit, model, trace, statement, padding, committedInput, virtualPadding, false);
  }

  /**
   * With {@code committedOutput} (an accuracy proof: io.zkaudit.inference.AccuracyLayout), the
   * model's output is a committed column like any activation, its padding uniform in a
   * zero-knowledge proof (the lookups read the very table the proof commits); otherwise it is the
   * public output, zero on its padding as the verifier places it.
   */
  InferenceWitness(
      ModelCircuit circuit,
      QuantizedModel model,
      InferenceTrace trace,
      LookupStatement statement,
      io.zkaudit.zk.ZkRandom padding,
      long[] committedInput,
      List<io.zkaudit.field.Ext2> virtualPadding,
      boolean committedOutput) {
    java.util.Iterator<io.zkaudit.field.Ext2> scalars =
        virtualPadding == null ? null : virtualPadding.iterator();
    int layers = circuit.layers().size();
    accumulators = new long[layers][];
    c1 = new long[layers][];
    c2 = new long[layers][];
    columns = new long[circuit.columns().size()][];
    if (committedInput == null) {
      inputTable =
          InferenceStatement.inputLayout(circuit).place(trace.tensor(circuit.inputTensor()));
      activations.put(circuit.inputTensor(), inputTable);
    } else {
      inputTable = new long[committedInput.length];
      padding.fill(inputTable, i -> true);
      activations.put(circuit.inputTensor(), committedInput);
    }
    output = trace.tensor(circuit.outputTensor()).clone();

    // Max pool outputs first: a later layer may read one, and the pools are proven after every
    // layer.
    for (io.zkaudit.layers.MaxPoolLayer m : circuit.maxPools()) {
      placeOutput(
          m.out(),
          trace.layers().get(m.layerIndex()).output(),
          m.layer().output(),
          m.outColumn(),
          hidden(circuit, m.layer().output(), m.outColumn(), committedOutput, padding));
    }
    for (io.zkaudit.layers.ConcatLayer c : circuit.concats()) {
      placeOutput(
          c.out(),
          trace.layers().get(c.layerIndex()).output(),
          c.layer().output(),
          c.outColumn(),
          hidden(circuit, c.layer().output(), c.outColumn(), committedOutput, padding));
    }
    for (io.zkaudit.layers.UnaryTableLayer u : circuit.unaries()) {
      placeOutput(
          u.out(),
          trace.layers().get(u.layerIndex()).output(),
          u.layer().output(),
          u.outColumn(),
          hidden(circuit, u.layer().output(), u.outColumn(), committedOutput, padding));
    }
    List<GroupColumn[]> roundingGroups = new ArrayList<>();
    List<GroupColumn[]> rangeGroups = new ArrayList<>();
    List<GroupColumn[]> rescaleGroups = new ArrayList<>();
    for (int k = 0; k < layers; k++) {
      ProvenLayer p = circuit.layers().get(k);
      LayerTrace lt = trace.layers().get(p.layerIndex());
      TensorLayout out = p.outLayout();
      long[] outTable = out.place(lt.output());
      // Not the model's output (maybe committed under an alias): the verifier checks it against the
      // public output.
      boolean isOutput = circuit.resolve(p.layer().output()) == circuit.outputTensor();
      if (padding != null && (committedOutput || (p.columns().out() >= 0 && !isOutput))) {
        padding.fill(outTable, i -> !out.isReal(i));
      }
      activations.put(p.layer().output(), outTable);
      long[] acc =
          switch (p) {
            case LinearLayer l -> {
              long[] a = linearAccumulator(l, lt, model, circuit);
              if (scalars != null) {
                io.zkaudit.layers.VirtualPadding.addTo(out, a, scalars.next());
              }
              yield a;
            }
            case AddLayer a -> {
              long[] sum = new long[out.paddedSize()];
              for (int side = 0; side < 2; side++) {
                long[] part;
                if (a.isConstant(side)) {
                  // A per-channel addend, the same on every position (padding included).
                  long[] addend = addend(a, side, model);
                  part = new long[out.paddedSize()];
                  int cMask = (1 << out.cBits()) - 1;
                  for (int i = 0; i < part.length; i++) {
                    part[i] = addend[i & cMask];
                  }
                } else {
                  int sideIndex = side;
                  part =
                      rescaled(
                          out,
                          lt.inputs().get(side),
                          x ->
                              sideIndex == 0
                                  ? a.layer().rawSum(x, a.layer().bZeroPoint())
                                  : a.layer().rawSum(a.layer().aZeroPoint(), x));
                  if (padding != null) {
                    padding.fill(part, i -> !out.isReal(i));
                  }
                  columns[a.sColumn(side)] = part;
                  rescaleGroups.add(
                      new GroupColumn[] {
                        constant(out, a.tag(side)),
                        held(activation(circuit, a.input(side))),
                        held(part),
                        constant(out, 0)
                      });
                }
                for (int i = 0; i < sum.length; i++) {
                  sum[i] = Goldilocks.add(sum[i], part[i]);
                }
              }
              yield sum;
            }
            case ProductLayer m -> {
              long[] a =
                  io.zkaudit.prover.layers.ProductProver.accumulator(
                      m.product(),
                      activation(circuit, m.product().a().tensor()),
                      activation(circuit, m.product().b().tensor()));
              if (scalars != null) {
                io.zkaudit.layers.VirtualPadding.addTo(out, a, scalars.next());
              }
              yield a;
            }
            case RequantizeLayer q -> {
              long[] in = activation(circuit, q.layer().input()).clone();
              long zin = Goldilocks.fromSigned(q.layer().inputZeroPoint());
              for (int y = 0; y < out.height(); y++) {
                for (int x = 0; x < out.width(); x++) {
                  for (int c = 0; c < out.channels(); c++) {
                    int i = out.index(y, x, c);
                    in[i] = Goldilocks.sub(in[i], zin);
                  }
                }
              }
              yield in;
            }
          };
      accumulators[k] = acc;
      rangeWitness(p, k, outTable, acc);
      if (padding != null) {
        padding.fill(c1[k], i -> !out.isReal(i));
        padding.fill(c2[k], i -> !out.isReal(i));
      }
      if (p.columns().out() >= 0) {
        columns[p.columns().out()] = outTable;
      }
      long[] c1Column = c1[k];
      long[] c2Column = c2[k];
      if (p.rounding().limbs()) {
        c1Column = limbColumn(c1[k], out, padding);
        c2Column = limbColumn(c2[k], out, padding);
      }
      columns[p.columns().c1()] = c1Column;
      columns[p.columns().c2()] = c2Column;
      // (tag, out, acc - c1, acc + c2 + 1): the last two as rules over the held acc, c1 and c2.
      roundingGroups.add(
          new GroupColumn[] {
            tags(p),
            held(outTable),
            new GroupColumn.Sum(acc, c1[k], true, 0),
            new GroupColumn.Sum(acc, c2[k], false, 1)
          });
      // [c1 | c2]: the top variable picks the half (InferenceStatement.rangePair), read from the
      // committed columns themselves. (With limbs, [c1 limbs | c2 limbs]: the limb variable below
      // the half.)
      rangeGroups.add(new GroupColumn[] {new GroupColumn.Halves(c1Column, c2Column)});
    }
    if (rangeGroups.isEmpty()) {
      rangeGroups.add(emptyRangeGroup());
    }
    roundingGroups.addAll(rescaleGroups);
    for (io.zkaudit.layers.MaxPoolLayer m : circuit.maxPools()) {
      PoolWitness pw = poolWitness(circuit, m, padding, scalars);
      pools.add(pw);
      roundingGroups.addAll(poolGroups(m, pw));
    }
    for (io.zkaudit.layers.ConcatLayer c : circuit.concats()) {
      long[] v =
          io.zkaudit.prover.layers.ConcatProver.virtual(
              c, c.inputs().stream().map(t -> activation(circuit, t)).toList());
      if (scalars != null) {
        io.zkaudit.layers.VirtualPadding.addTo(c.out(), v, scalars.next());
      }
      long[] out = activations.get(c.layer().output());
      roundingGroups.add(
          new GroupColumn[] {constant(c.out(), c.tag()), held(out), held(v), constant(c.out(), 0)});
    }
    // (tag, x, y, 0): the committed input and output themselves, no virtual column.
    for (io.zkaudit.layers.UnaryTableLayer u : circuit.unaries()) {
      long[] out = activations.get(u.layer().output());
      roundingGroups.add(
          new GroupColumn[] {
            constant(u.out(), u.tag()),
            held(activation(circuit, u.input())),
            held(out),
            constant(u.out(), 0)
          });
    }
    lookups =
        List.of(
            LookupWitness.computeColumns(statement.lookups().get(0), roundingGroups),
            // A private input's two range groups come later (rangeInput), once its shadow is drawn.
            LookupWitness.computeColumns(
                new LookupStatement.Lookup(
                    statement.lookups().get(1).table(),
                    statement.lookups().get(1).groups().subList(0, rangeGroups.size())),
                rangeGroups));
  }

  /** The columns in commitment order: the circuit's, the two multiplicity columns, the input. */
  List<long[]> committedColumns() {
    List<long[]> all = new ArrayList<>(List.of(columns));
    all.add(lookups.get(0).committedMultiplicities());
    all.add(lookups.get(1).committedMultiplicities());
    all.add(inputTable);
    return all;
  }

  /**
   * Blinds the lookups of a zero-knowledge proof under the blinded statement's plan (uniform
   * numerators from random): the multiplicity columns then carry their tables' blinding halves.
   */
  void blind(LookupStatement blinded, io.zkaudit.zk.ZkRandom random) {
    io.zkaudit.lookup.LogUpBlinding plan = io.zkaudit.lookup.LogUpBlinding.of(blinded);
    List<LookupWitness> out = new ArrayList<>();
    for (int l = 0; l < lookups.size(); l++) {
      out.add(lookups.get(l).blind(blinded.lookups().get(l), plan, l, random::nextField));
    }
    lookups = List.copyOf(out);
  }

  /**
   * The blinding columns after the mask column ({@link InferenceStatement#witnessLogSizes}): every
   * group's numerators in plan order (the column's unused entries uniform), then each lookup's u'.
   */
  List<long[]> blindingColumns(LookupStatement blinded, io.zkaudit.zk.ZkRandom random) {
    io.zkaudit.lookup.LogUpBlinding plan = io.zkaudit.lookup.LogUpBlinding.of(blinded);
    long[] numerators = new long[1 << plan.numeratorVars()];
    for (int l = 0; l < lookups.size(); l++) {
      long[][] b = lookups.get(l).blinding().numerators();
      for (int g = 0; g < b.length; g++) {
        System.arraycopy(b[g], 0, numerators, plan.offset(l, g), b[g].length);
      }
    }
    int used = plan.numerators();
    random.fill(numerators, i -> i >= used); // read by no claim
    List<long[]> out = new ArrayList<>();
    out.add(numerators);
    for (LookupWitness lw : lookups) {
      out.addAll(List.of(lw.blinding().tableTuples()));
    }
    return out;
  }

  /**
   * Adds a private input's two range groups (x - lo and hi - x over the input shadow's column 0,
   * every row: {@link InferenceStatement#lookups(ModelCircuit, boolean)}) to the range lookup.
   */
  void rangeInput(ModelCircuit circuit, LookupStatement statement, long[] shadowColumn) {
    List<GroupColumn[]> groups = new ArrayList<>(lookups.get(1).columns());
    for (long[] bound : inputBounds(circuit, shadowColumn)) {
      groups.add(new GroupColumn[] {held(bound)});
    }
    lookups =
        List.of(lookups.get(0), LookupWitness.computeColumns(statement.lookups().get(1), groups));
  }

  /**
   * The range lookup's groups with a private input's two bound checks appended: input − lo and hi −
   * input over the input shadow's column.
   */
  List<long[][]> rangeGroupsWithInput(ModelCircuit circuit, long[] shadowColumn) {
    List<long[][]> groups = new ArrayList<>(lookups.get(1).groups());
    for (long[] bound : inputBounds(circuit, shadowColumn)) {
      groups.add(new long[][] {bound});
    }
    return groups;
  }

  /** input − lo and hi − input over the input shadow's column. */
  private static long[][] inputBounds(ModelCircuit circuit, long[] shadowColumn) {
    long[] bounds = InferenceStatement.inputRange(circuit);
    long lo = Goldilocks.fromSigned(bounds[0]);
    long hi = Goldilocks.fromSigned(bounds[1]);
    long[] low = new long[shadowColumn.length];
    long[] high = new long[shadowColumn.length];
    for (int i = 0; i < low.length; i++) {
      low[i] = Goldilocks.sub(shadowColumn[i], lo);
      high[i] = Goldilocks.sub(hi, shadowColumn[i]);
    }
    return new long[][] {low, high};
  }

  /**
   * The padding randomness of a layer's output table: none for the public output (no column), the
   * proof's for a committed column, the model's output in an accuracy proof included.
   */
  private static io.zkaudit.zk.ZkRandom hidden(
      ModelCircuit circuit,
      int tensor,
      int column,
      boolean committedOutput,
      io.zkaudit.zk.ZkRandom padding) {
    boolean committed =
        column >= 0 || (committedOutput && circuit.resolve(tensor) == circuit.outputTensor());
    return committed ? padding : null;
  }

  /**
   * Adds the accuracy gadget's gap column (io.zkaudit.accuracy.ArgmaxLayout#gapGroup) to the range
   * lookup, after the layers' groups: the statement's range lookup has it last.
   */
  void rangeGap(LookupStatement statement, long[] gap) {
    int layerGroups = statement.lookups().get(1).groups().size() - 1;
    List<GroupColumn[]> groups = new ArrayList<>(lookups.get(1).columns().subList(0, layerGroups));
    groups.add(new GroupColumn[] {held(gap)});
    lookups =
        List.of(lookups.get(0), LookupWitness.computeColumns(statement.lookups().get(1), groups));
  }

  /**
   * Places the output of a layer without rounding (a max pool, a concatenation, a unary table) from
   * the trace, its padding uniform in a zero-knowledge proof unless it is the public output, and
   * sets its committed column.
   */
  private void placeOutput(
      TensorLayout out, int[] values, int tensor, int column, io.zkaudit.zk.ZkRandom padding) {
    long[] table = out.place(values);
    if (padding != null) {
      padding.fill(table, i -> !out.isReal(i));
    }
    activations.put(tensor, table);
    if (column >= 0) {
      columns[column] = table;
    }
  }

  /**
   * A max pool's selections and running maxima on its real positions (padding uniform in a
   * zero-knowledge proof, zero otherwise), its committed columns set; checks that the chain ends at
   * the engine's output.
   */
  private PoolWitness poolWitness(
      ModelCircuit circuit,
      io.zkaudit.layers.MaxPoolLayer m,
      io.zkaudit.zk.ZkRandom padding,
      java.util.Iterator<io.zkaudit.field.Ext2> scalars) {
    long[] input = activation(circuit, m.input());
    long[][] taps = new long[m.taps()][];
    for (int k = 0; k < taps.length; k++) {
      taps[k] = io.zkaudit.prover.layers.MaxPoolProver.selection(m, input, k);
      if (scalars != null) {
        io.zkaudit.layers.VirtualPadding.addTo(m.out(), taps[k], scalars.next());
      }
    }
    TensorLayout out = m.out();
    long[][] maxima = new long[m.steps()][];
    long[] running = taps[0];
    for (int s = 1; s <= m.steps(); s++) {
      long[] a = taps[m.stepTap(s)];
      long[] next = new long[out.paddedSize()];
      for (int i = 0; i < next.length; i++) {
        if (out.isReal(i)) {
          next[i] =
              Goldilocks.fromSigned(
                  Math.max(Goldilocks.toSigned(a[i]), Goldilocks.toSigned(running[i])));
        }
      }
      if (padding != null) {
        padding.fill(next, i -> !out.isReal(i));
      }
      maxima[s - 1] = next;
      running = next;
    }
    long[] outTable = activations.get(m.layer().output());
    for (int i = 0; i < outTable.length; i++) {
      if (out.isReal(i)
          && Goldilocks.toSigned(outTable[i])
              != Math.clamp(
                  Goldilocks.toSigned(running[i]), m.layer().clampMin(), m.layer().clampMax())) {
        throw new ProverException(
            "layer "
                + m.layer().name()
                + ": the engine's output "
                + Goldilocks.toSigned(outTable[i])
                + " is not the clamped window maximum "
                + Goldilocks.toSigned(running[i]));
      }
    }
    maxima[m.steps() - 1] = outTable;
    for (int s = 1; s < m.steps(); s++) {
      columns[m.stepColumns().get(s - 1)] = maxima[s - 1];
    }
    return new PoolWitness(taps, maxima);
  }

  /** Step s's group (tag, X_a(s), m_{s-1}, m_s), m_0 = X_0: the arrays themselves, not copies. */
  private static List<GroupColumn[]> poolGroups(io.zkaudit.layers.MaxPoolLayer m, PoolWitness pw) {
    List<GroupColumn[]> groups = new ArrayList<>();
    for (int s = 1; s <= m.steps(); s++) {
      long[] b = s == 1 ? pw.taps()[0] : pw.maxima()[s - 2];
      groups.add(
          new GroupColumn[] {
            constant(m.out(), m.tag(s)),
            held(pw.taps()[m.stepTap(s)]),
            held(b),
            held(pw.maxima()[s - 1])
          });
    }
    return groups;
  }

  long[] activation(ModelCircuit circuit, int tensor) {
    long[] t = activations.get(circuit.resolve(tensor));
    if (t == null) {
      throw new ProverException("tensor " + tensor + " is read before it is proven");
    }
    return t;
  }

  private long[] linearAccumulator(
      LinearLayer l, LayerTrace lt, QuantizedModel model, ModelCircuit circuit) {
    WindowedLinear w = l.linear();
    int[] weights = w.kind() == WindowedLinear.Kind.SUM ? null : model.constant(w.weights());
    int[] bias = w.hasBias() ? model.constant(w.bias()) : null;
    // A pad folded into an average pool: the engine sums the padded map, the proof sums x - value
    // over the pad's input (FoldedInput), so every accumulator comes from the proof's formula.
    boolean foldedPool =
        l.layer() instanceof io.zkaudit.model.AveragePool p && w.input() != p.input();
    return PaddedAccumulators.of(
        w, foldedPool ? null : lt.accumulators(), activation(circuit, w.input()), weights, bias);
  }

  /**
   * The committed form of an ADD's constant input: its rescaled value per channel (what it adds to
   * the sum), over the output channel bits, zero on padded channels.
   */
  static long[] addend(AddLayer a, int side, QuantizedModel model) {
    int[] b = model.constant(a.input(side));
    long[] k = new long[1 << a.outLayout().cBits()];
    for (int c = 0; c < b.length; c++) {
      k[c] =
          Goldilocks.fromSigned(
              side == 0
                  ? a.layer().rawSum(b[c], a.layer().bZeroPoint())
                  : a.layer().rawSum(a.layer().aZeroPoint(), b[c]));
    }
    return k;
  }

  /** c1 = a - low, c2 = high - 1 - a for the step-table row holding a; zero on padding. */
  private void rangeWitness(ProvenLayer p, int k, long[] outTable, long[] acc) {
    TensorLayout out = p.outLayout();
    List<StepTable> tables = p.rounding().tables();
    long[] w1 = new long[acc.length];
    long[] w2 = new long[acc.length];
    for (int y = 0; y < out.height(); y++) {
      for (int x = 0; x < out.width(); x++) {
        for (int c = 0; c < out.channels(); c++) {
          int i = out.index(y, x, c);
          long a = Goldilocks.toSigned(acc[i]);
          StepTable table = tables.get(p.rounding().isPerChannel() ? c : 0);
          int row = table.rowOf(a);
          if (row < 0) {
            throw new ProverException(
                "layer "
                    + p.layer().name()
                    + ": accumulator "
                    + a
                    + " at ("
                    + y
                    + ", "
                    + x
                    + ", "
                    + c
                    + ") is outside the provable range");
          }
          StepTable.Row r = table.rows().get(row);
          if (Goldilocks.fromSigned(r.out()) != outTable[i]) {
            throw new ProverException(
                "layer "
                    + p.layer().name()
                    + ": the engine's output "
                    + Goldilocks.toSigned(outTable[i])
                    + " differs from the rounding of "
                    + a
                    + " ("
                    + r.out()
                    + ")");
          }
          w1[i] = Goldilocks.fromSigned(a - r.low());
          w2[i] = Goldilocks.fromSigned(r.high() - 1 - a);
        }
      }
    }
    c1[k] = w1;
    c2[k] = w2;
  }

  /**
   * A limb rounding's committed remainder column [low 16 bits | high 16 bits] of a remainder in [0,
   * 2^32) (Rounding#limbs). With zero knowledge both halves' padding is uniform, and the
   * remainder's padding is rewritten to L(·, 0) + 2^16 L(·, 1), so that the remainder (which the
   * rounding tuple and the proof's evaluation at ρ read) is exactly the limb column at t* times
   * 2^16 + 1 (InferenceStatement#LIMB_POINT) everywhere.
   */
  private static long[] limbColumn(
      long[] remainder, TensorLayout out, io.zkaudit.zk.ZkRandom padding) {
    int n = remainder.length;
    long[] limbs = new long[2 * n];
    for (int i = 0; i < n; i++) {
      if (out.isReal(i)) {
        long c = remainder[i];
        if (c < 0 || c >= StepTable.LIMB_WIDTH) {
          throw new IllegalStateException("a limb remainder outside [0, 2^32): " + c);
        }
        limbs[i] = c & 0xFFFF;
        limbs[n + i] = c >>> 16;
      }
    }
    if (padding != null) {
      long[] low = new long[n];
      long[] high = new long[n];
      padding.fill(low, i -> !out.isReal(i));
      padding.fill(high, i -> !out.isReal(i));
      for (int i = 0; i < n; i++) {
        if (!out.isReal(i)) {
          limbs[i] = low[i];
          limbs[n + i] = high[i];
        }
      }
    }
    for (int i = 0; i < n; i++) {
      remainder[i] = Goldilocks.add(limbs[i], Goldilocks.mul(1L << 16, limbs[n + i]));
    }
    return limbs;
  }

  /** The table-tag column: base, plus the channel for per-channel tables (on every entry). */
  /** A layer's rounding tag on every row: its base, plus the channel when per channel. */
  private static GroupColumn tags(ProvenLayer p) {
    TensorLayout out = p.outLayout();
    return p.columns().perChannel()
        ? new GroupColumn.ChannelTag(p.columns().tagBase(), out.cBits(), out.paddedSize())
        : new GroupColumn.Constant(p.columns().tagBase(), out.paddedSize());
  }

  private static GroupColumn constant(TensorLayout out, long v) {
    return new GroupColumn.Constant(v, out.paddedSize());
  }

  private static GroupColumn held(long[] values) {
    return new GroupColumn.Held(values);
  }

  private static GroupColumn[] emptyRangeGroup() {
    return new GroupColumn[] {held(new long[1 << InferenceStatement.EMPTY_RANGE_GROUP.numVars()])};
  }

  private static long[] rescaled(
      TensorLayout out, int[] input, java.util.function.IntUnaryOperator f) {
    int[] s = new int[input.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = f.applyAsInt(input[i]);
    }
    return out.place(s);
  }
}
