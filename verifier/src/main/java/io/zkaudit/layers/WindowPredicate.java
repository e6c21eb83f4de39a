package io.zkaudit.layers;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.ExtVector;
import io.zkaudit.poly.Mle;

/**
 * The wiring of a sliding window along one spatial dimension: which input coordinate feeds which
 * output coordinate through which kernel tap,
 *
 * <pre>  S(y, i, y') = [y' = stride * y + i - pad] * [i < kernel] * [0 <= y' < inSize]</pre>
 *
 * for y in [0, 2^outBits), i in [0, 2^tapBits), y' in [0, 2^inBits). A k x k convolution's wiring
 * is the product of one such predicate per dimension, so nothing of size H*W*k*k is ever
 * materialised.
 *
 * <p>The proofs need the partial MLE A(i, y') = sum_y eq(r, y) S(y, i, y') for the layer's random
 * output coordinate r: the prover as a table (O(2^outBits * kernel + 2^inBits + 2^tapBits)), the
 * verifier at one point. The verifier's evaluation walks the bits of y, i and y' from the lowest,
 * carrying the two sides of y' + pad = stride * y + i and the comparisons i < kernel and y' <
 * inSize as 16 states: O(bits), so its work is logarithmic in the tensor's size (strides that are
 * not powers of two fall back to a direct sum over output positions).
 */
