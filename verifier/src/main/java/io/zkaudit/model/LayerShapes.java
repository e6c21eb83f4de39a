package io.zkaudit.model;

import java.util.ArrayList;
import java.util.List;

/** Shape rules of every layer, checked when a description is built or decoded. */
final class LayerShapes {
  private LayerShapes() {}

  static void check(Layer layer, List<TensorSpec> t) {
    clampWithinType(layer, t.get(layer.output()));
    switch (layer) {
      case Conv2D c -> {
        TensorSpec in = rank(t, c.input(), 4, c),
            w = rank(t, c.weights(), 4, c),
            out = rank(t, c.output(), 4, c);
        int o = w.dim(0);
        require(
            w.dim(1) == c.window().kernelH()
                && w.dim(2) == c.window().kernelW()
                && w.dim(3) == in.dim(3),
            c,
            "weights " + w.shape() + " do not fit the input " + in.shape());
        spatial(in, out, c.window(), o, c);
        channelParams(c.weightZeroPoints().size(), c.requantization(), o, c);
        bias(t, c.bias(), o, c);
      }
      case DepthwiseConv2D d -> {
        TensorSpec in = rank(t, d.input(), 4, d),
            w = rank(t, d.weights(), 4, d),
            out = rank(t, d.output(), 4, d);
        int o = w.dim(3);
        require(
            w.dim(0) == 1
                && w.dim(1) == d.window().kernelH()
                && w.dim(2) == d.window().kernelW()
                && o == (long) in.dim(3) * d.depthMultiplier(),
            d,
            "weights " + w.shape() + " do not fit the input " + in.shape());
        spatial(in, out, d.window(), o, d);
        channelParams(d.weightZeroPoints().size(), d.requantization(), o, d);
        bias(t, d.bias(), o, d);
      }
      case FullyConnected f -> {
        TensorSpec in = t.get(f.input()), w = rank(t, f.weights(), 2, f), out = t.get(f.output());
        int o = w.dim(0), i = w.dim(1);
        require(
            in.size() % i == 0 && out.size() == in.size() / i * o,
            f,
            "input "
                + in.shape()
                + ", weights "
                + w.shape()
                + " and output "
                + out.shape()
                + " do not fit");
        channelParams(f.weightZeroPoints().size(), f.requantization(), o, f);
        bias(t, f.bias(), o, f);
      }
      case Add a -> broadcast(t.get(a.a()), t.get(a.b()), t.get(a.output()), a);
      case Mul m -> broadcast(t.get(m.a()), t.get(m.b()), t.get(m.output()), m);
      case AveragePool p -> pool(t, p.input(), p.output(), p.window(), p);
      case MaxPool p -> pool(t, p.input(), p.output(), p.window(), p);
      case Mean m -> {
        TensorSpec in = rank(t, m.input(), 4, m), out = t.get(m.output());
        require(
            out.size() == in.dim(0) * in.dim(3),
            m,
            "output " + out.shape() + " is not the spatial mean of " + in.shape());
      }
      case Reshape r ->
          require(t.get(r.input()).size() == t.get(r.output()).size(), r, "sizes differ");
      case Requantize r ->
          require(t.get(r.input()).size() == t.get(r.output()).size(), r, "sizes differ");
      case Softmax s ->
          require(t.get(s.input()).size() == t.get(s.output()).size(), s, "sizes differ");
      case Unary u -> {
        require(t.get(u.input()).shape().equals(t.get(u.output()).shape()), u, "shapes differ");
        // The table has one row per input value: an int32 input would ask for 2^32 of them.
        u.checkTensors(t.get(u.input()), t.get(u.output()));
      }
      case Pad p -> {
        TensorSpec in = t.get(p.input()), out = t.get(p.output());
        require(
            p.before().size() == in.rank()
                && p.after().size() == in.rank()
                && out.rank() == in.rank(),
            p,
            "padding rank");
        for (int d = 0; d < in.rank(); d++) {
          require(
              p.before().get(d) >= 0
                  && p.after().get(d) >= 0
                  && out.dim(d) == (long) in.dim(d) + p.before().get(d) + p.after().get(d),
              p,
              "padded shape");
        }
      }
      case Concat c -> {
        TensorSpec out = t.get(c.output());
        require(
            !c.inputs().isEmpty() && c.axis() >= 0 && c.axis() < out.rank(), c, "axis " + c.axis());
        long along = 0;
        for (int i : c.inputs()) {
          TensorSpec in = t.get(i);
          require(in.rank() == out.rank(), c, "ranks differ");
          for (int d = 0; d < out.rank(); d++)
            if (d != c.axis()) require(in.dim(d) == out.dim(d), c, "shapes differ off the axis");
          along += in.dim(c.axis());
        }
        require(along == out.dim(c.axis()), c, "sizes along the axis do not add up");
      }
    }
  }

