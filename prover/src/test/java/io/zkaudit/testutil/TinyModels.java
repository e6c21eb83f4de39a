package io.zkaudit.testutil;

import io.zkaudit.model.Conv2D;
import io.zkaudit.model.DepthwiseConv2D;
import io.zkaudit.model.ElementType;
import io.zkaudit.model.FullyConnected;
import io.zkaudit.model.Layer;
import io.zkaudit.model.MaxPool;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.Padding;
import io.zkaudit.model.Requantization;
import io.zkaudit.model.Requantize;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.model.Unary;
import io.zkaudit.model.UnaryFunction;
import io.zkaudit.model.Window;
import io.zkaudit.prover.model.QuantizedModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Small int8 models built in code, one for each way a model can be impossible to prove (the
 * provability tests of the prover and of {@code zkaudit commit}). Multipliers are Q31: 2^30 at
 * shift s is the real factor 2^(s - 1).
 */
public final class TinyModels {
  private TinyModels() {}

  private static final int HALF = 1 << 30;

  /** A chain of layers being built: tensors, constants, and the tensor the next layer reads. */
  public static final class Chain {
    private final String name;
    private final List<TensorSpec> tensors = new ArrayList<>();
    private final List<Layer> layers = new ArrayList<>();
    private final Map<Integer, int[]> constants = new HashMap<>();
    private int current;
    private int zeroPoint;

    public Chain(String name, List<Integer> inputShape) {
      this(name, inputShape, 0);
    }

    /**
     * A chain whose activations (the input and every layer's output) have zero point {@code
     * zeroPoint}.
     */
    public Chain(String name, List<Integer> inputShape, int zeroPoint) {
      this.name = name;
      this.zeroPoint = zeroPoint;
      current = activation("input", inputShape);
    }

    private int activation(String tensor, List<Integer> shape) {
      tensors.add(TensorSpec.of(tensor, shape, ElementType.INT8, 0.05f, zeroPoint, false));
      return tensors.size() - 1;
    }

    /** The shape of the tensor the next layer reads. */
    public List<Integer> shape() {
      return tensors.get(current).shape();
    }

    /**
     * Weights drawn uniformly from [-4, 4] with a fixed seed, and the requantization by 2^-shift.
     */
    private static int[] randomWeights(int n, long seed) {
      java.util.Random r = new java.util.Random(seed);
      int[] w = new int[n];
      for (int i = 0; i < n; i++) {
        w[i] = r.nextInt(9) - 4;
      }
      return w;
    }

    private Requantization scaledDown(int shift) {
      return Requantization.perTensor(HALF, 1 - shift, zeroPoint, -128, 127);
    }

    private int[] randomBias(int n, long seed) {
      java.util.Random r = new java.util.Random(seed);
      int[] b = new int[n];
      for (int i = 0; i < n; i++) {
        b[i] = r.nextInt(401) - 200;
      }
      return b;
    }

    /**
     * A convolution with random weights and biases (seeded), any kernel, stride and padding, output
     * scaled by 2^-shift.
     */
    public Chain conv(
        String layer,
        int kernel,
        int stride,
        Padding padding,
        int outChannels,
        int shift,
        long seed) {
      List<Integer> in = shape();
      Window window = new Window(kernel, kernel, stride, stride, 1, 1, padding);
      int c = in.getLast();
      int w =
          constant(
              layer + "/w",
              List.of(outChannels, kernel, kernel, c),
              ElementType.INT8,
              randomWeights(outChannels * kernel * kernel * c, seed));
      int b =
          constant(
              layer + "/b",
              List.of(outChannels),
              ElementType.INT32,
              randomBias(outChannels, seed + 1));
      int y =
          activation(
              layer + "/out",
              List.of(
                  1, window.outputHeight(in.get(1)), window.outputWidth(in.get(2)), outChannels));
      layers.add(
          new Conv2D(layer, current, w, b, y, window, zeroPoint, List.of(0), scaledDown(shift)));
      current = y;
      return this;
    }

