package io.zkaudit.accuracy;

import io.zkaudit.field.Ext2;
import io.zkaudit.layers.Points;
import io.zkaudit.layers.RangeMask;
import io.zkaudit.lookup.LookupStatement;
import java.util.List;

/**
 * Where the gadget's columns live: N samples of K classes on a (class, sample) hypercube, the class
 * index j in the low {@code classBits} variables and the sample b in the high {@code sampleBits}
 * ones, entry index b·2^classBits + j (the activation layouts' order: channels lowest, the batch
 * dimension on top). Samples b ≥ N and classes j ≥ K are padding: no relation of the gadget reads
 * them, so in a zero-knowledge proof the committed columns hold uniform values there.
 *
 * <p>A zero-knowledge layout always has padding samples, and enough of them that the padding meets
 * every residue class of the index modulo 16 ((2^sampleBits − N)·2^classBits ≥ 16 consecutive
 * padded entries at the top): every evaluation of the selector, the maximum and the gap then weighs
 * uniform entries (docs/zero-knowledge.md, technique 2), and the gap's range-lookup group has a
 * blinding row in every class (technique 4). A plain layout is the smallest that holds N × K.
 */
public record ArgmaxLayout(int samples, int classes, int sampleBits, int classBits) {
  /** At most 2^26 entries per column, like the other committed columns of a proof. */
  public static final int MAX_VARS = 26;

  public ArgmaxLayout {
    if (samples < 1 || classes < 2) {
      throw new IllegalArgumentException(
          "an argmax needs at least one sample and two classes, got N = "
              + samples
              + ", K = "
              + classes);
    }
    if (sampleBits < 0
        || classBits < 0
        || sampleBits + classBits > MAX_VARS
        || samples > 1L << sampleBits
        || classes > 1L << classBits) {
      throw new IllegalArgumentException(
          "N = "
              + samples
              + ", K = "
              + classes
              + " do not fit 2^"
              + sampleBits
              + " x 2^"
              + classBits
              + " (at most 2^"
              + MAX_VARS
              + " entries)");
    }
  }

  /** The layout of N samples of K classes, with zero-knowledge padding or without. */
  public static ArgmaxLayout of(int samples, int classes, boolean zeroKnowledge) {
    int kb = bits(classes);
    int nb = bits(samples);
    if (zeroKnowledge) {
      while ((1L << nb) == samples || ((1L << nb) - samples) << kb < 16) {
        nb++;
      }
    }
    return new ArgmaxLayout(samples, classes, nb, kb);
  }

  private static int bits(int n) {
    return n <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
  }

  public int numVars() {
    return sampleBits + classBits;
  }

  public int paddedSamples() {
    return 1 << sampleBits;
  }

  public int paddedClasses() {
    return 1 << classBits;
  }

  public int size() {
    return 1 << numVars();
  }

  public int index(int sample, int cls) {
    return (sample << classBits) | cls;
  }

  /** Whether an index is a real (sample, class) pair. */
  public boolean isReal(int index) {
    return (index >>> classBits) < samples && (index & (paddedClasses() - 1)) < classes;
  }

  public boolean isRealSample(int sample) {
    return sample < samples;
  }

  /** The class coordinates of a point on the (class, sample) hypercube. */
  public Ext2[] classPart(Ext2[] point) {
    return Points.slice(point, 0, classBits);
  }

  /** The sample coordinates of a point on the (class, sample) hypercube. */
  public Ext2[] samplePart(Ext2[] point) {
    return Points.slice(point, classBits, sampleBits);
  }

  /** The MLE of [b < N] at the sample coordinates. */
  public Ext2 realSample(Ext2[] samplePoint) {
    return RangeMask.evaluate(samples, samplePoint);
  }

  /** The MLE of [j < K] at the class coordinates. */
  public Ext2 realClass(Ext2[] classPoint) {
    return RangeMask.evaluate(classes, classPoint);
  }

  /** The MLE of the box [b < N][j < K] at a point. */
  public Ext2 box(Ext2[] point) {
    return realClass(classPart(point)).mul(realSample(samplePart(point)));
  }

  /**
   * Σ_{x < n} eq(a, x)·eq(c, x) over x in {0,1}^bits: the MLE, at c, of eq(a, ·) restricted to the
   * prefix [0, n) (which is not eq(a, c)·[x &lt; n]~(c): the two factors share their variables).
   * O(bits), walking n's bits from the top like {@link RangeMask}, with the per-bit weights a_i c_i
   * (bit 1) and (1 − a_i)(1 − c_i) (bit 0) in place of c_i and 1 − c_i.
   */
  public static Ext2 restrictedEq(long n, Ext2[] a, Ext2[] c) {
    int bits = a.length;
    if (c.length != bits || n < 0 || (bits < 62 && n > 1L << bits)) {
      throw new IllegalArgumentException(n + " does not fit " + bits + " bits");
    }
    Ext2 less = Ext2.ZERO; // mass of x < n decided at a higher bit
    Ext2 equalSoFar = Ext2.ONE; // mass of x equal to n on the higher bits
    Ext2 all = Ext2.ONE; // mass of every x (for n = 2^bits)
    for (int i = bits - 1; i >= 0; i--) {
      Ext2 one = a[i].mul(c[i]);
      Ext2 zero = Ext2.ONE.sub(a[i]).mul(Ext2.ONE.sub(c[i]));
      Ext2 either = one.add(zero); // unlike RangeMask's, the two weights do not sum to 1
      all = all.mul(either);
      less = less.mul(either);
      if (((n >>> i) & 1) == 1) {
        less = less.add(equalSoFar.mul(zero));
        equalSoFar = equalSoFar.mul(one);
      } else {
        equalSoFar = equalSoFar.mul(zero);
      }
    }
    return bits < 62 && n == 1L << bits ? all : less;
  }

  /**
   * The gap column's group in a 16-bit range lookup: its real entries (j < K, b < N) are looked up,
   * its padding is not.
   */
  public LookupStatement.Group gapGroup() {
    return new LookupStatement.Group(
        numVars(),
        List.of(
            new LookupStatement.Group.Extent(classBits, classes),
            new LookupStatement.Group.Extent(sampleBits, samples)));
  }
}
