package io.zkaudit.inference;

import io.zkaudit.field.Ext2;
import io.zkaudit.layers.Points;
import io.zkaudit.layers.TensorLayout;
import io.zkaudit.lookup.LookupStatement.Group;
import java.util.ArrayList;
import java.util.List;

/**
 * The batch dimension of a proof about N samples (docs/accuracy-proof.md, "A batch dimension that
 * the layer sumchecks do not pay for"): every activation table, every per-sample witness column and
 * every lookup group gets {@link #bits()} = ceil(log2 N) more variables on top (the most
 * significant), indexing the sample; weights keep their layouts.
 *
 * <p><b>Padding samples.</b> N is rounded up to N' = 2^bits; samples b in [N, N') are copies of
 * sample 0: the verifier places x_0 there in the input table and y_0 in the output table, and the
 * prover runs the same inference. So every relation holds on every sample alike (the lookups see N'
 * real inferences, no mask needs a batch factor), and Σ_b eq(r_b, b) = 1 over the whole batch
 * hypercube, which is what makes every affine term of a layer (a bias, a zero point, a constant
 * addend, the virtual-padding scalars) enter once when a layer's claim is folded over the samples.
 * A padding sample cannot carry anything: its input and output are not the prover's to choose (the
 * input binding and the output check use the verifier's own tables), and the verifier reports the
 * first N outputs only. Copying sample 0 rather than running an all-zero input reveals nothing: the
 * padding outputs are y_0, which is public.
 *
 * <p><b>Points.</b> A lookup group's point is (the sample coordinates of its tensor layout, the
 * batch coordinates r_b); a layer verifier runs today's check on the sample coordinates and hands
 * r_b on to every claim on an activation ({@link #lift}). A range pair group is (box, batch, pair):
 * its top variable still picks c1 or c2.
 */
public record Batch(int samples) {
  /** The most samples one proof states (2^16: 16 batch variables). */
  public static final int MAX_SAMPLES = 1 << 16;

  public Batch {
    if (samples < 1 || samples > MAX_SAMPLES) {
      throw new IllegalArgumentException(
          "a batch proof states 1.." + MAX_SAMPLES + " samples, not " + samples);
    }
  }

  /** ceil(log2 N): the batch variables on top of every activation layout. */
  public int bits() {
    return TensorLayout.bits(samples);
  }

  /** N' = 2^bits: the real samples and the padding copies of sample 0. */
  public int paddedSamples() {
    return 1 << bits();
  }

  /** Variables of a per-sample table of this layout in the batch. */
  public int numVars(TensorLayout layout) {
    return layout.numVars() + bits();
  }

  /** The active rows of a batched tensor: the sample box, then every sample (padding included). */
  public Group box(TensorLayout layout) {
    Group sample = InferenceStatement.box(layout);
    if (bits() == 0) {
      return sample;
    }
    List<Group.Extent> extents = new ArrayList<>(sample.extents());
    extents.add(new Group.Extent(bits(), paddedSamples()));
    return new Group(sample.numVars() + bits(), extents);
  }

  /**
   * The active rows of a limb rounding's batched remainder column (docs/model-proofs.md, "Limb
   * roundings"): each sample's limb column [low 16 bits | high 16 bits] ({@link
   * InferenceStatement#limbColumn}) one after the other, so the variables are the sample box, then
   * the limb variable, then the batch variables. A claim on the remainder at (ρ, r_b) is the limb
   * column at (ρ, t*, r_b) ({@link #limbPoint}).
   */
  public Group limbColumn(TensorLayout layout) {
    Group sample = InferenceStatement.limbColumn(InferenceStatement.box(layout));
    if (bits() == 0) {
      return sample;
    }
    List<Group.Extent> extents = new ArrayList<>(sample.extents());
    extents.add(new Group.Extent(bits(), paddedSamples()));
    return new Group(sample.numVars() + bits(), extents);
  }

  /**
   * The point of a limb column (of a batch: null for one sample) at which it is the remainder at
   * {@code point} over {@code sampleVars} sample variables, divided by 2^16 + 1: t* inserted after
   * the sample coordinates, below the batch coordinates if any.
   */
  public static Ext2[] limbPoint(Ext2[] point, int sampleVars) {
    Ext2[] out = new Ext2[point.length + 1];
    System.arraycopy(point, 0, out, 0, sampleVars);
    out[sampleVars] = InferenceStatement.LIMB_POINT;
    System.arraycopy(point, sampleVars, out, sampleVars + 1, point.length - sampleVars);
    return out;
  }

  /**
   * The batched table of one tensor: sample b's padded table at offset b · 2^layout.numVars, sample
   * 0's at every padding sample.
   */
  public long[] place(TensorLayout layout, List<int[]> values) {
    if (values.size() != samples) {
      throw new IllegalArgumentException(values.size() + " samples, the batch has " + samples);
    }
    int size = layout.paddedSize();
    long[] out = new long[size << bits()];
    for (int b = 0; b < paddedSamples(); b++) {
      System.arraycopy(layout.place(values.get(b < samples ? b : 0)), 0, out, b * size, size);
    }
    return out;
  }

  /** The sample coordinates of a point on a batched table of {@code sampleVars} variables. */
  public Ext2[] samplePoint(Ext2[] point, int sampleVars) {
    return Points.slice(point, 0, sampleVars);
  }

  /** The batch coordinates r_b of such a point. */
  public Ext2[] batchPoint(Ext2[] point, int sampleVars) {
    return Points.slice(point, sampleVars, bits());
  }

  /** A claim point on one sample's table, lifted to the batch at r_b. */
  public static Ext2[] lift(Ext2[] samplePoint, Ext2[] batchPoint) {
    return Points.concat(samplePoint, batchPoint);
  }

  /** Splits N concatenated outputs (or inputs) of {@code size} values each. */
  public List<int[]> split(int[] concatenated, int size) {
    if (concatenated.length != samples * size) {
      throw new IllegalArgumentException(
          concatenated.length + " values, " + samples + " samples of " + size);
    }
    List<int[]> out = new ArrayList<>();
    for (int b = 0; b < samples; b++) {
      out.add(java.util.Arrays.copyOfRange(concatenated, b * size, (b + 1) * size));
    }
    return out;
  }
}
