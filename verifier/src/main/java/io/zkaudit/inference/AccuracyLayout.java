package io.zkaudit.inference;

import io.zkaudit.accuracy.ArgmaxLayout;
import io.zkaudit.accuracy.ColumnEvaluation;
import io.zkaudit.field.Ext2;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.layers.Points;
import io.zkaudit.layers.TensorLayout;

/**
 * Where an accuracy proof (docs/accuracy-proof.md, "The accuracy proof as built") keeps what a
 * batch proof does not have: the model's output over the batch as a committed column (the logits: a
 * batch proof states them, an accuracy proof hides them), and the argmax-and-count gadget's
 * selector, maximum and gap columns. The four are appended, in {@link ColumnEvaluation.Column}
 * order, after every other witness column, so the columns of a batch proof keep their indices.
 *
 * <p><b>Two sample ranges.</b> The batch has {@code batch.bits()} sample variables; the gadget may
 * need more ({@code argmax.sampleBits()}): in zero knowledge its layout must have padding samples
 * ({@link ArgmaxLayout#of}), which a batch of N = 2^k has not. The gadget's logits table ℓ is the
 * committed logits, one sample's whole padded layout as its class axis (the output is 1 x 1, so
 * index j = channel j for j &lt; K and every index from K on is padding), constant in the gadget's
 * extra sample variables; the gadget reads ℓ only on real samples b &lt; N and real classes j &lt;
 * K, and the MLE of a table constant in some variables does not depend on them: ℓ~(σ_j, σ_b) =
 * logits~(σ_j, the low {@code batch.bits()} coordinates of σ_b) ({@link #logitsPoint}).
 *
 * <p><b>Hiding.</b> Every sample's logits keep their layout's uniform padding, which is what the
 * gadget's claim on the logits weighs: channels K.. when K &lt; 2^cBits, and in zero knowledge the
 * padding rows a layout gets when its channels leave some residue class without padding ({@code
 * TensorLayout}: K = 2^cBits, or K = 10 with its 16 channels). Reading the rows as classes is what
 * lets a 2-, 4- or 16-class model have a zero-knowledge accuracy proof (they were refused: their
 * channel bits hold no padding).
 */
public record AccuracyLayout(Batch batch, TensorLayout logits, ArgmaxLayout argmax) {
  public AccuracyLayout {
    if (logits.width() != 1 || logits.height() != 1) {
      throw new IllegalArgumentException(
          "the accuracy proof ranks one vector of logits per sample; the model's output is "
              + logits.height()
              + " x "
              + logits.width()
              + " x "
              + logits.channels());
    }
    if (argmax.classBits() != logits.numVars()
        || argmax.classes() != logits.channels()
        || argmax.samples() != batch.samples()
        || argmax.sampleBits() < batch.bits()) {
      throw new IllegalArgumentException("the gadget's layout is not the logits' " + argmax);
    }
  }

  /**
   * The number of classes K an accuracy proof of this circuit ranks: its output's channels.
   *
   * @throws IllegalArgumentException if the output is not one vector per sample (an H x W x K
   *     output has no single argmax to compare with a label)
   */
  public static int classes(ModelCircuit circuit) {
    TensorLayout out = InferenceStatement.outputLayout(circuit);
    if (out.width() != 1 || out.height() != 1) {
      throw new IllegalArgumentException(
          "the accuracy proof ranks one vector of logits per sample; the model's output is "
              + out.height()
              + " x "
              + out.width()
              + " x "
              + out.channels());
    }
    return out.channels();
  }

  /**
   * Checks that every label names one of the model's {@code classes} (the caller's error, not the
   * proof's: labels are the statement's).
   *
   * @throws IllegalArgumentException naming the first label out of range and its sample
   */
  public static void requireLabels(int[] labels, int classes) {
    for (int b = 0; b < labels.length; b++) {
      if (labels[b] < 0 || labels[b] >= classes) {
        throw new IllegalArgumentException(
            "label "
                + labels[b]
                + " of sample "
                + b
                + " is not one of the model's "
                + classes
                + " classes");
      }
    }
  }

  /**
   * The accuracy layout of a circuit's batch: K = the output's channels, the gadget's class
   * variables all of the output layout's (channel, width and height bits), its sample variables the
   * batch's or, in zero knowledge, the fewest at least as many that leave padding samples (and 16
   * padded entries) to the gadget.
   *
   * @throws IllegalArgumentException if the model's output is not one vector per sample, has fewer
   *     than two classes
   */
  public static AccuracyLayout of(ModelCircuit circuit, Batch batch) {
    TensorLayout out = InferenceStatement.outputLayout(circuit);
    classes(circuit);
    // All of one sample's variables: a 1 x 1 map's index is its channel, so classes K.. are the
    // layout's padding, channels and (zero knowledge) the padding rows alike.
    int kb = out.numVars();
    int nb = batch.bits();
    int n = batch.samples();
    if (circuit.zeroKnowledge()) {
      while ((1L << nb) == n || ((1L << nb) - n) << kb < 16) {
        nb++;
      }
    }
    return new AccuracyLayout(batch, out, new ArgmaxLayout(n, out.channels(), nb, kb));
  }

  /** Variables of the committed logits column: one sample's output layout and the batch's. */
  public int logitsVars() {
    return batch.numVars(logits);
  }

  /** The four columns' variables, in {@link ColumnEvaluation.Column} order (no label table). */
  public int[] columnVars() {
    return new int[] {
      logitsVars(),
      ColumnEvaluation.Column.SELECTOR.numVars(argmax),
      ColumnEvaluation.Column.MAX.numVars(argmax),
      ColumnEvaluation.Column.GAP.numVars(argmax)
    };
  }

  /**
   * The uniform entries of each column in a zero-knowledge proof: every sample's logits padding
   * (the N' samples', padding copies included), the gadget columns' entries outside the box.
   */
  public long[] randomEntries() {
    long logitsPadding = (long) (logits.paddedSize() - logits.realSize()) * batch.paddedSamples();
    long outsideBox = argmax.size() - (long) argmax.samples() * argmax.classes();
    return new long[] {
      logitsPadding, outsideBox, argmax.paddedSamples() - (long) argmax.samples(), outsideBox
    };
  }

  /** The point on the committed logits column that the gadget's ℓ claim at σ is (class doc). */
  public Ext2[] logitsPoint(Ext2[] sigma) {
    return Points.concat(
        argmax.classPart(sigma), Points.slice(argmax.samplePart(sigma), 0, batch.bits()));
  }

  /**
   * The gadget's ℓ table from the committed logits column: entry (j, b) is the column's (index j, b
   * mod N'), padding classes included (their uniform values are what the claim weighs).
   */
  public long[] gadgetLogits(long[] logitsColumn) {
    if (logitsColumn.length != 1 << logitsVars()) {
      throw new IllegalArgumentException(
          "a logits column of " + logitsColumn.length + " entries, expected 2^" + logitsVars());
    }
    long[] out = new long[argmax.size()];
    int perSample = logits.paddedSize();
    int classes = argmax.paddedClasses();
    int batchMask = batch.paddedSamples() - 1;
    for (int b = 0; b < argmax.paddedSamples(); b++) {
      System.arraycopy(logitsColumn, (b & batchMask) * perSample, out, b * classes, classes);
    }
    return out;
  }
}
