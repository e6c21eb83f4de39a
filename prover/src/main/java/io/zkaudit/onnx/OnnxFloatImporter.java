package io.zkaudit.onnx;

import io.zkaudit.floatmodel.FloatModel;
import io.zkaudit.floatmodel.FloatOp;
import io.zkaudit.floatmodel.FloatTensor;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.model.Padding;
import io.zkaudit.model.Window;
import io.zkaudit.onnx.OnnxModel.Node;
import io.zkaudit.onnx.OnnxModel.Tensor;
import io.zkaudit.onnx.OnnxShapes.Layout;
import io.zkaudit.onnx.OnnxShapes.Shaped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a float ONNX graph (as PyTorch exports it) to a {@link FloatModel}. Rank-4 activations are
 * stored NHWC; weights and constants are reordered to match. Followers are folded where the
 * quantized model gains from it: BatchNormalization and constant Add/Mul per channel into the
 * preceding Conv/Gemm (a layer less, and one rounding less), Relu/Clip into the preceding layer's
 * clamp, as TFLite's converter does.
 */
final class OnnxFloatImporter {
  private static final float INF = Float.POSITIVE_INFINITY;

  /**
   * An activation: its float tensor id, its ONNX shape, its storage, and for FLAT_NHWC the map's
   * C,H,W.
   */
  private record Value(int id, int[] onnxShape, Layout layout, int[] chw) {}

  private final OnnxModel model;
  private final List<FloatTensor> tensors = new ArrayList<>();
  private final List<FloatOp> ops = new ArrayList<>();
  private final GraphIndex index;
  private final Map<String, Tensor> constants;
  private final Map<String, Value> values = new HashMap<>();
  private final Map<Integer, Integer> producer = new HashMap<>(); // tensor id -> index in ops
  private final Map<Integer, List<String>> namesOf = new HashMap<>(); // tensor id -> its names

  OnnxFloatImporter(OnnxModel model) {
    this.model = model;
    this.index = new GraphIndex(model.graph());
    this.constants = index.constants;
  }

  FloatModel lower(String name) {
    var g = model.graph();
    List<Integer> inputs = new ArrayList<>();
    for (var in : index.dataInputs()) {
      if (in.elemType() != Tensor.FLOAT)
        throw new ModelFormatException(
            "ONNX input " + in.name() + " is not float32 (type " + in.elemType() + ")");
      int[] shape = GraphIndex.fixedShape(in);
      Value v =
          OnnxShapes.channelsLastInput(g, in.name(), shape)
              ? register(in.name(), shape, Layout.PLAIN, null)
              : activation(in.name(), shape);
      inputs.add(v.id());
    }
    if (inputs.size() != 1)
      throw new ModelFormatException(
          "ONNX model has " + inputs.size() + " inputs; exactly one is supported");
    for (Node n : NodeOrder.topological(g.nodes())) lower(n);
    List<Integer> outputs = new ArrayList<>();
    for (var o : g.outputs()) {
      Value v = values.get(o.name());
      if (v == null)
        throw new ModelFormatException("ONNX output " + o.name() + " is not computed by any node");
      // a flattened spatial map is stored in NHWC order; only a Dense can undo that (its weight
      // columns)
      if (v.layout() == Layout.FLAT_NHWC)
        throw new ModelFormatException(
            "unsupported ONNX output "
                + o.name()
                + ": a Flatten/Reshape of an [N,C,H,W] map with H·W > 1 is supported only when a"
                + " Gemm/MatMul consumes it");
      if (v.layout() == Layout.PLAIN && v.onnxShape().length == 4)
        throw new ModelFormatException(OnnxShapes.channelsLastOutput(o.name(), v.onnxShape()));
      outputs.add(v.id());
    }
    return new FloatModel(name, tensors, ops, inputs, outputs);
  }

  // ------------------------------------------------------------------ nodes

  /**
   * The ONNX operators (default domain) this importer lowers; docs/models.md's op table is checked
   * against it.
   */
  static final java.util.Set<String> OPS =
      java.util.Set.of(
          "Constant",
          "Identity",
          "Dropout",
          "Conv",
          "BatchNormalization",
          "Gemm",
          "MatMul",
          "Add",
          "Mul",
          "Relu",
          "Clip",
          "MaxPool",
          "AveragePool",
          "GlobalAveragePool",
          "Flatten",
          "Reshape",
          "Pad",
          "Concat",
          "Softmax",
          "Transpose",
          "ReduceMean");

