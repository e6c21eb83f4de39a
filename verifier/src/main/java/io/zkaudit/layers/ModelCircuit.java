package io.zkaudit.layers;

import io.zkaudit.field.Goldilocks;
import io.zkaudit.lookup.LookupTable;
import io.zkaudit.model.Add;
import io.zkaudit.model.AveragePool;
import io.zkaudit.model.Concat;
import io.zkaudit.model.Conv2D;
import io.zkaudit.model.DepthwiseConv2D;
import io.zkaudit.model.FullyConnected;
import io.zkaudit.model.Layer;
import io.zkaudit.model.MaxPool;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.Mul;
import io.zkaudit.model.Pad;
import io.zkaudit.model.Requantize;
import io.zkaudit.model.Reshape;
import io.zkaudit.model.Softmax;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.model.Unary;
import io.zkaudit.quant.StepTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A model description compiled into what its proof checks: the proven layers in order (then the max
 * pools and concatenations, which have no rounding and are proven after them: {@link MaxPoolLayer},
 * {@link ConcatLayer}), the columns committed per proof, and the public lookup table of all
 * rounding steps (then the pools' pair tables, the concatenations' identity tables and the unary
 * functions' tables, {@link UnaryTableLayer}). Prover and verifier build the same circuit from the
 * description alone (no weights), so its shape is bound by the description's digest.
 *
 * <p>The proven output is the tensor read by the final softmax (the logits), or the model output
 * when there is no softmax: the verifier reads the top-k from it, and softmax is monotone.
 *
 * <p>A model has two circuits: the zero-knowledge one lays every tensor that fills its box out with
 * one more height bit, so that it has padding to hide its evaluations ({@link
 * TensorLayout#of(TensorSpec, boolean)}); otherwise they are the same, and so are their weight
 * layouts (weights and biases are laid out over channels and taps, never height), so one weight
 * commitment serves both kinds of proof.
 */
public record ModelCircuit(
    ModelDescription model,
    List<ProvenLayer> layers,
    List<MaxPoolLayer> maxPools,
    List<ConcatLayer> concats,
    List<UnaryTableLayer> unaries,
    List<Column> columns,
    List<long[]> tableRows,
    int inputTensor,
    int outputTensor,
    Map<Integer, Integer> aliases,
    boolean zeroKnowledge) {

  /**
   * A per-proof committed column: a padded tensor layout (or a multiplicity vector) of 2^numVars
   * entries.
   */
  public record Column(String name, int numVars) {}

  /**
   * The committed witness of one rounding step: its output (-1 when public), two range witnesses,
   * its table tags.
   */
  public record RoundingColumns(int out, int c1, int c2, int tagBase, boolean perChannel) {}

  public sealed interface ProvenLayer {
    int layerIndex();

    Layer layer();

    Rounding rounding();

    TensorLayout outLayout();

    RoundingColumns columns();
  }

  /** A convolution, depthwise convolution, dense layer, pool or mean, then its rounding. */
  public record LinearLayer(
      int layerIndex,
      Layer layer,
      WindowedLinear linear,
      Rounding rounding,
      TensorLayout outLayout,
      RoundingColumns columns)
      implements ProvenLayer {}

  /**
   * A quantized ADD: each activation input rescaled by a 256-row function table into a committed
   * column, then summed and rounded. A constant input (a per-channel addend, e.g. a folded batch
   * norm) has no column and no table (-1): its rescaled values are committed with the weights.
   */
  public record AddLayer(
      int layerIndex,
      Add layer,
      Rounding rounding,
      TensorLayout outLayout,
      RoundingColumns columns,
      int s1Column,
      int s2Column,
      int tagA,
      int tagB)
      implements ProvenLayer {
    /** The input tensor of side 0 (a) or 1 (b). */
    public int input(int side) {
      return side == 0 ? layer.a() : layer.b();
    }

    /** Whether side 0 or 1 is a constant (committed with the weights). */
    public boolean isConstant(int side) {
      return (side == 0 ? s1Column : s2Column) < 0;
    }

    public int sColumn(int side) {
      return side == 0 ? s1Column : s2Column;
    }

    public int tag(int side) {
      return side == 0 ? tagA : tagB;
    }
  }

  /**
   * A product of two activations ({@link Product}): accumulator (a − za)(b − zb) on real positions,
   * proven by a sumcheck of degree 3, then rounded as the MUL's requantization.
   */
  public record ProductLayer(
      int layerIndex,
      Mul layer,
      Product product,
      Rounding rounding,
      TensorLayout outLayout,
      RoundingColumns columns)
      implements ProvenLayer {}

  /** A change of zero point and scale: accumulator = x - zin on real positions. */
  public record RequantizeLayer(
      int layerIndex,
      Requantize layer,
      Rounding rounding,
      TensorLayout outLayout,
      RoundingColumns columns)
      implements ProvenLayer {}

  /**
   * Tags of the table rows that are 16-bit range checks live in their own table; tags here start at
   * 1.
   */
  public static final int FIRST_TAG = 1;

  /** The circuit of proofs without zero knowledge. */
  public static ModelCircuit of(ModelDescription model) {
    return of(model, false);
  }

  /**
   * The circuit of proofs with or without zero knowledge (tensor layouts differ, see the class
   * comment).
   */
  public static ModelCircuit of(ModelDescription model, boolean zeroKnowledge) {
    if (model.inputs().size() != 1 || model.outputs().size() != 1) {
      throw WindowedLinear.unsupported(model.name(), "models with several inputs or outputs");
    }
    Map<Integer, Integer> aliases = new HashMap<>();
    Dataflow flow = Dataflow.of(model);
    List<Layer> all = model.layers();
    int outputTensor = model.outputs().getFirst();
    // Softmax at the end: prove its input. Reshapes of [.., 1, 1, C] to [1, C] keep the layout.
    for (Layer l : all) {
      if (l instanceof Softmax s && s.output() == outputTensor) {
        outputTensor = s.input();
      }
    }
    List<Column> columns = new ArrayList<>();
    List<ProvenLayer> layers = new ArrayList<>();
    List<MaxPoolLayer> pools = new ArrayList<>();
    List<ConcatLayer> concats = new ArrayList<>();
    List<UnaryTableLayer> unaries = new ArrayList<>();
    List<long[]> rows = new TableRows();
    int[] nextTag = {FIRST_TAG};
    int provenOutput = resolve(aliases, outputTensor);
    for (int i = 0; i < all.size(); i++) {
      Layer l = all.get(i);
      switch (l) {
        case Softmax s -> {
          if (resolve(aliases, s.input()) != provenOutput) {
            throw WindowedLinear.unsupported(s.name(), "a softmax before the output");
          }
        }
        case Reshape r when keepsLayout(model, r, zeroKnowledge) -> {
          aliases.put(r.output(), resolve(aliases, r.input()));
          if (r.output() == outputTensor) {
            provenOutput = resolve(aliases, r.input());
          }
        }
        // Moves data: the layers that read it prove it through their windows (FoldedInput).
        case Reshape r -> checkMovement(model, flow, r, zeroKnowledge);
        case Pad p -> checkMovement(model, flow, p, zeroKnowledge);
        case MaxPool m ->
            pools.add(
                maxPool(
                    model,
                    i,
                    m,
                    FoldedInput.of(model, m, flow),
                    aliases,
                    zeroKnowledge,
                    columns,
                    m.output() == provenOutput || m.output() == outputTensor));
        case Concat c ->
            concats.add(
                concat(
                    model,
                    i,
                    c,
                    aliases,
                    zeroKnowledge,
                    columns,
                    c.output() == provenOutput || c.output() == outputTensor));
        case Unary u -> {
          boolean isOutput = u.output() == provenOutput || u.output() == outputTensor;
          TensorLayout out = TensorLayout.of(model.tensor(u.output()), zeroKnowledge);
          int outCol = isOutput ? -1 : add(columns, u.name() + "/out", out.numVars());
          unaries.add(
              UnaryTableLayer.of(
                  model, i, u, resolve(aliases, u.input()), zeroKnowledge, outCol, -1));
        }
        default -> {
          Rounding rounding = Rounding.of(model, l, flow);
          TensorSpec outSpec = model.tensor(l.output());
          TensorLayout outLayout = TensorLayout.of(outSpec, zeroKnowledge);
          boolean isOutput = l.output() == provenOutput || l.output() == outputTensor;
          int outCol = isOutput ? -1 : add(columns, l.name() + "/out", outLayout.numVars());
          // With limbs, each remainder column holds [low limb | high limb]: one more variable.
          int limbVars = rounding.limbs() ? 1 : 0;
          int c1 = add(columns, l.name() + "/c1", outLayout.numVars() + limbVars);
          int c2 = add(columns, l.name() + "/c2", outLayout.numVars() + limbVars);
          int tagBase = nextTag[0];
          List<StepTable> tables = rounding.tables();
          for (int c = 0; c < tables.size(); c++) {
            for (StepTable.Row row : tables.get(c).rows()) {
              rows.add(
                  new long[] {
                    tagBase + c,
                    Goldilocks.fromSigned(row.out()),
                    Goldilocks.fromSigned(row.low()),
                    Goldilocks.fromSigned(row.high())
                  });
            }
          }
          nextTag[0] += tables.size();
          RoundingColumns rc =
              new RoundingColumns(outCol, c1, c2, tagBase, rounding.isPerChannel());
          switch (l) {
            case Add a -> {
              boolean constA = model.tensor(a.a()).constant();
              boolean constB = model.tensor(a.b()).constant();
              if (constA && constB) {
                throw WindowedLinear.unsupported(a.name(), "an addition of two constants");
              }
              checkAddend(model, a, a.a(), outLayout, constA, zeroKnowledge);
              checkAddend(model, a, a.b(), outLayout, constB, zeroKnowledge);
              int s1 = -1;
              int s2 = -1;
              int tagA = -1;
              int tagB = -1;
              if (!constA) {
                s1 = add(columns, a.name() + "/s1", outLayout.numVars());
                tagA = nextTag[0]++;
                addRescaleRows(rows, tagA, model.tensor(a.a()), x -> a.rawSum(x, a.bZeroPoint()));
              }
              if (!constB) {
                s2 = add(columns, a.name() + "/s2", outLayout.numVars());
                tagB = nextTag[0]++;
                addRescaleRows(rows, tagB, model.tensor(a.b()), x -> a.rawSum(a.aZeroPoint(), x));
              }
              layers.add(new AddLayer(i, a, rounding, outLayout, rc, s1, s2, tagA, tagB));
            }
            case Mul m when Product.isProduct(model, m) ->
                layers.add(
                    new ProductLayer(
                        i, m, Product.of(model, m, zeroKnowledge), rounding, outLayout, rc));
            case Requantize q -> {
              if (!TensorLayout.of(model.tensor(q.input()), zeroKnowledge).equals(outLayout)) {
                throw WindowedLinear.unsupported(q.name(), "a requantization that changes shape");
              }
              layers.add(new RequantizeLayer(i, q, rounding, outLayout, rc));
            }
            default -> {
              requireConstantWeights(model, l);
              layers.add(
                  new LinearLayer(
                      i,
                      l,
                      WindowedLinear.of(model, l, zeroKnowledge, flow),
                      rounding,
                      outLayout,
                      rc));
            }
          }
        }
      }
    }
    if (lastWriter(all, layers, pools, concats, unaries) != provenOutput) {
      throw WindowedLinear.unsupported(
          model.name(), "an output that is not computed by the last proven layer");
    }
    // The pair and identity tables go after every rounding row, their tags after every other tag:
    // a model without a max pool or a concatenation has the table (and the proof) it had before.
    List<MaxPoolLayer> tagged = tagPools(model, pools, rows, nextTag[0]);
    List<ConcatLayer> taggedConcats =
        tagConcats(model, concats, rows, maxTag(rows, nextTag[0]) + 1);
    // The unary tables last of all, so that a model without one keeps its table and tags.
    List<UnaryTableLayer> taggedUnaries =
        tagUnaries(model, unaries, rows, maxTag(rows, nextTag[0]) + 1);
    return new ModelCircuit(
        model,
        layers,
        tagged,
        taggedConcats,
        taggedUnaries,
        columns,
        rows,
        model.inputs().getFirst(),
        provenOutput,
        Map.copyOf(aliases),
        zeroKnowledge);
  }

  /**
   * The output of the last layer that has a relation (a rounding layer, a max pool, a
   * concatenation, a unary table), or -1.
   */
  private static int lastWriter(
      List<Layer> all,
      List<ProvenLayer> layers,
      List<MaxPoolLayer> pools,
      List<ConcatLayer> concats,
      List<UnaryTableLayer> unaries) {
    int last = -1;
    if (!layers.isEmpty()) {
      last = layers.getLast().layerIndex();
    }
    if (!pools.isEmpty()) {
      last = Math.max(last, pools.getLast().layerIndex());
    }
    if (!concats.isEmpty()) {
      last = Math.max(last, concats.getLast().layerIndex());
    }
    if (!unaries.isEmpty()) {
      last = Math.max(last, unaries.getLast().layerIndex());
    }
    return last < 0 ? -1 : all.get(last).output();
  }

  /** The largest tag of the table's rows, at least firstFree - 1. */
  private static int maxTag(List<long[]> rows, int firstFree) {
    long max = firstFree - 1;
    for (long[] r : rows) {
      max = Math.max(max, r[0]);
    }
    return (int) max;
  }

  /**
   * The rounding lookup's rows as the layers add them, refused as soon as they exceed what a table
   * may hold ({@link LookupTable#MAX_VARS}) rather than when the table is built: a hostile key
   * naming tens of thousands of distinct unary or max-pool tables would otherwise make the verifier
   * build millions of rows before the table's own check refuses them.
   */
  private static final class TableRows extends ArrayList<long[]> {
    private static final long MAX_ROWS = 1L << LookupTable.MAX_VARS;

    @Override
    public boolean add(long[] row) {
      check(1);
      return super.add(row);
    }

    @Override
    public boolean addAll(java.util.Collection<? extends long[]> more) {
      check(more.size());
      return super.addAll(more);
    }

    private void check(int more) {
      if (size() + (long) more > MAX_ROWS) {
        throw new IllegalArgumentException(
            "the model's lookup tables exceed 2^" + LookupTable.MAX_VARS + " rows");
      }
    }
  }

  /**
   * Gives every distinct unary table (input type and the 256 outputs) one tag from firstTag on, and
   * adds its rows: layers that compute the same function between the same quantizations share one
   * table.
   */
  private static List<UnaryTableLayer> tagUnaries(
      ModelDescription model, List<UnaryTableLayer> unaries, List<long[]> rows, int firstTag) {
    Map<List<Long>, Integer> tags = new HashMap<>();
    List<UnaryTableLayer> out = new ArrayList<>();
    for (UnaryTableLayer u : unaries) {
      List<long[]> own = UnaryTableLayer.rows(0, model, u.layer());
      List<Long> key = new ArrayList<>();
      for (long[] r : own) {
        key.add(r[1]);
        key.add(r[2]);
      }
      Integer tag = tags.get(key);
      if (tag == null) {
        tag = firstTag + tags.size();
        tags.put(key, tag);
        rows.addAll(UnaryTableLayer.rows(tag, model, u.layer()));
      }
      out.add(u.withTag(tag));
    }
    return out;
  }

  /** Gives every 8-bit type a concatenation outputs one identity table, tags from firstTag on. */
  private static List<ConcatLayer> tagConcats(
      ModelDescription model, List<ConcatLayer> concats, List<long[]> rows, int firstTag) {
    Map<io.zkaudit.model.ElementType, Integer> tags =
        new java.util.EnumMap<>(io.zkaudit.model.ElementType.class);
    List<ConcatLayer> out = new ArrayList<>();
    for (ConcatLayer c : concats) {
      io.zkaudit.model.ElementType type = model.tensor(c.layer().output()).type();
      Integer tag = tags.get(type);
      if (tag == null) {
        tag = firstTag + tags.size();
        tags.put(type, tag);
        rows.addAll(ConcatLayer.rows(tag, type));
      }
      out.add(c.withTag(tag));
    }
    return out;
  }

  /** A max pool's columns: its intermediate maxima, then its output unless that is public. */
  private static MaxPoolLayer maxPool(
      ModelDescription model,
      int index,
      MaxPool m,
      FoldedInput src,
      Map<Integer, Integer> aliases,
      boolean zeroKnowledge,
      List<Column> columns,
      boolean isOutput) {
    int input = resolve(aliases, src.tensor());
    MaxPoolLayer shape = MaxPoolLayer.of(model, index, m, src, input, zeroKnowledge, List.of(), -1);
    List<Integer> steps = new ArrayList<>();
    for (int s = 1; s < shape.steps(); s++) {
      steps.add(add(columns, m.name() + "/max" + s, shape.out().numVars()));
    }
    int out = isOutput ? -1 : add(columns, m.name() + "/out", shape.out().numVars());
    return MaxPoolLayer.of(model, index, m, src, input, zeroKnowledge, steps, out);
  }

  /**
   * A concatenation's inputs (through layout-keeping reshapes) and its output's column, unless that
   * is public.
   */
  private static ConcatLayer concat(
      ModelDescription model,
      int index,
      Concat c,
      Map<Integer, Integer> aliases,
      boolean zeroKnowledge,
      List<Column> columns,
      boolean isOutput) {
    List<Integer> inputs = c.inputs().stream().map(t -> resolve(aliases, t)).toList();
    ConcatLayer shape = ConcatLayer.of(model, index, c, inputs, zeroKnowledge, -1);
    return isOutput
        ? shape
        : ConcatLayer.of(
            model,
            index,
            c,
            inputs,
            zeroKnowledge,
            add(columns, c.name() + "/out", shape.out().numVars()));
  }

  /**
   * Gives every distinct pair table (input type and clamp) one tag from firstTag on, and adds its
   * rows.
   */
  private static List<MaxPoolLayer> tagPools(
      ModelDescription model, List<MaxPoolLayer> pools, List<long[]> rows, int firstTag) {
    Map<MaxPoolLayer.TableKey, Integer> tags = new java.util.LinkedHashMap<>();
    List<MaxPoolLayer> out = new ArrayList<>();
    for (MaxPoolLayer p : pools) {
      int step = tagOf(tags, p.stepKey(model), firstTag, rows);
      int last = tagOf(tags, p.lastKey(model), firstTag, rows);
      out.add(p.withTags(step, last));
    }
    return out;
  }

  private static int tagOf(
      Map<MaxPoolLayer.TableKey, Integer> tags,
      MaxPoolLayer.TableKey key,
      int firstTag,
      List<long[]> rows) {
    Integer tag = tags.get(key);
    if (tag == null) {
      tag = firstTag + tags.size();
      tags.put(key, tag);
      rows.addAll(MaxPoolLayer.rows(tag, key));
    }
    return tag;
  }

  /**
   * The weights of a linear layer are committed once, with the model: a weight tensor the model
   * computes (an activation, valid for the description's shape rules) would be committed as if it
   * were constant, and a proof would then show another function than the description's. Refused.
   */
  private static void requireConstantWeights(ModelDescription model, Layer l) {
    int weights =
        switch (l) {
          case Conv2D c -> c.weights();
          case DepthwiseConv2D d -> d.weights();
          case FullyConnected f -> f.weights();
          default -> -1;
        };
    if (weights >= 0 && !model.tensor(weights).constant()) {
      throw WindowedLinear.unsupported(
          l.name(),
          "weights that the model computes (tensor '"
              + model.tensor(weights).name()
              + "' is not a constant)");
    }
  }

  /**
   * A reshape that keeps the layout (both tensors have the same padded layout, e.g. [1, 1, 1, C] to
   * [1, C]) is proven as a relabelling of its input.
   */
  public static boolean keepsLayout(ModelDescription model, Reshape r, boolean zeroKnowledge) {
    return TensorLayout.of(model.tensor(r.input()), zeroKnowledge)
        .equals(TensorLayout.of(model.tensor(r.output()), zeroKnowledge));
  }

  /**
   * Data movement (a pad, a reshape that moves data) has no relation of its own in the proof: every
   * layer that reads it folds it into its window ({@link FoldedInput}), so it is refused, with the
   * first reason, when it is the model's output or some reader cannot fold it. A reshape that keeps
   * the layout always passes. A provability check asks it layer by layer.
   */
  public static void checkMovement(
      ModelDescription model, Dataflow flow, Layer movement, boolean zeroKnowledge) {
    if (movement instanceof Reshape r && keepsLayout(model, r, zeroKnowledge)) {
      return;
    }
    String what = describe(model, movement);
    if (model.outputs().contains(movement.output())) {
      throw WindowedLinear.unsupported(movement.name(), what + " at the model's output");
    }
    for (Layer reader : flow.readers(movement.output())) {
      String why = refusal(model, flow, movement, reader, what);
      if (why != null) {
        throw WindowedLinear.unsupported(movement.name(), why);
      }
    }
  }

  private static String describe(ModelDescription model, Layer movement) {
    String shapes =
        " ("
            + model.tensor(movement.inputs().getFirst()).shape()
            + " to "
            + model.tensor(movement.output()).shape()
            + ")";
    return switch (movement) {
      case Reshape r -> "a reshape that moves data" + shapes;
      case Pad p -> "a pad" + shapes;
      default -> throw new IllegalArgumentException(movement.name() + " is not data movement");
    };
  }

  /**
   * Why {@code reader} cannot fold {@code movement} into its window, or null when it does: when it
   * reads the movement's output as its activation input only (not as weights too) and its {@link
   * FoldedInput} (the very window its proof uses) reads the movement's input instead.
   */
  private static String refusal(
      ModelDescription model, Dataflow flow, Layer movement, Layer reader, String what) {
    boolean windowed =
        reader instanceof Conv2D
            || reader instanceof DepthwiseConv2D
            || reader instanceof AveragePool
            || reader instanceof FullyConnected
            || reader instanceof MaxPool;
    boolean onlyAsInput = reader.inputs().lastIndexOf(movement.output()) == 0;
    if (windowed
        && onlyAsInput
        && FoldedInput.of(model, reader, flow).tensor() == movement.inputs().getFirst()) {
      return null;
    }
    String kind = reader.getClass().getSimpleName() + " " + reader.name();
    String why =
        switch (movement) {
          case Pad p ->
              switch (reader) {
                case Conv2D c when c.input() == p.output() ->
                    FoldedInput.padRefusal(model, p, c.inputZeroPoint());
                case DepthwiseConv2D d when d.input() == p.output() ->
                    FoldedInput.padRefusal(model, p, d.inputZeroPoint());
                case AveragePool a when a.input() == p.output() ->
                    FoldedInput.padRefusal(model, p, p.padValue());
                case MaxPool m when m.input() == p.output() ->
                    FoldedInput.maxPoolPadRefusal(model, p, m);
                default -> null;
              };
          case Reshape r ->
              reader instanceof FullyConnected f && f.input() == r.output()
                  ? FoldedInput.flattenRefusal(model, r, f)
                  : null;
          default -> throw new IllegalArgumentException(movement.name() + " is not data movement");
        };
    if (why != null) {
      return why + ", read by " + kind;
    }
    return what
        + " read by "
        + kind
        + (movement instanceof Pad
            ? " (only a convolution or a pool folds a pad into its window)"
            : " (only a dense layer over the whole map folds it)");
  }

  /**
   * An activation input must have the output's layout; a constant one must be one value per
   * channel.
   */
  private static void checkAddend(
      ModelDescription model,
      Add a,
      int tensor,
      TensorLayout out,
      boolean constant,
      boolean zeroKnowledge) {
    TensorSpec spec = model.tensor(tensor);
    if (!constant) {
      if (!TensorLayout.of(spec, zeroKnowledge).equals(out)) {
        throw WindowedLinear.unsupported(a.name(), "broadcasting additions of activations");
      }
      return;
    }
    if (spec.size() != out.channels() || spec.shape().getLast() != out.channels()) {
      throw WindowedLinear.unsupported(
          a.name(),
          "a constant addend of shape " + spec.shape() + " (one value per channel is supported)");
    }
  }

  /** The layout of an activation tensor in this circuit (the model input, say). */
  public TensorLayout layout(int tensor) {
    return TensorLayout.of(model.tensor(resolve(tensor)), zeroKnowledge);
  }

  /** The tensor whose data a (possibly reshaped) tensor id refers to. */
  public int resolve(int tensor) {
    return resolve(aliases, tensor);
  }

  private static int resolve(Map<Integer, Integer> aliases, int tensor) {
    Integer t = aliases.get(tensor);
    return t == null ? tensor : t;
  }

  private static int add(List<Column> columns, String name, int numVars) {
    columns.add(new Column(name, numVars));
    return columns.size() - 1;
  }

  /**
   * (tag, x, rescale(x) - rescale(z), 0): the part of an ADD's sum contributed by input value x.
   */
  private static void addRescaleRows(
      List<long[]> rows, int tag, TensorSpec input, java.util.function.IntUnaryOperator partial) {
    if (!input.type().isByte()) {
      throw new IllegalArgumentException(
          "ADD operand " + input.name() + " must be an 8-bit tensor, not " + input.type());
    }
    for (int x = input.type().min(); x <= input.type().max(); x++) {
      rows.add(
          new long[] {
            tag, Goldilocks.fromSigned(x), Goldilocks.fromSigned(partial.applyAsInt(x)), 0
          });
    }
  }

  /**
   * The committed column holding a tensor (after alias resolution) that a rounding layer, a max
   * pool or a concatenation writes, or -1 (the model input, a constant, the public output).
   */
  public int outColumn(int tensor) {
    ProvenLayer p = producer(tensor);
    if (p != null) {
      return p.columns().out();
    }
    int t = resolve(tensor);
    for (MaxPoolLayer m : maxPools) {
      if (m.layer().output() == t) {
        return m.outColumn();
      }
    }
    for (ConcatLayer c : concats) {
      if (c.layer().output() == t) {
        return c.outColumn();
      }
    }
    for (UnaryTableLayer u : unaries) {
      if (u.layer().output() == t) {
        return u.outColumn();
      }
    }
    return -1;
  }

  /**
   * The layer that writes a tensor (after alias resolution), or null for the model input or a
   * constant.
   */
  public ProvenLayer producer(int tensor) {
    int t = resolve(tensor);
    for (ProvenLayer p : layers) {
      if (p.layer().output() == t) {
        return p;
      }
    }
    return null;
  }
}
