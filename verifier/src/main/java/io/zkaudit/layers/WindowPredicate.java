package io.zkaudit.layers;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.ExtVector;
import io.zkaudit.poly.Mle;

/**
 * The wiring of a sliding window along one spatial dimension: which input coordinate feeds which
 * output coordinate through which kernel tap,
 * <pre>  S(y, i, y') = [y' = stride * y + i - pad] * [i < kernel] * [0 <= y' < inSize]</pre>
 * for y in [0, 2^outBits), i in [0, 2^tapBits), y' in [0, 2^inBits). A k x k convolution's wiring
 * is the product of one such predicate per dimension, so nothing of size H*W*k*k is ever
 * materialised.
 *
 * <p>The proofs need the partial MLE A(i, y') = sum_y eq(r, y) S(y, i, y') for the layer's random
 * output coordinate r (prover: as a table; verifier: at one point). Both cost
 * O(2^outBits * kernel + 2^inBits + 2^tapBits): the square root of the tensor size, not the size.
 */
public record WindowPredicate(int kernel, int stride, int pad, int outBits, int tapBits, int inBits, int inSize) {

  public WindowPredicate {
    if (kernel < 1 || stride < 1 || pad < 0 || kernel > (1 << tapBits) || inSize > (1 << inBits) || inSize < 1) {
      throw new IllegalArgumentException("inconsistent window: kernel " + kernel + ", stride " + stride
          + ", pad " + pad + ", tap bits " + tapBits + ", input " + inSize + "/2^" + inBits);
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

  /** A at the point (tapPoint, inPoint), for the verifier: sum_y eq(r,y) eq(tap,i) eq(in, source). */
  public Ext2 evaluate(Ext2[] r, Ext2[] tapPoint, Ext2[] inPoint) {
    checkPoint(r, outBits, "output");
    checkPoint(tapPoint, tapBits, "tap");
    checkPoint(inPoint, inBits, "input");
    long[] eqOut = Mle.eqTable(r);
    long[] eqTap = Mle.eqTable(tapPoint);
    long[] eqIn = Mle.eqTable(inPoint);
    Ext2 acc = Ext2.ZERO;
    for (int y = 0; y < (1 << outBits); y++) {
      Ext2 perY = Ext2.ZERO;
      for (int i = 0; i < kernel; i++) {
        int src = source(y, i);
        if (src >= 0) {
          perY = perY.add(ExtVector.get(eqTap, i).mul(ExtVector.get(eqIn, src)));
        }
      }
      acc = acc.add(perY.mul(ExtVector.get(eqOut, y)));
    }
    return acc;
  }

  private static void checkPoint(Ext2[] p, int bits, String what) {
    if (p.length != bits) {
      throw new IllegalArgumentException(what + " point has " + p.length + " coordinates, expected " + bits);
    }
  }

  /** sum over Boolean y' of A(tapPoint, y'): how much input the window reads, weighted by eq. */
  public Ext2 sumOverInput(Ext2[] r, Ext2[] tapPoint) {
    checkPoint(r, outBits, "output");
    checkPoint(tapPoint, tapBits, "tap");
    long[] eqOut = Mle.eqTable(r);
    long[] eqTap = Mle.eqTable(tapPoint);
    Ext2 acc = Ext2.ZERO;
    for (int y = 0; y < (1 << outBits); y++) {
      Ext2 perY = Ext2.ZERO;
      for (int i = 0; i < kernel; i++) {
        if (source(y, i) >= 0) {
          perY = perY.add(ExtVector.get(eqTap, i));
        }
      }
      acc = acc.add(perY.mul(ExtVector.get(eqOut, y)));
    }
    return acc;
  }

  /** sum over Boolean taps i of A(i, inPoint): the wiring of a window whose taps all weigh 1 (pools). */
  public Ext2 evaluateSummedTaps(Ext2[] r, Ext2[] inPoint) {
    checkPoint(r, outBits, "output");
    checkPoint(inPoint, inBits, "input");
    long[] eqOut = Mle.eqTable(r);
    long[] eqIn = Mle.eqTable(inPoint);
    Ext2 acc = Ext2.ZERO;
    for (int y = 0; y < (1 << outBits); y++) {
      Ext2 perY = Ext2.ZERO;
      for (int i = 0; i < kernel; i++) {
        int src = source(y, i);
        if (src >= 0) {
          perY = perY.add(ExtVector.get(eqIn, src));
        }
      }
      acc = acc.add(perY.mul(ExtVector.get(eqOut, y)));
    }
    return acc;
  }

  /** sum over Boolean taps and inputs of A: sum_y eq(r, y) * (number of taps of y inside the input). */
  public Ext2 windowCount(Ext2[] r) {
    checkPoint(r, outBits, "output");
    long[] eqOut = Mle.eqTable(r);
    Ext2 acc = Ext2.ZERO;
    for (int y = 0; y < (1 << outBits); y++) {
      int count = 0;
      for (int i = 0; i < kernel; i++) {
        if (source(y, i) >= 0) {
          count++;
        }
      }
      acc = acc.add(ExtVector.get(eqOut, y).mul(count));
    }
    return acc;
  }
}