    /**
     * A depthwise convolution (multiplier 1) with random weights and biases (seeded), output scaled
     * by 2^-shift.
     */
    public Chain depthwise(
        String layer, int kernel, int stride, Padding padding, int shift, long seed) {
      List<Integer> in = shape();
      Window window = new Window(kernel, kernel, stride, stride, 1, 1, padding);
      int c = in.getLast();
      int w =
          constant(
              layer + "/w",
              List.of(1, kernel, kernel, c),
              ElementType.INT8,
              randomWeights(kernel * kernel * c, seed));
      int b = constant(layer + "/b", List.of(c), ElementType.INT32, randomBias(c, seed + 1));
      int y =
          activation(
              layer + "/out",
              List.of(1, window.outputHeight(in.get(1)), window.outputWidth(in.get(2)), c));
      layers.add(
          new DepthwiseConv2D(
              layer, current, w, b, y, window, 1, zeroPoint, List.of(0), scaledDown(shift)));
      current = y;
      return this;
    }

    /** An average pool, clamped to the int8 range. */
    public Chain averagePool(String layer, int kernel, int stride, Padding padding) {
      List<Integer> in = shape();
      Window window = new Window(kernel, kernel, stride, stride, 1, 1, padding);
      int y =
          activation(
              layer + "/out",
              List.of(1, window.outputHeight(in.get(1)), window.outputWidth(in.get(2)), in.get(3)));
      layers.add(new io.zkaudit.model.AveragePool(layer, current, y, window, -128, 127));
      current = y;
      return this;
    }

    /** A constant pad of the spatial axes of a [1, H, W, C] map with {@code value}. */
    public Chain pad(String layer, int top, int bottom, int left, int right, int value) {
      List<Integer> in = shape();
      int y =
          activation(
              layer + "/out",
              List.of(1, in.get(1) + top + bottom, in.get(2) + left + right, in.get(3)));
      layers.add(
          new io.zkaudit.model.Pad(
              layer, current, y, List.of(0, top, left, 0), List.of(0, bottom, right, 0), value));
      current = y;
      return this;
    }

    /**
     * A dense layer over every value of the current tensor (of any shape: a [1, H, W, C] map is
     * read in row-major order) to [1, out], random weights and biases (seeded), scaled by 2^-shift.
     */
    public Chain denseRandom(String layer, int out, int shift, long seed) {
      int in = tensors.get(current).size();
      int w =
          constant(layer + "/w", List.of(out, in), ElementType.INT8, randomWeights(out * in, seed));
      int b = constant(layer + "/b", List.of(out), ElementType.INT32, randomBias(out, seed + 1));
      int y = activation(layer + "/out", List.of(1, out));
      layers.add(
          new FullyConnected(layer, current, w, b, y, zeroPoint, List.of(0), scaledDown(shift)));
      current = y;
      return this;
    }

    private int constant(String tensor, List<Integer> shape, ElementType type, int[] values) {
      tensors.add(
          TensorSpec.of(tensor, shape, type, type == ElementType.INT32 ? 0.0025f : 0.05f, 0, true));
      constants.put(tensors.size() - 1, values);
      return tensors.size() - 1;
    }

    private static int[] filled(int n, int value) {
      int[] v = new int[n];
      Arrays.fill(v, value);
      return v;
    }

    /**
     * A dense layer [1, in] to [1, out] with every weight {@code weight} and the given
     * requantization.
     */
    public Chain dense(String layer, int out, int weight, Requantization q) {
      int in = tensors.get(current).shape().getLast();
      int w = constant(layer + "/w", List.of(out, in), ElementType.INT8, filled(out * in, weight));
      int b = constant(layer + "/b", List.of(out), ElementType.INT32, new int[out]);
      int y = activation(layer + "/out", List.of(1, out));
      layers.add(new FullyConnected(layer, current, w, b, y, 0, List.of(0), q));
      current = y;
      return this;
    }

