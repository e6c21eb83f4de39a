package io.zkaudit.layers;

import io.zkaudit.model.AveragePool;
import io.zkaudit.model.Conv2D;
import io.zkaudit.model.DepthwiseConv2D;
import io.zkaudit.model.FullyConnected;
import io.zkaudit.model.Layer;
import io.zkaudit.model.MaxPool;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.Pad;
import io.zkaudit.model.Padding;
import io.zkaudit.model.Reshape;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.model.Window;
import java.util.List;

/**
 * What a convolution, depthwise convolution or dense layer reads once the data movement in front of
 * it is folded into its window: the tensor whose committed data the proof reads, and the window
 * over that tensor. Nothing is committed or proven for the movement itself. Each fold is an
 * identity of the layers' integer semantics (docs/models.md, "Data movement in the proof"):
 *
 * <ul>
 *   <li><b>Pad, then a convolution.</b> A constant PAD of the spatial axes whose value is the
 *       convolution's input zero point adds entries that contribute (z − z)·(w − zw) = 0 to every
 *       accumulator, exactly what the window's own padding contributes (positions outside the input
 *       are skipped). So it is the same convolution over the pad's input, its padding grown by the
 *       pad's on each side (asymmetric padding is a top/left offset plus the input's real size,
 *       which {@link WindowPredicate} already has).
 *   <li><b>Pad, then an average pool</b> whose windows all cover n entries of the padded map (the
 *       pool's own condition): its sum over a window is Σ_real x + (n − m)·v for m real entries and
 *       pad value v, that is Σ_real (x − v) + n·v. The proof sums x − v over the pad's input (input
 *       zero point v, padding grown as for a convolution), and the rounding adds n·v back.
 *   <li><b>Pad, then a max pool.</b> The pool's maximum runs over the window's entries of the
 *       padded map, pad entries included: the same pool over the pad's input, its padding grown by
 *       the pad's, whose padded taps read the pad value v instead of being skipped (a max pool's
 *       taps outside its input read a fill value, {@link MaxPoolLayer}). A pool with padding of its
 *       own folds only a pad of the type's minimum, the value its own padded taps read.
 *   <li><b>A dense layer over a spatial map</b>, [1, H, W, C] read directly or through a reshape
 *       that flattens it to [1, H·W·C]: acc[o] = bias[o] + Σ_k (x[k] − z)(w[o, k] − zw[o]) with k =
 *       (h·W + w)·C + c (row-major, NHWC), which is the H×W convolution (VALID, stride 1) at its
 *       single output position with weights [O, H, W, C]. Those are the same array as the dense
 *       weights [O, H·W·C], so the committed weights are the dense layer's own values.
 * </ul>
 *
 * <p>A fold is a function of the description alone, whose digest every proof's transcript binds:
 * prover and verifier build the same circuit and the same weight layout from it, so a proof about
 * one committed model cannot be a proof about another.
 */
public record FoldedInput(int tensor, Window window, int padValue) {

  private static final Window ONE_BY_ONE = new Window(1, 1, 1, 1, 1, 1, Padding.NONE);

  /**
   * The tensor and window a convolution, depthwise convolution, dense layer or average pool is
   * proven over, and the value of the folded pad's entries (0 when no pad is folded).
   */
  static FoldedInput of(ModelDescription model, Layer layer, Dataflow flow) {
    return switch (layer) {
      case Conv2D c -> throughPad(model, flow, c.input(), c.window(), c.inputZeroPoint());
      case DepthwiseConv2D d -> throughPad(model, flow, d.input(), d.window(), d.inputZeroPoint());
      // An average pool sums raw values: any pad value folds, the rounding adds it back
      // (Rounding#of).
      case AveragePool a ->
          throughPad(
              model,
              flow,
              a.input(),
              a.window(),
              flow.producer(a.input()) instanceof Pad p ? p.padValue() : 0);
      case FullyConnected f -> denseSource(model, flow, f);
      // A max pool reads the pad's entries as values (its padded taps read them: MaxPoolLayer).
      case MaxPool m ->
          flow.producer(m.input()) instanceof Pad p && maxPoolPadRefusal(model, p, m) == null
              ? throughPad(model, flow, m.input(), m.window(), p.padValue())
              : new FoldedInput(m.input(), m.window(), 0);
      default -> throw new IllegalArgumentException(layer.name() + " has no window to fold into");
    };
  }

