package io.zkaudit.prover.inference;

import io.zkaudit.inference.InferenceStatement;
import io.zkaudit.inference.WeightLayout;
import io.zkaudit.layers.Dataflow;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.layers.Product;
import io.zkaudit.layers.Rounding;
import io.zkaudit.layers.WindowedLinear;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.lookup.LookupTable;
import io.zkaudit.model.Add;
import io.zkaudit.model.AveragePool;
import io.zkaudit.model.Concat;
import io.zkaudit.model.Conv2D;
import io.zkaudit.model.DepthwiseConv2D;
import io.zkaudit.model.ElementType;
import io.zkaudit.model.FullyConnected;
import io.zkaudit.model.Layer;
import io.zkaudit.model.MaxPool;
import io.zkaudit.model.Mean;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.model.Mul;
import io.zkaudit.model.Pad;
import io.zkaudit.model.Padding;
import io.zkaudit.model.Requantize;
import io.zkaudit.model.Reshape;
import io.zkaudit.model.Softmax;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.model.Unary;
import io.zkaudit.pcs.ColumnBins;
import io.zkaudit.pcs.PackedLayout;
import io.zkaudit.pcs.PcsParams;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.quant.MonotoneStep;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether every input of a model can be proven, decided from the model alone before any expensive
 * work: so that "committed" means "provable", and a seller learns at {@code zkaudit commit} (not at
 * its first proof, nor after 9 GB of table building) what stands in the way.
 *
 * <p>It checks what the proof would refuse or fail on: layers the proof does not support (or
 * supports only in some forms: {@link ModelCircuit#of} and {@link WindowedLinear#of} say which),
 * accumulators that can leave the range the rounding tables cover for some input (bounded by
 * interval arithmetic over the input's full type range and the weights: exact for the first layer,
 * an upper bound after it), a rounding table larger than {@link LookupTable#MAX_VARS} allows
 * (counted, not built), the lookup statement's and commitments' size limits, and zero-knowledge
 * padding (the same bound as {@link ModelProver#refuseThinBins}).
 */
public record Provability(String model, List<Problem> problems, List<String> limbRoundings) {

  public Provability {
    problems = List.copyOf(problems);
    limbRoundings = List.copyOf(limbRoundings);
  }

  public Provability(String model, List<Problem> problems) {
    this(model, problems, List.of());
  }

  /**
   * A narrow table (16-bit remainders) larger than this many rows makes its layer a limb rounding
   * when its limb table is smaller, or when the whole rounding table would otherwise exceed {@link
   * LookupTable#MAX_VARS}.
   */
  static final long LIMB_TABLE_ROWS = 1L << 16;

  /**
   * The model with the layers that need limb roundings (their accumulators leave the window of
   * 16-bit remainders, or their narrow tables make the rounding table too large) named in its
   * description ({@link ModelDescription#withLimbRoundings}); the model itself when none does
   * (every shipped model: their descriptions, keys and proofs are unchanged), or when its
   * description already names some (a committed model's).
   */
  public static QuantizedModel withLimbRoundings(QuantizedModel model) {
    if (!model.description().limbRoundings().isEmpty()) {
      return model;
    }
    List<String> limbs = analyze(model, new ArrayList<>()).limbs();
    if (limbs.isEmpty()) {
      return model;
    }
    return new QuantizedModel(model.description().withLimbRoundings(limbs), model.constants());
  }

  /**
   * The layer kinds a proof covers; each only in the forms {@link ModelCircuit#of} accepts (a
   * reshape that keeps the layout or flattens a map into a dense layer, a pad a convolution folds
   * into its window, a softmax at the output, a product of an activation and a per-channel constant
   * or of two activations of one shape or a map and a per-channel vector, ...). The integer engine
   * runs every {@link Layer}.
   */
  public static final Set<Class<? extends Layer>> PROVEN_LAYERS =
      Set.of(
          Conv2D.class,
          DepthwiseConv2D.class,
          FullyConnected.class,
          Add.class,
          Mul.class,
          AveragePool.class,
          MaxPool.class,
          Mean.class,
          Requantize.class,
          Reshape.class,
          Pad.class,
          Concat.class,
          Softmax.class,
          Unary.class);

  /** One reason some input of the model cannot be proven; {@link #message()} is one line. */
  public sealed interface Problem {
    String message();
  }

  /** A layer kind the integer engine computes and the proof does not. */
  public record UnsupportedOp(String layer, String op) implements Problem {
    @Override
    public String message() {
      return "layer "
          + layer
          + ": "
          + op
          + " is computed by the integer engine but not supported by the proof";
    }
  }

  /**
   * A supported layer kind in a form the proof does not support (the circuit compiler's reason).
   */
  public record UnsupportedForm(String reason) implements Problem {
    @Override
    public String message() {
      return reason;
    }
  }

  /**
   * Accumulators of a layer that some input drives outside the range its rounding table covers
   * (first such channel shown; {@code channels} of {@code of} channels can).
   */
  public record AccumulatorOutOfRange(
      String layer,
      int channel,
      long min,
      long max,
      long coveredMin,
      long coveredEnd,
      int channels,
      int of)
      implements Problem {
    @Override
    public String message() {
      return "layer "
          + layer
          + ": accumulators can reach ["
          + min
          + ", "
          + max
          + "] over the input's full range (channel "
          + channel
          + (channels > 1 ? ", and " + (channels - 1) + " more of " + of + " channels" : "")
          + "), outside the proof's window ["
          + coveredMin
          + ", "
          + (coveredEnd - 1)
          + "]";
    }
  }

  /** The public rounding table would exceed the largest table a proof has. */
  public record TableTooLarge(long rows, int maxVars) implements Problem {
    @Override
    public String message() {
      return "the rounding lookup table would have "
          + String.format("%,d", rows)
          + " rows, more than the 2^"
          + maxVars
          + " a proof allows (layers with very small output scales need wide tables)";
    }
  }

  /**
   * A limit of the lookup statement or witness commitment (too many layers, too large a tensor).
   */
  public record CircuitLimit(String reason) implements Problem {
    @Override
    public String message() {
      return "the proof's circuit exceeds a limit: " + reason;
    }
  }

  /**
   * A zero-knowledge witness commitment that would hold too few uniform entries to hide the
   * witness.
   */
  public record ThinZeroKnowledge(int bin, long entries, long minimum) implements Problem {
    @Override
    public String message() {
      return "zero knowledge: witness commitment "
          + bin
          + " would hold "
          + entries
          + " uniform entries, fewer than the "
          + minimum
          + " its opening needs (docs/zero-knowledge.md); only --no-zk proofs are possible";
    }
  }

  public boolean provable() {
    return problems.isEmpty();
  }

  /** The problems that stand in the way of proofs without zero knowledge (for benchmarks only). */
  public Provability withoutZeroKnowledge() {
    return new Provability(
        model,
        problems.stream().filter(p -> !(p instanceof ThinZeroKnowledge)).toList(),
        limbRoundings);
  }

  public List<String> messages() {
    return problems.stream().map(Problem::message).toList();
  }

  /** Checks every layer (all problems, not the first), then the circuit as a whole. */
  public static Provability of(QuantizedModel model) {
    return of(model, InferenceStatement.MIN_RANDOM_ENTRIES_PER_BIN);
  }

  /**
   * The same with another zero-knowledge bound (the tests': small models' witness commitments hold
   * about 2^17 uniform entries, the thin ones are large models whose witness fills its bins).
   */
  static Provability of(QuantizedModel model, long minRandomEntriesPerBin) {
    List<Problem> problems = new ArrayList<>();
    Analysis a = analyze(model, problems);
    if (problems.isEmpty()) {
      ModelDescription d = model.description();
      checkCircuit(
          a.limbs().isEmpty() || !d.limbRoundings().isEmpty() ? d : d.withLimbRoundings(a.limbs()),
          minRandomEntriesPerBin,
          problems);
    }
    return new Provability(model.description().name(), problems, a.limbs());
  }

  /**
   * The layer-by-layer checks' outcome: the layers whose rounding needs limbs (or that the
   * description names already), in layer order.
   */
  private record Analysis(List<String> limbs) {}

  /**
   * A rounding layer's table sizes with 16-bit remainders and with limbs, and whether it must use
   * limbs (its accumulators leave the narrow window).
   */
  private record LayerTable(String layer, long narrowRows, long limbRows, boolean limbs) {}

  /**
   * Every layer's checks (problems added to {@code problems}); a rounding whose accumulators leave
   * the window of 16-bit remainders but not its map's domain becomes a limb rounding, and so does
   * every rounding whose narrow table has more than {@link #LIMB_TABLE_ROWS} rows when its limb
   * table is smaller or the whole table would exceed 2^{@link LookupTable#MAX_VARS} rows.
   */
  private static Analysis analyze(QuantizedModel model, List<Problem> problems) {
    ModelDescription d = model.description();
    List<LayerTable> roundingTables = new ArrayList<>();
    Map<Integer, long[]> ranges = new HashMap<>();
    long tableRows = 0;
    Dataflow flow = Dataflow.of(d);
    // Max pools share their pair tables (2^16 rows each for 8-bit values) by type and clamp.
    Set<io.zkaudit.layers.MaxPoolLayer.TableKey> pairTables = new java.util.HashSet<>();
    // Concatenations share one identity table (a row per value) per output type.
    Set<ElementType> identityTables = java.util.EnumSet.noneOf(ElementType.class);
    // Unary layers share a table when they compute the same 256 outputs (ModelCircuit).
    Set<List<Integer>> unaryTables = new java.util.HashSet<>();
    for (Layer layer : d.layers()) {
      long[] outRange = null;
      if (!PROVEN_LAYERS.contains(layer.getClass())) {
        problems.add(new UnsupportedOp(layer.name(), layer.getClass().getSimpleName()));
      } else if (layer instanceof Reshape || layer instanceof Pad) {
        try {
          ModelCircuit.checkMovement(d, flow, layer, false);
          ModelCircuit.checkMovement(d, flow, layer, true);
        } catch (ModelFormatException e) {
          problems.add(new UnsupportedForm(e.getMessage()));
        }
      } else if (layer instanceof MaxPool m) {
        try {
          io.zkaudit.layers.MaxPoolLayer.check(d, m);
          for (var key : io.zkaudit.layers.MaxPoolLayer.tableKeys(d, m)) {
            tableRows += pairTables.add(key) ? key.rows() : 0;
          }
        } catch (ModelFormatException | IllegalArgumentException e) {
          problems.add(new UnsupportedForm(e.getMessage()));
        }
      } else if (layer instanceof Concat c) {
        try {
          io.zkaudit.layers.ConcatLayer.check(d, c);
          ElementType type = d.tensor(c.output()).type();
          tableRows += identityTables.add(type) ? (long) type.max() - type.min() + 1 : 0;
        } catch (ModelFormatException | IllegalArgumentException e) {
          problems.add(new UnsupportedForm(e.getMessage()));
        }
      } else if (layer instanceof Unary u) {
        try {
          io.zkaudit.layers.UnaryTableLayer.check(d, u, false);
          io.zkaudit.layers.UnaryTableLayer.check(d, u, true);
          int[] table = u.table(d);
          List<Integer> key = new ArrayList<>();
          key.add(d.tensor(u.input()).type().ordinal());
          for (int v : table) {
            key.add(v);
          }
          tableRows += unaryTables.add(key) ? table.length : 0;
          outRange = unaryRange(d, u, table, range(d, ranges, u.input()));
        } catch (ModelFormatException | IllegalArgumentException e) {
          problems.add(new UnsupportedForm(e.getMessage()));
        }
      } else if (!(layer instanceof Softmax)) {
        try {
          Rounding rounding = Rounding.of(d, layer, flow);
          if (layer instanceof Mul m && Product.isProduct(d, m)) {
            Product.of(d, m, false);
            Product.of(d, m, true);
          } else if (!(layer instanceof Add) && !(layer instanceof Requantize)) {
            WindowedLinear.of(d, layer, true, flow);
          }
          if (layer instanceof Add a) {
            tableRows += rescaleRows(d, a.a()) + rescaleRows(d, a.b());
          }
          long[][] acc = accumulatorRanges(model, layer, ranges);
          Rounding limbed = rounding.withLimbs(true);
          boolean limbs = rounding.limbs();
          if (acc != null && !limbs && !fitsWindow(rounding, acc)) {
            // Beyond the window of 16-bit remainders: 32-bit ones cover the map's whole domain.
            limbs = true;
            rounding = limbed;
          }
          roundingTables.add(
              new LayerTable(
                  layer.name(),
                  rounding.withLimbs(false).tableRowCount(),
                  limbed.tableRowCount(),
                  limbs));
          if (acc != null) {
            outRange = checkWindow(layer.name(), rounding, acc, problems);
          } else {
            outRange = new long[] {rounding.lo(), rounding.hi()};
          }
        } catch (ModelFormatException | IllegalArgumentException e) {
          problems.add(new UnsupportedForm(e.getMessage()));
        }
      }
      ranges.put(layer.output(), outRange != null ? outRange : passThroughRange(d, layer, ranges));
    }
    long maxRows = 1L << LookupTable.MAX_VARS;
    long narrowTotal = tableRows;
    for (LayerTable t : roundingTables) {
      narrowTotal += t.limbs() ? t.limbRows() : t.narrowRows();
    }
    // Too large with 16-bit remainders: the layers with wide steps take limbs.
    boolean shrink = narrowTotal > maxRows;
    List<String> limbs = new ArrayList<>();
    for (LayerTable t : roundingTables) {
      // More than 2^16 rows of 16-bit steps (none in the shipped models: 24,448 at most) when
      // limbs need fewer, or whenever the whole table would not fit otherwise.
      boolean wide = t.narrowRows() > LIMB_TABLE_ROWS;
      boolean useLimbs = t.limbs() || wide && (t.limbRows() < t.narrowRows() || shrink);
      tableRows += useLimbs ? t.limbRows() : t.narrowRows();
      if (useLimbs) {
        limbs.add(t.layer());
      }
    }
    if (tableRows > maxRows) {
      problems.add(new TableTooLarge(tableRows, LookupTable.MAX_VARS));
    }
    return new Analysis(limbs);
  }

  /** Whether every channel's accumulator range lies in what its table covers. */
  private static boolean fitsWindow(Rounding rounding, long[][] acc) {
    for (int c = 0; c < acc.length; c++) {
      long[] covered = rounding.covered(c);
      if (acc[c][0] < covered[0] || acc[c][1] >= covered[1]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The whole circuit, as the prover builds it (plain and zero-knowledge), and its lookup
   * statement.
   */
  private static void checkCircuit(
      ModelDescription d, long minRandomEntriesPerBin, List<Problem> problems) {
    ModelCircuit zk;
    try {
      ModelCircuit.of(d, false);
      zk = ModelCircuit.of(d, true);
    } catch (ModelFormatException e) {
      problems.add(new UnsupportedForm(e.getMessage()));
      return;
    } catch (IllegalArgumentException | IllegalStateException e) {
      problems.add(new CircuitLimit(e.getMessage()));
      return;
    }
    long[] random;
    try {
      LookupStatement blinded = InferenceStatement.lookups(zk).withBlinding();
      int[] logs = InferenceStatement.witnessLogSizes(zk, blinded, true);
      for (int i = 0; i < logs.length; i++) {
        if (logs[i] > PcsParams.MAX_NUM_VARS) {
          String column =
              i < zk.columns().size() ? zk.columns().get(i).name() : "witness column " + i;
          problems.add(
              new CircuitLimit(
                  column
                      + " would hold 2^"
                      + logs[i]
                      + " entries, more than the 2^"
                      + PcsParams.MAX_NUM_VARS
                      + " a commitment may"));
        }
      }
      if (!problems.isEmpty()) {
        return;
      }
      // Commitments: the weights' (whose per-proof shadow adds a variable) and each witness bin.
      int weightVars =
          new PackedLayout(
                  WeightLayout.of(zk).entries().stream()
                      .mapToInt(WeightLayout.Entry::numVars)
                      .toArray())
              .numVars();
      if (weightVars >= PcsParams.MAX_NUM_VARS) {
        problems.add(
            new CircuitLimit(
                "the weight commitment would hold 2^"
                    + weightVars
                    + " entries, its shadow needs"
                    + " fewer than 2^"
                    + PcsParams.MAX_NUM_VARS));
      }
      ColumnBins bins = InferenceStatement.witnessBins(zk, blinded, true);
      for (int b = 0; b < bins.bins(); b++) {
        int n = bins.layout(b).numVars();
        if (n > PcsParams.MAX_NUM_VARS) {
          problems.add(
              new CircuitLimit(
                  "witness commitment "
                      + b
                      + " would hold 2^"
                      + n
                      + " entries, more than the 2^"
                      + PcsParams.MAX_NUM_VARS
                      + " a commitment may"));
        }
      }
      random = InferenceStatement.randomEntriesPerBin(zk, blinded);
    } catch (IllegalArgumentException | IllegalStateException e) {
      problems.add(new CircuitLimit(e.getMessage()));
      return;
    }
    for (int b = 0; b < random.length; b++) {
      if (random[b] < minRandomEntriesPerBin) {
        problems.add(new ThinZeroKnowledge(b, random[b], minRandomEntriesPerBin));
      }
    }
  }

  /**
   * An ADD's activation operand adds one row per value of its 8-bit type (ModelCircuit's rescale
   * rows).
   */
  private static long rescaleRows(ModelDescription d, int tensor) {
    TensorSpec t = d.tensor(tensor);
    return t.constant() ? 0 : (long) t.type().max() - t.type().min() + 1;
  }

  /**
   * Compares each channel's accumulator range with what its table covers; returns the output's
   * value range (the rounding of the accumulator range, clamped to the map's domain).
   */
  private static long[] checkWindow(
      String name, Rounding rounding, long[][] acc, List<Problem> problems) {
    int bad = 0;
    AccumulatorOutOfRange first = null;
    long outMin = Long.MAX_VALUE;
    long outMax = Long.MIN_VALUE;
    for (int c = 0; c < acc.length; c++) {
      long[] covered = rounding.covered(c);
      long min = acc[c][0];
      long max = acc[c][1];
      if (min < covered[0] || max >= covered[1]) {
        bad++;
        if (first == null) {
          first =
              new AccumulatorOutOfRange(name, c, min, max, covered[0], covered[1], 0, acc.length);
        }
      }
      MonotoneStep step = rounding.step(c);
      long domainMin = step.threshold(step.lo());
      long domainMax = step.threshold(step.hi() + 1) - 1;
      outMin = Math.min(outMin, step.apply(Math.clamp(min, domainMin, domainMax)));
      outMax = Math.max(outMax, step.apply(Math.clamp(max, domainMin, domainMax)));
    }
    if (first != null) {
      problems.add(
          new AccumulatorOutOfRange(
              name,
              first.channel(),
              first.min(),
              first.max(),
              first.coveredMin(),
              first.coveredEnd(),
              bad,
              acc.length));
    }
    return new long[] {outMin, outMax};
  }

  /**
   * The value range of a tensor: the model input's whole type, a layer output's propagated range.
   */
  private static long[] range(ModelDescription d, Map<Integer, long[]> ranges, int tensor) {
    long[] r = ranges.get(tensor);
    if (r != null) {
      return r;
    }
    TensorSpec t = d.tensor(tensor);
    return new long[] {t.type().min(), t.type().max()};
  }

  /** The range of a unary table's outputs over the inputs a layer can see. */
  private static long[] unaryRange(ModelDescription d, Unary u, int[] table, long[] in) {
    int min = d.tensor(u.input()).type().min();
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (long x = Math.max(in[0], min); x <= Math.min(in[1], min + table.length - 1); x++) {
      lo = Math.min(lo, table[(int) (x - min)]);
      hi = Math.max(hi, table[(int) (x - min)]);
    }
    TensorSpec out = d.tensor(u.output());
    return lo > hi ? new long[] {out.type().min(), out.type().max()} : new long[] {lo, hi};
  }

  /**
   * Layers without a rounding step: their output's values come from their inputs' (and a pad
   * value).
   */
  private static long[] passThroughRange(
      ModelDescription d, Layer layer, Map<Integer, long[]> ranges) {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int in : layer.activationInputs(d)) {
      long[] r = range(d, ranges, in);
      min = Math.min(min, r[0]);
      max = Math.max(max, r[1]);
    }
    switch (layer) {
      case Pad p -> {
        min = Math.min(min, p.padValue());
        max = Math.max(max, p.padValue());
      }
      case MaxPool m -> {
        min = Math.clamp(min, m.clampMin(), m.clampMax());
        max = Math.clamp(max, m.clampMin(), m.clampMax());
      }
      default -> {}
    }
    TensorSpec out = d.tensor(layer.output());
    if (min > max || layer instanceof Concat && min == Long.MAX_VALUE) {
      return new long[] {out.type().min(), out.type().max()};
    }
    return new long[] {Math.max(min, out.type().min()), Math.min(max, out.type().max())};
  }

  /**
   * [min, max] of each output channel's accumulator over every input whose values lie in their
   * tensors' ranges, or null for layers whose tables cover their whole accumulator range by
   * construction (ADD, average pool). Each term (x - zx)(w - zw) is bounded on its own; a window
   * that reads padding can skip a term, so its bound also takes 0.
   */
  private static long[][] accumulatorRanges(
      QuantizedModel model, Layer layer, Map<Integer, long[]> ranges) {
    ModelDescription d = model.description();
    return switch (layer) {
      case Conv2D c -> {
        long[] x = range(d, ranges, c.input());
        int[] w = model.constant(c.weights());
        int cout = d.tensor(c.output()).shape().getLast();
        int perChannel = w.length / cout;
        boolean skips = !c.window().padding().equals(Padding.NONE);
        long[][] acc = new long[cout][];
        for (int co = 0; co < cout; co++) {
          long[] sum = bias(model, c.bias(), co);
          for (int k = 0; k < perChannel; k++) {
            addTerm(
                sum, x, c.inputZeroPoint(), w[co * perChannel + k] - c.weightZeroPoint(co), skips);
          }
          acc[co] = sum;
        }
        yield acc;
      }
      case DepthwiseConv2D dw -> {
        long[] x = range(d, ranges, dw.input());
        int[] w = model.constant(dw.weights());
        int cout = d.tensor(dw.output()).shape().getLast();
        int taps = w.length / cout;
        boolean skips = !dw.window().padding().equals(Padding.NONE);
        long[][] acc = new long[cout][];
        for (int co = 0; co < cout; co++) {
          long[] sum = bias(model, dw.bias(), co);
          for (int t = 0; t < taps; t++) {
            addTerm(sum, x, dw.inputZeroPoint(), w[t * cout + co] - dw.weightZeroPoint(co), skips);
          }
          acc[co] = sum;
        }
        yield acc;
      }
      case FullyConnected f -> {
        long[] x = range(d, ranges, f.input());
        int[] w = model.constant(f.weights());
        int cout = d.tensor(f.output()).shape().getLast();
        int cin = w.length / cout;
        long[][] acc = new long[cout][];
        for (int co = 0; co < cout; co++) {
          long[] sum = bias(model, f.bias(), co);
          for (int ci = 0; ci < cin; ci++) {
            addTerm(sum, x, f.inputZeroPoint(), w[co * cin + ci] - f.weightZeroPoint(co), false);
          }
          acc[co] = sum;
        }
        yield acc;
      }
      case Mul m when Product.isProduct(d, m) -> {
        // Two activations (Product#of checked the form): the corners of the two value ranges.
        long[] a = range(d, ranges, m.a());
        long[] b = range(d, ranges, m.b());
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (long u : new long[] {a[0] - m.aZeroPoint(), a[1] - m.aZeroPoint()}) {
          for (long v : new long[] {b[0] - m.bZeroPoint(), b[1] - m.bZeroPoint()}) {
            min = Math.min(min, u * v);
            max = Math.max(max, u * v);
          }
        }
        yield new long[][] {{min, max}};
      }
      case Mul m -> {
        // The proven form: an activation times one constant per channel (WindowedLinear#of checked
        // it).
        boolean constA = d.tensor(m.a()).constant();
        long[] x = range(d, ranges, constA ? m.b() : m.a());
        int[] w = model.constant(constA ? m.a() : m.b());
        int zx = constA ? m.bZeroPoint() : m.aZeroPoint();
        int zw = constA ? m.aZeroPoint() : m.bZeroPoint();
        long[][] acc = new long[w.length][];
        for (int c = 0; c < w.length; c++) {
          long[] sum = {0, 0};
          addTerm(sum, x, zx, w[c] - zw, false);
          acc[c] = sum;
        }
        yield acc;
      }
      case Mean m -> {
        long[] x = range(d, ranges, m.input());
        TensorSpec in = d.tensor(m.input());
        long n = (long) in.dim(1) * in.dim(2);
        yield new long[][] {{n * (x[0] - m.inputZeroPoint()), n * (x[1] - m.inputZeroPoint())}};
      }
      case Requantize q -> {
        long[] x = range(d, ranges, q.input());
        yield new long[][] {{x[0] - q.inputZeroPoint(), x[1] - q.inputZeroPoint()}};
      }
      default -> null;
    };
  }

  private static long[] bias(QuantizedModel model, int tensor, int channel) {
    long b = tensor >= 0 ? model.constant(tensor)[channel] : 0;
    return new long[] {b, b};
  }

  /** Adds the range of (x - zx) * w over x in [xr[0], xr[1]] (and 0 if the term can be skipped). */
  private static void addTerm(long[] sum, long[] xr, int zx, long w, boolean skippable) {
    long a = (xr[0] - zx) * w;
    long b = (xr[1] - zx) * w;
    long lo = Math.min(a, b);
    long hi = Math.max(a, b);
    if (skippable) {
      lo = Math.min(lo, 0);
      hi = Math.max(hi, 0);
    }
    sum[0] += lo;
    sum[1] += hi;
  }
}