  private void lower(Node n) {
    if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx"))
      throw unsupported(n, "operator " + n.domain() + "." + n.opType());
    if (!OPS.contains(n.opType())) throw unsupported(n, "operator " + n.opType());
    if (n.outputs().isEmpty())
      throw new ModelFormatException("ONNX node " + n.label() + " has no output");
    switch (n.opType()) {
      case "Constant" -> {
        var a = n.attributes().get("value");
        if (a == null || a.t() == null) throw unsupported(n, "Constant without a tensor 'value'");
        constants.put(n.outputs().getFirst(), a.t());
      }
      case "Identity", "Dropout" -> {
        // PyTorch exports weights shared between layers as an Identity of the initializer.
        String in = n.inputs().isEmpty() ? "" : n.inputs().getFirst();
        if (constants.containsKey(in)) constants.put(n.outputs().getFirst(), constants.get(in));
        else alias(n, input(n, 0));
      }
      case "Conv" -> conv(n);
      case "BatchNormalization" -> batchNorm(n);
      case "Gemm" -> gemm(n);
      case "MatMul" -> matMul(n);
      case "Add", "Mul" -> binary(n);
      case "Relu" -> clamp(n, 0f, INF);
      case "Clip" -> clip(n);
      case "MaxPool", "AveragePool" -> pool(n);
      case "GlobalAveragePool" -> {
        Value x = nhwc(n, input(n, 0));
        int[] s = x.onnxShape();
        Value y = output(n, new int[] {s[0], s[1], 1, 1});
        add(new FloatOp.Mean(n.name(), x.id(), y.id()));
      }
      case "Flatten" -> flatten(n, (int) n.intAttr("axis", 1));
      case "Reshape" -> reshape(n);
      case "Pad" -> pad(n);
      case "Concat" -> concat(n);
      case "Softmax" -> softmax(n);
      case "Transpose" -> transpose(n);
      case "ReduceMean" -> reduceMean(n);
      default -> throw new IllegalStateException(n.opType() + " is in OPS but has no lowering");
    }
  }

  private void conv(Node n) {
    Value x = nhwc(n, input(n, 0));
    Tensor w = constant(n, 1);
    if (w.dims().length != 4)
      throw unsupported(n, "Conv with " + w.dims().length + "-d weights (only 2-d convolutions)");
    int o = (int) w.dims()[0],
        cPerGroup = (int) w.dims()[1],
        kh = (int) w.dims()[2],
        kw = (int) w.dims()[3];
    int c = x.onnxShape()[1];
    long group = n.intAttr("group", 1);
    long[] ks = n.intsAttr("kernel_shape", new long[] {kh, kw});
    if (ks[0] != kh || ks[1] != kw)
      throw unsupported(
          n, "Conv whose kernel_shape " + Arrays.toString(ks) + " differs from its weights");
    Window win = window(n, x, kh, kw, true);
    int[] s = x.onnxShape();
    int[] out = {s[0], o, win.outputHeight(s[2]), win.outputWidth(s[3])};
    int bias = -1;
    if (n.inputs().size() > 2 && !n.inputs().get(2).isEmpty())
      bias = constantTensor(constant(n, 2).name(), new int[] {o}, constant(n, 2).floats());
    Value y = output(n, out);
    if (group == 1) {
      if (cPerGroup != c)
        throw new ModelFormatException(
            "Conv node "
                + n.label()
                + " has weights for "
                + cPerGroup
                + " channels, its input has "
                + c);
      int wid =
          constantTensor(
              w.name(), new int[] {o, kh, kw, c}, Layouts.convWeights(w.floats(), o, c, kh, kw));
      add(new FloatOp.Conv(n.name(), x.id(), wid, bias, y.id(), win, -INF, INF));
    } else if (group == c && cPerGroup == 1 && o % c == 0) {
      int wid =
          constantTensor(
              w.name(), new int[] {1, kh, kw, o}, Layouts.depthwiseWeights(w.floats(), o, kh, kw));
      add(new FloatOp.Depthwise(n.name(), x.id(), wid, bias, y.id(), win, o / c, -INF, INF));
    } else {
      throw unsupported(
          n, "grouped Conv with group " + group + " on " + c + " channels (only 1 or depthwise)");
    }
  }

  /** The sliding window of Conv/MaxPool/AveragePool (see {@link OnnxShapes#window}). */
  private static Window window(Node n, Value x, int kh, int kw, boolean dilationsAllowed) {
    return OnnxShapes.window(n, x.onnxShape()[2], x.onnxShape()[3], kh, kw, dilationsAllowed);
  }

