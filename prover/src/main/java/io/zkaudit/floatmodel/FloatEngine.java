package io.zkaudit.floatmodel;

import io.zkaudit.model.ModelFormatException;
import io.zkaudit.model.Window;
import io.zkaudit.parallel.Parallel;
import java.util.List;

/** Straightforward float inference (the accuracy reference for quantization). */
public final class FloatEngine {
  private final FloatModel m;

  public FloatEngine(FloatModel m) {
    this.m = m;
  }

  /** Every tensor's value by id. */
  public float[][] values(float[] input) {
    FloatTensor in = m.input();
    if (input.length != in.size()) {
      throw new ModelFormatException(
          "input "
              + in.name()
              + " needs "
              + in.size()
              + " values "
              + java.util.Arrays.toString(in.shape())
              + ", got "
              + input.length);
    }
    float[][] v = new float[m.tensors().size()][];
    for (int t = 0; t < v.length; t++)
      if (m.tensors().get(t).constant()) v[t] = m.tensors().get(t).data();
    v[m.inputs().getFirst()] = input;
    for (FloatOp op : m.ops()) v[op.output()] = run(op, v);
    return v;
  }

  private int[] shape(int t) {
    return m.tensors().get(t).shape();
  }

  private float[] run(FloatOp op, float[][] v) {
    return switch (op) {
      case FloatOp.Conv c ->
          conv(
              v[c.input()],
              shape(c.input()),
              v[c.weights()],
              shape(c.weights()),
              c.bias() >= 0 ? v[c.bias()] : null,
              shape(c.output()),
              c.window(),
              0,
              c.lo(),
              c.hi());
      case FloatOp.Depthwise c ->
          conv(
              v[c.input()],
              shape(c.input()),
              v[c.weights()],
              shape(c.weights()),
              c.bias() >= 0 ? v[c.bias()] : null,
              shape(c.output()),
              c.window(),
              c.depthMultiplier(),
              c.lo(),
              c.hi());
      case FloatOp.Dense d ->
          dense(
              v[d.input()],
              v[d.weights()],
              shape(d.weights()),
              d.bias() >= 0 ? v[d.bias()] : null,
              d.lo(),
              d.hi());
      case FloatOp.Add a ->
          elementwise(
              v[a.a()],
              shape(a.a()),
              v[a.b()],
              shape(a.b()),
              shape(a.output()),
              true,
              a.lo(),
              a.hi());
      case FloatOp.Mul a ->
          elementwise(
              v[a.a()],
              shape(a.a()),
              v[a.b()],
              shape(a.b()),
              shape(a.output()),
              false,
              a.lo(),
              a.hi());
      case FloatOp.AvgPool p ->
          pool(v[p.input()], shape(p.input()), shape(p.output()), p.window(), true, p.lo(), p.hi());
      case FloatOp.MaxPool p ->
          pool(
              v[p.input()], shape(p.input()), shape(p.output()), p.window(), false, p.lo(), p.hi());
      case FloatOp.Mean mn -> mean(v[mn.input()], shape(mn.input()));
      case FloatOp.Reshape r -> v[r.input()].clone();
      case FloatOp.Clamp c -> {
        float[] x = v[c.input()], y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = clamp(x[i], c.lo(), c.hi());
        yield y;
      }
      case FloatOp.Softmax s -> softmax(v[s.input()], shape(s.input()), s.beta());
      case FloatOp.Pad p -> pad(v[p.input()], shape(p.input()), shape(p.output()), p.before());
      case FloatOp.Concat c -> {
        float[][] parts = new float[c.inputs().size()][];
        int[][] shapes = new int[parts.length][];
        for (int i = 0; i < parts.length; i++) {
          parts[i] = v[c.inputs().get(i)];
          shapes[i] = shape(c.inputs().get(i));
        }
        yield concat(parts, shapes, c.axis());
      }
    };
  }

  private static float clamp(float x, float lo, float hi) {
    return x < lo ? lo : (x > hi ? hi : x);
  }

  /**
   * depthMultiplier 0 = ordinary convolution (weights [O,kh,kw,C]); else depthwise (weights
   * [1,kh,kw,O]).
   */
  static float[] conv(
      float[] x,
      int[] xs,
      float[] w,
      int[] ws,
      float[] b,
      int[] ys,
      Window win,
      int dm,
      float lo,
      float hi) {
    int h = xs[1], wd = xs[2], c = xs[3], oh = ys[1], ow = ys[2], o = ys[3];
    int kh = ws[1], kw = ws[2];
    float[] y = new float[ys[0] * oh * ow * o];
    Parallel.forEach(
        ys[0] * oh,
        row -> {
          int n = row / oh, oy = row % oh;
          for (int ox = 0; ox < ow; ox++) {
            for (int oc = 0; oc < o; oc++) {
              float s = b == null ? 0 : b[oc];
              for (int ky = 0; ky < kh; ky++) {
                int iy = oy * win.strideH() - win.padding().top() + ky * win.dilationH();
                if (iy < 0 || iy >= h) continue;
                for (int kx = 0; kx < kw; kx++) {
                  int ix = ox * win.strideW() - win.padding().left() + kx * win.dilationW();
                  if (ix < 0 || ix >= wd) continue;
                  int xb = ((n * h + iy) * wd + ix) * c;
                  if (dm == 0) {
                    int wb = ((oc * kh + ky) * kw + kx) * c;
                    for (int i = 0; i < c; i++) s += x[xb + i] * w[wb + i];
                  } else {
                    s += x[xb + oc / dm] * w[(ky * kw + kx) * o + oc];
                  }
                }
              }
              y[((n * oh + oy) * ow + ox) * o + oc] = clamp(s, lo, hi);
            }
          }
        });
    return y;
  }

