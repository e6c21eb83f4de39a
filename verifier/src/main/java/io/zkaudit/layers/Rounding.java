package io.zkaudit.layers;

import io.zkaudit.model.Add;
import io.zkaudit.model.AveragePool;
import io.zkaudit.model.Conv2D;
import io.zkaudit.model.DepthwiseConv2D;
import io.zkaudit.model.FixedPoint;
import io.zkaudit.model.FullyConnected;
import io.zkaudit.model.Layer;
import io.zkaudit.model.Mean;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.Mul;
import io.zkaudit.model.Requantization;
import io.zkaudit.model.Requantize;
import io.zkaudit.quant.MonotoneStep;
import io.zkaudit.quant.StepTable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;

/**
 * The rounding step of a layer: the monotone map from its integer accumulator to its quantized
 * output, per output channel (one map for per-tensor quantization). The proof checks it with the
 * step tables built here; see {@link StepTable}.
 *
 * <p>With {@code limbs} (a layer the description names in {@link ModelDescription#limbRoundings()})
 * the remainders c1, c2 are 32-bit, each committed as two 16-bit limbs: the table has one row per
 * output value and channel, covering the map's whole domain (docs/model-proofs.md, "Limb
 * roundings").
 */
public record Rounding(
    String layer,
    int lo,
    int hi,
    List<MonotoneStep> perChannel,
    long accMin,
    long accEnd,
    boolean limbs) {

  /**
   * Rows beyond each clamped end: accumulators up to 2^16 * EDGE_ROWS past the outermost
   * thresholds.
   */
  public static final int EDGE_ROWS = 64;

  public Rounding {
    perChannel = List.copyOf(perChannel);
  }

  public boolean isPerChannel() {
    return perChannel.size() > 1;
  }

  public MonotoneStep step(int channel) {
    return perChannel.get(perChannel.size() == 1 ? 0 : channel);
  }

  /** Marks an accumulator range that depends on private weights: covered by edge rows instead. */
  static final long UNKNOWN = Long.MIN_VALUE;

  /** The widest row of this rounding's tables: 2^16, or 2^32 with limbs. */
  public long rowWidth() {
    return limbs ? StepTable.LIMB_WIDTH : StepTable.MAX_WIDTH;
  }

  /**
   * How many 16-bit limbs each remainder has: 1, or 2 with limbs (the committed c1, c2 columns have
   * one more variable, the top one, picking the limb).
   */
  public int limbCount() {
    return limbs ? 2 : 1;
  }

  public List<StepTable> tables() {
    List<StepTable> tables = new ArrayList<>();
    for (int c = 0; c < perChannel.size(); c++) {
      MonotoneStep s = perChannel.get(c);
      tables.add(
          accMin == UNKNOWN && !limbs
              ? StepTable.of(s, EDGE_ROWS)
              : StepTable.covering(s, covered(c)[0], covered(c)[1], rowWidth()));
    }
    return tables;
  }

  /**
   * The accumulators [min, end) the table of a channel covers: an accumulator outside cannot be
   * proven. The same coverage as {@link #tables()}, computed without building any row.
   */
  public long[] covered(int channel) {
    MonotoneStep s = step(channel);
    if (accMin == UNKNOWN && limbs) {
      // The whole domain: each level set is one row of width at most 2^32.
      return new long[] {s.threshold(s.lo()), s.threshold(s.hi() + 1)};
    }
    if (accMin == UNKNOWN) {
      return StepTable.edgeCoverage(s, EDGE_ROWS);
    }
    return new long[] {
      Math.max(accMin, s.threshold(s.lo())), Math.min(accEnd, s.threshold(s.hi() + 1))
    };
  }

  /** How many rows {@link #tables()} holds in all, counted without building them. */
  public long tableRowCount() {
    long n = 0;
    for (int c = 0; c < perChannel.size(); c++) {
      long[] range = covered(c);
      n += StepTable.rowCount(perChannel.get(c), range[0], range[1], rowWidth());
    }
    return n;
  }

  /** The rounding of {@code layer}; the map of each case is the layer's documented semantics. */
  public static Rounding of(ModelDescription model, Layer layer) {
    return of(model, layer, Dataflow.of(model));
  }

  /**
   * The same, with the model's dataflow computed once by the caller (an average pool reads through
   * a pad folded into it, {@link FoldedInput}).
   */
  public static Rounding of(ModelDescription model, Layer layer, Dataflow flow) {
    return narrow(model, layer, flow).withLimbs(model.limbRounding(layer.name()));
  }

  /** The same rounding proven with (true) or without limbs. */
  public Rounding withLimbs(boolean limbs) {
    return new Rounding(layer, lo, hi, perChannel, accMin, accEnd, limbs);
  }

  private static Rounding narrow(ModelDescription model, Layer layer, Dataflow flow) {
    return switch (layer) {
      case Conv2D c ->
          requantization(c.name(), c.requantization(), model.tensor(c.output()).shape().getLast());
      case DepthwiseConv2D d ->
          requantization(d.name(), d.requantization(), model.tensor(d.output()).shape().getLast());
      case FullyConnected f ->
          requantization(f.name(), f.requantization(), model.tensor(f.output()).shape().getLast());
      case Add a -> {
        long[] ra = rescaleRange(model.tensor(a.a()).type(), x -> a.rawSum(x, a.bZeroPoint()));
        long[] rb = rescaleRange(model.tensor(a.b()).type(), x -> a.rawSum(a.aZeroPoint(), x));
        yield single(a.name(), a.clampMin(), a.clampMax(), a.outShift(), acc -> a.finish((int) acc))
            .covering(ra[0] + rb[0], ra[1] + rb[1] + 1);
      }
      // A product of two 8-bit activations is public in range: its table covers exactly the
      // products of the two types. Times a constant, the range depends on the private constant;
      // wider operands (which Product refuses) keep the edge rows, so that a hostile key cannot
      // ask for a table of 2^62 rows.
      case Mul m
          when Product.isProduct(model, m)
              && model.tensor(m.a()).type().isByte()
              && model.tensor(m.b()).type().isByte() -> {
        long[] range =
            productRange(
                model.tensor(m.a()).type(),
                m.aZeroPoint(),
                model.tensor(m.b()).type(),
                m.bZeroPoint());
        yield single(m.name(), m.clampMin(), m.clampMax(), m.outShift(), acc -> m.finish((int) acc))
            .covering(range[0], range[1] + 1);
      }
      case Mul m ->
          single(m.name(), m.clampMin(), m.clampMax(), m.outShift(), acc -> m.finish((int) acc));
      case Requantize q ->
          single(
              q.name(),
              q.clampMin(),
              q.clampMax(),
              q.shift(),
              acc ->
                  Math.clamp(
                      (long)
                              FixedPoint.multiplyByQuantizedMultiplier(
                                  (int) acc, q.multiplier(), q.shift())
                          + q.outputZeroPoint(),
                      q.clampMin(),
                      q.clampMax()));
      case AveragePool p -> {
        // The window count over the pool's own input (a pad's output, when one is folded).
        int n = uniformWindowCount(WindowedLinear.of(model, p, false, Dataflow.NONE), p.name());
        // A folded pad of value v: the proof's accumulator is the sum less n·v (FoldedInput).
        long folded = (long) n * FoldedInput.of(model, p, flow).padValue();
        var in = model.tensor(p.input()).type();
        yield single(
                p.name(),
                p.clampMin(),
                p.clampMax(),
                0,
                acc ->
                    Math.clamp(
                        AveragePool.roundedDivide(acc + folded, n), p.clampMin(), p.clampMax()))
            // Windows with m <= n real entries: sums between n·(min − v) and n·(max − v), and 0
            // when
            // m = 0 (a pad value outside the type would otherwise put it beyond both).
            .covering(
                Math.min((long) n * in.min() - folded, 0),
                Math.max((long) n * in.max() - folded, 0) + 1);
      }
      case Mean m -> {
        int n = model.tensor(m.input()).dim(1) * model.tensor(m.input()).dim(2);
        yield single(
            m.name(),
            m.clampMin(),
            m.clampMax(),
            m.shift(),
            acc ->
                Math.clamp(
                    (long)
                            AveragePool.roundedDivide(
                                FixedPoint.multiplyByQuantizedMultiplier(
                                    (int) acc, m.multiplier(), m.shift()),
                                n)
                        + m.outputZeroPoint(),
                    m.clampMin(),
                    m.clampMax()));
      }
      // MaxPool, Concat and Pad have no rounding: the circuit proves them apart (MaxPoolLayer,
      // ConcatLayer, FoldedInput).
      default ->
          throw WindowedLinear.unsupported(
              layer.name(), layer.getClass().getSimpleName() + " layers");
    };
  }

  private static Rounding requantization(String name, Requantization q, int channels) {
    List<MonotoneStep> steps = new ArrayList<>();
    int n = q.perChannel() ? channels : 1;
    for (int c = 0; c < n; c++) {
      int ch = c;
      long bound = domainBound(q.shift(c));
      steps.add(
          MonotoneStep.of(acc -> q.apply(acc, ch), q.clampMin(), q.clampMax(), -bound, bound));
    }
    return new Rounding(name, q.clampMin(), q.clampMax(), steps, UNKNOWN, UNKNOWN, false);
  }

  private static Rounding single(String name, int lo, int hi, int shift, LongUnaryOperator f) {
    long bound = domainBound(shift);
    return new Rounding(
        name, lo, hi, List.of(MonotoneStep.of(f, lo, hi, -bound, bound)), UNKNOWN, UNKNOWN, false);
  }

  private Rounding covering(long min, long end) {
    return new Rounding(layer, lo, hi, perChannel, min, end, limbs);
  }

  /** [min, max] of (x − zx)(y − zy) over x, y in their types: the corners of the two intervals. */
  public static long[] productRange(
      io.zkaudit.model.ElementType x, int zx, io.zkaudit.model.ElementType y, int zy) {
    long[] xs = {(long) x.min() - zx, (long) x.max() - zx};
    long[] ys = {(long) y.min() - zy, (long) y.max() - zy};
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (long u : xs) {
      for (long v : ys) {
        min = Math.min(min, u * v);
        max = Math.max(max, u * v);
      }
    }
    return new long[] {min, max};
  }

  /** min and max of f over every value of an 8-bit type (f is monotone, but check all 256). */
  private static long[] rescaleRange(
      io.zkaudit.model.ElementType type, java.util.function.IntUnaryOperator f) {
    // An int32 operand would make this loop run 2^32 times (forever: x++ wraps at the top): a
    // hostile verifying key must not hang its verifier.
    if (!type.isByte()) {
      throw new IllegalArgumentException("ADD operands must be 8-bit tensors, not " + type);
    }
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int x = type.min(); x <= type.max(); x++) {
      long v = f.applyAsInt(x);
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return new long[] {min, max};
  }

  /**
   * TFLite shifts the accumulator left by a positive shift before multiplying, in 32 bits: the map
   * is monotone only while that does not wrap, |acc| < 2^(31 - shift).
   */
  private static long domainBound(int shift) {
    return 1L << (31 - Math.max(0, shift));
  }

  /**
   * Pools divide by the number of taps inside the input; the proof needs it to be the same
   * everywhere.
   */
  private static int uniformWindowCount(WindowedLinear w, String name) {
    int n = -1;
    for (int y = 0; y < w.out().height(); y++) {
      for (int x = 0; x < w.out().width(); x++) {
        int count = 0;
        for (int i = 0; i < w.rows().kernel(); i++) {
          for (int j = 0; j < w.cols().kernel(); j++) {
            if (w.rows().source(y, i) >= 0 && w.cols().source(x, j) >= 0) {
              count++;
            }
          }
        }
        if (n >= 0 && count != n) {
          throw WindowedLinear.unsupported(
              name, "average pooling windows that overlap the padding");
        }
        n = count;
      }
    }
    return n;
  }
}