  private void pool(Node n) {
    Value x = nhwc(n, input(n, 0));
    long[] ks = n.intsAttr("kernel_shape", null);
    if (ks == null || ks.length != 2)
      throw unsupported(n, n.opType() + " without a 2-d kernel_shape");
    if (n.intAttr("ceil_mode", 0) != 0) throw unsupported(n, n.opType() + " with ceil_mode 1");
    if (n.outputs().size() > 1 && !n.outputs().get(1).isEmpty())
      throw unsupported(n, "MaxPool with an Indices output");
    Window win = window(n, x, (int) ks[0], (int) ks[1], false);
    boolean avg = n.opType().equals("AveragePool");
    // The engine averages over the in-bounds positions only, which is count_include_pad = 0.
    // count_include_pad = 1 (PyTorch's AvgPool2d default) averages over the whole window, the
    // padding counted as zeros: the same as a zero Pad, then a VALID pool, which the proof covers
    // too (the pad folds into the pool's window).
    if (avg && n.intAttr("count_include_pad", 0) != 0 && !win.padding().equals(Padding.NONE)) {
      Padding p = win.padding();
      int[] s = x.onnxShape();
      Value padded =
          register(
              n.outputs().getFirst() + "/count_include_pad",
              new int[] {s[0], s[1], s[2] + p.top() + p.bottom(), s[3] + p.left() + p.right()},
              Layout.NHWC,
              null);
      add(
          new FloatOp.Pad(
              n.name() + "/count_include_pad",
              x.id(),
              padded.id(),
              List.of(0, p.top(), p.left(), 0),
              List.of(0, p.bottom(), p.right(), 0)));
      x = padded;
      win =
          new Window(
              win.kernelH(),
              win.kernelW(),
              win.strideH(),
              win.strideW(),
              win.dilationH(),
              win.dilationW(),
              Padding.NONE);
    }
    int[] s = x.onnxShape();
    Value y = output(n, new int[] {s[0], s[1], win.outputHeight(s[2]), win.outputWidth(s[3])});
    add(
        avg
            ? new FloatOp.AvgPool(n.name(), x.id(), y.id(), win, -INF, INF)
            : new FloatOp.MaxPool(n.name(), x.id(), y.id(), win, -INF, INF));
  }

  private void batchNorm(Node n) {
    Value x = input(n, 0);
    if (n.intAttr("training_mode", 0) != 0)
      throw unsupported(n, "BatchNormalization in training mode");
    float[] gamma = constant(n, 1).floats(),
        beta = constant(n, 2).floats(),
        mean = constant(n, 3).floats(),
        var = constant(n, 4).floats();
    float eps = n.floatAttr("epsilon", 1e-5f);
    int c = x.onnxShape()[1];
    if (x.layout() == Layout.FLAT_NHWC)
      throw unsupported(n, "BatchNormalization after a Flatten of a spatial map");
    if (gamma.length != c
        || beta.length != c
        || mean.length != c
        || var.length != c
        || (x.layout() == Layout.PLAIN && x.onnxShape().length != 2)) {
      throw new ModelFormatException(
          "BatchNormalization node "
              + n.label()
              + " does not match its input's "
              + c
              + " channels");
    }
    float[] scale = new float[c], shift = new float[c];
    for (int i = 0; i < c; i++) {
      scale[i] = (float) (gamma[i] / Math.sqrt((double) var[i] + eps));
      shift[i] = beta[i] - mean[i] * scale[i];
    }
    if (foldAffine(n, n.inputs().getFirst(), x, scale, shift)) return;
    // not after a layer it can fold into: y = x·scale + shift per channel, two layers
    String base = n.outputs().getFirst();
    int sid = constantTensor(base + "/scale", new int[] {c}, scale),
        tid = constantTensor(base + "/shift", new int[] {c}, shift);
    int mid = tensor(base + "/scaled", storedShape(x.onnxShape(), x.layout()), null);
    add(new FloatOp.Mul(n.name() + "/scale", x.id(), sid, mid, -INF, INF));
    Value y = output(n, x.onnxShape());
    add(new FloatOp.Add(n.name() + "/shift", mid, tid, y.id(), -INF, INF));
  }