    /** A 1x1 convolution keeping the channel count, weights 1, output factor 1/2. */
    public Chain conv1x1(String layer) {
      List<Integer> shape = tensors.get(current).shape();
      int c = shape.getLast();
      int w = constant(layer + "/w", List.of(c, 1, 1, c), ElementType.INT8, filled(c * c, 1));
      int y = activation(layer + "/out", shape);
      layers.add(
          new Conv2D(
              layer,
              current,
              w,
              -1,
              y,
              new Window(1, 1, 1, 1, 1, 1, Padding.NONE),
              0,
              List.of(0),
              Requantization.perTensor(HALF, 0, 0, -128, 127)));
      current = y;
      return this;
    }

    /** A 3x3 depthwise convolution with the given depth multiplier (SAME padding). */
    public Chain depthwise(String layer, int multiplier) {
      List<Integer> shape = tensors.get(current).shape();
      int c = shape.getLast() * multiplier;
      int w = constant(layer + "/w", List.of(1, 3, 3, c), ElementType.INT8, filled(9 * c, 1));
      int y = activation(layer + "/out", List.of(shape.get(0), shape.get(1), shape.get(2), c));
      layers.add(
          new DepthwiseConv2D(
              layer,
              current,
              w,
              -1,
              y,
              new Window(3, 3, 1, 1, 1, 1, new Padding(1, 1, 1, 1)),
              multiplier,
              0,
              List.of(0),
              Requantization.perTensor(HALF, 0, 0, -128, 127)));
      current = y;
      return this;
    }

    /** A 2x2 max pool of stride 2. */
    public Chain maxPool(String layer) {
      List<Integer> shape = tensors.get(current).shape();
      int y =
          activation(
              layer + "/out",
              List.of(shape.get(0), shape.get(1) / 2, shape.get(2) / 2, shape.get(3)));
      layers.add(
          new MaxPool(layer, current, y, new Window(2, 2, 2, 2, 1, 1, Padding.NONE), -128, 127));
      current = y;
      return this;
    }

    /**
     * A max pool of any square window, stride and padding, clamped to [lo, hi] (a fused
     * activation).
     */
    public Chain maxPool(String layer, int kernel, int stride, Padding padding, int lo, int hi) {
      return maxPool(layer, new Window(kernel, kernel, stride, stride, 1, 1, padding), lo, hi);
    }

    /** A max pool of any window, clamped to [lo, hi]. */
    public Chain maxPool(String layer, Window window, int lo, int hi) {
      List<Integer> in = shape();
      int y =
          activation(
              layer + "/out",
              List.of(1, window.outputHeight(in.get(1)), window.outputWidth(in.get(2)), in.get(3)));
      layers.add(new MaxPool(layer, current, y, window, lo, hi));
      current = y;
      return this;
    }

    /** The tensor the next layer reads, to concatenate later ({@link #concat}). */
    public int mark() {
      return current;
    }

    /** A channel-axis concatenation of an earlier tensor and the current one, in that order. */
    public Chain concat(String layer, int earlier) {
      List<Integer> a = tensors.get(earlier).shape();
      List<Integer> b = shape();
      int y =
          activation(layer + "/out", List.of(b.get(0), b.get(1), b.get(2), a.get(3) + b.get(3)));
      layers.add(new io.zkaudit.model.Concat(layer, List.of(earlier, current), y, 3));
      current = y;
      return this;
    }

    /** Reads {@code tensor} next (a branch from an earlier tensor). */
    public Chain from(int tensor) {
      current = tensor;
      return this;
    }

    /**
     * A concatenation of the current tensor with itself along the height axis (which the proof does
     * not support).
     */
    public Chain concatHeightWithItself(String layer) {
      List<Integer> in = shape();
      int y = activation(layer + "/out", List.of(in.get(0), 2 * in.get(1), in.get(2), in.get(3)));
      layers.add(new io.zkaudit.model.Concat(layer, List.of(current, current), y, 1));
      current = y;
      return this;
    }