  private static FoldedInput throughPad(
      ModelDescription model, Dataflow flow, int input, Window w, int zeroPoint) {
    if (flow.producer(input) instanceof Pad p && padRefusal(model, p, zeroPoint) == null) {
      Padding own = w.padding();
      Padding grown =
          new Padding(
              own.top() + p.before().get(1),
              own.left() + p.before().get(2),
              own.bottom() + p.after().get(1),
              own.right() + p.after().get(2));
      return new FoldedInput(
          p.input(),
          new Window(
              w.kernelH(),
              w.kernelW(),
              w.strideH(),
              w.strideW(),
              w.dilationH(),
              w.dilationW(),
              grown),
          p.padValue());
    }
    return new FoldedInput(input, w, 0);
  }

  /**
   * The map a dense layer reads, itself or the one a flatten in front of it reads, and its
   * whole-map window.
   */
  private static FoldedInput denseSource(ModelDescription model, Dataflow flow, FullyConnected f) {
    // A reshape that moves data is never committed, so it is looked through first (a reshape keeps
    // the row-major order, so the dense layer reads the same sequence); one that keeps the layout
    // ([1, 1, 1, C] to [1, C]) is an alias already (ModelCircuit).
    if (flow.producer(f.input()) instanceof Reshape r
        && !ModelCircuit.keepsLayout(model, r, false)
        && flattenRefusal(model, r, f) == null) {
      return new FoldedInput(r.input(), wholeMap(model.tensor(r.input())), 0);
    }
    TensorSpec in = model.tensor(f.input());
    if (in.rank() == 4 && in.dim(0) == 1 && in.size() == model.tensor(f.weights()).dim(1)) {
      return new FoldedInput(f.input(), wholeMap(in), 0);
    }
    return new FoldedInput(f.input(), ONE_BY_ONE, 0);
  }

  /** An H×W window over a [1, H, W, C] map: VALID, stride 1, one output position. */
  private static Window wholeMap(TensorSpec map) {
    return new Window(map.dim(1), map.dim(2), 1, 1, 1, 1, Padding.NONE);
  }

  /**
   * Why a pad cannot fold into a convolution whose input zero point is {@code zeroPoint}, or null
   * when it can: it must pad the two spatial axes of a [1, H, W, C] map only, with that zero point.
   */
  static String padRefusal(ModelDescription model, Pad p, int zeroPoint) {
    List<Integer> before = p.before();
    List<Integer> after = p.after();
    if (model.tensor(p.input()).rank() != 4) {
      return "a pad of a tensor of rank " + model.tensor(p.input()).rank();
    }
    if (before.get(0) != 0 || after.get(0) != 0 || before.get(3) != 0 || after.get(3) != 0) {
      return "a pad of the batch or channel axis";
    }
    if (p.padValue() != zeroPoint) {
      return "a pad with value "
          + p.padValue()
          + " in front of a layer whose input zero point is "
          + zeroPoint;
    }
    return null;
  }

  /**
   * Why a pad cannot fold into a max pool, or null when it can: a pad of the spatial axes whose
   * entries the pool's window reads as values, which its padded taps then read too. The pool's own
   * padding (taps it skips) reads the type's minimum instead, so a pool with padding of its own
   * folds only a pad of that value.
   */
  static String maxPoolPadRefusal(ModelDescription model, Pad p, MaxPool m) {
    String shape = padRefusal(model, p, p.padValue());
    if (shape != null) {
      return shape;
    }
    if (!m.window().padding().equals(Padding.NONE)
        && p.padValue() != model.tensor(p.input()).type().min()) {
      return "a pad with value " + p.padValue() + " in front of a max pool with padding of its own";
    }
    return null;
  }

  /**
   * Why a reshape in front of dense layer {@code f} is not the flatten of a [1, H, W, C] map into
   * its H·W·C inputs, or null when it is.
   */
  static String flattenRefusal(ModelDescription model, Reshape r, FullyConnected f) {
    TensorSpec map = model.tensor(r.input());
    if (map.rank() != 4 || map.dim(0) != 1) {
      return "a reshape of "
          + map.shape()
          + " (only a [1, H, W, C] map flattened into a dense layer is folded)";
    }
    int inputs = model.tensor(f.weights()).dim(1);
    if (inputs != map.size()) {
      return "a reshape of "
          + map.shape()
          + " into rows of "
          + inputs
          + " for dense layer "
          + f.name()
          + " (only a flatten of the whole map is folded)";
    }
    return null;
  }
}