  /**
   * Folds y = x·scale[c] + shift[c] into the Conv/Depthwise/Dense that computes x, when x has no
   * other use and no clamp yet. Returns false when it cannot.
   */
  private boolean foldAffine(Node n, String xName, Value x, float[] scale, float[] shift) {
    Integer at = producer.get(x.id());
    if (at == null || !singleUse(xName)) return false;
    FloatOp op = ops.get(at);
    int bias, weights, channelDim;
    switch (op) {
      case FloatOp.Conv c when c.lo() == -INF && c.hi() == INF -> {
        weights = c.weights();
        bias = c.bias();
        channelDim = 0;
      }
      case FloatOp.Depthwise c when c.lo() == -INF && c.hi() == INF -> {
        weights = c.weights();
        bias = c.bias();
        channelDim = 3;
      }
      case FloatOp.Dense d when d.lo() == -INF && d.hi() == INF -> {
        weights = d.weights();
        bias = d.bias();
        channelDim = 0;
      }
      default -> {
        return false;
      }
    }
    FloatTensor w = tensors.get(weights);
    int channels = w.shape()[channelDim];
    if (scale.length != channels) return false;
    int inner = 1;
    for (int d = channelDim + 1; d < w.shape().length; d++) inner *= w.shape()[d];
    float[] nw = w.data().clone();
    for (int i = 0; i < nw.length; i++) nw[i] *= scale[(i / inner) % channels];
    float[] nb = new float[channels];
    for (int i = 0; i < channels; i++)
      nb[i] = (bias >= 0 ? tensors.get(bias).data()[i] * scale[i] : 0) + shift[i];
    int wid = constantTensor(w.name() + "/folded " + n.name(), w.shape(), nw);
    int bid = constantTensor(n.name() + "/folded bias", new int[] {channels}, nb);
    FloatOp folded =
        switch (op) {
          case FloatOp.Conv c ->
              new FloatOp.Conv(
                  c.name(), c.input(), wid, bid, c.output(), c.window(), c.lo(), c.hi());
          case FloatOp.Depthwise c ->
              new FloatOp.Depthwise(
                  c.name(),
                  c.input(),
                  wid,
                  bid,
                  c.output(),
                  c.window(),
                  c.depthMultiplier(),
                  c.lo(),
                  c.hi());
          case FloatOp.Dense d ->
              new FloatOp.Dense(d.name(), d.input(), wid, bid, d.output(), d.lo(), d.hi());
          default -> throw new IllegalStateException();
        };
    ops.set(at, folded);
    alias(n, x);
    return true;
  }

  private void gemm(Node n) {
    Value a = input(n, 0);
    if (n.intAttr("transA", 0) != 0) throw unsupported(n, "Gemm with transA 1");
    Tensor b = constant(n, 1);
    if (b.dims().length != 2 || a.onnxShape().length != 2)
      throw unsupported(n, "Gemm that is not a matrix product");
    float alpha = n.floatAttr("alpha", 1f), beta = n.floatAttr("beta", 1f);
    boolean transB = n.intAttr("transB", 0) != 0;
    int rows = (int) b.dims()[0], cols = (int) b.dims()[1];
    float[] w = transB ? b.floats() : Layouts.transpose(b.floats(), rows, cols); // -> [O, K]
    int o = transB ? rows : cols;
    for (int i = 0; i < w.length; i++) w[i] *= alpha;
    float[] bias = null;
    if (n.inputs().size() > 2 && !n.inputs().get(2).isEmpty()) {
      Tensor c = constant(n, 2);
      if (c.size() != o && c.size() != 1)
        throw unsupported(
            n, "Gemm whose C has shape " + Arrays.toString(c.dims()) + " (only a bias per output)");
      bias = new float[o];
      for (int i = 0; i < o; i++) bias[i] = beta * c.floats()[c.size() == 1 ? 0 : i];
    }
    dense(n, a, w, o, bias, b.name());
  }

  private void matMul(Node n) {
    Value a = input(n, 0);
    Tensor b = constant(n, 1);
    if (b.dims().length != 2 || a.onnxShape().length != 2)
      throw unsupported(n, "MatMul that is not [N,K]×[K,O] with constant weights");
    int k = (int) b.dims()[0], o = (int) b.dims()[1];
    dense(n, a, Layouts.transpose(b.floats(), k, o), o, null, b.name());
  }

  /**
   * A Dense layer with weights [O,K] in ONNX's column order, reordered when its input is a
   * flattened NHWC map.
   */
  private void dense(Node n, Value a, float[] w, int o, float[] bias, String weightName) {
    int k = a.onnxShape()[1];
    if (w.length != o * k)
      throw new ModelFormatException(
          n.opType()
              + " node "
              + n.label()
              + " has weights for "
              + (w.length / o)
              + " inputs, its input has "
              + k);
    if (a.layout() == Layout.FLAT_NHWC)
      w = Layouts.flattenedColumns(w, o, a.chw()[0], a.chw()[1], a.chw()[2]);
    int wid = constantTensor(weightName, new int[] {o, k}, w);
    int bid = bias == null ? -1 : constantTensor(n.name() + "/bias", new int[] {o}, bias);
    Value y = output(n, new int[] {a.onnxShape()[0], o});
    add(new FloatOp.Dense(n.name(), a.id(), wid, bid, y.id(), -INF, INF));
  }

