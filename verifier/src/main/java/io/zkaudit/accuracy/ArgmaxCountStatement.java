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
 *
 * <p>The labels are public values ({@link Labels.Public}: the verifier evaluates the label table's
 * MLE itself), or a committed label table ({@link Labels.Committed}: the buyer's test-set
 * commitment T holds L(b, j) = [b &lt; N][j = y_b], zero on its padding, and the gadget leaves a
 * claim on it instead; docs/accuracy-proof.md, "The test-set commitment is the test set").
 */
public record ArgmaxCountStatement(ArgmaxLayout layout, Labels labels, int correct) {
  public static final String STATEMENT = "accuracy/statement";
  public static final String LABELS = "accuracy/labels";
  public static final String COMMITTED_LABELS = "accuracy/committed-labels";

  /** Where the labels come from. */
  public sealed interface Labels permits Labels.Public, Labels.Committed {
    /** The labels as public values, one per real sample. */
    record Public(int[] values) implements Labels {
      public Public {
        values = values.clone();
      }

      @Override
      public int[] values() {
        return values.clone();
      }

      @Override
      public boolean equals(Object o) {
        return o instanceof Public p && Arrays.equals(p.values, values);
      }

      @Override
      public int hashCode() {
        return Arrays.hashCode(values);
      }
    }

    /** A label table committed elsewhere (the test-set commitment), claimed at the end point. */
    record Committed() implements Labels {}
  }

  /** A statement with public labels. */
  public ArgmaxCountStatement(ArgmaxLayout layout, int[] labels, int correct) {
    this(layout, new Labels.Public(labels), correct);
  }

  public ArgmaxCountStatement {
    if (labels instanceof Labels.Public(int[] values)) {
      if (values.length != layout.samples()) {
        throw new IllegalArgumentException(
            values.length + " labels for " + layout.samples() + " samples");
      }
      for (int b = 0; b < values.length; b++) {
        if (values[b] < 0 || values[b] >= layout.classes()) {
          throw new IllegalArgumentException(
              "label " + values[b] + " of sample " + b + " is not a class of " + layout.classes());
        }
      }
    }
    if (correct < 0 || correct > layout.samples()) {
      throw new IllegalArgumentException(
          correct + " correct out of " + layout.samples() + " samples");
    }
  }

  public boolean labelsCommitted() {
    return labels instanceof Labels.Committed;
  }

  /** The public labels (a statement with committed labels has none). */
  public int[] publicLabels() {
    return switch (labels) {
      case Labels.Public p -> p.values();
      case Labels.Committed c ->
          throw new IllegalStateException("the labels are committed, not public");
    };
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
    switch (labels) {
      case Labels.Public p -> {
        int[] y = p.values();
        long[] l = new long[y.length];
        for (int b = 0; b < l.length; b++) {
          l[b] = y[b];
        }
        t.absorbField(LABELS, l);
      }
      case Labels.Committed c -> t.absorbField(COMMITTED_LABELS, 1);
    }
  }

  /**
   * The MLE of the public label table L(b, j) = [b &lt; N and j = y_b] at a point: Σ_{b &lt; N}
   * eq(σ_b, b) eq(σ_j, y_b), from the two eq tables, O(2^sampleBits + 2^classBits).
   */
  public Ext2 labelTable(Ext2[] point) {
    int[] y = publicLabels();
    long[] eqSample = Mle.eqTable(layout.samplePart(point));
    long[] eqClass = Mle.eqTable(layout.classPart(point));
    Ext2 acc = Ext2.ZERO;
    for (int b = 0; b < y.length; b++) {
      acc = acc.add(ExtVector.get(eqSample, b).mul(ExtVector.get(eqClass, y[b])));
    }
    return acc;
  }

  /** The label table on the hypercube, from labels (the prover's side, and the buyer's). */
  public static long[] labelTable(ArgmaxLayout layout, int[] labels) {
    long[] t = new long[layout.size()];
    for (int b = 0; b < labels.length; b++) {
      t[layout.index(b, labels[b])] = 1;
    }
    return t;
  }

  /** The public label table on the hypercube. */
  public long[] labelTable() {
    return labelTable(layout, publicLabels());
  }
}