public record WindowPredicate(
    int kernel, int stride, int pad, int outBits, int tapBits, int inBits, int inSize) {

  public WindowPredicate {
    if (kernel < 1
        || stride < 1
        || pad < 0
        || kernel > (1 << tapBits)
        || inSize > (1 << inBits)
        || inSize < 1) {
      throw new IllegalArgumentException(
          "inconsistent window: kernel "
              + kernel
              + ", stride "
              + stride
              + ", pad "
              + pad
              + ", tap bits "
              + tapBits
              + ", input "
              + inSize
              + "/2^"
              + inBits);
    }
  }

  /** The input coordinate read by output y through tap i, or -1 where it falls in the padding. */
  public int source(int y, int i) {
    int src = stride * y + i - pad;
    return i < kernel && src >= 0 && src < inSize ? src : -1;
  }

  /** A(i, y') = sum_y eq(r, y) S(y, i, y'), as an extension table indexed by i + 2^tapBits * y'. */
  public long[] table(Ext2[] r) {
    checkPoint(r, outBits, "output");
    long[] eqOut = Mle.eqTable(r);
    long[] t = ExtVector.allocate(1 << (tapBits + inBits));
    for (int y = 0; y < (1 << outBits); y++) {
      Ext2 e = ExtVector.get(eqOut, y);
      for (int i = 0; i < kernel; i++) {
        int src = source(y, i);
        if (src >= 0) {
          int idx = i + (src << tapBits);
          ExtVector.set(t, idx, ExtVector.get(t, idx).add(e));
        }
      }
    }
    return t;
  }

  private static void checkPoint(Ext2[] p, int bits, String what) {
    if (p.length != bits) {
      throw new IllegalArgumentException(
          what + " point has " + p.length + " coordinates, expected " + bits);
    }
  }

  /**
   * The same sum as {@link #bitwise}, directly over output positions and taps: O(2^outBits *
   * kernel). The fallback for strides that are not powers of two, and the reference the tests
   * compare with.
   */
  Ext2 direct(Ext2[] r, Ext2[] tap, Ext2[] in) {
    checkPoint(r, outBits, "output");
    long[] eqOut = Mle.eqTable(r);
    long[] eqTap = tap == null ? null : Mle.eqTable(tap);
    long[] eqIn = in == null ? null : Mle.eqTable(in);
    Ext2 acc = Ext2.ZERO;
    for (int y = 0; y < (1 << outBits); y++) {
      Ext2 perY = Ext2.ZERO;
      for (int i = 0; i < kernel; i++) {
        int src = source(y, i);
        if (src >= 0) {
          Ext2 w = eqTap == null ? Ext2.ONE : ExtVector.get(eqTap, i);
          perY = perY.add(eqIn == null ? w : w.mul(ExtVector.get(eqIn, src)));
        }
      }
      acc = acc.add(perY.mul(ExtVector.get(eqOut, y)));
    }
    return acc;
  }

  /** A(tapPoint, inPoint) = sum_y eq(r, y) eq(tap, i) eq(in, y') S(y, i, y'). */
  public Ext2 evaluate(Ext2[] r, Ext2[] tapPoint, Ext2[] inPoint) {
    checkPoint(tapPoint, tapBits, "tap");
    checkPoint(inPoint, inBits, "input");
    return bitwise(r, tapPoint, inPoint);
  }

  /** sum over Boolean y' of A(tapPoint, y'): how much input the window reads, weighted by eq. */
  public Ext2 sumOverInput(Ext2[] r, Ext2[] tapPoint) {
    checkPoint(tapPoint, tapBits, "tap");
    return bitwise(r, tapPoint, null);
  }

  /**
   * sum over Boolean taps i of A(i, inPoint): the wiring of a window whose taps all weigh 1
   * (pools).
   */
  public Ext2 evaluateSummedTaps(Ext2[] r, Ext2[] inPoint) {
    checkPoint(inPoint, inBits, "input");
    return bitwise(r, null, inPoint);
  }

  /** sum_y eq(r, y) * (number of taps of y inside the input). */
  public Ext2 windowCount(Ext2[] r) {
    return bitwise(r, null, null);
  }

  /**
   * sum over Boolean (y, i, y') of eq(r, y) w_tap(i) w_in(y') S(y, i, y'), where w is eq at the
   * given point or 1 when the point is null (a sum over that variable).
   */
  private Ext2 bitwise(Ext2[] r, Ext2[] tap, Ext2[] in) {
    checkPoint(r, outBits, "output");
    if (Integer.bitCount(stride) != 1) {
      return direct(r, tap, in);
    }
    int shift = Integer.numberOfTrailingZeros(stride);
    int positions =
        Math.max(
                Math.max(inBits, outBits + shift),
                Math.max(tapBits, 32 - Integer.numberOfLeadingZeros(pad)))
            + 2;
    // state = carryL | carryR << 1 | (i < kernel so far) << 2 | (y' < inSize so far) << 3,
    // comparing from the low bits
    Ext2[] weight = new Ext2[16];
    java.util.Arrays.fill(weight, Ext2.ZERO);
    weight[0] = Ext2.ONE;
    for (int j = 0; j < positions; j++) {
      Ext2[] next = new Ext2[16];
      java.util.Arrays.fill(next, Ext2.ZERO);
      int padBit = j < 31 ? (pad >>> j) & 1 : 0;
      int kBit = j < 31 ? (kernel >>> j) & 1 : 0;
      int nBit = j < 31 ? (inSize >>> j) & 1 : 0;
      int yIndex = j - shift;
      for (int yp = 0; yp <= (j < inBits ? 1 : 0); yp++) {
        Ext2 wyp = j < inBits ? factor(in, j, yp) : Ext2.ONE;
        for (int yb = 0; yb <= (yIndex >= 0 && yIndex < outBits ? 1 : 0); yb++) {
          Ext2 wy = yIndex >= 0 && yIndex < outBits ? factor(r, yIndex, yb) : Ext2.ONE;
          for (int ib = 0; ib <= (j < tapBits ? 1 : 0); ib++) {
            Ext2 wi = j < tapBits ? factor(tap, j, ib) : Ext2.ONE;
            Ext2 w = wyp.mul(wy).mul(wi);
            if (w.isZero()) {
              continue;
            }
            for (int state = 0; state < 16; state++) {
              if (weight[state].isZero()) {
                continue;
              }
              int cl = state & 1;
              int cr = (state >> 1) & 1;
              int left = yp + padBit + cl;
              int right = yb + ib + cr;
              if ((left & 1) != (right & 1)) {
                continue;
              }
              int ltI = ib < kBit ? 1 : ib > kBit ? 0 : (state >> 2) & 1;
              int ltY = yp < nBit ? 1 : yp > nBit ? 0 : (state >> 3) & 1;
              int to = (left >> 1) | (right >> 1) << 1 | ltI << 2 | ltY << 3;
              next[to] = next[to].add(weight[state].mul(w));
            }
          }
        }
      }
      weight = next;
    }
    // Equal sums with equal final carries, i < kernel and y' < inSize: carries 0, both comparisons
    // true.
    return weight[0b1100];
  }

  /** eq(point_j, bit), or 1 when the variable is summed over (point null). */
  private static Ext2 factor(Ext2[] point, int j, int bit) {
    if (point == null) {
      return Ext2.ONE;
    }
    return bit == 1 ? point[j] : Ext2.ONE.sub(point[j]);
  }
}
