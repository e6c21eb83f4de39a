package io.zkaudit.accuracy;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.ExtVector;
import io.zkaudit.poly.Mle;
import io.zkaudit.transcript.Transcript;
import java.util.Arrays;

/**
 * The public statement of the argmax-and-count gadget: the layout (N samples, K classes, and the
 * padded sizes), the labels y_b of the N real samples, and the claimed number {@code correct} of
 * samples whose first maximal logit is at y_b. The logits themselves are private (a committed
 * column of the inference proof).
 */
public record ArgmaxCountStatement(ArgmaxLayout layout, int[] labels, int correct) {
  public static final String STATEMENT = "accuracy/statement";
  public static final String LABELS = "accuracy/labels";

  public ArgmaxCountStatement {
    labels = labels.clone();
    if (labels.length != layout.samples()) {
      throw new IllegalArgumentException(
          labels.length + " labels for " + layout.samples() + " samples");
    }
    for (int b = 0; b < labels.length; b++) {
      if (labels[b] < 0 || labels[b] >= layout.classes()) {
        throw new IllegalArgumentException(
            "label " + labels[b] + " of sample " + b + " is not a class of " + layout.classes());
      }
    }
    if (correct < 0 || correct > layout.samples()) {
      throw new IllegalArgumentException(
          correct + " correct out of " + layout.samples() + " samples");
    }
  }

  @Override
  public int[] labels() {
    return labels.clone();
  }

  /** Binds the statement: the shapes, the count and every label, before any challenge. */
  public void absorb(Transcript t) {
    t.absorbField(
        STATEMENT,
        layout.samples(),
        layout.classes(),
        layout.sampleBits(),
        layout.classBits(),
        correct);
    long[] l = new long[labels.length];
    for (int b = 0; b < l.length; b++) {
      l[b] = labels[b];
    }
    t.absorbField(LABELS, l);
  }

  /**
   * The MLE of the label table L(b, j) = [b < N and j = y_b] at a point: Σ_{b < N} eq(σ_b, b)
   * eq(σ_j, y_b), from the two eq tables, O(2^sampleBits + 2^classBits).
   */
  public Ext2 labelTable(Ext2[] point) {
    long[] eqSample = Mle.eqTable(layout.samplePart(point));
    long[] eqClass = Mle.eqTable(layout.classPart(point));
    Ext2 acc = Ext2.ZERO;
    for (int b = 0; b < labels.length; b++) {
      acc = acc.add(ExtVector.get(eqSample, b).mul(ExtVector.get(eqClass, labels[b])));
    }
    return acc;
  }

  /** The label table on the hypercube (the prover's side). */
  public long[] labelTable() {
    long[] t = new long[layout.size()];
    for (int b = 0; b < labels.length; b++) {
      t[layout.index(b, labels[b])] = 1;
    }
    return t;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ArgmaxCountStatement s
        && s.layout.equals(layout)
        && Arrays.equals(s.labels, labels)
        && s.correct == correct;
  }

  @Override
  public int hashCode() {
    return (layout.hashCode() * 31 + Arrays.hashCode(labels)) * 31 + correct;
  }

  @Override
  public String toString() {
    return "ArgmaxCountStatement(" + layout + ", " + correct + " correct)";
  }
}
