package io.zkaudit.onnx;

import io.zkaudit.model.ModelFormatException;
import io.zkaudit.model.Padding;
import io.zkaudit.model.Window;
import io.zkaudit.onnx.OnnxModel.Node;
import io.zkaudit.onnx.OnnxModel.Tensor;
import java.util.Arrays;

/**
 * What both ONNX importers (float and quantized) share: how an activation is stored ({@link
 * Layout}), Clip's opset-dependent bounds, and attribute arithmetic: the sliding window of
 * Conv/MaxPool/AveragePool (and their QLinear forms), the target shape of a Reshape and a Concat's
 * axis and shape, as the ONNX operator specs define them.
 */
final class OnnxShapes {
  private OnnxShapes() {}

  /** How an activation is stored, in both importers. */
  enum Layout {
    /**
     * ONNX order, stored as it is: rank ≠ 4, or a channels-last [N,H,W,C] image of a Keras export
     * (already the engine's order).
     */
    PLAIN,
    /** ONNX [N,C,H,W] stored as [N,H,W,C]. */
    NHWC,
    /**
     * ONNX Flatten of an [N,C,H,W] map with H·W > 1, stored in NHWC order: only a Dense may consume
     * it.
     */
    FLAT_NHWC;

    /** How an activation of this ONNX shape is stored where it enters the graph: NHWC if rank 4. */
    static Layout of(int[] onnxShape) {
      return onnxShape.length == 4 ? NHWC : PLAIN;
    }

    /** The stored shape of an activation of this ONNX shape. */
    int[] storedShape(int[] onnxShape) {
      return this == NHWC ? Layouts.nhwcShape(onnxShape) : onnxShape;
    }
  }

  /** A node's constant input, as the importer reading it finds (or refuses) it. */
  @FunctionalInterface
  interface Constants {
    Tensor constant(Node n, int i);
  }

  /** A node's constant input {@code i}, which must hold one value. */
  static float scalar(Node n, int i, Constants constants) {
    Tensor t = constants.constant(n, i);
    if (t.size() != 1) throw unsupported(n, n.opType() + " with a non-scalar input " + i);
    return (float) t.values()[0];
  }

  /** A clamp's bounds, either of them infinite where there is none. */
  record Bounds(float lo, float hi) {}

  /**
   * Clip's bounds: attributes min and max up to opset 10 (absent: the float range), optional
   * constant inputs 1 and 2 from opset 11 (absent: unbounded).
   */
  static Bounds clipBounds(Node n, long opsetVersion, Constants constants) {
    if (opsetVersion > 0 && opsetVersion < 11) {
      return new Bounds(n.floatAttr("min", -Float.MAX_VALUE), n.floatAttr("max", Float.MAX_VALUE));
    }
    float lo = Float.NEGATIVE_INFINITY, hi = Float.POSITIVE_INFINITY;
    if (n.inputs().size() > 1 && !n.inputs().get(1).isEmpty()) lo = scalar(n, 1, constants);
    if (n.inputs().size() > 2 && !n.inputs().get(2).isEmpty()) hi = scalar(n, 2, constants);
    return new Bounds(lo, hi);
  }

  /**
   * The window from strides, pads (or auto_pad) and dilations over an input of height h, width w.
   */
  static Window window(Node n, int h, int w, int kh, int kw, boolean dilationsAllowed) {
    String autoPad = n.stringAttr("auto_pad", "NOTSET");
    long[] st = n.intsAttr("strides", new long[] {1, 1});
    long[] pads = n.intsAttr("pads", new long[4]);
    long[] dil = n.intsAttr("dilations", new long[] {1, 1});
    if (st.length != 2 || pads.length != 4 || dil.length != 2)
      throw unsupported(n, n.opType() + " that is not 2-d");
    if (!dilationsAllowed && (dil[0] != 1 || dil[1] != 1))
      throw unsupported(n, n.opType() + " with dilations " + Arrays.toString(dil));
    switch (autoPad) {
      case "NOTSET" -> {} // ONNX pads are [top, left, bottom, right] (all begins, then all ends)
      case "VALID" -> pads = new long[4];
      case "SAME_UPPER",
          "SAME_LOWER" -> { // out = ceil(in / stride); the odd unit goes at the end (UPPER) or the
        // start (LOWER)
        int th = Padding.samePaddingTotal(h, kh, (int) st[0], (int) dil[0]);
        int tw = Padding.samePaddingTotal(w, kw, (int) st[1], (int) dil[1]);
        boolean upper = autoPad.equals("SAME_UPPER");
        pads =
            new long[] {
              upper ? th / 2 : th - th / 2,
              upper ? tw / 2 : tw - tw / 2,
              upper ? th - th / 2 : th / 2,
              upper ? tw - tw / 2 : tw / 2
            };
      }
      default -> throw unsupported(n, n.opType() + " with auto_pad " + autoPad);
    }
    return new Window(
        kh,
        kw,
        (int) st[0],
        (int) st[1],
        (int) dil[0],
        (int) dil[1],
        new Padding((int) pads[0], (int) pads[1], (int) pads[2], (int) pads[3]));
  }

