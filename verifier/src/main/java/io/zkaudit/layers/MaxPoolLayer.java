package io.zkaudit.layers;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.model.ElementType;
import io.zkaudit.model.MaxPool;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.Window;
import java.util.ArrayList;
import java.util.List;

/**
 * A max pool in the circuit: the maximum over the window positions inside the input, clamped,
 * proven as a chain of pairwise maxima (docs/model-proofs.md, "Max pooling").
 *
 * <p>Tap k of a kh x kw window is kernel row k / kw and column k % kw. X_k is the selection of tap
 * k, a linear map of the input the verifier can evaluate through the window predicates:
 *
 * <pre>  X_k(y, x, c) = fill + sum_{y', x'} Sr(y, i_k, y') Sc(x, j_k, x') (In(y', x', c) - fill)
 * </pre>
 *
 * so a tap in the pool's padding reads the fill value: the type's minimum, which never changes a
 * maximum (the engine skips such taps), or the value of a pad folded in front of the pool, whose
 * entries the engine's maximum reads ({@link FoldedInput}). With K taps the chain has S = max(1, K
 * - 1) steps; step s looks up (tag, X_a(s), m_{s-1}, m_s) in the rounding table, where m_0 = X_0,
 * m_S is the layer's output, and the rows hold (tag, a, b, max(a, b)) for every pair of values of
 * the input's 8-bit type, the last step's clamped. The intermediate maxima m_1..m_{S-1} are
 * committed columns of the output's layout.
 *
 * @param stepColumns the committed columns of m_1..m_{S-1}
 * @param outColumn the output's committed column, -1 when it is the public output
 * @param tagStep the table tag of steps 1..S-1 (unclamped maxima), tagLast of step S (clamped)
 */
