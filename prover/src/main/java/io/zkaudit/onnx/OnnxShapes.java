package io.zkaudit.onnx;

import io.zkaudit.model.ModelFormatException;
import io.zkaudit.model.Padding;
import io.zkaudit.model.Window;
import io.zkaudit.onnx.OnnxModel.Node;
import io.zkaudit.onnx.OnnxModel.Tensor;
import java.util.Arrays;

/**
 * Attribute arithmetic both ONNX importers (float and quantized) share: the sliding window of
 * Conv/MaxPool/AveragePool (and their QLinear forms) and the target shape of a Reshape, as the ONNX
 * operator specs (Conv, MaxPool, AveragePool, Reshape) define them.
 */
final class OnnxShapes {
  private OnnxShapes() {}

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
  static int storedAxis(int axis, boolean nhwc) {
    if (!nhwc) return axis;
    int[] onnxAxisOf = {0, 2, 3, 1};
    for (int d = 0; d < onnxAxisOf.length; d++) if (onnxAxisOf[d] == axis) return d;
    throw new IllegalArgumentException("axis " + axis + " of an NHWC tensor");
  }
}
