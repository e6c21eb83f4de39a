package io.zkaudit.layers;

import io.zkaudit.model.AveragePool;
import io.zkaudit.model.Conv2D;
import io.zkaudit.model.DepthwiseConv2D;
import io.zkaudit.model.FullyConnected;
import io.zkaudit.model.Layer;
import io.zkaudit.model.Mean;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.model.Mul;
import io.zkaudit.model.Padding;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.model.Window;
import java.util.List;

/**
 * The linear part of a layer that slides a window over an [H, W, C] input: a convolution (contracts
 * input channels), a depthwise convolution (channel-aligned) or a sum (pools, means). It maps the
 * layer's accumulator to its inputs; see docs/model-proofs.md for the two-phase sumcheck that
 * proves it.
 *
 * <p>Weight layouts on the hypercube (low bits first): convolution (ci, j, i, co), depthwise (c, j,
 * i), where i and j are the kernel row and column, each padded to a power of two.
 */
public record WindowedLinear(
    Kind kind,
    int input,
    int weights,
    int bias,
    TensorLayout in,
    TensorLayout out,
    WindowPredicate rows,
    WindowPredicate cols,
    int inputZeroPoint,
    List<Integer> weightZeroPoints) {

  public enum Kind {
    CONV,
    DEPTHWISE,
    SUM
  }

  public WindowedLinear {
    weightZeroPoints = List.copyOf(weightZeroPoints);
  }

  public boolean hasBias() {
    return bias >= 0;
  }

  /** Variables of the phase-1 sumcheck (taps and contracted or aligned channels). */
  public int phase1Vars() {
    return kind == Kind.SUM ? 0 : in.cBits() + cols.tapBits() + rows.tapBits();
  }

  /** Variables of the weight tensor's table. */
  public int weightVars() {
    return switch (kind) {
      case CONV -> phase1Vars() + out.cBits();
      case DEPTHWISE -> phase1Vars();
      case SUM -> 0;
    };
  }

  public int phase2Vars() {
    return in.hBits() + in.wBits();
  }

  /**
   * A claim point on the accumulator, split by the output layout: channel, column, row coordinates.
   */
  public record OutputPoint(
      io.zkaudit.field.Ext2[] c, io.zkaudit.field.Ext2[] x, io.zkaudit.field.Ext2[] y) {}

  /** Splits a claim point on the accumulator (the output layout's coordinates, low bits first). */
  public OutputPoint outputPoint(io.zkaudit.field.Ext2[] r) {
    if (r.length != out.numVars()) {
      throw new IllegalArgumentException(
          "claim point has " + r.length + " coordinates, layout has " + out.numVars());
    }
    return new OutputPoint(
        Points.slice(r, 0, out.cBits()),
        Points.slice(r, out.cBits(), out.wBits()),
        Points.slice(r, out.cBits() + out.wBits(), out.hBits()));
  }

  /** Phase 1's end point, split: input channel, column tap j, row tap i (low bits first). */
  public record TapPoint(
      io.zkaudit.field.Ext2[] c, io.zkaudit.field.Ext2[] j, io.zkaudit.field.Ext2[] i) {}

  public TapPoint tapPoint(io.zkaudit.field.Ext2[] rho) {
    return new TapPoint(
        Points.slice(rho, 0, in.cBits()),
        Points.slice(rho, in.cBits(), cols.tapBits()),
        Points.slice(rho, in.cBits() + cols.tapBits(), rows.tapBits()));
  }

  /** The weight zero point of output channel c. */
  public int weightZeroPoint(int c) {
    return weightZeroPoints.size() == 1 ? weightZeroPoints.getFirst() : weightZeroPoints.get(c);
  }

  /** Weights in TFLite order ([co][i][j][ci], or [1][i][j][c]) placed in this layer's layout. */
  public long[] placeWeights(int[] tflite) {
    int kh = rows.kernel();
    int kw = cols.kernel();
    int cin = in.channels();
    int cout = out.channels();
    long[] t = new long[1 << weightVars()];
    int ib = rows.tapBits();
    int jb = cols.tapBits();
    int cb = in.cBits();
    if (kind == Kind.CONV) {
      for (int co = 0; co < cout; co++) {
        for (int i = 0; i < kh; i++) {
          for (int j = 0; j < kw; j++) {
            for (int ci = 0; ci < cin; ci++) {
              int src = ((co * kh + i) * kw + j) * cin + ci;
              int dst = ci | (j << cb) | (i << (cb + jb)) | (co << (cb + jb + ib));
              t[dst] = io.zkaudit.field.Goldilocks.fromSigned(tflite[src]);
            }
          }
        }
      }
    } else if (kind == Kind.DEPTHWISE) {
      for (int i = 0; i < kh; i++) {
        for (int j = 0; j < kw; j++) {
          for (int c = 0; c < cout; c++) {
            int src = (i * kw + j) * cout + c;
            int dst = c | (j << cb) | (i << (cb + jb));
            t[dst] = io.zkaudit.field.Goldilocks.fromSigned(tflite[src]);
          }
        }
      }
    } else {
      throw new IllegalStateException("a sum has no weights");
    }
    return t;
  }

  /** The linear part of {@code layer} in a proof without zero knowledge. */
  public static WindowedLinear of(ModelDescription model, Layer layer) {
    return of(model, layer, false);
  }

  /**
   * The linear part of {@code layer}, its tensors laid out for a proof with or without zero
   * knowledge ({@link TensorLayout#of(TensorSpec, boolean)}), or an error naming what the proof
   * does not support.
   */
  public static WindowedLinear of(ModelDescription model, Layer layer, boolean zeroKnowledge) {
    return of(model, layer, zeroKnowledge, Dataflow.of(model));
  }

  /**
   * The same, with the model's dataflow computed once by the caller: a convolution or dense layer
   * reads through the data movement in front of it ({@link FoldedInput}).
   */
  public static WindowedLinear of(
      ModelDescription model, Layer layer, boolean zeroKnowledge, Dataflow flow) {
    TensorLayout out = TensorLayout.of(model.tensor(layer.output()), zeroKnowledge);
    return switch (layer) {
      case Conv2D c -> {
        FoldedInput src = FoldedInput.of(model, c, flow);
        yield windowed(
            Kind.CONV,
            src.tensor(),
            c.weights(),
            c.bias(),
            layout(model, src, zeroKnowledge),
            out,
            src.window(),
            c.inputZeroPoint(),
            c.weightZeroPoints(),
            c.name());
      }
      case DepthwiseConv2D d -> {
        if (d.depthMultiplier() != 1) {
          throw unsupported(d.name(), "depth multiplier " + d.depthMultiplier());
        }
        FoldedInput src = FoldedInput.of(model, d, flow);
        yield windowed(
            Kind.DEPTHWISE,
            src.tensor(),
            d.weights(),
            d.bias(),
            layout(model, src, zeroKnowledge),
            out,
            src.window(),
            d.inputZeroPoint(),
            d.weightZeroPoints(),
            d.name());
      }
      case FullyConnected f -> {
        FoldedInput src = FoldedInput.of(model, f, flow);
        TensorLayout in = layout(model, src, zeroKnowledge);
        if (in.height() != src.window().kernelH() || in.width() != src.window().kernelW()) {
          throw unsupported(
              f.name(), "fully connected input of shape " + model.tensor(f.input()).shape());
        }
        yield windowed(
            Kind.CONV,
            src.tensor(),
            f.weights(),
            f.bias(),
            in,
            out,
            src.window(),
            f.inputZeroPoint(),
            f.weightZeroPoints(),
            f.name());
      }
      case Mul m -> {
        boolean constA = model.tensor(m.a()).constant();
        boolean constB = model.tensor(m.b()).constant();
        if (constA == constB) {
          throw unsupported(
              m.name(), constA ? "a product of two constants" : "a product of two activations");
        }
        int act = constA ? m.b() : m.a();
        int weights = constA ? m.a() : m.b();
        TensorLayout actLayout = TensorLayout.of(model.tensor(act), zeroKnowledge);
        if (!actLayout.equals(out)
            || model.tensor(weights).size() != out.channels()
            || model.tensor(weights).shape().getLast() != out.channels()) {
          throw unsupported(m.name(), "a product other than activation x per-channel constant");
        }
        // (x - zx)(w - zw) per channel: a depthwise 1x1 convolution without bias.
        yield windowed(
            Kind.DEPTHWISE,
            act,
            weights,
            -1,
            actLayout,
            out,
            new Window(1, 1, 1, 1, 1, 1, Padding.NONE),
            constA ? m.bZeroPoint() : m.aZeroPoint(),
            List.of(constA ? m.aZeroPoint() : m.bZeroPoint()),
            m.name());
      }
      case AveragePool p -> {
        FoldedInput src = FoldedInput.of(model, p, flow);
        // A folded pad's entries are its value: the sum runs over x - value (FoldedInput).
        yield windowed(
            Kind.SUM,
            src.tensor(),
            -1,
            -1,
            layout(model, src, zeroKnowledge),
            out,
            src.window(),
            src.padValue(),
            List.of(0),
            p.name());
      }
      case Mean m -> {
        TensorLayout in = TensorLayout.of(model.tensor(m.input()), zeroKnowledge);
        yield windowed(
            Kind.SUM,
            m.input(),
            -1,
            -1,
            in,
            out,
            new Window(in.height(), in.width(), 1, 1, 1, 1, Padding.NONE),
            m.inputZeroPoint(),
            List.of(0),
            m.name());
      }
      default ->
          throw unsupported(
              layer.name(), layer.getClass().getSimpleName() + " is not a windowed linear layer");
    };
  }

  private static TensorLayout layout(
      ModelDescription model, FoldedInput src, boolean zeroKnowledge) {
    return TensorLayout.of(model.tensor(src.tensor()), zeroKnowledge);
  }

  private static WindowedLinear windowed(
      Kind kind,
      int input,
      int weights,
      int bias,
      TensorLayout in,
      TensorLayout out,
      Window w,
      int zin,
      List<Integer> zw,
      String name) {
    if (w.dilationH() != 1 || w.dilationW() != 1) {
      throw unsupported(name, "dilation " + w.dilationH() + "x" + w.dilationW());
    }
    if (kind == Kind.DEPTHWISE || kind == Kind.SUM) {
      if (in.channels() != out.channels()) {
        throw unsupported(
            name, "channel count changes from " + in.channels() + " to " + out.channels());
      }
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
    return new WindowedLinear(kind, input, weights, bias, in, out, rows, cols, zin, zw);
  }

  static ModelFormatException unsupported(String layer, String what) {
    return new ModelFormatException("layer " + layer + ": the proof does not support " + what);
  }
}