  static float[] dense(float[] x, float[] w, int[] ws, float[] b, float lo, float hi) {
    int o = ws[0], k = ws[1], batches = x.length / k;
    float[] y = new float[batches * o];
    for (int n = 0; n < batches; n++) {
      for (int oc = 0; oc < o; oc++) {
        float s = b == null ? 0 : b[oc];
        for (int i = 0; i < k; i++) s += x[n * k + i] * w[oc * k + i];
        y[n * o + oc] = clamp(s, lo, hi);
      }
    }
    return y;
  }

  static float[] elementwise(
      float[] a, int[] as, float[] b, int[] bs, int[] ys, boolean add, float lo, float hi) {
    var bc = new io.zkaudit.engine.BroadcastIndex(as, bs, ys);
    float[] y = new float[bc.size()];
    for (int i = 0; i < y.length; i++) {
      float p = a[bc.a(i)], q = b[bc.b(i)];
      y[i] = clamp(add ? p + q : p * q, lo, hi);
    }
    return y;
  }

  static float[] pool(float[] x, int[] xs, int[] ys, Window win, boolean avg, float lo, float hi) {
    int h = xs[1], wd = xs[2], c = xs[3], oh = ys[1], ow = ys[2];
    float[] y = new float[ys[0] * oh * ow * c];
    for (int n = 0; n < ys[0]; n++)
      for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
          for (int ch = 0; ch < c; ch++) {
            float s = avg ? 0 : Float.NEGATIVE_INFINITY;
            int count = 0;
            for (int ky = 0; ky < win.kernelH(); ky++) {
              int iy = oy * win.strideH() - win.padding().top() + ky;
              if (iy < 0 || iy >= h) continue;
              for (int kx = 0; kx < win.kernelW(); kx++) {
                int ix = ox * win.strideW() - win.padding().left() + kx;
                if (ix < 0 || ix >= wd) continue;
                float val = x[((n * h + iy) * wd + ix) * c + ch];
                s = avg ? s + val : Math.max(s, val);
                count++;
              }
            }
            y[((n * oh + oy) * ow + ox) * c + ch] = clamp(avg ? s / count : s, lo, hi);
          }
    return y;
  }

  static float[] mean(float[] x, int[] xs) {
    int hw = xs[1] * xs[2], c = xs[3];
    float[] y = new float[xs[0] * c];
    for (int n = 0; n < xs[0]; n++)
      for (int ch = 0; ch < c; ch++) {
        double s = 0;
        for (int p = 0; p < hw; p++) s += x[(n * hw + p) * c + ch];
        y[n * c + ch] = (float) (s / hw);
      }
    return y;
  }

  static float[] softmax(float[] x, int[] xs, float beta) {
    int depth = xs[xs.length - 1];
    float[] y = new float[x.length];
    for (int r = 0; r < x.length / depth; r++) {
      float max = Float.NEGATIVE_INFINITY;
      for (int i = 0; i < depth; i++) max = Math.max(max, x[r * depth + i]);
      double sum = 0;
      for (int i = 0; i < depth; i++) sum += Math.exp(beta * (x[r * depth + i] - max));
      for (int i = 0; i < depth; i++)
        y[r * depth + i] = (float) (Math.exp(beta * (x[r * depth + i] - max)) / sum);
    }
    return y;
  }

  /** Zero padding of a tensor of any rank: output position p reads input position p − before. */
  static float[] pad(float[] x, int[] xs, int[] ys, List<Integer> before) {
    int r = xs.length;
    float[] y = new float[sizeOf(ys)];
    int[] pos = new int[r];
    for (int i = 0; i < x.length; i++) {
      int at = 0;
      for (int d = 0; d < r; d++) at = at * ys[d] + pos[d] + before.get(d);
      y[at] = x[i];
      for (int d = r - 1; d >= 0 && ++pos[d] == xs[d]; d--) pos[d] = 0;
    }
    return y;
  }

  /** Concatenation along axis: blocks of (product of the dims from axis on) per outer index. */
  static float[] concat(float[][] parts, int[][] shapes, int axis) {
    int outer = 1;
    for (int d = 0; d < axis; d++) outer *= shapes[0][d];
    int total = 0;
    for (float[] p : parts) total += p.length;
    float[] y = new float[total];
    int at = 0;
    for (int o = 0; o < outer; o++) {
      for (float[] p : parts) {
        int block = p.length / outer;
        System.arraycopy(p, o * block, y, at, block);
        at += block;
      }
    }
    return y;
  }

  private static int sizeOf(int[] s) {
    int n = 1;
    for (int d : s) n *= d;
    return n;
  }
}