    /** A channel-axis concatenation of the current tensor with itself. */
    public Chain concatWithItself(String layer) {
      List<Integer> in = shape();
      int y = activation(layer + "/out", List.of(in.get(0), in.get(1), in.get(2), 2 * in.get(3)));
      layers.add(new io.zkaudit.model.Concat(layer, List.of(current, current), y, 3));
      current = y;
      return this;
    }

    /**
     * A MUL of an earlier activation by the current one, as TFLite's MUL of two activations: of one
     * shape, or a [1, H, W, C] map times a [1, C] (or [1, 1, 1, C]) per-channel gate, broadcast by
     * the engine; the product rescaled by 2^-7 to the chain's zero point (each operand read at its
     * own zero point).
     */
    public Chain multiply(String layer, int earlier) {
      List<Integer> a = tensors.get(earlier).shape();
      List<Integer> b = shape();
      int y = activation(layer + "/out", a.size() >= b.size() ? a : b);
      io.zkaudit.model.FixedPoint.QuantizedMultiplier m =
          io.zkaudit.model.FixedPoint.quantizeMultiplier(1.0 / 128);
      layers.add(
          new io.zkaudit.model.Mul(
              layer,
              earlier,
              current,
              y,
              tensors.get(earlier).zeroPoint(),
              tensors.get(current).zeroPoint(),
              m.multiplier(),
              m.shift(),
              zeroPoint,
              -128,
              127));
      current = y;
      return this;
    }

    /**
     * An elementwise function by its 256-entry table, the output an int8 tensor of the given scale
     * and zero point.
     */
    public Chain unary(String layer, UnaryFunction f, float outScale, int outZeroPoint) {
      tensors.add(
          TensorSpec.of(layer + "/out", shape(), ElementType.INT8, outScale, outZeroPoint, false));
      int y = tensors.size() - 1;
      layers.add(Unary.of(layer, current, y, f));
      current = y;
      return this;
    }

    /** A MEAN over the spatial axes to [1, 1, 1, C], rescaled by 1/2 at the chain's zero point. */
    public Chain mean(String layer) {
      int y = activation(layer + "/out", List.of(1, 1, 1, shape().get(3)));
      io.zkaudit.model.FixedPoint.QuantizedMultiplier m =
          io.zkaudit.model.FixedPoint.quantizeMultiplier(0.5);
      layers.add(
          new io.zkaudit.model.Mean(
              layer, current, y, zeroPoint, m.multiplier(), m.shift(), zeroPoint, -128, 127));
      current = y;
      return this;
    }

    /** An int8 to int8 requantization by 1/2 (same shape). */
    public Chain requantize(String layer) {
      int y = activation(layer + "/out", tensors.get(current).shape());
      layers.add(new Requantize(layer, current, y, 0, HALF, 0, 0, -128, 127));
      current = y;
      return this;
    }

    /** A reshape to {@code shape} (same values in row-major order). */
    public Chain reshape(String layer, List<Integer> shape) {
      int y = activation(layer + "/out", shape);
      layers.add(new io.zkaudit.model.Reshape(layer, current, y));
      current = y;
      return this;
    }

    /** A reshape to [1, size]. */
    public Chain flatten(String layer) {
      int y = activation(layer + "/out", List.of(1, tensors.get(current).size()));
      layers.add(new io.zkaudit.model.Reshape(layer, current, y));
      current = y;
      return this;
    }

    public QuantizedModel build() {
      ModelDescription d =
          new ModelDescription(name, tensors, layers, List.of(0), List.of(current));
      return new QuantizedModel(d, constants);
    }
  }

  /** A 1x1 convolution then a max pool (proven since issue 18). */
  public static QuantizedModel withMaxPool() {
    return new Chain("tiny-maxpool", List.of(1, 4, 4, 2)).conv1x1("conv").maxPool("pool").build();
  }

