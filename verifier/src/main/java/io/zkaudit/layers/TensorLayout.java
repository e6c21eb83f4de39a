package io.zkaudit.layers;

import io.zkaudit.field.Goldilocks;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.model.TensorSpec;
import java.util.List;

/**
 * How a tensor of shape [1, H, W, C] (or [1, C], or [C]) sits on the Boolean hypercube: each
 * dimension padded to a power of two, channel in the low bits, index c + 2^cBits (x + 2^wBits y).
 * Padding positions hold zero and are never trusted by a proof (see docs/model-proofs.md).
 *
 * <p>A zero-knowledge proof fills the padding of committed tensors with uniform values, and that is
 * what hides each evaluation of them (docs/zero-knowledge.md, technique 2). A tensor whose
 * dimensions are all powers of two has no padding, so its layout in a zero-knowledge circuit gets
 * one more height bit ({@link #of(TensorSpec, boolean)}).
 */
public record TensorLayout(int height, int width, int channels, int hBits, int wBits, int cBits) {

  public static TensorLayout of(int height, int width, int channels) {
    return new TensorLayout(height, width, channels, bits(height), bits(width), bits(channels));
  }

  /**
   * The layout of an activation tensor in a proof with or without zero knowledge. With zero
   * knowledge, a tensor that fills its box (real size = padded size, e.g. 32x32x16), or whose
   * padding misses some residue class modulo 16 of the index (e.g. 10 logits), gets one more height
   * bit: its height is padded to 2^(bits(H) + 1), so the upper half of its table is padding, which
   * the prover fills with uniform values. Without it, every evaluation of the tensor (and of the
   * range witnesses and rescaled ADD inputs that share its layout) at a random point would be a
   * function of real entries only and reveal the activations (and through them the weights); with
   * it, each evaluation at a point whose top height coordinate is not 0 is masked. Why height: no
   * weight or bias layout depends on it (they are over channels and taps), so the weight commitment
   * serves both kinds of proof, and the window predicates already skip rows at or beyond the real
   * height.
   */
  public static TensorLayout of(TensorSpec spec, boolean zeroKnowledge) {
    TensorLayout plain = of(spec);
    return zeroKnowledge ? plain.withPadding() : plain;
  }

  /**
   * This layout if every residue class of the index modulo 2^min(4, numVars) holds a padding entry,
   * else the same tensor with one more height bit, whose upper half puts padding in every class
   * (see {@link #of(TensorSpec, boolean)}). A full box has padding in no class; a small tensor such
   * as 10 logits in 16 slots has it in some only. The classes are what a lookup's blinding rows
   * must cover (LogUpBlinding.SUBTREE_BITS).
   */
  public TensorLayout withPadding() {
    return padsEveryLowClass()
        ? this
        : new TensorLayout(height, width, channels, hBits + 1, wBits, cBits);
  }

  /** Low bits whose residue classes {@link #withPadding} makes sure hold padding. */
  public static final int PADDED_CLASS_BITS = 4;

  /** Whether every residue class of the index modulo 2^min(4, numVars) holds a padding entry. */
  public boolean padsEveryLowClass() {
    int k = Math.min(PADDED_CLASS_BITS, numVars());
    for (int t = 0; t < 1 << k; t++) {
      if (!classHasPadding(t, k)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether class t (index low k bits = t) has a padding entry: some dimension can leave its range
   * with its bits above k set to ones (or already does with the fixed ones).
   */
  private boolean classHasPadding(int t, int k) {
    int[][] dims = {{0, cBits, channels}, {cBits, wBits, width}, {cBits + wBits, hBits, height}};
    for (int[] d : dims) {
      int lo = d[0];
      int hi = lo + d[1];
      int freeLo = Math.max(lo, k);
      long ones = hi > freeLo ? ((1L << hi) - 1) & ~((1L << freeLo) - 1) : 0;
      long index = t | ones;
      if (((index >>> lo) & ((1L << d[1]) - 1)) >= d[2]) {
        return true;
      }
    }
    return false;
  }

  /**
   * The layout of an activation tensor: NHWC with batch 1, or a flat [1, C] / [C] vector (no
   * zero-knowledge padding).
   */
  public static TensorLayout of(TensorSpec spec) {
    List<Integer> s = spec.shape();
    if (!s.isEmpty() && s.getFirst() != 1 && s.size() > 1) {
      throw new ModelFormatException(
          "tensor " + spec.name() + ": only batch size 1 is proven, shape " + s);
    }
    return switch (s.size()) {
      case 1 -> of(1, 1, s.get(0));
      case 2 -> of(1, 1, s.get(1));
      case 4 -> of(s.get(1), s.get(2), s.get(3));
      default ->
          throw new ModelFormatException(
              "tensor " + spec.name() + ": shape " + s + " has no proof layout");
    };
  }

  /** ceil(log2(n)), and 0 for n = 1. */
  public static int bits(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("dimension " + n);
    }
    return 32 - Integer.numberOfLeadingZeros(n - 1);
  }

  public int numVars() {
    return hBits + wBits + cBits;
  }

  public int paddedSize() {
    return 1 << numVars();
  }

  public int realSize() {
    return height * width * channels;
  }

  /** Whether entry i of the padded table is a real entry (not padding). */
  public boolean isReal(int i) {
    int c = i & ((1 << cBits) - 1);
    int x = (i >>> cBits) & ((1 << wBits) - 1);
    int y = i >>> (cBits + wBits);
    return c < channels && x < width && y < height;
  }

  public int index(int y, int x, int c) {
    return c + ((x + (y << wBits)) << cBits);
  }

  /** Places row-major NHWC values into the padded table, as field elements (signed embedding). */
  public long[] place(int[] nhwc) {
    return place(java.util.Arrays.stream(nhwc).asLongStream().toArray());
  }

  /** Same, for long values (accumulators). */
  public long[] place(long[] nhwc) {
    if (nhwc.length != realSize()) {
      throw new IllegalArgumentException(
          "tensor has " + nhwc.length + " values, layout expects " + realSize());
    }
    long[] t = new long[paddedSize()];
    int k = 0;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int base = index(y, x, 0);
        for (int c = 0; c < channels; c++) {
          t[base + c] = Goldilocks.fromSigned(nhwc[k++]);
        }
      }
    }
    return t;
  }
}