  /**
   * Add/Mul of two activations, or of an activation and a constant (folded into the producer when
   * per channel).
   */
  private void binary(Node n) {
    boolean isAdd = n.opType().equals("Add");
    String an = n.inputs().get(0), bn = n.inputs().get(1);
    if (constants.containsKey(an)
        && !constants.containsKey(bn)) { // commutative: put the activation first
      String t = an;
      an = bn;
      bn = t;
    }
    Value a = value(n, an);
    if (a.layout() == Layout.FLAT_NHWC)
      throw unsupported(n, n.opType() + " after a Flatten of a spatial map");
    if (constants.containsKey(bn)) {
      Tensor c = constants.get(bn);
      float[] perChannel = perChannel(c, a);
      if (perChannel != null) {
        float[] scale = new float[perChannel.length], shift = new float[perChannel.length];
        for (int i = 0; i < perChannel.length; i++) {
          scale[i] = isAdd ? 1f : perChannel[i];
          shift[i] = isAdd ? perChannel[i] : 0f;
        }
        if (foldAffine(n, an, a, scale, shift)) return;
        int cid = constantTensor(bn, new int[] {perChannel.length}, perChannel);
        Value y = output(n, a.onnxShape());
        add(
            isAdd
                ? new FloatOp.Add(n.name(), a.id(), cid, y.id(), -INF, INF)
                : new FloatOp.Mul(n.name(), a.id(), cid, y.id(), -INF, INF));
        return;
      }
      int[] shape = toInts(c.dims());
      float[] data = c.floats();
      if (a.layout() == Layout.NHWC) {
        if (shape.length > 4)
          throw unsupported(n, n.opType() + " with a constant of rank " + shape.length);
        int[] s = new int[4];
        data = Layouts.nhwcConstant(data, shape, s);
        shape = s;
      }
      int cid = constantTensor(bn, shape.length == 0 ? new int[] {1} : shape, data);
      Value y = output(n, broadcastShape(n, a.onnxShape(), toInts(c.dims())));
      add(
          isAdd
              ? new FloatOp.Add(n.name(), a.id(), cid, y.id(), -INF, INF)
              : new FloatOp.Mul(n.name(), a.id(), cid, y.id(), -INF, INF));
      return;
    }
    Value b = value(n, bn);
    if (a.layout() != b.layout() || a.onnxShape().length != b.onnxShape().length) {
      throw unsupported(
          n,
          n.opType()
              + " of tensors of ranks "
              + a.onnxShape().length
              + " and "
              + b.onnxShape().length);
    }
    Value y = output(n, broadcastShape(n, a.onnxShape(), b.onnxShape()));
    add(
        isAdd
            ? new FloatOp.Add(n.name(), a.id(), b.id(), y.id(), -INF, INF)
            : new FloatOp.Mul(n.name(), a.id(), b.id(), y.id(), -INF, INF));
  }

  /**
   * The constant's values per channel (the axis stored last), or null when it varies along other
   * axes.
   */
  private static float[] perChannel(Tensor c, Value a) {
    int channels =
        a.onnxShape().length == 4 ? a.onnxShape()[1] : a.onnxShape()[a.onnxShape().length - 1];
    int channelAxis = a.onnxShape().length == 4 ? 1 : a.onnxShape().length - 1;
    long[] d = c.dims();
    float[] v = c.floats();
    if (v.length == 1) {
      float[] r = new float[channels];
      Arrays.fill(r, v[0]);
      return r;
    }
    if (v.length != channels || d.length > a.onnxShape().length) return null;
    int axis = a.onnxShape().length - d.length; // right-aligned broadcasting
    for (int i = 0; i < d.length; i++) if (d[i] != 1 && axis + i != channelAxis) return null;
    return v;
  }

  private void clip(Node n) {
    OnnxShapes.Bounds b = OnnxShapes.clipBounds(n, model.opsetVersion(), this::constant);
    clamp(n, b.lo(), b.hi());
  }