public record MaxPoolLayer(
    int layerIndex,
    MaxPool layer,
    int input,
    TensorLayout in,
    TensorLayout out,
    WindowPredicate rows,
    WindowPredicate cols,
    int fill,
    List<Integer> stepColumns,
    int outColumn,
    int tagStep,
    int tagLast) {

  public MaxPoolLayer {
    stepColumns = List.copyOf(stepColumns);
  }

  /** The number of taps K = kh * kw. */
  public int taps() {
    return rows.kernel() * cols.kernel();
  }

  /** The chain's steps S = max(1, K - 1). */
  public int steps() {
    return Math.max(1, taps() - 1);
  }

  /**
   * The tap step s (1..S) compares with the running maximum: s, or 0 for a 1x1 window (max(x, x)).
   */
  public int stepTap(int s) {
    return taps() == 1 ? 0 : s;
  }

  /** The table tag of step s (1..S). */
  public int tag(int s) {
    return s == steps() ? tagLast : tagStep;
  }

  /** The kernel row and column of tap k, as Boolean points over the predicates' tap bits. */
  public Ext2[] rowTap(int k) {
    return bitsOf(k / cols.kernel(), rows.tapBits());
  }

  public Ext2[] colTap(int k) {
    return bitsOf(k % cols.kernel(), cols.tapBits());
  }

  private static Ext2[] bitsOf(int v, int bits) {
    Ext2[] p = new Ext2[bits];
    for (int b = 0; b < bits; b++) {
      p[b] = ((v >>> b) & 1) == 1 ? Ext2.ONE : Ext2.ZERO;
    }
    return p;
  }

  /**
   * The columns and window of a max pool, or an error naming what the proof does not support: an
   * input that is not an 8-bit activation (the pair table has one row per pair of values), a
   * dilated window, or an output position whose window lies wholly in the padding (its maximum
   * would be the engine's, not a value of the input). Tags are assigned by the circuit later.
   */
  static MaxPoolLayer of(
      ModelDescription model,
      int layerIndex,
      MaxPool p,
      FoldedInput src,
      int input,
      boolean zeroKnowledge,
      List<Integer> stepColumns,
      int outColumn) {
    var spec = model.tensor(input);
    boolean folded = src.tensor() != p.input();
    ElementType type = spec.type();
    if (!type.isByte() || spec.constant()) {
      throw WindowedLinear.unsupported(
          p.name(),
          "max pooling of "
              + (spec.constant() ? "a constant" : type + " values")
              + " (8-bit activations are)");
    }
    Window w = src.window();
    if (w.dilationH() != 1 || w.dilationW() != 1) {
      throw WindowedLinear.unsupported(p.name(), "dilation " + w.dilationH() + "x" + w.dilationW());
    }
    TensorLayout in = TensorLayout.of(spec, zeroKnowledge);
    TensorLayout out = TensorLayout.of(model.tensor(p.output()), zeroKnowledge);
    if (in.channels() != out.channels()) {
      throw WindowedLinear.unsupported(
          p.name(), "channel count changes from " + in.channels() + " to " + out.channels());
    }
    WindowPredicate rows =
        new WindowPredicate(
            w.kernelH(),
            w.strideH(),
            w.padding().top(),
            out.hBits(),
            TensorLayout.bits(w.kernelH()),
            in.hBits(),
            in.height());
    WindowPredicate cols =
        new WindowPredicate(
            w.kernelW(),
            w.strideW(),
            w.padding().left(),
            out.wBits(),
            TensorLayout.bits(w.kernelW()),
            in.wBits(),
            in.width());
    if (!folded) {
      // A folded pad's taps are values (its own pool has no padding, or pads with the minimum):
      // a window of them alone is the engine's maximum of them.
      requireRealTap(p.name(), rows, out.height());
      requireRealTap(p.name(), cols, out.width());
    }
    return new MaxPoolLayer(
        layerIndex,
        p,
        input,
        in,
        out,
        rows,
        cols,
        folded ? src.padValue() : type.min(),
        stepColumns,
        outColumn,
        -1,
        -1);
  }

  /**
   * Every output coordinate reads at least one input coordinate (rows and columns apart: a window
   * is their product).
   */
  private static void requireRealTap(String name, WindowPredicate w, int outSize) {
    for (int y = 0; y < outSize; y++) {
      boolean any = false;
      for (int i = 0; i < w.kernel() && !any; i++) {
        any = w.source(y, i) >= 0;
      }
      if (!any) {
        throw WindowedLinear.unsupported(
            name, "a max pooling window that lies wholly in the padding (output " + y + ")");
      }
    }
  }

  MaxPoolLayer withTags(int step, int last) {
    return new MaxPoolLayer(
        layerIndex, layer, input, in, out, rows, cols, fill, stepColumns, outColumn, step, last);
  }

  /**
   * The key of a pair table: the type's range and the clamp (unclamped steps clamp to the type).
   */
  public record TableKey(int min, int max, int clampMin, int clampMax) {
    /** Rows of the table: one per pair of values. */
    public long rows() {
      long n = (long) max - min + 1;
      return n * n;
    }
  }

  TableKey stepKey(ModelDescription model) {
    return tableKeys(model, layer).getFirst();
  }

  TableKey lastKey(ModelDescription model) {
    return tableKeys(model, layer).getLast();
  }

  /**
   * The pair tables a max pool reads: its unclamped steps' and its last step's (the same when the
   * clamp is the type).
   */
  public static List<TableKey> tableKeys(ModelDescription model, MaxPool p) {
    ElementType t = model.tensor(p.input()).type();
    return List.of(
        new TableKey(t.min(), t.max(), t.min(), t.max()),
        new TableKey(t.min(), t.max(), p.clampMin(), p.clampMax()));
  }

  /**
   * Checks that the proof supports a max pool, in both circuits, or throws the reason (a
   * provability check asks it layer by layer; the input is read through reshapes that keep the
   * layout, which have the same type).
   */
  public static void check(ModelDescription model, MaxPool p) {
    FoldedInput src = FoldedInput.of(model, p, Dataflow.of(model));
    of(model, -1, p, src, src.tensor(), false, List.of(), -1);
    of(model, -1, p, src, src.tensor(), true, List.of(), -1);
  }

  /**
   * (tag, a, b, clamp(max(a, b))) for every pair of the key's values: 2^16 rows for an 8-bit type.
   */
  static List<long[]> rows(int tag, TableKey key) {
    List<long[]> rows = new ArrayList<>();
    for (int a = key.min(); a <= key.max(); a++) {
      for (int b = key.min(); b <= key.max(); b++) {
        rows.add(
            new long[] {
              tag,
              Goldilocks.fromSigned(a),
              Goldilocks.fromSigned(b),
              Goldilocks.fromSigned(Math.clamp(Math.max(a, b), key.clampMin(), key.clampMax()))
            });
      }
    }
    return rows;
  }
}