  /**
   * Reshape's output shape for input shape s: 0 copies the input's dimension (unless allowzero), −1
   * is inferred.
   */
  static int[] reshapeTarget(Node n, int[] s, Tensor shapeT) {
    int[] target = new int[shapeT.size()];
    int known = 1, infer = -1, total = 1;
    for (int v : s) total *= v;
    for (int i = 0; i < target.length; i++) {
      long t = (long) shapeT.values()[i];
      if (t == 0 && n.intAttr("allowzero", 0) == 0) t = s[i];
      if (t == -1) infer = i;
      else known *= (int) t;
      target[i] = (int) t;
    }
    if (infer >= 0) target[infer] = known == 0 ? 0 : total / known;
    int size = 1;
    for (int v : target) size *= v;
    if (size != total)
      throw new ModelFormatException(
          "Reshape node "
              + n.label()
              + " cannot make "
              + Arrays.toString(target)
              + " of "
              + Arrays.toString(s));
    return target;
  }

  /** An activation's ONNX shape and storage after a relabelling (a Transpose, a reduction). */
  record Shaped(int[] onnxShape, Layout layout) {}

  /** ONNX Transpose permutations between channels-last [N,H,W,C] and channels-first [N,C,H,W]. */
  static final long[] TO_CHANNELS_FIRST = {0, 3, 1, 2}, TO_CHANNELS_LAST = {0, 2, 3, 1};

  /**
   * Whether a rank-4 graph input is channels-last [N,H,W,C] (Keras/TensorFlow exports through
   * tf2onnx): every path from it, through QuantizeLinear, DequantizeLinear and Identity nodes, ends
   * at a Transpose to ONNX's [N,C,H,W]. Such an input is stored as it is, already the engine's NHWC
   * order.
   */
  static boolean channelsLastInput(OnnxModel.Graph g, String input, int[] shape) {
    if (shape.length != 4) return false;
    java.util.Set<String> outputs = new java.util.HashSet<>();
    for (var o : g.outputs()) outputs.add(o.name());
    java.util.ArrayDeque<String> frontier = new java.util.ArrayDeque<>(java.util.List.of(input));
    java.util.Set<String> seen = new java.util.HashSet<>();
    boolean transposed = false;
    while (!frontier.isEmpty()) {
      String v = frontier.pop();
      if (!seen.add(v)) continue;
      if (outputs.contains(v)) return false;
      for (Node n : g.nodes()) {
        if (n.inputs().isEmpty() || !n.inputs().getFirst().equals(v)) {
          if (n.inputs().contains(v)) return false; // read as something else than data
          continue;
        }
        boolean standard = n.domain().isEmpty() || n.domain().equals("ai.onnx");
        switch (standard ? n.opType() : "") {
          case "Transpose" -> {
            if (!Arrays.equals(n.intsAttr("perm", null), TO_CHANNELS_FIRST)) return false;
            transposed = true;
          }
          case "QuantizeLinear", "DequantizeLinear", "Identity" -> {
            if (!n.outputs().isEmpty()) frontier.push(n.outputs().getFirst());
          }
          default -> {
            return false;
          }
        }
      }
    }
    return transposed;
  }

  /**
   * A Transpose that changes only how ONNX names the axes of a rank-4 tensor, not the engine's
   * order: [N,H,W,C] to [N,C,H,W] of a channels-last (row-major) tensor, and back (before a Keras
   * Flatten, whose order is H, W, C). The engine stores both as NHWC, so the result is the same
   * tensor with the other layout; an identity permutation keeps both. Any other is refused.
   */
  static Shaped transposed(Node n, int[] s, Layout layout) {
    int r = s.length;
    long[] perm = n.intsAttr("perm", null);
    if (perm == null) {
      perm = new long[r];
      for (int i = 0; i < r; i++) perm[i] = r - 1 - i;
    }
    if (perm.length != r)
      throw new ModelFormatException(
          "Transpose node "
              + n.label()
              + " permutes "
              + perm.length
              + " axes of a rank-"
              + r
              + " tensor");
    int[] out = new int[r];
    boolean identity = true;
    for (int i = 0; i < r; i++) {
      if (perm[i] < 0 || perm[i] >= r)
        throw new ModelFormatException(
            "Transpose node " + n.label() + " has perm " + Arrays.toString(perm));
      out[i] = s[(int) perm[i]];
      identity &= perm[i] == i;
    }
    if (identity) return new Shaped(s, layout);
    if (r == 4 && layout == Layout.PLAIN && Arrays.equals(perm, TO_CHANNELS_FIRST))
      return new Shaped(out, Layout.NHWC);
    if (r == 4 && layout == Layout.NHWC && Arrays.equals(perm, TO_CHANNELS_LAST))
      return new Shaped(out, Layout.PLAIN);
    throw unsupported(
        n,
        "Transpose with perm "
            + Arrays.toString(perm)
            + " of a "
            + (layout == Layout.NHWC ? "channels-first " : "")
            + Arrays.toString(s)
            + " tensor (only between channels-last [N,H,W,C] and channels-first [N,C,H,W])");
  }