  /** Relu/Clip: fused into the producing layer's clamp where possible, else a Clamp layer. */
  private void clamp(Node n, float lo, float hi) {
    Value x = input(n, 0);
    Integer at = producer.get(x.id());
    if (at != null && singleUse(n.inputs().getFirst())) {
      FloatOp op = ops.get(at);
      FloatOp fused =
          switch (op) {
            case FloatOp.Conv c ->
                new FloatOp.Conv(
                    c.name(),
                    c.input(),
                    c.weights(),
                    c.bias(),
                    c.output(),
                    c.window(),
                    Math.max(lo, c.lo()),
                    Math.min(hi, c.hi()));
            case FloatOp.Depthwise c ->
                new FloatOp.Depthwise(
                    c.name(),
                    c.input(),
                    c.weights(),
                    c.bias(),
                    c.output(),
                    c.window(),
                    c.depthMultiplier(),
                    Math.max(lo, c.lo()),
                    Math.min(hi, c.hi()));
            case FloatOp.Dense d ->
                new FloatOp.Dense(
                    d.name(),
                    d.input(),
                    d.weights(),
                    d.bias(),
                    d.output(),
                    Math.max(lo, d.lo()),
                    Math.min(hi, d.hi()));
            case FloatOp.Add a ->
                new FloatOp.Add(
                    a.name(), a.a(), a.b(), a.output(), Math.max(lo, a.lo()), Math.min(hi, a.hi()));
            case FloatOp.Mul a ->
                new FloatOp.Mul(
                    a.name(), a.a(), a.b(), a.output(), Math.max(lo, a.lo()), Math.min(hi, a.hi()));
            default -> null;
          };
      if (fused != null) {
        ops.set(at, fused);
        alias(n, x);
        return;
      }
    }
    Value y = output(n, x.onnxShape(), x.layout(), x.chw());
    add(new FloatOp.Clamp(n.name(), x.id(), y.id(), lo, hi));
  }

  private void flatten(Node n, int axis) {
    Value x = input(n, 0);
    int[] s = x.onnxShape();
    if (axis < 0) axis += s.length;
    if (axis != 1) throw unsupported(n, "Flatten with axis " + axis + " (only 1)");
    int rest = 1;
    for (int i = 1; i < s.length; i++) rest *= s[i];
    toMatrix(n, x, new int[] {s[0], rest});
  }

  private void reshape(Node n) {
    Value x = input(n, 0);
    Tensor shapeT = constant(n, 1);
    int[] s = x.onnxShape();
    int[] target = OnnxShapes.reshapeTarget(n, s, shapeT);
    if (x.layout() == Layout.PLAIN && target.length != 4) {
      Value y = output(n, target, Layout.PLAIN, null);
      add(new FloatOp.Reshape(n.name(), x.id(), y.id()));
    } else if (x.layout() == Layout.NHWC && target.length == 2 && target[0] == s[0]) {
      toMatrix(n, x, target);
    } else {
      throw unsupported(
          n,
          "Reshape of "
              + Arrays.toString(s)
              + " to "
              + Arrays.toString(target)
              + " (only flattening an image to [N, C·H·W])");
    }
  }

  /**
   * [N,C,H,W] → [N, C·H·W]: a plain reshape when H = W = 1, else a flattening only a Dense may
   * consume.
   */
  private void toMatrix(Node n, Value x, int[] target) {
    if (x.layout() == Layout.FLAT_NHWC)
      throw unsupported(n, n.opType() + " of a flattened spatial map");
    int[] s = x.onnxShape();
    boolean spatial = x.layout() == Layout.NHWC && s[2] * s[3] > 1;
    Value y =
        spatial
            ? output(n, target, Layout.FLAT_NHWC, new int[] {s[1], s[2], s[3]})
            : output(n, target);
    add(new FloatOp.Reshape(n.name(), x.id(), y.id()));
  }