  /**
   * A 1x1 convolution then a concatenation of its output with itself along the height: a form the
   * proof lacks.
   */
  public static QuantizedModel withHeightConcat() {
    return new Chain("tiny-height-concat", List.of(1, 4, 4, 2))
        .conv1x1("conv")
        .concatHeightWithItself("cat")
        .build();
  }

  /**
   * A concatenation along the height, then a flatten of its map read by a requantization: two
   * problems (a flatten read by a dense layer is proven, by anything else it is not).
   */
  public static QuantizedModel withHeightConcatAndFlatten() {
    return new Chain("tiny-height-concat-flatten", List.of(1, 1, 2, 2))
        .conv1x1("conv")
        .concatHeightWithItself("cat")
        .flatten("flatten")
        .requantize("q")
        .build();
  }

  /**
   * A depthwise convolution with depth multiplier 2: a supported layer kind in an unsupported form.
   */
  public static QuantizedModel withDepthMultiplier() {
    return new Chain("tiny-depth-multiplier", List.of(1, 4, 4, 2)).depthwise("dw", 2).build();
  }

  /**
   * A dense layer over 1024 inputs with weights 127 and output factor 1/2: the accumulator reaches
   * 1024 * 128 * 127 (about 16.6M) for an all -128 input, far past the 2^22 rows of 2^16 beyond the
   * rounding's outer thresholds (about +-256): a limb rounding since issue 18.
   */
  public static QuantizedModel withWideAccumulators() {
    return new Chain("tiny-wide-accumulators", List.of(1, 1024))
        .dense("fc", 4, 127, Requantization.perTensor(HALF, 0, 0, -128, 127))
        .build();
  }

  /**
   * The same dense layer with a left shift of 8 before the multiplication (factor 128): TFLite
   * shifts in 32 bits, so the map is defined (monotone) only for |acc| < 2^23, and the all -128
   * input's accumulators leave even that domain: not provable, with limbs or without.
   */
  public static QuantizedModel withAccumulatorsBeyondTheDomain() {
    return new Chain("tiny-wide-accumulators-shifted", List.of(1, 1024))
        .dense("fc", 4, 127, Requantization.perTensor(HALF, 8, 0, -128, 127))
        .build();
  }

  /**
   * A dense layer with 1024 per-channel output factors of 2^-21: each of a channel's 256 output
   * steps is 2^21 accumulators wide (32 table rows of 2^16), 8,320 rows per channel, 8.5M rows in
   * all: more than the 2^22 a lookup table may have.
   */
  public static QuantizedModel withHugeTable() {
    return withHugeTable(1024);
  }

  /**
   * The same over {@code channels} channels: with limbs a channel has 256 rows (one per output), so
   * 17,000 channels (4,352,000 rows) exceed 2^22 rows even with limbs.
   */
  public static QuantizedModel withHugeTable(int channels) {
    Requantization q =
        new Requantization(
            java.util.Collections.nCopies(channels, HALF),
            java.util.Collections.nCopies(channels, -20),
            0,
            -128,
            127);
    return new Chain("tiny-huge-table", List.of(1, 4)).dense("fc", channels, 1, q).build();
  }

  /**
   * 1,100 requantizations in a row: a rounding group and a range group each, more than the 1024
   * groups a lookup may have.
   */
  public static QuantizedModel withTooManyLayers() {
    Chain c = new Chain("tiny-deep", List.of(1, 8));
    for (int i = 0; i < 1100; i++) {
      c.requantize("q" + i);
    }
    return c.build();
  }

  /** One small dense layer over [1, 16]: provable, with and without zero knowledge. */
  public static QuantizedModel smallDense() {
    return new Chain("tiny-dense", List.of(1, 16))
        .dense("fc", 10, 1, Requantization.perTensor(HALF, 0, 0, -128, 127))
        .build();
  }
}
