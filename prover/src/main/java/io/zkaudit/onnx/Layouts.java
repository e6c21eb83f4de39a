package io.zkaudit.onnx;

/**
 * Reorderings between ONNX's NCHW layout (PyTorch's) and the engine's NHWC layout, for weights and
 * constants. All arrays are dense row-major. Each reordering is an index map (for every position of
 * the result, the position it reads), applied alike to float weights (the float importer) and to
 * quantized integer weights (the quantized importer).
 */
final class Layouts {
  private Layouts() {}

  /** ONNX image shape [N,C,H,W] → engine shape [N,H,W,C]. */
  static int[] nhwcShape(int[] nchw) {
    return new int[] {nchw[0], nchw[2], nchw[3], nchw[1]};
  }

  /** Conv weights [O,C,kh,kw] → [O,kh,kw,C] (the engine's Conv2D filter layout). */
  static int[] convWeightsOrder(int o, int c, int kh, int kw) {
    int[] from = new int[o * c * kh * kw];
    for (int oc = 0; oc < o; oc++)
      for (int ic = 0; ic < c; ic++)
        for (int y = 0; y < kh; y++)
          for (int x = 0; x < kw; x++) {
            from[((oc * kh + y) * kw + x) * c + ic] = ((oc * c + ic) * kh + y) * kw + x;
          }
    return from;
  }

  /** Depthwise weights [O,1,kh,kw] → [1,kh,kw,O] (the engine's DepthwiseConv2D filter layout). */
  static int[] depthwiseWeightsOrder(int o, int kh, int kw) {
    int[] from = new int[o * kh * kw];
    for (int oc = 0; oc < o; oc++)
      for (int y = 0; y < kh; y++)
        for (int x = 0; x < kw; x++) {
          from[(y * kw + x) * o + oc] = (oc * kh + y) * kw + x;
        }
    return from;
  }

  /** A [rows, cols] matrix transposed to [cols, rows]. */
  static int[] transposeOrder(int rows, int cols) {
    int[] from = new int[rows * cols];
    for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) from[j * rows + i] = i * cols + j;
    return from;
  }

  /**
   * Dense weights [O, C·H·W] whose columns follow ONNX's flattening of an NCHW map, reordered to
   * the engine's flattening of the same map in NHWC, so that the product is unchanged.
   */
  static int[] flattenedColumnsOrder(int o, int c, int h, int wd) {
    int k = c * h * wd;
    int[] from = new int[o * k];
    for (int oc = 0; oc < o; oc++)
      for (int ic = 0; ic < c; ic++)
        for (int y = 0; y < h; y++)
          for (int x = 0; x < wd; x++) {
            from[oc * k + (y * wd + x) * c + ic] = oc * k + (ic * h + y) * wd + x;
          }
    return from;
  }

  static float[] permute(float[] v, int[] from) {
    float[] r = new float[from.length];
    for (int i = 0; i < r.length; i++) r[i] = v[from[i]];
    return r;
  }

  static int[] permute(int[] v, int[] from) {
    int[] r = new int[from.length];
    for (int i = 0; i < r.length; i++) r[i] = v[from[i]];
    return r;
  }

  static float[] convWeights(float[] w, int o, int c, int kh, int kw) {
    return permute(w, convWeightsOrder(o, c, kh, kw));
  }

  static float[] depthwiseWeights(float[] w, int o, int kh, int kw) {
    return permute(w, depthwiseWeightsOrder(o, kh, kw));
  }

  static float[] transpose(float[] w, int rows, int cols) {
    return permute(w, transposeOrder(rows, cols));
  }

  static float[] flattenedColumns(float[] w, int o, int c, int h, int wd) {
    return permute(w, flattenedColumnsOrder(o, c, h, wd));
  }

  /**
   * A constant broadcast against an NCHW value (numpy rules, right-aligned), as an NHWC constant of
   * rank 4.
   */
  static float[] nhwcConstant(float[] v, int[] shape, int[] out) {
    int[] s4 = new int[] {1, 1, 1, 1};
    for (int i = 0; i < shape.length; i++) s4[4 - shape.length + i] = shape[i];
    int n = s4[0], c = s4[1], h = s4[2], w = s4[3];
    float[] r = new float[v.length];
    for (int a = 0; a < n; a++)
      for (int ch = 0; ch < c; ch++)
        for (int y = 0; y < h; y++)
          for (int x = 0; x < w; x++) {
            r[((a * h + y) * w + x) * c + ch] = v[((a * c + ch) * h + y) * w + x];
          }
    out[0] = n;
    out[1] = h;
    out[2] = w;
    out[3] = c;
    return r;
  }
}