  /** Constant zero padding (a Pad of all zeros, which PyTorch's AvgPool2d exports, is nothing). */
  private void pad(Node n) {
    Value x = input(n, 0);
    String mode = n.stringAttr("mode", "constant");
    long[] pads =
        n.inputs().size() > 1 && !n.inputs().get(1).isEmpty()
            ? Arrays.stream(constant(n, 1).values()).mapToLong(d -> (long) d).toArray()
            : n.intsAttr("pads", new long[0]);
    int r = x.onnxShape().length;
    if (pads.length != 2 * r)
      throw new ModelFormatException(
          "Pad node " + n.label() + " has " + pads.length + " pads for a rank-" + r + " tensor");
    if (Arrays.stream(pads).allMatch(p -> p == 0)) {
      alias(n, x);
      return;
    }
    float value =
        n.inputs().size() > 2 && !n.inputs().get(2).isEmpty()
            ? scalar(n, 2)
            : n.floatAttr("value", 0f);
    if (!mode.equals("constant") || value != 0f)
      throw unsupported(n, "Pad in mode " + mode + " with value " + value + " (only zero padding)");
    if (x.layout() == Layout.FLAT_NHWC) throw unsupported(n, "Pad of a flattened spatial map");
    for (long p : pads) if (p < 0) throw unsupported(n, "Pad with negative pads (cropping)");
    int[] out = new int[r];
    for (int d = 0; d < r; d++) out[d] = x.onnxShape()[d] + (int) pads[d] + (int) pads[d + r];
    List<Integer> before = new ArrayList<>(), after = new ArrayList<>();
    for (int d : storedAxes(x)) {
      before.add((int) pads[d]);
      after.add((int) pads[d + r]);
    }
    Value y = output(n, out);
    add(new FloatOp.Pad(n.name(), x.id(), y.id(), before, after));
  }

  /** Concatenation of activations along one axis (ONNX's axis, mapped to the stored layout). */
  private void concat(Node n) {
    List<Value> ins = new ArrayList<>();
    for (int i = 0; i < n.inputs().size(); i++) ins.add(input(n, i));
    Value first = ins.getFirst();
    for (Value v : ins) {
      if (v.layout() != first.layout() || v.layout() == Layout.FLAT_NHWC) {
        throw unsupported(n, "Concat of tensors with different layouts or ranks");
      }
    }
    OnnxShapes.Joined concatenated =
        OnnxShapes.concat(n, ins.stream().map(Value::onnxShape).toList());
    int[] out = concatenated.shape();
    int stored = OnnxShapes.storedAxis(concatenated.axis(), first.layout());
    Value y = output(n, out);
    add(new FloatOp.Concat(n.name(), ins.stream().map(Value::id).toList(), y.id(), stored));
  }

  /** For each stored axis, the ONNX axis it holds: NHWC stores N,H,W,C = ONNX axes 0,2,3,1. */
  private static int[] storedAxes(Value v) {
    if (v.layout() == Layout.NHWC) return new int[] {0, 2, 3, 1};
    int[] a = new int[v.onnxShape().length];
    for (int i = 0; i < a.length; i++) a[i] = i;
    return a;
  }

  /**
   * A Transpose between channels-last and channels-first ({@link OnnxShapes#transposed}): another
   * name of its input's tensor, with the other layout. A flatten of the channels-last view is then
   * the engine's own NHWC flatten, and its dense layer needs no reordered weights.
   */
  private void transpose(Node n) {
    Value x = input(n, 0);
    Shaped t = OnnxShapes.transposed(n, x.onnxShape(), x.layout());
    alias(
        n,
        x,
        new Value(x.id(), t.onnxShape(), t.layout(), t.layout() == x.layout() ? x.chw() : null));
  }

  /**
   * ReduceMean over an image's spatial axes ({@link OnnxShapes#spatialMean}): the engine's MEAN.
   */
  private void reduceMean(Node n) {
    Value x = input(n, 0);
    Shaped y = OnnxShapes.spatialMean(n, x.onnxShape(), x.layout(), this::constant);
    add(new FloatOp.Mean(n.name(), x.id(), output(n, y.onnxShape(), y.layout(), null).id()));
  }

  private void softmax(Node n) {
    Value x = input(n, 0);
    int rank = x.onnxShape().length;
    long axis = n.intAttr("axis", model.opsetVersion() >= 13 || model.opsetVersion() < 0 ? -1 : 1);
    if (axis < 0) axis += rank;
    boolean lastStored =
        (x.layout() == Layout.PLAIN && axis == rank - 1)
            || (x.layout() == Layout.NHWC && axis == 1 && model.opsetVersion() >= 13);
    if (!lastStored)
      throw unsupported(
          n, "Softmax over axis " + axis + " of a rank-" + rank + " tensor (only the class axis)");
    Value y = output(n, x.onnxShape(), x.layout(), x.chw());
    add(new FloatOp.Softmax(n.name(), x.id(), y.id(), 1f));
  }

  // ------------------------------------------------------------------ values and tensors

  private Value input(Node n, int i) {
    if (i >= n.inputs().size() || n.inputs().get(i).isEmpty())
      throw new ModelFormatException(n.opType() + " node " + n.label() + " lacks input " + i);
    return value(n, n.inputs().get(i));
  }

