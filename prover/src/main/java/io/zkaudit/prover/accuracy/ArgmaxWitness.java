package io.zkaudit.prover.accuracy;

import io.zkaudit.accuracy.ArgmaxCountStatement;
import io.zkaudit.accuracy.ArgmaxLayout;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.zk.ZkRandom;

/**
 * The honest witness of the gadget for N samples' integer logits and their labels: each sample's
 * prediction with the runtime's tie rule (the first maximum, as {@code engine/Predictions} ranks),
 * the count, and the columns, whose padding (samples b ≥ N, classes j ≥ K) is uniform in a
 * zero-knowledge proof and zero otherwise.
 */
public record ArgmaxWitness(
    ArgmaxCountStatement statement, int[] predictions, ArgmaxColumns columns) {

  /** The widest range of one sample's logits the gap's 16-bit range check can hold. */
  public static final long MAX_SPAN = (1 << 16) - 1;

  public ArgmaxWitness {
    predictions = predictions.clone();
  }

  @Override
  public int[] predictions() {
    return predictions.clone();
  }

  /**
   * @param logits logits[b][j] for the N samples and K classes
   * @param random uniform padding (zero knowledge), or null for zero padding
   * @throws IllegalArgumentException for a sample whose logits span more than {@link #MAX_SPAN}
   */
  public static ArgmaxWitness compute(
      ArgmaxLayout layout, long[][] logits, int[] labels, ZkRandom random) {
    int n = layout.samples();
    int k = layout.classes();
    if (logits.length != n) {
      throw new IllegalArgumentException(logits.length + " logit rows for " + n + " samples");
    }
    int[] predictions = new int[n];
    int correct = 0;
    for (int b = 0; b < n; b++) {
      if (logits[b].length != k) {
        throw new IllegalArgumentException(
            "sample " + b + " has " + logits[b].length + " logits, expected " + k);
      }
      int p = 0;
      long lo = logits[b][0];
      for (int j = 1; j < k; j++) {
        if (logits[b][j] > logits[b][p]) {
          p = j; // strictly greater: the first maximum wins a tie
        }
        lo = Math.min(lo, logits[b][j]);
      }
      if (logits[b][p] - lo > MAX_SPAN) {
        throw new IllegalArgumentException(
            "sample "
                + b
                + ": its logits span "
                + (logits[b][p] - lo)
                + " > "
                + MAX_SPAN
                + ", wider than the gap's 16-bit range check holds");
      }
      predictions[b] = p;
      if (p == labels[b]) {
        correct++;
      }
    }
    ArgmaxCountStatement st = new ArgmaxCountStatement(layout, labels, correct);
    long[] l = new long[layout.size()];
    long[] s = new long[layout.size()];
    long[] d = new long[layout.size()];
    long[] m = new long[layout.paddedSamples()];
    for (int b = 0; b < n; b++) {
      long max = logits[b][predictions[b]];
      m[b] = Goldilocks.fromSigned(max);
      s[layout.index(b, predictions[b])] = 1;
      for (int j = 0; j < k; j++) {
        l[layout.index(b, j)] = Goldilocks.fromSigned(logits[b][j]);
        d[layout.index(b, j)] = max - logits[b][j] - (j < predictions[b] ? 1 : 0);
      }
    }
    if (random != null) {
      random.fill(l, i -> !layout.isReal(i));
      random.fill(s, i -> !layout.isReal(i));
      random.fill(d, i -> !layout.isReal(i));
      random.fill(m, b -> !layout.isRealSample(b));
    }
    return new ArgmaxWitness(st, predictions, new ArgmaxColumns(l, s, m, d));
  }
}