  /** Numpy broadcasting of two shapes aligned at their last dimension. */
  static int[] broadcastShape(int[] a, int[] b) {
    int r = Math.max(a.length, b.length);
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      int da = i < r - a.length ? 1 : a[i - (r - a.length)];
      int db = i < r - b.length ? 1 : b[i - (r - b.length)];
      if (da != db && da != 1 && db != 1) return null;
      out[i] = Math.max(da, db);
    }
    return out;
  }

  private static void broadcast(TensorSpec a, TensorSpec b, TensorSpec out, Layer l) {
    int[] s = broadcastShape(a.shapeArray(), b.shapeArray());
    require(s != null, l, "cannot broadcast " + a.shape() + " with " + b.shape());
    List<Integer> expected = new ArrayList<>();
    for (int d : s) expected.add(d);
    require(
        expected.equals(out.shape()),
        l,
        "output " + out.shape() + " is not the broadcast shape " + expected);
  }

  private static void pool(List<TensorSpec> t, int inId, int outId, Window w, Layer l) {
    TensorSpec in = rank(t, inId, 4, l), out = rank(t, outId, 4, l);
    spatial(in, out, w, in.dim(3), l);
  }

  private static void spatial(TensorSpec in, TensorSpec out, Window w, int channels, Layer l) {
    require(
        out.dim(0) == in.dim(0)
            && out.dim(1) == w.outputHeight(in.dim(1))
            && out.dim(2) == w.outputWidth(in.dim(2))
            && out.dim(3) == channels,
        l,
        "output " + out.shape() + " does not follow from input " + in.shape() + " and " + w);
  }

  private static void channelParams(int zeroPoints, Requantization r, int channels, Layer l) {
    require(
        zeroPoints == 1 || zeroPoints == channels,
        l,
        zeroPoints + " weight zero points for " + channels + " channels");
    require(
        r.multipliers().size() == 1 || r.multipliers().size() == channels,
        l,
        r.multipliers().size() + " multipliers for " + channels + " channels");
  }

  private static void bias(List<TensorSpec> t, int bias, int channels, Layer l) {
    if (bias < 0) return;
    require(bias < t.size(), l, "bias tensor " + bias + " does not exist");
    TensorSpec b = t.get(bias);
    require(
        b.type() == ElementType.INT32 && b.size() == channels && b.constant(),
        l,
        "bias " + b.shape() + " is not int32[" + channels + "]");
  }

  private static TensorSpec rank(List<TensorSpec> t, int id, int rank, Layer l) {
    TensorSpec s = t.get(id);
    require(
        s.rank() == rank,
        l,
        "tensor " + s.name() + " has shape " + s.shape() + ", expected rank " + rank);
    return s;
  }

  private static void require(boolean ok, Layer l, String what) {
    if (!ok)
      throw new ModelFormatException(
          "layer " + l.name() + " (" + l.getClass().getSimpleName() + "): " + what);
  }

  /**
   * A layer's output clamp lies within its output type: the quantized values a layer writes are
   * values of that type. (The proof enumerates the clamp's range in its rounding tables, so an
   * unchecked clamp in a hostile key would make a verifier allocate without bound.)
   */
  private static void clampWithinType(Layer layer, TensorSpec out) {
    int[] clamp =
        switch (layer) {
          case Conv2D c -> new int[] {c.requantization().clampMin(), c.requantization().clampMax()};
          case DepthwiseConv2D d ->
              new int[] {d.requantization().clampMin(), d.requantization().clampMax()};
          case FullyConnected f ->
              new int[] {f.requantization().clampMin(), f.requantization().clampMax()};
          case Add a -> new int[] {a.clampMin(), a.clampMax()};
          case Mul m -> new int[] {m.clampMin(), m.clampMax()};
          case AveragePool p -> new int[] {p.clampMin(), p.clampMax()};
          case MaxPool p -> new int[] {p.clampMin(), p.clampMax()};
          case Mean m -> new int[] {m.clampMin(), m.clampMax()};
          case Requantize q -> new int[] {q.clampMin(), q.clampMax()};
          default -> null;
        };
    if (clamp != null) {
      require(
          clamp[0] <= clamp[1] && clamp[0] >= out.type().min() && clamp[1] <= out.type().max(),
          layer,
          "clamp ["
              + clamp[0]
              + ", "
              + clamp[1]
              + "] is not within its output type "
              + out.type()
              + " ["
              + out.type().min()
              + ", "
              + out.type().max()
              + "]");
    }
  }
}