  private Value value(Node n, String name) {
    Value v = values.get(name);
    if (v != null) return v;
    if (constants.containsKey(name))
      throw unsupported(
          n, n.opType() + " of a constant input " + name + " where an activation is expected");
    throw new ModelFormatException(
        n.opType() + " node " + n.label() + " reads " + name + ", which no earlier node computes");
  }

  private Value nhwc(Node n, Value v) {
    if (v.layout() == Layout.PLAIN && v.onnxShape().length == 4)
      throw unsupported(
          n,
          n.opType()
              + " of a "
              + Arrays.toString(v.onnxShape())
              + " tensor in row-major order (a channels-last input or a Reshape's result); it"
              + " reads images that enter as [N,C,H,W] or come through a Transpose from"
              + " [N,H,W,C]");
    if (v.layout() != Layout.NHWC)
      throw unsupported(
          n, n.opType() + " of a rank-" + v.onnxShape().length + " tensor (only [N,C,H,W] images)");
    return v;
  }

  private Tensor constant(Node n, int i) {
    if (i >= n.inputs().size() || n.inputs().get(i).isEmpty())
      throw new ModelFormatException(n.opType() + " node " + n.label() + " lacks input " + i);
    Tensor t = constants.get(n.inputs().get(i));
    if (t == null)
      throw unsupported(
          n,
          n.opType()
              + " whose input "
              + n.inputs().get(i)
              + " is computed (only constant weights)");
    return t;
  }

  private float scalar(Node n, int i) {
    return OnnxShapes.scalar(n, i, this::constant);
  }

  /**
   * Whether the tensor behind this value has exactly one reader, counted over all its names (an
   * Identity's or a Transpose's output is another name of its input's tensor, and the node that
   * made the name is not a reader), and no name of it is a graph output: only then can a clamp or
   * an affine map be fused into the tensor's producer without changing what another reader sees.
   */
  private boolean singleUse(String name) {
    Value v = values.get(name);
    List<String> names = v == null ? List.of(name) : namesOf.get(v.id());
    int readers = 0;
    for (String each : names) {
      if (index.graphOutputs.contains(each)) return false;
      readers += index.uses.getOrDefault(each, 0);
    }
    return readers - (names.size() - 1) == 1;
  }

  private Value activation(String name, int[] onnxShape) {
    return register(name, onnxShape, Layout.of(onnxShape), null);
  }

  private Value output(Node n, int[] onnxShape) {
    return activation(n.outputs().getFirst(), onnxShape);
  }

  private Value output(Node n, int[] onnxShape, Layout layout, int[] chw) {
    return register(n.outputs().getFirst(), onnxShape, layout, chw);
  }

  private Value register(String name, int[] onnxShape, Layout layout, int[] chw) {
    for (int d : onnxShape)
      if (d <= 0)
        throw new ModelFormatException(
            "ONNX tensor " + name + " would have shape " + Arrays.toString(onnxShape));
    Value v = new Value(tensor(name, storedShape(onnxShape, layout), null), onnxShape, layout, chw);
    values.put(name, v);
    namesOf.put(v.id(), new ArrayList<>(List.of(name)));
    return v;
  }

  private void alias(Node n, Value v) {
    alias(n, v, v);
  }

  /** The node's output is another name of v's tensor, seen as {@code as}. */
  private void alias(Node n, Value v, Value as) {
    namesOf.get(v.id()).add(n.outputs().getFirst());
    values.put(n.outputs().getFirst(), as);
  }

  private static int[] storedShape(int[] onnxShape, Layout layout) {
    return layout.storedShape(onnxShape);
  }

  private int tensor(String name, int[] shape, float[] data) {
    tensors.add(new FloatTensor(name, shape, data));
    return tensors.size() - 1;
  }

  private int constantTensor(String name, int[] shape, float[] data) {
    return tensor(name, shape, data);
  }

  private void add(FloatOp op) {
    producer.put(op.output(), ops.size());
    ops.add(op);
  }

  private static int[] broadcastShape(Node n, int[] a, int[] b) {
    int r = Math.max(a.length, b.length);
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      int da = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1,
          db = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
      if (da != db && da != 1 && db != 1)
        throw new ModelFormatException(
            n.opType()
                + " node "
                + n.label()
                + " cannot broadcast "
                + Arrays.toString(a)
                + " with "
                + Arrays.toString(b));
      out[i] = Math.max(da, db);
    }
    return out;
  }

  private static int[] toInts(long[] d) {
    return Arrays.stream(d).mapToInt(x -> (int) x).toArray();
  }

  private static ModelFormatException unsupported(Node n, String what) {
    return OnnxShapes.unsupported(n, what);
  }
}