  /**
   * ReduceMean over the spatial axes of an image (TensorFlow's GlobalAveragePooling2D exports as
   * ReduceMean over H and W), the engine's MEAN: the result's shape and storage. Axes come from the
   * attribute (opset < 18) or the second input (opset 18); with keepdims 0 the result is [N, C].
   * Other axes are refused.
   */
  static Shaped spatialMean(Node n, int[] s, Layout layout, Constants constants) {
    long[] axes =
        n.inputs().size() > 1 && !n.inputs().get(1).isEmpty()
            ? Arrays.stream(constants.constant(n, 1).values()).mapToLong(d -> (long) d).toArray()
            : n.intsAttr("axes", null);
    long[] spatial =
        layout == Layout.NHWC
            ? new long[] {2, 3}
            : layout == Layout.PLAIN && s.length == 4 ? new long[] {1, 2} : null;
    long[] sorted = axes == null ? null : axes.clone();
    if (sorted != null) {
      for (int i = 0; i < sorted.length; i++) if (sorted[i] < 0) sorted[i] += s.length;
      Arrays.sort(sorted);
    }
    if (spatial == null || sorted == null || !Arrays.equals(sorted, spatial))
      throw unsupported(
          n,
          "ReduceMean over axes "
              + (axes == null ? "all" : Arrays.toString(axes))
              + " of a "
              + Arrays.toString(s)
              + " tensor (only over the spatial axes of an image)");
    int c = layout == Layout.NHWC ? s[1] : s[3];
    if (n.intAttr("keepdims", 1) == 0) return new Shaped(new int[] {s[0], c}, Layout.PLAIN);
    return layout == Layout.NHWC
        ? new Shaped(new int[] {s[0], c, 1, 1}, Layout.NHWC)
        : new Shaped(new int[] {s[0], 1, 1, c}, Layout.PLAIN);
  }

  /**
   * Why a channels-last rank-4 graph output is refused: rank-4 outputs are reported in ONNX's
   * [N,C,H,W] order from NHWC storage, and this one is stored in its own [N,H,W,C] order.
   */
  static String channelsLastOutput(String name, int[] shape) {
    return "unsupported ONNX output "
        + name
        + ": a channels-last "
        + Arrays.toString(shape)
        + " tensor (rank-4 outputs must be [N,C,H,W] images; transpose it, or flatten it)";
  }

  static ModelFormatException unsupported(Node n, String what) {
    return new ModelFormatException("unsupported ONNX " + what + " at node " + n.label());
  }

  /** A Concat's output shape in ONNX order and the ONNX axis it joins along. */
  record Joined(int[] shape, int axis) {}

  /**
   * Checks a Concat's inputs, given by their ONNX shapes, and returns its output: the axis
   * attribute (negative counts from the end) within the rank, every input of one rank and equal to
   * the first off the axis, the output as long as their sum along it.
   */
  static Joined concat(Node n, java.util.List<int[]> shapes) {
    int[] first = shapes.getFirst();
    int r = first.length;
    long axis = n.intAttr("axis", Long.MIN_VALUE);
    if (axis == Long.MIN_VALUE)
      throw new ModelFormatException("Concat node " + n.label() + " has no axis");
    if (axis < 0) axis += r;
    if (axis < 0 || axis >= r)
      throw new ModelFormatException(
          "Concat node " + n.label() + " has axis " + axis + " for rank " + r);
    int[] out = first.clone();
    out[(int) axis] = 0;
    for (int[] shape : shapes) {
      if (shape.length != r)
        throw unsupported(n, "Concat of tensors with different layouts or ranks");
      for (int d = 0; d < r; d++) {
        if (d != axis && shape[d] != first[d]) {
          throw new ModelFormatException(
              "Concat node "
                  + n.label()
                  + " joins "
                  + Arrays.toString(first)
                  + " and "
                  + Arrays.toString(shape));
        }
      }
      out[(int) axis] += shape[(int) axis];
    }
    return new Joined(out, (int) axis);
  }

  /**
   * The stored axis that holds ONNX axis {@code axis}: NHWC stores N, H, W, C (ONNX axes 0, 2, 3,
   * 1), others as is.
   */
  static int storedAxis(int axis, Layout layout) {
    if (layout != Layout.NHWC) return axis;
    int[] onnxAxisOf = {0, 2, 3, 1};
    for (int d = 0; d < onnxAxisOf.length; d++) if (onnxAxisOf[d] == axis) return d;
    throw new IllegalArgumentException("axis " + axis + " of an NHWC tensor");
  }
}
